use kwasm::executor::{Imports, Instance, Value};

fn run(wat: &str, name: &str, args: &[Value]) -> Result<Vec<Value>, String> {
    let wasm = wat::parse_str(wat).unwrap();
    let art = kwasm_compiler::compile(&wasm, &Default::default()).map_err(|e| e.to_string())?;
    let inst = Instance::new(&art, &Imports::default()).map_err(|e| e.to_string())?;
    inst.invoke(name, args).map_err(|e| e.to_string())
}

#[test]
fn add() {
    let r = run(
        r#"(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"#,
        "add",
        &[Value::I32(2), Value::I32(40)],
    );
    assert_eq!(r, Ok(vec![Value::I32(42)]));
}

#[test]
fn fac() {
    let r = run(
        r#"(module (func $f (export "fac") (param i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
          (else (i64.mul (local.get 0) (call $f (i64.sub (local.get 0) (i64.const 1))))))))"#,
        "fac",
        &[Value::I64(20)],
    );
    assert_eq!(r, Ok(vec![Value::I64(2432902008176640000)]));
}

#[test]
fn loop_sum_and_memory() {
    let r = run(
        r#"(module (memory 1)
      (func (export "sum") (param i32) (result i32) (local i32 i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get 0)))
          (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (local.get 0)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br $l)))
        (i32.load (i32.const 16))))"#,
        "sum",
        &[Value::I32(100)],
    );
    assert_eq!(r, Ok(vec![Value::I32(5050)]));
}

#[test]
fn traps() {
    let oob = run(
        r#"(module (memory 1) (func (export "f") (result i32) (i32.load (i32.const 65534))))"#,
        "f",
        &[],
    );
    assert!(oob.unwrap_err().contains("out of bounds"));
    let div = run(
        r#"(module (func (export "f") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))"#,
        "f",
        &[Value::I32(0)],
    );
    assert!(div.unwrap_err().contains("divide by zero"));
    let rec = run(r#"(module (func $f (export "f") (call $f)))"#, "f", &[]);
    assert!(rec.unwrap_err().contains("stack exhausted"));
}
