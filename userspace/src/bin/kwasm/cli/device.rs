//! `kwasm version` and `kwasm selftest`: the module itself.

use super::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct SelftestArgs {
    /// Input of the installed code (it returns input * 3 + 7)
    #[arg(default_value_t = 0x1234)]
    pub input: u64,
}

pub fn version() -> Result<()> {
    let dev = kwasm::Device::open_unchecked()?;
    println!("module ABI version: {}", dev.abi_version()?);
    println!("tool ABI version:   {}", kwasm::hooks::ABI_VERSION);
    Ok(())
}

pub fn selftest(args: &SelftestArgs) -> Result<()> {
    let dev = kwasm::Device::open()?;
    let report = dev.selftest(args.input)?;
    println!(
        "arena self-test ok: f({}) = {} (arena {} of {} bytes in use)",
        args.input, report.output, report.arena_used, report.arena_size
    );
    Ok(())
}
