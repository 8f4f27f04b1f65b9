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
//! `call_indirect` calls a table entry directly only when the entry's vmctx is the caller's
//! own; an entry of another instance (tables can be shared) goes through the
//! `HELPER_CALL_FOREIGN` helper, which enters that instance like the host would.
//!
//! Host calls: `extern "sysv64" fn host(vmctx: *mut VmCtx, slots: *mut u64) -> u32`, the same
//! slot convention; a non-zero return traps with that code.

/// One entry of the funcref table (32 bytes: `call_indirect` indexes with a shift by 5).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableEntry {
    /// Address of the function's body, or 0 for a null entry.
    pub code: u64,
    /// The runtime's id of the function's signature (see `RELOC_TYPE_ID`): equal ids, equal
    /// signatures, across every instance that can share the table.
    pub type_id: u64,
    /// The vmctx of the instance the function belongs to.
    pub vmctx: u64,
    pub _reserved: u64,
}

/// log2 of `size_of::<TableEntry>()`.
pub const TABLE_ENTRY_SHIFT: u8 = 5;
const _: () = assert!(core::mem::size_of::<TableEntry>() == 1 << TABLE_ENTRY_SHIFT);

/// The instance context.
#[repr(C)]
#[derive(Debug, Default)]
pub struct VmCtx {
    pub memory_base: u64,
    /// Current size of linear memory in bytes.
    pub memory_size: u64,
    /// Lowest address the wasm stack may use (plus the headroom the runtime keeps below it).
    pub stack_limit: u64,
    /// Top (highest address, 16-byte aligned) of the wasm stack.
    pub stack_top: u64,
    /// Fuel left. The code charges one unit per wasm operator it runs (bulk operations charge
    /// by their length); a function entry or loop header that finds it negative traps.
    pub fuel: i64,
    /// Yield mode: non-zero asks the code to call the yield helper at the next check.
    pub yield_requested: u64,
    /// The host's stack pointer at entry (restored by traps).
    pub host_sp: u64,
    /// Funcref table.
    pub table_base: u64,
    pub table_len: u64,
    /// Globals, 8 bytes each, in index order. Imported globals come first and their slots hold
    /// the address of the exporter's cell (so mutable globals are shared), defined ones hold
    /// the value itself.
    pub globals_base: u64,
    /// Current memory size in 64 KiB pages.
    pub memory_pages: u64,
    /// For the runtime: back pointer to the instance that owns this vmctx.
    pub instance: u64,
    /// Fuel not handed out yet: when a check finds `fuel` negative, the code calls
    /// `HELPER_FUEL_EXHAUSTED`, which moves fuel from here into `fuel` a slice at a time
    /// (`kcore::fuel::refill`) or traps when nothing is left. The generated code never reads
    /// it. Last field: the offsets above are part of the compiled code's ABI.
    pub fuel_reserve: i64,
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
pub const VMCTX_INSTANCE: i32 = offset_of_field!(instance);
pub const VMCTX_FUEL_RESERVE: i32 = offset_of_field!(fuel_reserve);

// The layout generated code was compiled against: fields are only ever added at the end.
const _: () = {
    assert!(VMCTX_MEMORY_BASE == 0);
    assert!(VMCTX_MEMORY_SIZE == 8);
    assert!(VMCTX_STACK_LIMIT == 16);
    assert!(VMCTX_STACK_TOP == 24);
    assert!(VMCTX_FUEL == 32);
    assert!(VMCTX_YIELD == 40);
    assert!(VMCTX_HOST_SP == 48);
    assert!(VMCTX_TABLE_BASE == 56);
    assert!(VMCTX_TABLE_LEN == 64);
    assert!(VMCTX_GLOBALS_BASE == 72);
    assert!(VMCTX_MEMORY_PAGES == 80);
    assert!(VMCTX_INSTANCE == 88);
    assert!(VMCTX_FUEL_RESERVE == 96);
    assert!(core::mem::size_of::<VmCtx>() == 104);
};

/// Wasm page size.
pub const PAGE_SIZE: u64 = 65536;

/// The largest linear memory any embedder gives an instance, in pages: 2 GiB, half of
/// wasm32's 4 GiB (the kernel's own limit is far lower). A memory may declare more; it never
/// grows past this (`memory.grow` returns -1, as the spec allows a grow to fail), and a
/// minimum above it is refused. The compiler relies on it (`compiler/src/widening.rs`): an
/// address whose access is inside the memory is below 2^31, so adding to it a constant below
/// 2^31 cannot wrap at 2^32.
pub const MEMORY_PAGES_LIMIT: u32 = 32768;
const _: () = assert!(MEMORY_PAGES_LIMIT as u64 * PAGE_SIZE == 1 << 31);

/// Stack kept free below the limit that generated code checks against: host functions and
/// runtime helpers (and interrupts arriving during a run) use the wasm stack below the frame
/// that called them. The VM suite measures the deepest such chain on both test kernels
/// (`PROG_GET_INFO`'s `stack_max_bytes`) and checks that it fits.
pub const HOST_STACK_HEADROOM: u64 = 32 << 10;
