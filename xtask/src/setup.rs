//! `cargo xtask setup`: the toolchain from the design's "Toolchain facts", installed idempotently.

use crate::{cmd, paths, Result};
use std::process::Command;

/// Debian packages for the kernel build (Rust-enabled, LLVM 14), the module, the VM and the
/// guest programs.
pub const DEBIAN_PACKAGES: &[&str] = &[
    paths::KERNEL_SOURCE_PKG,
    "rustc-web",
    "rust-web-src",
    "clang-14",
    "lld-14",
    "llvm-14",
    "libclang-14-dev",
    "make",
    "flex",
    "bison",
    "bc",
    "libelf-dev",
    "libssl-dev",
    "xz-utils",
    "qemu-system-x86",
    "busybox-static",
    // C guests: wasi-libc and the wasm32 compiler runtime for clang 14.
    "wasi-libc",
    "libclang-rt-14-dev-wasm32",
    // The bench kernel's BTF (`cargo xtask bench hook`: eBPF netfilter programs need it).
    "dwarves",
];

fn missing_packages() -> Vec<&'static str> {
    DEBIAN_PACKAGES
        .iter()
        .copied()
        .filter(|pkg| {
            let out = Command::new("dpkg-query").args(["-W", "-f=${Status}", pkg]).output();
            !matches!(out, Ok(o) if String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect()
}

fn as_root(args: &[&str]) -> Command {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let mut c = if root {
        Command::new(args[0])
    } else {
        Command::new("sudo")
    };
    c.args(if root { &args[1..] } else { args });
    c
}

pub fn run() -> Result<()> {
    println!("setup: Debian packages");
    let missing = missing_packages();
    if missing.is_empty() {
        println!("  all {} packages present", DEBIAN_PACKAGES.len());
    } else {
        println!("  installing: {}", missing.join(" "));
        cmd::run(as_root(&["apt-get", "update", "-q"]).env("DEBIAN_FRONTEND", "noninteractive"))?;
        let mut args = vec!["apt-get", "install", "-y", "-q", "--no-install-recommends"];
        args.extend(&missing);
        cmd::run(as_root(&args).env("DEBIAN_FRONTEND", "noninteractive"))?;
    }

    println!("setup: bindgen-cli {}", paths::BINDGEN_VERSION);
    let bindgen = paths::bindgen();
    let have = Command::new(&bindgen)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(paths::BINDGEN_VERSION) {
        println!("  {} present", bindgen.display());
    } else {
        cmd::run(Command::new("cargo").args([
            "install",
            "--locked",
            "bindgen-cli",
            "--version",
            paths::BINDGEN_VERSION,
        ]))?;
    }
    Ok(())
}
