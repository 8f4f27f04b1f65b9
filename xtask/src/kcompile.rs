//! The compiler inside the module: `kernel/kcompile` (kwasm-compiler built `no_std`) as one
//! relocatable object, `kcompile.o_shipped`, that Kbuild links into `kwasm.ko`.
//!
//! The recipe, which works against any built kernel tree with Rust support (ours or a
//! distribution's `linux-headers`/build tree built with the same rustc):
//!
//! 1. Target and flags come from the tree: its `scripts/target.json`, and the codegen flags the
//!    kernel passed for its own Rust code, read from `rust/.kernel.o.cmd` (so retpolines, return
//!    thunks, call padding, IBT, KASAN and the SSE/AVX exclusions are whatever that kernel
//!    uses). Lints, cfgs, crate and output options are dropped.
//! 2. `cargo build -Zbuild-std=core,alloc` with that rustc (`RUSTC_BOOTSTRAP=1`), panic=abort.
//! 3. `ld.lld -r -u kwasm_compile_wasm` pulls what the entry needs out of the static library;
//!    `llvm-objcopy --keep-global-symbol=kwasm_compile_wasm` makes everything else local (the
//!    library's copy of `core` would clash with the kernel's symbols) and drops `.eh_frame`.
//!    What stays undefined is the kernel's (`memcpy`…, retpoline thunks) and the module's
//!    (`kwasm_compile_alloc`…); modpost and objtool check the result with the module.

use crate::kernel::Kernel;
use crate::{cmd, paths, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The one symbol the module calls.
const ENTRY: &str = "kwasm_compile_wasm";

/// `-Z` flags that change generated code; every other `-Z` flag of the kernel's command line is
/// about its own build (dependency info, unstable options, crate attributes).
const CODEGEN_Z_FLAGS: &[&str] = &[
    "-Zcf-protection",
    "-Zfunction-return",
    "-Zpatchable-function-entry",
    "-Zfunction-sections",
    "-Zsanitizer",
    "-Ztune-cpu",
    "-Zllvm_module_flag",
    "-Zfixed-x18",
];

/// The kernel's rustc command line for its `kernel` crate (or `core`, in older trees).
fn kernel_rustc_line(tree: &Path) -> Result<String> {
    for file in ["rust/.kernel.o.cmd", "rust/.core.o.cmd"] {
        let Ok(text) = std::fs::read_to_string(tree.join(file)) else {
            continue;
        };
        let line = text.lines().next().unwrap_or_default();
        let cmd = line.split_once(":=").map_or(line, |(_, c)| c);
        // The rustc invocation ends at the first `;` (objcopy steps follow).
        return Ok(cmd.split(';').next().unwrap_or_default().to_string());
    }
    Err(format!(
        "{}: no rust/.kernel.o.cmd (is the tree built with CONFIG_RUST?)",
        tree.display()
    ))
}

/// The codegen flags of a kernel rustc command line, and its `--target`.
pub fn codegen_flags(line: &str) -> (Vec<String>, Option<String>) {
    let mut flags = Vec::new();
    let mut target = None;
    let mut words = line.split_whitespace().peekable();
    while let Some(w) = words.next() {
        if let Some(t) = w.strip_prefix("--target=") {
            target = Some(t.to_string());
        } else if w.starts_with("-Clto") || w.starts_with("-Cembed-bitcode") {
            // How the kernel links its own crates; ours is linked with fat LTO (the profile).
        } else if w.starts_with("-C")
            || (w.starts_with("-Z") && CODEGEN_Z_FLAGS.iter().any(|z| w.starts_with(z)))
        {
            flags.push(w.to_string());
        } else if w == "-C" || w == "-Z" {
            // Two-word form: keep codegen options as one word.
            if let Some(v) = words.next() {
                let joined = format!("{w}{v}");
                if w == "-C" || CODEGEN_Z_FLAGS.iter().any(|z| joined.starts_with(z)) {
                    flags.push(joined);
                }
            }
        }
    }
    (flags, target)
}

/// Builds `kcompile.o_shipped` into `dst_dir` for `kernel`; returns its path.
pub fn build(kernel: &Kernel, dst_dir: &Path) -> Result<PathBuf> {
    let tree = &kernel.tree;
    let (flags, target) = codegen_flags(&kernel_rustc_line(tree)?);
    let target = tree.join(target.unwrap_or_else(|| "scripts/target.json".into()));
    let target = target
        .canonicalize()
        .map_err(|e| format!("{}: {e}", target.display()))?;
    let target_dir = paths::target().join(format!("kcompile-{}", kernel.variant.name()));
    let manifest = paths::repo().join("kernel/kcompile/Cargo.toml");
    let log = target_dir.join("build.log");
    std::fs::create_dir_all(&target_dir).map_err(|e| e.to_string())?;
    let mut cargo = Command::new("cargo");
    cargo
        .args([
            "build",
            "--release",
            "--locked",
            "-Zbuild-std=core,alloc",
            "-Zjson-target-spec",
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target")
        .arg(&target)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTC", paths::KERNEL_RUSTC)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_ENCODED_RUSTFLAGS", flags.join("\x1f"))
        .env_remove("RUSTFLAGS");
    cmd::run_with_progress(&mut cargo, "kcompile", &log)?;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let warns = crate::module::warnings(&text);
    if !warns.is_empty() {
        return Err(format!(
            "the compiler's kernel build printed warnings: {}",
            warns.join(" | ")
        ));
    }
    let stem = target
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("target");
    let lib = target_dir.join(stem).join("release/libkwasm_kcompile.a");

    let partial = target_dir.join("kcompile.partial.o");
    cmd::run(
        Command::new(format!("ld.lld{}", paths::LLVM_SUFFIX))
            .args(["-m", "elf_x86_64", "-r", "-u", ENTRY, "-o"])
            .arg(&partial)
            .arg(&lib),
    )?;
    std::fs::create_dir_all(dst_dir).map_err(|e| e.to_string())?;
    let out = dst_dir.join("kcompile.o_shipped");
    let tmp = target_dir.join("kcompile.o");
    cmd::run(
        Command::new(format!("llvm-objcopy{}", paths::LLVM_SUFFIX))
            .arg(format!("--keep-global-symbol={ENTRY}"))
            .args([
                "--remove-section=.eh_frame",
                "--remove-section=.rela.eh_frame",
            ])
            .arg(&partial)
            .arg(&tmp),
    )?;
    // Replace only when changed, so `make` stays incremental.
    let data = std::fs::read(&tmp).map_err(|e| e.to_string())?;
    if std::fs::read(&out).ok().as_deref() != Some(&data[..]) {
        std::fs::write(&out, &data).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_codegen_flags_and_drops_the_rest() {
        let line = "OBJTREE=/t /usr/bin/rustc -Zbinary_dep_depinfo=y -Dnon_ascii_idents \
            -Cpanic=abort -Cembed-bitcode=n -Clto=n -Zfunction-sections=n --target=./scripts/target.json \
            -Ctarget-feature=-sse,-sse2 -Zcf-protection=branch -Zfunction-return=thunk-extern \
            -Zpatchable-function-entry=16,16 @./include/generated/rustc_cfg --edition=2021 \
            --cfg no_fp_fmt_parse --emit=obj=rust/kernel.o --crate-type rlib -L./rust \
            --crate-name kernel -Zunstable-options -Zcrate-attr=no_std";
        let (flags, target) = codegen_flags(line);
        assert_eq!(target.as_deref(), Some("./scripts/target.json"));
        assert_eq!(
            flags,
            [
                "-Cpanic=abort",
                "-Zfunction-sections=n",
                "-Ctarget-feature=-sse,-sse2",
                "-Zcf-protection=branch",
                "-Zfunction-return=thunk-extern",
                "-Zpatchable-function-entry=16,16",
            ]
        );
    }
}
