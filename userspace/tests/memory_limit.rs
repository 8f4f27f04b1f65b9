//! No linear memory grows past `MEMORY_PAGES_LIMIT` (2 GiB), whatever it declares: the
//! compiled code relies on it (`compiler/src/widening.rs`).

use kwasm::executor::{Imports, Instance, Value};
use kwasm::hooks::vmctx::MEMORY_PAGES_LIMIT;

fn artifact(wat: &str) -> Vec<u8> {
    let wasm = wat::parse_str(wat).unwrap();
    kwasm_compiler::compile(&wasm, &Default::default()).unwrap()
}

#[test]
fn memory_grow_stops_at_the_limit() {
    let a = artifact(
        r#"(module (memory 0 65536)
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let i = Instance::new(&a, &Imports::default()).unwrap();
    let past = MEMORY_PAGES_LIMIT as i32 + 1;
    // Fails before it allocates anything.
    assert_eq!(
        i.invoke("grow", &[Value::I32(past)]).unwrap(),
        [Value::I32(-1)]
    );
    assert_eq!(i.invoke("grow", &[Value::I32(1)]).unwrap(), [Value::I32(0)]);
    assert_eq!(
        i.invoke("grow", &[Value::I32(MEMORY_PAGES_LIMIT as i32)])
            .unwrap(),
        [Value::I32(-1)]
    );
}

#[test]
fn a_minimum_past_the_limit_is_refused() {
    let a = artifact(&format!("(module (memory {}))", MEMORY_PAGES_LIMIT + 1));
    let Err(e) = Instance::new(&a, &Imports::default()) else {
        panic!("instantiated a memory past the limit");
    };
    assert!(format!("{e}").contains("limit"), "{e}");
}

#[test]
fn a_grow_past_the_limit_fails_without_charging_it() {
    // Inside the declared maximum (none: 65536 pages), past the limit: it fails, and a
    // failing grow does no work, so it costs the call and nothing for the pages.
    let a = artifact(
        r#"(module (memory 1)
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let mut i = Instance::new(&a, &Imports::default()).unwrap();
    let fuel = 1_000_000_000;
    i.set_fuel(fuel);
    assert_eq!(
        i.invoke("grow", &[Value::I32(40_000)]).unwrap(),
        [Value::I32(-1)]
    );
    let spent = fuel - i.fuel();
    assert!(spent < 1_000, "{spent} fuel for a grow that failed");
}
