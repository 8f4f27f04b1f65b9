//! `cargo xtask test`: host tests, the VM suite against the real module, and the harness's own
//! canaries (a kernel that complains must fail the run). Ends with one `N passed, M failed` line.

use crate::summary::Totals;
use crate::vm::{self, VmJob};
use crate::{kernel, module, paths, setup, summary, Result};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Runs `cargo test ARGS`, echoing its output, and counts the results.
fn cargo_test(args: &[&str], env: &[(&str, &std::path::Path)]) -> Result<(Totals, bool)> {
    let mut command = Command::new("cargo");
    command
        .current_dir(paths::repo())
        .arg("test")
        .arg("--no-fail-fast")
        .args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    println!("  $ {}", crate::cmd::show(&command));
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cargo test: {e}"))?;
    let mut out = String::new();
    for line in BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(|l| l.ok())
    {
        println!("{line}");
        out.push_str(&line);
        out.push('\n');
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok((summary::parse(&out), status.success()))
}

/// Provokes a real kernel complaint with lkdtm and checks that the harness fails the run.
fn canary(kernel: &kernel::Kernel, module: &std::path::Path, what: &str) -> Result<bool> {
    println!("test: harness canary: lkdtm {what} must fail the VM run");
    let outcome = vm::run(&VmJob {
        kernel,
        module,
        binaries: vec![],
        files: vec![],
        commands: vec![format!(
            "echo {what} > /sys/kernel/debug/provoke-crash/DIRECT"
        )],
        timeout: Duration::from_secs(300),
        echo: false,
    })?;
    let caught = !outcome.ok() && !outcome.complaints.is_empty() && !outcome.timed_out;
    println!(
        "test: canary {what}: {}",
        if caught {
            "caught, as it must be"
        } else {
            "NOT caught: the harness would report green on a complaining kernel"
        }
    );
    Ok(caught)
}

/// `cargo fmt --check` and `cargo clippy -D warnings` over the workspace.
fn lints() -> bool {
    println!("test: cargo fmt --check, cargo clippy -D warnings");
    // kernel/kcompile is a crate of its own (built for the kernel's target by `xtask module`,
    // which fails on any of its warnings).
    let fmt = crate::cmd::run(
        Command::new("cargo")
            .current_dir(paths::repo())
            .args(["fmt", "--all", "--check"]),
    )
    .and_then(|()| {
        crate::cmd::run(Command::new("cargo").current_dir(paths::repo()).args([
            "fmt",
            "--manifest-path",
            "kernel/kcompile/Cargo.toml",
            "--check",
        ]))
    });
    let clippy = crate::cmd::run(Command::new("cargo").current_dir(paths::repo()).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ]));
    for e in [&fmt, &clippy].into_iter().filter_map(|r| r.as_ref().err()) {
        println!("test: lint failed: {e}");
    }
    fmt.is_ok() && clippy.is_ok()
}

pub fn run() -> Result<()> {
    setup::run()?;
    let lints_ok = lints();
    println!("test: host tests (the workspace without the VM, guest-program and spec crates)");
    let (mut host, mut host_ok) = cargo_test(
        &[
            "--workspace",
            "--exclude",
            "kwasm-vmtests",
            "--exclude",
            "kwasm-guesttests",
            "--exclude",
            "kwasm-spec",
        ],
        &[],
    )?;
    println!("test: WebAssembly spec suite through the compiler and the userspace executor");
    let (s, s_ok) = cargo_test(
        &["-p", "kwasm-spec", "--", "--nocapture", "--test-threads=1"],
        &[],
    )?;
    host.add(s);
    host_ok &= s_ok;
    println!("test: guest programs (Rust and C built for wasm32, compared with native builds)");
    let guests = crate::guests::build()?;
    let (g, g_ok) = cargo_test(&["-p", "kwasm-guesttests"], &[("KWASM_GUESTS", &guests)])?;
    host.add(g);
    host_ok &= g_ok;

    let kernel = kernel::build()?;
    let module = module::build(&kernel)?;
    println!("test: VM suite");
    let outcome = vm::suite(&kernel, &module)?;
    let mut vm = outcome.tests;
    if !outcome.ok() && vm.failed == 0 {
        // A kernel complaint or a crash with all tests green still fails the suite.
        vm.failed += 1;
    }

    let mut harness = Totals::default();
    for what in ["WARNING", "BUG"] {
        if canary(&kernel, &module, what)? {
            harness.passed += 1;
        } else {
            harness.failed += 1;
        }
    }

    // The same suite on the KASAN kernel: memory-safety reports for the module's own code.
    println!("test: VM suite on the KASAN kernel");
    let kasan_kernel = kernel::build_variant(kernel::Variant::Kasan)?;
    let kasan_module = module::build(&kasan_kernel)?;
    let kasan_outcome = vm::suite(&kasan_kernel, &kasan_module)?;
    let mut kasan = kasan_outcome.tests;
    if !kasan_outcome.ok() && kasan.failed == 0 {
        kasan.failed += 1;
    }

    let mut total = host;
    total.add(vm);
    total.add(kasan);
    total.add(harness);
    println!();
    println!(
        "host:    {} passed, {} failed{}",
        host.passed,
        host.failed,
        if host_ok { "" } else { " (cargo test failed)" }
    );
    println!(
        "vm:      {} passed, {} failed ({})",
        vm.passed,
        vm.failed,
        outcome.verdict()
    );
    println!(
        "kasan:   {} passed, {} failed ({})",
        kasan.passed,
        kasan.failed,
        kasan_outcome.verdict()
    );
    println!(
        "harness: {} passed, {} failed",
        harness.passed, harness.failed
    );
    println!("{} passed, {} failed", total.passed, total.failed);
    if lints_ok && host_ok && outcome.ok() && kasan_outcome.ok() && total.failed == 0 {
        Ok(())
    } else {
        Err("some tests failed".into())
    }
}
