//! `cargo xtask demo`: from nothing to the module answering in a VM and WebAssembly running in
//! its kernel.

use crate::vm::{self, VmJob};
use crate::{kernel, module, setup, Result};
use std::time::Duration;

/// The demo program: recursive Fibonacci, run in the kernel.
fn fib_wasm() -> Result<Vec<u8>> {
    wat::parse_str(
        r#"(module (func $fib (export "fib") (param i64) (result i64)
            (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
              (then (local.get 0))
              (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                             (call $fib (i64.sub (local.get 0) (i64.const 2))))))))"#,
    )
    .map_err(|e| e.to_string())
}

pub fn run() -> Result<()> {
    setup::run()?;
    let kernel = kernel::build()?;
    let module = module::build(&kernel)?;
    let cli = vm::build_cli()?;
    let outcome = vm::run(&VmJob {
        kernel: &kernel,
        module: &module,
        binaries: vec![cli],
        files: vec![("/demo/fib.wasm".into(), fib_wasm()?)],
        commands: vec![
            "dmesg | grep kwasm".into(),
            "kwasm version".into(),
            "kwasm selftest 1234".into(),
            "kwasm run /demo/fib.wasm --invoke fib 30".into(),
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
