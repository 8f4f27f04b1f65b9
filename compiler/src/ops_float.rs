//! Floating-point instructions (SSE2; rounding needs SSE4.1). Any use of an XMM register marks
//! the artifact as using floats, so the kernel saves the FPU state around it.

use crate::func::FuncCompiler;
use crate::module::Ty;
use crate::regalloc::XMM_SCRATCH;
use crate::stack::Val;
use dynasm::dynasm;
use kwasm_hooks::artifact::CPU_SSE41;
use kwasm_hooks::trap::{TRAP_INTEGER_OVERFLOW, TRAP_INVALID_CONVERSION};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FBin {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Copysign,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FUn {
    Abs,
    Neg,
    Sqrt,
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FCmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

macro_rules! sse {
    ($m:expr, $ty:expr, $ss:ident, $sd:ident, $a:expr, $b:expr) => {
        if $ty == Ty::F32 {
            dynasm!($m.ops ; .arch x64 ; $ss Rx($a), Rx($b))
        } else {
            dynasm!($m.ops ; .arch x64 ; $sd Rx($a), Rx($b))
        }
    };
}

/// Exclusive bounds of the floats that truncate into an integer type: `lo < x < hi`.
fn trunc_bounds(float: Ty, int: Ty, signed: bool) -> (u64, u64) {
    let (lo, hi): (f64, f64) = match (int, signed) {
        (Ty::I32, true) => (-2147483649.0, 2147483648.0),
        (Ty::I32, false) => (-1.0, 4294967296.0),
        (_, true) => (-9223372036854777856.0, 9223372036854775808.0),
        (_, false) => (-1.0, 18446744073709551616.0),
    };
    if float == Ty::F32 {
        // The f32 just below -2^31 / -2^63 (the f64 bounds round to the limit itself).
        let lo32 = match (int, signed) {
            (Ty::I32, true) => -2147483904.0f32,
            (Ty::I64, true) => -9223373136366403584.0f32,
            _ => lo as f32,
        };
        (u64::from(lo32.to_bits()), u64::from((hi as f32).to_bits()))
    } else {
        (lo.to_bits(), hi.to_bits())
    }
}

/// The registers of a binary float operation: the result goes to `a`; `b` is only read (but by
/// `copysign`), and freed after when `b_owned`; `into_local`: `a` is that pinned local's.
struct FOperands {
    a: u8,
    b: u8,
    b_owned: bool,
    into_local: Option<u32>,
}

impl FuncCompiler<'_, '_> {
    pub fn op_float_const(&mut self, ty: Ty, bits: u64) {
        self.push(Val::Const(ty, bits));
    }

    pub fn op_fbin(&mut self, ty: Ty, op: FBin) {
        let FOperands {
            a,
            b,
            b_owned,
            into_local,
        } = self.fbin_operands(ty, op);
        let m = &mut self.cx.masm;
        match op {
            FBin::Add => sse!(m, ty, addss, addsd, a, b),
            FBin::Sub => sse!(m, ty, subss, subsd, a, b),
            FBin::Mul => sse!(m, ty, mulss, mulsd, a, b),
            FBin::Div => sse!(m, ty, divss, divsd, a, b),
            FBin::Min | FBin::Max => {
                // NaN in → NaN out; min(-0, +0) = -0 and max(-0, +0) = +0, which minss/maxss
                // get wrong: handle equal and unordered operands apart.
                let (not_equal, nan, done) = (m.label(), m.label(), m.label());
                sse!(m, ty, ucomiss, ucomisd, a, b);
                dynasm!(m.ops ; .arch x64 ; jne =>not_equal ; jp =>nan);
                if op == FBin::Min {
                    sse!(m, ty, orps, orpd, a, b);
                } else {
                    sse!(m, ty, andps, andpd, a, b);
                }
                dynasm!(m.ops ; .arch x64 ; jmp =>done ; =>nan);
                sse!(m, ty, addss, addsd, a, b);
                dynasm!(m.ops ; .arch x64 ; jmp =>done ; =>not_equal);
                if op == FBin::Min {
                    sse!(m, ty, minss, minsd, a, b);
                } else {
                    sse!(m, ty, maxss, maxsd, a, b);
                }
                dynasm!(m.ops ; .arch x64 ; =>done);
            }
            FBin::Copysign => {
                // a = (a & !sign) | (b & sign), the sign mask in xmm15 (r10 holds the memory
                // size, r11 is the only general scratch).
                let x = XMM_SCRATCH;
                if ty == Ty::F32 {
                    dynasm!(m.ops
                        ; .arch x64
                        ; mov r11d, 0x8000_0000u32 as i32
                        ; movd Rx(x), r11d
                    );
                } else {
                    dynasm!(m.ops
                        ; .arch x64
                        ; mov r11, QWORD i64::MIN
                        ; movq Rx(x), r11
                    );
                }
                dynasm!(m.ops
                    ; .arch x64
                    ; andps Rx(b), Rx(x)
                    ; andnps Rx(x), Rx(a)
                    ; orps Rx(x), Rx(b)
                    ; movaps Rx(a), Rx(x)
                );
            }
        }
        if b_owned {
            self.regs.free_xmm(b);
        }
        match into_local {
            Some(j) => self.push(Val::Local(ty, j)),
            None => self.push(Val::Reg(ty, a)),
        }
    }

    /// The registers of a binary operation's operands (see [`FOperands`]). A pinned local on
    /// the right is read in its register (but by `copysign`, which writes its right operand).
    /// When the next operator sets a pinned local that is also the left operand
    /// (`local.set $s (f64.add (local.get $s) x)`, or the right one of `+` or `*`), the
    /// operation writes the local's register.
    /// Otherwise a pinned local on the left of `+` or `*` moves to the right, the result going
    /// to the other operand's register (either order gives the sum or product; with two NaNs
    /// the result may be either one's, as wasm allows). Each saves a copy into a register.
    fn fbin_operands(&mut self, ty: Ty, op: FBin) -> FOperands {
        let (b, b_owned) = if op == FBin::Copysign {
            (self.pop_reg().1, true)
        } else {
            self.pop_read()
        };
        if let Some((j, pj)) = self.float_destination(ty) {
            if matches!(self.peek(0), Val::Local(_, i) if i == j) {
                self.pop();
                return FOperands {
                    a: pj,
                    b,
                    b_owned,
                    into_local: Some(j),
                };
            }
            if b == pj && matches!(op, FBin::Add | FBin::Mul) {
                // `local.set $s (f64.add x (local.get $s))`: the same, the operands swapped.
                let (x, x_owned) = self.pop_read();
                return FOperands {
                    a: pj,
                    b: x,
                    b_owned: x_owned,
                    into_local: Some(j),
                };
            }
        }
        if let (true, FBin::Add | FBin::Mul, Some(p)) = (b_owned, op, self.pinned_at(0)) {
            self.pop();
            return FOperands {
                a: b,
                b: p,
                b_owned: false,
                into_local: None,
            };
        }
        let (_, a) = self.pop_reg();
        FOperands {
            a,
            b,
            b_owned,
            into_local: None,
        }
    }

    /// With the right operand popped: `(local, register)` when the next operator sets pinned
    /// local `local` of type `ty` and no read of it is pending below the left operand (it
    /// would see the new value).
    fn float_destination(&self, ty: Ty) -> Option<(u32, u8)> {
        // `next_set` comes from an operator the validator has not seen yet: check its index.
        let j = self.next_set?;
        let pj = self.pinned_reg_checked(j)?;
        (self.locals[j as usize] == ty && !self.other_reads(j)).then_some((j, pj))
    }
    pub fn op_fun(&mut self, ty: Ty, op: FUn) {
        let (_, a) = self.pop_reg();
        let m = &mut self.cx.masm;
        let f32 = ty == Ty::F32;
        match op {
            FUn::Abs | FUn::Neg => {
                // Bit operations, so NaN payloads pass unchanged as the spec requires.
                match (f32, op == FUn::Abs) {
                    (true, true) => {
                        dynasm!(m.ops ; .arch x64 ; movd r11d, Rx(a) ; and r11d, 0x7fff_ffff ; movd Rx(a), r11d)
                    }
                    (true, false) => {
                        dynasm!(m.ops ; .arch x64 ; movd r11d, Rx(a) ; xor r11d, 0x8000_0000u32 as i32 ; movd Rx(a), r11d)
                    }
                    (false, true) => {
                        dynasm!(m.ops ; .arch x64 ; movq r11, Rx(a) ; btr r11, 63 ; movq Rx(a), r11)
                    }
                    (false, false) => {
                        dynasm!(m.ops ; .arch x64 ; movq r11, Rx(a) ; btc r11, 63 ; movq Rx(a), r11)
                    }
                }
            }
            FUn::Sqrt => sse!(m, ty, sqrtss, sqrtsd, a, a),
            FUn::Ceil | FUn::Floor | FUn::Trunc | FUn::Nearest => {
                let mode: i8 = match op {
                    FUn::Nearest => 0,
                    FUn::Floor => 1,
                    FUn::Ceil => 2,
                    _ => 3,
                };
                if f32 {
                    dynasm!(m.ops ; .arch x64 ; roundss Rx(a), Rx(a), mode);
                } else {
                    dynasm!(m.ops ; .arch x64 ; roundsd Rx(a), Rx(a), mode);
                }
                self.cx.cpu_features |= CPU_SSE41;
            }
        }
        self.push(Val::Reg(ty, a));
    }

    pub fn op_fcmp(&mut self, ty: Ty, op: FCmp) {
        let (_, b) = self.pop_reg();
        let (_, a) = self.pop_reg();
        let r = self.alloc_gpr();
        let m = &mut self.cx.masm;
        // Unordered (NaN) sets ZF, PF and CF: every relation but `ne` is then false.
        match op {
            FCmp::Eq => {
                sse!(m, ty, ucomiss, ucomisd, a, b);
                dynasm!(m.ops ; .arch x64 ; sete Rb(r) ; setnp r11b ; and Rb(r), r11b);
            }
            FCmp::Ne => {
                sse!(m, ty, ucomiss, ucomisd, a, b);
                dynasm!(m.ops ; .arch x64 ; setne Rb(r) ; setp r11b ; or Rb(r), r11b);
            }
            FCmp::Gt => {
                sse!(m, ty, ucomiss, ucomisd, a, b);
                dynasm!(m.ops ; .arch x64 ; seta Rb(r));
            }
            FCmp::Ge => {
                sse!(m, ty, ucomiss, ucomisd, a, b);
                dynasm!(m.ops ; .arch x64 ; setae Rb(r));
            }
            FCmp::Lt => {
                sse!(m, ty, ucomiss, ucomisd, b, a);
                dynasm!(m.ops ; .arch x64 ; seta Rb(r));
            }
            FCmp::Le => {
                sse!(m, ty, ucomiss, ucomisd, b, a);
                dynasm!(m.ops ; .arch x64 ; setae Rb(r));
            }
        }
        dynasm!(m.ops ; .arch x64 ; movzx Rd(r), Rb(r));
        self.regs.free_xmm(a);
        self.regs.free_xmm(b);
        self.push(Val::Reg(Ty::I32, r));
    }

    pub fn op_demote_promote(&mut self, to: Ty) {
        let (_, a) = self.pop_reg();
        let m = &mut self.cx.masm;
        if to == Ty::F32 {
            dynasm!(m.ops ; .arch x64 ; cvtsd2ss Rx(a), Rx(a));
        } else {
            dynasm!(m.ops ; .arch x64 ; cvtss2sd Rx(a), Rx(a));
        }
        self.push(Val::Reg(to, a));
    }

    pub fn op_reinterpret(&mut self, to: Ty) {
        let (from, a) = self.pop_reg();
        let r = if to.is_float() {
            self.alloc_xmm()
        } else {
            self.alloc_gpr()
        };
        let m = &mut self.cx.masm;
        match to {
            Ty::I32 => dynasm!(m.ops ; .arch x64 ; movd Rd(r), Rx(a)),
            Ty::I64 => dynasm!(m.ops ; .arch x64 ; movq Rq(r), Rx(a)),
            Ty::F32 => dynasm!(m.ops ; .arch x64 ; movd Rx(r), Rd(a)),
            Ty::F64 => dynasm!(m.ops ; .arch x64 ; movq Rx(r), Rq(a)),
        }
        self.free(from, a);
        self.push(Val::Reg(to, r));
    }

    /// `fNN.convert_iNN_{s,u}`.
    pub fn op_convert(&mut self, to: Ty, signed: bool) {
        let (from, r) = self.pop_reg();
        let x = self.alloc_xmm();
        let m = &mut self.cx.masm;
        let f32 = to == Ty::F32;
        macro_rules! cvt64 {
            ($x:expr, $r:expr) => {
                if f32 {
                    dynasm!(m.ops ; .arch x64 ; cvtsi2ss Rx($x), Rq($r))
                } else {
                    dynasm!(m.ops ; .arch x64 ; cvtsi2sd Rx($x), Rq($r))
                }
            };
        }
        match (from, signed) {
            (Ty::I32, true) => {
                if f32 {
                    dynasm!(m.ops ; .arch x64 ; cvtsi2ss Rx(x), Rd(r));
                } else {
                    dynasm!(m.ops ; .arch x64 ; cvtsi2sd Rx(x), Rd(r));
                }
            }
            // Zero-extended, so the 64-bit signed conversion is exact.
            (Ty::I32, false) => cvt64!(x, r),
            (_, true) => cvt64!(x, r),
            (_, false) => {
                // Values >= 2^63: halve (keeping the low bit for rounding), convert, double.
                let (big, done) = (m.label(), m.label());
                dynasm!(m.ops ; .arch x64 ; test Rq(r), Rq(r) ; js =>big);
                cvt64!(x, r);
                dynasm!(m.ops
                    ; .arch x64
                    ; jmp =>done
                    ; =>big
                    ; mov r11, Rq(r)
                    ; shr r11, 1
                    ; and Rd(r), 1
                    ; or r11, Rq(r)
                );
                cvt64!(x, 11);
                sse!(m, to, addss, addsd, x, x);
                dynasm!(m.ops ; .arch x64 ; =>done);
            }
        }
        self.regs.free_gpr(r);
        self.push(Val::Reg(to, x));
    }

    /// `iNN.trunc_fNN_{s,u}` (trapping) and `iNN.trunc_sat_fNN_{s,u}` (saturating).
    pub fn op_trunc(&mut self, to: Ty, signed: bool, saturating: bool) {
        let (from, x) = self.pop_reg();
        let r = self.alloc_gpr();
        let (lo, hi) = trunc_bounds(from, to, signed);
        let invalid = self.trap_label(TRAP_INVALID_CONVERSION);
        let overflow = self.trap_label(TRAP_INTEGER_OVERFLOW);
        let m = &mut self.cx.masm;
        let (nan_l, low_l, high_l, done) = (m.label(), m.label(), m.label(), m.label());
        let (nan_t, low_t, high_t) = if saturating {
            (nan_l, low_l, high_l)
        } else {
            (invalid, overflow, overflow)
        };
        sse!(m, from, ucomiss, ucomisd, x, x);
        dynasm!(m.ops ; .arch x64 ; jp =>nan_t);
        m.xmm_imm(from, XMM_SCRATCH, lo);
        sse!(m, from, ucomiss, ucomisd, x, XMM_SCRATCH);
        dynasm!(m.ops ; .arch x64 ; jbe =>low_t);
        m.xmm_imm(from, XMM_SCRATCH, hi);
        sse!(m, from, ucomiss, ucomisd, x, XMM_SCRATCH);
        dynasm!(m.ops ; .arch x64 ; jae =>high_t);
        let f32 = from == Ty::F32;
        macro_rules! cvtt64 {
            ($r:expr, $x:expr) => {
                if f32 {
                    dynasm!(m.ops ; .arch x64 ; cvttss2si Rq($r), Rx($x))
                } else {
                    dynasm!(m.ops ; .arch x64 ; cvttsd2si Rq($r), Rx($x))
                }
            };
        }
        match (to, signed) {
            (Ty::I32, _) => {
                cvtt64!(r, x);
                dynasm!(m.ops ; .arch x64 ; mov Rd(r), Rd(r));
            }
            (_, true) => cvtt64!(r, x),
            (_, false) => {
                // Above 2^63: subtract 2^63 before converting, add it back as the top bit.
                let small = m.label();
                let two63 = if f32 {
                    u64::from(9223372036854775808.0f32.to_bits())
                } else {
                    9223372036854775808.0f64.to_bits()
                };
                m.xmm_imm(from, XMM_SCRATCH, two63);
                sse!(m, from, ucomiss, ucomisd, x, XMM_SCRATCH);
                dynasm!(m.ops ; .arch x64 ; jb =>small);
                sse!(m, from, subss, subsd, x, XMM_SCRATCH);
                cvtt64!(r, x);
                dynasm!(m.ops ; .arch x64 ; btc Rq(r), 63 ; jmp =>done ; =>small);
                cvtt64!(r, x);
            }
        }
        dynasm!(m.ops ; .arch x64 ; jmp =>done);
        if saturating {
            let (min, max): (u64, u64) = match (to, signed) {
                (Ty::I32, true) => (i32::MIN as u32 as u64, i32::MAX as u64),
                (Ty::I32, false) => (0, u64::from(u32::MAX)),
                (_, true) => (i64::MIN as u64, i64::MAX as u64),
                (_, false) => (0, u64::MAX),
            };
            dynasm!(m.ops ; .arch x64 ; =>nan_l);
            m.mov_imm(r, 0);
            dynasm!(m.ops ; .arch x64 ; jmp =>done ; =>low_l);
            m.mov_imm(r, min);
            dynasm!(m.ops ; .arch x64 ; jmp =>done ; =>high_l);
            m.mov_imm(r, max);
        }
        dynasm!(m.ops ; .arch x64 ; =>done);
        self.regs.free_xmm(x);
        self.push(Val::Reg(to, r));
    }
}
