//! The command line: one file per kind of object, each with its clap arguments and handlers.
//!
//! Objects are named as `ID`, `id:ID`, `pin:NAME` or (programs and maps) `NAME` / `name:NAME`
//! (see [`refs`]); keys and values as `hex:0a000001`, `u32:5`, ... (see [`bytes`]).
//!
//! Host tests cover parsing, key/value and result formatting, JSON shapes, `compile` and
//! `run --userspace`; every command that talks to the kernel is only checked in the VM.

mod bytes;
mod compile;
mod device;
mod input;
mod link;
mod map;
mod output;
mod pin;
mod prog;
mod refs;
mod run;
mod signature;
mod wasm_value;

use clap::{Parser, Subcommand};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Load, run and inspect WebAssembly programs in the Linux kernel (through /dev/kwasm).
#[derive(Parser, Debug)]
#[command(name = "kwasm", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the ABI version of the loaded module and of this tool
    Version,
    /// Run the module's executable-arena self-test
    Selftest(device::SelftestArgs),
    /// Compile a module to a kwasm artifact (for the userspace executor)
    Compile(compile::CompileArgs),
    /// Load a module, run one export and unload it: in the kernel, or in this process
    Run(run::RunArgs),
    /// Programs: load, list, show, test-run, pin, unpin
    #[command(subcommand)]
    Prog(prog::ProgCommand),
    /// Links (programs attached to hooks): attach, list, show, detach, update, pin
    #[command(subcommand)]
    Link(link::LinkCommand),
    /// Maps: create, list, show, dump, lookup, update, delete, watch, pin
    #[command(subcommand)]
    Map(map::MapCommand),
    /// Pins: list, unpin
    #[command(subcommand)]
    Pin(pin::PinCommand),
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Version => device::version(),
        Command::Selftest(args) => device::selftest(&args),
        Command::Compile(args) => compile::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Prog(cmd) => prog::run(cmd),
        Command::Link(cmd) => link::run(cmd),
        Command::Map(cmd) => map::run(cmd),
        Command::Pin(cmd) => pin::run(cmd),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_subcommand_has_help() {
        fn walk(cmd: &clap::Command, path: &str) {
            for sub in cmd.get_subcommands() {
                let path = format!("{path} {}", sub.get_name());
                assert!(sub.get_about().is_some(), "`{path}` has no help text");
                walk(sub, &path);
            }
        }
        walk(&Cli::command(), "kwasm");
    }

    #[test]
    fn unknown_commands_are_refused() {
        assert!(Cli::try_parse_from(["kwasm", "frobnicate"]).is_err());
        assert!(Cli::try_parse_from(["kwasm", "prog", "explode"]).is_err());
    }
}
