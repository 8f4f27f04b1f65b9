//! The kwasm artifact: what the compiler writes and the kernel (or the userspace executor)
//! checks and installs.
//!
//! Layout: a fixed [`Header`], then sections anywhere after it, each a `(offset, len)` in the
//! header's table indexed by [`Section`]. Every multi-byte value is little-endian; every section
//! starts 8-byte aligned; sections must not overlap. Table sections are arrays of the `#[repr(C)]`
//! entry structs below; blob sections (code, strings, value types, data bytes, elem functions) are
//! referenced by entries through `(offset, len)` pairs relative to the blob's start.
//!
//! **Spans never share bytes.** The spans into one blob come in the order of the entries that
//! hold them, each starting at or after the end of the one before and ending inside the blob
//! (empty spans included):
//!
//! | blob | spans, in this order |
//! |---|---|
//! | `Strings` | every [`Import`]'s `module` then `name`, then every [`Export`]'s `name` |
//! | `ValTypes` | every [`FuncType`]'s `params + results` value types |
//! | `Code` | every [`Func`]'s `code` |
//! | `DataBytes` | every [`DataSegment`]'s `bytes` |
//! | `ElemFuncs` | every [`ElemSegment`]'s `funcs` |
//!
//! So each byte of a blob belongs to at most one span, and the spans into a blob add up to at
//! most its length. **Bound:** everything done once per byte of a span (UTF-8 checks of names,
//! reading function lists, copying names, data and function lists at load) adds up to at most
//! the artifact's size, however many entries there are; validation and load are linear in the
//! artifact's size (at most [`ARTIFACT_SIZE_MAX`]). A parser checks the rule in O(1) per span
//! before it reads what the spans cover, and refuses spans that overlap or go backwards. The
//! writer gives every span bytes of its own (two imports from `env` each carry the name).
//! Offsets that are not spans (trampolines, adapters, relocation sites) are O(1) each. What an
//! entry refers to by index rather than by span, a type above all, a loader copies or interns
//! once (per type) and refers to by index, never once per function or export that uses it.
//!
//! Nothing here trusts anything: `kernel/core`'s artifact parser checks every offset, length,
//! index and kind before the module uses a byte of it.

/// First bytes of every artifact.
pub const MAGIC: [u8; 4] = *b"KWSM";

/// Bumped with [`crate::ABI_VERSION`] whenever the layout below changes.
pub const ARTIFACT_VERSION: u32 = 1;

/// Largest artifact the kernel accepts (code, data and tables together).
pub const ARTIFACT_SIZE_MAX: u64 = 64 << 20;

/// "None" in `u32` index fields (no start function, no memory maximum, null elem entry).
pub const NONE: u32 = u32::MAX;

/// The sections, indexing [`Header::sections`].
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Machine code (blob).
    Code = 0,
    /// [`FuncType`] entries.
    Types = 1,
    /// Value-type bytes the types point into (blob, wasm encodings: 0x7f i32 … 0x7c f64).
    ValTypes = 2,
    /// [`Import`] entries: host functions and spectest-style imported globals/memories/tables.
    Imports = 3,
    /// [`Func`] entries for the functions defined in the module.
    Funcs = 4,
    /// [`Export`] entries.
    Exports = 5,
    /// [`Reloc`] entries.
    Relocs = 6,
    /// [`Global`] entries.
    Globals = 7,
    /// [`DataSegment`] entries.
    Data = 8,
    /// Initial contents of data segments (blob).
    DataBytes = 9,
    /// [`ElemSegment`] entries.
    Elems = 10,
    /// Function indices of elem segments (blob of little-endian `u32`; [`NONE`] = null).
    ElemFuncs = 11,
    /// Names (blob of UTF-8).
    Strings = 12,
}

/// Number of entries in [`Header::sections`].
pub const SECTION_COUNT: usize = 13;

/// Every section, in table order.
pub const SECTIONS: [Section; SECTION_COUNT] = [
    Section::Code,
    Section::Types,
    Section::ValTypes,
    Section::Imports,
    Section::Funcs,
    Section::Exports,
    Section::Relocs,
    Section::Globals,
    Section::Data,
    Section::DataBytes,
    Section::Elems,
    Section::ElemFuncs,
    Section::Strings,
];

/// Position of a section or blob slice: `offset` and `len` in bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub offset: u32,
    pub len: u32,
}

/// `Header::flags`: the code uses f32/f64 (the kernel wraps runs in `kernel_fpu_begin/end`).
pub const FLAG_USES_FLOAT: u32 = 1 << 0;
/// `Header::flags`: yield mode (a flag in vmctx, host `yield` called when set); else fuel mode.
pub const FLAG_YIELD: u32 = 1 << 1;
/// Every flag this version knows.
pub const FLAGS_KNOWN: u32 = FLAG_USES_FLOAT | FLAG_YIELD;

/// `Header::cpu_features`: what the code needs beyond x86-64 baseline (SSE2).
pub const CPU_SSE41: u64 = 1 << 0;
pub const CPU_POPCNT: u64 = 1 << 1;
pub const CPU_LZCNT: u64 = 1 << 2;
pub const CPU_BMI1: u64 = 1 << 3;
pub const CPU_BMI2: u64 = 1 << 4;
/// Every feature bit this version knows.
pub const CPU_KNOWN: u64 = CPU_SSE41 | CPU_POPCNT | CPU_LZCNT | CPU_BMI1 | CPU_BMI2;

/// The artifact header, at offset 0.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub magic: [u8; 4],
    pub version: u32,
    /// `size_of::<Header>()` as the writer knew it.
    pub header_size: u32,
    pub flags: u32,
    pub cpu_features: u64,
    /// Length of the whole artifact.
    pub total_size: u64,
    /// Linear memory in 64 KiB pages; `memory_max == NONE` means no maximum;
    /// `has_memory == 0` means the module has no memory.
    pub has_memory: u32,
    pub memory_min: u32,
    pub memory_max: u32,
    /// Table of funcrefs, likewise.
    pub has_table: u32,
    pub table_min: u32,
    pub table_max: u32,
    /// Function index of the start function, or [`NONE`].
    pub start_func: u32,
    /// Bytes of wasm stack the code needs at least (deepest frame plus the trap headroom).
    pub min_stack: u32,
    pub sections: [Span; SECTION_COUNT],
}

/// A function signature: `params` then `results` value types, consecutive in `ValTypes`.
/// The compiler canonicalises types, so two functions have equal signatures exactly when their
/// type indices are equal (what `call_indirect` compares).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FuncType {
    /// Offset into the `ValTypes` blob.
    pub offset: u32,
    pub params: u16,
    pub results: u16,
}

/// Wasm value type encodings used in `ValTypes` and [`Global::valtype`].
pub const VAL_I32: u8 = 0x7f;
pub const VAL_I64: u8 = 0x7e;
pub const VAL_F32: u8 = 0x7d;
pub const VAL_F64: u8 = 0x7c;

/// What an [`Import`] is.
pub const IMPORT_FUNC: u32 = 0;
pub const IMPORT_GLOBAL: u32 = 1;
pub const IMPORT_MEMORY: u32 = 2;
pub const IMPORT_TABLE: u32 = 3;

/// An import, resolved at load by (module, name, type) against the host's providers.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Import {
    /// Spans in `Strings`.
    pub module: Span,
    pub name: Span,
    pub kind: u32,
    /// Functions: index into `Types`. Globals: the value type byte, with bit 8 set if mutable.
    /// Memories and tables: 0 (their limits are the header's).
    pub desc: u32,
    /// Functions: offset in `Code` of an adapter with the wasm calling convention that calls
    /// the import through the host-call convention (what tables hold for an imported
    /// function). [`NONE`] for other kinds.
    pub adapter: u32,
    pub _reserved: u32,
}

/// A function defined by the module. Function indices count imported functions first.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Func {
    /// Span in `Code` of the function's body, whose first instruction is `endbr64`.
    pub code: Span,
    pub type_index: u32,
    /// Offset in `Code` of the entry trampoline that calls this function from the host
    /// (loads arguments from an array, sets up the trap frame), or [`NONE`] if not callable
    /// from the host.
    pub trampoline: u32,
}

/// What an [`Export`] is.
pub const EXPORT_FUNC: u32 = 0;
pub const EXPORT_GLOBAL: u32 = 1;
pub const EXPORT_MEMORY: u32 = 2;
pub const EXPORT_TABLE: u32 = 3;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Export {
    /// Span in `Strings`.
    pub name: Span,
    pub kind: u32,
    /// Function, global, memory or table index (imports first).
    pub index: u32,
}

/// Relocation kinds: how the loader patches the `rel32` at [`Reloc::offset`] in `Code`.
/// The 4 bytes are relative to the end of the field (the next instruction), as `call` uses them.
///
/// Call of an imported function; `target` is its import index.
pub const RELOC_CALL_IMPORT: u32 = 0;
/// Call of the platform's indirect-branch thunk for register `target` (0–15, r11 = 11): the
/// kernel's retpoline thunk, or a plain `jmp *%reg` where retpolines are off.
pub const RELOC_INDIRECT_THUNK: u32 = 1;
/// Call of a runtime helper; `target` is one of the `HELPER_*` ids.
pub const RELOC_CALL_HELPER: u32 = 2;

/// Not a call: the 4 bytes hold (absolute, not relative) the runtime's id for the signature
/// with type index `target` — what `call_indirect` compares with `TableEntry::type_id`.
pub const RELOC_TYPE_ID: u32 = 3;
/// A `jmp rel32` that stands for `ret` (code compiled with the compiler's `return_thunk`
/// option): to the platform's return thunk (the kernel's `__x86_return_thunk`, for the
/// return-speculation mitigations), or to a plain `ret`. `target` is 0.
pub const RELOC_RETURN_THUNK: u32 = 4;

/// Runtime helpers the code may call (by [`RELOC_CALL_HELPER`]), with the host-call convention
/// of `vmctx.rs` (arguments and results in 8-byte slots, a trap code returned).
///
/// `memory.grow(delta) -> old pages or -1`
pub const HELPER_MEMORY_GROW: u32 = 0;
/// Yield mode: reschedule; a non-zero return (kill requested) traps.
pub const HELPER_YIELD: u32 = 1;
/// `memory.fill(dst, value, len)`
pub const HELPER_MEMORY_FILL: u32 = 2;
/// `memory.copy(dst, src, len)`
pub const HELPER_MEMORY_COPY: u32 = 3;
/// `memory.init(dst, src, len, segment)`
pub const HELPER_MEMORY_INIT: u32 = 4;
/// `data.drop(segment)`
pub const HELPER_DATA_DROP: u32 = 5;
/// `table.init(dst, src, len, segment)`
pub const HELPER_TABLE_INIT: u32 = 6;
/// `table.copy(dst, src, len)`
pub const HELPER_TABLE_COPY: u32 = 7;
/// `elem.drop(segment)`
pub const HELPER_ELEM_DROP: u32 = 8;
/// `call_indirect` of a table entry that belongs to another instance: the table entry's
/// address comes as a third argument (rdx); the runtime enters that instance properly (its own
/// vmctx, stack and trap frame) with the caller's slot area.
pub const HELPER_CALL_FOREIGN: u32 = 9;
/// Fuel mode: a check (function entry or loop header) found `vmctx.fuel` negative. The
/// runtime may refill it (from `vmctx.fuel_reserve`, `kcore::fuel::refill`; a time slice),
/// reschedule, look for signals: 0 resumes the code, anything else traps with that code
/// (`TRAP_OUT_OF_FUEL` when there is nothing left to run on).
pub const HELPER_FUEL_EXHAUSTED: u32 = 10;
pub const HELPER_COUNT: u32 = 11;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reloc {
    /// Offset in `Code` of the 4-byte field to patch.
    pub offset: u32,
    pub kind: u32,
    pub target: u32,
}

/// Global initialisers: a constant (`value` holds the bits) or an imported global's value
/// (`value` holds its import index).
pub const INIT_CONST: u32 = 0;
pub const INIT_GLOBAL_GET: u32 = 1;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Global {
    /// `VAL_*` byte.
    pub valtype: u32,
    pub mutable: u32,
    pub init_kind: u32,
    pub _reserved: u32,
    pub value: u64,
}

/// Segment modes for data and elem segments.
pub const SEGMENT_ACTIVE: u32 = 0;
pub const SEGMENT_PASSIVE: u32 = 1;
/// Elem only: declared for `ref.func`, never copied into a table.
pub const SEGMENT_DECLARED: u32 = 2;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DataSegment {
    pub mode: u32,
    /// Active only: where in memory, as an [`INIT_CONST`] value or an [`INIT_GLOBAL_GET`] import.
    pub offset_kind: u32,
    pub offset: u32,
    pub _reserved: u32,
    /// Span in `DataBytes`.
    pub bytes: Span,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ElemSegment {
    pub mode: u32,
    pub offset_kind: u32,
    pub offset: u32,
    pub _reserved: u32,
    /// Span in `ElemFuncs` (a multiple of 4 bytes).
    pub funcs: Span,
}

/// Marker for the `#[repr(C)]` entry types above, read from raw bytes by the parser.
///
/// # Safety
///
/// Implementors are `#[repr(C)]`, contain only integers and integer arrays (every bit pattern
/// is valid) and have no padding.
pub unsafe trait Entry: Copy + Default + 'static {}

// SAFETY: each is repr(C) with u32/u64/[u8; 4]/Span fields only, laid out without padding
// (checked by the size assertions below).
unsafe impl Entry for Header {}
// SAFETY: as above.
unsafe impl Entry for Span {}
// SAFETY: as above.
unsafe impl Entry for FuncType {}
// SAFETY: as above.
unsafe impl Entry for Import {}
// SAFETY: as above.
unsafe impl Entry for Func {}
// SAFETY: as above.
unsafe impl Entry for Export {}
// SAFETY: as above.
unsafe impl Entry for Reloc {}
// SAFETY: as above.
unsafe impl Entry for Global {}
// SAFETY: as above.
unsafe impl Entry for DataSegment {}
// SAFETY: as above.
unsafe impl Entry for ElemSegment {}

const _: () = {
    use core::mem::size_of;
    assert!(size_of::<Span>() == 8);
    assert!(size_of::<Header>() == 64 + 8 * SECTION_COUNT);
    assert!(size_of::<FuncType>() == 8);
    assert!(size_of::<Import>() == 32);
    assert!(size_of::<Func>() == 16);
    assert!(size_of::<Export>() == 16);
    assert!(size_of::<Reloc>() == 12);
    assert!(size_of::<Global>() == 24);
    assert!(size_of::<DataSegment>() == 24);
    assert!(size_of::<ElemSegment>() == 24);
};
