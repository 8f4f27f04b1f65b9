//! Integer instructions (i32 and i64). Invariant: an i32 in a register has its upper 32 bits
//! zero (every i32 operation uses a 32-bit form), so it can serve as a 64-bit address index.

use crate::address_sum::AddressSum;
use crate::bounds::SumTag;
use crate::cond::Cond;
use crate::func::FuncCompiler;
use crate::module::Ty;
use crate::regalloc::{RAX, RCX, RDX};
use crate::stack::{Rhs, Val};
use dynasm::dynasm;
use kwasm_hooks::artifact::{CPU_BMI1, CPU_LZCNT, CPU_POPCNT};
use kwasm_hooks::trap::{TRAP_INTEGER_DIVIDE_BY_ZERO, TRAP_INTEGER_OVERFLOW};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alu {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shift {
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Div {
    DivS,
    DivU,
    RemS,
    RemU,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unary {
    Clz,
    Ctz,
    Popcnt,
    Extend8S,
    Extend16S,
    Extend32S,
}

macro_rules! alu {
    ($m:expr, $w64:expr, $op:ident, $l:expr, $rhs:expr) => {
        match ($w64, $rhs) {
            (false, Rhs::Imm(i)) => dynasm!($m.ops ; .arch x64 ; $op Rd($l), i),
            (false, Rhs::Reg(r)) => dynasm!($m.ops ; .arch x64 ; $op Rd($l), Rd(r)),
            (true, Rhs::Imm(i)) => dynasm!($m.ops ; .arch x64 ; $op Rq($l), i),
            (true, Rhs::Reg(r)) => dynasm!($m.ops ; .arch x64 ; $op Rq($l), Rq(r)),
        }
    };
}

/// An `i32.shl` by 1 to 3 just emitted: its register and the code it took (`scaled_add`).
#[derive(Clone, Copy, Debug)]
pub struct Scaled {
    reg: u8,
    shift: i8,
    start: usize,
    end: usize,
}

impl FuncCompiler<'_, '_> {
    /// Pops the right operand as an immediate when it fits, else into a register.
    /// A pinned local's register serves as it is (the instruction only reads it).
    fn pop_rhs(&mut self, w64: bool) -> Rhs {
        match self.peek(0) {
            Val::Const(_, bits) if !w64 || bits as i64 == bits as i32 as i64 => {
                self.pop();
                Rhs::Imm(bits as i32)
            }
            _ => Rhs::Reg(self.pop_read().0),
        }
    }

    fn free_rhs(&mut self, rhs: Rhs) {
        if let Rhs::Reg(r) = rhs {
            self.free_operand_gpr(r);
        }
    }

    pub fn op_int_const(&mut self, ty: Ty, bits: u64) {
        self.push(Val::Const(ty, bits));
    }

    pub fn op_alu(&mut self, ty: Ty, op: Alu) {
        let w64 = ty == Ty::I64;
        let bound = crate::ranges::alu(op, self.bound(1), self.bound(0));
        let rhs = self.pop_rhs(w64);
        let dest = self.alu_destination(ty, rhs);
        let l = match dest {
            Some((j, pj)) => {
                self.forget_checked(j);
                if !matches!(self.peek(0), Val::Local(_, i) if i == j) || self.other_reads(j) {
                    self.materialize_local(j);
                    if let Some(source) = self.lea_source(op, rhs) {
                        self.emit_lea(pj, w64, source);
                        self.free_rhs(rhs);
                        match self.pinned_local_in(source.0) {
                            Some(local) if !w64 && local != j => {
                                let base = u64::from(source.1 as u32);
                                self.checked.record_alias(j, SumTag { local, base });
                            }
                            _ => {}
                        }
                        self.push(Val::Local(ty, j));
                        return;
                    }
                    if self.lea_sum_into(pj, w64, op, rhs) {
                        self.free_rhs(rhs);
                        self.push(Val::Local(ty, j));
                        return;
                    }
                    self.set_pinned(j, pj);
                } else {
                    // `local.set j (op (local.get j) x)`: in place.
                    self.pop();
                }
                pj
            }
            None => {
                if let Some(r) = self.scaled_add(op, ty, rhs) {
                    self.next_bound = Some(bound);
                    self.push(Val::Reg(ty, r));
                    return;
                }
                if let Some(source) = self.lea_source(op, rhs) {
                    let r = self.alloc_gpr();
                    let start = self.cx.masm.ops.offset();
                    self.emit_lea(r, w64, source);
                    self.free_rhs(rhs);
                    if !w64 {
                        self.record_sum(AddressSum {
                            reg: r,
                            base: Some(source.0),
                            index: None,
                            disp: source.1,
                            start,
                            end: self.cx.masm.ops.offset(),
                        });
                        if let Some(local) = self.pinned_local_in(source.0) {
                            let base = u64::from(source.1 as u32);
                            self.next_sum = Some(SumTag { local, base });
                        }
                    }
                    self.next_bound = Some(bound);
                    self.push(Val::Reg(ty, r));
                    return;
                }
                self.pop_reg().1
            }
        };
        let start = self.cx.masm.ops.offset();
        let m = &mut self.cx.masm;
        match op {
            Alu::Add => alu!(m, w64, add, l, rhs),
            Alu::Sub => alu!(m, w64, sub, l, rhs),
            Alu::And => alu!(m, w64, and, l, rhs),
            Alu::Or => alu!(m, w64, or, l, rhs),
            Alu::Xor => alu!(m, w64, xor, l, rhs),
            Alu::Mul => match (w64, &rhs) {
                (false, Rhs::Imm(i)) => dynasm!(m.ops ; .arch x64 ; imul Rd(l), Rd(l), *i),
                (false, Rhs::Reg(r)) => dynasm!(m.ops ; .arch x64 ; imul Rd(l), Rd(*r)),
                (true, Rhs::Imm(i)) => dynasm!(m.ops ; .arch x64 ; imul Rq(l), Rq(l), *i),
                (true, Rhs::Reg(r)) => dynasm!(m.ops ; .arch x64 ; imul Rq(l), Rq(*r)),
            },
        }
        self.free_rhs(rhs);
        match dest {
            Some((j, _)) => self.push(Val::Local(ty, j)),
            None => {
                if op == Alu::Add && !w64 {
                    let (index, disp) = match rhs {
                        Rhs::Imm(i) => (None, i),
                        Rhs::Reg(r) => (Some((r, 1)), 0),
                    };
                    self.record_sum(AddressSum {
                        reg: l,
                        base: Some(l),
                        index,
                        disp,
                        start,
                        end: self.cx.masm.ops.offset(),
                    });
                }
                self.next_bound = Some(bound);
                self.push(Val::Reg(ty, l));
            }
        }
    }

    /// With the right operand popped: when the left operand is a pinned local's register `p`
    /// and the operation `p + disp` (`add` or `sub` of an immediate), `(p, disp)`: one `lea`
    /// computes it into another register ([`Self::emit_lea`]).
    fn lea_source(&self, op: Alu, rhs: Rhs) -> Option<(u8, i32)> {
        let (Val::Local(_, i), Rhs::Imm(imm)) = (self.peek(0), rhs) else {
            return None;
        };
        let disp = match op {
            Alu::Add => imm,
            Alu::Sub if imm != i32::MIN => -imm,
            _ => return None,
        };
        Some((self.pinned_reg(i)?, disp))
    }

    /// With the right operand popped, for `local.set j (i32.add a b)` into `j`'s pinned register
    /// `pj` when `a` is in a register (a value's, or another pinned local's): pops `a` and emits
    /// `lea pj, [a + b]` in place of `mov pj, a; add pj, b`, one instruction and no move on the
    /// sum's dependency chain. False (nothing done) for any other operation or operand.
    fn lea_sum_into(&mut self, pj: u8, w64: bool, op: Alu, rhs: Rhs) -> bool {
        if op != Alu::Add {
            return false;
        }
        let a = match (self.peek(0), self.pinned_at(0)) {
            (Val::Reg(_, a), _) | (_, Some(a)) => a,
            _ => return false,
        };
        self.pop();
        let m = &mut self.cx.masm;
        // The 32-bit form keeps the low half of the 64-bit sum, zero-extended: i32 wrapping.
        match (rhs, w64) {
            (Rhs::Reg(b), false) => dynasm!(m.ops ; .arch x64 ; lea Rd(pj), [Rq(a) + Rq(b)]),
            (Rhs::Reg(b), true) => dynasm!(m.ops ; .arch x64 ; lea Rq(pj), [Rq(a) + Rq(b)]),
            (Rhs::Imm(d), false) => dynasm!(m.ops ; .arch x64 ; lea Rd(pj), [Rq(a) + d]),
            (Rhs::Imm(d), true) => dynasm!(m.ops ; .arch x64 ; lea Rq(pj), [Rq(a) + d]),
        }
        self.free_operand_gpr(a);
        true
    }

    /// Pops the left operand and emits `lea dst, [p + disp]` (see [`Self::lea_source`]).
    fn emit_lea(&mut self, dst: u8, w64: bool, (p, disp): (u8, i32)) {
        self.pop();
        let m = &mut self.cx.masm;
        // The 32-bit form keeps the low half of the 64-bit sum, zero-extended: i32 wrapping.
        if w64 {
            dynasm!(m.ops ; .arch x64 ; lea Rq(dst), [Rq(p) + disp]);
        } else {
            dynasm!(m.ops ; .arch x64 ; lea Rd(dst), [Rq(p) + disp]);
        }
    }

    /// With the right operand popped, for `i32.add` right after `i32.shl` by 1 to 3 (array
    /// indexing): the sum of the shifted value and the other operand (a constant or any
    /// value) becomes one `lea` in place of the `shl`, which is undone: nothing was emitted
    /// after it, so its register still holds the unshifted value. The 32-bit `lea` keeps the
    /// low half of the sum, as `shl` then `add` would. Returns the result's register.
    fn scaled_add(&mut self, op: Alu, ty: Ty, rhs: Rhs) -> Option<u8> {
        let s = self.scaled.take()?;
        if op != Alu::Add || ty != Ty::I32 || self.cx.masm.ops.offset() != s.end {
            return None;
        }
        let x = s.reg;
        let shifted_left = self.peek(0) == Val::Reg(Ty::I32, x);
        if !(shifted_left || rhs == Rhs::Reg(x)) || !self.cx.masm.rewind(s.start) {
            return None;
        }
        // The other operand: as a displacement or a base register (a pinned local's in place).
        let other = if shifted_left {
            self.pop();
            rhs
        } else {
            self.pop_rhs(false)
        };
        // Popping the other operand may have loaded it: the `lea` starts here.
        let start = self.cx.masm.ops.offset();
        let m = &mut self.cx.masm;
        match (other, s.shift) {
            (Rhs::Imm(d), 1) => dynasm!(m.ops ; .arch x64 ; lea Rd(x), [Rq(x) * 2 + d]),
            (Rhs::Imm(d), 2) => dynasm!(m.ops ; .arch x64 ; lea Rd(x), [Rq(x) * 4 + d]),
            (Rhs::Imm(d), _) => dynasm!(m.ops ; .arch x64 ; lea Rd(x), [Rq(x) * 8 + d]),
            (Rhs::Reg(b), 1) => dynasm!(m.ops ; .arch x64 ; lea Rd(x), [Rq(b) + Rq(x) * 2]),
            (Rhs::Reg(b), 2) => dynasm!(m.ops ; .arch x64 ; lea Rd(x), [Rq(b) + Rq(x) * 4]),
            (Rhs::Reg(b), _) => dynasm!(m.ops ; .arch x64 ; lea Rd(x), [Rq(b) + Rq(x) * 8]),
        }
        self.free_rhs(other);
        let (base, disp) = match other {
            Rhs::Imm(d) => (None, d),
            Rhs::Reg(b) => (Some(b), 0),
        };
        self.record_sum(AddressSum {
            reg: x,
            base,
            index: Some((x, 1 << s.shift)),
            disp,
            start,
            end: self.cx.masm.ops.offset(),
        });
        Some(x)
    }

    pub fn op_shift(&mut self, ty: Ty, op: Shift) {
        let w64 = ty == Ty::I64;
        let constant = match self.peek(0) {
            Val::Const(_, bits) => Some(bits as u32),
            _ => None,
        };
        let bound = crate::ranges::shift(op, self.bound(1), constant);
        let count = if let Val::Const(_, bits) = self.peek(0) {
            self.pop();
            Some((bits & if w64 { 63 } else { 31 }) as i8)
        } else {
            self.take_gpr(RCX);
            self.pop_into(RCX);
            None
        };
        let (_, l) = self.pop_reg();
        let start = self.cx.masm.ops.offset();
        let m = &mut self.cx.masm;
        macro_rules! sh {
            ($op:ident) => {
                match (w64, count) {
                    (false, Some(c)) => dynasm!(m.ops ; .arch x64 ; $op Rd(l), c),
                    (true, Some(c)) => dynasm!(m.ops ; .arch x64 ; $op Rq(l), c),
                    (false, None) => dynasm!(m.ops ; .arch x64 ; $op Rd(l), cl),
                    (true, None) => dynasm!(m.ops ; .arch x64 ; $op Rq(l), cl),
                }
            };
        }
        match op {
            Shift::Shl => sh!(shl),
            Shift::ShrS => sh!(sar),
            Shift::ShrU => sh!(shr),
            Shift::Rotl => sh!(rol),
            Shift::Rotr => sh!(ror),
        }
        if count.is_none() {
            self.regs.free_gpr(RCX);
        }
        if let (Shift::Shl, false, Some(shift @ 1..=3)) = (op, w64, count) {
            self.scaled = Some(Scaled {
                reg: l,
                shift,
                start,
                end: self.cx.masm.ops.offset(),
            });
        }
        self.next_bound = Some(bound);
        self.push(Val::Reg(ty, l));
    }

    /// A compare: pushed as a pending [`Cond`] for the next operator (`cond.rs`).
    pub fn op_cmp(&mut self, ty: Ty, op: Cmp) {
        let w64 = ty == Ty::I64;
        let rhs = self.pop_rhs(w64);
        let (l, held) = self.pop_compared();
        self.push(Val::Cond(Cond {
            w64,
            cc: op,
            l,
            rhs,
            held,
        }));
    }

    /// `eqz`: the negation of a pending compare, else a compare with zero.
    pub fn op_eqz(&mut self, ty: Ty) {
        if let Val::Cond(c) = self.peek(0) {
            self.pop();
            let cc = c.cc.negate();
            self.push(Val::Cond(Cond { cc, ..c }));
            return;
        }
        let (l, held) = self.pop_compared();
        self.push(Val::Cond(Cond {
            w64: ty == Ty::I64,
            cc: Cmp::Eq,
            l,
            rhs: Rhs::Imm(0),
            held,
        }));
    }

    pub fn op_unary(&mut self, ty: Ty, op: Unary) {
        let w64 = ty == Ty::I64;
        let (_, r) = self.pop_reg();
        let feature = match op {
            Unary::Clz => CPU_LZCNT,
            Unary::Ctz => CPU_BMI1,
            Unary::Popcnt => CPU_POPCNT,
            _ => 0,
        };
        self.cx.cpu_features |= feature;
        let m = &mut self.cx.masm;

        match (op, w64) {
            (Unary::Clz, false) => dynasm!(m.ops ; .arch x64 ; lzcnt Rd(r), Rd(r)),
            (Unary::Clz, true) => dynasm!(m.ops ; .arch x64 ; lzcnt Rq(r), Rq(r)),
            (Unary::Ctz, false) => dynasm!(m.ops ; .arch x64 ; tzcnt Rd(r), Rd(r)),
            (Unary::Ctz, true) => dynasm!(m.ops ; .arch x64 ; tzcnt Rq(r), Rq(r)),
            (Unary::Popcnt, false) => dynasm!(m.ops ; .arch x64 ; popcnt Rd(r), Rd(r)),
            (Unary::Popcnt, true) => dynasm!(m.ops ; .arch x64 ; popcnt Rq(r), Rq(r)),
            (Unary::Extend8S, false) => dynasm!(m.ops ; .arch x64 ; movsx Rd(r), Rb(r)),
            (Unary::Extend16S, false) => dynasm!(m.ops ; .arch x64 ; movsx Rd(r), Rw(r)),
            (Unary::Extend8S, true) => dynasm!(m.ops ; .arch x64 ; movsx Rq(r), Rb(r)),
            (Unary::Extend16S, true) => dynasm!(m.ops ; .arch x64 ; movsx Rq(r), Rw(r)),
            (Unary::Extend32S, _) => dynasm!(m.ops ; .arch x64 ; movsxd Rq(r), Rd(r)),
        }
        self.push(Val::Reg(ty, r));
    }

    pub fn op_wrap(&mut self) {
        let (_, r) = self.pop_reg();
        let m = &mut self.cx.masm;
        dynasm!(m.ops ; .arch x64 ; mov Rd(r), Rd(r));
        self.push(Val::Reg(Ty::I32, r));
    }

    pub fn op_extend_i32(&mut self, signed: bool) {
        let (_, r) = self.pop_reg();
        let m = &mut self.cx.masm;
        if signed {
            dynasm!(m.ops ; .arch x64 ; movsxd Rq(r), Rd(r));
        } else {
            dynasm!(m.ops ; .arch x64 ; mov Rd(r), Rd(r));
        }
        self.push(Val::Reg(Ty::I64, r));
    }

    pub fn op_div(&mut self, ty: Ty, op: Div) {
        let w64 = ty == Ty::I64;
        self.take_gpr(RAX);
        self.take_gpr(RDX);
        let (_, rhs) = self.pop_reg();
        self.pop_into(RAX);
        let div0 = self.trap_label(TRAP_INTEGER_DIVIDE_BY_ZERO);
        let overflow = self.trap_label(TRAP_INTEGER_OVERFLOW);
        let m = &mut self.cx.masm;
        let done = m.label();
        if w64 {
            dynasm!(m.ops ; .arch x64 ; test Rq(rhs), Rq(rhs) ; jz =>div0);
        } else {
            dynasm!(m.ops ; .arch x64 ; test Rd(rhs), Rd(rhs) ; jz =>div0);
        }
        match op {
            Div::DivS | Div::RemS => {
                let normal = m.label();
                if w64 {
                    dynasm!(m.ops ; .arch x64 ; cmp Rq(rhs), -1 ; jne =>normal);
                } else {
                    dynasm!(m.ops ; .arch x64 ; cmp Rd(rhs), -1 ; jne =>normal);
                }
                if op == Div::DivS {
                    // x / -1 overflows only for the minimum value; otherwise it is -x.
                    if w64 {
                        dynasm!(m.ops ; .arch x64 ; neg rax ; jo =>overflow ; jmp =>done);
                    } else {
                        dynasm!(m.ops ; .arch x64 ; neg eax ; jo =>overflow ; jmp =>done);
                    }
                } else {
                    // x % -1 is 0 (and idiv would fault on the minimum value).
                    dynasm!(m.ops ; .arch x64 ; xor edx, edx ; jmp =>done);
                }
                m.bind(normal);
                if w64 {
                    dynasm!(m.ops ; .arch x64 ; cqo ; idiv Rq(rhs));
                } else {
                    dynasm!(m.ops ; .arch x64 ; cdq ; idiv Rd(rhs));
                }
            }
            Div::DivU | Div::RemU => {
                if w64 {
                    dynasm!(m.ops ; .arch x64 ; xor edx, edx ; div Rq(rhs));
                } else {
                    dynasm!(m.ops ; .arch x64 ; xor edx, edx ; div Rd(rhs));
                }
            }
        }
        m.bind(done);
        self.regs.free_gpr(rhs);
        let (result, other) = if matches!(op, Div::DivS | Div::DivU) {
            (RAX, RDX)
        } else {
            (RDX, RAX)
        };
        if !w64 {
            let m = &mut self.cx.masm;
            dynasm!(m.ops ; .arch x64 ; mov Rd(result), Rd(result));
        }
        self.regs.free_gpr(other);
        self.push(Val::Reg(ty, result));
    }
}
