//! Fuel stops runs in time: the default run fuel (`kwasm_hooks::fuel::DEFAULT_RUN_FUEL`, ~1 s)
//! stops runaway programs after about that much time (bulk memory work, a tight loop), and one
//! fuel slice (`FUEL_SLICE`, ~10 ms) of programs built from the operators whose work is not one
//! operator's (a long `br_table`, the zeroing of many locals, branches that move many values,
//! host and helper calls) runs out in about a slice's time, not minutes.

use kwasm::executor::{Imports, Instance, InvokeError, Trap};
use kwasm::hooks::fuel::{DEFAULT_RUN_FUEL, FUEL_SLICE};
use kwasm::hooks::trap::TRAP_OUT_OF_FUEL;
use std::time::{Duration, Instant};

/// The bound on the time of the default fuel: ~2 s (2.5 s). The generated code is the same in
/// every build, but a debug build of this test runs the helpers unoptimised, so there the bound
/// is loosened to 4 s (measured: ~1.1-1.2 s for both tests in either build, on an idle CPU).
fn bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(4)
    } else {
        Duration::from_millis(2500)
    }
}

/// The bound on the CPU time of one slice (~10 ms): 100 ms, or 500 ms in a debug build, whose
/// unoptimised helpers and host-call dispatch take longer for the same fuel. Measured: 3-11 ms
/// for every program below in a release build, 7-14 ms in a debug build except the empty
/// `memory.fill` (120 ms) and the host calls (170 ms); before these operators had their
/// prices, one slice of the `br_table` ran for over a minute (stopped there), of the locals
/// 18 s, of the `br` moving values 3.4 s, of the host calls 2.7 s and of the empty
/// `memory.fill` 1.1 s (debug build).
fn slice_bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_millis(500)
    } else {
        Duration::from_millis(100)
    }
}

/// CPU time of this thread (user and system).
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a timespec to write.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0);
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The tests one at a time: they measure time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` with `fuel`; it must run out of fuel within `bound` of CPU time (wall time is what
/// the machine's other load makes it: on a shared 2-CPU test machine it was seen at 4 s while
/// the CPU time stayed ~1.2 s, so wall time only gets a loose bound against hangs).
fn runs_out_in_time(
    wat: &str,
    imports: &Imports,
    fuel: i64,
    bound: Duration,
) -> (Duration, Duration) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let wasm = wat::parse_str(wat).unwrap();
    let artifact = kwasm_compiler::compile(&wasm, &Default::default()).unwrap();
    let mut i = Instance::new(&artifact, imports).unwrap();
    i.set_fuel(fuel);
    let (wall, cpu) = (Instant::now(), thread_cpu_time());
    let r = i.invoke("f", &[]);
    let (wall, cpu) = (wall.elapsed(), thread_cpu_time() - cpu);
    assert!(
        matches!(r, Err(InvokeError::Trap(Trap(TRAP_OUT_OF_FUEL)))),
        "{r:?}"
    );
    assert!(cpu < bound, "ran {cpu:?} of CPU time on {fuel} fuel");
    assert!(wall < 10 * bound, "ran {wall:?} on {fuel} fuel");
    (cpu, wall)
}

fn runs_out_of_fuel_in_time(wat: &str) -> (Duration, Duration) {
    runs_out_in_time(wat, &Imports::default(), DEFAULT_RUN_FUEL as i64, bound())
}

/// One slice of `wat`'s `f` must end within [`slice_bound`].
fn a_slice_runs_out_in_time(name: &str, wat: &str, imports: &Imports) {
    let t = runs_out_in_time(wat, imports, FUEL_SLICE, slice_bound());
    println!("{name}: one slice ran {t:?} (CPU, wall)");
}

#[test]
fn bulk_memory_work_runs_out_of_the_default_fuel_in_time() {
    // 64 MiB fill then 64 MiB copy, forever (128 MiB and a page of memory).
    let t = runs_out_of_fuel_in_time(
        r#"(module (memory 2049) (func (export "f")
        (loop $l
          (memory.fill (i32.const 0) (i32.const 1) (i32.const 0x4000000))
          (memory.copy (i32.const 0x4000000) (i32.const 0) (i32.const 0x4000000))
          (br $l))))"#,
    );
    println!("bulk: out of fuel after {t:?} (CPU, wall)");
}

#[test]
fn a_tight_loop_runs_out_of_the_default_fuel_in_time() {
    let t = runs_out_of_fuel_in_time(r#"(module (func (export "f") (loop $l (br $l))))"#);
    println!("tight loop: out of fuel after {t:?} (CPU, wall)");
}

#[test]
fn a_long_br_table_is_priced_by_its_dispatch() {
    // 150,000 cases alternating between two blocks, and an index above all of them: the
    // default (the loop) after the whole dispatch, forever.
    let cases = "0 1 ".repeat(75_000);
    let wat = format!(
        r#"(module (func (export "f")
        (loop $l (block $a (block $b (br_table {cases} 2 (i32.const -1)))))))"#
    );
    a_slice_runs_out_in_time("br_table", &wat, &Imports::default());
}

#[test]
fn zeroing_many_locals_is_priced_by_their_number() {
    // A call of a function with 50,000 locals (wasmparser's limit), forever.
    let locals = "i64 ".repeat(50_000);
    let wat = format!(
        r#"(module (func $g (local {locals}))
        (func (export "f") (loop $l (call $g) (br $l))))"#
    );
    a_slice_runs_out_in_time("50,000 locals", &wat, &Imports::default());
}

/// A type of 1000 `i32` parameters and a function that pushes 1000 values and loops with them,
/// where each iteration replaces one and branches with `branch` (which moves 1000 values).
fn loop_with_1000_values(branch: &str) -> String {
    let params = "i32 ".repeat(1000);
    let consts = "i32.const 0 ".repeat(1000);
    format!(
        r#"(module (type $t (func (param {params})))
        (func (export "f") {consts} loop $l (type $t) (param {params}) {branch} end))"#
    )
}

#[test]
fn branches_that_move_many_values_are_priced_by_the_values() {
    // `br`: its moves inline.
    a_slice_runs_out_in_time(
        "br moving 1000 values",
        &loop_with_1000_values("i32.const 7 br $l"),
        &Imports::default(),
    );
    // `br_if`: its moves in a stub.
    a_slice_runs_out_in_time(
        "br_if moving 1000 values",
        &loop_with_1000_values("i32.const 7 i32.const 1 br_if $l unreachable"),
        &Imports::default(),
    );
    // `br_table`: through a stub too.
    a_slice_runs_out_in_time(
        "br_table moving 1000 values",
        &loop_with_1000_values("i32.const 7 i32.const 1 br_table $l $l $l"),
        &Imports::default(),
    );
}

#[test]
fn host_calls_are_priced() {
    let mut imports = Imports::default();
    imports.func("env", "h", &[], &[], |_, _| Ok(()));
    a_slice_runs_out_in_time(
        "host calls",
        r#"(module (import "env" "h" (func $h))
        (func (export "f") (loop $l (call $h) (br $l))))"#,
        &imports,
    );
}

#[test]
fn helper_calls_are_priced() {
    // `memory.fill` of nothing and `data.drop`: the helper's call is all their work.
    a_slice_runs_out_in_time(
        "empty memory.fill",
        r#"(module (memory 1)
        (func (export "f") (loop $l (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)) (br $l))))"#,
        &Imports::default(),
    );
    a_slice_runs_out_in_time(
        "data.drop",
        r#"(module (memory 1) (data $d "x")
        (func (export "f") (loop $l (data.drop $d) (br $l))))"#,
        &Imports::default(),
    );
}
