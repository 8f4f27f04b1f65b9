//! `cargo xtask demo`: from nothing to the module answering in a VM, WebAssembly running in its
//! kernel, and a WebAssembly packet filter dropping connections to one port through the `kwasm`
//! library (the example host programs in `examples/*/host`).

use crate::vm::{self, GuestBinary, VmJob};
use crate::{cmd, kernel, module, paths, setup, Result};
use std::path::PathBuf;
use std::process::Command;
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

/// The example host programs, built for the guest: `port-filter`, `port-filter-demo` (the
/// walkthrough) and `packet-counter`.
fn build_examples() -> Result<Vec<GuestBinary>> {
    cmd::run(Command::new("cargo").current_dir(paths::repo()).args([
        "build",
        "-q",
        "-p",
        "kwasm-port-filter-host",
        "-p",
        "kwasm-packet-counter-host",
    ]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| paths::repo().join("target"));
    Ok(["port-filter", "port-filter-demo", "packet-counter"]
        .into_iter()
        .map(|name| GuestBinary {
            name: name.into(),
            host: target.join("debug").join(name),
        })
        .collect())
}

/// Runs `command` in the background after `delay` seconds, quietly (traffic for the host
/// programs to see while they run in the foreground).
fn later(delay: u32, command: &str) -> String {
    format!("(sleep {delay}; {command}) >/dev/null 2>&1 &")
}

pub fn run() -> Result<()> {
    setup::run()?;
    let kernel = kernel::build()?;
    let module = module::build(&kernel)?;
    let mut binaries = vec![vm::build_cli()?];
    binaries.extend(build_examples()?);
    let mut files = vec![("/demo/fib.wasm".to_string(), fib_wasm()?)];
    files.extend(vm::example_guests("/demo")?);
    let outcome = vm::run(&VmJob {
        kernel: &kernel,
        module: &module,
        binaries,
        files,
        commands: vec![
            "dmesg | grep kwasm".into(),
            "kwasm version".into(),
            "kwasm selftest 1234".into(),
            "kwasm run /demo/fib.wasm --invoke fib 30".into(),
            // The walkthrough: filter a port through the library, show the counters, detach.
            "port-filter-demo --wasm /demo/port-filter.wasm --port 8080 --other-port 9090".into(),
            // The example host programs as one runs them, with a little traffic meanwhile.
            // `port-filter` prints the drops every second until SIGTERM (or Ctrl-C).
            "port-filter --wasm /demo/port-filter.wasm --port 8080 & sleep 2; \
             nc -w 1 127.0.0.1 8080 </dev/null >/dev/null 2>&1; sleep 1; kill -TERM $!; wait $!"
                .into(),
            format!(
                "{} packet-counter --wasm /demo/packet-counter.wasm --seconds 5",
                later(
                    2,
                    "nc -w 1 127.0.0.1 9 </dev/null; ping -c 1 -W 1 127.0.0.1; ping -c 1 -W 1 ::1"
                )
            ),
        ],
        timeout: Duration::from_secs(300),
        echo: true,
    })?;
    if outcome.ok() {
        println!("demo: ok");
        println!(
            "  the port filter ran through the kwasm library: examples/port-filter/host \
             (port-filter, port-filter-demo) and examples/packet-counter/host"
        );
        Ok(())
    } else {
        Err(format!("demo failed: {}", outcome.verdict()))
    }
}
