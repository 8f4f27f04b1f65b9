//! The instance context (`vmctx`) that generated code reads through a pinned register (r15),
//! and the calling conventions around it. The compiler emits these offsets; the kernel and the
//! userspace executor lay out [`VmCtx`] exactly so.
//!
//! Entry: `extern "sysv64" fn trampoline(vmctx: *mut VmCtx, slots: *mut u64) -> u32` — the
//! trampoline saves the host's callee-saved registers, records the host stack pointer in
//! `host_sp`, switches to the wasm stack (`stack_top`), copies the arguments from `slots`, calls
//! the function, copies the results back to `slots`, and returns 0 or a trap code (`trap.rs`).
//! `slots` holds `max(params, results)` 8-byte values (i32 zero-extended, floats as bits).
//!
//! Host calls: `extern "sysv64" fn host(vmctx: *mut VmCtx, slots: *mut u64) -> u32`, the same
//! slot convention; a non-zero return traps with that code.

/// One entry of the funcref table.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableEntry {
    /// Address of the function's body, or 0 for a null entry.
    pub code: u64,
    /// Canonical type index of the function (the artifact's type index).
    pub type_index: u64,
}

/// The instance context.
#[repr(C)]
#[derive(Debug)]
pub struct VmCtx {
    pub memory_base: u64,
    /// Current size of linear memory in bytes.
    pub memory_size: u64,
    /// Lowest address the wasm stack may use (plus the headroom the runtime keeps below it).
    pub stack_limit: u64,
    /// Top (highest address, 16-byte aligned) of the wasm stack.
    pub stack_top: u64,
    /// Fuel left; a function entry or loop header that makes it negative traps.
    pub fuel: i64,
    /// Yield mode: non-zero asks the code to call the yield helper at the next check.
    pub yield_requested: u64,
    /// The host's stack pointer at entry (restored by traps).
    pub host_sp: u64,
    /// Funcref table.
    pub table_base: u64,
    pub table_len: u64,
    /// Globals, 8 bytes each, in index order (imported ones first).
    pub globals_base: u64,
    /// Current memory size in 64 KiB pages.
    pub memory_pages: u64,
    /// For the runtime: back pointer to the instance that owns this vmctx.
    pub instance: u64,
}

macro_rules! offset_of_field {
    ($field:ident) => {
        core::mem::offset_of!(VmCtx, $field) as i32
    };
}

pub const VMCTX_MEMORY_BASE: i32 = offset_of_field!(memory_base);
pub const VMCTX_MEMORY_SIZE: i32 = offset_of_field!(memory_size);
pub const VMCTX_STACK_LIMIT: i32 = offset_of_field!(stack_limit);
pub const VMCTX_STACK_TOP: i32 = offset_of_field!(stack_top);
pub const VMCTX_FUEL: i32 = offset_of_field!(fuel);
pub const VMCTX_YIELD: i32 = offset_of_field!(yield_requested);
pub const VMCTX_HOST_SP: i32 = offset_of_field!(host_sp);
pub const VMCTX_TABLE_BASE: i32 = offset_of_field!(table_base);
pub const VMCTX_TABLE_LEN: i32 = offset_of_field!(table_len);
pub const VMCTX_GLOBALS_BASE: i32 = offset_of_field!(globals_base);
pub const VMCTX_MEMORY_PAGES: i32 = offset_of_field!(memory_pages);

/// Wasm page size.
pub const PAGE_SIZE: u64 = 65536;
