//! The shared rules of instantiation (`kwasm_kcore::instantiate`) on small artifacts: initial
//! global values, segment order and offsets, function entries, exports and the start function.

mod builder;

use builder::{bytes_of, Builder};
use kwasm_hooks::artifact::*;
use kwasm_hooks::vmctx::TableEntry;
use kwasm_kcore::artifact::{Artifact, FuncIndex};
use kwasm_kcore::instantiate::{
    data_bytes, elem_funcs, exported_function, function, functions, init_globals, init_segments,
    segment_offset, start_function, Entry, FunctionEntry, SegmentFailure, SegmentKind,
    SegmentTarget,
};

const BASE: u64 = 0x10_0000;

fn parse(bytes: &[u8]) -> Artifact<'_> {
    Artifact::parse(bytes).expect("valid artifact")
}

fn indices(art: &Artifact<'_>, kind: u32) -> Vec<usize> {
    art.import_indices(kind).collect()
}

/// `valid()`'s functions: import 0 (`env.print`, type 0, adapter at 16), then defined
/// function 0 (body at 0, type 0, trampoline at 32) and 1 (body at 16, type 1, none).
fn valid_functions() -> [FunctionEntry; 3] {
    [
        FunctionEntry {
            code: BASE + 16,
            type_index: 0,
            entry: Entry::Import(0),
        },
        FunctionEntry {
            code: BASE,
            type_index: 0,
            entry: Entry::Wasm(BASE + 32),
        },
        FunctionEntry {
            code: BASE + 16,
            type_index: 1,
            entry: Entry::None,
        },
    ]
}

#[test]
fn functions_are_imports_then_defined_functions_at_the_code_base() {
    let bytes = Builder::valid().build();
    let art = parse(&bytes);
    let all: Vec<_> = functions(&art, BASE).collect();
    assert_eq!(all, valid_functions());
    let entry = all[1].table_entry(7, 0x99);
    let want = TableEntry {
        code: BASE,
        type_id: 7,
        vmctx: 0x99,
        _reserved: 0,
    };
    assert_eq!(entry, want);
}

#[test]
fn function_finds_any_index_as_functions_lists_it() {
    // A global import before the function import: import indices are not function indices.
    let b = Builder::valid().edit::<Import>(Section::Imports, 0, |i| {
        i.kind = IMPORT_GLOBAL;
        i.desc = u32::from(VAL_I32);
        i.adapter = NONE;
    });
    let b = b.edit::<Import>(Section::Imports, 1, |i| {
        i.kind = IMPORT_FUNC;
        i.desc = 1;
        i.adapter = 0;
    });
    let b = b.edit::<Global>(Section::Globals, 1, |g| g.value = 0);
    let b = b.edit::<Reloc>(Section::Relocs, 0, |r| r.target = 1);
    let bytes = b.build();
    let art = parse(&bytes);
    let func_imports = indices(&art, IMPORT_FUNC);
    assert_eq!(func_imports, [1]);
    let all: Vec<_> = functions(&art, BASE).collect();
    assert_eq!(all[0].entry, Entry::Import(1));
    for (i, f) in all.iter().enumerate() {
        assert_eq!(function(&art, &func_imports, BASE, i as u32), Some(*f));
    }
    assert_eq!(function(&art, &func_imports, BASE, 3), None);
    assert_eq!(function(&art, &func_imports, BASE, NONE), None);
}

#[test]
fn exports_run_trampolines_or_the_imported_function() {
    let bytes = Builder::valid().build();
    let art = parse(&bytes);
    let func_imports = indices(&art, IMPORT_FUNC);
    let [import, with_tramp, _] = valid_functions();
    let export = |i| exported_function(&art, &func_imports, BASE, i);
    assert_eq!(export(0), Some(import));
    assert_eq!(export(1), Some(with_tramp));
    // No trampoline (the parser refuses such an export), no function.
    assert_eq!(export(2), None);
    assert_eq!(export(3), None);
}

#[test]
fn start_function_is_found_like_an_export() {
    let bytes = Builder::valid().build();
    let art = parse(&bytes);
    assert_eq!(
        start_function(&art, &indices(&art, IMPORT_FUNC), BASE),
        None
    );

    // Defined: function 2 (type 1, `() -> ()`), given a trampoline.
    let mut b = Builder::valid().edit::<Func>(Section::Funcs, 1, |f| f.trampoline = 0);
    b.header.start_func = 2;
    let bytes = b.build();
    let art = parse(&bytes);
    let start = start_function(&art, &indices(&art, IMPORT_FUNC), BASE);
    let want = FunctionEntry {
        code: BASE + 16,
        type_index: 1,
        entry: Entry::Wasm(BASE),
    };
    assert_eq!(start, Some(Some(want)));

    // Imported: function 0, retyped to `() -> ()`.
    let mut b = Builder::valid().edit::<Import>(Section::Imports, 0, |i| i.desc = 1);
    b.header.start_func = 0;
    let bytes = b.build();
    let art = parse(&bytes);
    let start = start_function(&art, &indices(&art, IMPORT_FUNC), BASE);
    assert_eq!(start.flatten().map(|f| f.entry), Some(Entry::Import(0)));
}

#[test]
fn globals_start_as_constants_or_the_imported_global_they_read() {
    let bytes = Builder::valid().build();
    let art = parse(&bytes);
    let global_imports = indices(&art, IMPORT_GLOBAL);
    assert_eq!(global_imports, [1]);
    let mut read = Vec::new();
    let mut out = [0u64; 2];
    init_globals(
        &art,
        &global_imports,
        |k| {
            read.push(k);
            0x5000 + k as u64
        },
        &mut out,
    );
    // Global 1 reads import 1, the first global import (k = 0).
    assert_eq!(out, [7, 0x5000]);
    assert_eq!(read, [0]);
}

#[test]
fn segment_offsets_are_constants_or_an_imported_global_truncated() {
    let global_imports = [1, 4];
    let never = |_| -> u64 { panic!("a constant reads no global") };
    assert_eq!(segment_offset(INIT_CONST, 12, &global_imports, never), 12);
    let read = |k: usize| 0x1_0000_0000 + 40 + k as u64;
    assert_eq!(
        segment_offset(INIT_GLOBAL_GET, 4, &global_imports, read),
        41
    );
    // Not a global import: an offset nothing fits.
    assert_eq!(
        segment_offset(INIT_GLOBAL_GET, 2, &global_imports, read),
        u32::MAX
    );
}

#[test]
fn segment_contents_are_their_spans() {
    let bytes = with_every_segment_mode();
    let art = parse(&bytes);
    let data: Vec<_> = art.data().iter().map(|d| data_bytes(&art, &d)).collect();
    assert_eq!(data, [&b"h"[..], b"el", b"lo"]);
    let bytes = Builder::valid().build();
    let art = parse(&bytes);
    let elem = art.elems().get(0).unwrap();
    assert_eq!(elem_funcs(&art, &elem).len(), 2);
    assert!(elem_funcs(&art, &elem).eq([1, NONE]));
}

/// Records what `init_segments` asks for; fails the segment `fail` names.
#[derive(Default)]
struct Recorder {
    calls: Vec<String>,
    fail: Option<(SegmentKind, usize)>,
}

impl Recorder {
    fn result(&self, kind: SegmentKind, index: usize) -> Result<(), u32> {
        match self.fail {
            Some(f) if f == (kind, index) => Err(9),
            _ => Ok(()),
        }
    }
}

impl SegmentTarget for Recorder {
    fn imported_global(&mut self, k: usize) -> u64 {
        self.calls.push(format!("global {k}"));
        300
    }
    fn init_table(&mut self, index: usize, offset: u32) -> Result<(), u32> {
        self.calls.push(format!("elem {index} at {offset}"));
        self.result(SegmentKind::Elem, index)
    }
    fn init_memory(&mut self, index: usize, offset: u32) -> Result<(), u32> {
        self.calls.push(format!("data {index} at {offset}"));
        self.result(SegmentKind::Data, index)
    }
    fn drop_segment(&mut self, kind: SegmentKind, index: usize) {
        self.calls.push(format!("drop {kind:?} {index}"));
    }
}

fn elem(mode: u32, offset_kind: u32, offset: u32, funcs: Span) -> ElemSegment {
    ElemSegment {
        mode,
        offset_kind,
        offset,
        _reserved: 0,
        funcs,
    }
}

fn data(mode: u32, offset_kind: u32, offset: u32, bytes: Span) -> DataSegment {
    DataSegment {
        mode,
        offset_kind,
        offset,
        _reserved: 0,
        bytes,
    }
}

/// Elem segments active (const 2), passive, declared, active (`global.get` of import 1);
/// data segments passive, active (`global.get` of import 1), active (const 16).
fn with_every_segment_mode() -> Vec<u8> {
    let span = |offset, len| Span { offset, len };
    let mut b = Builder::valid();
    b.sections[Section::Elems as usize] = bytes_of(&[
        elem(SEGMENT_ACTIVE, INIT_CONST, 2, span(0, 4)),
        elem(SEGMENT_PASSIVE, 0, 0, span(4, 4)),
        elem(SEGMENT_DECLARED, 0, 0, span(8, 4)),
        elem(SEGMENT_ACTIVE, INIT_GLOBAL_GET, 1, span(12, 4)),
    ]);
    b.sections[Section::ElemFuncs as usize] = bytes_of(&[FuncIndex(0); 4]);
    b.sections[Section::Data as usize] = bytes_of(&[
        data(SEGMENT_PASSIVE, 0, 0, span(0, 1)),
        data(SEGMENT_ACTIVE, INIT_GLOBAL_GET, 1, span(1, 2)),
        data(SEGMENT_ACTIVE, INIT_CONST, 16, span(3, 2)),
    ]);
    b.build()
}

fn run_segments(fail: Option<(SegmentKind, usize)>) -> (Result<(), SegmentFailure>, Vec<String>) {
    let bytes = with_every_segment_mode();
    let art = parse(&bytes);
    let mut target = Recorder {
        fail,
        ..Recorder::default()
    };
    let result = init_segments(&art, &indices(&art, IMPORT_GLOBAL), &mut target);
    (result, target.calls)
}

#[test]
fn active_elems_then_active_data_go_in_order_and_are_dropped() {
    let (result, calls) = run_segments(None);
    assert_eq!(result, Ok(()));
    let want = [
        "elem 0 at 2",
        "drop Elem 0",
        "drop Elem 2",
        "global 0",
        "elem 3 at 300",
        "drop Elem 3",
        "global 0",
        "data 1 at 300",
        "drop Data 1",
        "data 2 at 16",
        "drop Data 2",
    ];
    assert_eq!(calls, want);
}

#[test]
fn the_first_segment_that_does_not_fit_ends_instantiation_dropped() {
    let (result, calls) = run_segments(Some((SegmentKind::Elem, 3)));
    let failure = SegmentFailure {
        kind: SegmentKind::Elem,
        index: 3,
        trap: 9,
    };
    assert_eq!(result, Err(failure));
    assert_eq!(calls.last().map(String::as_str), Some("drop Elem 3"));
    assert!(!calls.iter().any(|c| c.starts_with("data")));

    let (result, calls) = run_segments(Some((SegmentKind::Data, 1)));
    assert_eq!(
        result.map_err(|f| (f.kind, f.index)),
        Err((SegmentKind::Data, 1))
    );
    assert_eq!(calls.last().map(String::as_str), Some("drop Data 1"));
}
