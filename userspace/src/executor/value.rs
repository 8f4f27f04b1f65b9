//! Wasm values as the executor passes them in and out.

use kwasm_hooks::artifact::{VAL_F32, VAL_F64, VAL_I32, VAL_I64};
use std::fmt;

/// A wasm value; floats as bits so NaN payloads survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
}

impl Value {
    /// The 8-byte slot representation (`kwasm_hooks::vmctx`).
    pub fn to_slot(self) -> u64 {
        match self {
            Value::I32(v) => u64::from(v as u32),
            Value::I64(v) => v as u64,
            Value::F32(b) => u64::from(b),
            Value::F64(b) => b,
        }
    }

    /// Reads a slot of value type `code` (`VAL_*`); upper bits of 32-bit slots are ignored.
    pub fn from_slot(code: u8, slot: u64) -> Value {
        match code {
            VAL_I32 => Value::I32(slot as u32 as i32),
            VAL_I64 => Value::I64(slot as i64),
            VAL_F32 => Value::F32(slot as u32),
            _ => Value::F64(slot),
        }
    }

    pub fn type_code(self) -> u8 {
        match self {
            Value::I32(_) => VAL_I32,
            Value::I64(_) => VAL_I64,
            Value::F32(_) => VAL_F32,
            Value::F64(_) => VAL_F64,
        }
    }

    /// Parses `i32:5`, `i64:-1`, `f32:1.5`, `f64:2` or a bare integer (i32, or i64 if large).
    pub fn parse(s: &str) -> Option<Value> {
        let (ty, v) = s.split_once(':').unwrap_or(("", s));
        Some(match ty {
            "i32" => Value::I32(v.parse::<i64>().ok().and_then(|x| {
                i32::try_from(x)
                    .ok()
                    .or(u32::try_from(x).ok().map(|u| u as i32))
            })?),
            "i64" => Value::I64(v.parse::<i128>().ok().and_then(|x| {
                i64::try_from(x)
                    .ok()
                    .or(u64::try_from(x).ok().map(|u| u as i64))
            })?),
            "f32" => Value::F32(v.parse::<f32>().ok()?.to_bits()),
            "f64" => Value::F64(v.parse::<f64>().ok()?.to_bits()),
            "" => match v.parse::<i64>().ok()? {
                x if i32::try_from(x).is_ok() => Value::I32(x as i32),
                x => Value::I64(x),
            },
            _ => return None,
        })
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::I32(v) => write!(f, "{v}:i32"),
            Value::I64(v) => write!(f, "{v}:i64"),
            Value::F32(b) => write!(f, "{}:f32", f32::from_bits(b)),
            Value::F64(b) => write!(f, "{}:f64", f64::from_bits(b)),
        }
    }
}
