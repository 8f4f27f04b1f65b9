//! Back edges charged by the loop header's check (fuel mode).
//!
//! A loop whose body ends `…; br_if $exit; …; br $loop` pays two `sub`s per iteration: the
//! header's check (which charges the stretch after it, `func.rs`) and the one before the `br`
//! for the stretch that leads back. When every branch back to the header is a plain `br` (no
//! `br_if` or `br_table` back edge, no loop parameters to move), the first `br` compiled adds
//! its stretch's count `f` to the header's check instead and emits nothing, and every way into
//! the header is charged `f` less on its way:
//! - the entry (the code before the loop falls in): its charge, patched, is `f` less;
//! - each later `br` back charges its own stretch minus `f` (nothing when they are equal).
//!
//! So every path still pays exactly what it runs: an arrival at the header has paid its
//! stretch less `f`, and the header adds `f`. Fuel is charged no later than before (the header
//! follows the `br` directly), so the bound on what runs between two checks (`func.rs`) holds.
//! Which branches target the loop is known only once its body is compiled: a scan of the
//! function's body before it is compiled ([`foldable_loops`]) tells.
//!
//! The entry's charge is a `sub` of its own right before the header (never the check before the
//! stretch, which a trap in between would leave credited without the header's `+f`).

use crate::func::FuncCompiler;
use crate::prelude::*;
use wasmparser::{FunctionBody, Operator};

/// For each `loop` of a body, in order: whether every branch back to its header is a plain
/// `br` and there is one at least. One pass over the body, before it is compiled (as
/// `pinning.rs` scans it); its operators are not validated yet: a hint, and a wrong one only
/// costs code as long as the compile charges what it emits (an invalid body fails that
/// compile anyway).
pub fn foldable_loops(body: &FunctionBody<'_>) -> Vec<bool> {
    let mut loops = Vec::new();
    let Ok(mut reader) = body.get_operators_reader() else {
        return loops;
    };
    // For each open block: the index in `loops` of the loop it is, if it is one, and the
    // `br`s back to it so far.
    let mut open: Vec<Option<(usize, u32)>> = Vec::new();
    while !reader.eof() {
        let Ok(op) = reader.read() else { break };
        match op {
            Operator::Block { .. } | Operator::If { .. } => open.push(None),
            Operator::Loop { .. } => {
                open.push(Some((loops.len(), 0)));
                loops.push(true);
            }
            Operator::End => {
                if let Some(Some((k, brs))) = open.pop() {
                    loops[k] &= brs > 0;
                }
            }
            Operator::Br { relative_depth } => {
                if let Some(Some((_, brs))) = target(&mut open, relative_depth) {
                    *brs += 1;
                }
            }
            Operator::BrIf { relative_depth } => {
                if let Some(Some((k, _))) = target(&mut open, relative_depth) {
                    loops[*k] = false;
                }
            }
            Operator::BrTable { targets } => {
                for depth in targets.targets().chain([Ok(targets.default())]) {
                    let Ok(depth) = depth else { break };
                    if let Some(Some((k, _))) = target(&mut open, depth) {
                        loops[*k] = false;
                    }
                }
            }
            _ => {}
        }
    }
    loops
}

/// The open block a branch of `depth` targets (`None` past the outermost: the function).
fn target(open: &mut [Option<(usize, u32)>], depth: u32) -> Option<&mut Option<(usize, u32)>> {
    let k = open.len().checked_sub(1 + depth as usize)?;
    open.get_mut(k)
}

/// The fold of a loop whose back edges are all plain `br`s: where the entry's and the
/// header's charges are patched (indices into `fuel_patches`), and the count folded into the
/// header, fixed by the first `br` back.
#[derive(Clone, Copy, Debug)]
pub struct FuelFold {
    pub entry: usize,
    pub header: usize,
    pub folded: Option<i32>,
}

impl FuncCompiler<'_, '_> {
    /// Charges a `br` back to a loop with a fold (`depth` its frame): its stretch, less what
    /// the header charges for it.
    pub fn charge_back_edge(&mut self, depth: u32) {
        let k = self.control.len() - 1 - depth as usize;
        let Some(mut fold) = self.control[k].fuel_fold else {
            self.fuel_charge();
            return;
        };
        let pending = self.take_fuel_pending() as i32;
        let folded = match fold.folded {
            Some(f) => f,
            // A stretch that a check before it pays (the header's own, for `loop … br 0`
            // without a branch in between) is not folded: the header charges it already.
            None if self.fuel_prepaid_pending() => 0,
            None => {
                self.patch_fuel(fold.header, pending);
                self.patch_fuel(fold.entry, -pending);
                pending
            }
        };
        fold.folded = Some(folded);
        self.control[k].fuel_fold = Some(fold);
        self.charge_fuel(pending - folded);
    }
}
