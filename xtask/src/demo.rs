//! `cargo xtask demo`: from nothing to the module answering in a VM.

use crate::vm::{self, VmJob};
use crate::{kernel, module, setup, Result};
use std::time::Duration;

pub fn run() -> Result<()> {
    setup::run()?;
    let kernel = kernel::build()?;
    let module = module::build(&kernel)?;
    let cli = vm::build_cli()?;
    let outcome = vm::run(&VmJob {
        kernel: &kernel,
        module: &module,
        binaries: vec![cli],
        commands: vec![
            "dmesg | grep kwasm".into(),
            "kwasm version".into(),
            "kwasm selftest 1234".into(),
        ],
        timeout: Duration::from_secs(300),
        echo: true,
    })?;
    if outcome.ok() {
        println!("demo: ok");
        Ok(())
    } else {
        Err(format!("demo failed: {}", outcome.verdict()))
    }
}
