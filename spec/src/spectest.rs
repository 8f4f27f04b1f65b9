//! The `spectest` host module the scripts import from.

use kwasm::executor::{Extern, Imports, Value};
use kwasm::hooks::artifact::{VAL_F32, VAL_F64, VAL_I32, VAL_I64};

pub fn imports() -> Imports {
    let mut i = Imports::default();
    let nop = |_: &mut kwasm::executor::Caller<'_>, _: &mut [u64]| Ok(());
    i.func("spectest", "print", &[], &[], nop)
        .func("spectest", "print_i32", &[VAL_I32], &[], nop)
        .func("spectest", "print_i64", &[VAL_I64], &[], nop)
        .func("spectest", "print_f32", &[VAL_F32], &[], nop)
        .func("spectest", "print_f64", &[VAL_F64], &[], nop)
        .func("spectest", "print_i32_f32", &[VAL_I32, VAL_F32], &[], nop)
        .func("spectest", "print_f64_f64", &[VAL_F64, VAL_F64], &[], nop)
        .define(
            "spectest",
            "global_i32",
            Extern::Global {
                value: Value::I32(666),
                mutable: false,
            },
        )
        .define(
            "spectest",
            "global_i64",
            Extern::Global {
                value: Value::I64(666),
                mutable: false,
            },
        )
        .define(
            "spectest",
            "global_f32",
            Extern::Global {
                value: Value::F32(666.6f32.to_bits()),
                mutable: false,
            },
        )
        .define(
            "spectest",
            "global_f64",
            Extern::Global {
                value: Value::F64(666.6f64.to_bits()),
                mutable: false,
            },
        )
        .define(
            "spectest",
            "table",
            Extern::Table {
                min: 10,
                max: Some(20),
            },
        )
        .define(
            "spectest",
            "memory",
            Extern::Memory {
                min: 1,
                max: Some(2),
            },
        );
    i
}
