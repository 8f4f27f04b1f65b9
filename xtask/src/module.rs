//! `cargo xtask module`: builds `kernel/` as `kwasm.ko` against the test kernel.
//!
//! The module crate includes `../hooks` and `core/` sources by path, so both are staged side by
//! side under `target/xtask/module/` (Kbuild writes its objects next to the sources, and the
//! repository stays clean). Files are copied only when changed, so `make` stays incremental.

use crate::kernel::Kernel;
use crate::{cmd, paths, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Copies the source files below `src` into `dst`, keeping mtimes of unchanged files.
fn stage(src: &Path, dst: &Path) -> Result<()> {
    let entries = std::fs::read_dir(src).map_err(|e| format!("{}: {e}", src.display()))?;
    std::fs::create_dir_all(dst).map_err(|e| format!("{}: {e}", dst.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            // kcompile/ is a cargo crate, built into kcompile.o_shipped below.
            if name != "target" && name != "kcompile" && !name.starts_with('.') {
                stage(&path, &dst.join(&*name))?;
            }
            continue;
        }
        let wanted =
            name == "Kbuild" || [".rs", ".c", ".h", ".S"].iter().any(|s| name.ends_with(s));
        if !wanted {
            continue;
        }
        let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let out = dst.join(&*name);
        if std::fs::read(&out).ok().as_deref() != Some(&data[..]) {
            std::fs::write(&out, &data).map_err(|e| format!("{}: {e}", out.display()))?;
        }
    }
    Ok(())
}

/// Lines of the build output that must fail the build: compiler and objtool warnings.
pub fn warnings(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("warning:") || l.contains("error:"))
        .collect()
}

pub fn build(kernel: &Kernel) -> Result<PathBuf> {
    println!("module: kwasm.ko");
    // One staging folder per kernel build (its cache folder's name carries the key), so
    // switching between them stays incremental and objects built against one tree are never
    // reused against another (Kbuild would not notice the kernel changed).
    let tree_key = kernel
        .tree
        .parent()
        .and_then(|d| d.file_name())
        .map_or_else(
            || kernel.variant.name().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
    let stage_dir = paths::target().join(format!("module-{tree_key}"));
    stage(&paths::repo().join("kernel"), &stage_dir.join("kernel"))?;
    stage(&paths::repo().join("hooks"), &stage_dir.join("hooks"))?;
    let m = stage_dir.join("kernel");
    crate::kcompile::build(kernel, &m)?;
    let log = stage_dir.join("build.log");
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut make = Command::new("make");
    make.arg("-C")
        .arg(&kernel.tree)
        .arg(format!("M={}", m.display()))
        .arg(format!("-j{jobs}"))
        .args(paths::kbuild_args());
    let result = cmd::run_with_progress(&mut make, "module", &log);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let warns = warnings(&text);
    if result.is_ok() && !warns.is_empty() {
        for w in &warns {
            eprintln!("  | {w}");
        }
        return Err(format!(
            "module build printed {} warning(s); see {}",
            warns.len(),
            log.display()
        ));
    }
    result?;
    let ko = m.join("kwasm.ko");
    println!("  built {}", ko.display());
    Ok(ko)
}
