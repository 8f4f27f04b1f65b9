//! Parse: every section but the code, validated (the long ones a chunk at a time, with progress
//! calls between chunks) and read into [`ModuleInfo`]. `lib.rs` compiles the code section.

use crate::module::{const_init, Global, Import, Init, Limits, ModuleInfo, Segment, Sig, Ty};
use crate::prelude::*;
use crate::{features, writer, CompileError, Progress, Result, ITEMS_PER_PROGRESS};
use kwasm_hooks::artifact as art;
use wasmparser::{
    BinaryReader, CompositeInnerType, DataKind, ElementItems, ElementKind, ExternalKind,
    FromReader, Payload, SectionLimited, TypeRef, ValidPayload, Validator,
};

/// Validates one payload. Sections whose validation adds up item by item are validated a chunk
/// at a time, with a progress call between chunks: wasmparser validates a whole section in one
/// call (160,000 types took 250 ms of a release build, 1 s of a debug one).
pub fn validate<'a>(
    validator: &mut Validator,
    wasm: &'a [u8],
    payload: &Payload<'a>,
    progress: &mut Progress<'_>,
) -> Result<ValidPayload<'a>> {
    // Sections whose validation adds up item by item are validated a chunk at a time,
    // with a progress call between chunks: wasmparser validates a whole section in one
    // call (160,000 types took 250 ms of a release build, 1 s of a debug one).
    Ok(match payload {
        Payload::TypeSection(s) => {
            validate_in_chunks(validator, wasm, s, progress, Validator::type_section)?
        }
        Payload::ImportSection(s) => {
            validate_in_chunks(validator, wasm, s, progress, Validator::import_section)?
        }
        Payload::FunctionSection(s) => {
            validate_in_chunks(validator, wasm, s, progress, Validator::function_section)?
        }
        Payload::GlobalSection(s) => {
            validate_in_chunks(validator, wasm, s, progress, Validator::global_section)?
        }
        Payload::ExportSection(s) => {
            validate_in_chunks(validator, wasm, s, progress, Validator::export_section)?
        }
        Payload::ElementSection(s) => {
            validate_in_chunks(validator, wasm, s, progress, Validator::element_section)?
        }
        _ => validator.payload(payload)?,
    })
}

/// Reads a section other than the code into `module`.
pub fn read(
    module: &mut ModuleInfo,
    payload: Payload<'_>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    match payload {
        Payload::TypeSection(reader) => read_types(module, reader, progress)?,
        Payload::ImportSection(reader) => read_imports(module, reader, progress)?,
        Payload::FunctionSection(reader) => read_functions(module, reader, progress)?,
        Payload::TableSection(reader) => read_tables(module, reader, progress)?,
        Payload::MemorySection(reader) => read_memories(module, reader, progress)?,
        Payload::GlobalSection(reader) => read_globals(module, reader, progress)?,
        Payload::ExportSection(reader) => read_exports(module, reader, progress)?,
        Payload::StartSection { func, .. } => module.start = Some(func),
        Payload::ElementSection(reader) => read_elements(module, reader, progress)?,
        Payload::DataSection(reader) => read_data(module, reader, progress)?,
        _ => {}
    }
    Ok(())
}

fn read_types(
    module: &mut ModuleInfo,
    reader: wasmparser::TypeSectionReader<'_>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for group in reader {
        let group = group?;
        for sub in group.into_types() {
            progress.item()?;
            let CompositeInnerType::Func(ft) = &sub.composite_type.inner else {
                return Err(CompileError::new(0, "only function types are supported"));
            };
            let params = ft
                .params()
                .iter()
                .map(|t| Ty::from_wasm(*t, 0))
                .collect::<Result<_>>()?;
            let results = ft
                .results()
                .iter()
                .map(|t| Ty::from_wasm(*t, 0))
                .collect::<Result<_>>()?;
            module.add_type(Sig { params, results });
        }
    }
    Ok(())
}

fn read_imports(
    module: &mut ModuleInfo,
    reader: wasmparser::ImportSectionReader<'_>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for import in reader.into_imports() {
        progress.item()?;
        let import = import?;
        let index = module.imports.len() as u32;
        let (kind, desc) = match import.ty {
            TypeRef::Func(t) => {
                module.func_import.push(index);
                module.funcs.push(t);
                module.imported_funcs += 1;
                (art::IMPORT_FUNC, t)
            }
            TypeRef::Global(g) => {
                let ty = Ty::from_wasm(g.content_type, 0)?;
                module.globals.push(Global {
                    ty,
                    mutable: g.mutable,
                    init: None,
                    import: Some(index),
                });
                (art::IMPORT_GLOBAL, writer::global_desc(ty, g.mutable))
            }
            TypeRef::Memory(mt) => {
                module.memory = Some(Limits::of_memory(&mt));
                (art::IMPORT_MEMORY, 0)
            }
            TypeRef::Table(tt) => {
                module.table = Some(Limits::of_table(&tt));
                (art::IMPORT_TABLE, 0)
            }
            _ => return Err(CompileError::new(0, "unsupported import kind")),
        };
        module.imports.push(Import {
            module: import.module.to_string(),
            name: import.name.to_string(),
            kind,
            desc,
        });
        progress.reached = module.imported_funcs;
    }
    Ok(())
}

fn read_functions(
    module: &mut ModuleInfo,
    reader: wasmparser::FunctionSectionReader<'_>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for t in reader {
        progress.item()?;
        module.funcs.push(t?);
    }
    Ok(())
}

fn read_tables(
    module: &mut ModuleInfo,
    reader: wasmparser::TableSectionReader<'_>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for table in reader {
        progress.item()?;
        module.table = Some(Limits::of_table(&table?.ty));
    }
    Ok(())
}

fn read_memories(
    module: &mut ModuleInfo,
    reader: wasmparser::MemorySectionReader<'_>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for mem in reader {
        progress.item()?;
        module.memory = Some(Limits::of_memory(&mem?));
    }
    Ok(())
}

fn read_globals(
    module: &mut ModuleInfo,
    reader: wasmparser::GlobalSectionReader<'_>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for global in reader {
        progress.item()?;
        let g = global?;
        let ty = Ty::from_wasm(g.ty.content_type, 0)?;
        module.globals.push(Global {
            ty,
            mutable: g.ty.mutable,
            init: Some(const_init(&g.init_expr)?),
            import: None,
        });
    }
    Ok(())
}

fn read_exports(
    module: &mut ModuleInfo,
    reader: wasmparser::ExportSectionReader<'_>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for export in reader {
        progress.item()?;
        let e = export?;
        let kind = match e.kind {
            ExternalKind::Func => art::EXPORT_FUNC,
            ExternalKind::Global => art::EXPORT_GLOBAL,
            ExternalKind::Memory => art::EXPORT_MEMORY,
            ExternalKind::Table => art::EXPORT_TABLE,
            _ => return Err(CompileError::new(0, "unsupported export kind")),
        };
        module.exports.push((e.name.to_string(), kind, e.index));
    }
    Ok(())
}

fn read_elements(
    module: &mut ModuleInfo,
    reader: wasmparser::ElementSectionReader<'_>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for elem in reader {
        progress.item()?;
        let elem = elem?;
        let (mode, offset) = match elem.kind {
            ElementKind::Active { offset_expr, .. } => {
                (art::SEGMENT_ACTIVE, const_init(&offset_expr)?)
            }
            ElementKind::Passive => (art::SEGMENT_PASSIVE, Init::Const(0)),
            ElementKind::Declared => (art::SEGMENT_DECLARED, Init::Const(0)),
        };
        let mut bytes = Vec::new();
        match elem.items {
            ElementItems::Functions(funcs) => {
                for f in funcs {
                    progress.item()?;
                    bytes.extend_from_slice(&f?.to_le_bytes());
                }
            }
            ElementItems::Expressions(_, exprs) => {
                for e in exprs {
                    progress.item()?;
                    let f = match const_init(&e?)? {
                        Init::Func(f) => f,
                        _ => return Err(CompileError::new(0, "unsupported element expression")),
                    };
                    bytes.extend_from_slice(&f.to_le_bytes());
                }
            }
        }
        module.elems.push(Segment {
            mode,
            offset,
            bytes,
        });
    }
    Ok(())
}

fn read_data(
    module: &mut ModuleInfo,
    reader: wasmparser::DataSectionReader<'_>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for data in reader {
        progress.item()?;
        let d = data?;
        let (mode, offset) = match d.kind {
            DataKind::Active { offset_expr, .. } => {
                (art::SEGMENT_ACTIVE, const_init(&offset_expr)?)
            }
            DataKind::Passive => (art::SEGMENT_PASSIVE, Init::Const(0)),
        };
        module.data.push(Segment {
            mode,
            offset,
            bytes: d.data.to_vec(),
        });
    }
    Ok(())
}

/// Validates `section` (of `wasm`) [`ITEMS_PER_PROGRESS`] items at a time with `validate`,
/// calling `progress` after each chunk. Only for sections whose validation is cumulative (each
/// call checks its items against what the earlier ones added, and the item limits against the
/// running totals): types, imports, functions, globals, exports, elements; the parser has
/// checked the section order and checks the counts against other sections itself.
fn validate_in_chunks<'a, T: FromReader<'a>>(
    validator: &mut Validator,
    wasm: &'a [u8],
    section: &SectionLimited<'a, T>,
    progress: &mut Progress<'_>,
    validate: fn(&mut Validator, &SectionLimited<'_, T>) -> wasmparser::Result<()>,
) -> Result<ValidPayload<'a>> {
    if section.count() <= ITEMS_PER_PROGRESS {
        validate(validator, section)?;
        return Ok(ValidPayload::Ok);
    }
    let range = section.range();
    let data = wasm
        .get(range.start as usize..range.end as usize)
        .ok_or_else(|| CompileError::new(range.start, "section outside the module"))?;
    let mut reader = BinaryReader::new_features(data, range.start, features::enabled());
    let mut left = reader.read_var_u32()?;
    let mut chunk = Vec::new();
    while left > 0 {
        let n = left.min(ITEMS_PER_PROGRESS);
        let start = reader.original_position();
        for _ in 0..n {
            reader.read::<T>()?;
        }
        let end = reader.original_position();
        // The chunk as a section of its own: its count, then its items' bytes, positioned so
        // that the items keep their offsets in the module.
        chunk.clear();
        let mut count = n;
        loop {
            let byte = (count & 0x7f) as u8;
            count >>= 7;
            chunk.push(if count == 0 { byte } else { byte | 0x80 });
            if count == 0 {
                break;
            }
        }
        let prefix = chunk.len() as u64;
        chunk.extend_from_slice(&wasm[start as usize..end as usize]);
        let items = SectionLimited::new(BinaryReader::new_features(
            &chunk,
            start.saturating_sub(prefix),
            features::enabled(),
        ))?;
        validate(validator, &items)?;
        left -= n;
        progress.call()?;
    }
    if !reader.eof() {
        return Err(CompileError::new(
            reader.original_position(),
            "section size mismatch: unexpected data at the end of the section",
        ));
    }
    Ok(ValidPayload::Ok)
}
