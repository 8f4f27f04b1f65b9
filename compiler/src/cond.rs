//! Integer compares fused into the instruction that consumes them.
//!
//! A compare (or `eqz`) does not emit code: it pushes a [`Cond`], which holds its operands'
//! registers. If the next operator is a `br_if`, an `if` or a `select`, that operator emits
//! `cmp` and then a `jcc` or `cmovcc` on the flags (2 instructions instead of
//! `cmp; setcc; movzx; test; jcc`). Any other operator first turns the `Cond` into a 0/1 in its
//! left operand's register ([`FuncCompiler::settle_cond`] at the start of `op`), so a `Cond` is
//! only ever on top of the stack and never lives across code that could change the flags: the
//! consumer emits the `cmp` after everything else it emits before the jump (spills, the fuel
//! charge), right before the instruction that reads the flags.

use crate::func::FuncCompiler;
use crate::ops_int::Cmp;
use crate::stack::{Rhs, Val};
use dynasm::dynasm;

/// A pending integer compare: `l <cc> rhs`, 64-bit when `w64`. `l` is the compare's own
/// register (it receives the 0/1) or a pinned local's; `rhs` may be a pinned local's too.
/// Both are only read, until `materialize_cond` puts the 0/1 in `l` when it is the compare's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cond {
    pub w64: bool,
    pub cc: Cmp,
    pub l: u8,
    pub rhs: Rhs,
    /// `l` was taken from the free registers holding this local's value (a local in memory,
    /// `regalloc.rs`, `holds`): freed unwritten, it holds the value again.
    pub held: Option<u32>,
}

impl Cmp {
    /// The relation that holds exactly when `self` does not.
    pub fn negate(self) -> Cmp {
        match self {
            Cmp::Eq => Cmp::Ne,
            Cmp::Ne => Cmp::Eq,
            Cmp::LtS => Cmp::GeS,
            Cmp::GeS => Cmp::LtS,
            Cmp::LtU => Cmp::GeU,
            Cmp::GeU => Cmp::LtU,
            Cmp::GtS => Cmp::LeS,
            Cmp::LeS => Cmp::GtS,
            Cmp::GtU => Cmp::LeU,
            Cmp::LeU => Cmp::GtU,
        }
    }
}

/// `jcc label` for condition `cc`.
macro_rules! jcc {
    ($m:expr, $cc:expr, $label:expr) => {
        match $cc {
            Cmp::Eq => dynasm!($m.ops ; .arch x64 ; je =>$label),
            Cmp::Ne => dynasm!($m.ops ; .arch x64 ; jne =>$label),
            Cmp::LtS => dynasm!($m.ops ; .arch x64 ; jl =>$label),
            Cmp::LtU => dynasm!($m.ops ; .arch x64 ; jb =>$label),
            Cmp::GtS => dynasm!($m.ops ; .arch x64 ; jg =>$label),
            Cmp::GtU => dynasm!($m.ops ; .arch x64 ; ja =>$label),
            Cmp::LeS => dynasm!($m.ops ; .arch x64 ; jle =>$label),
            Cmp::LeU => dynasm!($m.ops ; .arch x64 ; jbe =>$label),
            Cmp::GeS => dynasm!($m.ops ; .arch x64 ; jge =>$label),
            Cmp::GeU => dynasm!($m.ops ; .arch x64 ; jae =>$label),
        }
    };
}

impl FuncCompiler<'_, '_> {
    /// Pops the top of the stack as a condition: a pending compare as it is, any other i32 as
    /// `value != 0`. The registers it names are the caller's to free ([`Self::free_cond`]).
    pub fn pop_cond(&mut self) -> Cond {
        if let Val::Cond(c) = self.peek(0) {
            self.pop();
            return c;
        }
        let (l, held) = self.pop_compared();
        Cond {
            w64: false,
            cc: Cmp::Ne,
            l,
            rhs: Rhs::Imm(0),
            held,
        }
    }

    /// Pops the left operand of a compare, which the compare only reads (until
    /// `materialize_cond`, which then puts the 0/1 in a register of its own): a pinned local's
    /// register as it is; for a local in memory that a free register holds, that register,
    /// taken (and the local it holds, for `free_cond` to give back); else a register.
    pub fn pop_compared(&mut self) -> (u8, Option<u32>) {
        if let (Val::Local(ty, i), None) = (self.peek(0), self.pinned_at(0)) {
            if let Some(c) = self.regs.holding(false, i).filter(|_| !ty.is_float()) {
                self.pop();
                self.take_gpr(c);
                return (c, Some(i));
            }
        }
        (self.pop_read().0, None)
    }

    /// Frees a compare's registers; `l`, when it held a local's value, holds it again (only a
    /// compare read it: `materialize_cond`, which writes it, does not come here).
    pub fn free_cond(&mut self, c: Cond) {
        self.free_operand_gpr(c.l);
        if let Some(i) = c.held {
            self.regs.holds_local(false, c.l, i);
        }
        if let Rhs::Reg(r) = c.rhs {
            self.free_operand_gpr(r);
        }
    }

    /// Emits the compare of `c`, setting the flags (`test` against a zero immediate: the same
    /// flags as `cmp` there, one byte shorter).
    pub fn emit_cmp(&mut self, c: Cond) {
        let m = &mut self.cx.masm;
        let l = c.l;
        match (c.w64, c.rhs) {
            (false, Rhs::Imm(0)) => dynasm!(m.ops ; .arch x64 ; test Rd(l), Rd(l)),
            (true, Rhs::Imm(0)) => dynasm!(m.ops ; .arch x64 ; test Rq(l), Rq(l)),
            (false, Rhs::Imm(i)) => dynasm!(m.ops ; .arch x64 ; cmp Rd(l), i),
            (true, Rhs::Imm(i)) => dynasm!(m.ops ; .arch x64 ; cmp Rq(l), i),
            (false, Rhs::Reg(r)) => dynasm!(m.ops ; .arch x64 ; cmp Rd(l), Rd(r)),
            (true, Rhs::Reg(r)) => dynasm!(m.ops ; .arch x64 ; cmp Rq(l), Rq(r)),
        }
    }

    /// `cmp` then `jcc target`, taken when `c` holds; frees `c`'s registers.
    pub fn branch_if(&mut self, c: Cond, target: crate::asm::Label) {
        self.emit_cmp(c);
        let m = &mut self.cx.masm;
        jcc!(m, c.cc, target);
        self.free_cond(c);
    }

    /// `cmp` then `jcc target`, taken when `c` does not hold; frees `c`'s registers.
    pub fn branch_unless(&mut self, c: Cond, target: crate::asm::Label) {
        let negated = Cond {
            cc: c.cc.negate(),
            ..c
        };
        self.branch_if(negated, target);
    }

    /// Makes `c` a 0/1 i32 in its left register (returned), or in a new one when that is a
    /// pinned local's; frees the right operand's.
    pub fn materialize_cond(&mut self, c: Cond) -> u8 {
        // Allocated before the compare: allocating may spill, which must not come between the
        // compare and the `setcc` (stores keep the flags, but keep it simple to read).
        let l = if self.is_pinned_gpr(c.l) {
            self.alloc_gpr()
        } else {
            c.l
        };
        self.emit_cmp(c);
        let m = &mut self.cx.masm;
        match c.cc {
            Cmp::Eq => dynasm!(m.ops ; .arch x64 ; sete Rb(l)),
            Cmp::Ne => dynasm!(m.ops ; .arch x64 ; setne Rb(l)),
            Cmp::LtS => dynasm!(m.ops ; .arch x64 ; setl Rb(l)),
            Cmp::LtU => dynasm!(m.ops ; .arch x64 ; setb Rb(l)),
            Cmp::GtS => dynasm!(m.ops ; .arch x64 ; setg Rb(l)),
            Cmp::GtU => dynasm!(m.ops ; .arch x64 ; seta Rb(l)),
            Cmp::LeS => dynasm!(m.ops ; .arch x64 ; setle Rb(l)),
            Cmp::LeU => dynasm!(m.ops ; .arch x64 ; setbe Rb(l)),
            Cmp::GeS => dynasm!(m.ops ; .arch x64 ; setge Rb(l)),
            Cmp::GeU => dynasm!(m.ops ; .arch x64 ; setae Rb(l)),
        }
        dynasm!(m.ops ; .arch x64 ; movzx Rd(l), Rb(l));
        if let Rhs::Reg(r) = c.rhs {
            self.free_operand_gpr(r);
        }
        l
    }

    /// A pending compare on top of the stack becomes a 0/1 in a register: called before every
    /// operator that does not consume it as flags.
    pub fn settle_cond(&mut self) {
        if let Some(&Val::Cond(c)) = self.stack.last() {
            self.pop();
            let r = self.materialize_cond(c);
            self.push(Val::Reg(crate::module::Ty::I32, r));
        }
    }

    /// `select` of two integers on `c`: `a` when it holds, else `b`; the result is in `a`.
    pub fn select_gpr(&mut self, c: Cond, a: u8, b: u8) {
        self.emit_cmp(c);
        let m = &mut self.cx.masm;
        // cmov with the negated condition: take `b` when `c` does not hold.
        match c.cc.negate() {
            Cmp::Eq => dynasm!(m.ops ; .arch x64 ; cmove Rq(a), Rq(b)),
            Cmp::Ne => dynasm!(m.ops ; .arch x64 ; cmovne Rq(a), Rq(b)),
            Cmp::LtS => dynasm!(m.ops ; .arch x64 ; cmovl Rq(a), Rq(b)),
            Cmp::LtU => dynasm!(m.ops ; .arch x64 ; cmovb Rq(a), Rq(b)),
            Cmp::GtS => dynasm!(m.ops ; .arch x64 ; cmovg Rq(a), Rq(b)),
            Cmp::GtU => dynasm!(m.ops ; .arch x64 ; cmova Rq(a), Rq(b)),
            Cmp::LeS => dynasm!(m.ops ; .arch x64 ; cmovle Rq(a), Rq(b)),
            Cmp::LeU => dynasm!(m.ops ; .arch x64 ; cmovbe Rq(a), Rq(b)),
            Cmp::GeS => dynasm!(m.ops ; .arch x64 ; cmovge Rq(a), Rq(b)),
            Cmp::GeU => dynasm!(m.ops ; .arch x64 ; cmovae Rq(a), Rq(b)),
        }
        self.free_cond(c);
    }
}
