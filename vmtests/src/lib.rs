//! Helpers for the tests in `tests/`, which run inside the test VM as root with the kwasm module
//! loaded (`cargo xtask vm`). On the host they refuse to run rather than pass vacuously:
//! `cargo xtask test` excludes this crate from the host run.

use std::io;

/// Panics unless the test runs where `/dev/kwasm` is meant to exist (set by the VM's init).
pub fn require_vm() {
    assert!(
        std::env::var_os("KWASM_IN_VM").is_some(),
        "this test talks to the real kwasm module: run it with `cargo xtask vm`"
    );
}

/// The errno of a failed call, for asserting on the exact error the kernel returned.
pub fn errno(err: &io::Error) -> i32 {
    err.raw_os_error().expect("an OS error")
}

/// Compiles a text-format module to an artifact (fuel mode).
pub fn artifact(wat: &str) -> Vec<u8> {
    let wasm = wat::parse_str(wat).expect("valid wat");
    kwasm_compiler::compile(&wasm, &Default::default()).expect("compiles")
}
