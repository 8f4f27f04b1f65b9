//! Bounded execution and stack safety: fuel, yield, recursion depth.

use kwasm::executor::{Imports, Instance, InvokeError, Trap, Value};
use kwasm::hooks::fuel::{
    FUEL_PER_CALL, FUEL_PER_HOST_CALL, FUEL_PER_LOOP_ITERATION, FUEL_PER_VALUE_MOVED,
    FUEL_PER_ZEROED_LOCAL,
};
use kwasm::hooks::trap::{TRAP_HOST_ABORT, TRAP_OUT_OF_FUEL, TRAP_STACK_EXHAUSTED};

/// What a call and a loop iteration cost beyond their operators, a local the prologue zeroes,
/// a value a branch or return moves, and a call of a runtime helper.
const CALL: i64 = FUEL_PER_CALL as i64;
const ITERATION: i64 = FUEL_PER_LOOP_ITERATION as i64;
const LOCAL: i64 = FUEL_PER_ZEROED_LOCAL as i64;
const MOVE: i64 = FUEL_PER_VALUE_MOVED as i64;
const HELPER: i64 = FUEL_PER_HOST_CALL as i64;
use kwasm_compiler::{Bound, Options};

fn instance(wat: &str, bound: Bound) -> Instance {
    let wasm = wat::parse_str(wat).unwrap();
    let artifact = kwasm_compiler::compile(
        &wasm,
        &Options {
            bound,
            ..Default::default()
        },
    )
    .unwrap();
    Instance::new(&artifact, &Imports::default()).unwrap()
}

const SPIN: &str = r#"(module (func (export "spin") (loop $l (br $l))))"#;

fn trap_code(r: Result<Vec<Value>, InvokeError>) -> u32 {
    match r {
        Err(InvokeError::Trap(Trap(code))) => code,
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn runaway_loop_runs_out_of_fuel() {
    let mut i = instance(SPIN, Bound::Fuel);
    i.set_fuel(100_000);
    assert_eq!(trap_code(i.invoke("spin", &[])), TRAP_OUT_OF_FUEL);
    assert!(i.fuel() < 0, "fuel was spent");
    // A fresh budget lets the instance run (and trap) again.
    i.set_fuel(10);
    assert_eq!(trap_code(i.invoke("spin", &[])), TRAP_OUT_OF_FUEL);
}

#[test]
fn a_call_tree_without_loops_is_charged() {
    // f calls g twice, g calls h twice, no loop at all. Every operator is one unit, every call
    // CALL more: h is its `end` (1 + CALL), g is `call call end` plus two h, f is
    // `call call end` plus two g.
    let wat = r#"(module
        (func $h)
        (func $g (call $h) (call $h))
        (func (export "f") (call $g) (call $g)))"#;
    let h = 1 + CALL;
    let g = 3 + CALL + 2 * h;
    let f = 3 + CALL + 2 * g;
    let mut i = instance(wat, Bound::Fuel);
    i.set_fuel(f);
    i.invoke("f", &[]).expect("enough fuel");
    assert_eq!(i.fuel(), 0);
    // Only checks (function entries, loop headers) act on negative fuel: the stretches after
    // the last check (`end` of g, `end` of f) overdraw without trapping.
    i.set_fuel(f - 2);
    i.invoke("f", &[])
        .expect("the last check (h's entry) still sees 0");
    assert_eq!(i.fuel(), -2);
    i.set_fuel(f - 3);
    assert_eq!(trap_code(i.invoke("f", &[])), TRAP_OUT_OF_FUEL);
}

/// Fuel spent by one call of `f` (no arguments).
fn spent(i: &mut Instance, args: &[Value]) -> i64 {
    i.set_fuel(1 << 40);
    i.invoke("f", args).expect("enough fuel");
    (1 << 40) - i.fuel()
}

#[test]
fn straight_line_code_is_charged_by_its_length() {
    // 250 × 4 operators, then `local.get` and `end`: no loop, no call, one function entry
    // (which zeroes one local), one result returned.
    let body = "(local.set 0 (i32.add (local.get 0) (i32.const 1)))".repeat(250);
    let wat =
        format!(r#"(module (func (export "f") (result i32) (local i32) {body} (local.get 0)))"#);
    let mut i = instance(&wat, Bound::Fuel);
    assert_eq!(spent(&mut i, &[]), CALL + LOCAL + 1002 + MOVE);
}

#[test]
fn loops_are_charged_per_operator_executed() {
    // Entry: the call, a local and `loop` (1); each of the 1000 iterations: 8 operators up to
    // the `br_if`; after the loop: `end end` and `local.get` (3), and the result's move.
    let wat = r#"(module (func (export "f") (result i32) (local i32)
        (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                 (br_if $l (i32.lt_u (local.get 0) (i32.const 1000))))
        (local.get 0)))"#;
    let mut i = instance(wat, Bound::Fuel);
    assert_eq!(
        spent(&mut i, &[]),
        CALL + LOCAL + 1 + 1000 * (ITERATION + 8) + 3 + MOVE
    );
}

#[test]
fn loops_with_plain_back_edges_are_charged_per_operator_executed() {
    // Both branches back are plain `br`s: the header's check charges the first one's stretch
    // (compiler/src/fuel_fold.rs) and the entry and the other `br` pay that much less. An
    // iteration runs `local.get local.get i32.ge_u br_if` (4), the increment (4) and the
    // `if`'s condition (4), then `br` (1) when the new count is odd, or three `nop`s and the
    // other `br` (4) when it is even (the `if`'s `end` is not reached: its arm ends in `br`).
    // Entry: the call, a local, `block loop` (2); exit: the first 4, then `local.get` and the
    // function's `end` (2; the block's `end` follows the dead code after the last `br`, so it
    // is not counted, like the `if`'s) and the result's move.
    let wat = r#"(module (func (export "f") (param i32) (result i32) (local i32)
        (block $exit
          (loop $l
            (br_if $exit (i32.ge_u (local.get 1) (local.get 0)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (if (i32.and (local.get 1) (i32.const 1)) (then (br $l)))
            (nop) (nop) (nop)
            (br $l)))
        (local.get 1)))"#;
    let mut i = instance(wat, Bound::Fuel);
    let odd = ITERATION + 13;
    let even = ITERATION + 16;
    let fixed = CALL + LOCAL + 2 + ITERATION + 4 + 2 + MOVE;
    for n in [0, 1, 2, 7, 100] {
        let want = fixed + (n + 1) / 2 * odd + n / 2 * even;
        assert_eq!(
            spent(&mut i, &[Value::I32(n as i32)]),
            want,
            "{n} iterations"
        );
    }
}

#[test]
fn loop_exits_are_charged_for_what_they_run() {
    // Two exits in the middle of the body, and a `br` back. An iteration that goes on
    // runs the `$found` test (4), the increment (4), the `$out` test (4), two `nop`s and `br`
    // (3). Entry: the call, a local, `block block loop` (3). `$found` runs its test, then
    // `local.get` and the function's `end` (2); `$out` runs the three parts, then
    // `i32.const return` (2). Either moves the result. (The `end`s of the blocks follow dead
    // code: not counted.)
    let wat = r#"(module (func (export "f") (param $n i32) (param $stop i32) (result i32)
        (local $i i32)
        (block $found
          (block $out
            (loop $l
              (br_if $found (i32.eq (local.get $i) (local.get $stop)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
              (nop) (nop)
              (br $l)))
          (return (i32.const -1)))
        (local.get $i)))"#;
    let mut i = instance(wat, Bound::Fuel);
    let entry = CALL + LOCAL + 3;
    for stop in [0, 1, 5, 40] {
        let want = entry + (stop + 1) * ITERATION + stop * 15 + 4 + 2 + MOVE;
        let args = [Value::I32(100), Value::I32(stop as i32)];
        assert_eq!(spent(&mut i, &args), want, "found at {stop}");
    }
    for n in [1, 2, 9] {
        let want = entry + n * ITERATION + (n - 1) * 15 + 12 + 2 + MOVE;
        let args = [Value::I32(n as i32), Value::I32(-1)];
        assert_eq!(spent(&mut i, &args), want, "out after {n}");
    }
    // A conditional return from the loop, its value moved in a stub. Iterations:
    // `i32.const local.get local.get i32.ge_u br_if drop` (6), the
    // increment (4), `br` (1); the return runs the first 5 and moves its value.
    let wat = r#"(module (func (export "f") (param $n i32) (result i32) (local $i i32)
        (loop $l
          (drop (br_if 1 (i32.const 7) (i32.ge_u (local.get $i) (local.get $n))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l))
        (i32.const 0)))"#;
    let mut i = instance(wat, Bound::Fuel);
    for n in [0, 1, 30] {
        let want = CALL + LOCAL + 1 + (n + 1) * ITERATION + n * 11 + 5 + MOVE;
        assert_eq!(
            spent(&mut i, &[Value::I32(n as i32)]),
            want,
            "return after {n}"
        );
    }
}

#[test]
fn a_loop_after_dead_code_is_charged_as_without_it() {
    // The loop has a `br_if` and a `br` back, and results (a type of its own): not folded
    // (compiler/src/fuel_fold.rs). A dead loop before it whose only branch back is a `br`
    // must not make it folded; dead code costs nothing, so both modules spend the same.
    let body = r#"
        (loop $l (result i32 i32)
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n)))
          (if (i32.lt_u (local.get $i) (i32.add (local.get $n) (i32.const 3)))
            (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
          (i32.const 1) (i32.const 2))
        (drop)"#;
    let module = |dead: &str| {
        format!(
            r#"(module (func (export "f") (param $n i32) (result i32) (local $i i32)
            (block (br 0) {dead}) {body}))"#
        )
    };
    let mut with_dead = instance(&module("(loop $d (br $d))"), Bound::Fuel);
    let mut without = instance(&module(""), Bound::Fuel);
    for n in [0, 1, 5, 20] {
        let args = [Value::I32(n)];
        assert_eq!(
            spent(&mut with_dead, &args),
            spent(&mut without, &args),
            "n = {n}"
        );
    }
}

#[test]
fn a_trap_before_a_folded_loop_is_charged_as_without_the_fold() {
    // A division traps before the loop; the function entry's check paid for the code up to
    // the loop. The fold (compiler/src/fuel_fold.rs) charges the loop's entry less and its
    // header more: never through that check, or the trap would keep the credit. A `br_if`
    // back instead of the `br` leaves the loop unfolded; up to the trap both are the same.
    let module = |back: &str| {
        format!(
            r#"(module (func (export "f") (param i32) (result i32)
            (drop (i32.div_u (i32.const 1) (local.get 0)))
            (block $out (loop $l
              (br_if $out (local.get 0))
              (block (br_if 0 (i32.const 1)))
              {} {back}))
            (i32.const 0)))"#,
            "nop ".repeat(100)
        )
    };
    let spent_trapping = |i: &mut Instance| {
        i.set_fuel(1 << 40);
        assert!(i.invoke("f", &[Value::I32(0)]).is_err(), "divides by zero");
        (1 << 40) - i.fuel()
    };
    let mut folded = instance(&module("(br $l)"), Bound::Fuel);
    let mut unfolded = instance(&module("(br_if $l (i32.const 1))"), Bound::Fuel);
    let spent = spent_trapping(&mut folded);
    assert!(spent > 0, "{spent}");
    assert_eq!(spent, spent_trapping(&mut unfolded));
}

#[test]
fn both_arms_of_an_if_are_charged_for_what_they_run() {
    // `local.get if` (2), then arm: 20 or 2 `nop`s and the `else`/`end` that closes it (1),
    // then `end` of the function (1).
    let wat = format!(
        r#"(module (func (export "f") (param i32)
        (if (local.get 0) (then {}) (else {}))))"#,
        "nop ".repeat(20),
        "nop ".repeat(2)
    );
    let mut i = instance(&wat, Bound::Fuel);
    assert_eq!(spent(&mut i, &[Value::I32(1)]), CALL + 2 + 20 + 1 + 1);
    assert_eq!(spent(&mut i, &[Value::I32(0)]), CALL + 2 + 2 + 1 + 1);
}

#[test]
fn zeroing_locals_is_charged_per_local() {
    // A few locals are stored one by one; more are zeroed with `rep stosq`, which costs more
    // to start. The function is its `end`.
    use kwasm::hooks::fuel::FUEL_PER_BULK_ZEROING;
    for (n, start) in [
        (8, 0),
        (9, FUEL_PER_BULK_ZEROING as i64),
        (50_000, FUEL_PER_BULK_ZEROING as i64),
    ] {
        let wat = format!(
            r#"(module (func (export "f") (local {})))"#,
            "i64 ".repeat(n)
        );
        let mut i = instance(&wat, Bound::Fuel);
        assert_eq!(
            spent(&mut i, &[]),
            CALL + n as i64 * LOCAL + start + 1,
            "{n} locals"
        );
    }
}

#[test]
fn br_table_is_charged_per_level_of_its_search_or_one_for_a_jump_table() {
    use kwasm::hooks::fuel::FUEL_PER_BR_TABLE_LEVEL;
    const LEVEL: i64 = FUEL_PER_BR_TABLE_LEVEL as i64;
    // `block block block local.get br_table` (5), then the `end`s after the target: of $a and
    // $c when the case goes to $b, of $c when it goes to $a; and the function's `end`. Cases
    // alternate between $a and $b, the default is $c: a run per case, and the default's
    // interval above them (cases + 1 intervals, ⌈log2⌉ levels). From 64 runs up the dispatch
    // is a jump table, charged as one level whatever the index.
    for (cases, levels) in [
        (0, 0),
        (1, 1),
        (2, 2),
        (3, 2),
        (6, 3),
        (63, 6),
        (64, 1),
        (1000, 1),
    ] {
        let list = (0..cases).map(|k| ["1 ", "0 "][k % 2]).collect::<String>();
        let wat = format!(
            r#"(module (func (export "f") (param i32)
            (block $c (block $a (block $b (br_table {list} 2 (local.get 0)))))))"#
        );
        let mut i = instance(&wat, Bound::Fuel);
        for index in [0, 1, cases as i32, -1] {
            let ends = match index {
                k if k < 0 || k >= cases as i32 => 0,
                k if k % 2 == 0 => 1,
                _ => 2,
            };
            let want = CALL + 5 + levels * LEVEL + ends + 1;
            assert_eq!(
                spent(&mut i, &[Value::I32(index)]),
                want,
                "{cases} cases, index {index}"
            );
        }
    }
}

#[test]
fn branches_and_returns_are_charged_per_value_moved() {
    // A block of three results left with a fourth value under them: the branch moves three
    // (`br` inline, `br_if` in a stub), and so does the function's return. Operators: `block`,
    // four constants, `br` (6) or `i32.const br_if` (7), the function's `end`.
    let wat = |branch: &str| {
        format!(
            r#"(module (func (export "f") (result i64 i64 i64)
            (block (result i64 i64 i64)
              (i64.const 9) (i64.const 1) (i64.const 2) (i64.const 3) {branch})))"#
        )
    };
    let mut i = instance(&wat("(br 0)"), Bound::Fuel);
    assert_eq!(spent(&mut i, &[]), CALL + 6 + 3 * MOVE + 1 + 3 * MOVE);
    let mut i = instance(&wat("(br_if 0 (i32.const 1)) unreachable"), Bound::Fuel);
    assert_eq!(spent(&mut i, &[]), CALL + 7 + 3 * MOVE + 1 + 3 * MOVE);
    // Without the value under them the branch moves nothing: the values are in place.
    let direct = r#"(module (func (export "f") (result i64 i64 i64)
        (block (result i64 i64 i64) (i64.const 1) (i64.const 2) (i64.const 3) (br 0))))"#;
    let mut i = instance(direct, Bound::Fuel);
    assert_eq!(spent(&mut i, &[]), CALL + 5 + 1 + 3 * MOVE);
}

#[test]
fn host_calls_are_charged_with_their_values() {
    let mut imports = Imports::default();
    imports.func("env", "h", &[0x7f], &[0x7f], |_, v| {
        v[0] += 1;
        Ok(())
    });
    let wasm = wat::parse_str(
        r#"(module (import "env" "h" (func $h (param i32) (result i32)))
        (func (export "f") (result i32) (call $h (i32.const 1))))"#,
    )
    .unwrap();
    let artifact = kwasm_compiler::compile(&wasm, &Default::default()).unwrap();
    let mut i = Instance::new(&artifact, &imports).unwrap();
    // `i32.const call end`, the host call with an argument and a result, the return's move.
    assert_eq!(spent(&mut i, &[]), CALL + 3 + HELPER + 2 * MOVE + MOVE);
}

#[test]
fn yield_mode_calls_the_host_until_it_stops_the_program() {
    let mut i = instance(SPIN, Bound::Yield);
    let vmctx = i.vmctx_ptr() as usize;
    let calls = std::rc::Rc::new(std::cell::Cell::new(0u32));
    let seen = calls.clone();
    i.set_yield_hook(move || {
        seen.set(seen.get() + 1);
        if seen.get() < 50 {
            // Ask for the next yield, as the kernel's timer would.
            // SAFETY: the hook runs inside `invoke`, while the instance (and its vmctx) lives.
            unsafe { (*(vmctx as *mut kwasm::hooks::vmctx::VmCtx)).yield_requested = 1 };
            true
        } else {
            false
        }
    });
    i.request_yield();
    assert_eq!(trap_code(i.invoke("spin", &[])), TRAP_HOST_ABORT);
    assert_eq!(calls.get(), 50);
}

#[test]
fn yield_mode_does_not_charge_fuel() {
    let mut i = instance(
        r#"(module (func (export "f") (result i32) (local i32)
        (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br_if $l (i32.lt_u (local.get 0) (i32.const 1000))))
        (local.get 0)))"#,
        Bound::Yield,
    );
    i.set_fuel(1);
    assert_eq!(i.invoke("f", &[]).unwrap(), vec![Value::I32(1000)]);
}

#[test]
fn deep_recursion_traps_instead_of_crashing() {
    let i = instance(
        r#"(module (func $r (export "r") (param i64) (result i64)
        (i64.add (i64.const 1) (call $r (local.get 0)))))"#,
        Bound::Fuel,
    );
    assert_eq!(
        trap_code(i.invoke("r", &[Value::I64(0)])),
        TRAP_STACK_EXHAUSTED
    );
    // The instance is usable afterwards.
    assert_eq!(
        trap_code(i.invoke("r", &[Value::I64(0)])),
        TRAP_STACK_EXHAUSTED
    );
}

#[test]
fn out_of_fuel_calls_the_runtime_which_refills_from_the_reserve() {
    let wat = r#"(module (func (export "f") (result i32) (local i32)
        (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                 (br_if $l (i32.lt_u (local.get 0) (i32.const 1000))))
        (local.get 0)))"#;
    let mut i = instance(wat, Bound::Fuel);
    // Much more work than 100 units of fuel: the first check that finds the fuel negative
    // calls the fuel helper, which moves a slice from the reserve, and the loop goes on.
    let work = CALL + LOCAL + 1 + 1000 * (ITERATION + 8) + 3 + MOVE;
    i.set_fuel(100);
    i.set_fuel_reserve(100_000);
    assert_eq!(i.invoke("f", &[]).unwrap(), vec![Value::I32(1000)]);
    assert_eq!(i.fuel() + i.fuel_reserve(), 100 + 100_000 - work);
    assert!(i.fuel_reserve() < 100_000, "the reserve was drawn on");

    // A runaway loop runs on the reserve until it is empty, then traps.
    let mut i = instance(SPIN, Bound::Fuel);
    i.set_fuel(10);
    i.set_fuel_reserve(1_000_000);
    assert_eq!(trap_code(i.invoke("spin", &[])), TRAP_OUT_OF_FUEL);
    assert_eq!(i.fuel_reserve(), 0);
    assert!(i.fuel() < 0);
}

const BULK: &str = r#"(module (memory 1)
    (func (export "fill") (param i32) (memory.fill (i32.const 0) (i32.const 7) (local.get 0)))
    (func (export "copy") (param i32) (memory.copy (i32.const 0) (i32.const 1) (local.get 0)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "first") (result i32) (i32.load8_u (i32.const 0))))"#;

#[test]
fn bulk_operations_charge_by_length_and_trap_before_running_out() {
    use kwasm_kcore::bulk::{bytes_fuel, COPY_FUEL_PER_KIB, FILL_FUEL_PER_KIB, GROW_FUEL_PER_KIB};
    let mut i = instance(BULK, Bound::Fuel);
    // The call, the operators (`local.get`, two `i32.const`, `memory.fill`, `end`), the
    // helper's call with its 3 arguments, the bytes.
    let helper_fill = HELPER + 3 * MOVE;
    let fill = CALL + 5 + helper_fill + bytes_fuel(65536, FILL_FUEL_PER_KIB) as i64;
    i.set_fuel(fill);
    i.invoke("fill", &[Value::I32(65536)]).unwrap();
    assert_eq!(i.fuel(), 0);
    i.set_fuel(100);
    assert_eq!(i.invoke("first", &[]).unwrap(), vec![Value::I32(7)]);

    i.set_fuel(fill - 1);
    i.invoke("copy", &[Value::I32(100)]).unwrap();
    let left = i.fuel();
    assert_eq!(
        left,
        fill - 1 - CALL - 5 - helper_fill - bytes_fuel(100, COPY_FUEL_PER_KIB) as i64
    );

    // Not enough for the bytes (the helper may leave 0, not less): out of fuel before
    // anything is written.
    let mut i = instance(BULK, Bound::Fuel);
    i.set_fuel(fill - 2);
    assert_eq!(
        trap_code(i.invoke("fill", &[Value::I32(65536)])),
        TRAP_OUT_OF_FUEL
    );
    i.set_fuel(100);
    assert_eq!(i.invoke("first", &[]).unwrap(), vec![Value::I32(0)]);

    // memory.grow pays for the bytes it adds; a failing grow only for its operators, the
    // helper's call (an argument, a result) and the return of its result.
    let grow_call = CALL + 3 + HELPER + 2 * MOVE + MOVE;
    let grow = grow_call + bytes_fuel(2 * 65536, GROW_FUEL_PER_KIB) as i64;
    i.set_fuel(grow);
    assert_eq!(
        i.invoke("grow", &[Value::I32(2)]).unwrap(),
        vec![Value::I32(1)]
    );
    assert_eq!(i.fuel(), 0);
    i.set_fuel(grow_call);
    assert_eq!(
        i.invoke("grow", &[Value::I32(65536)]).unwrap(),
        vec![Value::I32(-1)]
    );
    assert_eq!(i.fuel(), 0);
    // One unit short of the bytes (`end` and the result's move are charged after the helper).
    i.set_fuel(grow - (1 + MOVE) - 1);
    assert_eq!(
        trap_code(i.invoke("grow", &[Value::I32(2)])),
        TRAP_OUT_OF_FUEL
    );
}

#[test]
fn yield_mode_does_not_charge_bulk_operations() {
    let mut i = instance(BULK, Bound::Yield);
    i.set_fuel(1);
    i.invoke("fill", &[Value::I32(65536)]).unwrap();
    i.invoke("grow", &[Value::I32(1)]).unwrap();
    assert_eq!(i.fuel(), 1);
}
