//! Artifacts for the tests: a small valid one laid out the way the compiler lays one out, and
//! ways to change it. Each test crate uses part of this.
#![allow(dead_code)]

use kwasm_hooks::artifact::*;
use kwasm_kcore::artifact::{FuncIndex, ENDBR64};
use std::mem::size_of;

pub fn bytes_of<T: Entry>(items: &[T]) -> Vec<u8> {
    // SAFETY: `T: Entry` has no padding, so its bytes are initialised.
    items
        .iter()
        .flat_map(|t| {
            unsafe { std::slice::from_raw_parts((t as *const T).cast::<u8>(), size_of::<T>()) }
                .to_vec()
        })
        .collect()
}

/// A small but complete artifact, laid out the way the compiler lays one out.
#[derive(Clone)]
pub struct Builder {
    pub header: Header,
    pub sections: Vec<Vec<u8>>,
}

impl Builder {
    pub fn valid() -> Self {
        let mut code = Vec::new();
        for _ in 0..3 {
            code.extend_from_slice(&ENDBR64);
            code.extend_from_slice(&[0xe8, 0, 0, 0, 0, 0xc3, 0xcc, 0xcc]); // call rel32; ret
            code.extend_from_slice(&[0xcc; 4]);
        }
        // Every name its own span, in order (imports' module and name, then exports): spans
        // never share bytes.
        let strings = b"envprintenvmemrunmem".to_vec();
        let mut sections = vec![Vec::new(); SECTION_COUNT];
        sections[Section::Code as usize] = code;
        sections[Section::ValTypes as usize] = vec![VAL_I32, VAL_I32];
        sections[Section::Types as usize] = bytes_of(&[
            FuncType {
                offset: 0,
                params: 1,
                results: 1,
            },
            FuncType {
                offset: 2,
                params: 0,
                results: 0,
            },
        ]);
        sections[Section::Imports as usize] = bytes_of(&[
            Import {
                module: Span { offset: 0, len: 3 },
                name: Span { offset: 3, len: 5 },
                kind: IMPORT_FUNC,
                desc: 0,
                adapter: 16,
                _reserved: 0,
            },
            Import {
                module: Span { offset: 8, len: 3 },
                name: Span { offset: 11, len: 3 },
                kind: IMPORT_GLOBAL,
                desc: u32::from(VAL_I32),
                adapter: NONE,
                _reserved: 0,
            },
        ]);
        sections[Section::Funcs as usize] = bytes_of(&[
            Func {
                code: Span { offset: 0, len: 16 },
                type_index: 0,
                trampoline: 32,
            },
            Func {
                code: Span {
                    offset: 16,
                    len: 16,
                },
                type_index: 1,
                trampoline: NONE,
            },
        ]);
        sections[Section::Exports as usize] = bytes_of(&[
            Export {
                name: Span { offset: 14, len: 3 },
                kind: EXPORT_FUNC,
                index: 1,
            },
            Export {
                name: Span { offset: 17, len: 3 },
                kind: EXPORT_MEMORY,
                index: 0,
            },
        ]);
        sections[Section::Relocs as usize] = bytes_of(&[
            Reloc {
                offset: 5,
                kind: RELOC_CALL_IMPORT,
                target: 0,
            },
            Reloc {
                offset: 21,
                kind: RELOC_INDIRECT_THUNK,
                target: 11,
            },
            Reloc {
                offset: 37,
                kind: RELOC_CALL_HELPER,
                target: HELPER_MEMORY_GROW,
            },
        ]);
        sections[Section::Globals as usize] = bytes_of(&[
            Global {
                valtype: u32::from(VAL_I64),
                mutable: 1,
                init_kind: INIT_CONST,
                _reserved: 0,
                value: 7,
            },
            Global {
                valtype: u32::from(VAL_I32),
                mutable: 0,
                init_kind: INIT_GLOBAL_GET,
                _reserved: 0,
                value: 1,
            },
        ]);
        sections[Section::Data as usize] = bytes_of(&[DataSegment {
            mode: SEGMENT_ACTIVE,
            offset_kind: INIT_CONST,
            offset: 16,
            _reserved: 0,
            bytes: Span { offset: 0, len: 5 },
        }]);
        sections[Section::DataBytes as usize] = b"hello".to_vec();
        sections[Section::Elems as usize] = bytes_of(&[ElemSegment {
            mode: SEGMENT_ACTIVE,
            offset_kind: INIT_CONST,
            offset: 0,
            _reserved: 0,
            funcs: Span { offset: 0, len: 8 },
        }]);
        sections[Section::ElemFuncs as usize] = bytes_of(&[FuncIndex(1), FuncIndex(NONE)]);
        sections[Section::Strings as usize] = strings;
        let header = Header {
            magic: MAGIC,
            version: ARTIFACT_VERSION,
            header_size: size_of::<Header>() as u32,
            flags: 0,
            cpu_features: CPU_POPCNT,
            total_size: 0,
            has_memory: 1,
            memory_min: 1,
            memory_max: 2,
            has_table: 1,
            table_min: 2,
            table_max: NONE,
            start_func: NONE,
            min_stack: 4096,
            sections: [Span::default(); SECTION_COUNT],
        };
        Builder { header, sections }
    }

    /// Lays the sections out after the header, 8-byte aligned, and fills in the spans.
    pub fn build_header(&self) -> (Header, Vec<u8>) {
        let mut header = self.header;
        let mut body = vec![0u8; size_of::<Header>()];
        for (i, s) in self.sections.iter().enumerate() {
            while !body.len().is_multiple_of(8) {
                body.push(0);
            }
            header.sections[i] = if s.is_empty() {
                Span::default()
            } else {
                Span {
                    offset: body.len() as u32,
                    len: s.len() as u32,
                }
            };
            body.extend_from_slice(s);
        }
        header.total_size = body.len() as u64;
        (header, body)
    }

    pub fn build(&self) -> Vec<u8> {
        let (header, body) = self.build_header();
        with_header(body, header)
    }

    pub fn edit<T: Entry>(mut self, s: Section, index: usize, f: impl FnOnce(&mut T)) -> Self {
        let bytes = &mut self.sections[s as usize];
        let at = index * size_of::<T>();
        // SAFETY: the chunk holds a whole `T`, which is valid for any bits.
        let mut value: T = unsafe {
            bytes[at..at + size_of::<T>()]
                .as_ptr()
                .cast::<T>()
                .read_unaligned()
        };
        f(&mut value);
        bytes[at..at + size_of::<T>()].copy_from_slice(&bytes_of(&[value]));
        self
    }
}

pub fn with_header(mut body: Vec<u8>, header: Header) -> Vec<u8> {
    body[..size_of::<Header>()].copy_from_slice(&bytes_of(&[header]));
    body
}
