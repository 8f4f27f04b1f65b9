//! Instances whose code runs again while it is suspended (a host function or yield hook calls
//! into another instance, which calls back through a shared table), instances dropped while
//! their functions stay in a table, and host functions holding their caller's memory: the access
//! rules the executor's `unsafe` code relies on (`executor/instance.rs`).

use kwasm::executor::{Extern, Imports, Instance, InvokeError, Trap, Value};
use kwasm::hooks::artifact::VAL_I32;
use kwasm::hooks::trap::TRAP_HOST_ABORT;
use kwasm_compiler::{Bound, Options};
use std::cell::RefCell;
use std::rc::Rc;

fn artifact(wat: &str) -> Vec<u8> {
    kwasm_compiler::compile(&wat::parse_str(wat).unwrap(), &Default::default()).unwrap()
}

fn instance(wat: &str, imports: &Imports) -> Instance {
    Instance::new(&artifact(wat), imports).unwrap()
}

fn i32s(r: Result<Vec<Value>, InvokeError>) -> Vec<i32> {
    r.unwrap()
        .into_iter()
        .map(|v| match v {
            Value::I32(x) => x,
            other => panic!("not an i32: {other:?}"),
        })
        .collect()
}

/// The table's owner is dropped first: its functions stay callable through the table.
#[test]
fn a_table_owner_dropped_before_its_importer_stays_callable() {
    let mut owner = instance(
        r#"(module (table (export "t") 2 funcref) (elem (i32.const 0) $f)
        (global $g (mut i32) (i32.const 7))
        (func $f (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))"#,
        &Imports::default(),
    );
    let mut imports = Imports::default();
    imports.define("a", "t", owner.export_extern("t").unwrap());
    let user = instance(
        r#"(module (import "a" "t" (table 2 funcref)) (type $r (func (result i32)))
        (func (export "call") (result i32) (call_indirect (type $r) (i32.const 0))))"#,
        &imports,
    );
    drop(owner);
    assert_eq!(i32s(user.invoke("call", &[])), [8]);
    assert_eq!(i32s(user.invoke("call", &[])), [9]);
}

/// A dropped instance whose function stays in a table keeps following its memory's growth
/// (the memory moves: a stale view reads freed memory, or traps out of bounds).
#[test]
fn a_dropped_instance_in_a_table_sees_its_memory_grow() {
    let mut imports = Imports::default();
    imports
        .define("h", "mem", Extern::memory(1, None).unwrap())
        .define("h", "t", Extern::table(1, None));
    let reader = instance(
        r#"(module (import "h" "mem" (memory 1)) (import "h" "t" (table 1 funcref))
        (elem (i32.const 0) $load)
        (func $load (param i32) (result i32) (i32.load (local.get 0))))"#,
        &imports,
    );
    drop(reader);
    let user = instance(
        r#"(module (import "h" "mem" (memory 1)) (import "h" "t" (table 1 funcref))
        (type $load (func (param i32) (result i32)))
        (func (export "grow") (result i32) (memory.grow (i32.const 1000)))
        (func (export "store_load") (param i32 i32) (result i32)
          (i32.store (local.get 0) (local.get 1))
          (call_indirect (type $load) (local.get 0) (i32.const 0))))"#,
        &imports,
    );
    assert_eq!(i32s(user.invoke("grow", &[])), [1]);
    for (at, value) in [(8, 42), (1001 * 65536 - 4, 43)] {
        assert_eq!(
            i32s(user.invoke("store_load", &[Value::I32(at), Value::I32(value)])),
            [value]
        );
    }
}

thread_local! {
    static OTHER: RefCell<Option<Rc<Instance>>> = const { RefCell::new(None) };
}

fn other() -> Rc<Instance> {
    OTHER.with(|o| o.borrow().clone().expect("set by the test"))
}

/// A host function holding its caller's memory: code that uses that memory cannot start
/// meanwhile (it would write under the host's slice, or grow and move it); once the host lets
/// go, it can.
#[test]
fn code_sharing_a_lent_memory_cannot_start() {
    let mut exporter = instance(
        r#"(module (memory (export "mem") 1)
        (func (export "grow") (result i32) (memory.grow (i32.const 100))))"#,
        &Imports::default(),
    );
    let mem = exporter.export_extern("mem").unwrap();
    OTHER.with(|o| *o.borrow_mut() = Some(Rc::new(exporter)));
    let mut imports = Imports::default();
    imports.define("a", "mem", mem);
    imports.func("env", "host", &[], &[VAL_I32], |caller, s| {
        let held = {
            let mut m = caller.memory()?;
            let r = other().invoke("grow", &[]);
            m[0] = 1;
            r
        };
        assert!(matches!(
            held,
            Err(InvokeError::Trap(Trap(TRAP_HOST_ABORT)))
        ));
        // Nothing lent now: the exporter runs and the memory grows.
        let old = other().invoke("grow", &[]).map_err(|_| 99u32)?;
        assert_eq!(old, [Value::I32(1)]);
        let m = caller.memory()?;
        s[0] = u64::from(m[0]) + m.len() as u64 / 65536;
        Ok(())
    });
    let user = instance(
        r#"(module (import "a" "mem" (memory 1)) (import "env" "host" (func $h (result i32)))
        (func (export "f") (result i32) (call $h)))"#,
        &imports,
    );
    assert_eq!(i32s(user.invoke("f", &[])), [1 + 101]);
    OTHER.with(|o| o.borrow_mut().take());
}

/// A host function asking for its caller's memory while an outer host function holds it: the
/// outer one calls (through another instance and a table) a host function of an instance using
/// the same memory.
#[test]
fn a_lent_memory_is_lent_once() {
    let mut imports = Imports::default();
    imports
        .define("h", "mem", Extern::memory(1, None).unwrap())
        .define("h", "t", Extern::table(1, None));
    imports.func("env", "inner", &[], &[], |caller, _| {
        caller.memory().map(|_| ())
    });
    imports.func("env", "outer", &[], &[VAL_I32], |caller, s| {
        let _held = caller.memory()?;
        s[0] = match call_through_table() {
            Err(InvokeError::Trap(Trap(code))) => u64::from(code),
            _ => 0,
        };
        Ok(())
    });
    // `inner`'s import goes into the table; it shares the memory.
    let _inner = instance(
        r#"(module (import "h" "mem" (memory 1)) (import "h" "t" (table 1 funcref))
        (import "env" "inner" (func $inner)) (elem (i32.const 0) $inner))"#,
        &imports,
    );
    // Calls the table's entry; has no memory of its own, so it may start.
    let caller = instance(
        r#"(module (import "h" "t" (table 1 funcref)) (type $v (func))
        (func (export "call_inner") (call_indirect (type $v) (i32.const 0))))"#,
        &imports,
    );
    CALLER.with(|c| *c.borrow_mut() = Some(Rc::new(caller)));
    let outer = instance(
        r#"(module (import "h" "mem" (memory 1)) (import "env" "outer" (func $o (result i32)))
        (func (export "f") (result i32) (call $o)))"#,
        &imports,
    );
    assert_eq!(i32s(outer.invoke("f", &[])), [TRAP_HOST_ABORT as i32]);
    // Not lent now: the same call goes through.
    assert!(call_through_table().is_ok());
    CALLER.with(|c| c.borrow_mut().take());
}

thread_local! {
    static CALLER: RefCell<Option<Rc<Instance>>> = const { RefCell::new(None) };
}

fn call_through_table() -> Result<Vec<Value>, InvokeError> {
    let c = CALLER.with(|c| c.borrow().clone().expect("set by the test"));
    c.invoke("call_inner", &[])
}

/// A host function of one instance calls into another, which calls back into the first
/// through a shared table while the first is suspended in the host call (nested activation).
#[test]
fn a_host_function_reenters_its_caller_through_a_table() {
    let mut imports = Imports::default();
    imports.define("h", "t", Extern::table(1, None));
    imports.func("env", "host", &[VAL_I32], &[VAL_I32], |_, s| {
        let arg = s[0] as i32;
        let via = CALLER.with(|c| c.borrow().clone().expect("set by the test"));
        let r = via.invoke("via_table", &[Value::I32(arg)]);
        s[0] = match r.map_err(|_| 1u32)?[0] {
            Value::I32(x) => x as u32 as u64,
            _ => return Err(1),
        };
        Ok(())
    });
    let first = instance(
        r#"(module (import "h" "t" (table 1 funcref)) (import "env" "host" (func $h (param i32) (result i32)))
        (memory 1) (global $calls (mut i32) (i32.const 0))
        (elem (i32.const 0) $f)
        (func $f (export "f") (param i32) (result i32)
          (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
          (if (result i32) (i32.eqz (local.get 0)) (then (global.get $calls))
            (else (call $h (i32.sub (local.get 0) (i32.const 1)))))))"#,
        &imports,
    );
    let via = instance(
        r#"(module (import "h" "t" (table 1 funcref)) (type $f (func (param i32) (result i32)))
        (func (export "via_table") (param i32) (result i32) (call_indirect (type $f) (local.get 0) (i32.const 0))))"#,
        &imports,
    );
    CALLER.with(|c| *c.borrow_mut() = Some(Rc::new(via)));
    // Ten nested activations of `first`, each on its own stack.
    assert_eq!(i32s(first.invoke("f", &[Value::I32(9)])), [10]);
    CALLER.with(|c| c.borrow_mut().take());
}

/// The yield hook runs code that comes back into its instance (through a table) and yields
/// there: the nested yield does not call the running hook again, and the run goes on.
#[test]
fn a_yield_hook_reentering_its_instance() {
    let wat = r#"(module (table (export "t") 1 funcref) (elem (i32.const 0) $count)
        (global $n (mut i32) (i32.const 0))
        (func $count (export "count") (result i32) (local i32)
          (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get 0) (i32.const 1000))))
          (global.set $n (i32.add (global.get $n) (i32.const 1)))
          (global.get $n)))"#;
    let art = kwasm_compiler::compile(
        &wat::parse_str(wat).unwrap(),
        &Options {
            bound: Bound::Yield,
            ..Default::default()
        },
    )
    .unwrap();
    let mut first = Instance::new(&art, &Imports::default()).unwrap();
    let mut imports = Imports::default();
    imports.define("a", "t", first.export_extern("t").unwrap());
    let via = instance(
        r#"(module (import "a" "t" (table 1 funcref)) (type $r (func (result i32)))
        (func (export "via_table") (result i32) (call_indirect (type $r) (i32.const 0))))"#,
        &imports,
    );
    let vmctx = first.vmctx_ptr() as usize;
    let hooks = Rc::new(RefCell::new(Vec::new()));
    let seen = hooks.clone();
    first.set_yield_hook(move || {
        // Ask the nested run to yield too.
        // SAFETY: the hook runs inside `invoke`, while the instance (and its vmctx) lives.
        unsafe { (*(vmctx as *mut kwasm::hooks::vmctx::VmCtx)).yield_requested = 1 };
        seen.borrow_mut().push(i32s(via.invoke("via_table", &[])));
        true
    });
    first.request_yield();
    assert_eq!(i32s(first.invoke("count", &[])), [2]);
    assert_eq!(*hooks.borrow(), [vec![1]]);
    // The hook is back in place for the next run.
    first.request_yield();
    assert_eq!(i32s(first.invoke("count", &[])), [4]);
    assert_eq!(hooks.borrow().len(), 2);
}
