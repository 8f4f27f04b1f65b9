//! Loop exits refunded (fuel mode).
//!
//! A stretch that a check pays for (a loop header's, `func.rs`) ends at the first `br_if`, and
//! the code after it pays with a `sub` of its own: a loop `…; br_if $found; …; br_if $out;
//! …` pays a `sub` per exit test on every iteration. When the `br_if` leaves the innermost
//! loop (taken once per run of the loop at most), the check goes on paying instead: the
//! stretch after the `br_if` is added to the check's charge too, up to where the stretch
//! would have ended anyway (a join, a branch back, a call), and the taken branch gets back
//! what it did not run: it goes through a refund, `sub r13, -n; jmp target`, out of line (or
//! inline on the way to the branch's stub), `n` patched once the stretch is over.
//!
//! Every path still pays exactly what it runs: the fall-through paid for its code at the
//! check, the exit paid at the check for code up to the exit and more, which the refund gives
//! back. Fuel is never charged later than before (a refund only gives back), so the bound on
//! what runs between two checks (`func.rs`) holds.

use crate::asm::Label;
use crate::func::FuncCompiler;

/// A refund of a loop exit: what the check that paid for the exit's stretch charged after the
/// exit.
pub struct Refund {
    /// The check's charge (an index into `fuel_patches`) and its value at the exit.
    prepaid: usize,
    at_exit: i32,
    /// Set when the stretch ends: the check's value then, less `at_exit`.
    amount: Option<i32>,
    site: Site,
}

enum Site {
    /// Out of line: the branch jumps to `label`, which refunds and jumps to `target`.
    OutOfLine { label: Label, target: Label },
    /// Inline on the taken path: a `sub` whose 32-bit immediate ends at `patch`.
    Inline { patch: usize },
}

impl FuncCompiler<'_, '_> {
    /// For `br_if` to frame `depth`, after the spill, instead of ending the stretch: when a
    /// check pays for the stretch and the branch leaves the innermost loop, charges the
    /// stretch so far there, keeps it paying, and returns true (the caller then branches
    /// through [`Self::refunded_exit`] or [`Self::refund_inline`]). Otherwise ends the
    /// stretch as usual and returns false.
    pub fn charge_exit(&mut self, depth: u32) -> bool {
        let target = self.control.len() - 1 - depth as usize;
        let innermost_loop = self
            .control
            .iter()
            .rposition(|f| f.kind == crate::control::Kind::Loop);
        let leaves_loop = innermost_loop.is_some_and(|l| target < l);
        match self.fuel_prepaid_index() {
            Some(prepaid) if leaves_loop && self.fuel_on() && !self.dead => {
                let pending = self.take_fuel_pending() as i32;
                self.patch_fuel(prepaid, pending);
                true
            }
            _ => {
                self.fuel_charge();
                false
            }
        }
    }

    /// The label a refunded exit to `target` branches to (out of line).
    pub fn refunded_exit(&mut self, target: Label) -> Label {
        let label = self.cx.masm.label();
        self.push_refund(Site::OutOfLine { label, target });
        label
    }

    /// The refund on the taken path itself, right before the branch's stub.
    pub fn refund_inline(&mut self) {
        let patch = self.cx.masm.sub_fuel(0, true);
        self.push_refund(Site::Inline { patch });
    }

    fn push_refund(&mut self, site: Site) {
        let prepaid = self
            .fuel_prepaid_index()
            .expect("charge_exit kept a check paying");
        let at_exit = self.fuel_patch_value(prepaid);
        self.refunds.push(Refund {
            prepaid,
            at_exit,
            amount: None,
            site,
        });
    }

    /// The stretch the check `prepaid` paid for ended: the refunds of its exits are known.
    pub fn settle_refunds(&mut self, prepaid: usize) {
        let value = self.fuel_patch_value(prepaid);
        let mut inline = Vec::new();
        for r in self.refunds.iter_mut() {
            if r.prepaid == prepaid && r.amount.is_none() {
                let amount = value - r.at_exit;
                r.amount = Some(amount);
                if let Site::Inline { patch } = r.site {
                    inline.push((patch, -amount));
                }
            }
        }
        self.extend_fuel_patches(&inline);
    }

    /// Whether exits of the stretch check `prepaid` pays for still wait for their refunds.
    pub fn refunds_open(&self, prepaid: usize) -> bool {
        self.refunds
            .iter()
            .any(|r| r.prepaid == prepaid && r.amount.is_none())
    }

    /// The out-of-line refunds, after the function's code (every stretch has ended).
    pub fn emit_refunds(&mut self) {
        for r in core::mem::take(&mut self.refunds) {
            let Site::OutOfLine { label, target } = r.site else {
                continue;
            };
            let amount = r
                .amount
                .expect("every stretch ends before the function does");
            let m = &mut self.cx.masm;
            m.bind(label);
            if amount != 0 {
                m.sub_fuel(-amount, false);
            }
            m.jmp(target);
        }
    }
}
