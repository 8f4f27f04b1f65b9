//! Mutated modules that still compile are run: every export, with fuel, must return or trap —
//! never crash the process, never touch memory outside the instance.

use kwasm::executor::{Imports, Instance, Value};
use kwasm::hooks::artifact::{VAL_F32, VAL_F64, VAL_I32, VAL_I64};

const SEED: &str = r#"(module (memory 1 2) (global $g (mut i32) (i32.const 7))
    (table 4 funcref) (elem (i32.const 0) $a $b $c)
    (type $t (func (param i32) (result i32)))
    (func $a (type $t) (i32.add (local.get 0) (global.get $g)))
    (func $b (type $t) (call_indirect (type $t) (i32.and (local.get 0) (i32.const 3)) (i32.const 0)))
    (func $c (type $t) (i32.load (i32.mul (local.get 0) (i32.const 4096))))
    (func (export "walk") (param i32) (result i32) (local i32)
      (block $x (loop $l (br_if $x (i32.ge_u (local.get 1) (local.get 0)))
        (i32.store (i32.mul (local.get 1) (i32.const 8)) (call $b (local.get 1)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1))) (br $l)))
      (i32.load offset=65530 (local.get 0)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "div") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
    (func (export "conv") (param f64) (result i32) (i32.trunc_f64_u (local.get 0))))"#;

fn arg(ty: u8, n: u64) -> Value {
    match ty {
        VAL_I32 => Value::I32(n as i32),
        VAL_I64 => Value::I64(n as i64),
        VAL_F32 => Value::F32(n as u32),
        VAL_F64 => Value::F64((n as f64 * 1e9).to_bits()),
        _ => unreachable!(),
    }
}

#[test]
fn mutated_programs_return_or_trap() {
    let wasm = wat::parse_str(SEED).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut ran, mut trapped) = (0, 0);
    for _ in 0..1500 {
        let mut m = wasm.clone();
        let i = (next() as usize) % m.len();
        m[i] ^= 1 << (next() % 8);
        let Ok(artifact) = kwasm_compiler::compile(&m, &Default::default()) else {
            continue;
        };
        let Ok(mut inst) = Instance::new(&artifact, &Imports::default()) else {
            continue;
        };
        for name in ["walk", "grow", "div", "conv"] {
            let Some((params, _)) = inst.func_type(name) else {
                continue;
            };
            let args: Vec<Value> = params.iter().map(|&t| arg(t, next() % 300)).collect();
            inst.set_fuel(20_000);
            match inst.invoke(name, &args) {
                Ok(_) => ran += 1,
                Err(_) => trapped += 1,
            }
        }
    }
    assert!(ran > 100 && trapped > 100, "ran {ran}, trapped {trapped}");
}
