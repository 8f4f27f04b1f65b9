//! Branches that carry values through shared stubs (one per target and stack height): the
//! values arrive intact whichever br_table case, br_if or br takes them there.

use kwasm::executor::{Imports, Instance, Value};

fn instance(wat: &str) -> Instance {
    let wasm = wat::parse_str(wat).unwrap();
    let artifact = kwasm_compiler::compile(&wasm, &Default::default()).unwrap();
    Instance::new(&artifact, &Imports::default()).unwrap()
}

#[test]
fn br_table_and_br_if_stubs() {
    // The module of compiler/tests/snapshots/branches.wat.
    let wat = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../compiler/tests/snapshots/branches.wat"
    ))
    .unwrap();
    let inst = instance(&wat);
    // Cases: $c $c $b $a $a $b 3 3, default $c; branching with 4 over 1 2 3 to $c adds all,
    // to $b skips the 3, to $a skips 2 and 3, to the function returns 4 itself.
    for (index, want) in [
        (0, 10),
        (1, 10),
        (2, 7),
        (3, 5),
        (4, 5),
        (5, 7),
        (6, 4),
        (7, 4),
        (8, 10),
        (1000, 10),
        (-1, 10),
    ] {
        let got = inst.invoke("table", &[Value::I32(index)]).unwrap();
        assert_eq!(got, [Value::I32(want)], "index {index}");
    }
    for (arg, want) in [(1, 1), (2, 2), (3, 3), (4, 4), (0, 9), (5, 9)] {
        let got = inst.invoke("ifs", &[Value::I32(arg)]).unwrap();
        assert_eq!(got, [Value::I32(want)], "arg {arg}");
    }
}

#[test]
fn many_values_through_nested_blocks() {
    // Every level has an i32 under its block, so every branch out of the innermost moves the
    // values; each level then passes them on with `br 0`.
    let (depth, values) = (6, 12);
    let results = " i64".repeat(values);
    let mut w = format!(
        "(module (type $r (func (result{results})))
           (func (export \"f\") (param i32 i32) (result{results})\n"
    );
    for level in 0..depth {
        w.push_str(&format!("(block (type $r) i32.const {level}\n"));
    }
    for v in 0..values {
        w.push_str(&format!("i64.const {} ", 100 + v));
    }
    // Two br_ifs from the same height to the outermost block (sharing a stub), then the table.
    for k in [1, 2] {
        w.push_str(&format!(
            "(i32.eq (local.get 1) (i32.const {k})) br_if {}\n",
            depth - 1
        ));
    }
    w.push_str("local.get 0 br_table 1 1 3 0 5 5 2 6 4 4 2 1\n)");
    for _ in 1..depth {
        w.push_str("br 0)\n");
    }
    w.push_str("))");
    let inst = instance(&w);
    let want: Vec<Value> = (0..values).map(|v| Value::I64(100 + v as i64)).collect();
    for which_if in 0..3 {
        for index in -1..14 {
            let got = inst
                .invoke("f", &[Value::I32(index), Value::I32(which_if)])
                .unwrap();
            assert_eq!(got, want, "index {index}, br_if {which_if}");
        }
    }
}

#[test]
fn br_table_search_finds_every_case() {
    // Tables of many sizes with pseudo-random targets among four blocks (often repeated, so
    // that runs of equal cases form), checked for every index and a few beyond.
    let mut seed = 0x2545_f491_u32;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let sizes: Vec<usize> = (0..=40).chain([100, 1000, 4097]).collect();
    for n in sizes {
        let mut targets = Vec::with_capacity(n);
        for k in 0..n {
            let t = if k > 0 && next() % 3 == 0 {
                targets[k - 1]
            } else {
                next() % 4
            };
            targets.push(t);
        }
        let default = next() % 4;
        let list: String = targets.iter().map(|t| format!("{t} ")).collect();
        let wat = format!(
            r#"(module (func (export "f") (param i32) (result i32)
            (block $d (block $c (block $b (block $a
              (br_table {list} {default} (local.get 0)))
              (return (i32.const 0)))
              (return (i32.const 1)))
              (return (i32.const 2)))
            (i32.const 3)))"#
        );
        let inst = instance(&wat);
        let beyond = [
            n,
            n + 1,
            n + 2,
            u32::MAX as usize,
            i32::MAX as usize,
            1 << 31,
        ];
        for index in (0..n).chain(beyond) {
            let want = targets.get(index).copied().unwrap_or(default);
            let got = inst.invoke("f", &[Value::I32(index as i32)]).unwrap();
            assert_eq!(got, [Value::I32(want as i32)], "{n} cases, index {index}");
        }
    }
}
