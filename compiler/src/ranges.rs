//! Upper bounds of i32 values in registers, from the operations that produced them: a mask
//! (`and` with a constant), a right shift, a narrow unsigned load, and sums, products and left
//! shifts of bounded values that cannot wrap. `bounds.rs` (rule 3) leaves out the bounds check
//! of an address whose bound keeps the whole access inside the memory's declared minimum.
//!
//! A bound describes the value the instruction computes whatever the path that led there: it
//! comes from data flow only, never from a branch, so it holds on mispredicted paths too.

use crate::ops_int::{Alu, Shift};

/// The bound of an i32 nothing is known about.
pub const UNKNOWN: u64 = u32::MAX as u64;

/// The smallest all-ones value at least `x` (`x | (x >> 1) | ...`).
fn fill(x: u64) -> u64 {
    if x == 0 {
        0
    } else {
        u64::MAX >> x.leading_zeros()
    }
}

/// `l op r` for i32 operands at most `l` and `r` (bounds above 32 bits count as unknown).
pub fn alu(op: Alu, l: u64, r: u64) -> u64 {
    let (l, r) = (l.min(UNKNOWN), r.min(UNKNOWN));
    let b = match op {
        Alu::And => l.min(r),
        Alu::Or | Alu::Xor => fill(l.max(r)),
        // Without wrapping (the sum or product of the bounds fits in 32 bits) the result is
        // the true sum or product, at most that of the bounds.
        Alu::Add => l + r,
        Alu::Mul => l.saturating_mul(r),
        Alu::Sub => UNKNOWN,
    };
    if b > UNKNOWN {
        UNKNOWN
    } else {
        b
    }
}

/// `l op count` for an i32 at most `l` and a constant count (`None`: in a register).
pub fn shift(op: Shift, l: u64, count: Option<u32>) -> u64 {
    let l = l.min(UNKNOWN);
    match (op, count) {
        (Shift::ShrU, Some(c)) => l >> (c & 31),
        (Shift::ShrU, None) => l,
        (Shift::Shl, Some(c)) if fill(l) << (c & 31) <= UNKNOWN => l << (c & 31),
        _ => UNKNOWN,
    }
}
