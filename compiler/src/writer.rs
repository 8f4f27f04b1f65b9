//! Writes the artifact (format: `kwasm_hooks::artifact`) from the compiled code and the module.

use crate::module::{Init, ModuleInfo, Ty};
use crate::prelude::*;
use core::mem::size_of;
use kwasm_hooks::artifact::*;

fn bytes_of<T: Entry>(items: &[T]) -> Vec<u8> {
    let mut out = Vec::with_capacity(core::mem::size_of_val(items));
    for item in items {
        // SAFETY: `T: Entry` is repr(C) without padding, so all its bytes are initialised.
        let bytes =
            unsafe { core::slice::from_raw_parts((item as *const T).cast::<u8>(), size_of::<T>()) };
        out.extend_from_slice(bytes);
    }
    out
}

/// The code half of an artifact, as the code generator produced it.
pub struct CompiledCode {
    pub code: Vec<u8>,
    /// Per import: the adapter's offset (NONE for non-functions).
    pub import_adapters: Vec<u32>,
    /// Per defined function: body span and trampoline offset (or NONE).
    pub funcs: Vec<(Span, u32)>,
    pub relocs: Vec<Reloc>,
    pub flags: u32,
    pub cpu_features: u64,
    pub min_stack: u32,
}

/// The string blob. Every name gets bytes of its own, appended in the order the artifact lists
/// the spans (imports' module and name, then exports): the format forbids spans that share
/// bytes, which keeps validation and load linear (`kwasm_hooks::artifact`). Deduplicating
/// names (every import from `env`) would break that rule.
#[derive(Default)]
struct Strings(Vec<u8>);

impl Strings {
    fn add(&mut self, s: &str) -> Span {
        let span = Span {
            offset: self.0.len() as u32,
            len: s.len() as u32,
        };
        self.0.extend_from_slice(s.as_bytes());
        span
    }
}

fn segment_offset(init: Init, module: &ModuleInfo) -> (u32, u32) {
    match init {
        Init::Const(v) => (INIT_CONST, v as u32),
        Init::Global(g) => (
            INIT_GLOBAL_GET,
            module.globals[g as usize].import.unwrap_or(NONE),
        ),
        Init::Func(_) => (INIT_CONST, 0),
    }
}

/// Lays out the artifact: header, then the sections 8-byte aligned in table order.
pub fn write(module: &ModuleInfo, code: CompiledCode) -> Vec<u8> {
    let mut strings = Strings::default();
    let mut valtypes = Vec::new();
    let mut types = Vec::new();
    for sig in &module.types {
        let offset = valtypes.len() as u32;
        valtypes.extend(sig.params.iter().chain(&sig.results).map(|t| t.code()));
        types.push(FuncType {
            offset,
            params: sig.params.len() as u16,
            results: sig.results.len() as u16,
        });
    }
    let imports: Vec<Import> = module
        .imports
        .iter()
        .zip(&code.import_adapters)
        .map(|(i, &adapter)| Import {
            module: strings.add(&i.module),
            name: strings.add(&i.name),
            kind: i.kind,
            desc: if i.kind == IMPORT_FUNC {
                module.canonical[i.desc as usize]
            } else {
                i.desc
            },
            adapter,
            _reserved: 0,
        })
        .collect();
    let funcs: Vec<Func> = code
        .funcs
        .iter()
        .enumerate()
        .map(|(i, (span, trampoline))| Func {
            code: *span,
            type_index: module.canonical[module.funcs[module.imported_funcs as usize + i] as usize],
            trampoline: *trampoline,
        })
        .collect();
    let exports: Vec<Export> = module
        .exports
        .iter()
        .map(|(name, kind, index)| Export {
            name: strings.add(name),
            kind: *kind,
            index: *index,
        })
        .collect();
    let globals: Vec<Global> = module
        .globals
        .iter()
        .filter(|g| g.import.is_none())
        .map(|g| {
            let (init_kind, value) = match g.init {
                Some(Init::Global(i)) => (
                    INIT_GLOBAL_GET,
                    u64::from(module.globals[i as usize].import.unwrap_or(NONE)),
                ),
                Some(Init::Const(v)) => (INIT_CONST, v),
                Some(Init::Func(_)) | None => (INIT_CONST, 0),
            };
            Global {
                valtype: u32::from(g.ty.code()),
                mutable: u32::from(g.mutable),
                init_kind,
                _reserved: 0,
                value,
            }
        })
        .collect();
    let mut data_bytes = Vec::new();
    let data: Vec<DataSegment> = module
        .data
        .iter()
        .map(|d| {
            let (offset_kind, offset) = if d.mode == SEGMENT_ACTIVE {
                segment_offset(d.offset, module)
            } else {
                (0, 0)
            };
            let bytes = Span {
                offset: data_bytes.len() as u32,
                len: d.bytes.len() as u32,
            };
            data_bytes.extend_from_slice(&d.bytes);
            DataSegment {
                mode: d.mode,
                offset_kind,
                offset,
                _reserved: 0,
                bytes,
            }
        })
        .collect();
    let mut elem_funcs = Vec::new();
    let elems: Vec<ElemSegment> = module
        .elems
        .iter()
        .map(|e| {
            let (offset_kind, offset) = if e.mode == SEGMENT_ACTIVE {
                segment_offset(e.offset, module)
            } else {
                (0, 0)
            };
            let funcs = Span {
                offset: elem_funcs.len() as u32,
                len: e.bytes.len() as u32,
            };
            elem_funcs.extend_from_slice(&e.bytes);
            ElemSegment {
                mode: e.mode,
                offset_kind,
                offset,
                _reserved: 0,
                funcs,
            }
        })
        .collect();

    let mut sections = vec![Vec::new(); SECTION_COUNT];
    sections[Section::Code as usize] = code.code;
    sections[Section::Types as usize] = bytes_of(&types);
    sections[Section::ValTypes as usize] = valtypes;
    sections[Section::Imports as usize] = bytes_of(&imports);
    sections[Section::Funcs as usize] = bytes_of(&funcs);
    sections[Section::Exports as usize] = bytes_of(&exports);
    sections[Section::Relocs as usize] = bytes_of(&code.relocs);
    sections[Section::Globals as usize] = bytes_of(&globals);
    sections[Section::Data as usize] = bytes_of(&data);
    sections[Section::DataBytes as usize] = data_bytes;
    sections[Section::Elems as usize] = bytes_of(&elems);
    sections[Section::ElemFuncs as usize] = elem_funcs;
    sections[Section::Strings as usize] = strings.0;

    let (memory_min, memory_max) = module
        .memory
        .map_or((0, 0), |m| (m.min, m.max.unwrap_or(NONE)));
    let (table_min, table_max) = module
        .table
        .map_or((0, 0), |t| (t.min, t.max.unwrap_or(NONE)));
    let mut header = Header {
        magic: MAGIC,
        version: ARTIFACT_VERSION,
        header_size: size_of::<Header>() as u32,
        flags: code.flags,
        cpu_features: code.cpu_features,
        total_size: 0,
        has_memory: u32::from(module.memory.is_some()),
        memory_min,
        memory_max,
        has_table: u32::from(module.table.is_some()),
        table_min,
        table_max,
        start_func: module.start.unwrap_or(NONE),
        min_stack: code.min_stack,
        sections: [Span::default(); SECTION_COUNT],
    };
    let mut out = vec![0u8; size_of::<Header>()];
    for (i, s) in sections.iter().enumerate() {
        if s.is_empty() {
            continue;
        }
        while !out.len().is_multiple_of(8) {
            out.push(0);
        }
        header.sections[i] = Span {
            offset: out.len() as u32,
            len: s.len() as u32,
        };
        out.extend_from_slice(s);
    }
    header.total_size = out.len() as u64;
    out[..size_of::<Header>()].copy_from_slice(&bytes_of(&[header]));
    out
}

/// Value-type code of a global import's descriptor.
pub fn global_desc(ty: Ty, mutable: bool) -> u32 {
    u32::from(ty.code()) | (u32::from(mutable) << 8)
}
