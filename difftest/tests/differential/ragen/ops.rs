//! Operator tables by value type, for the register-pressure generator.

use wasm_encoder::{Instruction as I, MemArg, ValType};

pub const TYPES: [ValType; 4] = [ValType::I32, ValType::I64, ValType::F32, ValType::F64];

/// Binary operators of `ty` that never trap (`ty` → `ty`). Shifts and rotates take their
/// count in a fixed register on x86, multiplications clobber some.
pub fn safe_binops(ty: ValType) -> &'static [I<'static>] {
    match ty {
        ValType::I32 => &[
            I::I32Add,
            I::I32Sub,
            I::I32Mul,
            I::I32And,
            I::I32Or,
            I::I32Xor,
            I::I32Shl,
            I::I32ShrS,
            I::I32ShrU,
            I::I32Rotl,
            I::I32Rotr,
        ],
        ValType::I64 => &[
            I::I64Add,
            I::I64Sub,
            I::I64Mul,
            I::I64And,
            I::I64Or,
            I::I64Xor,
            I::I64Shl,
            I::I64ShrS,
            I::I64ShrU,
            I::I64Rotl,
            I::I64Rotr,
        ],
        ValType::F32 => &[
            I::F32Add,
            I::F32Sub,
            I::F32Mul,
            I::F32Div,
            I::F32Min,
            I::F32Max,
        ],
        _ => &[
            I::F64Add,
            I::F64Sub,
            I::F64Mul,
            I::F64Div,
            I::F64Min,
            I::F64Max,
        ],
    }
}

/// Integer division and remainder of `ty` (`None` for floats): they trap on a zero divisor
/// (and `div_s` on MIN / -1), and need rax/rdx on x86.
pub fn divisions(ty: ValType) -> Option<&'static [I<'static>]> {
    match ty {
        ValType::I32 => Some(&[I::I32DivS, I::I32DivU, I::I32RemS, I::I32RemU]),
        ValType::I64 => Some(&[I::I64DivS, I::I64DivU, I::I64RemS, I::I64RemU]),
        _ => None,
    }
}

pub fn unops(ty: ValType) -> &'static [I<'static>] {
    match ty {
        ValType::I32 => &[
            I::I32Clz,
            I::I32Ctz,
            I::I32Popcnt,
            I::I32Eqz,
            I::I32Extend8S,
            I::I32Extend16S,
        ],
        ValType::I64 => &[
            I::I64Clz,
            I::I64Ctz,
            I::I64Popcnt,
            I::I64Extend8S,
            I::I64Extend16S,
            I::I64Extend32S,
        ],
        ValType::F32 => &[
            I::F32Abs,
            I::F32Neg,
            I::F32Sqrt,
            I::F32Ceil,
            I::F32Floor,
            I::F32Trunc,
            I::F32Nearest,
        ],
        _ => &[
            I::F64Abs,
            I::F64Neg,
            I::F64Sqrt,
            I::F64Ceil,
            I::F64Floor,
            I::F64Trunc,
            I::F64Nearest,
        ],
    }
}

/// Comparisons of two `ty` operands (→ i32).
pub fn compares(ty: ValType) -> &'static [I<'static>] {
    match ty {
        ValType::I32 => &[
            I::I32Eq,
            I::I32Ne,
            I::I32LtS,
            I::I32LtU,
            I::I32GtS,
            I::I32GtU,
            I::I32LeS,
            I::I32LeU,
            I::I32GeS,
            I::I32GeU,
        ],
        ValType::I64 => &[
            I::I64Eq,
            I::I64Ne,
            I::I64LtS,
            I::I64LtU,
            I::I64GtS,
            I::I64GtU,
            I::I64LeS,
            I::I64LeU,
            I::I64GeS,
            I::I64GeU,
        ],
        ValType::F32 => &[I::F32Eq, I::F32Ne, I::F32Lt, I::F32Gt, I::F32Le, I::F32Ge],
        _ => &[I::F64Eq, I::F64Ne, I::F64Lt, I::F64Gt, I::F64Le, I::F64Ge],
    }
}

/// Conversions `from` → `to` that never trap (empty if the types are equal). Float to
/// integer saturates; float bits reinterpreted must have been canonicalized by the caller.
pub fn conversions(from: ValType, to: ValType) -> &'static [I<'static>] {
    use ValType::*;
    match (from, to) {
        (I32, I64) => &[I::I64ExtendI32S, I::I64ExtendI32U],
        (I64, I32) => &[I::I32WrapI64],
        (F32, I32) => &[I::I32TruncSatF32S, I::I32TruncSatF32U],
        (F64, I32) => &[I::I32TruncSatF64S, I::I32TruncSatF64U],
        (F32, I64) => &[I::I64TruncSatF32S, I::I64TruncSatF32U],
        (F64, I64) => &[I::I64TruncSatF64S, I::I64TruncSatF64U],
        (I32, F32) => &[I::F32ConvertI32S, I::F32ConvertI32U, I::F32ReinterpretI32],
        (I64, F32) => &[I::F32ConvertI64S, I::F32ConvertI64U],
        (I32, F64) => &[I::F64ConvertI32S, I::F64ConvertI32U],
        (I64, F64) => &[I::F64ConvertI64S, I::F64ConvertI64U, I::F64ReinterpretI64],
        (F64, F32) => &[I::F32DemoteF64],
        (F32, F64) => &[I::F64PromoteF32],
        _ => &[],
    }
}

/// The float → integer reinterpretations (the operand's NaNs must be canonical).
pub fn reinterpret_float(from: ValType) -> Option<(I<'static>, ValType)> {
    match from {
        ValType::F32 => Some((I::I32ReinterpretF32, ValType::I32)),
        ValType::F64 => Some((I::I64ReinterpretF64, ValType::I64)),
        _ => None,
    }
}

/// Float → integer conversions that trap on NaN or out-of-range operands.
pub fn trapping_truncations(from: ValType, to: ValType) -> Option<I<'static>> {
    use ValType::*;
    Some(match (from, to) {
        (F32, I32) => I::I32TruncF32S,
        (F32, I64) => I::I64TruncF32U,
        (F64, I32) => I::I32TruncF64U,
        (F64, I64) => I::I64TruncF64S,
        _ => return None,
    })
}

/// A load or store: its instruction for a memarg, and its access size in bytes.
pub type Access = (fn(MemArg) -> I<'static>, u32);

/// Loads producing `ty`.
pub fn loads(ty: ValType) -> &'static [Access] {
    match ty {
        ValType::I32 => &[
            (I::I32Load, 4),
            (I::I32Load8S, 1),
            (I::I32Load8U, 1),
            (I::I32Load16S, 2),
            (I::I32Load16U, 2),
        ],
        ValType::I64 => &[
            (I::I64Load, 8),
            (I::I64Load8S, 1),
            (I::I64Load8U, 1),
            (I::I64Load16S, 2),
            (I::I64Load16U, 2),
            (I::I64Load32S, 4),
            (I::I64Load32U, 4),
        ],
        ValType::F32 => &[(I::F32Load, 4)],
        _ => &[(I::F64Load, 8)],
    }
}

/// Stores of a `ty` value.
pub fn stores(ty: ValType) -> &'static [Access] {
    match ty {
        ValType::I32 => &[(I::I32Store, 4), (I::I32Store8, 1), (I::I32Store16, 2)],
        ValType::I64 => &[
            (I::I64Store, 8),
            (I::I64Store8, 1),
            (I::I64Store16, 2),
            (I::I64Store32, 4),
        ],
        ValType::F32 => &[(I::F32Store, 4)],
        _ => &[(I::F64Store, 8)],
    }
}

/// Constants worth trying: edges of each type, and the zero of the type.
pub fn edge_ints() -> &'static [i64] {
    &[
        0,
        1,
        -1,
        2,
        3,
        31,
        32,
        33,
        63,
        64,
        255,
        0x7fff,
        0x8000,
        i32::MAX as i64,
        i32::MIN as i64,
        u32::MAX as i64,
        i64::MAX,
        i64::MIN,
    ]
}

pub fn edge_floats() -> &'static [f64] {
    &[
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        2.5,
        -3.5,
        1e10,
        -1e-10,
        2147483648.0,
        4294967296.0,
        9.3e18,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MIN_POSITIVE,
    ]
}
