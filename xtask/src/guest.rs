//! `cargo xtask guest <dir>`: builds the guest crate in `<dir>` as a wasm32 module (the
//! design's recipe, shared with `cargo xtask guests`) and prints the `.wasm` path.
//!
//! Hook guests (`hooks/guest`, `kwasm-guest`) get a 16 KiB shadow stack instead of rustc's
//! 1 MiB, so the initial memory stays far below a hook's default per-instance memory.

use crate::{cmd, paths, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The wasm32 shadow stack of hook guests (`-zstack-size`).
pub const HOOK_STACK_SIZE: u32 = 16 << 10;

/// `cargo rustc` building the crate in `dir` for wasm32 as a release `cdylib` into
/// `target_dir`: Debian's rustc with `-Zbuild-std=core,alloc` and wasm-ld (design.md,
/// "Toolchain facts"). Arguments for the crate's own rustc go after a `--` the caller adds.
pub fn wasm32_cargo(dir: &Path, target_dir: &Path) -> Command {
    let mut c = Command::new("cargo");
    c.current_dir(dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTC", paths::KERNEL_RUSTC)
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER",
            format!("wasm-ld{}", paths::LLVM_SUFFIX),
        )
        .args([
            "rustc",
            "-q",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-Zbuild-std=core,alloc",
            "--crate-type",
            "cdylib",
        ])
        .arg("--target-dir")
        .arg(target_dir);
    c
}

/// Where `guest` builds: one target folder for every guest, so they share the built `core`.
pub fn target_dir() -> PathBuf {
    paths::target().join("guest")
}

/// Whether the toolchain the recipe needs is here; `Err` says what is missing.
pub fn toolchain() -> Result<()> {
    let linker = format!("wasm-ld{}", paths::LLVM_SUFFIX);
    let found = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
    };
    let src = Path::new(paths::KERNEL_RUSTC)
        .parent()
        .and_then(Path::parent)
        .map(|usr| usr.join("lib/rustlib/src/rust/library/core"));
    if !Path::new(paths::KERNEL_RUSTC).is_file() || !src.is_some_and(|s| s.is_dir()) {
        return Err(format!(
            "the wasm32 recipe needs Debian's rustc at {} with its core sources \
             (rustc-web, rust-web-src): run `cargo xtask setup`",
            paths::KERNEL_RUSTC
        ));
    }
    if !found(&linker) {
        return Err(format!(
            "{linker} not found (lld-14): run `cargo xtask setup`"
        ));
    }
    Ok(())
}

/// Builds the guest crate in `dir`; the path of its `.wasm`.
pub fn build(dir: &Path) -> Result<PathBuf> {
    toolchain()?;
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut c = wasm32_cargo(&dir, &target_dir());
    c.args(["--message-format", "json-render-diagnostics", "--"])
        .arg(format!("-Clink-arg=-zstack-size={HOOK_STACK_SIZE}"));
    let out = cmd::output(&mut c)?;
    wasm_of(&out).ok_or_else(|| format!("{}: cargo named no .wasm file", dir.display()))
}

/// The `.wasm` among the artifacts cargo's JSON messages name.
fn wasm_of(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .flat_map(|m| m["filenames"].as_array().cloned().unwrap_or_default())
        .filter_map(|f| f.as_str().map(PathBuf::from))
        .find(|f| f.extension().is_some_and(|e| e == "wasm"))
}

/// `cargo xtask guest <dir>`.
pub fn cli(args: &[String]) -> Result<()> {
    let [dir] = args else {
        return Err("usage: cargo xtask guest <dir of a guest crate>".into());
    };
    let wasm = build(Path::new(dir))?;
    println!("{}", wasm.display());
    Ok(())
}
