//! `cargo fuzz run artifact`: any bytes through the kernel's artifact parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kwasm_kcore::artifact::Artifact::parse(data);
});
