//! Building the example guests with `cargo xtask guest` and reading what the built modules
//! declare, import and export.

#![allow(dead_code)] // each test file uses part of it

pub mod host;
pub mod packets;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use wasmparser::{ExternalKind, Parser, Payload, TypeRef, ValType};

pub const PORT_FILTER: &str = "examples/port-filter/guest";
pub const PACKET_COUNTER: &str = "examples/packet-counter/guest";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What the design's wasm32 recipe needs (as `xtask/src/guest.rs` checks it): Debian's rustc
/// with its core sources and wasm-ld-14. `Err` names what is missing.
fn toolchain() -> Result<(), String> {
    let core = Path::new("/usr/lib/rustlib/src/rust/library/core");
    if !Path::new("/usr/bin/rustc").is_file() || !core.is_dir() {
        return Err("Debian's rustc (rustc-web) with rust-web-src".into());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    if !std::env::split_paths(&path).any(|d| d.join("wasm-ld-14").is_file()) {
        return Err("wasm-ld-14 (lld-14)".into());
    }
    Ok(())
}

/// The `.wasm` of the guest crate in `dir` (relative to the repository), built by
/// `cargo xtask guest`; `None` (after saying why) when the wasm32 toolchain is absent.
pub fn build(dir: &str) -> Option<Vec<u8>> {
    // Tests run in parallel threads: one cargo at a time (they share the guest target dir).
    static BUILDS: Mutex<()> = Mutex::new(());
    if let Err(missing) = toolchain() {
        eprintln!(
            "SKIPPED: the wasm32 guest toolchain is absent ({missing}): run `cargo xtask setup`"
        );
        return None;
    }
    let _one = BUILDS.lock().unwrap_or_else(|e| e.into_inner());
    let out = Command::new(env!("CARGO"))
        .current_dir(repo())
        .args(["xtask", "guest", dir])
        .output()
        .expect("cannot run cargo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "cargo xtask guest {dir} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = stdout.lines().last().expect("xtask printed no path").trim();
    Some(std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

/// One import: module, name and (for functions) the signature as `VAL_*` codes.
#[derive(Debug)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub func: Option<(Vec<u8>, Vec<u8>)>,
}

/// The parts of a module the kernel's netfilter loader cares about.
#[derive(Debug, Default)]
pub struct ModuleInfo {
    pub maps_section: Option<Vec<u8>>,
    pub imports: Vec<Import>,
    /// Exported functions' signatures by name.
    pub func_exports: HashMap<String, (Vec<u8>, Vec<u8>)>,
    /// Exported globals by name: (type, mutable, `i32.const` initial value if it is one).
    pub global_exports: HashMap<String, (ValType, bool, Option<i32>)>,
    /// Initial pages of the memory (defined or imported).
    pub memory_pages: Option<u64>,
}

fn code(t: &ValType) -> u8 {
    match t {
        ValType::I32 => kwasm_hooks::artifact::VAL_I32,
        ValType::I64 => kwasm_hooks::artifact::VAL_I64,
        _ => 0,
    }
}

/// Reads `wasm` (already validated by the compiler).
pub fn inspect(wasm: &[u8]) -> ModuleInfo {
    let mut info = ModuleInfo::default();
    let mut types = Vec::new();
    let mut funcs = Vec::new(); // type index of every function, imports first
    let mut globals = Vec::new(); // (type, mutable, init), imports first
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.expect("parse") {
            Payload::TypeSection(r) => {
                for t in r.into_iter_err_on_gc_types() {
                    let f = t.expect("type");
                    let sig = |v: &[ValType]| v.iter().map(code).collect::<Vec<u8>>();
                    types.push((sig(f.params()), sig(f.results())));
                }
            }
            Payload::ImportSection(r) => {
                for i in r.into_imports() {
                    let i = i.expect("import");
                    let func = match i.ty {
                        TypeRef::Func(t) => {
                            funcs.push(t);
                            Some(types[t as usize].clone())
                        }
                        TypeRef::Global(g) => {
                            globals.push((g.content_type, g.mutable, None));
                            None
                        }
                        TypeRef::Memory(m) => {
                            info.memory_pages = Some(m.initial);
                            None
                        }
                        _ => None,
                    };
                    info.imports.push(Import {
                        module: i.module.into(),
                        name: i.name.into(),
                        func,
                    });
                }
            }
            Payload::FunctionSection(r) => funcs.extend(r.into_iter().map(|t| t.expect("func"))),
            Payload::MemorySection(r) => {
                for m in r {
                    info.memory_pages = Some(m.expect("memory").initial);
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    let g = g.expect("global");
                    let mut ops = g.init_expr.get_operators_reader();
                    let init = match ops.read() {
                        Ok(wasmparser::Operator::I32Const { value }) => Some(value),
                        _ => None,
                    };
                    globals.push((g.ty.content_type, g.ty.mutable, init));
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.expect("export");
                    exports.push((e.name.to_string(), e.kind, e.index));
                }
            }
            Payload::CustomSection(c) if c.name() == kwasm_hooks::map::MAPS_SECTION => {
                assert!(info.maps_section.is_none(), "two kwasm.maps sections");
                info.maps_section = Some(c.data().to_vec());
            }
            _ => {}
        }
    }
    for (name, kind, index) in exports {
        match kind {
            ExternalKind::Func => {
                let sig = types[funcs[index as usize] as usize].clone();
                info.func_exports.insert(name, sig);
            }
            ExternalKind::Global => {
                info.global_exports.insert(name, globals[index as usize]);
            }
            _ => {}
        }
    }
    info
}
