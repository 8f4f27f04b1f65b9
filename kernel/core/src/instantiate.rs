//! The platform-free rules of linking and instantiating an artifact, shared by the kernel's
//! loader (`kernel/load.rs`) and the userspace executor (`Instance::new`): import limits, the
//! initial values of globals, the order and offsets of segment initialisation, the table entry
//! and entry point of every function, and what an export or the start function runs.
//!
//! What stays with each platform is how it allocates, where its code lives, how it reads an
//! imported global's cell and how it copies into its memory and table: these functions take
//! closures, a [`SegmentTarget`] or slices for that, and allocate nothing. Everything here
//! assumes an artifact [`Artifact::parse`] accepted.
//!
//! `global_imports` below is always the import indices of the global imports, in order
//! (`art.import_indices(IMPORT_GLOBAL)` collected once): global `k` below the imported count
//! is import `global_imports[k]`. Likewise `func_imports` for functions.

use super::artifact::Artifact;
use super::hooks::artifact::{
    DataSegment, ElemSegment, Func, Import, Section, Span, IMPORT_FUNC, INIT_GLOBAL_GET, NONE,
    SEGMENT_ACTIVE, SEGMENT_PASSIVE,
};
use super::hooks::vmctx::TableEntry;

/// Whether a memory or table of `size` (pages or entries) with maximum `max` satisfies an
/// import declaring `want_min` and `want_max` ([`NONE`]: no maximum): the spec's import
/// matching. A declared maximum needs a provided one no larger.
pub fn limits_match(size: u32, max: Option<u32>, want_min: u32, want_max: u32) -> bool {
    size >= want_min && (want_max == NONE || max.is_some_and(|m| m <= want_max))
}

/// Position among the global imports (`k`, as for `imported(k)`) of import `import`, or `None`
/// if it is not a global import (which [`Artifact::parse`] refuses).
fn global_import(global_imports: &[usize], import: u64) -> Option<usize> {
    let import = usize::try_from(import).ok()?;
    global_imports.binary_search(&import).ok()
}

/// Writes the initial value of every defined global into `out` (one slot per defined global,
/// in order): a constant, or for `global.get` of an import the value of imported global `k`,
/// `imported(k)`. A `global.get` of something else (refused by the parser) gives 0.
pub fn init_globals(
    art: &Artifact<'_>,
    global_imports: &[usize],
    mut imported: impl FnMut(usize) -> u64,
    out: &mut [u64],
) {
    for (slot, g) in out.iter_mut().zip(art.globals().iter()) {
        *slot = match g.init_kind {
            INIT_GLOBAL_GET => global_import(global_imports, g.value).map_or(0, &mut imported),
            _ => g.value,
        };
    }
}

/// Where an active segment goes: its constant `offset`, or for [`INIT_GLOBAL_GET`] the value
/// of the global that import `offset` is, `imported(k)` with `k` its position among the global
/// imports, truncated to 32 bits (`u32::MAX`, which no memory or table fits, if import `offset`
/// is not a global).
pub fn segment_offset(
    kind: u32,
    offset: u32,
    global_imports: &[usize],
    imported: impl FnOnce(usize) -> u64,
) -> u32 {
    if kind != INIT_GLOBAL_GET {
        return offset;
    }
    global_import(global_imports, u64::from(offset)).map_or(u32::MAX, |k| imported(k) as u32)
}

/// The bytes `span` covers in blob `section` (empty if out of bounds, which the parser refuses).
fn span_bytes<'a>(art: &Artifact<'a>, section: Section, span: Span) -> &'a [u8] {
    let start = span.offset as usize;
    let bytes = art.section(section).get(start..start + span.len as usize);
    bytes.unwrap_or(&[])
}

/// The bytes data segment `d` holds (the loaders copy them: `memory.init` reads the copy).
pub fn data_bytes<'a>(art: &Artifact<'a>, d: &DataSegment) -> &'a [u8] {
    span_bytes(art, Section::DataBytes, d.bytes)
}

/// The function indices elem segment `e` lists, [`NONE`] for a null entry.
pub fn elem_funcs<'a>(
    art: &Artifact<'a>,
    e: &ElemSegment,
) -> impl ExactSizeIterator<Item = u32> + 'a {
    let bytes = span_bytes(art, Section::ElemFuncs, e.funcs).chunks_exact(4);
    bytes.map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// Elem or data segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentKind {
    Elem,
    Data,
}

/// An active segment that did not fit: its kind, its index and the trap code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentFailure {
    pub kind: SegmentKind,
    pub index: usize,
    pub trap: u32,
}

/// What [`init_segments`] needs of an instance under construction.
pub trait SegmentTarget {
    /// The value of imported global `k` (an offset's `global.get`).
    fn imported_global(&mut self, k: usize) -> u64;
    /// `table.init`: copies all of elem segment `index` into the table at `offset`, or
    /// returns the trap code and changes nothing.
    fn init_table(&mut self, index: usize, offset: u32) -> Result<(), u32>;
    /// `memory.init`: copies all of data segment `index` into the memory at `offset`, or
    /// returns the trap code and changes nothing.
    fn init_memory(&mut self, index: usize, offset: u32) -> Result<(), u32>;
    /// `elem.drop` / `data.drop` of segment `index`: its contents are gone from now on.
    fn drop_segment(&mut self, kind: SegmentKind, index: usize);
}

/// Instantiation's segment step: every active elem segment into the table, then every active
/// data segment into the memory, each in order, the first that does not fit ending it with its
/// failure. Active and declared segments are dropped afterwards (each as it is reached: also
/// the one that failed); passive ones stay for `table.init` / `memory.init`.
pub fn init_segments(
    art: &Artifact<'_>,
    global_imports: &[usize],
    parts: &mut impl SegmentTarget,
) -> Result<(), SegmentFailure> {
    for (index, e) in art.elems().iter().enumerate() {
        let result = match e.mode {
            SEGMENT_PASSIVE => continue,
            SEGMENT_ACTIVE => {
                let at = offset_in(parts, global_imports, e.offset_kind, e.offset);
                parts.init_table(index, at)
            }
            _ => Ok(()), // Declared: only dropped.
        };
        drop_after(parts, SegmentKind::Elem, index, result)?;
    }
    for (index, d) in art.data().iter().enumerate() {
        if d.mode == SEGMENT_ACTIVE {
            let at = offset_in(parts, global_imports, d.offset_kind, d.offset);
            let result = parts.init_memory(index, at);
            drop_after(parts, SegmentKind::Data, index, result)?;
        }
    }
    Ok(())
}

/// [`segment_offset`], reading imported globals from `parts`.
fn offset_in(
    parts: &mut impl SegmentTarget,
    global_imports: &[usize],
    kind: u32,
    offset: u32,
) -> u32 {
    segment_offset(kind, offset, global_imports, |k| parts.imported_global(k))
}

/// Drops segment `index` once its step gave `result`, and reports that result.
fn drop_after(
    parts: &mut impl SegmentTarget,
    kind: SegmentKind,
    index: usize,
    result: Result<(), u32>,
) -> Result<(), SegmentFailure> {
    parts.drop_segment(kind, index);
    result.map_err(|trap| SegmentFailure { kind, index, trap })
}

/// How the host (or another instance) enters a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// An imported function: whatever the platform linked import `k` (an import index) to.
    Import(usize),
    /// A defined function: the absolute address of its trampoline.
    Wasm(u64),
    /// A defined function without a trampoline: only wasm code calls it.
    None,
}

/// One function of the function index space, at code base `base`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionEntry {
    /// What its table entries point to: an import's adapter, a defined function's body.
    pub code: u64,
    pub type_index: u32,
    pub entry: Entry,
}

impl FunctionEntry {
    fn import(base: u64, k: usize, imp: Import) -> Self {
        FunctionEntry {
            code: base + u64::from(imp.adapter),
            type_index: imp.desc,
            entry: Entry::Import(k),
        }
    }

    fn defined(base: u64, f: Func) -> Self {
        let entry = match f.trampoline {
            NONE => Entry::None,
            t => Entry::Wasm(base + u64::from(t)),
        };
        FunctionEntry {
            code: base + u64::from(f.code.offset),
            type_index: f.type_index,
            entry,
        }
    }

    /// Its table entry, with the platform's signature id for its type and its instance's vmctx.
    pub fn table_entry(&self, type_id: u64, vmctx: u64) -> TableEntry {
        TableEntry {
            code: self.code,
            type_id,
            vmctx,
            _reserved: 0,
        }
    }
}

/// Every function in function index order (imports, then defined functions), for code at
/// `base`: the loaders build their table entries and entry points from these.
pub fn functions<'a>(art: &Artifact<'a>, base: u64) -> impl Iterator<Item = FunctionEntry> + 'a {
    let imports = art.imports().iter().enumerate();
    let imports = imports.filter(|(_, i)| i.kind == IMPORT_FUNC);
    let imports = imports.map(move |(k, i)| FunctionEntry::import(base, k, i));
    let defined = art.funcs().iter();
    imports.chain(defined.map(move |f| FunctionEntry::defined(base, f)))
}

/// Function `index` (as [`functions`] would yield it), or `None` if there is no such function.
pub fn function(
    art: &Artifact<'_>,
    func_imports: &[usize],
    base: u64,
    index: u32,
) -> Option<FunctionEntry> {
    match index.checked_sub(func_imports.len() as u32) {
        Some(d) => Some(FunctionEntry::defined(base, art.funcs().get(d as usize)?)),
        None => {
            let k = *func_imports.get(index as usize)?;
            Some(FunctionEntry::import(base, k, art.imports().get(k)?))
        }
    }
}

/// What exported function `index` runs: a defined function its trampoline, a re-exported
/// import the platform's function for it. `None` without such a function or entry (the parser
/// refuses both).
pub fn exported_function(
    art: &Artifact<'_>,
    func_imports: &[usize],
    base: u64,
    index: u32,
) -> Option<FunctionEntry> {
    function(art, func_imports, base, index).filter(|f| f.entry != Entry::None)
}

/// The start function, if the module has one: `Some(None)` if it names no function with an
/// entry (which the parser refuses).
pub fn start_function(
    art: &Artifact<'_>,
    func_imports: &[usize],
    base: u64,
) -> Option<Option<FunctionEntry>> {
    match art.header().start_func {
        NONE => None,
        f => Some(exported_function(art, func_imports, base, f)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_need_the_minimum_and_a_maximum_within_the_declared_one() {
        assert!(limits_match(1, None, 1, NONE));
        assert!(limits_match(5, Some(7), 2, NONE));
        assert!(!limits_match(0, None, 1, NONE));
        assert!(limits_match(1, Some(2), 1, 2));
        assert!(limits_match(1, Some(1), 1, 2));
        assert!(!limits_match(1, Some(3), 1, 2));
        assert!(!limits_match(1, None, 1, 2));
    }
}
