//! Address arithmetic folded into the bounds check.
//!
//! An address computed by one `add` or `lea` right before the access (`p + 1055`, `base + i * 4`)
//! would be summed twice: once into its register by the `i32.add`, wrapping at 2^32, and again
//! by the check's `lea r11, [addr + end]`. When nothing was emitted after the `i32.add`'s
//! instruction, the access takes it back (`Masm::rewind`) and its check sums the operands
//! itself: `lea r11, [base + index * scale + disp + end]`, one instruction and one cycle less
//! on the address's dependency chain.
//!
//! The check's sum is exact (64-bit; every operand is a zero-extended i32 and `disp` is not
//! negative), wasm's wraps at 2^32. They differ only when the wasm sum wrapped, and then the
//! exact sum is at least 2^32, past any memory: the check fails. Its failing path does not
//! trap but goes to a slow path out of line that sums again with wrapping (a 32-bit `lea`),
//! checks that and comes back with r11 as the usual check leaves it. Either way r11 ends up
//! as the wasm address plus the access's end, clamped to the memory's size on a mispredicted
//! path: the access at `[r14 + r11 - size]` is what the usual check makes it.

use crate::asm::Label;
use crate::func::FuncCompiler;
use crate::masm::Masm;
use crate::regalloc::R11;
use crate::stack::Val;
use dynasm::dynasm;
use kwasm_hooks::trap::TRAP_MEMORY_OUT_OF_BOUNDS;

/// An `i32.add` just emitted as one instruction: `base + index * scale + disp` into `reg`.
#[derive(Clone, Copy, Debug)]
pub struct AddressSum {
    /// The sum's register (what the access pops as its address).
    pub reg: u8,
    pub base: Option<u8>,
    /// The index register and its scale (1, 2, 4 or 8).
    pub index: Option<(u8, u8)>,
    /// Never negative for [`FuncCompiler::check_sum`]: see the module's comment.
    pub disp: i32,
    /// Where the instruction starts and ends in the code.
    pub start: usize,
    pub end: usize,
}

/// A check of an [`AddressSum`] that failed: sum again with wrapping, check, resume.
pub struct WrappedSum {
    entry: Label,
    resume: Label,
    sum: AddressSum,
    /// Where the check left the sum plus `end`: r11, or a bounds fact's copy (`bounds.rs`).
    dst: u8,
    /// How far past the sum the check reaches: the access's offset plus its size, or a
    /// widened check's end (`widening.rs`).
    end: i32,
}

impl AddressSum {
    /// `lea dst, [sum + extra]`: 64-bit (exact) when `exact`, else 32-bit (wasm's wrapping).
    fn lea_into(&self, m: &mut Masm, dst: u8, extra: i32, exact: bool) {
        let d = self.disp + extra;
        macro_rules! lea {
            ($($addr:tt)*) => {
                if exact {
                    dynasm!(m.ops ; .arch x64 ; lea Rq(dst), [$($addr)*])
                } else {
                    dynasm!(m.ops ; .arch x64 ; lea Rd(dst), [$($addr)*])
                }
            };
        }
        match (self.base, self.index) {
            (Some(b), None) => lea!(Rq(b) + d),
            (None, Some((x, 2))) => lea!(Rq(x) * 2 + d),
            (None, Some((x, 4))) => lea!(Rq(x) * 4 + d),
            (None, Some((x, 8))) => lea!(Rq(x) * 8 + d),
            (None, Some((x, _))) => lea!(Rq(x) + d),
            (Some(b), Some((x, 2))) => lea!(Rq(b) + Rq(x) * 2 + d),
            (Some(b), Some((x, 4))) => lea!(Rq(b) + Rq(x) * 4 + d),
            (Some(b), Some((x, 8))) => lea!(Rq(b) + Rq(x) * 8 + d),
            (Some(b), Some((x, _))) => lea!(Rq(b) + Rq(x) + d),
            (None, None) => unreachable!("a sum has a register operand"),
        }
    }
}

impl AddressSum {
    /// `dst` = the sum as wasm computes it (wrapping at 2^32) plus `end`, checked against the
    /// memory's size (to `oob`) and clamped to it on a mispredicted path.
    fn wrapping_check(&self, m: &mut Masm, dst: u8, end: i32, oob: Label) {
        self.lea_into(m, dst, 0, false);
        dynasm!(m.ops
            ; .arch x64
            ; add Rq(dst), end
            ; cmp r10, Rq(dst)
            ; jb =>oob
        );
        m.clamp(dst, 10);
    }
}

impl FuncCompiler<'_, '_> {
    /// The last instruction computed the i32 sum `sum` (an `i32.add`, possibly with the shift
    /// before it); an access right after may fold it into its check.
    pub fn record_sum(&mut self, sum: AddressSum) {
        self.sum = Some(sum);
    }

    /// The sum just emitted, if it is still the address on top of the stack and its
    /// instruction the last one emitted (so that an access may take it back).
    pub fn sum_on_top(&self) -> Option<AddressSum> {
        let sum = self.sum?;
        (self.stack.last() == Some(&Val::Reg(crate::module::Ty::I32, sum.reg))
            && self.cx.masm.ops.offset() == sum.end)
            .then_some(sum)
    }

    /// For an access ending `end` bytes past its address (at most 2 GiB, memory minimum 8
    /// bytes or more): if the address on top of the stack is the sum just emitted, takes that
    /// instruction back, pops the address and checks `sum + end` into r11 as the usual check
    /// does (see the module's comment). Returns the sum's register, which the access owns.
    pub fn check_sum(&mut self, end: u64) -> Option<u8> {
        let sum = self.sum_on_top().filter(|s| s.disp >= 0);
        self.sum = None;
        let sum = sum?;
        let fits = i32::try_from(end)
            .ok()
            .and_then(|e| sum.disp.checked_add(e))
            .is_some();
        if !fits || !self.cx.masm.rewind(sum.start) {
            return None;
        }
        self.pop();
        self.emit_sum_check(sum, R11, end as i32);
        Some(sum.reg)
    }

    /// Checks `sum + end` (the sum's instruction taken back) into `dst` as the usual check does
    /// into r11, with the slow path for a sum that wrapped. `sum.disp + end` fits an i32, and
    /// `sum.disp` is not negative (else [`Self::emit_wrapping_sum_check`]).
    pub fn emit_sum_check(&mut self, sum: AddressSum, dst: u8, end: i32) {
        let (entry, resume) = (self.cx.masm.label(), self.cx.masm.label());
        let m = &mut self.cx.masm;
        sum.lea_into(m, dst, end, true);
        dynasm!(m.ops
            ; .arch x64
            ; cmp r10, Rq(dst)
            ; jb =>entry
        );
        m.clamp(dst, 10);
        dynasm!(m.ops ; .arch x64 ; =>resume);
        self.wrapped.push(WrappedSum {
            entry,
            resume,
            sum,
            dst,
            end,
        });
    }

    /// Checks `sum + end` into `dst` summing as wasm does, wrapping at 2^32 (a 32-bit `lea`),
    /// then adding `end`: for a sum with a negative displacement, whose exact sum can be
    /// negative where wasm's wraps past the memory. One instruction more than
    /// [`Self::emit_sum_check`], no slow path.
    pub fn emit_wrapping_sum_check(&mut self, sum: AddressSum, dst: u8, end: i32) {
        let oob = self.trap_label(TRAP_MEMORY_OUT_OF_BOUNDS);
        sum.wrapping_check(&mut self.cx.masm, dst, end, oob);
    }

    /// The slow paths of [`Self::check_sum`], after the function's code. The sum's registers
    /// still hold its operands: they branched here right after the compare.
    pub fn emit_wrapped_sums(&mut self) {
        let oob = self.trap_label(TRAP_MEMORY_OUT_OF_BOUNDS);
        for w in core::mem::take(&mut self.wrapped) {
            let m = &mut self.cx.masm;
            m.bind(w.entry);
            w.sum.wrapping_check(m, w.dst, w.end, oob);
            m.jmp(w.resume);
        }
    }
}
