//! Linear-memory instructions. Every access is checked against the memory's size (in r10
//! next to the base in r14, both loaded at entry and after every call: `Masm::load_memory`),
//! unless `bounds.rs` shows it in bounds. The usual check computes `addr + offset + size` in
//! r11, compares it with r10 and indexes the access with r11 (displacement `-size`); on the
//! failing path (run speculatively before the trap) r11 becomes the size, so even a
//! mispredicted access reads the memory's last bytes, never past them. Offsets too large for
//! that form clamp the address so that address plus offset is 0 instead.

use crate::address_sum::AddressSum;
use crate::bounds::{Fact, SumTag};
use crate::func::FuncCompiler;
use crate::module::{Sig, Ty};
use crate::prelude::*;
use crate::regalloc::R11;
use crate::stack::Val;
use dynasm::dynasm;
use kwasm_hooks::artifact::*;
use kwasm_hooks::trap::TRAP_MEMORY_OUT_OF_BOUNDS;
use kwasm_hooks::vmctx::VMCTX_MEMORY_PAGES;

/// Width and extension of a load or store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    B8S,
    B8U,
    B16S,
    B16U,
    B32S,
    B32U,
    B64,
}

impl Width {
    fn bytes(self) -> u64 {
        match self {
            Width::B8S | Width::B8U => 1,
            Width::B16S | Width::B16U => 2,
            Width::B32S | Width::B32U => 4,
            Width::B64 => 8,
        }
    }
}

/// Where an access goes: `[r14 + index + disp]`. `own` is the access's own register (the
/// popped address; a load may put its result there), freed after the access; `index` is it,
/// r11 (a checked address plus the access's end: nothing may use r11 until the access), a
/// pinned local's register or a check's copy of it (`bounds.rs`, rule 2), only read.
struct Address {
    index: u8,
    disp: i32,
    own: Option<u8>,
}

impl FuncCompiler<'_, '_> {
    /// Pops an address and returns where the access of `size` bytes at `offset` past it goes,
    /// checked against the memory's size unless a rule of `bounds.rs` shows it in bounds.
    fn address(&mut self, offset: u64, size: u64) -> Address {
        let end = offset + size;
        let minimum = self.module.min_memory_bytes();
        // Rules 2 and 3 address with a 32-bit displacement (and rule 2 checks with one): only
        // for accesses that end below 2 GiB.
        let within_minimum = !self.cx.unchecked.bounds && end <= minimum.min(i32::MAX as u64);
        match self.peek(0) {
            Val::Const(_, a) if within_minimum && a + end <= minimum => {
                // Rule 1: the whole access lies below the minimum (so below 2^32 + 8).
                self.pop();
                let reg = self.alloc_gpr();
                self.cx.masm.mov_imm(reg, a + offset);
                return Address {
                    index: reg,
                    disp: 0,
                    own: Some(reg),
                };
            }
            Val::Reg(Ty::I32, reg) if within_minimum && self.bound(0) + end <= minimum => {
                // Rule 3: the address is at most a bound that keeps the access inside the
                // minimum.
                self.pop();
                return Address {
                    index: reg,
                    disp: offset as i32,
                    own: Some(reg),
                };
            }
            Val::Local(_, i) if within_minimum && self.pinned_reg(i).is_some() => {
                // Rule 2: through a pinned local, with an offset inside the minimum.
                self.pop();
                return self.pinned_address(i, offset, end);
            }
            Val::Local(_, i) if within_minimum => {
                // Rule 2 through a local that holds a pinned local plus a constant, or through
                // a local kept in memory, with a copy.
                if let Some(address) = self.aliased_address(i, offset, end) {
                    self.pop();
                    return address;
                }
                if let Some(address) = self.local_copy_address(i, offset, end) {
                    return address;
                }
            }
            _ => {}
        }
        if within_minimum {
            // Rule 2 again, through a pinned local plus a constant summed right before, or
            // earlier into the address's register.
            if let Some(address) = self.pinned_sum_address(offset, end) {
                return address;
            }
            if let Some(address) = self.tagged_sum_address(offset, end) {
                return address;
            }
        }
        let usual_check = !self.cx.unchecked.bounds && end <= i32::MAX as u64 && minimum >= 8;
        if usual_check {
            // The address was summed by the instruction right before: the check sums it.
            if let Some(sum) = self.check_sum(end) {
                return Address {
                    index: R11,
                    disp: -(size as i32),
                    own: Some(sum),
                };
            }
        }
        let (_, addr) = self.pop_reg();
        if self.cx.unchecked.bounds {
            let (index, disp) = self.unchecked_address(addr, offset);
            return Address {
                index,
                disp,
                own: Some(addr),
            };
        }
        if usual_check {
            self.check_end(addr, end);
            return Address {
                index: R11,
                disp: -(size as i32),
                own: Some(addr),
            };
        }
        let (index, disp) = self.checked_address(addr, offset, size);
        Address {
            index,
            disp,
            own: Some(addr),
        }
    }

    /// For the compile loop, before load `op`: the local (pinned or kept in memory) and the
    /// constant added to it (`pinned_sum`, pinned only; 0 for none) that the load addresses
    /// through, when that needs a new check, so that the loop may look ahead for the loads
    /// that follow (`widening.rs`) and tell [`Self::widen_to`] how far the check should reach.
    pub fn load_needing_check(&self, op: &wasmparser::Operator<'_>) -> Option<(u32, u64)> {
        let end = crate::widening::load_end(op)?;
        // Before the validator has seen `op`: the stack may be empty (an invalid module).
        if self.cx.unchecked.bounds || self.dead {
            return None;
        }
        let (i, base) = match *self.stack.last()? {
            Val::Local(_, i) if self.covered_through_alias(i, end).is_some() => return None,
            Val::Local(_, i) => (i, 0),
            _ => {
                let (i, base, _) = self.pinned_sum()?;
                (i, base)
            }
        };
        (self.fact_fits(base, end) && self.checked.covering(i, base, end).is_none())
            .then_some((i, base))
    }

    /// Whether a check through a local plus constant `base` (0 for none) may reach
    /// `end` past their sum (rule 2 of `bounds.rs`): inside the memory's minimum (so that on a
    /// mispredicted path the copy, clamped to the memory's size, less `end` is still inside
    /// the memory), and with 32-bit displacements (`base + end` for a positive `base`, summed
    /// by the check's `lea`).
    pub fn fact_fits(&self, base: u64, end: u64) -> bool {
        let limit = self.module.min_memory_bytes().min(i32::MAX as u64);
        let disp = base as u32 as i32;
        end <= limit && (disp < 0 || base + end <= i32::MAX as u64)
    }

    /// Where a new check for an access through `local + base` ending `end` past it goes:
    /// `(base', end')` such that the check covers `local + base'` up to `end'` past it. As far
    /// as the loads the compile loop found around it reach (`widening.rs`), if it looked and
    /// the span fits a fact ([`Self::fact_fits`]; below `base` only with a copy, `copy`);
    /// else just the access.
    fn widened(&mut self, local: u32, base: u64, end: u64, copy: bool) -> (u64, u64) {
        let Some((l, b, span)) = self.widen_to.take() else {
            return (base, end);
        };
        if (l, b) != (local, base) {
            return (base, end);
        }
        let wide = span.end.max(end);
        let lowered = base.wrapping_sub(span.below) & u64::from(u32::MAX);
        // Below only for a pinned local: the loads below are `local + k` sums, which only a
        // pinned local's facts cover (`pinned_sum`).
        let pinned = self.pinned_reg(local).is_some();
        if copy && pinned && span.below > 0 && self.fact_fits(lowered, span.below + wide) {
            (lowered, span.below + wide)
        } else if self.fact_fits(base, wide) {
            (base, wide)
        } else {
            (base, end)
        }
    }

    /// The address on top of the stack, if the instruction just emitted summed it from a
    /// pinned local and a constant (`address_sum.rs`): the local, the constant and the sum.
    fn pinned_sum(&self) -> Option<(u32, u64, AddressSum)> {
        let sum = self.sum_on_top()?;
        let (Some(b), None) = (sum.base, sum.index) else {
            return None;
        };
        let i = self.pinned_local_in(b)?;
        (sum.reg != b).then_some((i, u64::from(sum.disp as u32), sum))
    }

    /// The fact that covers an access ending `end` past local `i` through what `i` holds, a
    /// pinned local plus a constant (`bounds.rs`, `Checked`), with that sum.
    fn covered_through_alias(&self, i: u32, end: u64) -> Option<(Fact, SumTag)> {
        let tag = self.checked.alias(i)?;
        if !self.fact_fits(tag.base, end) {
            return None;
        }
        Some((self.checked.covering(tag.local, tag.base, end)?, tag))
    }

    /// The access through local `i`, which holds a pinned local plus a constant, when a fact
    /// about that sum covers it: through the fact, without reading `i`.
    fn aliased_address(&mut self, i: u32, offset: u64, end: u64) -> Option<Address> {
        let (fact, tag) = self.covered_through_alias(i, end)?;
        let p = self
            .pinned_reg(tag.local)
            .expect("a sum tag's local is pinned");
        let (index, disp) = fact.address(p, tag.base, offset);
        Some(Address {
            index,
            disp,
            own: None,
        })
    }

    /// The access through local `i`, kept in memory (not pinned), by rule 2 of `bounds.rs`:
    /// through a fact's copy, without reading the local, or a new check of its value into a
    /// copy, which leaves a fact. `None` (nothing changed) when there is neither.
    fn local_copy_address(&mut self, i: u32, offset: u64, end: u64) -> Option<Address> {
        if !self.fact_fits(0, end) {
            return None;
        }
        if let Some(fact) = self.checked.covering(i, 0, end) {
            // A local in memory has only facts with copies (`new_fact` below).
            let c = fact
                .copy
                .expect("a fact about a local in memory has a copy");
            self.pop();
            let (index, disp) = fact.address(c, 0, offset);
            return Some(Address {
                index,
                disp,
                own: None,
            });
        }
        let c = self.alloc_copy_reg()?;
        let (_, r) = self.pop_reg();
        let fact = self.new_fact(i, r, 0, end, Some(c));
        let (index, disp) = fact.address(c, 0, offset);
        Some(Address {
            index,
            disp,
            own: Some(r),
        })
    }

    /// The access through pinned local `i` (rule 2 of `bounds.rs`): through a fact's copy, the
    /// local itself after an in-place check, through what it holds (`aliased_address`), or a
    /// new check's.
    fn pinned_address(&mut self, i: u32, offset: u64, end: u64) -> Address {
        let p = self.pinned_reg(i).expect("pinned");
        let own = self.checked.covering(i, 0, end);
        if own.is_none() {
            if let Some(address) = self.aliased_address(i, offset, end) {
                return address;
            }
        }
        let fact = match own {
            Some(fact) => fact,
            None => {
                let copy = self.alloc_copy_reg();
                self.new_fact(i, p, 0, end, copy)
            }
        };
        let (index, disp) = fact.address(p, 0, offset);
        Address {
            index,
            disp,
            own: None,
        }
    }

    /// The access through `local + base` just summed (`pinned_sum`), by rule 2 of `bounds.rs`:
    /// through a fact that covers it, or a new check into a copy, which the sum's instruction
    /// gives way to (taken back). `None` (nothing changed) when there is neither, or the sum's
    /// instruction cannot be taken back.
    fn pinned_sum_address(&mut self, offset: u64, end: u64) -> Option<Address> {
        let (i, base, sum) = self.pinned_sum()?;
        if !self.fact_fits(base, end) {
            return None;
        }
        let p = self.pinned_reg(i).expect("pinned");
        let covering = self.checked.covering(i, base, end);
        let copy = match covering {
            Some(_) => None,
            None => Some(self.alloc_copy_reg()?),
        };
        if !self.cx.masm.rewind(sum.start) {
            if let Some(c) = copy {
                self.regs.free_gpr(c);
            }
            return None;
        }
        self.pop();
        self.sum = None;
        let fact = match covering {
            Some(fact) => fact,
            None => self.new_fact(i, p, base, end, copy),
        };
        let (index, disp) = fact.address(p, base, offset);
        Some(Address {
            index,
            disp,
            own: Some(sum.reg),
        })
    }

    /// The access through an address register that holds a pinned local plus a constant
    /// (`bounds.rs`, `SumTag`: summed earlier, as a store's address is before its value), by
    /// rule 2 of `bounds.rs`: through a fact that covers it, or a new check of the register
    /// itself (it holds the program's sum, wrapped) into a copy, leaving a fact. `None`
    /// (nothing changed) when there is neither.
    fn tagged_sum_address(&mut self, offset: u64, end: u64) -> Option<Address> {
        let Val::Reg(Ty::I32, r) = self.peek(0) else {
            return None;
        };
        let SumTag { local, base } = self.reg_sum[r as usize]?;
        let p = self.pinned_reg(local)?;
        if !self.fact_fits(base, end) {
            return None;
        }
        let fact = match self.checked.covering(local, base, end) {
            Some(fact) => fact,
            None => {
                let c = self.alloc_copy_reg()?;
                self.check_into_copy(r, c, end);
                let fact = Fact {
                    local,
                    base,
                    end,
                    copy: Some(c),
                };
                self.record_checked(fact);
                fact
            }
        };
        self.pop();
        let (index, disp) = fact.address(p, base, offset);
        Some(Address {
            index,
            disp,
            own: Some(r),
        })
    }

    /// A new check for an access through local `i` (its value in register `p`: the pinned
    /// local's own, or a temporary for a local kept in memory, which needs `copy`) plus `base`
    /// (which needs `copy` unless 0), ending `end` past their sum, widened
    /// ([`Self::widened`]); and the fact it leaves.
    fn new_fact(&mut self, i: u32, p: u8, base: u64, end: u64, copy: Option<u8>) -> Fact {
        let (base, end) = self.widened(i, base, end, copy.is_some());
        match copy {
            Some(c) if base == 0 => self.check_into_copy(p, c, end),
            Some(c) => {
                // Into the copy, which ends up as the program's `local + base` plus `end`:
                // with `address_sum.rs`'s slow path for a sum that wrapped, or for a negative
                // constant summed as the program does, with wrapping.
                let sum = AddressSum {
                    reg: c,
                    base: Some(p),
                    index: None,
                    disp: base as u32 as i32,
                    start: 0,
                    end: 0,
                };
                if sum.disp >= 0 {
                    self.emit_sum_check(sum, c, end as i32);
                } else {
                    self.emit_wrapping_sum_check(sum, c, end as i32);
                }
            }
            None => self.check_pinned(p, end),
        }
        let fact = Fact {
            local: i,
            base,
            end,
            copy,
        };
        self.record_checked(fact);
        fact
    }

    /// Checks `p + end <= memory_size` with the sum in `c`, which becomes the memory's size on
    /// the failing path (see `bounds.rs`, rule 2). `end` is inside the memory's minimum.
    fn check_into_copy(&mut self, p: u8, c: u8, end: u64) {
        let oob = self.trap_label(TRAP_MEMORY_OUT_OF_BOUNDS);
        let m = &mut self.cx.masm;
        dynasm!(m.ops
            ; .arch x64
            ; lea Rq(c), [Rq(p) + end as i32]
            ; cmp r10, Rq(c)
            ; jb =>oob
        );
        m.clamp(c, 10);
    }

    /// Checks `addr + end <= memory_size` with the sum in r11, which indexes the access (at
    /// displacement `-size`). On the failing path (run speculatively before the trap) r11
    /// becomes the memory's size: the access then reads the last `size` bytes of the memory,
    /// which has at least its minimum, 8 bytes or more. Plain `mov`s and `cmov`s after the
    /// compare: the flags must survive.
    fn check_end(&mut self, addr: u8, end: u64) {
        let oob = self.trap_label(TRAP_MEMORY_OUT_OF_BOUNDS);
        let m = &mut self.cx.masm;
        dynasm!(m.ops
            ; .arch x64
            ; lea r11, [Rq(addr) + end as i32]
            ; cmp r10, r11
            ; jb =>oob
        );
        m.clamp(11, 10);
    }

    /// Checks `p + end <= memory_size` for pinned register `p`, clamping `p` itself to 0 on the
    /// failing path (see `bounds.rs`, rule 2). `end` is inside the memory's minimum.
    ///
    /// Every check branches right after its compare (so the two fuse into one µop) and clamps
    /// after the branch: the `cmov` reads the compare's flags whichever way the branch was
    /// predicted, so the order changes nothing on a mispredicted path, and a hot loop that is
    /// bound by its µop count pays one less per check.
    fn check_pinned(&mut self, p: u8, end: u64) {
        let oob = self.trap_label(TRAP_MEMORY_OUT_OF_BOUNDS);
        let m = &mut self.cx.masm;
        dynasm!(m.ops
            ; .arch x64
            ; lea r11, [Rq(p) + end as i32]
            ; cmp r10, r11
            ; jb =>oob
        );
        m.clamp_imm(p, 0);
    }

    /// Checks `addr + offset + size <= memory_size` for any offset (up to 2^32 + 8) and
    /// returns the index register and the displacement to use with `[r14 + index + disp]`.
    fn checked_address(&mut self, addr: u8, offset: u64, size: u64) -> (u8, i32) {
        let oob = self.trap_label(TRAP_MEMORY_OUT_OF_BOUNDS);
        let end = offset + size;
        let m = &mut self.cx.masm;
        if end <= i32::MAX as u64 {
            dynasm!(m.ops ; .arch x64 ; lea r11, [Rq(addr) + end as i32]);
        } else {
            m.mov_imm(11, end);
            dynasm!(m.ops ; .arch x64 ; add r11, Rq(addr));
        }
        // On the failing path (run speculatively before the trap), the address becomes
        // `-offset`: with the offset added back (displacement or `add` below) the access is at
        // the memory's base, not `offset` bytes past it (an empty memory's base points at
        // zeros: `kcore::empty`). Plain `mov`s: the flags must survive.
        dynasm!(m.ops ; .arch x64 ; cmp r10, r11 ; jb =>oob);
        m.clamp_imm(addr, offset.wrapping_neg() as i64);
        if offset <= i32::MAX as u64 {
            (addr, offset as i32)
        } else {
            m.mov_imm(11, offset);
            dynasm!(m.ops ; .arch x64 ; add Rq(addr), r11);
            (addr, 0)
        }
    }

    /// The address without a check (benchmarks only: `crate::compile_unchecked`).
    fn unchecked_address(&mut self, addr: u8, offset: u64) -> (u8, i32) {
        if offset <= i32::MAX as u64 {
            return (addr, offset as i32);
        }
        let m = &mut self.cx.masm;
        m.mov_imm(11, offset);
        dynasm!(m.ops ; .arch x64 ; add Rq(addr), r11);
        (addr, 0)
    }

    pub fn op_load(&mut self, ty: Ty, width: Width, offset: u64) {
        let size = if ty.is_float() {
            ty_bytes(ty)
        } else {
            width.bytes()
        };
        if ty.is_float() {
            // Allocated first: nothing may allocate (and so spill through r11) between the
            // check and the access.
            let x = self.alloc_xmm();
            let Address {
                index: a,
                disp: d,
                own,
            } = self.address(offset, size);
            let m = &mut self.cx.masm;
            if ty == Ty::F32 {
                dynasm!(m.ops ; .arch x64 ; movss Rx(x), DWORD [r14 + Rq(a) + d]);
            } else {
                dynasm!(m.ops ; .arch x64 ; movsd Rx(x), QWORD [r14 + Rq(a) + d]);
            }
            if let Some(r) = own {
                self.regs.free_gpr(r);
            }
            self.push(Val::Reg(ty, x));
            return;
        }
        let Address {
            index: a,
            disp: d,
            own,
        } = self.address(offset, size);
        // The result goes to the access's own register; through a pinned local (index not
        // r11) a new one.
        let r = match own {
            Some(r) => r,
            None => self.alloc_gpr(),
        };
        let m = &mut self.cx.masm;
        let w64 = ty == Ty::I64;
        match (width, w64) {
            (Width::B8S, false) => dynasm!(m.ops ; .arch x64 ; movsx Rd(r), BYTE [r14 + Rq(a) + d]),
            (Width::B8S, true) => dynasm!(m.ops ; .arch x64 ; movsx Rq(r), BYTE [r14 + Rq(a) + d]),
            (Width::B8U, _) => dynasm!(m.ops ; .arch x64 ; movzx Rd(r), BYTE [r14 + Rq(a) + d]),
            (Width::B16S, false) => {
                dynasm!(m.ops ; .arch x64 ; movsx Rd(r), WORD [r14 + Rq(a) + d])
            }
            (Width::B16S, true) => dynasm!(m.ops ; .arch x64 ; movsx Rq(r), WORD [r14 + Rq(a) + d]),
            (Width::B16U, _) => dynasm!(m.ops ; .arch x64 ; movzx Rd(r), WORD [r14 + Rq(a) + d]),
            (Width::B32S, true) => {
                dynasm!(m.ops ; .arch x64 ; movsxd Rq(r), DWORD [r14 + Rq(a) + d])
            }
            (Width::B32U | Width::B32S, _) => {
                dynasm!(m.ops ; .arch x64 ; mov Rd(r), DWORD [r14 + Rq(a) + d])
            }
            (Width::B64, _) => dynasm!(m.ops ; .arch x64 ; mov Rq(r), QWORD [r14 + Rq(a) + d]),
        }
        self.next_bound = match width {
            Width::B8U => Some(0xff),
            Width::B16U => Some(0xffff),
            _ => None,
        };
        self.push(Val::Reg(ty, r));
    }

    pub fn op_store(&mut self, ty: Ty, width: Width, offset: u64) {
        let (vty, v) = self.pop_reg();
        let size = if ty.is_float() {
            ty_bytes(ty)
        } else {
            width.bytes()
        };
        let Address {
            index: a,
            disp: d,
            own,
        } = self.address(offset, size);
        let m = &mut self.cx.masm;
        match (vty, size) {
            (Ty::F32, _) => dynasm!(m.ops ; .arch x64 ; movss DWORD [r14 + Rq(a) + d], Rx(v)),
            (Ty::F64, _) => dynasm!(m.ops ; .arch x64 ; movsd QWORD [r14 + Rq(a) + d], Rx(v)),
            (_, 1) => dynasm!(m.ops ; .arch x64 ; mov BYTE [r14 + Rq(a) + d], Rb(v)),
            (_, 2) => dynasm!(m.ops ; .arch x64 ; mov WORD [r14 + Rq(a) + d], Rw(v)),
            (_, 4) => dynasm!(m.ops ; .arch x64 ; mov DWORD [r14 + Rq(a) + d], Rd(v)),
            _ => dynasm!(m.ops ; .arch x64 ; mov QWORD [r14 + Rq(a) + d], Rq(v)),
        }
        self.free(vty, v);
        if let Some(r) = own {
            self.regs.free_gpr(r);
        }
    }

    pub fn op_memory_size(&mut self) {
        let r = self.alloc_gpr();
        let m = &mut self.cx.masm;
        dynasm!(m.ops ; .arch x64 ; mov Rd(r), DWORD [r15 + VMCTX_MEMORY_PAGES]);
        self.push(Val::Reg(Ty::I32, r));
    }

    /// An instruction implemented by a runtime helper with the host-call convention.
    pub fn op_helper(&mut self, helper: u32, params: &[Ty], results: &[Ty]) {
        let sig = Sig {
            params: params.to_vec(),
            results: results.to_vec(),
        };
        self.host_call(&sig, |m| m.call_helper(helper));
    }

    /// Helpers with a segment-index immediate, passed as the last argument.
    pub fn op_segment_helper(&mut self, helper: u32, segment: u32, nargs: usize) {
        self.push(Val::Const(Ty::I32, u64::from(segment)));
        self.op_helper(helper, &vec![Ty::I32; nargs + 1], &[]);
    }

    pub fn op_memory_grow(&mut self) {
        self.op_helper(HELPER_MEMORY_GROW, &[Ty::I32], &[Ty::I32]);
    }
}

fn ty_bytes(ty: Ty) -> u64 {
    match ty {
        Ty::I32 | Ty::F32 => 4,
        Ty::I64 | Ty::F64 => 8,
    }
}
