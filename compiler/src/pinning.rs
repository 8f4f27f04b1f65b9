//! Locals kept in registers for the whole function ("pinned").
//!
//! Before a body is compiled, one quick scan of its operators weighs each local's reads and
//! writes by the loops around them (4x per loop level), and the heaviest integer and float
//! locals get a register each for the whole function: `local.get` becomes a register move (or
//! nothing), `local.set` a move, and nothing about them changes at block boundaries, so a
//! loop counter no longer makes a round trip through memory on every iteration.
//!
//! Pinned registers are caller-saved like every other: around a call (wasm, host, helper, the
//! slow paths of the fuel and yield checks) the function stores them to the locals' frame
//! slots and loads them back afterwards. The operand stack allocates from the registers left.

use crate::module::Ty;
use crate::prelude::*;
use crate::regalloc::{RBX, RDI, RSI};
use wasmparser::{FunctionBody, Operator};

/// General registers given to pinned integer locals, in order (the operand stack keeps r8,
/// r9, rax, rdx and rcx, enough for any single instruction including `div` and shifts, and
/// r13 when it does not hold the fuel).
const GPR_PINS: [u8; 4] = [RBX, 12, RSI, RDI];
/// XMM registers given to pinned float locals (the operand stack keeps xmm0-xmm8).
const XMM_PINS: [u8; 6] = [14, 13, 12, 11, 10, 9];
/// The weight of one access outside loops (a temporary's read weighs a quarter of it).
const FULL: u64 = 4;
/// A local is pinned only if its weighted uses reach this: one read outside loops is cheaper
/// from memory than loading it into a register in the prologue.
const MIN_WEIGHT: u64 = 3 * FULL;
/// Loop levels beyond this weigh no more (the weights stay far from overflow).
const MAX_LOOP_LEVELS: u32 = 8;

/// The register of each pinned local (`None`: the local lives in its frame slot).
pub fn choose(body: &FunctionBody<'_>, locals: &[Ty]) -> Vec<Option<u8>> {
    let mut pins = vec![None; locals.len()];
    let weights = weigh(body, locals.len());
    let mut order: Vec<usize> = (0..locals.len())
        .filter(|&i| weights[i] >= MIN_WEIGHT)
        .collect();
    // Heaviest first; equal weights in index order, so the choice is deterministic.
    order.sort_by(|&a, &b| weights[b].cmp(&weights[a]).then(a.cmp(&b)));
    let (mut gprs, mut xmms) = (GPR_PINS.iter(), XMM_PINS.iter());
    for i in order {
        let reg = if locals[i].is_float() {
            xmms.next()
        } else {
            gprs.next()
        };
        pins[i] = reg.copied();
    }
    pins
}

/// Each local's reads and writes, weighted 4^(loops around them). A read that follows a write
/// of the same local with no join in between (a temporary) weighs a quarter: a free register
/// still holds the value then (`regalloc.rs`, `holds`), so a register of its own gains little.
/// A body that does not decode ends the scan quietly: the compile that follows reports the
/// error.
fn weigh(body: &FunctionBody<'_>, n: usize) -> Vec<u64> {
    let mut weights = vec![0u64; n];
    let Ok(mut reader) = body.get_operators_reader() else {
        return weights;
    };
    // For each open block: whether it is a loop.
    let mut blocks: Vec<bool> = Vec::new();
    let mut loops = 0u32;
    // Straight-line regions, numbered: a local written in the current one has its number.
    let mut region = 1u32;
    let mut written = vec![0u32; n];
    while !reader.eof() {
        let Ok(op) = reader.read() else { break };
        let full = FULL << (2 * loops.min(MAX_LOOP_LEVELS));
        match op {
            Operator::Block { .. } | Operator::If { .. } => blocks.push(false),
            Operator::Loop { .. } => {
                blocks.push(true);
                loops += 1;
                region += 1;
            }
            Operator::Else => region += 1,
            Operator::End => {
                loops -= u32::from(blocks.pop() == Some(true));
                region += 1;
            }
            Operator::LocalGet { local_index } => {
                let i = local_index as usize;
                if let Some(w) = weights.get_mut(i) {
                    *w += if written[i] == region { full / 4 } else { full };
                }
            }
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                let i = local_index as usize;
                if let Some(w) = weights.get_mut(i) {
                    *w += full;
                    written[i] = region;
                }
            }
            _ => {}
        }
    }
    weights
}
