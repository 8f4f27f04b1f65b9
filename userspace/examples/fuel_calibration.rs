//! Measures how fast fuel burns in the userspace executor: fuel units per second of a few
//! programs (tight loop, arithmetic, memory accesses, calls, bulk operations), and bytes per
//! second of `memory.fill`/`memory.copy`/`memory.grow` and entries per second of `table.copy`
//! (to price bulk operations in fuel), then what the operators that do more than one
//! operator's work cost (`br_table` levels, zeroing locals, branch moves, host and helper
//! calls; alone with `--work`). The numbers behind the prices in `kwasm_kcore::bulk` and the
//! constants in `kwasm_hooks::fuel`:
//!
//! ```text
//! cargo run --release -j1 -p kwasm --example fuel_calibration [-- --work]
//! ```

use kwasm::executor::{Imports, Instance, Value};
use kwasm::hooks::fuel::FUEL_PER_SECOND;
use std::time::Instant;

fn instance(wat: &str) -> Instance {
    let mut imports = Imports::default();
    imports.func("env", "h", &[], &[], |_, _| Ok(()));
    let wasm = wat::parse_str(wat).unwrap();
    let artifact = kwasm_compiler::compile(&wasm, &Default::default()).unwrap();
    Instance::new(&artifact, &imports).unwrap()
}

/// Runs `f(arg)` with plenty of fuel; returns (fuel spent, seconds).
fn run(i: &mut Instance, arg: Value) -> (i64, f64) {
    const FUEL: i64 = 1 << 60;
    i.set_fuel(FUEL);
    let t = Instant::now();
    i.invoke("f", &[arg]).unwrap();
    let secs = t.elapsed().as_secs_f64();
    (FUEL - i.fuel(), secs)
}

/// Best of a few runs (least disturbed by the machine's other work).
fn fuel_per_second(name: &str, wat: &str, arg: Value) -> f64 {
    let mut i = instance(wat);
    let mut best = 0f64;
    let mut spent = 0;
    for _ in 0..5 {
        let (s, secs) = run(&mut i, arg);
        spent = s;
        best = best.max(s as f64 / secs);
    }
    println!(
        "{name:<28} {:>8.0} M fuel/s  ({spent} units per run)",
        best / 1e6
    );
    best
}

/// Best-of-5 rate of `f(arg)`: `work` units per run, per second.
fn rate(name: &str, wat: &str, arg: Value, work: f64, unit: &str) -> f64 {
    let mut i = instance(wat);
    let mut best = 0f64;
    for _ in 0..5 {
        let (_, secs) = run(&mut i, arg);
        best = best.max(work / secs);
    }
    println!("{name:<28} {:>8.0} M {unit}/s", best / 1e6);
    best
}

const LOOP: &str = r#"(module (func (export "f") (param i32) (local i32)
    (loop $l (br_if $l (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))))"#;

/// The smallest loop: `br` back to the header, `n` times (`br_if` on a counter would be more).
const SPIN: &str = r#"(module (func (export "f") (param i32)
    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#;

const ARITH: &str = r#"(module (func (export "f") (param i32) (local i32 i64 i64)
    (local.set 2 (i64.const 88172645463325252))
    (loop $l
      ;; xorshift64 and a multiply-add: 22 operators per iteration
      (local.set 2 (i64.xor (local.get 2) (i64.shl (local.get 2) (i64.const 13))))
      (local.set 2 (i64.xor (local.get 2) (i64.shr_u (local.get 2) (i64.const 7))))
      (local.set 2 (i64.xor (local.get 2) (i64.shl (local.get 2) (i64.const 17))))
      (local.set 3 (i64.add (i64.mul (local.get 3) (local.get 2)) (i64.const 1)))
      (br_if $l (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))
    (drop (local.get 3))))"#;

const MEMORY: &str = r#"(module (memory 16) (func (export "f") (param i32) (local i32 i32)
    (loop $l
      ;; a[i] = a[i] + a[i + 4] over 1 MiB, wrapping
      (local.set 2 (i32.and (i32.shl (local.get 1) (i32.const 2)) (i32.const 0xffff8)))
      (i32.store (local.get 2) (i32.add (i32.load (local.get 2)) (i32.load offset=4 (local.get 2))))
      (br_if $l (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))))"#;

const CALLS: &str = r#"(module
    (func $g (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "f") (param i32) (local i32)
    (loop $l (br_if $l (i32.ne (local.tee 1 (call $g (local.get 1))) (local.get 0))))))"#;

/// `memory.fill` then `memory.copy` of 64 MiB each, `n` times (memory: 128 MiB + a page).
const BULK: &str = r#"(module (memory 2049) (func (export "f") (param i32)
    (loop $l
      (memory.fill (i32.const 0) (local.get 0) (i32.const 0x4000000))
      (memory.copy (i32.const 0x4000000) (i32.const 0) (i32.const 0x4000000))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#;

/// `memory.fill` of `len` bytes, `n` times.
fn fill(len: u32) -> String {
    format!(
        r#"(module (memory 2049) (func (export "f") (param i32)
    (loop $l
      (memory.fill (i32.const 0) (local.get 0) (i32.const {len}))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#
    )
}

/// `memory.copy` of `len` bytes, `n` times.
fn copy(len: u32) -> String {
    format!(
        r#"(module (memory 2049) (func (export "f") (param i32)
    (loop $l
      (memory.copy (i32.const 0x4000000) (i32.const 0) (i32.const {len}))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#
    )
}

/// `table.copy` of 65536 entries, `n` times.
const TABLE_COPY: &str = r#"(module (table 131072 funcref) (func (export "f") (param i32)
    (loop $l
      (table.copy (i32.const 0) (i32.const 65536) (i32.const 65536))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#;

/// `table.init` of a 65536-entry passive segment, `n` times.
fn table_init() -> String {
    format!(
        r#"(module (table 65536 funcref) (func $g) (elem $e func {})
    (func (export "f") (param i32)
    (loop $l
      (table.init $e (i32.const 0) (i32.const 0) (i32.const 65536))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#,
        "$g ".repeat(65536)
    )
}

/// `memory.grow` by 1024 pages (64 MiB) from 0, `n` times in fresh instances: timed per run.
fn grow_bytes_per_second() -> f64 {
    let wat = r#"(module (memory 0) (func (export "f") (param i32)
        (drop (memory.grow (i32.const 1024)))))"#;
    let mut best = 0f64;
    for _ in 0..5 {
        let mut i = instance(wat);
        let (_, secs) = run(&mut i, Value::I32(0));
        best = best.max(f64::from(64u32 << 20) / secs);
    }
    println!("{:<28} {:>8.0} M bytes/s", "memory.grow 64 MiB", best / 1e6);
    best
}

/// Fuel per second of a loop that only runs out of fuel: `loop br` (1 operator per iteration,
/// where the check's own cost dominates).
fn runaway_fuel_per_second() -> f64 {
    let mut i = instance(r#"(module (func (export "f") (param i32) (loop $l (br $l))))"#);
    let mut best = 0f64;
    for _ in 0..5 {
        i.set_fuel(1_000_000_000);
        let t = Instant::now();
        assert!(i.invoke("f", &[Value::I32(0)]).is_err());
        best = best.max((1_000_000_000 - i.fuel()) as f64 / t.elapsed().as_secs_f64());
    }
    println!(
        "{:<28} {:>8.0} M fuel/s",
        "runaway loop (1 operator)",
        best / 1e6
    );
    best
}

/// Best-of-5 seconds of `f(n)`.
fn best_secs(wat: &str, n: i32) -> f64 {
    let mut i = instance(wat);
    (0..5)
        .map(|_| run(&mut i, Value::I32(n)).1)
        .fold(f64::INFINITY, f64::min)
}

/// A loop of `n` iterations around `body` (and `extra` operators after the counter, to keep
/// the function valid), in a module with `prelude`.
fn counted_loop(prelude: &str, locals: &str, body: &str) -> String {
    format!(
        r#"(module (import "env" "h" (func $h)) (memory 1) (data $d "x") {prelude}
    (func (export "f") (param i32) {locals}
      (loop $l {body}
        (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#
    )
}

/// Nanoseconds per item of `work` (a loop body doing `items` items an iteration) beyond the
/// same loop around `base`, and the fuel that time is worth at `FUEL_PER_SECOND`.
fn ns_per_item(name: &str, work: &str, base: &str, n: i32, items: f64) -> f64 {
    let (w, b) = (best_secs(work, n), best_secs(base, n));
    let ns = (w - b) * 1e9 / (f64::from(n) * items);
    let units = ns * FUEL_PER_SECOND as f64 / 1e9;
    println!("{name:<34} {ns:>8.3} ns  = {units:>7.1} units each");
    ns
}

/// What the operators that do more than one operator's work cost: `br_table` dispatch,
/// zeroing locals, branch moves, host and helper calls.
fn operator_work() {
    println!("work per item (userspace executor, release build, beyond the loop around it):");
    let empty = counted_loop("", "", "");
    // br_table with 1000 cases alternating between two blocks (1000 runs, a binary search of
    // 10 levels), against one without cases; first an index above them all (predictable).
    let cases = "0 1 ".repeat(500);
    let table = |index: &str| {
        counted_loop(
            "",
            "(local i32)",
            &format!("(block $x (block $a (block $b (br_table {cases} 2 {index}))))"),
        )
    };
    let one = counted_loop(
        "",
        "(local i32)",
        "(block $x (block $a (block $b (br_table 2 (i32.const -1)))))",
    );
    ns_per_item(
        "br_table level, index above all",
        &table("(i32.const -1)"),
        &one,
        10_000_000,
        10.0,
    );
    // A pseudo-random index below 1024 (xorshift32 in local 1): mispredicted branches.
    let random = "(local.set 1 (i32.xor (local.get 1) (i32.shl (local.get 1) (i32.const 13)))) \
        (local.set 1 (i32.xor (local.get 1) (i32.shr_u (local.get 1) (i32.const 17)))) \
        (local.set 1 (i32.xor (local.get 1) (i32.shl (local.get 1) (i32.const 5)))) \
        (i32.and (local.get 1) (i32.const 1023))";
    let seeded = |wat: String| wat.replace("(loop $l", "(local.set 1 (i32.const 1)) (loop $l");
    ns_per_item(
        "br_table level, random index",
        &seeded(table(random)),
        &seeded(counted_loop(
            "",
            "(local i32)",
            &format!("(block $x (block $a (block $b (br_table 2 {random}))))"),
        )),
        10_000_000,
        10.0,
    );
    // For comparison: a mispredicted branch of any kind (a `br_if` on a random bit).
    let random_bit = random.replace("(i32.const 1023)", "(i32.const 1)");
    ns_per_item(
        "br_if, random condition",
        &seeded(counted_loop(
            "",
            "(local i32)",
            &format!("(block $x (br_if $x {random_bit}))"),
        )),
        &seeded(counted_loop(
            "",
            "(local i32)",
            &format!("(block $x (drop {random_bit}))"),
        )),
        10_000_000,
        1.0,
    );
    // Zeroing locals: calls of a function with k locals, against one without.
    for (k, n) in [
        (8, 10_000_000),
        (9, 10_000_000),
        (32, 10_000_000),
        (100, 10_000_000),
        (1000, 1_000_000),
        (50_000, 10_000),
    ] {
        let locals = "i64 ".repeat(k);
        ns_per_item(
            &format!("zeroing {k} locals (per local)"),
            &counted_loop(&format!("(func $g (local {locals}))"), "", "(call $g)"),
            &counted_loop("(func $g)", "", "(call $g)"),
            n,
            k as f64,
        );
    }
    // Branch moves: a loop carrying 1000 values, where each iteration replaces the bottom one
    // (one new value on top, the branch moves the top 1000 down one slot).
    let params = "i32 ".repeat(1000);
    let consts = "i32.const 0 ".repeat(1000);
    let moves = |carried: &str, push: &str| {
        format!(
            r#"(module (type $t (func (param {carried})))
    (func (export "f") (param i32) {consts} loop $l (type $t) {push}
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))) return end return))"#
        )
    };
    ns_per_item(
        "branch moving a value (1000)",
        &moves(&params, "i32.const 7"),
        &moves("", ""),
        100_000,
        1000.0,
    );
    // Host and helper calls.
    ns_per_item(
        "host call (nothing to do)",
        &counted_loop("", "", "(call $h)"),
        &empty,
        10_000_000,
        1.0,
    );
    ns_per_item(
        "memory.fill of 0 bytes",
        &counted_loop(
            "",
            "",
            "(memory.fill (i32.const 0) (i32.const 0) (i32.const 0))",
        ),
        &empty,
        10_000_000,
        1.0,
    );
    ns_per_item(
        "data.drop",
        &counted_loop("", "", "(data.drop $d)"),
        &empty,
        10_000_000,
        1.0,
    );
    ns_per_item(
        "memory.grow by 0",
        &counted_loop("", "", "(drop (memory.grow (i32.const 0)))"),
        &empty,
        10_000_000,
        1.0,
    );
}

fn main() {
    if std::env::args().any(|a| a == "--work") {
        operator_work();
        return;
    }
    println!("fuel per second (userspace executor, release build):");
    runaway_fuel_per_second();
    let n = Value::I32(200_000_000);
    fuel_per_second("smallest loop (5 operators)", SPIN, n);
    let rates = [
        fuel_per_second("tight loop", LOOP, n),
        fuel_per_second("arithmetic (i64 xorshift)", ARITH, Value::I32(30_000_000)),
        fuel_per_second("memory loads/stores", MEMORY, Value::I32(50_000_000)),
        fuel_per_second("calls", CALLS, Value::I32(30_000_000)),
        fuel_per_second("bulk 64 MiB fill + copy", BULK, Value::I32(8)),
    ];
    let mut sorted = rates;
    sorted.sort_by(f64::total_cmp);
    println!("median {:.0} M fuel/s", sorted[2] / 1e6);

    println!("bulk operations:");
    let mib64 = f64::from(64u32 << 20);
    rate(
        "memory.fill 64 MiB",
        &fill(64 << 20),
        Value::I32(8),
        8.0 * mib64,
        "bytes",
    );
    rate(
        "memory.copy 64 MiB",
        &copy(64 << 20),
        Value::I32(8),
        8.0 * mib64,
        "bytes",
    );
    rate(
        "memory.fill 4 KiB",
        &fill(4096),
        Value::I32(100_000),
        4096e5,
        "bytes",
    );
    rate(
        "memory.copy 4 KiB",
        &copy(4096),
        Value::I32(100_000),
        4096e5,
        "bytes",
    );
    rate(
        "memory.fill 64 B",
        &fill(64),
        Value::I32(1_000_000),
        64e6,
        "bytes",
    );
    rate(
        "table.copy 65536",
        TABLE_COPY,
        Value::I32(1000),
        65536e3,
        "entries",
    );
    rate(
        "table.init 65536",
        &table_init(),
        Value::I32(1000),
        65536e3,
        "entries",
    );
    grow_bytes_per_second();
    operator_work();
}
