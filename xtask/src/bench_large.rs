//! The compute benchmark's large modules, for compile speed (`kwasm-bench-compute --large`):
//! the compute programs are 0.5 to 7 KB, too small to time a compiler through a process. The
//! crate `bench/compute/large` is the wasmi WebAssembly interpreter (1.1.0, pinned by its own
//! `Cargo.lock`) behind one export, built with the guest recipe (`guest::wasm32_cargo`) in two
//! profiles: rustc's debug code (opt-level 0 with debug assertions and overflow checks, as
//! cargo's `dev` profile; about 3.2 MB) and its optimized code (`release`, opt-level 3; about
//! 1.2 MB). Nothing runs them: the benchmark only compiles them.

use crate::{cmd, guest, paths, Result};
use std::path::{Path, PathBuf};

/// A profile of the large crate: the module's name, `opt-level`, debug checks on or off.
struct Profile {
    name: &'static str,
    opt_level: &'static str,
    debug_checks: bool,
}

const PROFILES: &[Profile] = &[
    Profile {
        name: "wasmi-O0",
        opt_level: "0",
        debug_checks: true,
    },
    Profile {
        name: "wasmi-O3",
        opt_level: "3",
        debug_checks: false,
    },
];

/// Builds every profile's module as `<dir>/<name>.wasm`; their paths.
pub fn build(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let src = paths::repo().join("bench/compute/large");
    let mut out = Vec::new();
    for p in PROFILES {
        println!(
            "bench: building the large module {} (wasmi for wasm32, opt-level {}; a few minutes \
             the first time)",
            p.name, p.opt_level
        );
        // One target folder per profile, so that both stay built.
        let target = paths::target().join(format!("bench/compute/large-{}", p.name));
        let checks = if p.debug_checks { "true" } else { "false" };
        let mut c = guest::wasm32_cargo(&src, &target);
        c.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", p.opt_level)
            .env("CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS", checks)
            .env("CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS", checks)
            .args(["--locked", "--", "-Clink-arg=--strip-all"]);
        cmd::run(&mut c)?;
        let built = target.join("wasm32-unknown-unknown/release/kwasm_bench_large.wasm");
        let to = dir.join(format!("{}.wasm", p.name));
        std::fs::copy(&built, &to)
            .map_err(|e| format!("{} → {}: {e}", built.display(), to.display()))?;
        out.push(to);
    }
    Ok(out)
}
