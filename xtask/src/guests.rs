//! `cargo xtask guests`: builds the wasm32 guest programs with today's toolchains and their
//! default settings — Rust with Debian's rustc (`-Zbuild-std=core,alloc`, the design's recipe)
//! and C with clang 14 + wasi-libc — into `target/xtask/guests/`.

use crate::{cmd, paths, Result};
use std::path::PathBuf;
use std::process::Command;

/// Folder of the built guests (what `KWASM_GUESTS` points the guest tests at).
pub fn dir() -> PathBuf {
    paths::target().join("guests")
}

/// clang 14 compiling C for wasm32 against Debian's wasi-libc, at -O2 (the caller adds its own
/// flags, the output and the sources).
pub fn clang_wasm32() -> Command {
    let mut c = Command::new(format!("clang{}", paths::LLVM_SUFFIX));
    c.args([
        "--target=wasm32-wasi",
        "--sysroot=/usr",
        "-isystem",
        "/usr/include/wasm32-wasi",
        "-O2",
    ]);
    c
}

pub fn build() -> Result<PathBuf> {
    let out = dir();
    println!(
        "guests: Rust (wasm32-unknown-unknown, build-std) and C (clang-14 + wasi-libc) into {}",
        out.display()
    );
    let rust = paths::repo().join("examples/guests/algos-rs");
    cmd::run(&mut crate::guest::wasm32_cargo(&rust, &out.join("rust")))?;
    std::fs::create_dir_all(out.join("c")).map_err(|e| e.to_string())?;
    cmd::run(
        clang_wasm32()
            .args([
                "-nostartfiles",
                "-Wl,--no-entry",
                "-Wl,--export=c_sort_checksum",
                "-Wl,--export=c_strings",
            ])
            .arg("-o")
            .arg(out.join("c/algos.wasm"))
            .arg(paths::repo().join("examples/guests/algos-c/algos.c")),
    )?;
    Ok(out)
}
