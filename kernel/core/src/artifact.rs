//! Parser and validator of kwasm artifacts (format: `kwasm_hooks::artifact`).
//!
//! [`Artifact::parse`] checks everything the loader will rely on: the header, that sections are
//! in bounds, aligned, sized in whole entries and disjoint, and every entry's spans, indices and
//! kinds. After it returns `Ok`, no accessor can index out of bounds. Work is linear in the
//! artifact's size, so hostile input cannot make it slow: in particular the spans into each
//! blob are checked to be in order and disjoint (`Artifact::check_spans`, O(1) each) before
//! anything looks at the bytes they cover, so per-span work (UTF-8 checks, function lists, and
//! the loaders' copies) adds up to at most the blob's length.

use super::errno::EINVAL;
use super::hooks::artifact::*;
use core::fmt;
use core::marker::PhantomData;
use core::mem::size_of;

/// Why an artifact was refused; `Display` is the line written to the load log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArtifactError {
    TooShort,
    TooLarge,
    BadMagic,
    Version(u32),
    HeaderSize(u32),
    TotalSize {
        header: u64,
        actual: u64,
    },
    UnknownFlags(u32),
    UnknownCpuFeatures(u64),
    Section {
        section: Section,
        problem: &'static str,
    },
    Overlap(Section, Section),
    Limits(&'static str),
    Entry {
        section: Section,
        index: u32,
        problem: &'static str,
    },
    StartFunc(&'static str),
}

impl ArtifactError {
    pub fn errno(&self) -> i32 {
        EINVAL
    }
}

impl fmt::Display for ArtifactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort => write!(f, "artifact shorter than its header"),
            Self::TooLarge => write!(f, "artifact larger than {ARTIFACT_SIZE_MAX} bytes"),
            Self::BadMagic => write!(f, "not a kwasm artifact (bad magic)"),
            Self::Version(v) => {
                write!(
                    f,
                    "artifact format version {v}, this module reads {ARTIFACT_VERSION}"
                )
            }
            Self::HeaderSize(s) => write!(f, "header size {s}, expected {}", size_of::<Header>()),
            Self::TotalSize { header, actual } => {
                write!(f, "header says {header} bytes, artifact has {actual}")
            }
            Self::UnknownFlags(x) => write!(f, "unknown flags {x:#x}"),
            Self::UnknownCpuFeatures(x) => write!(f, "unknown CPU feature bits {x:#x}"),
            Self::Section { section, problem } => write!(f, "section {section:?}: {problem}"),
            Self::Overlap(a, b) => write!(f, "sections {a:?} and {b:?} overlap"),
            Self::Limits(p) => write!(f, "limits: {p}"),
            Self::Entry {
                section,
                index,
                problem,
            } => {
                write!(f, "{section:?} entry {index}: {problem}")
            }
            Self::StartFunc(p) => write!(f, "start function: {p}"),
        }
    }
}

type Result<T> = core::result::Result<T, ArtifactError>;

/// Largest linear memory in 64 KiB pages (4 GiB, the wasm32 limit).
pub const MEMORY_PAGES_MAX: u32 = 65536;

/// `endbr64`: every function body and trampoline starts with it (IBT).
pub const ENDBR64: [u8; 4] = [0xf3, 0x0f, 0x1e, 0xfa];

/// A validated artifact borrowing its bytes.
#[derive(Clone, Copy)]
pub struct Artifact<'a> {
    bytes: &'a [u8],
    header: Header,
}

/// Entries of one table section, read (unaligned) on demand.
#[derive(Clone, Copy)]
pub struct Entries<'a, T> {
    bytes: &'a [u8],
    _t: PhantomData<T>,
}

impl<'a, T: Entry> Entries<'a, T> {
    pub fn len(&self) -> usize {
        self.bytes.len() / size_of::<T>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, index: usize) -> Option<T> {
        let start = index.checked_mul(size_of::<T>())?;
        let chunk = self.bytes.get(start..start.checked_add(size_of::<T>())?)?;
        // SAFETY: `chunk` has exactly size_of::<T>() bytes, and `T: Entry` is valid for any bit
        // pattern; read_unaligned needs no alignment.
        Some(unsafe { chunk.as_ptr().cast::<T>().read_unaligned() })
    }

    pub fn iter(&self) -> impl Iterator<Item = T> + 'a {
        let this = *self;
        (0..this.len()).filter_map(move |i| this.get(i))
    }
}

fn read<T: Entry>(bytes: &[u8]) -> Option<T> {
    Entries::<T> {
        bytes: bytes.get(..size_of::<T>())?,
        _t: PhantomData,
    }
    .get(0)
}

fn entry_size(section: Section) -> Option<usize> {
    Some(match section {
        Section::Types => size_of::<FuncType>(),
        Section::Imports => size_of::<Import>(),
        Section::Funcs => size_of::<Func>(),
        Section::Exports => size_of::<Export>(),
        Section::Relocs => size_of::<Reloc>(),
        Section::Globals => size_of::<Global>(),
        Section::Data => size_of::<DataSegment>(),
        Section::Elems => size_of::<ElemSegment>(),
        Section::ElemFuncs => 4,
        Section::Code | Section::ValTypes | Section::DataBytes | Section::Strings => return None,
    })
}

fn valtype_ok(v: u32) -> bool {
    matches!(v as u8, VAL_I32 | VAL_I64 | VAL_F32 | VAL_F64) && v <= 0xff
}

/// Walks the spans into one blob in entry order, enforcing the format's rule that each starts
/// at or after the end of the one before and ends inside the blob. So no byte is covered
/// twice, and the spans' lengths add up to at most the blob's length, however many entries
/// there are.
struct SpanCursor {
    blob_len: u64,
    next_free: u64,
}

impl SpanCursor {
    /// Accepts `span` if it follows the previous one inside the blob.
    fn take(&mut self, span: Span) -> bool {
        let start = u64::from(span.offset);
        let end = start + u64::from(span.len);
        if start < self.next_free || end > self.blob_len {
            return false;
        }
        self.next_free = end;
        true
    }
}

/// The value types of a signature, as a span into `ValTypes`.
fn valtypes_span(ty: &FuncType) -> Span {
    Span {
        offset: ty.offset,
        len: u32::from(ty.params) + u32::from(ty.results),
    }
}

impl<'a> Artifact<'a> {
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The bytes of a section.
    pub fn section(&self, s: Section) -> &'a [u8] {
        let span = self.header.sections[s as usize];
        // Checked in `parse`.
        &self.bytes[span.offset as usize..(span.offset + span.len) as usize]
    }

    pub fn entries<T: Entry>(&self, s: Section) -> Entries<'a, T> {
        Entries {
            bytes: self.section(s),
            _t: PhantomData,
        }
    }

    pub fn types(&self) -> Entries<'a, FuncType> {
        self.entries(Section::Types)
    }
    pub fn imports(&self) -> Entries<'a, Import> {
        self.entries(Section::Imports)
    }
    pub fn funcs(&self) -> Entries<'a, Func> {
        self.entries(Section::Funcs)
    }
    pub fn exports(&self) -> Entries<'a, Export> {
        self.entries(Section::Exports)
    }
    pub fn relocs(&self) -> Entries<'a, Reloc> {
        self.entries(Section::Relocs)
    }
    pub fn globals(&self) -> Entries<'a, Global> {
        self.entries(Section::Globals)
    }
    pub fn data(&self) -> Entries<'a, DataSegment> {
        self.entries(Section::Data)
    }
    pub fn elems(&self) -> Entries<'a, ElemSegment> {
        self.entries(Section::Elems)
    }

    /// A name from the string blob (validated UTF-8 for every span the entries use).
    pub fn string(&self, span: Span) -> Option<&'a str> {
        let blob = self.section(Section::Strings);
        let bytes =
            blob.get(span.offset as usize..(span.offset as usize).checked_add(span.len as usize)?)?;
        core::str::from_utf8(bytes).ok()
    }

    /// The parameter and result types of a function type.
    pub fn signature(&self, ty: FuncType) -> (&'a [u8], &'a [u8]) {
        let blob = self.section(Section::ValTypes);
        let p = ty.offset as usize;
        let r = p + ty.params as usize;
        (&blob[p..r], &blob[r..r + ty.results as usize])
    }

    /// Number of imports of `kind`.
    pub fn imported(&self, kind: u32) -> u32 {
        self.imports().iter().filter(|i| i.kind == kind).count() as u32
    }

    /// Indices (among all imports) of the imports of `kind`, in order: function index n below
    /// the imported count is import `import_indices(IMPORT_FUNC).nth(n)`, likewise for globals.
    pub fn import_indices(&self, kind: u32) -> impl Iterator<Item = usize> + 'a {
        self.imports()
            .iter()
            .enumerate()
            .filter(move |(_, i)| i.kind == kind)
            .map(|(k, _)| k)
    }

    /// The `n`-th import of `kind` and its index among all imports. Linear in the imports: a
    /// caller that looks up many should collect [`Self::import_indices`] once.
    pub fn import_of_kind(&self, kind: u32, n: u32) -> Option<(usize, Import)> {
        let k = self.import_indices(kind).nth(n as usize)?;
        Some((k, self.imports().get(k)?))
    }

    /// Function index space: imported functions, then defined ones.
    pub fn func_count(&self) -> u32 {
        self.imported(IMPORT_FUNC) + self.funcs().len() as u32
    }

    /// Checks `bytes` and returns the artifact, or the first problem found.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        if bytes.len() as u64 > ARTIFACT_SIZE_MAX {
            return Err(ArtifactError::TooLarge);
        }
        let header: Header = read(bytes).ok_or(ArtifactError::TooShort)?;
        if header.magic != MAGIC {
            return Err(ArtifactError::BadMagic);
        }
        if header.version != ARTIFACT_VERSION {
            return Err(ArtifactError::Version(header.version));
        }
        if header.header_size as usize != size_of::<Header>() {
            return Err(ArtifactError::HeaderSize(header.header_size));
        }
        if header.total_size != bytes.len() as u64 {
            return Err(ArtifactError::TotalSize {
                header: header.total_size,
                actual: bytes.len() as u64,
            });
        }
        if header.flags & !FLAGS_KNOWN != 0 {
            return Err(ArtifactError::UnknownFlags(header.flags & !FLAGS_KNOWN));
        }
        if header.cpu_features & !CPU_KNOWN != 0 {
            return Err(ArtifactError::UnknownCpuFeatures(
                header.cpu_features & !CPU_KNOWN,
            ));
        }
        let artifact = Artifact { bytes, header };
        artifact.check_sections()?;
        // Before anything reads what a span covers: that work is linear only once the spans
        // are known not to overlap.
        artifact.check_spans()?;
        artifact.check_limits()?;
        artifact.check_types()?;
        artifact.check_imports()?;
        artifact.check_funcs()?;
        artifact.check_exports()?;
        artifact.check_relocs()?;
        artifact.check_globals()?;
        artifact.check_data()?;
        artifact.check_elems()?;
        artifact.check_start()?;
        Ok(artifact)
    }

    fn check_sections(&self) -> Result<()> {
        let header_end = size_of::<Header>() as u64;
        for s in SECTIONS {
            let span = self.header.sections[s as usize];
            let err = |problem| {
                Err(ArtifactError::Section {
                    section: s,
                    problem,
                })
            };
            if span.len == 0 {
                if span.offset != 0 {
                    return err("empty section with an offset");
                }
                continue;
            }
            let (start, end) = (
                u64::from(span.offset),
                u64::from(span.offset) + u64::from(span.len),
            );
            if start < header_end {
                return err("overlaps the header");
            }
            if end > self.bytes.len() as u64 {
                return err("extends past the end of the artifact");
            }
            if start % 8 != 0 {
                return err("not 8-byte aligned");
            }
            if entry_size(s).is_some_and(|size| !(span.len as usize).is_multiple_of(size)) {
                return err("length is not a whole number of entries");
            }
        }
        // Pairwise: 13 sections, so this is constant work.
        for (i, a) in SECTIONS.iter().enumerate() {
            for b in &SECTIONS[i + 1..] {
                let (x, y) = (
                    self.header.sections[*a as usize],
                    self.header.sections[*b as usize],
                );
                if x.len == 0 || y.len == 0 {
                    continue;
                }
                let (xs, xe) = (u64::from(x.offset), u64::from(x.offset) + u64::from(x.len));
                let (ys, ye) = (u64::from(y.offset), u64::from(y.offset) + u64::from(y.len));
                if xs < ye && ys < xe {
                    return Err(ArtifactError::Overlap(*a, *b));
                }
            }
        }
        Ok(())
    }

    /// The spans into each blob follow one another in entry order without overlapping (the
    /// rule `kwasm_hooks::artifact` states): `Strings` holds the imports' module and name, then
    /// the exports' names; `ValTypes` the types' value types; `Code` the functions' bodies;
    /// `DataBytes` and `ElemFuncs` the segments' contents. O(1) per span.
    fn check_spans(&self) -> Result<()> {
        let mut strings = self.cursor(Section::Strings);
        let names = "name outside the Strings blob, or not after the previous name";
        self.spans_in_order(Section::Imports, &mut strings, names, |i: &Import| {
            [i.module, i.name]
        })?;
        self.spans_in_order(Section::Exports, &mut strings, names, |e: &Export| [e.name])?;
        self.spans_in_order(
            Section::Types,
            &mut self.cursor(Section::ValTypes),
            "value types outside the ValTypes blob, or not after the previous type's",
            |t: &FuncType| [valtypes_span(t)],
        )?;
        self.spans_in_order(
            Section::Funcs,
            &mut self.cursor(Section::Code),
            "body outside the Code section, or not after the previous body",
            |f: &Func| [f.code],
        )?;
        self.spans_in_order(
            Section::Data,
            &mut self.cursor(Section::DataBytes),
            "bytes outside the DataBytes blob, or not after the previous segment's",
            |d: &DataSegment| [d.bytes],
        )?;
        self.spans_in_order(
            Section::Elems,
            &mut self.cursor(Section::ElemFuncs),
            "function list outside the ElemFuncs blob, or not after the previous segment's",
            |e: &ElemSegment| [e.funcs],
        )
    }

    fn cursor(&self, blob: Section) -> SpanCursor {
        SpanCursor {
            blob_len: self.section(blob).len() as u64,
            next_free: 0,
        }
    }

    /// Feeds the spans of every entry of `table` (as `spans` lists them) to `blob`.
    fn spans_in_order<T: Entry, const N: usize>(
        &self,
        table: Section,
        blob: &mut SpanCursor,
        problem: &'static str,
        spans: impl Fn(&T) -> [Span; N],
    ) -> Result<()> {
        for (i, entry) in self.entries::<T>(table).iter().enumerate() {
            if !spans(&entry).into_iter().all(|s| blob.take(s)) {
                return Err(ArtifactError::Entry {
                    section: table,
                    index: i as u32,
                    problem,
                });
            }
        }
        Ok(())
    }

    fn check_limits(&self) -> Result<()> {
        let h = &self.header;
        let bad = |p| Err(ArtifactError::Limits(p));
        if h.has_memory > 1 || h.has_table > 1 {
            return bad("has_memory/has_table must be 0 or 1");
        }
        if h.has_memory == 1 {
            if h.memory_min > MEMORY_PAGES_MAX {
                return bad("memory minimum above 65536 pages");
            }
            if h.memory_max != NONE
                && (h.memory_max > MEMORY_PAGES_MAX || h.memory_max < h.memory_min)
            {
                return bad("memory maximum below the minimum or above 65536 pages");
            }
        } else if h.memory_min != 0 || h.memory_max != 0 {
            return bad("memory limits without a memory");
        }
        if h.has_table == 1 {
            if h.table_max != NONE && h.table_max < h.table_min {
                return bad("table maximum below the minimum");
            }
        } else if h.table_min != 0 || h.table_max != 0 {
            return bad("table limits without a table");
        }
        Ok(())
    }

    /// Value types (in bounds and disjoint: `check_spans`, so this reads each byte once).
    fn check_types(&self) -> Result<()> {
        for (i, ty) in self.types().iter().enumerate() {
            let (p, r) = self.signature(ty);
            if p.iter().chain(r).any(|&v| !valtype_ok(u32::from(v))) {
                return Err(ArtifactError::Entry {
                    section: Section::Types,
                    index: i as u32,
                    problem: "unknown value type",
                });
            }
        }
        Ok(())
    }

    /// Names are in bounds and disjoint (`check_spans`): the UTF-8 checks read each string
    /// byte at most once.
    fn check_imports(&self) -> Result<()> {
        let (mut memories, mut tables) = (0, 0);
        for (i, imp) in self.imports().iter().enumerate() {
            let err = |problem| {
                Err(ArtifactError::Entry {
                    section: Section::Imports,
                    index: i as u32,
                    problem,
                })
            };
            if self.string(imp.module).is_none() || self.string(imp.name).is_none() {
                return err("name is not UTF-8");
            }
            if imp._reserved != 0 || (imp.kind != IMPORT_FUNC && imp.adapter != NONE) {
                return err("reserved fields set");
            }
            match imp.kind {
                IMPORT_FUNC
                    if (imp.desc as usize) < self.types().len()
                        && self.starts_with_endbr(imp.adapter) => {}
                IMPORT_FUNC => return err("type index out of range or adapter without endbr64"),
                IMPORT_GLOBAL if valtype_ok(imp.desc & 0xff) && imp.desc >> 8 <= 1 => {}
                IMPORT_GLOBAL => return err("bad global type"),
                IMPORT_MEMORY if self.header.has_memory == 1 && imp.desc == 0 => memories += 1,
                IMPORT_TABLE if self.header.has_table == 1 && imp.desc == 0 => tables += 1,
                IMPORT_MEMORY | IMPORT_TABLE => {
                    return err("memory/table import without one in the header")
                }
                _ => return err("unknown import kind"),
            }
            if memories > 1 || tables > 1 {
                return err("more than one memory or table");
            }
        }
        Ok(())
    }

    /// Whether `offset` in `Code` holds an `endbr64` (an indirect-branch target).
    fn starts_with_endbr(&self, offset: u32) -> bool {
        let offset = offset as usize;
        self.section(Section::Code)
            .get(offset..offset.saturating_add(4))
            == Some(&ENDBR64[..])
    }

    fn check_funcs(&self) -> Result<()> {
        if self.func_count() == NONE {
            return Err(ArtifactError::Section {
                section: Section::Funcs,
                problem: "too many functions",
            });
        }
        let starts_with_endbr = |offset: usize| self.starts_with_endbr(offset as u32);
        for (i, f) in self.funcs().iter().enumerate() {
            let err = |problem| {
                Err(ArtifactError::Entry {
                    section: Section::Funcs,
                    index: i as u32,
                    problem,
                })
            };
            // In bounds: `check_spans`.
            if f.code.len < 4 {
                return err("body shorter than endbr64");
            }
            if !starts_with_endbr(f.code.offset as usize) {
                return err("body does not start with endbr64");
            }
            if f.type_index as usize >= self.types().len() {
                return err("type index out of range");
            }
            if f.trampoline != NONE && !starts_with_endbr(f.trampoline as usize) {
                return err("trampoline outside the Code section or without endbr64");
            }
        }
        Ok(())
    }

    /// Number of globals (imported + defined).
    fn global_count(&self) -> u32 {
        self.imported(IMPORT_GLOBAL) + self.globals().len() as u32
    }

    fn check_exports(&self) -> Result<()> {
        let imported_funcs = self.imported(IMPORT_FUNC);
        // Counted once: per export it would make the check quadratic in hostile artifacts.
        let global_count = self.global_count();
        for (i, e) in self.exports().iter().enumerate() {
            let err = |problem| {
                Err(ArtifactError::Entry {
                    section: Section::Exports,
                    index: i as u32,
                    problem,
                })
            };
            // In bounds and disjoint from the other names: `check_spans`.
            if self.string(e.name).is_none() {
                return err("name is not UTF-8");
            }
            let ok = match e.kind {
                EXPORT_FUNC => match e.index.checked_sub(imported_funcs) {
                    // A defined function must be callable from the host.
                    Some(d) => self
                        .funcs()
                        .get(d as usize)
                        .is_some_and(|f| f.trampoline != NONE),
                    // Re-exported imports are resolved by the host directly.
                    None => true,
                },
                EXPORT_GLOBAL => e.index < global_count,
                EXPORT_MEMORY => e.index == 0 && self.header.has_memory == 1,
                EXPORT_TABLE => e.index == 0 && self.header.has_table == 1,
                _ => return err("unknown export kind"),
            };
            if !ok {
                return err("index out of range (or function without trampoline)");
            }
        }
        Ok(())
    }

    fn check_relocs(&self) -> Result<()> {
        let code_len = self.section(Section::Code).len() as u64;
        let mut next_free = 0u64;
        for (i, r) in self.relocs().iter().enumerate() {
            let err = |problem| {
                Err(ArtifactError::Entry {
                    section: Section::Relocs,
                    index: i as u32,
                    problem,
                })
            };
            let offset = u64::from(r.offset);
            if offset + 4 > code_len {
                return err("patch site outside the Code section");
            }
            if offset < next_free {
                return err("relocations unsorted or overlapping");
            }
            next_free = offset + 4;
            let ok = match r.kind {
                RELOC_CALL_IMPORT => self
                    .imports()
                    .get(r.target as usize)
                    .is_some_and(|imp| imp.kind == IMPORT_FUNC),
                RELOC_INDIRECT_THUNK => r.target < 16 && r.target != 4, // no thunk for rsp
                RELOC_CALL_HELPER => r.target < HELPER_COUNT,
                RELOC_TYPE_ID => (r.target as usize) < self.types().len(),
                RELOC_RETURN_THUNK => r.target == 0,
                _ => return err("unknown relocation kind"),
            };
            if !ok {
                return err("relocation target out of range");
            }
        }
        Ok(())
    }

    /// Checks an initialiser that reads an imported global: it must exist and have `valtype`.
    fn imported_global_ok(&self, import: u64, valtype: u32) -> bool {
        usize::try_from(import)
            .ok()
            .and_then(|i| self.imports().get(i))
            .is_some_and(|imp| imp.kind == IMPORT_GLOBAL && imp.desc & 0xff == valtype)
    }

    fn check_globals(&self) -> Result<()> {
        for (i, g) in self.globals().iter().enumerate() {
            let err = |problem| {
                Err(ArtifactError::Entry {
                    section: Section::Globals,
                    index: i as u32,
                    problem,
                })
            };
            if !valtype_ok(g.valtype) || g.mutable > 1 || g._reserved != 0 {
                return err("bad type or mutability");
            }
            match g.init_kind {
                INIT_CONST => {}
                INIT_GLOBAL_GET if self.imported_global_ok(g.value, g.valtype) => {}
                INIT_GLOBAL_GET => return err("initialiser reads a missing or mistyped import"),
                _ => return err("unknown initialiser kind"),
            }
        }
        Ok(())
    }

    fn check_segment_offset(
        &self,
        mode: u32,
        kind: u32,
        offset: u32,
    ) -> core::result::Result<(), &'static str> {
        if mode != SEGMENT_ACTIVE {
            return if kind == 0 && offset == 0 {
                Ok(())
            } else {
                Err("offset on a non-active segment")
            };
        }
        match kind {
            INIT_CONST => Ok(()),
            INIT_GLOBAL_GET if self.imported_global_ok(u64::from(offset), u32::from(VAL_I32)) => {
                Ok(())
            }
            _ => Err("bad offset initialiser"),
        }
    }

    /// Segments' modes and offsets (their bytes are in bounds: `check_spans`).
    fn check_data(&self) -> Result<()> {
        for (i, d) in self.data().iter().enumerate() {
            let err = |problem| {
                Err(ArtifactError::Entry {
                    section: Section::Data,
                    index: i as u32,
                    problem,
                })
            };
            if d.mode > SEGMENT_PASSIVE || d._reserved != 0 {
                return err("unknown mode");
            }
            if d.mode == SEGMENT_ACTIVE && self.header.has_memory == 0 {
                return err("active segment without a memory");
            }
            if let Err(p) = self.check_segment_offset(d.mode, d.offset_kind, d.offset) {
                return err(p);
            }
        }
        Ok(())
    }

    fn check_elems(&self) -> Result<()> {
        let funcs = self.entries::<FuncIndex>(Section::ElemFuncs);
        let func_count = self.func_count();
        for (i, e) in self.elems().iter().enumerate() {
            let err = |problem| {
                Err(ArtifactError::Entry {
                    section: Section::Elems,
                    index: i as u32,
                    problem,
                })
            };
            if e.mode > SEGMENT_DECLARED || e._reserved != 0 {
                return err("unknown mode");
            }
            if e.mode == SEGMENT_ACTIVE && self.header.has_table == 0 {
                return err("active segment without a table");
            }
            if let Err(p) = self.check_segment_offset(e.mode, e.offset_kind, e.offset) {
                return err(p);
            }
            // In bounds and disjoint from the other segments' (`check_spans`): the loop below
            // reads each index of the blob at most once over all segments.
            if e.funcs.offset % 4 != 0 || e.funcs.len % 4 != 0 {
                return err("function list misaligned");
            }
            let first = e.funcs.offset as usize / 4;
            for k in first..first + e.funcs.len as usize / 4 {
                let f = funcs.get(k).map_or(NONE, |v| v.0);
                if f != NONE && f >= func_count {
                    return err("function index out of range");
                }
            }
        }
        Ok(())
    }

    fn check_start(&self) -> Result<()> {
        let start = self.header.start_func;
        if start == NONE {
            return Ok(());
        }
        let imported = self.imported(IMPORT_FUNC);
        let type_index = if start < imported {
            self.import_of_kind(IMPORT_FUNC, start).map(|(_, i)| i.desc)
        } else {
            self.funcs()
                .get((start - imported) as usize)
                .map(|f| f.type_index)
        };
        let ty = type_index
            .and_then(|t| self.types().get(t as usize))
            .ok_or(ArtifactError::StartFunc("index out of range"))?;
        if ty.params != 0 || ty.results != 0 {
            return Err(ArtifactError::StartFunc("must take and return nothing"));
        }
        if start >= imported
            && self
                .funcs()
                .get((start - imported) as usize)
                .is_some_and(|f| f.trampoline == NONE)
        {
            return Err(ArtifactError::StartFunc("has no trampoline"));
        }
        Ok(())
    }
}

/// An entry of the ElemFuncs blob: a function index or `NONE` (null).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct FuncIndex(pub u32);

// SAFETY: a single u32, valid for any bits, no padding.
unsafe impl Entry for FuncIndex {}
