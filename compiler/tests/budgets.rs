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

/// Deeply nested blocks that each carry `values` i64 results, every level with an i32 below
/// its block so that branches out of it move values; the innermost ends in a br_table with
/// `cases` cases cycling over every level and the function itself, then `br_ifs` br_ifs to
/// the outermost block.
fn nested_branches(depth: usize, values: usize, cases: usize, br_ifs: usize) -> Vec<u8> {
    let results = " i64".repeat(values);
    let mut w = format!(
        "(module (type $r (func (result{results})))
           (func (export \"f\") (param i32) (result{results})\n"
    );
    for _ in 0..depth {
        w.push_str("(block (type $r) i32.const 0\n");
    }
    w.push_str(&"i64.const 1 ".repeat(values));
    w.push_str(&format!("local.get 0 br_if {} ", depth - 1).repeat(br_ifs));
    w.push_str("local.get 0 br_table");
    for i in 0..cases {
        w.push_str(&format!(" {}", i % (depth + 1)));
    }
    w.push_str(" 0)\n");
    for _ in 1..depth {
        // Each outer level: the inner block's results over this level's i32, branched out with.
        w.push_str("br 0)\n");
    }
    w.push_str("))");
    wat::parse_str(&w).unwrap()
}

fn code_size(wasm: &[u8]) -> usize {
    code_len(&compile(wasm, &Options::default()).unwrap())
}

#[test]
fn br_table_code_grows_with_cases_not_cases_times_values() {
    let (depth, values) = (16, 32);
    let base = code_size(&nested_branches(depth, values, 0, 0));
    let small = code_size(&nested_branches(depth, values, 256, 0));
    let large = code_size(&nested_branches(depth, values, 512, 0));
    // A case is one compare and jump of the search, and at most half a jump more (the cycle
    // leaves no runs to merge); the moves of a target (some 14 bytes a value) exist once,
    // whatever the number of cases.
    assert!(large - small <= 256 * 16, "{small} -> {large}");
    let stubs = (depth + 1) * values * 16;
    assert!(small - base <= stubs + 256 * 16, "{base} -> {small}");
    // The same with twice the values: the per-case cost does not change.
    let small2 = code_size(&nested_branches(depth, 2 * values, 256, 0));
    let large2 = code_size(&nested_branches(depth, 2 * values, 512, 0));
    assert_eq!(large2 - small2, large - small);
}

#[test]
fn br_ifs_to_the_same_target_share_their_moves() {
    let (depth, values) = (4, 32);
    let some = code_size(&nested_branches(depth, values, 0, 100));
    let more = code_size(&nested_branches(depth, values, 0, 200));
    // Each further br_if: load the condition, test, jump to the shared stub.
    assert!(more - some <= 100 * 24, "{some} -> {more}");
}

#[test]
fn over_budget_module_fails_fast() {
    // About 14 MB of moves (1000 targets x 1000 values: just under the most target values a
    // br_table may have, 2^20) from a module of a few KB.
    let wasm = nested_branches(1000, 1000, 1000, 0);
    assert!(wasm.len() < 64 << 10, "{}", wasm.len());
    let start = std::time::Instant::now();
    let e = compile(&wasm, &with_budget(1 << 20)).unwrap_err();
    assert!(is_budget_error(&e), "{e}");
    assert_eq!(e.func, Some(0));
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}
