//! See `tests/real_programs.rs`. The guests are built for wasm32 by `cargo xtask guests`, which
//! passes their folder in `KWASM_GUESTS`.

use kwasm::executor::{Imports, Instance};
use std::path::PathBuf;

/// Compiles and instantiates guest `name` (a path below `KWASM_GUESTS`) with WASI's stdio.
pub fn instantiate(name: &str) -> Instance {
    let dir = std::env::var_os("KWASM_GUESTS")
        .expect("KWASM_GUESTS names the built guests: run `cargo xtask guests`");
    let path = PathBuf::from(dir).join(name);
    let wasm = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let artifact = kwasm_compiler::compile(&wasm, &Default::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut imports = Imports::default();
    kwasm::executor::wasi::add_to(&mut imports);
    Instance::new(&artifact, &imports).unwrap_or_else(|e| panic!("{name}: {e}"))
}
