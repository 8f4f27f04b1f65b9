//! `kwasm`: the command-line tool (bpftool-like) over the `kwasm` library.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kwasm: {e}");
            ExitCode::FAILURE
        }
    }
}
