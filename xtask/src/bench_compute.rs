//! `cargo xtask bench compute [--quick] [--rounds N] [--engines ..] [--programs ..]`: real
//! compute programs natively, through kwasm and through wasmtime (Cranelift, Winch) and wasmer
//! (singlepass), on this machine, no VM and no root (the runner, `bench/compute/runner`, says what is measured and how).
//!
//! Builds the peers' command-line tools into the cache (`cargo install`, once: ~20 min each),
//! the runner, and the programs for wasm32 (C: clang 14, no libc; Rust: the guest recipe, one
//! module per program) and the large modules for compile speed (`bench_large`); runs the runner,
//! which writes `compute.json` (raw samples) and `compute.md` into `bench/results/` (`--quick`:
//! fewer, smaller runs into `target/xtask/bench/`).

use crate::{bench_large, cmd, flock, guest, paths, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The peers' versions, and the features the wasmer CLI is built with (singlepass only).
const WASMTIME: &str = "48.0.8";
const WASMER: &str = "7.4.2";

/// `options`: `--quick`, and the runner's `--rounds N`, `--engines IDS` and `--programs NAMES`
/// passed on to it. A quick run or one narrowed to some engines or programs writes to
/// `target/xtask/bench`, not to `bench/results`: only a full run makes the published page.
pub fn run(options: &[&str]) -> Result<()> {
    let quick = options.contains(&"--quick");
    let narrowed = options
        .iter()
        .any(|o| *o == "--engines" || *o == "--programs");
    let partial = quick || narrowed;
    guest::toolchain()?;
    let wasmtime = peer("wasmtime", WASMTIME, "wasmtime-cli", &[])?;
    let wasmer = peer(
        "wasmer",
        WASMER,
        "wasmer-cli",
        &["--no-default-features", "--features", "singlepass,sys,wat"],
    )?;
    let runner = build_runner()?;
    let work = paths::target().join("bench/compute");
    let wasm_dir = work.join("wasm");
    build_programs(&runner, &wasm_dir)?;
    let large = bench_large::build(&wasm_dir.join("large"))?;
    let out_dir = if partial {
        paths::target().join("bench")
    } else {
        paths::repo().join("bench/results")
    };
    let (commit, dirty) = git_state();
    let mut c = Command::new(&runner);
    c.arg("--wasm-dir")
        .arg(&wasm_dir)
        .arg("--work-dir")
        .arg(work.join("peers"))
        .arg("--out-dir")
        .arg(&out_dir)
        .arg("--wasmtime")
        .arg(&wasmtime)
        .arg("--wasmer")
        .arg(&wasmer)
        .args(["--commit", &commit])
        .args([
            "--date",
            &crate::bench::today(),
            "--cpu",
            &crate::bench::host_cpu(),
        ]);
    // Compile speed needs every engine: a run narrowed to some of them leaves it out.
    for m in large.iter().filter(|_| !narrowed) {
        c.arg("--large").arg(m);
    }
    if dirty {
        c.arg("--dirty");
    }
    if quick && !options.contains(&"--rounds") {
        c.args(["--rounds", "1"]);
    }
    c.args(options);
    cmd::run(&mut c)
}

/// The peer's tool, from the cache; installed there first if missing (`cargo install --locked
/// --root <cache>/peers/<name>-<version>`), under a lock so two runs do not both build it.
fn peer(name: &str, version: &str, package: &str, features: &[&str]) -> Result<PathBuf> {
    let root = paths::cache().join(format!("peers/{name}-{version}"));
    let exe = root.join("bin").join(name);
    if exe.is_file() {
        return Ok(exe);
    }
    std::fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    let _lock = flock::FileLock::acquire(&flock::lock_path(&root))?;
    if exe.is_file() {
        return Ok(exe);
    }
    println!(
        "bench: {} not found: building {package} {version} with cargo install (once; about 20 \
         minutes on 2 cores)",
        exe.display()
    );
    let log = paths::target().join(format!("bench/install-{name}.log"));
    std::fs::create_dir_all(log.parent().unwrap()).map_err(|e| e.to_string())?;
    cmd::run_with_progress(
        Command::new("cargo")
            .args(["install", "--locked", "--root"])
            .arg(&root)
            .arg(format!("{package}@{version}"))
            .args(features),
        name,
        &log,
    )?;
    if !exe.is_file() {
        return Err(format!("cargo install did not produce {}", exe.display()));
    }
    Ok(exe)
}

/// The runner, built in release mode; its path.
fn build_runner() -> Result<PathBuf> {
    println!("bench: building the runner (kwasm-bench-compute)");
    let out = cmd::output(Command::new("cargo").current_dir(paths::repo()).args([
        "build",
        "--release",
        "-p",
        "kwasm-bench-compute",
        "--message-format=json-render-diagnostics",
    ]))?;
    out.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo named no kwasm-bench-compute executable".into())
}

/// The runner's programs: (name, language) pairs (`kwasm-bench-compute --list`).
fn programs(runner: &Path) -> Result<Vec<(String, String)>> {
    let list = cmd::output(Command::new(runner).arg("--list"))?;
    Ok(list
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(n, l)| (n.to_string(), l.to_string()))
        .collect())
}

/// Every program as `<wasm_dir>/<name>.wasm`, plus `empty.wasm` (the peers' baseline).
fn build_programs(runner: &Path, wasm_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(wasm_dir).map_err(|e| format!("{}: {e}", wasm_dir.display()))?;
    let src = paths::repo().join("bench/compute");
    println!(
        "bench: building the programs for wasm32 into {}",
        wasm_dir.display()
    );
    let mut c_programs = vec!["empty".to_string()];
    let mut rust_programs = Vec::new();
    for (name, lang) in programs(runner)? {
        match lang.as_str() {
            "C" => c_programs.push(name),
            "Rust" => rust_programs.push(name),
            other => return Err(format!("program {name}: unknown language {other}")),
        }
    }
    for name in &c_programs {
        cmd::run(
            crate::guests::clang_wasm32()
                .args([
                    "-fno-math-errno",
                    "-Wall",
                    "-Wextra",
                    "-Werror",
                    "-nostartfiles",
                    "-Wl,--no-entry",
                    "-Wl,--strip-all",
                    "-o",
                ])
                .arg(wasm_dir.join(format!("{name}.wasm")))
                .arg(src.join(format!("c/{name}.c"))),
        )?;
    }
    let target = paths::target().join("bench/compute/rust");
    for name in &rust_programs {
        let mut c = guest::wasm32_cargo(&src.join("rust"), &target);
        c.args(["--features", name, "--", "-Clink-arg=--strip-all"]);
        cmd::run(&mut c)?;
        let built = target.join("wasm32-unknown-unknown/release/kwasm_bench_compute_rs.wasm");
        let to = wasm_dir.join(format!("{name}.wasm"));
        std::fs::copy(&built, &to)
            .map_err(|e| format!("{} → {}: {e}", built.display(), to.display()))?;
    }
    Ok(())
}

/// The commit and whether tracked files have uncommitted changes.
fn git_state() -> (String, bool) {
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(paths::repo())
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]);
    let dirty = !git(&["status", "--porcelain", "--untracked-files=no"]).is_empty();
    (commit, dirty)
}
