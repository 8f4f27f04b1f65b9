//! The `spectest` host module the scripts import from.

use kwasm::executor::{Caller, Extern, Imports, Value};
use kwasm::hooks::artifact::{VAL_F32, VAL_F64, VAL_I32, VAL_I64};

pub fn imports() -> Imports {
    let mut i = Imports::default();
    let nop = |_: &mut Caller<'_>, _: &mut [u64]| Ok(());
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
            Extern::global(Value::I32(666), false),
        )
        .define(
            "spectest",
            "global_i64",
            Extern::global(Value::I64(666), false),
        )
        .define(
            "spectest",
            "global_f32",
            Extern::global(Value::F32(666.6f32.to_bits()), false),
        )
        .define(
            "spectest",
            "global_f64",
            Extern::global(Value::F64(666.6f64.to_bits()), false),
        )
        .define("spectest", "table", Extern::table(10, Some(20)))
        .define(
            "spectest",
            "memory",
            Extern::memory(1, Some(2)).expect("a 1-page memory"),
        );
    i
}
