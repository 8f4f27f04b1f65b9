//! Compiling one function body: validation and emission in a single pass over its operators.
//!
//! Frame layout (rbp-based, rsp fixed after the prologue):
//!
//! ```text
//! [rbp + 16 + 8*i]        parameter i, and on return result i (the caller's slot area)
//! [rbp + 8]               return address
//! [rbp]                   caller's rbp
//! [rbp - 8*(j+1)]         non-parameter local j
//! [rbp - L - 8*(k+1)]     operand-stack slot k   (L = bytes of non-parameter locals)
//! [rsp + 8*i]             outgoing slot area for calls (arguments in, results out)
//! ```
//!
//! All registers except rsp, rbp, r14 (memory base) and r15 (vmctx) are caller-saved: calls
//! and control-flow joins spill the value stack to slots first.

use crate::asm::Label;
use crate::control::{Frame, Kind};
use crate::error::{CompileError, Result};
use crate::fuel_fold::FuelFold;
use crate::masm::{Masm, Mem};
use crate::module::{ModuleInfo, Sig, Ty};
use crate::prelude::*;
use crate::regalloc::{Held, RegAlloc};
use crate::stack::Val;
use alloc::collections::BTreeMap;
use dynasm::dynasm;
use kwasm_hooks::fuel::{
    FUEL_PER_BR_TABLE_LEVEL, FUEL_PER_BULK_ZEROING, FUEL_PER_CALL, FUEL_PER_HOST_CALL,
    FUEL_PER_LOOP_ITERATION, FUEL_PER_VALUE_MOVED, FUEL_PER_ZEROED_LOCAL,
};
use kwasm_hooks::trap::*;
use kwasm_hooks::vmctx::*;

/// The most target values (targets times the values each carries) a `br_table` may have:
/// see [`FuncCompiler::check_br_table_cost`].
pub const MAX_BR_TABLE_TARGET_VALUES: u64 = 1 << 20;

/// A `br_table` with at least this many runs of cases to distinct targets dispatches through a
/// jump table; fewer take a binary search (at most 6 compares). Measured on the compute
/// benchmark's interpreter (17 cases): the search, whose branches the CPU predicts well, ran
/// 1.5x faster than a jump table with an inline `jmp r11` and 1.7x faster than one through the
/// shared thunk (which the kernel's retpolines make slower still).
const JUMP_TABLE_MIN_RUNS: usize = 64;
/// ... and at most this many cases (16 bytes of table each).
const JUMP_TABLE_MAX_CASES: usize = 4096;

/// Value-stack entries above the spilled prefix (registers, constants, pending local reads)
/// past which an operator first spills them all: what `local.set` (and a return) look through
/// stays this short, however deep the stack. Real code seldom has half as many.
pub const MAX_UNSPILLED: usize = 32;
/// Loop headers start at a multiple of this many bytes (`Masm::align_with_nops`).
const LOOP_ALIGN: usize = 16;
/// At most this many locals are loaded on the path that falls through to a join, to hold them
/// where the branches to it left them (`FuncCompiler::join`).
const MAX_JOIN_LOADS: usize = 2;

/// State shared by all functions of a module.
pub struct ModuleCx {
    pub masm: Masm,
    /// Entry label of every function (imported ones have none).
    pub func_labels: Vec<Option<Label>>,
    /// One stub per trap code: `mov eax, code; jmp exit`.
    pub trap_labels: Vec<Label>,
    /// Stub for a trap code already in eax (from a host call or helper).
    pub trap_eax: Label,
    /// The common exit of every trampoline and trap.
    pub exit: Label,
    pub uses_float: bool,
    pub cpu_features: u64,
    pub yield_mode: bool,
    /// Checks left out (benchmarks only: `crate::compile_unchecked`).
    pub unchecked: crate::Unchecked,
    /// Largest frame of any function, for the artifact's minimum stack.
    pub max_frame: u32,
}

/// Out-of-line code emitted after the function body.
enum SlowPath {
    /// Yield mode: call the yield helper, then continue at `resume`.
    Yield { entry: Label, resume: Label },
    /// `call_indirect` of another instance's function (entry address in r11).
    Foreign { entry: Label, resume: Label },
    /// Fuel mode: a check found the fuel negative; call the fuel helper (which refills or
    /// traps), then continue at `resume`.
    Fuel { entry: Label, resume: Label },
}

pub struct FuncCompiler<'c, 'm> {
    pub cx: &'c mut ModuleCx,
    pub module: &'m ModuleInfo,
    pub func: u32,
    pub sig: Sig,
    pub locals: Vec<Ty>,
    /// The register of each local kept in one for the whole function (`pinning.rs`).
    pinned: Vec<Option<u8>>,
    /// The pinned locals and their registers.
    pins: Vec<(u32, u8)>,
    /// Bounds checks through pinned locals that later accesses can rely on (`bounds.rs`).
    pub checked: crate::bounds::Checked,
    /// An upper bound of the i32 in each general register (`ranges.rs`), set when a value is
    /// pushed in it.
    reg_bound: [u64; 16],
    /// The bound of the next register value pushed (set by the operator that computes it).
    pub next_bound: Option<u64>,
    /// For each general register, the pinned local plus constant whose sum its value is
    /// (`bounds.rs`, `SumTag`), set when a value is pushed in it.
    pub reg_sum: [Option<crate::bounds::SumTag>; 16],
    /// The same for the next register value pushed.
    pub next_sum: Option<crate::bounds::SumTag>,
    /// The local the next operator writes (`local.set` / `local.tee`), when the compile loop
    /// looked ahead for the current one ([`Self::wants_next`]).
    pub next_set: Option<u32>,
    /// How far around `local + base` the new check of the current load through that pinned
    /// local should reach, when the compile loop looked ahead for the loads after it
    /// (`widening.rs`): (local, base, span).
    pub widen_to: Option<(u32, u64, crate::widening::Span)>,
    /// The loop operator being compiled has only plain `br`s back to its header, as the
    /// compile loop's scan found (`fuel_fold.rs`).
    pub fold_next_loop: bool,
    /// The last operator was `i32.shl` by 1 to 3 (`ops_int.rs`, `scaled_add`), possibly
    /// followed by a constant or a local read; reset before every other operator.
    pub scaled: Option<crate::ops_int::Scaled>,
    /// The last operator was an `i32.add` emitted as one instruction (`address_sum.rs`);
    /// reset before every operator but loads.
    pub sum: Option<crate::address_sum::AddressSum>,
    /// Slow paths of checks that summed an address themselves (`address_sum.rs`).
    pub wrapped: Vec<crate::address_sum::WrappedSum>,
    pub nparams: usize,
    pub stack: Vec<Val>,
    /// Number of `Val::Slot` entries at the bottom of the stack.
    pub slots: usize,
    pub regs: RegAlloc,
    pub control: Vec<Frame>,
    /// The current position is unreachable (after br, return, unreachable).
    pub dead: bool,
    max_slots: usize,
    max_out: usize,
    /// Ends of the imm32 fields holding the frame size (stack check, `sub rsp`).
    frame_patches: Vec<usize>,
    slow: Vec<SlowPath>,
    /// Branch stubs: code that moves a branch's values into place and jumps to (or returns
    /// from) the target, by (target frame's label, value-stack height at the branch). With the
    /// stack spilled, those two fix the moves, so every branch with the same key can share one.
    stubs: BTreeMap<(Label, usize), Label>,
    /// Fuel mode: operators of the current straight-line stretch not charged yet.
    fuel_pending: u32,
    /// Fuel mode: the check (function entry or loop header) right before the current stretch,
    /// whose `sub` also pays for the stretch (an index into `fuel_patches`), until the
    /// stretch ends.
    fuel_prepaid: Option<usize>,
    /// The imm32 of every check's `sub` (end of the field, amount), patched at the end.
    fuel_patches: Vec<(usize, i32)>,
}

impl<'c, 'm> FuncCompiler<'c, 'm> {
    pub fn new(cx: &'c mut ModuleCx, module: &'m ModuleInfo, func: u32) -> Self {
        let sig = module.func_sig(func).clone();
        let nparams = sig.params.len();
        Self {
            cx,
            module,
            func,
            locals: sig.params.clone(),
            pinned: Vec::new(),
            pins: Vec::new(),
            checked: Default::default(),
            next_set: None,
            scaled: None,
            sum: None,
            wrapped: Vec::new(),
            reg_bound: [crate::ranges::UNKNOWN; 16],
            reg_sum: [None; 16],
            next_sum: None,
            next_bound: None,
            sig,
            nparams,
            stack: Vec::new(),
            slots: 0,
            regs: RegAlloc::default(),
            control: Vec::new(),
            dead: false,
            max_slots: 0,
            max_out: 0,
            frame_patches: Vec::new(),
            slow: Vec::new(),
            stubs: BTreeMap::new(),
            widen_to: None,
            fold_next_loop: false,
            fuel_pending: 0,
            fuel_prepaid: None,
            fuel_patches: Vec::new(),
        }
    }

    // ---- frame addresses ----

    /// Bytes below rbp before the operand slots: the non-parameter locals.
    fn locals_bytes(&self) -> i32 {
        8 * (self.locals.len() - self.nparams) as i32
    }

    pub fn local_mem(&self, i: u32) -> Mem {
        let i = i as usize;
        if i < self.nparams {
            Mem::Rbp(16 + 8 * i as i32)
        } else {
            Mem::Rbp(-8 * (i - self.nparams + 1) as i32)
        }
    }

    /// The register local `i` is pinned to, if it is.
    pub fn pinned_reg(&self, i: u32) -> Option<u8> {
        self.pinned[i as usize]
    }

    /// The register of the pinned local whose read is `depth` entries below the top, if it is
    /// one.
    pub fn pinned_at(&self, depth: usize) -> Option<u8> {
        match self.peek(depth) {
            Val::Local(_, i) => self.pinned_reg(i),
            _ => None,
        }
    }

    /// Pops an operand that is only read: a pinned local's register as it is (false: not the
    /// operation's to free), else into a register of the operation's (true).
    pub fn pop_read(&mut self) -> (u8, bool) {
        match self.pinned_at(0) {
            Some(p) => {
                self.pop();
                (p, false)
            }
            None => (self.pop_reg().1, true),
        }
    }

    /// The integer local pinned to register `r`, if any.
    pub fn pinned_local_in(&self, r: u8) -> Option<u32> {
        self.pins
            .iter()
            .find(|&&(i, p)| p == r && !self.locals[i as usize].is_float())
            .map(|&(i, _)| i)
    }

    /// The same for an index not validated yet (the lookahead's): `None` past the locals.
    pub fn pinned_reg_checked(&self, i: u32) -> Option<u8> {
        self.pinned.get(i as usize).copied().flatten()
    }

    /// Frees an integer operand's register, unless it is a pinned local's (borrowed for a
    /// read, as `pop_rhs` does).
    pub fn free_operand_gpr(&mut self, r: u8) {
        if !self.is_pinned_gpr(r) {
            self.regs.free_gpr(r);
        }
    }

    /// Whether general register `r` is a pinned local's.
    pub fn is_pinned_gpr(&self, r: u8) -> bool {
        self.pins
            .iter()
            .any(|&(i, p)| p == r && !self.locals[i as usize].is_float())
    }

    /// Whether the compile loop should look at the operator after `op` (and tell
    /// [`Self::next_set`]): for an integer ALU or a binary float operator, whose result may then
    /// go straight to the pinned local the next operator sets ([`Self::alu_destination`],
    /// `ops_float.rs`).
    pub fn wants_next(&self, op: &wasmparser::Operator<'_>) -> bool {
        use wasmparser::Operator as O;
        matches!(
            op,
            O::I32Add
                | O::I32Sub
                | O::I32Mul
                | O::I32And
                | O::I32Or
                | O::I32Xor
                | O::I64Add
                | O::I64Sub
                | O::I64Mul
                | O::I64And
                | O::I64Or
                | O::I64Xor
                | O::F32Add
                | O::F32Sub
                | O::F32Mul
                | O::F32Div
                | O::F32Min
                | O::F32Max
                | O::F32Copysign
                | O::F64Add
                | O::F64Sub
                | O::F64Mul
                | O::F64Div
                | O::F64Min
                | O::F64Max
                | O::F64Copysign
        ) && !self.dead
            && !self.pins.is_empty()
    }

    /// With the right operand `rhs` popped: `(local, register)` when the next operator sets
    /// pinned local `local` (of the result's type `ty`) to the result, which can then be
    /// computed in its register (unless `rhs` is that register: it is overwritten first).
    pub fn alu_destination(&self, ty: Ty, rhs: crate::stack::Rhs) -> Option<(u32, u8)> {
        // `next_set` comes from an operator the validator has not seen yet: check its index.
        let j = self.next_set?;
        let pj = self.pinned_reg_checked(j)?;
        (self.locals[j as usize] == ty && rhs != crate::stack::Rhs::Reg(pj)).then_some((j, pj))
    }

    /// Whether a read of local `j` is pending on the stack below the top (which may be in a
    /// slot, as may everything below it).
    pub fn other_reads(&self, j: u32) -> bool {
        let below_top = &self.stack[..self.stack.len() - 1];
        below_top
            .iter()
            .skip(self.slots)
            .any(|v| matches!(v, Val::Local(_, i) if *i == j))
    }

    /// Loads local `i` (of type `ty`) into register `r` of its class.
    fn load_local(&mut self, ty: Ty, r: u8, i: u32) {
        match self.pinned[i as usize] {
            Some(p) => self.cx.masm.mov(ty, r, p),
            None => match self.holding(ty, i) {
                Some(c) => self.cx.masm.mov(ty, r, c),
                None => self.cx.masm.load(ty, r, self.local_mem(i)),
            },
        }
    }

    /// A free register holding local `i`'s value (`regalloc.rs`; only locals in memory are
    /// ever held: `op_local_set` returns before that for a pinned one).
    fn holding(&self, ty: Ty, i: u32) -> Option<u8> {
        self.regs.holding(ty.is_float(), i)
    }

    /// Reads local `i` into `r`, just allocated; `held` is what held its value before that
    /// allocation (which may have taken that very register: then the value is already there;
    /// allocating writes no register).
    fn read_local(&mut self, ty: Ty, r: u8, i: u32, held: Option<u8>) {
        match held {
            Some(c) if c == r => {}
            Some(c) => self.cx.masm.mov(ty, r, c),
            None => self.load_local(ty, r, i),
        }
    }

    /// Copies local `i`'s 8 bytes to `dst`.
    fn copy_local(&mut self, dst: Mem, i: u32) {
        let ty = self.locals[i as usize];
        match self.pinned[i as usize] {
            Some(p) => self.cx.masm.store(ty, dst, p),
            None => match self.holding(ty, i) {
                Some(c) if ty.is_float() => self.cx.masm.store_xmm(dst, c),
                Some(c) => self.cx.masm.store64(dst, c),
                None => self.cx.masm.copy_slot(dst, self.local_mem(i)),
            },
        }
    }

    /// Stores every pinned local to its frame slot (before a call: all registers are
    /// caller-saved).
    fn save_pinned(&mut self) {
        for k in 0..self.pins.len() {
            let (i, p) = self.pins[k];
            let mem = self.local_mem(i);
            self.cx.masm.store(self.locals[i as usize], mem, p);
        }
    }

    /// Loads every pinned local back from its frame slot (after a call).
    fn restore_pinned(&mut self) {
        for k in 0..self.pins.len() {
            let (i, p) = self.pins[k];
            let mem = self.local_mem(i);
            // All 8 bytes, as saved.
            let whole = if self.locals[i as usize].is_float() {
                Ty::F64
            } else {
                Ty::I64
            };
            self.cx.masm.load(whole, p, mem);
        }
    }

    pub fn slot_mem(&self, k: usize) -> Mem {
        Mem::Rbp(-(self.locals_bytes() + 8 * (k as i32 + 1)))
    }

    // ---- registers and the value stack ----

    /// A free general register; nothing is known about its value (`ranges.rs`) until a
    /// `push` says otherwise.
    pub fn alloc_gpr(&mut self) -> u8 {
        let r = match self.regs.alloc_gpr() {
            Some(r) => r,
            None => {
                self.spill_all();
                if self.regs.free_gprs() == 0 {
                    // Bounds checks' copies hold the rest (`bounds.rs`): an operator that
                    // needs many registers at once (`select`) takes them back.
                    self.forget_checked_copies();
                }
                self.regs
                    .alloc_gpr()
                    .expect("a free register after spilling")
            }
        };
        self.reg_bound[r as usize] = crate::ranges::UNKNOWN;
        r
    }

    pub fn alloc_xmm(&mut self) -> u8 {
        // Any XMM use means the kernel must save the FPU state around runs.
        self.cx.uses_float = true;
        if let Some(r) = self.regs.alloc_xmm() {
            return r;
        }
        self.spill_all();
        self.regs
            .alloc_xmm()
            .expect("a free xmm register after spilling")
    }

    pub fn free(&mut self, ty: Ty, r: u8) {
        if ty.is_float() {
            self.regs.free_xmm(r);
        } else {
            self.regs.free_gpr(r);
        }
    }

    /// Makes `r` free for an instruction that needs it (div, shifts), spilling if a stack
    /// entry holds it. The register is then taken for the caller.
    pub fn take_gpr(&mut self, r: u8) {
        if self.checked.forget_copy_in(r) {
            self.regs.free_gpr(r);
        }
        if !self.regs.gpr_is_free(r) {
            self.spill_all();
        }
        self.regs.take_gpr(r);
        self.reg_bound[r as usize] = crate::ranges::UNKNOWN;
    }

    pub fn push(&mut self, v: Val) {
        let bound = self.next_bound.take();
        let sum = self.next_sum.take();
        if let Val::Reg(ty, r) = v {
            if !ty.is_float() {
                self.reg_sum[r as usize] = sum.filter(|_| ty == Ty::I32);
            }
        }
        if let Val::Reg(Ty::I32, r) = v {
            self.reg_bound[r as usize] = bound.unwrap_or(crate::ranges::UNKNOWN);
        }
        if let Val::Slot(_) = v {
            debug_assert_eq!(
                self.slots,
                self.stack.len(),
                "slot entries must stay a prefix"
            );
            self.slots += 1;
            self.max_slots = self.max_slots.max(self.slots);
        }
        self.stack.push(v);
    }

    pub fn pop(&mut self) -> Val {
        let v = self
            .stack
            .pop()
            .expect("validated: operand stack not empty");
        if let Val::Slot(_) = v {
            self.slots -= 1;
        }
        v
    }

    pub fn peek(&self, depth: usize) -> Val {
        self.stack[self.stack.len() - 1 - depth]
    }

    /// An upper bound of entry `depth` from the top, an i32 (`ranges.rs`).
    pub fn bound(&self, depth: usize) -> u64 {
        match self.peek(depth) {
            Val::Const(_, bits) => bits,
            Val::Reg(Ty::I32, r) => self.reg_bound[r as usize],
            Val::Cond(_) => 1,
            _ => crate::ranges::UNKNOWN,
        }
    }

    /// Moves every entry above the slot prefix into its slot.
    pub fn spill_all(&mut self) {
        for k in self.slots..self.stack.len() {
            let v = self.stack[k];
            debug_assert!(!matches!(v, Val::Slot(_)), "slots are a prefix");
            let mem = self.slot_mem(k);
            self.store_val(v, mem);
            self.stack[k] = Val::Slot(v.ty());
        }
        self.slots = self.stack.len();
        self.max_slots = self.max_slots.max(self.slots);
    }

    /// Loads `v` (just popped; a `Slot` lives at index `self.stack.len()`) into a register of
    /// its class, returning it.
    fn materialize(&mut self, v: Val) -> u8 {
        let k = self.stack.len();
        match v {
            Val::Reg(_, r) => r,
            Val::Cond(c) => self.materialize_cond(c),
            Val::Const(ty, bits) if ty.is_float() => {
                let x = self.alloc_xmm();
                self.cx.masm.xmm_imm(ty, x, bits);
                x
            }
            Val::Const(_, bits) => {
                let r = self.alloc_gpr();
                self.cx.masm.mov_imm(r, bits);
                r
            }
            Val::Local(ty, i) => {
                // Before allocating, which may take the very register that holds the value.
                let held = self.holding(ty, i);
                let r = if ty.is_float() {
                    self.alloc_xmm()
                } else {
                    self.alloc_gpr()
                };
                self.read_local(ty, r, i, held);
                r
            }
            Val::Slot(ty) => {
                // A popped slot is no longer on the stack, so a spill while allocating cannot
                // overwrite it: spills only write slots below `k`.
                let mem = self.slot_mem(k);
                if ty.is_float() {
                    let x = self.alloc_xmm();
                    self.cx.masm.load_xmm(ty, x, mem);
                    x
                } else {
                    let r = self.alloc_gpr();
                    self.cx.masm.load_gpr(ty, r, mem);
                    r
                }
            }
        }
    }

    pub fn pop_reg(&mut self) -> (Ty, u8) {
        let v = self.pop();
        (v.ty(), self.materialize(v))
    }

    /// Pops into register `r` of the value's class, which the caller has taken (or which is a
    /// pinned local's).
    pub fn pop_into(&mut self, r: u8) -> Ty {
        let v = self.pop();
        let ty = v.ty();
        match v {
            Val::Reg(_, s) => {
                self.cx.masm.mov(ty, r, s);
                self.free(ty, s);
            }
            Val::Const(_, bits) => self.cx.masm.imm(ty, r, bits),
            Val::Local(ty, i) => self.load_local(ty, r, i),
            Val::Slot(ty) => {
                let mem = self.slot_mem(self.stack.len());
                self.cx.masm.load(ty, r, mem);
            }
            Val::Cond(c) => {
                let s = self.materialize_cond(c);
                self.cx.masm.mov_gpr(r, s);
                self.regs.free_gpr(s);
            }
        }
        ty
    }

    /// Makes every pending read of local `i` on the stack happen now (before a write to it).
    /// Looks through at most [`MAX_UNSPILLED`] entries and the few an operator may add.
    pub fn materialize_local(&mut self, i: u32) {
        for k in self.slots..self.stack.len() {
            if let Val::Local(ty, j) = self.stack[k] {
                if j == i {
                    let held = self.holding(ty, i);
                    let r = if ty.is_float() {
                        self.regs.alloc_xmm()
                    } else {
                        self.regs.alloc_gpr()
                    };
                    match r {
                        Some(r) => {
                            self.read_local(ty, r, i, held);
                            // Put on the stack without `push`: its bound is the local's, unknown.
                            if !ty.is_float() {
                                self.reg_bound[r as usize] = crate::ranges::UNKNOWN;
                                self.reg_sum[r as usize] = None;
                            }
                            self.stack[k] = Val::Reg(ty, r);
                        }
                        None => {
                            // Spilling copies every pending local read into its slot.
                            self.spill_all();
                            return;
                        }
                    }
                }
            }
        }
    }

    /// Stores a value into memory (a slot, a local or a global's cell), freeing its register.
    /// A `Slot` value must have just been popped (it lives at index `self.stack.len()`).
    fn store_val(&mut self, v: Val, dst: Mem) {
        match v {
            Val::Const(_, bits) => self.cx.masm.store_const(dst, bits),
            Val::Reg(ty, r) if ty.is_float() => {
                self.cx.masm.store_xmm(dst, r);
                self.regs.free_xmm(r);
            }
            Val::Reg(_, r) => {
                self.cx.masm.store64(dst, r);
                self.regs.free_gpr(r);
            }
            Val::Local(_, i) => self.copy_local(dst, i),
            Val::Slot(_) => {
                let src = self.slot_mem(self.stack.len());
                self.cx.masm.copy_slot(dst, src);
            }
            Val::Cond(c) => {
                let r = self.materialize_cond(c);
                self.cx.masm.store64(dst, r);
                self.regs.free_gpr(r);
            }
        }
    }

    /// Frees the registers a value just popped and discarded holds.
    pub fn discard(&mut self, v: Val) {
        match v {
            Val::Reg(ty, r) => self.free(ty, r),
            Val::Cond(c) => self.free_cond(c),
            _ => {}
        }
    }

    // ---- traps ----

    pub fn trap_label(&self, code: u32) -> Label {
        self.cx.trap_labels[code as usize]
    }

    // ---- prologue and epilogue ----

    /// Adds the body's declared locals (count, type) to the parameters.
    pub fn declare_locals(&mut self, locals: &[(u32, Ty)]) {
        for &(count, ty) in locals {
            self.locals.extend(core::iter::repeat_n(ty, count as usize));
        }
    }

    /// Gives local `i` register `pins[i]` for the whole function (`pinning::choose`): the
    /// operand stack no longer allocates those.
    fn pin_locals(&mut self, pinned: Vec<Option<u8>>) {
        for (i, reg) in pinned.iter().enumerate() {
            if let Some(r) = *reg {
                if self.locals[i].is_float() {
                    self.regs.reserve_xmm(r);
                    self.cx.uses_float = true;
                } else {
                    self.regs.reserve_gpr(r);
                }
                self.pins.push((i as u32, r));
            }
        }
        self.pinned = pinned;
    }

    /// Loads the pinned parameters into their registers and zeroes the other pinned locals.
    fn load_pinned(&mut self) {
        for k in 0..self.pins.len() {
            let (i, p) = self.pins[k];
            let ty = self.locals[i as usize];
            if (i as usize) < self.nparams {
                let mem = self.local_mem(i);
                self.cx.masm.load(ty, p, mem);
            } else {
                self.cx.masm.imm(ty, p, 0);
            }
        }
    }

    pub fn prologue(&mut self, pinned: Vec<Option<u8>>) {
        if self.cx.masm.fuel_reg {
            self.regs.reserve_gpr(crate::regalloc::FUEL_REG);
        }
        self.pin_locals(pinned);
        let stack_trap = self.trap_label(TRAP_STACK_EXHAUSTED);
        let m = &mut self.cx.masm;
        m.endbr();
        dynasm!(m.ops
            ; .arch x64
            ; push rbp
            ; mov rbp, rsp
            ; lea rax, [rsp - 0x7fff_fff0]
        );
        self.frame_patches.push(self.cx.masm.offset());
        let m = &mut self.cx.masm;
        dynasm!(m.ops
            ; .arch x64
            ; cmp rax, QWORD [r15 + VMCTX_STACK_LIMIT]
            ; jb =>stack_trap
            ; sub rsp, 0x7fff_fff0
        );
        self.frame_patches.push(self.cx.masm.offset());
        // Non-parameter locals start at zero.
        let n = self.locals.len() - self.nparams;
        if n <= 8 {
            for j in 0..n {
                let mem = self.local_mem((self.nparams + j) as u32);
                self.cx.masm.store_const(mem, 0);
            }
        } else {
            let m = &mut self.cx.masm;
            dynasm!(m.ops
                ; .arch x64
                ; lea rdi, [rbp - 8 * n as i32]
                ; mov ecx, n as i32
                ; xor eax, eax
                ; rep stosq
            );
        }
        self.load_pinned();
        // The check pays for the call and for the zeroing (which runs before it: at most
        // ~3.5 µs, for wasmparser's 50,000 locals).
        let zeroing =
            n as u32 * FUEL_PER_ZEROED_LOCAL + if n > 8 { FUEL_PER_BULK_ZEROING } else { 0 };
        self.bounded_execution_check(FUEL_PER_CALL + zeroing);
        let label = self.cx.masm.label();
        self.control.push(Frame {
            kind: Kind::Func,
            label,
            else_label: None,
            params: Vec::new(),
            results: self.sig.results.clone(),
            base: 0,
            dead_entry: false,
            joined: None,
            else_entry: None,
            fuel_fold: None,
        });
    }

    // ---- bounded execution ----
    //
    // Fuel mode charges one unit per wasm operator executed, and more for operators that do
    // more (`kwasm_hooks::fuel`: a `br_table`'s search levels, the values a branch or return
    // moves, host and helper calls, all added to the stretch; the prologue's zeroing of
    // locals, paid by the entry check; bulk operations by length, in their helpers). The
    // operators of a straight-line stretch (code between two points where control can leave
    // or join: branches, calls, returns, block/loop/if boundaries) are counted at compile time
    // and charged with one `sub [vmctx.fuel], count` where the stretch ends, before the
    // control transfer; a stretch that starts at a check (function entry, loop header) is
    // charged by the check's own `sub`, patched with its count, so most loop iterations pay
    // one `sub` per stretch and nothing else.
    //
    // Why this bounds the work between two checks: every operator executed was charged on its
    // way (every path out of a stretch passes its `sub`, except traps, which end the run; a
    // branch stub that several stretches share charges its moves with a `sub` of its own).
    // Only checks (`js` after the `sub`) act on the fuel going negative, and every cycle in
    // the code passes one: a loop's back edge lands on its header, recursion enters a function
    // entry. Between two checks execution therefore follows a path without back edges through
    // the current function (at most its length), plus the code after the calls it returns to
    // (at most that much per frame, and frames are bounded by the stack limit). So fuel that
    // is negative at one check was overdrawn by at most that much, and no path runs long
    // without reaching a check that sees it.

    /// Whether the code charges fuel: fuel mode, unless a benchmark left it out.
    pub fn fuel_on(&self) -> bool {
        !self.cx.yield_mode && !self.cx.unchecked.fuel
    }

    /// Counts one operator reached in live code (for every operator, before emitting it).
    pub fn fuel_count(&mut self) {
        if self.fuel_on() && !self.dead {
            self.fuel_pending += 1;
        }
    }

    /// Adds `units` to the current stretch, for an operator that does more than one
    /// operator's work (`kwasm_hooks::fuel` has the prices).
    pub fn fuel_add(&mut self, units: u32) {
        if self.fuel_on() && !self.dead {
            self.fuel_pending = self.fuel_pending.saturating_add(units);
        }
    }

    /// Ends the current stretch: charges its operators (one `sub` with an immediate; none when
    /// there is nothing to charge or the check before the stretch pays for it). Clobbers the
    /// flags only.
    pub fn fuel_charge(&mut self) {
        let n = self.take_fuel_pending();
        self.charge_fuel(n as i32);
    }

    /// Ends the current stretch charging `n` for it (possibly negative: `fuel_fold.rs`).
    pub fn charge_fuel(&mut self, n: i32) {
        if let Some(i) = self.fuel_prepaid.take() {
            self.fuel_patches[i].1 += n;
        } else if n != 0 {
            self.cx.masm.sub_fuel(n, false);
        }
    }

    /// Ends the current stretch with a `sub` here that can be patched later (with a 32-bit
    /// immediate): the index of its patch. A check before the stretch charges the stretch
    /// itself; the `sub` then starts at 0.
    fn fuel_charge_patchable(&mut self) -> usize {
        let mut n = self.take_fuel_pending() as i32;
        if let Some(i) = self.fuel_prepaid.take() {
            self.fuel_patches[i].1 += n;
            n = 0;
        }
        let end = self.cx.masm.sub_fuel(0, true);
        self.fuel_patches.push((end, n));
        self.fuel_patches.len() - 1
    }

    /// The operators of the current stretch not charged yet, now taken to be charged.
    pub fn take_fuel_pending(&mut self) -> u32 {
        core::mem::take(&mut self.fuel_pending)
    }

    /// Whether a check before the current stretch pays for it.
    pub fn fuel_prepaid_pending(&self) -> bool {
        self.fuel_prepaid.is_some()
    }

    /// Adds `n` to a patched charge (an index from [`Self::fuel_charge_patchable`] or a
    /// check's).
    pub fn patch_fuel(&mut self, patch: usize, n: i32) {
        self.fuel_patches[patch].1 += n;
    }

    /// Ends the current stretch without code, where it ends in a trap (the run is over).
    fn fuel_drop(&mut self) {
        let n = core::mem::take(&mut self.fuel_pending);
        if let Some(i) = self.fuel_prepaid.take() {
            self.fuel_patches[i].1 += n as i32;
        }
    }

    /// Fuel or yield check, at function entries and loop headers. Call only with the value
    /// stack fully spilled (the slow paths call out). In fuel mode the check charges `base`
    /// (what the call or the iteration costs beyond its operators: `kwasm_hooks::fuel`) plus
    /// the stretch that follows it (patched once that stretch ends) and acts when the fuel is
    /// negative.
    pub fn bounded_execution_check(&mut self, base: u32) {
        if self.cx.yield_mode {
            let entry = self.cx.masm.label();
            let resume = self.cx.masm.label();
            let m = &mut self.cx.masm;
            dynasm!(m.ops
                ; .arch x64
                ; cmp QWORD [r15 + VMCTX_YIELD], 0
                ; jne =>entry
                ; =>resume
            );
            self.slow.push(SlowPath::Yield { entry, resume });
        } else if self.fuel_on() {
            debug_assert!(self.fuel_pending == 0 && self.fuel_prepaid.is_none());
            let entry = self.cx.masm.label();
            let resume = self.cx.masm.label();
            let end = self.cx.masm.sub_fuel(0, true);
            self.fuel_prepaid = Some(self.fuel_patches.len());
            self.fuel_patches.push((end, base as i32));
            let m = &mut self.cx.masm;
            dynasm!(m.ops
                ; .arch x64
                ; js =>entry
                ; =>resume
            );
            self.slow.push(SlowPath::Fuel { entry, resume });
        }
    }

    /// Copies the top `n` values (all in slots) to `dst(i)`.
    fn move_top_slots(&mut self, n: usize, dst: impl Fn(&Self, usize) -> Mem) {
        let top = self.stack.len() - n;
        for i in 0..n {
            let (d, s) = (dst(self, i), self.slot_mem(top + i));
            self.cx.masm.copy_slot(d, s);
        }
    }

    /// Writes entry `k` of the stack (not a pending local read) to `dst`, leaving the value
    /// stack as it is.
    fn write_entry(&mut self, k: usize, dst: Mem) {
        match self.stack[k] {
            Val::Const(_, bits) => self.cx.masm.store_const(dst, bits),
            Val::Reg(ty, r) if ty.is_float() => self.cx.masm.store_xmm(dst, r),
            Val::Reg(_, r) => self.cx.masm.store64(dst, r),
            Val::Slot(_) => {
                let src = self.slot_mem(k);
                self.cx.masm.copy_slot(dst, src);
            }
            Val::Local(..) => unreachable!("callers resolve local reads first"),
            Val::Cond(_) => {
                unreachable!("a compare is settled before any operator but its consumer")
            }
        }
    }

    fn emit_return(&mut self) {
        let n = self.sig.results.len();
        let top = self.stack.len() - n;
        // The results go over the parameters: a pending read of a parameter must happen first,
        // so with any local read among them, spill everything; otherwise store straight from
        // where the values are. The value stack itself is left alone (a `br_if` falls through).
        if (top..self.stack.len()).any(|k| matches!(self.stack[k], Val::Local(..))) {
            self.spill_all();
            self.move_top_slots(n, |_, i| Mem::Rbp(16 + 8 * i as i32));
        } else {
            for i in 0..n {
                self.write_entry(top + i, Mem::Rbp(16 + 8 * i as i32));
            }
        }
        let m = &mut self.cx.masm;
        dynasm!(m.ops
            ; .arch x64
            ; mov rsp, rbp
            ; pop rbp
        );
        m.ret();
    }

    /// Finishes the function: slow paths, then records its frame-size patches in `patches`.
    pub fn finish(mut self, patches: &mut Vec<(usize, i32)>) -> Result<()> {
        self.emit_wrapped_sums();
        let fuel_on = self.fuel_on();
        for path in core::mem::take(&mut self.slow) {
            // Each calls a helper with (vmctx, the slot area[, the table entry]) and resumes; a
            // non-zero return is a trap code. The memory base may have moved meanwhile.
            let (entry, resume, helper) = match &path {
                SlowPath::Yield { entry, resume } => {
                    (*entry, *resume, kwasm_hooks::artifact::HELPER_YIELD)
                }
                SlowPath::Foreign { entry, resume } => {
                    (*entry, *resume, kwasm_hooks::artifact::HELPER_CALL_FOREIGN)
                }
                SlowPath::Fuel { entry, resume } => (
                    *entry,
                    *resume,
                    kwasm_hooks::artifact::HELPER_FUEL_EXHAUSTED,
                ),
            };
            let trap = self.cx.trap_eax;
            let foreign = matches!(path, SlowPath::Foreign { .. });
            self.cx.masm.bind(entry);
            // A call into another instance saved the pinned locals before it branched here
            // and loads them after `resume`; the checks' slow paths do it themselves.
            if !foreign {
                self.save_pinned();
            }
            let m = &mut self.cx.masm;
            if foreign && fuel_on {
                // Entering another instance goes through the runtime: a host call's price.
                m.sub_fuel(FUEL_PER_HOST_CALL as i32, false);
            }
            m.fuel_store();
            dynasm!(m.ops
                ; .arch x64
                ; mov rdi, r15
                ; mov rsi, rsp
                ; mov rdx, r11
            );
            m.call_helper(helper);
            m.fuel_load();
            dynasm!(m.ops
                ; .arch x64
                ; test eax, eax
                ; jnz =>trap
            );
            m.load_memory();
            if !foreign {
                self.restore_pinned();
            }
            self.cx.masm.jmp(resume);
        }
        let frame = self.locals_bytes() as usize + 8 * (self.max_slots + self.max_out.max(1));
        let frame = frame.next_multiple_of(16);
        let frame = i32::try_from(frame)
            .ok()
            .filter(|f| *f < 1 << 24)
            .ok_or_else(|| CompileError::new(0, "function frame too large").in_func(self.func))?;
        self.cx.max_frame = self.cx.max_frame.max(frame as u32 + 16);
        patches.push((self.frame_patches[0], -frame));
        patches.push((self.frame_patches[1], frame));
        self.fuel_drop();
        patches.extend_from_slice(&self.fuel_patches);
        Ok(())
    }

    // ---- control flow ----

    fn block_types(&self, ty: wasmparser::BlockType, offset: u64) -> Result<(Vec<Ty>, Vec<Ty>)> {
        Ok(match ty {
            wasmparser::BlockType::Empty => (vec![], vec![]),
            wasmparser::BlockType::Type(t) => (vec![], vec![Ty::from_wasm(t, offset)?]),
            wasmparser::BlockType::FuncType(i) => {
                let sig = &self.module.types[i as usize];
                (sig.params.clone(), sig.results.clone())
            }
        })
    }

    fn push_frame(&mut self, kind: Kind, ty: wasmparser::BlockType, offset: u64) -> Result<Frame> {
        let (params, results) = self.block_types(ty, offset)?;
        let label = self.cx.masm.label();
        let base = self.stack.len().saturating_sub(params.len());
        Ok(Frame {
            kind,
            label,
            else_label: None,
            params,
            results,
            base,
            dead_entry: self.dead,
            joined: None,
            else_entry: None,
            fuel_fold: None,
        })
    }

    pub fn op_block(&mut self, kind: Kind, ty: wasmparser::BlockType, offset: u64) -> Result<()> {
        let mut frame = self.push_frame(kind, ty, offset)?;
        if !self.dead {
            if kind == Kind::If {
                let cond = self.pop_cond();
                frame.base = self.stack.len() - frame.params.len();
                self.spill_all();
                let else_label = self.cx.masm.label();
                frame.else_label = Some(else_label);
                self.fuel_charge();
                frame.else_entry = Some(self.regs.held());
                self.branch_unless(cond, else_label);
            } else {
                self.spill_all();
            }
            if kind == Kind::Loop {
                // Back edges folded into the header's check (`fuel_fold.rs`): the entry's
                // charge is patched then.
                let fold = core::mem::take(&mut self.fold_next_loop)
                    && self.fuel_on()
                    && frame.params.is_empty();
                let entry = if fold {
                    Some(self.fuel_charge_patchable())
                } else {
                    self.fuel_charge();
                    None
                };
                let label = frame.label;
                self.cx.masm.align_with_nops(LOOP_ALIGN);
                self.cx.masm.bind(label);
                self.at_join();
                let header = self.fuel_patches.len();
                self.bounded_execution_check(FUEL_PER_LOOP_ITERATION);
                frame.fuel_fold = entry.map(|entry| FuelFold {
                    entry,
                    header,
                    folded: None,
                });
            }
        }
        self.control.push(frame);
        Ok(())
    }

    /// Control flow joins here: what is known about registers from one path is not known.
    fn at_join(&mut self) {
        self.clear_checked();
        self.regs.forget_locals();
    }

    /// A branch to frame `depth` is emitted here (the stack spilled, the stretch charged):
    /// for a block or an if, what the free registers hold joins what the other branches to
    /// its end left ([`Self::join`]). What runs between here and the end's label (a stub's
    /// moves through r11, a fuel `sub`) writes no register that can hold a local.
    fn note_branch(&mut self, depth: u32) {
        let held = self.regs.held();
        let k = self.control.len() - 1 - depth as usize;
        let frame = &mut self.control[k];
        if matches!(frame.kind, Kind::Block | Kind::If | Kind::Else) {
            match &mut frame.joined {
                Some(joined) => joined.meet(&held),
                None => frame.joined = Some(held),
            }
        }
    }

    /// At the end of a block or an if, before its label (stack spilled, stretch charged):
    /// what the free registers hold on every path into the label. Branches left `joined`
    /// (and an if without else its condition-false path `else_entry`); the path falling
    /// through, if live, is made to agree with them by loading up to [`MAX_JOIN_LOADS`]
    /// locals into the registers the branches left them in, and drops the rest. A local's
    /// frame slot always has its value (it is in memory: only such locals are held), so the
    /// loads are right whatever the path did. Where only the fall-through path arrives,
    /// what it holds.
    fn join(&mut self, frame: &Frame) -> Option<Held> {
        let mut arrivals = frame.joined;
        if frame.else_label.is_some() {
            if let Some(entry) = frame.else_entry {
                match &mut arrivals {
                    Some(a) => a.meet(&entry),
                    None => arrivals = Some(entry),
                }
            }
        }
        if self.dead {
            return arrivals;
        }
        let Some(mut held) = arrivals else {
            return Some(self.regs.held());
        };
        let mut loads = 0;
        for (float, r, i) in held.entries().collect::<Vec<_>>() {
            if self.regs.holds(float, r, i) {
                continue;
            }
            if loads < MAX_JOIN_LOADS && self.regs.is_free(float, r) {
                let ty = self.locals[i as usize];
                let mem = self.local_mem(i);
                self.cx.masm.load(ty, r, mem);
                loads += 1;
            } else {
                held.drop_entry(float, r);
            }
        }
        Some(held)
    }

    /// Resets the value stack to `base` followed by `types` in their slots (a join point).
    fn reset_stack(&mut self, base: usize, types: &[Ty]) {
        while self.stack.len() > base {
            let v = self.pop();
            self.discard(v);
        }
        debug_assert_eq!(self.slots, self.stack.len());
        for &t in types {
            self.push(Val::Slot(t));
        }
    }

    pub fn op_else(&mut self) {
        let frame = self.control.last_mut().expect("validated: inside if");
        frame.kind = Kind::Else;
        if frame.dead_entry {
            return;
        }
        let frame = frame.clone();
        if !self.dead {
            self.spill_all();
            self.fuel_charge();
            self.note_branch(0);
            self.cx.masm.jmp(frame.label);
        }
        let else_label = frame.else_label.expect("if frames have an else label");
        self.cx.masm.bind(else_label);
        // Only the condition-false branch arrives here: what it left in the registers holds.
        self.at_join();
        if let Some(entry) = &frame.else_entry {
            self.regs.set_held(entry);
        }
        self.control.last_mut().unwrap().else_label = None;
        self.reset_stack(frame.base, &frame.params);
        self.dead = false;
    }

    /// `end`; returns true when it ended the function.
    pub fn op_end(&mut self) -> bool {
        let frame = self.control.pop().expect("validated: matching end");
        if frame.dead_entry {
            return false;
        }
        if frame.kind == Kind::Func {
            if !self.dead {
                self.fuel_add(self.sig.results.len() as u32 * FUEL_PER_VALUE_MOVED);
                self.fuel_charge();
                self.emit_return();
            }
            let label = frame.label;
            self.cx.masm.bind(label);
            return true;
        }
        if !self.dead {
            self.spill_all();
            // A label is bound here (except after a loop, whose label is its header): a join.
            if frame.kind != Kind::Loop {
                self.fuel_charge();
            }
        }
        if frame.kind == Kind::Loop {
            // Only the loop's last instruction falls through to here (branches go to its
            // header): not a join, everything known still holds.
        } else {
            let held = self.join(&frame);
            self.cx.masm.bind(frame.label);
            self.at_join();
            if let Some(held) = held {
                self.regs.set_held(&held);
            }
        }
        if let Some(else_label) = frame.else_label {
            // `if` without `else`: the false path falls through with the params as results.
            self.cx.masm.bind(else_label);
        }
        self.reset_stack(frame.base, &frame.results);
        self.dead = false;
        false
    }

    /// Refuses a `br_table` of `targets` cases (and a default to `default`) whose validation
    /// would take too long: wasmparser checks each target's types against the stack, so its
    /// work is the targets times the values they carry, all in one operator (2M targets of
    /// 1000 values took 14 s). The limit, [`MAX_BR_TABLE_TARGET_VALUES`], is kwasm's, not the
    /// format's. A default out of range is left for the validator to report.
    pub fn check_br_table_cost(&self, targets: u32, default: u32, offset: u64) -> Result<()> {
        let Some(frame) = (default as usize)
            .checked_add(1)
            .and_then(|d| self.control.len().checked_sub(d))
            .map(|i| &self.control[i])
        else {
            return Ok(());
        };
        let arity = frame.branch_types().len() as u64;
        if u64::from(targets) * arity > MAX_BR_TABLE_TARGET_VALUES {
            return Err(CompileError::new(
                offset,
                format!(
                    "br_table of {targets} targets carrying {arity} values each: over the kwasm \
                     limit of {MAX_BR_TABLE_TARGET_VALUES} target values (targets x values)"
                ),
            ));
        }
        Ok(())
    }

    fn target(&self, depth: u32) -> &Frame {
        &self.control[self.control.len() - 1 - depth as usize]
    }

    /// Values a branch to frame `depth` from here moves (stack spilled): none when it can
    /// jump directly, all of the target's otherwise (a return's results).
    fn branch_moves(&self, depth: u32) -> u32 {
        let frame = self.target(depth);
        if frame.kind != Kind::Func && self.direct_target(depth).is_some() {
            return 0;
        }
        frame.branch_types().len() as u32
    }

    /// Moves the branch values of frame `depth` into place and jumps there (or returns). A
    /// stub (`stub`: code that branches from elsewhere jump to, after their stretch was
    /// charged) first charges its moves itself; otherwise the caller added them to the
    /// stretch.
    fn branch_to(&mut self, depth: u32, stub: bool) {
        let moves = self.branch_moves(depth);
        if stub && moves > 0 && self.fuel_on() {
            self.cx
                .masm
                .sub_fuel((moves * FUEL_PER_VALUE_MOVED) as i32, false);
        }
        let frame = self.target(depth);
        if frame.kind == Kind::Func {
            self.emit_return();
            return;
        }
        let (n, base, label) = (frame.branch_types().len(), frame.base, frame.label);
        self.move_top_slots(n, |s, i| s.slot_mem(base + i));
        self.cx.masm.jmp(label);
    }

    /// With the stack spilled: where a branch to frame `depth` can jump directly, if it needs
    /// no code of its own (no values to move, not a return).
    fn direct_target(&self, depth: u32) -> Option<Label> {
        let frame = self.target(depth);
        let n = frame.branch_types().len();
        (frame.kind != Kind::Func && (n == 0 || frame.base + n == self.stack.len()))
            .then_some(frame.label)
    }

    /// The key of a branch stub to frame `depth` from here (stack spilled).
    fn stub_key(&self, depth: u32) -> (Label, usize) {
        (self.target(depth).label, self.stack.len())
    }

    pub fn op_br(&mut self, depth: u32) {
        self.spill_all();
        match self.stubs.get(&self.stub_key(depth)) {
            Some(&stub) => {
                self.fuel_charge();
                self.note_branch(depth);
                self.cx.masm.jmp(stub);
            }
            None => {
                self.fuel_add(self.branch_moves(depth) * FUEL_PER_VALUE_MOVED);
                self.charge_back_edge(depth);
                self.note_branch(depth);
                self.branch_to(depth, false);
            }
        }
        self.dead = true;
    }

    pub fn op_br_if(&mut self, depth: u32) {
        // The condition's registers stay held (outside the stack) until its `cmp`, after the
        // spill and the fuel charge, which change the flags.
        let cond = self.pop_cond();
        self.spill_all();
        self.fuel_charge();
        let key = self.stub_key(depth);
        let shared = self.direct_target(depth).or(self.stubs.get(&key).copied());
        if let Some(target) = shared {
            self.branch_if(cond, target);
            // After the compare freed its registers (which hold now what they held then).
            self.note_branch(depth);
            return;
        }
        // The first branch from this height to this target: its moves, inline, become the stub.
        let (skip, stub) = (self.cx.masm.label(), self.cx.masm.label());
        self.stubs.insert(key, stub);
        self.branch_unless(cond, skip);
        self.note_branch(depth);
        self.cx.masm.bind(stub);
        self.branch_to(depth, true);
        self.cx.masm.bind(skip);
    }

    /// Where a dispatch's branch to frame `depth` starts: the frame itself, an existing stub,
    /// or a new stub, added to `pending` for the caller to emit.
    fn branch_entry(&mut self, depth: u32, pending: &mut Vec<(u32, Label)>) -> Label {
        if let Some(label) = self.direct_target(depth) {
            return label;
        }
        let key = self.stub_key(depth);
        if let Some(&stub) = self.stubs.get(&key) {
            return stub;
        }
        let stub = self.cx.masm.label();
        self.stubs.insert(key, stub);
        pending.push((depth, stub));
        stub
    }

    /// `br_table`: through a jump table when the cases are many and varied
    /// ([`Self::br_table_jump`]), else a binary search ([`Self::br_table_search`]).
    pub fn op_br_table(&mut self, targets: &[u32], default: u32) {
        let (_, index) = self.pop_reg();
        self.regs.free_gpr(index);
        self.spill_all();
        // The dispatch writes only the index's register, which holds no local (it was
        // allocated for the index, which forgot what it held).
        let mut depths: Vec<u32> = targets.iter().copied().chain([default]).collect();
        depths.sort_unstable();
        depths.dedup();
        for depth in depths {
            self.note_branch(depth);
        }
        // Runs of equal targets: (last case of the run, depth). Run i takes the indices above
        // run i - 1's last case up to its own; "interval" `runs.len()`, everything above the
        // last run, goes to the default.
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for (i, &depth) in targets.iter().enumerate() {
            match runs.last_mut() {
                Some(run) if run.1 == depth => run.0 = i as u32,
                _ => runs.push((i as u32, depth)),
            }
        }
        // Trailing cases that go where the default goes need no compare.
        while runs.last().is_some_and(|run| run.1 == default) {
            runs.pop();
        }
        if runs.len() >= JUMP_TABLE_MIN_RUNS && targets.len() <= JUMP_TABLE_MAX_CASES {
            self.br_table_jump(index, targets, default);
        } else {
            self.br_table_search(index, &runs, default);
        }
        self.dead = true;
    }

    /// A jump table: the index, clamped to the default's entry without a branch (so not even
    /// a mispredicted path indexes past the table), selects a 16-byte entry (`endbr64; jmp`
    /// to the target's stub) reached through the platform's indirect-branch thunk. Charged as
    /// one search level: the dispatch is the same work whatever the index.
    fn br_table_jump(&mut self, index: u8, targets: &[u32], default: u32) {
        self.fuel_add(FUEL_PER_BR_TABLE_LEVEL);
        self.fuel_charge();
        let cases = targets.len() as i32;
        let table = self.cx.masm.label();
        let m = &mut self.cx.masm;
        dynasm!(m.ops
            ; .arch x64
            ; mov r11d, cases
            ; cmp r11d, Rd(index)
            ; cmovb Rd(index), r11d
            ; shl Rq(index), 4
            ; lea r11, [=>table]
            ; add r11, Rq(index)
        );
        m.jmp_r11();
        m.align(16);
        m.bind(table);
        let mut pending: Vec<(u32, Label)> = Vec::new();
        for depth in targets.iter().copied().chain([default]) {
            if self.cx.masm.over_budget() {
                return;
            }
            let entry = self.branch_entry(depth, &mut pending);
            self.cx.masm.endbr();
            self.cx.masm.jmp(entry);
            self.cx.masm.align(16);
        }
        for (depth, stub) in pending {
            if self.cx.masm.over_budget() {
                return;
            }
            self.cx.masm.bind(stub);
            self.branch_to(depth, true);
        }
    }

    /// A binary search over the runs of consecutive cases with the same target, to one stub
    /// per distinct target (no code per case beyond its run's compare). A dispatch runs at
    /// most ⌈log2(runs + 1)⌉ compares, charged `FUEL_PER_BR_TABLE_LEVEL` each; the code is a
    /// compare per run and at most a jump per two.
    fn br_table_search(&mut self, index: u8, runs: &[(u32, u32)], default: u32) {
        let intervals = runs.len() + 1;
        self.fuel_add(intervals.next_power_of_two().trailing_zeros() * FUEL_PER_BR_TABLE_LEVEL);
        self.fuel_charge();
        let target = |i: usize| runs.get(i).map_or(default, |run| run.1);
        // New stubs, emitted after the search; the default's (if new) where the search first
        // reaches the default's interval, instead of a jump to it.
        let mut pending: Vec<(u32, Label)> = Vec::new();
        self.branch_entry(default, &mut pending);
        let default_stub = pending.first().map(|&(_, stub)| stub);
        let mut default_inline = default_stub;
        // Halves still to search: intervals lo..=hi (known to hold the index) from a label.
        let mut lower_halves: Vec<(usize, usize, Label)> = Vec::new();
        let (mut lo, mut hi) = (0, runs.len());
        loop {
            if self.cx.masm.over_budget() {
                return;
            }
            if lo == hi {
                // One interval: its target.
                match default_inline {
                    Some(stub) if lo == runs.len() => {
                        self.cx.masm.bind(stub);
                        self.branch_to(default, true);
                        default_inline = None;
                    }
                    _ => {
                        let entry = self.branch_entry(target(lo), &mut pending);
                        self.cx.masm.jmp(entry);
                    }
                }
                let Some((l, h, label)) = lower_halves.pop() else {
                    break;
                };
                self.cx.masm.bind(label);
                (lo, hi) = (l, h);
                continue;
            }
            // Intervals lo..=mid against mid + 1..=hi: index <= runs[mid].0 picks the lower.
            let mid = lo + (hi - lo) / 2;
            let last = runs[mid].0 as i32;
            if lo == mid {
                // The lower half is one interval: straight to its target.
                let entry = self.branch_entry(target(lo), &mut pending);
                let m = &mut self.cx.masm;
                dynasm!(m.ops ; .arch x64 ; cmp Rd(index), last ; jbe =>entry);
                lo = mid + 1;
            } else if mid + 1 == hi {
                // The upper half is one interval: straight there, then search the lower.
                let entry = match default_inline {
                    Some(stub) if hi == runs.len() => stub,
                    _ => self.branch_entry(target(hi), &mut pending),
                };
                let m = &mut self.cx.masm;
                dynasm!(m.ops ; .arch x64 ; cmp Rd(index), last ; ja =>entry);
                hi = mid;
            } else {
                let lower = self.cx.masm.label();
                lower_halves.push((lo, mid, lower));
                let m = &mut self.cx.masm;
                dynasm!(m.ops ; .arch x64 ; cmp Rd(index), last ; jbe =>lower);
                lo = mid + 1;
            }
        }
        for (depth, stub) in pending {
            if self.cx.masm.over_budget() {
                return;
            }
            if Some(stub) == default_stub && default_inline.is_none() {
                continue; // emitted inline
            }
            self.cx.masm.bind(stub);
            self.branch_to(depth, true);
        }
    }

    pub fn op_return(&mut self) {
        self.fuel_add(self.sig.results.len() as u32 * FUEL_PER_VALUE_MOVED);
        self.fuel_charge();
        self.emit_return();
        self.dead = true;
    }

    pub fn op_unreachable(&mut self) {
        let l = self.trap_label(TRAP_UNREACHABLE);
        self.fuel_drop();
        self.cx.masm.jmp(l);
        self.dead = true;
    }

    // ---- locals and globals ----

    pub fn op_local_get(&mut self, i: u32) {
        let ty = self.locals[i as usize];
        self.push(Val::Local(ty, i));
    }

    pub fn op_local_set(&mut self, i: u32, tee: bool) {
        if matches!(self.peek(0), Val::Local(_, j) if j == i) {
            // `local.set i (local.get i)` changes nothing (`tee` leaves the read in place).
            if !tee {
                self.pop();
            }
            return;
        }
        // A pinned local plus a constant, summed earlier (`bounds.rs`, `SumTag`).
        let sum = match self.peek(0) {
            Val::Reg(Ty::I32, r) => self.reg_sum[r as usize].filter(|tag| tag.local != i),
            _ => None,
        };
        self.materialize_local(i);
        self.forget_checked(i);
        if let Some(tag) = sum {
            self.checked.record_alias(i, tag);
        }
        if let Some(p) = self.pinned[i as usize] {
            let ty = self.locals[i as usize];
            self.set_pinned(i, p);
            if tee {
                // A read of the local: consumers that only read use its register in place.
                self.push(Val::Local(ty, i));
            }
            return;
        }
        let v = self.pop();
        let dst = self.local_mem(i);
        let ty = v.ty();
        self.regs.forget_local(i);
        if tee || matches!(v, Val::Reg(..) | Val::Cond(_)) {
            // The register is freed but keeps the value: reads of the local copy it
            // (`load_local`) until it is allocated again or control flow joins.
            let r = self.materialize(v);
            if ty.is_float() {
                self.cx.masm.store_xmm(dst, r);
            } else {
                self.cx.masm.store64(dst, r);
            }
            self.free(ty, r);
            self.regs.holds_local(ty.is_float(), r, i);
            if tee {
                self.push(Val::Local(ty, i));
            }
        } else {
            self.store_val(v, dst);
        }
    }

    /// Pops the top of the stack into pinned local `i`'s register `p`.
    pub fn set_pinned(&mut self, i: u32, p: u8) {
        if matches!(self.peek(0), Val::Local(_, j) if j == i) {
            self.pop(); // `local.set i (local.get i)`
        } else {
            self.pop_into(p);
        }
    }

    /// Points r11 at global `g`'s cell and returns the displacement to use with it: imported
    /// globals' slots hold the address of the exporter's cell.
    fn global_cell(&mut self, g: u32) -> i32 {
        let imported = self.module.globals[g as usize].import.is_some();
        let m = &mut self.cx.masm;
        dynasm!(m.ops ; .arch x64 ; mov r11, QWORD [r15 + VMCTX_GLOBALS_BASE]);
        if imported {
            dynasm!(m.ops ; .arch x64 ; mov r11, QWORD [r11 + 8 * g as i32]);
            0
        } else {
            8 * g as i32
        }
    }

    pub fn op_global_get(&mut self, g: u32) {
        let ty = self.module.globals[g as usize].ty;
        let r = if ty.is_float() {
            self.alloc_xmm()
        } else {
            self.alloc_gpr()
        };
        let d = self.global_cell(g);
        let m = &mut self.cx.masm;
        match ty {
            Ty::I32 => dynasm!(m.ops ; .arch x64 ; mov Rd(r), DWORD [r11 + d]),
            Ty::I64 => dynasm!(m.ops ; .arch x64 ; mov Rq(r), QWORD [r11 + d]),
            Ty::F32 => dynasm!(m.ops ; .arch x64 ; movss Rx(r), DWORD [r11 + d]),
            Ty::F64 => dynasm!(m.ops ; .arch x64 ; movsd Rx(r), QWORD [r11 + d]),
        }
        self.push(Val::Reg(ty, r));
    }

    pub fn op_global_set(&mut self, g: u32) {
        let (ty, r) = self.pop_reg();
        let d = self.global_cell(g);
        let m = &mut self.cx.masm;
        if ty.is_float() {
            dynasm!(m.ops ; .arch x64 ; movsd QWORD [r11 + d], Rx(r));
        } else {
            dynasm!(m.ops ; .arch x64 ; mov QWORD [r11 + d], Rq(r));
        }
        self.free(ty, r);
    }

    // ---- calls ----

    /// Spills, copies the top `sig.params` values into the outgoing area and pops them.
    fn call_args(&mut self, sig: &Sig) {
        self.forget_checked_copies();
        // Arguments go straight to the outgoing area (below everything else in the frame), then
        // the rest of the stack is spilled: the callee may use every register.
        let n = sig.params.len();
        let top = self.stack.len() - n;
        for i in 0..n {
            let dst = Mem::Rsp(8 * i as i32);
            match self.stack[top + i] {
                Val::Local(_, l) => self.copy_local(dst, l),
                _ => self.write_entry(top + i, dst),
            }
        }
        for _ in 0..n {
            let v = self.pop();
            self.discard(v);
        }
        self.spill_all();
        self.max_out = self.max_out.max(sig.slots());
        // A call ends the stretch: the callee's work is charged by the callee.
        self.fuel_charge();
    }

    /// After a call: reload the memory base and size, push the results from the outgoing area.
    fn call_results(&mut self, sig: &Sig) {
        // The callee used every register.
        self.regs.forget_locals();
        self.cx.masm.load_memory();
        // Into registers: the stack below is all spilled (the call needed that), so they are
        // free unless there are many results, in which case allocating spills again.
        for (i, &ty) in sig.results.iter().enumerate() {
            let src = Mem::Rsp(8 * i as i32);
            let r = if ty.is_float() {
                self.alloc_xmm()
            } else {
                self.alloc_gpr()
            };
            if ty.is_float() {
                self.cx.masm.load_xmm(ty, r, src);
            } else {
                self.cx.masm.load_gpr(ty, r, src);
            }
            self.push(Val::Reg(ty, r));
        }
    }

    /// A host-convention call (`fn(vmctx, slots) -> trap code`) emitted by `emit_call`.
    pub fn host_call(&mut self, sig: &Sig, emit_call: impl FnOnce(&mut Masm)) {
        let values = (sig.params.len() + sig.results.len()) as u32;
        self.fuel_add(FUEL_PER_HOST_CALL + values * FUEL_PER_VALUE_MOVED);
        self.call_args(sig);
        self.save_pinned();
        let trap = self.cx.trap_eax;
        let m = &mut self.cx.masm;
        m.fuel_store();
        dynasm!(m.ops ; .arch x64 ; mov rdi, r15 ; mov rsi, rsp);
        emit_call(m);
        m.fuel_load();
        dynasm!(m.ops ; .arch x64 ; test eax, eax ; jnz =>trap);
        self.restore_pinned();
        self.call_results(sig);
    }

    pub fn op_call(&mut self, f: u32) {
        let sig = self.module.func_sig(f).clone();
        match self.cx.func_labels[f as usize] {
            Some(label) => {
                self.call_args(&sig);
                self.save_pinned();
                let m = &mut self.cx.masm;
                dynasm!(m.ops ; .arch x64 ; call =>label);
                self.restore_pinned();
                self.call_results(&sig);
            }
            None => {
                let import = self.module.func_import[f as usize];
                self.host_call(&sig, |m| m.call_import(import));
            }
        }
    }

    pub fn op_call_indirect(&mut self, type_index: u32) {
        let sig = self.module.types[type_index as usize].clone();
        let canonical = self.module.canonical[type_index as usize];
        let (_, index) = self.pop_reg();
        self.call_args(&sig);
        // Saved before the checks, so the path into another instance (a slow path that
        // resumes after the call) has them saved too.
        self.save_pinned();
        let oob = self.trap_label(TRAP_TABLE_OUT_OF_BOUNDS);
        let null = self.trap_label(TRAP_INDIRECT_CALL_NULL);
        let bad_type = self.trap_label(TRAP_INDIRECT_CALL_TYPE);
        let m = &mut self.cx.masm;
        dynasm!(m.ops
            ; .arch x64
            ; cmp Rq(index), QWORD [r15 + VMCTX_TABLE_LEN]
            // Clamp on the failing path, so a mispredicted bounds check cannot load an entry
            // from outside the table (Spectre v1), as for memory accesses.
            ; jae =>oob
            ; mov r11d, 0
            ; cmovae Rq(index), r11
            ; shl Rq(index), TABLE_ENTRY_SHIFT as i8
            ; mov r11, QWORD [r15 + VMCTX_TABLE_BASE]
            ; add r11, Rq(index)
            // Not through r10: the callee's bounds checks read the memory size there.
            ; cmp QWORD [r11], 0
            ; je =>null
            // The signature id is patched in at load (RELOC_TYPE_ID): ids are the runtime's,
            // shared by every instance that can put functions in this table.
            ; cmp QWORD [r11 + 8], DWORD 0x7fff_ffff
        );
        m.type_id_reloc(canonical);
        dynasm!(m.ops
            ; .arch x64
            ; jne =>bad_type
        );
        let (foreign, resume) = (m.label(), m.label());
        dynasm!(m.ops
            ; .arch x64
            ; cmp QWORD [r11 + 16], r15
            ; jne =>foreign
            ; mov r11, QWORD [r11]
            // On a mispredicted `jne` the target is 0, not another instance's code, which would
            // run with this instance's memory (its bounds checks were elided against its own
            // memory's minimum). `mov` keeps the flags.
            ; mov Rd(index), 0
            ; cmovne r11, Rq(index)
        );
        m.call_r11();
        m.bind(resume);
        self.slow.push(SlowPath::Foreign {
            entry: foreign,
            resume,
        });
        self.regs.free_gpr(index);
        self.restore_pinned();
        self.call_results(&sig);
    }

    // ---- misc ----

    pub fn op_drop(&mut self) {
        let v = self.pop();
        self.discard(v);
    }

    pub fn op_select(&mut self) {
        let cond = self.pop_cond();
        let (ty, b) = self.pop_reg();
        let (_, a) = self.pop_reg();
        if ty.is_float() {
            let keep = self.cx.masm.label();
            self.branch_if(cond, keep);
            self.cx.masm.mov_xmm(a, b);
            self.cx.masm.bind(keep);
            self.regs.free_xmm(b);
        } else {
            self.select_gpr(cond, a, b);
            self.regs.free_gpr(b);
        }
        self.push(Val::Reg(ty, a));
    }
}
