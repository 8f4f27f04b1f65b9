//! The artifact parser refuses every out-of-range offset, overlapping section, unknown kind and
//! dangling index, and never panics on corrupted input.

mod builder;

use builder::{bytes_of, with_header, Builder};
use kwasm_hooks::artifact::*;
use kwasm_kcore::artifact::{Artifact, ArtifactError, FuncIndex};

/// Builds, then lets `f` change the final header (for span corruption).
fn with_spans(b: &Builder, f: impl FnOnce(&mut Header)) -> Vec<u8> {
    let (mut header, body) = b.build_header();
    f(&mut header);
    with_header(body, header)
}

fn entry_err(r: Result<Artifact<'_>, ArtifactError>, section: Section) -> &'static str {
    match r {
        Err(ArtifactError::Entry {
            section: s,
            problem,
            ..
        }) if s == section => problem,
        Err(e) => panic!("expected an error in {section:?} entries, got {e}"),
        Ok(_) => panic!("expected an error in {section:?} entries, got Ok"),
    }
}

#[test]
fn valid_artifact_parses_and_reads_back() {
    let bytes = Builder::valid().build();
    let a = Artifact::parse(&bytes).expect("valid");
    assert_eq!(a.func_count(), 3);
    assert_eq!(a.funcs().len(), 2);
    let imp = a.imports().get(0).unwrap();
    assert_eq!(
        (a.string(imp.module), a.string(imp.name)),
        (Some("env"), Some("print"))
    );
    let (params, results) = a.signature(a.types().get(0).unwrap());
    assert_eq!((params, results), (&[VAL_I32][..], &[VAL_I32][..]));
    assert_eq!(a.relocs().iter().count(), 3);
    assert_eq!(&a.section(Section::DataBytes)[..5], b"hello");
}

#[test]
fn header_problems_are_refused() {
    let b = Builder::valid();
    let mut bytes = b.build();
    bytes[0] = b'X';
    assert_eq!(Artifact::parse(&bytes).err(), Some(ArtifactError::BadMagic));
    let v = with_spans(&b, |h| h.version = 99);
    assert_eq!(Artifact::parse(&v).err(), Some(ArtifactError::Version(99)));
    let f = with_spans(&b, |h| h.flags = 1 << 7);
    assert_eq!(
        Artifact::parse(&f).err(),
        Some(ArtifactError::UnknownFlags(1 << 7))
    );
    let c = with_spans(&b, |h| h.cpu_features = 1 << 40);
    assert!(matches!(
        Artifact::parse(&c),
        Err(ArtifactError::UnknownCpuFeatures(_))
    ));
    let mut longer = b.build();
    longer.extend_from_slice(&[0; 8]);
    assert!(matches!(
        Artifact::parse(&longer),
        Err(ArtifactError::TotalSize { .. })
    ));
    assert_eq!(
        Artifact::parse(&bytes[..10]).err(),
        Some(ArtifactError::TooShort)
    );
}

#[test]
fn every_out_of_range_section_is_refused() {
    let b = Builder::valid();
    let total = b.build().len() as u32;
    for s in SECTIONS {
        for corrupt in [
            |sp: &mut Span, total: u32| sp.offset = total, // starts at the end
            |sp: &mut Span, total: u32| sp.len = total,    // runs past the end
            |sp: &mut Span, _| sp.offset = u32::MAX - 7,   // offset + len overflows u32
            |sp: &mut Span, _| sp.offset = 0,              // over the header
            |sp: &mut Span, _| sp.offset += 1,             // misaligned
        ] {
            let bytes = with_spans(&b, |h| corrupt(&mut h.sections[s as usize], total));
            let r = Artifact::parse(&bytes);
            assert!(
                matches!(r, Err(ArtifactError::Section { section, .. }) if section == s)
                    || matches!(r, Err(ArtifactError::Overlap(..))),
                "{s:?}: {:?}",
                r.err()
            );
        }
    }
}

#[test]
fn overlapping_sections_are_refused() {
    let b = Builder::valid();
    let bytes = with_spans(&b, |h| {
        let types = h.sections[Section::Types as usize];
        h.sections[Section::Funcs as usize] = Span {
            offset: types.offset,
            len: 16,
        };
    });
    assert_eq!(
        Artifact::parse(&bytes).err(),
        Some(ArtifactError::Overlap(Section::Types, Section::Funcs))
    );
    // A partial overlap into the next section is caught too.
    let bytes = with_spans(&b, |h| h.sections[Section::Code as usize].len += 8);
    assert!(matches!(
        Artifact::parse(&bytes),
        Err(ArtifactError::Overlap(..) | ArtifactError::Section { .. })
    ));
}

#[test]
fn ragged_table_sections_are_refused() {
    let b = Builder::valid();
    let bytes = with_spans(&b, |h| h.sections[Section::Relocs as usize].len -= 4);
    assert!(matches!(
        Artifact::parse(&bytes),
        Err(ArtifactError::Section {
            section: Section::Relocs,
            ..
        })
    ));
}

#[test]
fn unknown_and_out_of_range_relocations_are_refused() {
    let r = |f: fn(&mut Reloc)| {
        Builder::valid()
            .edit::<Reloc>(Section::Relocs, 1, f)
            .build()
    };
    let p = entry_err(Artifact::parse(&r(|r| r.kind = 9)), Section::Relocs);
    assert_eq!(p, "unknown relocation kind");
    entry_err(Artifact::parse(&r(|r| r.offset = 48)), Section::Relocs); // code is 48 bytes
    entry_err(
        Artifact::parse(&r(|r| r.offset = u32::MAX)),
        Section::Relocs,
    );
    entry_err(Artifact::parse(&r(|r| r.offset = 3)), Section::Relocs); // before its predecessor
    entry_err(Artifact::parse(&r(|r| r.target = 4)), Section::Relocs); // rsp thunk
    entry_err(Artifact::parse(&r(|r| r.target = 16)), Section::Relocs);
    let import = |f: fn(&mut Reloc)| {
        Builder::valid()
            .edit::<Reloc>(Section::Relocs, 0, f)
            .build()
    };
    entry_err(Artifact::parse(&import(|r| r.target = 1)), Section::Relocs); // a global, not a function
    entry_err(Artifact::parse(&import(|r| r.target = 2)), Section::Relocs);
    let helper = Builder::valid()
        .edit::<Reloc>(Section::Relocs, 2, |r| r.target = HELPER_COUNT)
        .build();
    entry_err(Artifact::parse(&helper), Section::Relocs);
    // Return thunks: target 0 only.
    Artifact::parse(&r(|r| (r.kind, r.target) = (RELOC_RETURN_THUNK, 0)))
        .expect("a return thunk relocation is fine");
    entry_err(
        Artifact::parse(&r(|r| (r.kind, r.target) = (RELOC_RETURN_THUNK, 1))),
        Section::Relocs,
    );
}

#[test]
fn bad_function_entries_are_refused() {
    let f = |f: fn(&mut Func)| Builder::valid().edit::<Func>(Section::Funcs, 0, f).build();
    entry_err(Artifact::parse(&f(|f| f.code.offset = 40)), Section::Funcs);
    entry_err(
        Artifact::parse(&f(|f| f.code.len = u32::MAX)),
        Section::Funcs,
    );
    entry_err(Artifact::parse(&f(|f| f.code.offset = 1)), Section::Funcs); // no endbr64 there
    entry_err(Artifact::parse(&f(|f| f.type_index = 2)), Section::Funcs);
    entry_err(Artifact::parse(&f(|f| f.trampoline = 46)), Section::Funcs);
    entry_err(Artifact::parse(&f(|f| f.trampoline = 4)), Section::Funcs);
}

#[test]
fn bad_imports_exports_globals_and_segments_are_refused() {
    let v = Builder::valid;
    entry_err(
        Artifact::parse(
            &v().edit::<Import>(Section::Imports, 0, |i| i.desc = 5)
                .build(),
        ),
        Section::Imports,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<Import>(Section::Imports, 0, |i| i.name.len = 99)
                .build(),
        ),
        Section::Imports,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<Import>(Section::Imports, 0, |i| i.kind = 7)
                .build(),
        ),
        Section::Imports,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<Import>(Section::Imports, 0, |i| i.adapter = 3)
                .build(),
        ),
        Section::Imports,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<Import>(Section::Imports, 1, |i| i.adapter = 0)
                .build(),
        ),
        Section::Imports,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<Export>(Section::Exports, 0, |e| e.index = 3)
                .build(),
        ),
        Section::Exports,
    );
    // Function 2 (defined index 1) has no trampoline.
    entry_err(
        Artifact::parse(
            &v().edit::<Export>(Section::Exports, 0, |e| e.index = 2)
                .build(),
        ),
        Section::Exports,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<Export>(Section::Exports, 1, |e| e.index = 1)
                .build(),
        ),
        Section::Exports,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<Global>(Section::Globals, 0, |g| g.valtype = 0x40)
                .build(),
        ),
        Section::Globals,
    );
    // Reads import 1 as an i64, but it is an i32.
    entry_err(
        Artifact::parse(
            &v().edit::<Global>(Section::Globals, 1, |g| g.valtype = u32::from(VAL_I64))
                .build(),
        ),
        Section::Globals,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<Global>(Section::Globals, 1, |g| g.value = 0)
                .build(),
        ),
        Section::Globals,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<DataSegment>(Section::Data, 0, |d| d.bytes.len = 6)
                .build(),
        ),
        Section::Data,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<DataSegment>(Section::Data, 0, |d| d.mode = 3)
                .build(),
        ),
        Section::Data,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<ElemSegment>(Section::Elems, 0, |e| e.funcs.offset = 2)
                .build(),
        ),
        Section::Elems,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<ElemSegment>(Section::Elems, 0, |e| e.funcs.len = 12)
                .build(),
        ),
        Section::Elems,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<FuncIndex>(Section::ElemFuncs, 0, |f| f.0 = 3)
                .build(),
        ),
        Section::Elems,
    );
    entry_err(
        Artifact::parse(
            &v().edit::<FuncType>(Section::Types, 0, |t| t.params = 2)
                .build(),
        ),
        Section::Types,
    );
}

#[test]
fn limits_and_start_function_are_checked() {
    let mut b = Builder::valid();
    b.header.memory_max = 0;
    assert!(matches!(
        Artifact::parse(&b.build()),
        Err(ArtifactError::Limits(_))
    ));
    let mut b = Builder::valid();
    b.header.memory_min = 65537;
    b.header.memory_max = NONE;
    assert!(matches!(
        Artifact::parse(&b.build()),
        Err(ArtifactError::Limits(_))
    ));
    let mut b = Builder::valid();
    b.header.start_func = 1; // type 0 takes an i32
    assert!(matches!(
        Artifact::parse(&b.build()),
        Err(ArtifactError::StartFunc(_))
    ));
    // Function 2 has the right type but no trampoline: the host could not enter it.
    b.header.start_func = 2;
    assert_eq!(
        Artifact::parse(&b.build()).err(),
        Some(ArtifactError::StartFunc("has no trampoline"))
    );
    let mut with_tramp = b
        .clone()
        .edit::<Func>(Section::Funcs, 1, |f| f.trampoline = 32);
    with_tramp.header.start_func = 2;
    assert!(Artifact::parse(&with_tramp.build()).is_ok());
    b.header.start_func = 3;
    assert!(matches!(
        Artifact::parse(&b.build()),
        Err(ArtifactError::StartFunc(_))
    ));
}

#[test]
fn every_truncation_and_bit_flip_is_handled_without_panic() {
    let bytes = Builder::valid().build();
    for len in 0..bytes.len() {
        assert!(
            Artifact::parse(&bytes[..len]).is_err(),
            "truncated to {len}"
        );
    }
    let mut refused = 0;
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            if let Ok(a) = Artifact::parse(&b) {
                // Whatever passed must be readable without panics.
                for f in a.funcs().iter() {
                    let _ =
                        &a.section(Section::Code)[f.code.offset as usize..][..f.code.len as usize];
                }
                for e in a.exports().iter() {
                    assert!(a.string(e.name).is_some());
                }
            } else {
                refused += 1;
            }
        }
    }
    // Most flips land in code or data bytes, which the parser cannot judge; header and table
    // flips must be caught.
    assert!(
        refused > bytes.len(),
        "only {refused} of {} flips refused",
        bytes.len() * 8
    );
}

/// `b` with `n` more entries at the end of `table`, `entry(k, at)` for k in 0..n, and `region`
/// appended to `blob` (`at` is where it starts in the blob).
fn with_many<T: Entry>(
    mut b: Builder,
    table: Section,
    n: usize,
    entry: impl Fn(usize, u32) -> T,
    blob: Section,
    region: &[u8],
) -> Builder {
    let at = b.sections[blob as usize].len() as u32;
    let entries: Vec<T> = (0..n).map(|k| entry(k, at)).collect();
    b.sections[table as usize].extend_from_slice(&bytes_of(&entries));
    b.sections[blob as usize].extend_from_slice(region);
    b
}

fn span(offset: u32, len: u32) -> Span {
    Span { offset, len }
}

fn func_import(module: Span, name: Span) -> Import {
    Import {
        module,
        name,
        kind: IMPORT_FUNC,
        desc: 1,
        adapter: 16,
        _reserved: 0,
    }
}

fn passive_data(bytes: Span) -> DataSegment {
    DataSegment {
        mode: SEGMENT_PASSIVE,
        offset_kind: 0,
        offset: 0,
        _reserved: 0,
        bytes,
    }
}

fn passive_elem(funcs: Span) -> ElemSegment {
    ElemSegment {
        mode: SEGMENT_PASSIVE,
        offset_kind: 0,
        offset: 0,
        _reserved: 0,
        funcs,
    }
}

/// `Builder::valid` without exports: more imports can follow its imports' names in the blob.
fn without_exports() -> Builder {
    let mut b = Builder::valid();
    b.sections[Section::Exports as usize].clear();
    b
}

/// Parses, and expects the refusal of entry `index` of `section` within a second: the spans
/// are checked before anything reads the bytes they cover.
fn refused_quickly(b: &Builder, section: Section, index: u32) {
    let bytes = b.build();
    let t = std::time::Instant::now();
    let r = Artifact::parse(&bytes);
    let took = t.elapsed();
    match r {
        Err(ArtifactError::Entry {
            section: s,
            index: i,
            ..
        }) if (s, i) == (section, index) => {}
        other => panic!(
            "expected {section:?} entry {index} refused, got {:?}",
            other.err()
        ),
    }
    assert!(took.as_secs() < 1, "refused after {took:?}");
}

#[test]
fn spans_that_share_bytes_or_go_backwards_are_refused() {
    let v = Builder::valid;
    // Import 1 names "env" with import 0's bytes (the compiler writes the name twice).
    let shared_module = v().edit::<Import>(Section::Imports, 1, |i| i.module = span(0, 3));
    assert_eq!(
        entry_err(Artifact::parse(&shared_module.build()), Section::Imports),
        "name outside the Strings blob, or not after the previous name"
    );
    // An export named with an import's name bytes ("mem").
    let shared_name = v().edit::<Export>(Section::Exports, 1, |e| e.name = span(11, 3));
    entry_err(Artifact::parse(&shared_name.build()), Section::Exports);
    // Exports before imports: out of order.
    let backwards = v().edit::<Export>(Section::Exports, 0, |e| e.name = span(0, 3));
    entry_err(Artifact::parse(&backwards.build()), Section::Exports);
    let types = v().edit::<FuncType>(Section::Types, 1, |t| (t.offset, t.params) = (1, 1));
    entry_err(Artifact::parse(&types.build()), Section::Types);
    let bodies = v().edit::<Func>(Section::Funcs, 1, |f| f.code = span(0, 16));
    entry_err(Artifact::parse(&bodies.build()), Section::Funcs);
    let data = with_many(
        v(),
        Section::Data,
        1,
        |_, _| passive_data(span(1, 2)),
        Section::DataBytes,
        b"",
    );
    entry_err(Artifact::parse(&data.build()), Section::Data);
    let elems = with_many(
        v(),
        Section::Elems,
        1,
        |_, _| passive_elem(span(4, 4)),
        Section::ElemFuncs,
        b"",
    );
    entry_err(Artifact::parse(&elems.build()), Section::Elems);
    // Empty spans are fine anywhere at or after the previous span's end, up to the blob's end.
    let empty = with_many(
        v(),
        Section::Data,
        2,
        |k, _| passive_data(span(5 - k as u32, 0)),
        Section::DataBytes,
        b"",
    );
    entry_err(Artifact::parse(&empty.build()), Section::Data); // 5 then 4: backwards
    let empty = with_many(
        v(),
        Section::Data,
        2,
        |_, _| passive_data(span(5, 0)),
        Section::DataBytes,
        b"",
    );
    Artifact::parse(&empty.build()).expect("empty spans at the end");
}

/// The worst case of issue 8: 131,072 imports all naming one 12 MiB string would be ~3×10¹²
/// bytes of UTF-8 checks (and the loaders' copies); refused at the second reference.
#[test]
fn many_imports_naming_one_huge_string_are_refused_at_once() {
    let region = vec![b'a'; 12 << 20];
    let len = region.len() as u32;
    let b = with_many(
        without_exports(),
        Section::Imports,
        131_072,
        |_, at| func_import(span(at, 0), span(at, len)),
        Section::Strings,
        &region,
    );
    refused_quickly(&b, Section::Imports, 3); // imports 0 and 1 are `valid()`'s
                                              // Module and name sharing the string within one import.
    let b = with_many(
        without_exports(),
        Section::Imports,
        131_072,
        |_, at| func_import(span(at, len), span(at, len)),
        Section::Strings,
        &region,
    );
    refused_quickly(&b, Section::Imports, 2);
}

#[test]
fn many_exports_naming_one_huge_string_are_refused_at_once() {
    let region = vec![b'a'; 8 << 20];
    let len = region.len() as u32;
    let export = |_, at| Export {
        name: span(at, len),
        kind: EXPORT_MEMORY,
        index: 0,
    };
    let b = with_many(
        Builder::valid(),
        Section::Exports,
        500_000,
        export,
        Section::Strings,
        &region,
    );
    refused_quickly(&b, Section::Exports, 3); // exports 0 and 1 are `valid()`'s
}

#[test]
fn many_segments_and_types_sharing_one_huge_span_are_refused_at_once() {
    let region = vec![0u8; 12 << 20];
    let len = region.len() as u32;
    let data = |_, at| passive_data(span(at, len));
    let b = with_many(
        Builder::valid(),
        Section::Data,
        500_000,
        data,
        Section::DataBytes,
        &region,
    );
    refused_quickly(&b, Section::Data, 2);
    let nulls = vec![0xffu8; 12 << 20]; // FuncIndex(NONE) each
    let elem = |_, at| passive_elem(span(at, len));
    let b = with_many(
        Builder::valid(),
        Section::Elems,
        500_000,
        elem,
        Section::ElemFuncs,
        &nulls,
    );
    refused_quickly(&b, Section::Elems, 2);
    // 2 × 65,535 value types per type: 100,000 types would be 1.3×10¹⁰ checks.
    let valtypes = vec![VAL_I32; 2 * 65_535];
    let ty = |_, at| FuncType {
        offset: at,
        params: u16::MAX,
        results: u16::MAX,
    };
    let b = with_many(
        Builder::valid(),
        Section::Types,
        100_000,
        ty,
        Section::ValTypes,
        &valtypes,
    );
    refused_quickly(&b, Section::Types, 3); // types 0 and 1 are `valid()`'s
}

/// The same sizes with every entry its own span: accepted, in time linear in the artifact.
#[test]
fn many_entries_with_their_own_spans_parse_in_linear_time() {
    let region = vec![b'a'; 12 << 20];
    let each = (region.len() / 131_072 / 2) as u32; // 48 bytes per name
    let import = |k: usize, at: u32| {
        let module = at + 2 * each * k as u32;
        func_import(span(module, each), span(module + each, each))
    };
    let imports = with_many(
        without_exports(),
        Section::Imports,
        131_072,
        import,
        Section::Strings,
        &region,
    );
    let data_region = vec![0u8; 12 << 20];
    let data = |k: usize, at: u32| passive_data(span(at + 24 * k as u32, 24));
    let data = with_many(
        Builder::valid(),
        Section::Data,
        500_000,
        data,
        Section::DataBytes,
        &data_region,
    );
    for b in [imports, data] {
        let bytes = b.build();
        let t = std::time::Instant::now();
        Artifact::parse(&bytes).expect("valid");
        // Linear: milliseconds (debug build); the shared spans above would take hours.
        assert!(t.elapsed().as_secs() < 10, "took {:?}", t.elapsed());
    }
}
