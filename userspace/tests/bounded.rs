//! Bounded execution and stack safety: fuel, yield, recursion depth.

use kwasm::executor::{Imports, Instance, InvokeError, Trap, Value};
use kwasm::hooks::trap::{TRAP_HOST_ABORT, TRAP_OUT_OF_FUEL, TRAP_STACK_EXHAUSTED};
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
    // f calls g twice, g calls h twice: 1 + 2 + 4 = 7 function entries, no loop at all.
    let wat = r#"(module
        (func $h)
        (func $g (call $h) (call $h))
        (func (export "f") (call $g) (call $g)))"#;
    let mut i = instance(wat, Bound::Fuel);
    i.set_fuel(7);
    i.invoke("f", &[]).expect("7 units are enough");
    assert_eq!(i.fuel(), 0);
    i.set_fuel(6);
    assert_eq!(trap_code(i.invoke("f", &[])), TRAP_OUT_OF_FUEL);
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
    let mut i = instance(
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
