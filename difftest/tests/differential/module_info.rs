//! What the comparison needs to know of a module: its exports and their types.

use wasmparser::{ExternalKind, Parser, Payload, TypeRef, ValType, Validator};

pub struct ExportedFunc {
    pub name: String,
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

#[derive(Default)]
pub struct ModuleInfo {
    pub funcs: Vec<ExportedFunc>,
    pub globals: Vec<String>,
    pub memory: Option<String>,
}

/// Validates `wasm` with exactly the features kwasm compiles.
pub fn validate(wasm: &[u8]) -> Result<(), String> {
    Validator::new_with_features(kwasm_compiler::features::enabled())
        .validate_all(wasm)
        .map(drop)
        .map_err(|e| e.to_string())
}

impl ModuleInfo {
    /// Reads the exports of a valid module.
    pub fn parse(wasm: &[u8]) -> ModuleInfo {
        let mut types = Vec::new();
        let mut func_types = Vec::new();
        let mut info = ModuleInfo::default();
        let mut exports = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.expect("a valid module") {
                Payload::TypeSection(r) => {
                    for ty in r.into_iter_err_on_gc_types() {
                        let ty = ty.expect("a valid module");
                        types.push((ty.params().to_vec(), ty.results().to_vec()));
                    }
                }
                Payload::ImportSection(r) => {
                    for import in r.into_imports() {
                        if let TypeRef::Func(t) = import.expect("a valid module").ty {
                            func_types.push(t);
                        }
                    }
                }
                Payload::FunctionSection(r) => {
                    func_types.extend(r.into_iter().map(|t| t.expect("a valid module")));
                }
                Payload::ExportSection(r) => {
                    exports.extend(r.into_iter().map(|e| e.expect("a valid module")));
                }
                _ => {}
            }
        }
        for e in exports {
            let name = e.name.to_string();
            match e.kind {
                ExternalKind::Func => {
                    let (params, results) = types[func_types[e.index as usize] as usize].clone();
                    info.funcs.push(ExportedFunc {
                        name,
                        params,
                        results,
                    });
                }
                ExternalKind::Global => info.globals.push(name),
                ExternalKind::Memory => info.memory = Some(name),
                _ => {}
            }
        }
        info
    }
}
