//! What a failing case leaves behind: its module in target/difftest/, as .wasm and .wat.

use std::path::PathBuf;

/// target/difftest/ of the workspace (or of `CARGO_TARGET_DIR`).
pub fn dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("difftest")
}

/// Saves the module of the case about to run, so that a crash of the test process (a
/// miscompile may well crash it) leaves it behind as `<generator>-running.wasm`.
pub fn save_running(generator: &str, seed: u64, wasm: &[u8]) {
    let dir = dir();
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{generator}-running.wasm")), wasm);
    let _ = std::fs::write(
        dir.join(format!("{generator}-running.seed")),
        format!("{seed:#x}\n"),
    );
}

/// Saves a failing module and describes the failure, with how to rerun it alone.
pub fn failure(generator: &str, test: &str, seed: u64, wasm: &[u8], what: &str) -> String {
    let dir = dir();
    let stem = dir.join(format!("{generator}-{seed:#x}"));
    let wat = wasmprinter::print_bytes(wasm).unwrap_or_else(|e| format!("(unprintable: {e})"));
    let saved = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(stem.with_extension("wasm"), wasm))
        .and_then(|()| std::fs::write(stem.with_extension("wat"), &wat));
    let saved = match saved {
        Ok(()) => format!("saved as {}.{{wasm,wat}}", stem.display()),
        Err(e) => format!("not saved: {e}"),
    };
    let shown = if wat.lines().count() <= 150 {
        wat
    } else {
        format!("({} lines of WAT: see the saved file)", wat.lines().count())
    };
    format!(
        "{generator} case with seed {seed:#x}: {what}\n\
         rerun alone: KWASM_DIFF_SEED={seed:#x} KWASM_DIFF_CASES=1 \
         cargo test -p kwasm-difftest --test differential {test}\n\
         module {saved}\n{shown}"
    )
}
