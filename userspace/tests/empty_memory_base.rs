//! An empty memory or table still has readable bytes at its base: a bounds check's failing
//! path clamps an access to the base (huge offsets) or to entry 0 (`call_indirect`), and a
//! mispredicted path reads there (`compiler/src/bounds.rs`). An empty vec's buffer pointer is
//! dangling, so the base must point elsewhere: at zeroed bytes that belong to nothing
//! (`kwasm_kcore::empty`).

use kwasm::executor::{Imports, Instance, Value};

fn instance(wat: &str) -> Instance {
    let wasm = wat::parse_str(wat).unwrap();
    let artifact = kwasm_compiler::compile(&wasm, &Default::default()).unwrap();
    Instance::new(&artifact, &Imports::default()).unwrap()
}

/// `len` bytes at `addr` are mapped and zero (a dangling pointer is within the first page).
fn assert_readable_zeros(addr: u64, len: usize) {
    assert!(addr >= 4096, "base {addr:#x} is a dangling pointer");
    // SAFETY: the runtime promises `len` readable bytes there (what this test checks).
    let bytes = unsafe { std::slice::from_raw_parts(addr as *const u8, len) };
    assert!(bytes.iter().all(|&b| b == 0));
}

#[test]
fn an_empty_memory_and_table_point_at_readable_zeros() {
    let i = instance(
        r#"(module (memory 0 1) (table 0 funcref) (type $t (func))
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
            (func (export "load") (param i32) (result i64) (i64.load offset=0xfffffff0 (local.get 0)))
            (func (export "call") (param i32) (call_indirect (type $t) (local.get 0))))"#,
    );
    let vm = i.vmctx_ptr();
    // SAFETY: read while no wasm code runs; the instance lives.
    let (memory, table) = unsafe { ((*vm).memory_base, (*vm).table_base) };
    assert_readable_zeros(memory, 8);
    assert_readable_zeros(table, 32);
    // Accesses trap as before; growing by nothing leaves it empty, by a page gives it bytes.
    assert!(i.invoke("load", &[Value::I32(0)]).is_err());
    assert!(i.invoke("call", &[Value::I32(0)]).is_err());
    assert_eq!(i.invoke("grow", &[Value::I32(0)]).unwrap(), [Value::I32(0)]);
    // SAFETY: as above.
    assert_readable_zeros(unsafe { (*vm).memory_base }, 8);
    assert_eq!(i.invoke("grow", &[Value::I32(1)]).unwrap(), [Value::I32(0)]);
    // SAFETY: as above.
    let (base, size) = unsafe { ((*vm).memory_base, (*vm).memory_size) };
    assert_eq!(size, 65536);
    assert_readable_zeros(base, 65536);
}
