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
//! Which branches target the loop is known only once its body is compiled: a scan of the body
//! when the loop starts ([`plain_back_edges`]) tells.

use crate::func::FuncCompiler;
use wasmparser::{Operator, OperatorsReader};

/// How many operators the scan of a loop body reads at most (a bound on compile time: nested
/// loops scan their bodies again); a longer body is not folded.
const SCAN_LIMIT: usize = 4096;

/// For the loop operator just read: whether every branch back to its header is a plain `br`
/// and there is one at least. Reads the body ahead (not validated yet: a hint, and a wrong
/// one only costs code, as long as the compile that follows charges what it emits; an invalid
/// body fails that compile anyway).
pub fn plain_back_edges(mut ops: OperatorsReader<'_>) -> bool {
    // Blocks opened inside the loop so far: a branch of that depth targets the loop.
    let mut depth = 0u32;
    let mut brs = 0;
    for _ in 0..SCAN_LIMIT {
        let Ok(op) = ops.read() else { return false };
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => depth += 1,
            Operator::End if depth == 0 => return brs > 0,
            Operator::End => depth -= 1,
            Operator::Br { relative_depth } if relative_depth == depth => brs += 1,
            Operator::BrIf { relative_depth } if relative_depth == depth => return false,
            Operator::BrTable { targets } => {
                let mut all = targets.targets().chain([Ok(targets.default())]);
                if all.any(|t| t.map_or(true, |t| t == depth)) {
                    return false;
                }
            }
            _ => {}
        }
    }
    false
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
