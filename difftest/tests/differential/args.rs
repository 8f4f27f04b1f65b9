//! Arguments for exported functions: edge values and random bits, chosen by the case's seed.

use crate::budget::Rng;
use crate::outcome::Value;
use wasmparser::ValType;

pub fn args(rng: &mut Rng, params: &[ValType]) -> Vec<Value> {
    params.iter().map(|&t| arg(rng, t)).collect()
}

fn arg(rng: &mut Rng, ty: ValType) -> Value {
    match ty {
        ValType::I32 => Value::I32(int(rng) as i32),
        ValType::I64 => Value::I64(int(rng) as i64),
        ValType::F32 => Value::F32((float(rng) as f32).to_bits()),
        ValType::F64 => Value::F64(float(rng).to_bits()),
        other => panic!("no argument of type {other:?}"),
    }
}

fn int(rng: &mut Rng) -> u64 {
    const EDGES: [i64; 12] = [
        0,
        1,
        -1,
        2,
        7,
        64,
        1 << 16,
        i32::MIN as i64,
        i32::MAX as i64,
        i64::MIN,
        i64::MAX,
        0x8000,
    ];
    match rng.below(4) {
        0 => *rng.pick(&EDGES) as u64,
        1 => rng.below(256),
        _ => rng.next(),
    }
}

fn float(rng: &mut Rng) -> f64 {
    const EDGES: [f64; 10] = [
        0.0,
        -0.0,
        1.0,
        -1.5,
        0.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        4294967296.0,
        -2147483649.0,
    ];
    match rng.below(3) {
        0 => *rng.pick(&EDGES),
        1 => rng.below(2000) as f64 / 8.0 - 100.0,
        _ => f64::from_bits(rng.next()),
    }
}
