//! Widened checks: a load through a local (pinned, or kept in memory and checked into a copy;
//! or through a pinned local plus a constant, summed right before) that needs a new check (`bounds.rs`, rule 2) checks as far as the loads through
//! the same local that follow it, so that they find the check done. Clang and rustc unroll
//! loops into runs of `local.get p; load offset=k` or `local.get p; i32.const k; i32.add; load`
//! with growing `k`: one check instead of one per load.
//!
//! Checking further than the access itself means trapping earlier than the program would when
//! a farther load is out of bounds and this one is not. That is unobservable when nothing
//! between the two has an effect and the farther load would trap: the program would trap
//! there anyway (the local is not written in between, and the memory cannot shrink), with the
//! same trap, and what it left behind (the memory, the globals) is the same either way. So the
//! lookahead stops at the first operator that could be told apart: a store, a call, a write
//! to a global, to a table or to the local itself, an operator that can trap otherwise
//! (division, truncation), and any control flow (a branch may leave before the farther load;
//! fuel is charged at the ends of straight-line stretches). It passes loads (they can trap
//! only the same way, out of bounds, before changing anything), writes to other locals (which
//! die with the trap), constants and arithmetic that cannot trap.
//!
//! The check may also start below the current access (into a copy: `bounds.rs`), at the
//! lowest of the loads that follow (clang reads a struct's fields before the one its pointer
//! points to). It checks `q + end <= size` for `q` the lowest sum (`local + k_low` as the
//! program sums it, wrapping at 2^32) and `end` as far past it as the farthest load reaches;
//! every load covered is `q + d` modulo 2^32 for a `d` from 0 to below 2^31.
//!
//! Would one of the loads trap when the check fails? If `q` is 2^31 or more, the lowest load
//! does: its address `q` is past any memory (at most 2 GiB, `MEMORY_PAGES_LIMIT`: no memory
//! grows past it). Else the farthest load's sum `q + d` is below 2^32, no wrap, and its end
//! `q + end` is past the memory's size: it does. Either way with an out-of-bounds trap, after
//! nothing observable. (Were another thread to grow a shared memory in between, trapping would
//! still be what an ordering of the two threads gives: the grow after the farther load.)
//!
//! The access that asks must itself be a load: a store before the trap would be observable.

use wasmparser::{MemArg, Operator, OperatorsReader};

/// How many operators the lookahead reads at most: a bound on compile time per check.
const LOOKAHEAD: usize = 48;

/// How far the loads through `local` in the effect-free stretch after the current operator
/// reach around `local + base`: `local.get local; load` and `local.get local; i32.const k;
/// i32.add; load`, whose sums are `d = k - base` past `local + base` (modulo 2^32, taken as
/// an i32: negative below; `k` is 0 for the first). The operators read are not validated
/// yet: a hint only (the validator rejects the module later if they are invalid).
pub fn load_span(mut ops: OperatorsReader<'_>, local: u32, base: u64) -> Span {
    let mut span = Span::default();
    // How far the value on top of the stack is from `local + base`, when it is the local
    // (plus a constant) read or summed by the last operators.
    let mut pattern = Pattern::None;
    let from_base = |k: u64| i64::from(k.wrapping_sub(base) as u32 as i32);
    for _ in 0..LOOKAHEAD {
        let Ok(op) = ops.read() else { break };
        if let Some(end) = load_end(&op) {
            if let Pattern::Local(d) | Pattern::Address(d) = pattern {
                span.below = span.below.max(d.min(0).unsigned_abs());
                span.end = span.end.max(d.saturating_add(end as i64).max(0) as u64);
            }
        } else if !effect_free(&op, local) {
            break;
        }
        pattern = match (pattern, &op) {
            (_, Operator::LocalGet { local_index }) if *local_index == local => {
                Pattern::Local(from_base(0))
            }
            (Pattern::Local(_), Operator::I32Const { value }) => {
                Pattern::Constant(*value as u32 as u64)
            }
            (Pattern::Constant(k), Operator::I32Add) => Pattern::Address(from_base(k)),
            _ => Pattern::None,
        };
    }
    span
}

/// How far accesses reach around `local + base`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Span {
    /// How far below it the lowest starts.
    pub below: u64,
    /// How far past it the farthest ends.
    pub end: u64,
}

/// Where [`load_span`] is in a pattern it looks for.
#[derive(Clone, Copy)]
enum Pattern {
    None,
    /// `local.get local`: an address `d` from `local + base` (for a load right after).
    Local(i64),
    /// `local.get local; i32.const k`.
    Constant(u64),
    /// An address this far from `local + base` (as an i32: negative below).
    Address(i64),
}

/// A load (from the one memory: `features.rs` has no multi-memory): where its access ends past its address.
pub fn load_end(op: &Operator<'_>) -> Option<u64> {
    use Operator::*;
    let (memarg, size): (&MemArg, u64) = match op {
        I32Load { memarg } | F32Load { memarg } | I64Load32S { memarg } | I64Load32U { memarg } => {
            (memarg, 4)
        }
        I64Load { memarg } | F64Load { memarg } => (memarg, 8),
        I32Load8S { memarg }
        | I32Load8U { memarg }
        | I64Load8S { memarg }
        | I64Load8U { memarg } => (memarg, 1),
        I32Load16S { memarg }
        | I32Load16U { memarg }
        | I64Load16S { memarg }
        | I64Load16U { memarg } => (memarg, 2),
        _ => return None,
    };
    Some(memarg.offset.saturating_add(size))
}

/// Whether `op` neither has an effect that outlives a trap nor can trap (loads aside: see
/// [`load_end`]) nor transfers control, nor writes `local`.
fn effect_free(op: &Operator<'_>, local: u32) -> bool {
    use Operator::*;
    match op {
        LocalSet { local_index } | LocalTee { local_index } => *local_index != local,
        Nop | Drop | Select | TypedSelect { .. } | LocalGet { .. } | GlobalGet { .. } => true,
        I32Const { .. } | I64Const { .. } | F32Const { .. } | F64Const { .. } => true,
        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS
        | I32GeU | I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU
        | I64GeS | I64GeU => true,
        I32Clz | I32Ctz | I32Popcnt | I32Add | I32Sub | I32Mul | I32And | I32Or | I32Xor
        | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => true,
        I64Clz | I64Ctz | I64Popcnt | I64Add | I64Sub | I64Mul | I64And | I64Or | I64Xor
        | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => true,
        I32WrapI64 | I64ExtendI32S | I64ExtendI32U | I32Extend8S | I32Extend16S | I64Extend8S
        | I64Extend16S | I64Extend32S => true,
        F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge | F64Eq | F64Ne | F64Lt | F64Gt | F64Le
        | F64Ge => true,
        F32Abs | F32Neg | F32Ceil | F32Floor | F32Trunc | F32Nearest | F32Sqrt | F32Add
        | F32Sub | F32Mul | F32Div | F32Min | F32Max | F32Copysign => true,
        F64Abs | F64Neg | F64Ceil | F64Floor | F64Trunc | F64Nearest | F64Sqrt | F64Add
        | F64Sub | F64Mul | F64Div | F64Min | F64Max | F64Copysign => true,
        F32ConvertI32S | F32ConvertI32U | F32ConvertI64S | F32ConvertI64U | F32DemoteF64
        | F64ConvertI32S | F64ConvertI32U | F64ConvertI64S | F64ConvertI64U | F64PromoteF32 => true,
        I32ReinterpretF32 | I64ReinterpretF64 | F32ReinterpretI32 | F64ReinterpretI64 => true,
        I32TruncSatF32S | I32TruncSatF32U | I32TruncSatF64S | I32TruncSatF64U | I64TruncSatF32S
        | I64TruncSatF32U | I64TruncSatF64S | I64TruncSatF64U => true,
        _ => false,
    }
}
