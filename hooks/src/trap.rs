//! Trap codes: what a run of wasm code returns when it stops abnormally. 0 is success.
//! The same codes come back from the kernel (`KWASM_PROG_TEST_RUN`, per-program counters) and
//! from the userspace executor.

/// The run completed.
pub const TRAP_NONE: u32 = 0;
pub const TRAP_UNREACHABLE: u32 = 1;
pub const TRAP_MEMORY_OUT_OF_BOUNDS: u32 = 2;
pub const TRAP_TABLE_OUT_OF_BOUNDS: u32 = 3;
pub const TRAP_INDIRECT_CALL_NULL: u32 = 4;
pub const TRAP_INDIRECT_CALL_TYPE: u32 = 5;
pub const TRAP_INTEGER_DIVIDE_BY_ZERO: u32 = 6;
pub const TRAP_INTEGER_OVERFLOW: u32 = 7;
pub const TRAP_INVALID_CONVERSION: u32 = 8;
pub const TRAP_STACK_EXHAUSTED: u32 = 9;
pub const TRAP_OUT_OF_FUEL: u32 = 10;
/// A host function asked to stop the program (for example the yield host's "kill").
pub const TRAP_HOST_ABORT: u32 = 11;
/// Number of trap codes, for per-code counters.
pub const TRAP_COUNT: u32 = 12;

/// A short name for a trap code, as the spec tests phrase them where there is one.
pub const fn trap_name(code: u32) -> &'static str {
    match code {
        TRAP_NONE => "none",
        TRAP_UNREACHABLE => "unreachable",
        TRAP_MEMORY_OUT_OF_BOUNDS => "out of bounds memory access",
        TRAP_TABLE_OUT_OF_BOUNDS => "undefined element",
        TRAP_INDIRECT_CALL_NULL => "uninitialized element",
        TRAP_INDIRECT_CALL_TYPE => "indirect call type mismatch",
        TRAP_INTEGER_DIVIDE_BY_ZERO => "integer divide by zero",
        TRAP_INTEGER_OVERFLOW => "integer overflow",
        TRAP_INVALID_CONVERSION => "invalid conversion to integer",
        TRAP_STACK_EXHAUSTED => "call stack exhausted",
        TRAP_OUT_OF_FUEL => "out of fuel",
        TRAP_HOST_ABORT => "aborted by host",
        _ => "unknown trap",
    }
}
