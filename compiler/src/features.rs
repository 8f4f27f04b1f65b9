//! The WebAssembly features kwasm compiles, spelled out rather than taken from wasmparser's
//! defaults: WebAssembly 1.0 plus what today's compilers emit by default.

use wasmparser::WasmFeatures;

/// WebAssembly 1.0 (with mutable globals) + sign extension, non-trapping float-to-int,
/// multi-value, bulk memory and the multi-byte `call_indirect` table index.
pub fn enabled() -> WasmFeatures {
    WasmFeatures::WASM1
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::CALL_INDIRECT_OVERLONG
}
