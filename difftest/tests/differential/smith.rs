//! Generator 1: wasm-smith, configured to the features kwasm compiles.

use crate::budget::Rng;
use arbitrary::Unstructured;
use wasm_smith::{Config, Module};

/// Random bytes wasm-smith draws its choices from, per module.
const ENTROPY: usize = 16 << 10;
const PAGE: u64 = 64 << 10;

/// `disallow_traps` for half of the cases: fewer calls end early, more of their work shows.
pub fn config(disallow_traps: bool) -> Config {
    Config {
        disallow_traps,
        // Features: WebAssembly 1.0 + what kwasm adds (compiler/src/features.rs).
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        reference_types_enabled: false,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        tail_call_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        max_memories: 1,
        max_tables: 1,
        // Self-contained modules: everything exported, nothing imported, no start function
        // (it would run before fuel is set).
        max_imports: 0,
        export_everything: true,
        allow_start_export: false,
        // Float results may be any NaN (the spec leaves the bits open): canonicalized, so
        // that stored or reinterpreted NaNs compare.
        canonicalize_nans: true,
        // Memory small and bounded, so that `memory.grow` fails the same way in both.
        max_memory32_bytes: 4 * PAGE,
        memory_max_size_required: true,
        max_table_elements: 64,
        table_max_size_required: true,
        min_funcs: 2,
        max_funcs: 12,
        max_instructions: 400,
        max_data_segments: 8,
        max_element_segments: 8,
        max_type_size: 64,
        ..Config::default()
    }
}

/// A module from `seed`, or `None` where wasm-smith could not make one of these bytes.
pub fn generate(seed: u64) -> Option<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let bytes = rng.bytes(ENTROPY);
    let module = Module::new(config(seed & 1 == 0), &mut Unstructured::new(&bytes)).ok()?;
    Some(module.to_bytes())
}
