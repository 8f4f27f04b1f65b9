//! `kwasm compile`: a module to a kwasm artifact, as the kernel would compile it.

use super::input::Input;
use super::Result;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct CompileArgs {
    /// The WebAssembly module
    pub input: PathBuf,
    /// Where to write the artifact
    #[arg(short, long, value_name = "OUT.kwo")]
    pub output: PathBuf,
    /// Bound execution by yield points (servers) instead of fuel (hooks, test runs)
    #[arg(long = "yield")]
    pub yield_mode: bool,
}

pub fn run(args: &CompileArgs) -> Result<()> {
    let wasm = Input::read(&args.input)?.into_wasm(&args.input)?;
    let artifact = compile(&wasm, args.yield_mode, &args.input)?;
    std::fs::write(&args.output, &artifact)
        .map_err(|e| format!("{}: {e}", args.output.display()))?;
    println!(
        "{} -> {} ({} bytes)",
        args.input.display(),
        args.output.display(),
        artifact.len()
    );
    Ok(())
}

/// Compiles `wasm` in this process (for `compile` and `run --userspace`).
pub fn compile(wasm: &[u8], yield_mode: bool, path: &Path) -> Result<Vec<u8>> {
    let bound = if yield_mode {
        kwasm_compiler::Bound::Yield
    } else {
        kwasm_compiler::Bound::Fuel
    };
    let options = kwasm_compiler::Options {
        bound,
        ..Default::default()
    };
    kwasm_compiler::compile(wasm, &options).map_err(|e| format!("{}: {e}", path.display()).into())
}

#[cfg(test)]
mod tests {
    use super::super::Cli;
    use super::super::Command;
    use clap::Parser;

    #[test]
    fn parses() {
        let cli =
            Cli::try_parse_from(["kwasm", "compile", "a.wasm", "-o", "a.kwo", "--yield"]).unwrap();
        let Command::Compile(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.output.to_str(), Some("a.kwo"));
        assert!(args.yield_mode);
        assert!(Cli::try_parse_from(["kwasm", "compile", "a.wasm"]).is_err());
    }
}
