//! Compile budgets: the code size limit (`Options::max_code_bytes`) and the progress callback
//! of `compile_with`.

use kwasm_compiler::{compile, compile_with, CompileError, Options};
use kwasm_hooks::artifact::Section;
use kwasm_kcore::artifact::Artifact;

const MODULE: &str = r#"(module
    (import "env" "h" (func $h (param i32)))
    (memory 1)
    (func $a (export "a") (param i32) (result i32)
      (i32.add (local.get 0) (i32.load (local.get 0))))
    (func $b (export "b") (param i32)
      (call $h (call $a (local.get 0))))
    (func $c (loop $l (br_if $l (i32.const 0)))))"#;

fn code_len(artifact: &[u8]) -> usize {
    Artifact::parse(artifact)
        .unwrap()
        .section(Section::Code)
        .len()
}

fn with_budget(max_code_bytes: usize) -> Options {
    Options {
        max_code_bytes,
        ..Default::default()
    }
}

fn is_budget_error(e: &CompileError) -> bool {
    e.message.contains("code size budget exceeded")
}

#[test]
fn code_size_budget_is_exact() {
    let wasm = wat::parse_str(MODULE).unwrap();
    let full = compile(&wasm, &Options::default()).unwrap();
    let len = code_len(&full);
    // Exactly enough: the same artifact.
    assert_eq!(compile(&wasm, &with_budget(len)).unwrap(), full);
    // One byte short (the last bytes are the trap stubs, after every function).
    let e = compile(&wasm, &with_budget(len - 1)).unwrap_err();
    assert!(is_budget_error(&e), "{e}");
    // Short inside a function body: the error names it.
    let e = compile(&wasm, &with_budget(40)).unwrap_err();
    assert!(is_budget_error(&e), "{e}");
    assert_eq!(e.func, Some(1));
    assert!(e.offset > 0);
    let e = compile(&wasm, &with_budget(0)).unwrap_err();
    assert!(is_budget_error(&e), "{e}");
}

#[test]
fn progress_sees_every_defined_function_and_can_abort() {
    let wasm = wat::parse_str(MODULE).unwrap();
    let mut seen = Vec::new();
    let art = compile_with(&wasm, &Options::default(), &mut |f| {
        seen.push(f);
        Ok(())
    })
    .unwrap();
    // Function 0 is the import.
    assert_eq!(seen, [1, 2, 3]);
    assert_eq!(art, compile(&wasm, &Options::default()).unwrap());

    let mut calls = 0;
    let e = compile_with(&wasm, &Options::default(), &mut |f| {
        calls += 1;
        if f == 2 {
            Err(CompileError::new(0, "interrupted"))
        } else {
            Ok(())
        }
    })
    .unwrap_err();
    assert_eq!(e, CompileError::new(0, "interrupted"));
    assert_eq!(calls, 2);
}
