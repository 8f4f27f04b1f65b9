//! An export's signature read from the module itself, so that a run in the kernel (which
//! returns untyped 8-byte slots) types its arguments and results as the userspace executor
//! does.

use kwasm::hooks::artifact::{VAL_F32, VAL_F64, VAL_I32, VAL_I64};
use wasmparser::{CompositeInnerType, ExternalKind, Parser, Payload, TypeRef, ValType};

/// Parameter and result types (`VAL_*` codes) of an exported function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub params: Vec<u8>,
    pub results: Vec<u8>,
}

/// The signature of export `name` of `wasm`; `None` if the module does not parse (the kernel
/// will say why), has no such function export, or uses types a test run cannot pass.
pub fn export_signature(wasm: &[u8], name: &str) -> Option<Signature> {
    let mut types: Vec<Option<Signature>> = Vec::new();
    let mut funcs: Vec<u32> = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.ok()? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    types.extend(group.ok()?.into_types().map(
                        |sub| match &sub.composite_type.inner {
                            CompositeInnerType::Func(ft) => Some(Signature {
                                params: codes(ft.params())?,
                                results: codes(ft.results())?,
                            }),
                            _ => None,
                        },
                    ));
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if let TypeRef::Func(t) = import.ok()?.ty {
                        funcs.push(t);
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    funcs.push(t.ok()?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.ok()?;
                    if export.name == name && export.kind == ExternalKind::Func {
                        let ty = *funcs.get(export.index as usize)?;
                        return types.get(ty as usize)?.clone();
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn codes(types: &[ValType]) -> Option<Vec<u8>> {
    types
        .iter()
        .map(|t| match t {
            ValType::I32 => Some(VAL_I32),
            ValType::I64 => Some(VAL_I64),
            ValType::F32 => Some(VAL_F32),
            ValType::F64 => Some(VAL_F64),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exports_past_imports() {
        let wasm = wat::parse_str(
            r#"(module
                (import "env" "f" (func (param i32)))
                (func (export "hyp") (param f64 f64) (result f64) (local.get 0))
                (func (export "pair") (param i64) (result i32 f32)
                    (i32.const 0) (f32.const 0)))"#,
        )
        .unwrap();
        let hyp = export_signature(&wasm, "hyp").unwrap();
        assert_eq!((hyp.params, hyp.results), (vec![VAL_F64; 2], vec![VAL_F64]));
        let pair = export_signature(&wasm, "pair").unwrap();
        assert_eq!(pair.params, [VAL_I64]);
        assert_eq!(pair.results, [VAL_I32, VAL_F32]);
        assert_eq!(export_signature(&wasm, "missing"), None);
        assert_eq!(export_signature(b"\0asm\x01\0\0\0\x01\x05", "hyp"), None);
    }
}
