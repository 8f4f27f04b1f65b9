//! `cargo fuzz run compile`: any bytes through the compiler; it must return, never panic, and
//! whatever it produces must pass the kernel's artifact checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(artifact) = kwasm_compiler::compile(data, &Default::default()) {
        kwasm_kcore::artifact::Artifact::parse(&artifact).expect("compiler output passes the artifact checks");
    }
});
