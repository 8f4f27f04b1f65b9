//! Instantiation is linear in the artifact: nothing is redone per entry that another entry
//! already paid for (issue 8: validation and load linear in the artifact's size).

use kwasm::executor::{Imports, Instance};
use std::fmt::Write;
use std::time::{Duration, Instant};

/// A module with `n` functions and `n` active elem segments, one function each.
fn many_functions_and_segments(n: usize) -> Vec<u8> {
    let mut wat = format!("(module (table {n} funcref)\n");
    for k in 0..n {
        writeln!(wat, "(func $f{k}) (elem (i32.const {k}) $f{k})").unwrap();
    }
    wat.push(')');
    wat::parse_str(&wat).unwrap()
}

/// A module with `n` distinct function types (15 parameters, i32 or i64 by the bits of the
/// type's index) and a function of each.
fn many_distinct_types(n: usize) -> Vec<u8> {
    let mut wat = String::from("(module\n");
    for k in 0..n {
        wat.push_str("(type (func (param");
        for bit in 0..15 {
            wat.push_str(if k >> bit & 1 == 1 { " i64" } else { " i32" });
        }
        wat.push_str(")))\n");
    }
    for k in 0..n {
        writeln!(wat, "(func (type {k}))").unwrap();
    }
    wat.push(')');
    wat::parse_str(&wat).unwrap()
}

/// Compiles `wasm`, instantiates it, and checks instantiating took no longer than compiling
/// (both are linear in the module; the floor absorbs noise on tiny timings).
fn instantiates_faster_than_it_compiles(wasm: &[u8]) {
    let t = Instant::now();
    let artifact = kwasm_compiler::compile(wasm, &Default::default()).unwrap();
    let compile = t.elapsed();
    let t = Instant::now();
    Instance::new(&artifact, &Imports::default()).unwrap();
    let load = t.elapsed();
    assert!(
        load < compile.max(Duration::from_millis(100)),
        "instantiated in {load:?}, compiled in {compile:?}"
    );
}

/// Signature ids were found by a linear search of every signature seen so far, per type:
/// types². Measured with 32,768 types (debug build): 10.7 s to instantiate, 0.86 s to
/// compile; now 0.07 s to instantiate.
#[test]
fn many_distinct_types_instantiate_in_linear_time() {
    instantiates_faster_than_it_compiles(&many_distinct_types(16_384));
}

/// Each active elem segment used to copy every function's table entry: functions × segments,
/// 40,000² entries of 32 bytes. Measured (debug build): instantiating took 2.4 times as long as
/// compiling that way, 0.16 times now.
#[test]
fn many_elem_segments_instantiate_in_linear_time() {
    instantiates_faster_than_it_compiles(&many_functions_and_segments(40_000));
}
