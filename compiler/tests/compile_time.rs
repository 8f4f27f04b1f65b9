//! Compile time is bounded between two `progress` callbacks (the kernel reschedules and checks
//! for fatal signals there): hostile modules that used to take minutes in one stretch compile
//! (or are refused) within seconds in a debug build, and long functions and sections call
//! `progress` as they go.
//!
//! The modules are encoded directly: the text parser is slow for megabyte modules in a debug
//! build.

use kwasm_compiler::{compile_with, CompileError, ErrorKind, Options};
use std::time::{Duration, Instant};

fn leb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        out.push(if v == 0 { byte } else { byte | 0x80 });
        if v == 0 {
            return;
        }
    }
}

fn section(out: &mut Vec<u8>, id: u8, content: &[u8]) {
    out.push(id);
    leb(out, content.len() as u64);
    out.extend_from_slice(content);
}

const I32: u8 = 0x7f;
const I64: u8 = 0x7e;
const END: u8 = 0x0b;
const DROP: u8 = 0x1a;
const NOP: u8 = 0x01;

/// A function type, encoded.
fn func_type(params: &[u8], results: &[u8]) -> Vec<u8> {
    let mut t = vec![0x60];
    leb(&mut t, params.len() as u64);
    t.extend_from_slice(params);
    leb(&mut t, results.len() as u64);
    t.extend_from_slice(results);
    t
}

/// A module of `types` and one function of type 0 per body (bodies without locals; each gets
/// its final `end`).
fn module(types: &[Vec<u8>], bodies: &[Vec<u8>]) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    let mut t = Vec::new();
    leb(&mut t, types.len() as u64);
    for ty in types {
        t.extend_from_slice(ty);
    }
    section(&mut m, 1, &t);
    if !bodies.is_empty() {
        let mut f = Vec::new();
        leb(&mut f, bodies.len() as u64);
        f.extend(std::iter::repeat_n(0u8, bodies.len()));
        section(&mut m, 3, &f);
        let mut code = Vec::new();
        leb(&mut code, bodies.len() as u64);
        for body in bodies {
            leb(&mut code, body.len() as u64 + 2);
            code.push(0); // no locals
            code.extend_from_slice(body);
            code.push(END);
        }
        section(&mut m, 10, &code);
    }
    m
}

/// What a compile did: its result, the number of `progress` calls and their arguments, the
/// whole time and the longest stretch without a call (from the start, between calls, to the
/// end).
struct Run {
    result: Result<Vec<u8>, CompileError>,
    calls: Vec<u32>,
    total: Duration,
    longest: Duration,
}

fn run(wasm: &[u8]) -> Run {
    run_with(wasm, &Options::default())
}

fn run_with(wasm: &[u8], options: &Options) -> Run {
    let start = Instant::now();
    let mut last = start;
    let mut longest = Duration::ZERO;
    let mut calls = Vec::new();
    let result = compile_with(wasm, options, &mut |f| {
        let now = Instant::now();
        longest = longest.max(now - last);
        last = now;
        calls.push(f);
        Ok(())
    });
    let end = Instant::now();
    longest = longest.max(end - last);
    Run {
        result,
        calls,
        total: end - start,
        longest,
    }
}

/// The bounds on a compile's longest stretch without a `progress` call, and on its whole
/// time, in these tests: a debug build of the compiler and of wasmparser, on a loaded machine.
/// Measured (debug build): stretches of 8-225 ms, compiles of 0.1-3.5 s.
const STRETCH: Duration = Duration::from_secs(1);
const TOTAL: Duration = Duration::from_secs(10);

fn report(name: &str, r: &Run) {
    println!(
        "{name}: {:?} in all, longest stretch {:?}, {} progress calls, {}",
        r.total,
        r.longest,
        r.calls.len(),
        match &r.result {
            Ok(a) => format!("{} bytes of artifact", a.len()),
            Err(e) => format!("refused: {e}"),
        }
    );
    assert!(
        r.longest < STRETCH,
        "{name}: {:?} without progress",
        r.longest
    );
    assert!(r.total < TOTAL, "{name}: {:?} in all", r.total);
}

#[test]
fn many_distinct_types_compile_quickly() {
    // 160,000 distinct types (18 parameters, each i32 or i64 after a bit of the index): finding
    // each one's canonical index used to compare it with all before it (118 s).
    let types: Vec<Vec<u8>> = (0..160_000u32)
        .map(|k| {
            let params: Vec<u8> = (0..18).map(|b| [I32, I64][(k >> b) as usize & 1]).collect();
            func_type(&params, &[])
        })
        .collect();
    let r = run(&module(&types, &[]));
    report("160,000 types", &r);
    r.result.unwrap();
    // The type section's items call `progress` (no function yet: the argument is 0).
    assert!(r.calls.len() >= 160_000 / 4096, "{:?}", r.calls.len());
    assert!(r.calls.iter().all(|&f| f == 0));
}

/// A section's contents: the count, then the items.
fn items(count: usize, item: impl Fn(usize) -> Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    leb(&mut out, count as u64);
    for k in 0..count {
        out.extend(item(k));
    }
    out
}

/// A name, encoded.
fn name(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    leb(&mut out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
    out
}

/// A module of type `() -> ()`, the given sections (id, contents) in order, and, when
/// `with_func`, one function of that type (declared after the sections up to the function
/// section, its body after the rest).
fn sectioned(sections: &[(u8, Vec<u8>)], with_func: bool) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(&mut m, 1, &items(1, |_| func_type(&[], &[])));
    let mut declared = false;
    for (id, content) in sections {
        if with_func && !declared && *id > 3 {
            section(&mut m, 3, &[1, 0]);
            declared = true;
        }
        section(&mut m, *id, content);
    }
    if with_func {
        if !declared {
            section(&mut m, 3, &[1, 0]);
        }
        section(&mut m, 10, &[1, 2, 0, END]);
    }
    m
}

#[test]
fn long_sections_call_progress_as_they_go() {
    let n = 200_000;
    let cases = [
        (
            "200,000 imports",
            sectioned(
                &[(
                    2,
                    items(n, |k| {
                        [name("m"), name(&k.to_string()), vec![0, 0]].concat()
                    }),
                )],
                false,
            ),
        ),
        (
            "200,000 globals",
            sectioned(&[(6, items(n, |_| vec![I32, 0, 0x41, 0, END]))], false),
        ),
        (
            "200,000 exports",
            sectioned(
                &[(7, items(n, |k| [name(&k.to_string()), vec![0, 0]].concat()))],
                true,
            ),
        ),
        (
            "1M element items",
            sectioned(
                &[
                    (4, vec![1, 0x70, 0, 0x80, 0x80, 0x40]), // table of 1M funcref
                    (9, {
                        // One active segment at 0 of 1M references to function 0.
                        let mut e = vec![1, 0, 0x41, 0, END];
                        leb(&mut e, 1 << 20);
                        e.extend(std::iter::repeat_n(0, 1 << 20));
                        e
                    }),
                ],
                true,
            ),
        ),
    ];
    for (what, wasm) in cases {
        let r = run(&wasm);
        report(what, &r);
        r.result.unwrap();
        assert!(
            r.calls.len() >= 2 * n / 4096,
            "{what}: {} calls",
            r.calls.len()
        );
    }
}

#[test]
fn local_sets_under_many_pending_reads_compile_quickly() {
    // 1M `local.get 0` left on the stack, then 100,000 `local.get 1; local.set 2`: every set
    // used to look through the whole stack for pending reads of local 2 (102 s).
    let mut body = Vec::new();
    for _ in 0..1_000_000 {
        body.extend_from_slice(&[0x20, 0]);
    }
    for _ in 0..100_000 {
        body.extend_from_slice(&[0x20, 1, 0x21, 2]);
    }
    body.extend(std::iter::repeat_n(DROP, 1_000_000));
    let r = run(&module(&[func_type(&[I32, I32, I32], &[])], &[body]));
    report("1M pending reads", &r);
    r.result.unwrap();
}

#[test]
fn deeply_nested_loops_compile_quickly() {
    // 100,000 nested loops, each with a `br` back: the scan for loops whose back edges fuel
    // can fold (fuel_fold.rs) once read each loop's body again (8.8 s in a release build).
    let mut body = Vec::new();
    for _ in 0..100_000 {
        body.extend_from_slice(&[0x03, 0x40]);
    }
    for _ in 0..100_000 {
        body.extend_from_slice(&[0x0c, 0, END]);
    }
    let r = run(&module(&[func_type(&[], &[])], &[body]));
    report("100,000 nested loops", &r);
}

/// A function whose block of `arity` i32 results ends in a `br_table` of `targets` cases, all
/// to the block.
fn br_table_module(targets: u32, arity: usize) -> Vec<u8> {
    let mut body = vec![0x02, 0x01]; // block (type 1)
    for _ in 0..arity {
        body.extend_from_slice(&[0x41, 0]); // i32.const 0
    }
    body.extend_from_slice(&[0x41, 0, 0x0e]); // the index, br_table
    leb(&mut body, targets.into());
    body.extend(std::iter::repeat_n(0u8, targets as usize));
    body.extend_from_slice(&[0, END]); // default, end of the block
    body.extend(std::iter::repeat_n(DROP, arity));
    module(
        &[func_type(&[], &[]), func_type(&[], &vec![I32; arity])],
        &[body],
    )
}

#[test]
fn a_br_table_too_costly_to_validate_is_refused() {
    // 2M targets of arity 1000: wasmparser checks every target's types against the stack, all
    // in one operator (14 s). Refused before that, as a kwasm limit.
    let r = run(&br_table_module(2_000_000, 1000));
    report("br_table 2M x 1000", &r);
    let e = r.result.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(e.message.contains("kwasm limit"), "{e}");
    assert_eq!(e.func, Some(0));
    // The limit is 2^20 target-values: up to it, the table compiles.
    run(&br_table_module(1 << 11, 1 << 9)).result.unwrap();
    let e = run(&br_table_module((1 << 11) + 1, 1 << 9))
        .result
        .unwrap_err();
    assert!(e.message.contains("kwasm limit"), "{e}");
    // Without values, only the number of targets counts (linear work).
    run(&br_table_module(2_000_000, 0)).result.unwrap();
}

#[test]
fn a_long_function_calls_progress_as_it_goes() {
    // One function of 1M `nop`s: `progress(0)` before it, then every 65,536 operators.
    let body = vec![NOP; 1_000_000];
    let r = run(&module(&[func_type(&[], &[])], &[body]));
    report("1M operators", &r);
    r.result.unwrap();
    // 1,000,001 operators with the `end`: the call before the body, and 15 after.
    assert_eq!(r.calls, vec![0; 1 + 1_000_001 / 65_536]);
}

#[test]
fn operators_carrying_many_values_keep_the_stretches_short() {
    // 20,000 `br 0` in unreachable code, to a block of 1000 results: the validator pops 1000
    // types for each (20M in all: 1.6 s of a debug build, 0.1 s of a release one).
    let mut body = vec![0x02, 0x01, 0x00]; // block (type 1), unreachable
    body.extend(std::iter::repeat_n([0x0c, 0x00], 20_000).flatten()); // br 0
    body.push(END);
    body.extend(std::iter::repeat_n(DROP, 1000));
    let r = run(&module(
        &[func_type(&[], &[]), func_type(&[], &[I32; 1000])],
        &[body],
    ));
    report("20,000 br of 1000 values", &r);
    r.result.unwrap();

    // Calls of a function of 1000 parameters and results, one after the other: a few KB of
    // wasm for megabytes of moves, until the code budget (32 MiB here) stops it.
    let mut body = Vec::new();
    for i in 0..1000u64 {
        body.push(0x20);
        leb(&mut body, i);
    }
    body.extend(std::iter::repeat_n([0x10, 0x00], 100_000).flatten()); // call 0
    let options = Options {
        max_code_bytes: 32 << 20,
        ..Default::default()
    };
    let r = run_with(
        &module(&[func_type(&[I32; 1000], &[I32; 1000])], &[body]),
        &options,
    );
    report("100,000 calls of 1000 values", &r);
    assert!(r.result.unwrap_err().message.contains("code size budget"));
}
