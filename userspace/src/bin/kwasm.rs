//! `kwasm`: the command-line tool (bpftool-like). It grows with the library.

use std::process::ExitCode;

const USAGE: &str = "usage: kwasm <command>

commands:
  version            print the ABI version of the loaded module and of this tool
  selftest [INPUT]   run the module's executable-arena self-test";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("version") => version(),
        Some("selftest") => selftest(args.get(1).map(String::as_str)),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kwasm: {e}");
            ExitCode::FAILURE
        }
    }
}

fn version() -> Result<(), Box<dyn std::error::Error>> {
    let dev = kwasm::Device::open_unchecked()?;
    println!("module ABI version: {}", dev.abi_version()?);
    println!("tool ABI version:   {}", kwasm::hooks::ABI_VERSION);
    Ok(())
}

fn selftest(input: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let input: u64 = match input {
        Some(s) => s.parse().map_err(|e| format!("bad INPUT {s:?}: {e}"))?,
        None => 0x1234,
    };
    let dev = kwasm::Device::open()?;
    let report = dev.selftest(input)?;
    println!(
        "arena self-test ok: f({input}) = {} (arena {} of {} bytes in use)",
        report.output, report.arena_used, report.arena_size
    );
    Ok(())
}
