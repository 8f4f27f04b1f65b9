//! Where things are: the repository, the cache outside it, and the pinned tools.

use std::path::PathBuf;

/// The workspace root (xtask lives one level below it).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Build outputs of xtask inside the workspace's target directory.
pub fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"))
        .join("xtask")
}

/// Slow artefacts (the test kernel) live outside the repo: `$KWASM_CACHE`, else
/// `$XDG_CACHE_HOME/kwasm`, else `~/.cache/kwasm`.
pub fn cache() -> PathBuf {
    if let Some(dir) = std::env::var_os("KWASM_CACHE") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("kwasm");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cache/kwasm")
}

/// Debian's rustc (rustc-web): the kernel and the module must be built with it.
pub const KERNEL_RUSTC: &str = "/usr/bin/rustc";
/// The LLVM suffix for `make LLVM=...` (clang-14, ld.lld-14, ...).
pub const LLVM_SUFFIX: &str = "-14";
/// Version of bindgen-cli the kernel's `make rustavailable` accepts with LLVM 14.
pub const BINDGEN_VERSION: &str = "0.69.5";
/// Debian's kernel source package and the tarball it installs.
pub const KERNEL_SOURCE_PKG: &str = "linux-source-6.12";
pub const KERNEL_TARBALL: &str = "/usr/src/linux-source-6.12.tar.xz";

pub fn bindgen() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into())).join(".cargo")
        });
    cargo_home.join("bin/bindgen")
}

/// The `make` arguments every kernel and module build shares.
pub fn kbuild_args() -> Vec<String> {
    vec![
        format!("LLVM={LLVM_SUFFIX}"),
        format!("RUSTC={KERNEL_RUSTC}"),
        // Proc macros (the kernel's `macros` crate) must come from the same compiler.
        format!("HOSTRUSTC={KERNEL_RUSTC}"),
        format!("BINDGEN={}", bindgen().display()),
    ]
}
