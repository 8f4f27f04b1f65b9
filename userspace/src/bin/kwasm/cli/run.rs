//! `kwasm run`: load a module, run one export, unload it: in the kernel (the kernel compiles
//! the module; a test run) or, with `--userspace`, in this process with the userspace executor.
//! Both print results typed by the export's signature.

use super::compile::compile;
use super::input::Input;
use super::signature::export_signature;
use super::wasm_value::{format_results, parse_args};
use super::Result;
use clap::Args;
use kwasm::executor::{Imports, Instance, Value};
use kwasm::hooks::trap::trap_name;
use kwasm::LoadOptions;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The module (.wasm); with --userspace also a compiled artifact (.kwo)
    pub file: PathBuf,
    /// The export to call
    #[arg(long, value_name = "NAME")]
    pub invoke: String,
    /// Arguments: 5, -3, 1.5 (the parameter's type) or i32:5, i64:-1, f32:1.5, f64:2
    #[arg(allow_negative_numbers = true, value_name = "ARGS")]
    pub args: Vec<String>,
    /// Fuel per run (default: the kernel's, or the executor's)
    #[arg(long)]
    pub fuel: Option<u64>,
    /// Runs (the results are the last run's)
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    /// Run in this process with the userspace executor instead of the kernel
    #[arg(long)]
    pub userspace: bool,
}

pub fn run(args: &RunArgs) -> Result<()> {
    let input = Input::read(&args.file)?;
    if args.userspace {
        return run_userspace(input, args);
    }
    let wasm = input.into_wasm(&args.file)?;
    run_in_kernel(&wasm, args)
}

fn run_in_kernel(wasm: &[u8], args: &RunArgs) -> Result<()> {
    let sig = export_signature(wasm, &args.invoke);
    let values = parse_args(&args.args, sig.as_ref().map(|s| &s.params[..]))?;
    let fuel = args.fuel.unwrap_or(0);
    let prog = LoadOptions::new()
        .name(prog_name(&args.file))
        .fuel(fuel)
        .load_bytes(wasm)?;
    let slots: Vec<u64> = values.iter().map(|v| v.to_slot()).collect();
    let nresults = sig.as_ref().map_or(4, |s| s.results.len());
    let run = prog.test_run(
        &args.invoke,
        &slots,
        slots.len().max(nresults).max(1),
        args.repeat,
        fuel,
    )?;
    if run.trap != 0 {
        return Err(format!("trap {}: {}", run.trap, trap_name(run.trap)).into());
    }
    let results = format_results(&run.results, sig.as_ref().map(|s| &s.results[..]));
    println!("{results}  ({} ns per run)", run.duration_ns);
    Ok(())
}

/// The program's name in the kernel: the file's stem.
fn prog_name(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("prog")
        .to_string()
}

fn run_userspace(input: Input, args: &RunArgs) -> Result<()> {
    let artifact = match input {
        Input::Wasm(wasm) => compile(&wasm, false, &args.file)?,
        Input::Artifact(artifact) => artifact,
    };
    let mut imports = Imports::default();
    kwasm::executor::wasi::add_to(&mut imports);
    let mut instance = Instance::new(&artifact, &imports)?;
    let values = parse_args(&args.args, instance.func_type(&args.invoke).map(|(p, _)| p))?;
    let mut results = Vec::new();
    for _ in 0..args.repeat.max(1) {
        if let Some(f) = args.fuel {
            instance.set_fuel(i64::try_from(f).unwrap_or(i64::MAX));
        }
        results = instance.invoke(&args.invoke, &values)?;
    }
    let shown: Vec<String> = results.iter().map(Value::to_string).collect();
    println!("{}", shown.join(" "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> super::RunArgs {
        match Cli::try_parse_from(args).unwrap().command {
            Command::Run(args) => args,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn arguments_and_flags_in_any_order() {
        let a = parse(&[
            "kwasm", "run", "p.wasm", "--invoke", "f", "-3", "f64:0", "--fuel", "9",
        ]);
        assert_eq!(a.args, ["-3", "f64:0"]);
        assert_eq!((a.fuel, a.repeat, a.userspace), (Some(9), 1, false));
        let a = parse(&[
            "kwasm",
            "run",
            "--userspace",
            "p.kwo",
            "--invoke",
            "mul",
            "6",
            "7",
        ]);
        assert!(a.userspace);
        assert_eq!(a.file.to_str(), Some("p.kwo"));
        assert_eq!(a.args, ["6", "7"]);
        let a = parse(&[
            "kwasm",
            "run",
            "p.wasm",
            "--invoke",
            "spin",
            "--fuel",
            "10000000",
            "--repeat",
            "4294967295",
        ]);
        assert_eq!(a.repeat, u32::MAX);
        assert!(
            Cli::try_parse_from(["kwasm", "run", "p.wasm"]).is_err(),
            "--invoke is required"
        );
    }
}
