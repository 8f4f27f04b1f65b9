//! One function body: the generator's state and its expressions.

use super::ops::{self, TYPES};
use super::{Shape, Types};
use crate::budget::Rng;
use wasm_encoder::{BlockType, Function, Instruction as I, MemArg, MemArgTarget, ValType};

/// Loop nesting levels (each has a counter local nothing else writes).
pub const MAX_LOOPS: usize = 2;
/// Where functions leave the hash of their locals (above the addresses of random accesses).
const LOCALS_HASH: i32 = 0xf000;

pub struct FuncGen<'a> {
    pub rng: &'a mut Rng,
    pub shape: &'a Shape,
    pub types: &'a mut Types,
    pub me: u32,
    /// Types of all locals, params first.
    pub locals: Vec<ValType>,
    /// Locals that generated code may write (not the scratch or counter locals).
    pub writable: Vec<u32>,
    /// Scratch locals for canonicalizing NaNs (f32, f64) and for folding values (i64).
    pub scratch: [u32; 2],
    pub scratch_i64: u32,
    pub counters: [u32; MAX_LOOPS],
    pub loop_depth: usize,
    /// Instructions still to emit before everything becomes a leaf.
    pub budget: i64,
    pub out: Vec<I<'static>>,
}

pub fn generate(rng: &mut Rng, shape: &Shape, types: &mut Types, me: u32) -> Function {
    let sig = shape.sigs[me as usize].clone();
    let mut locals = sig.params.clone();
    let declared = rng.range(2, 28);
    locals.extend((0..declared).map(|_| *rng.pick(&TYPES)));
    let writable = (0..locals.len() as u32).collect();
    let first_reserved = locals.len() as u32;
    locals.extend([
        ValType::F32,
        ValType::F64,
        ValType::I64,
        ValType::I32,
        ValType::I32,
    ]);
    let budget = rng.range(200, 1500) as i64;
    let mut g = FuncGen {
        rng,
        shape,
        types,
        me,
        locals,
        writable,
        scratch: [first_reserved, first_reserved + 1],
        scratch_i64: first_reserved + 2,
        counters: [first_reserved + 3, first_reserved + 4],
        loop_depth: 0,
        budget,
        out: Vec::new(),
    };
    g.init_locals(sig.params.len());
    g.body(&sig.results);
    let mut f = Function::new_with_locals_types(g.locals[sig.params.len()..].iter().copied());
    for i in &g.out {
        f.instruction(i);
    }
    f
}

impl FuncGen<'_> {
    /// Gives most declared locals a value of their own (zeros all look alike).
    fn init_locals(&mut self, params: usize) {
        for l in params..self.writable.len() {
            if self.rng.chance(80) {
                self.value(self.locals[l], 1);
                self.emit(I::LocalSet(l as u32));
            }
        }
    }

    fn body(&mut self, results: &[ValType]) {
        let depth = self.rng.range(3, 6) as u32;
        for _ in 0..self.rng.range(1, 6) {
            self.stmt(depth);
        }
        self.store_locals();
        for &r in results {
            if self.rng.chance(25) {
                self.wide(r, 2);
            } else {
                self.value(r, depth);
            }
        }
        self.emit(I::End);
    }

    /// Stores a hash of every local at [`LOCALS_HASH`] + 8 × the function's index, so that a
    /// wrong value left in any local shows (with all of them live at once on the way).
    fn store_locals(&mut self) {
        self.emit(I::I32Const(LOCALS_HASH + 8 * self.me as i32));
        let all = self.locals.clone();
        for l in 0..all.len() as u32 {
            self.emit(I::LocalGet(l));
        }
        self.reduce_lossless(&all, ValType::I64);
        self.emit(I::I64Store(MemArg {
            offset: 0,
            align: 3,
            target: MemArgTarget::Memory(0),
            ordering: None,
        }));
    }

    pub fn emit(&mut self, i: I<'static>) {
        self.budget -= 1;
        self.out.push(i);
    }

    pub fn out_of_budget(&self) -> bool {
        self.budget <= 0
    }

    /// Emits code that pushes one value of `ty`.
    pub fn value(&mut self, ty: ValType, depth: u32) {
        if depth == 0 || self.out_of_budget() {
            return self.leaf(ty);
        }
        let d = depth - 1;
        match self.rng.below(26) {
            0..=2 => self.leaf(ty),
            3..=7 => self.binop(ty, d),
            8 => self.unop(ty, d),
            9 => self.compare_into(ty, d),
            10..=11 => self.convert_from_other(ty, d),
            12 => self.select(ty, d),
            13 => self.tee_chain(ty, d),
            14..=15 => self.call_value(ty, d),
            16 => self.block_br_if(ty, d),
            17 => self.if_else(ty, d),
            18 => self.br_table(ty, d),
            19 => self.loop_acc(ty, d),
            20 => self.block_with_params(ty, d),
            21 => self.wide(ty, d),
            22..=23 => self.load(ty, d),
            _ => {
                self.stmt(d);
                self.value(ty, d);
            }
        }
    }

    pub fn values(&mut self, tys: &[ValType], depth: u32) {
        for &t in tys {
            self.value(t, depth);
        }
    }

    /// A constant, a local, a global or a load.
    pub fn leaf(&mut self, ty: ValType) {
        match self.rng.below(6) {
            0 | 1 => self.constant(ty),
            2..=4 => match self.local_of(ty, false) {
                Some(l) => self.emit(I::LocalGet(l)),
                None => self.constant(ty),
            },
            _ => match self.global_of(ty) {
                Some(g) => self.emit(I::GlobalGet(g)),
                None => self.constant(ty),
            },
        }
    }

    pub fn constant(&mut self, ty: ValType) {
        let int = match self.rng.below(3) {
            0 => *self.rng.pick(ops::edge_ints()),
            1 => self.rng.below(100) as i64,
            _ => self.rng.next() as i64,
        };
        let float = match self.rng.below(3) {
            0 => *self.rng.pick(ops::edge_floats()),
            1 => self.rng.below(4000) as f64 / 16.0 - 125.0,
            _ => f64::from_bits(self.rng.next()),
        };
        self.emit(match ty {
            ValType::I32 => I::I32Const(int as i32),
            ValType::I64 => I::I64Const(int),
            ValType::F32 => I::F32Const((float as f32).into()),
            _ => I::F64Const(float.into()),
        });
    }

    /// A random local of `ty` (only writable ones if `write`).
    pub fn local_of(&mut self, ty: ValType, write: bool) -> Option<u32> {
        let candidates: Vec<u32> = if write {
            self.writable.clone()
        } else {
            (0..self.locals.len() as u32).collect()
        };
        let of_ty: Vec<u32> = candidates
            .into_iter()
            .filter(|&l| self.locals[l as usize] == ty)
            .collect();
        (!of_ty.is_empty()).then(|| *self.rng.pick(&of_ty))
    }

    pub fn global_of(&mut self, ty: ValType) -> Option<u32> {
        let of_ty: Vec<u32> = (0..self.shape.globals.len() as u32)
            .filter(|&g| self.shape.globals[g as usize] == ty)
            .collect();
        (!of_ty.is_empty()).then(|| *self.rng.pick(&of_ty))
    }

    fn binop(&mut self, ty: ValType, d: u32) {
        self.value(ty, d);
        self.value(ty, d);
        match ops::divisions(ty) {
            Some(divs) if self.rng.chance(12) => {
                let div = self.rng.pick(divs).clone();
                // Mostly a nonzero divisor; sometimes whatever came (zero traps).
                if !self.rng.chance(8) {
                    self.constant_one(ty);
                    self.emit(if ty == ValType::I32 {
                        I::I32Or
                    } else {
                        I::I64Or
                    });
                }
                self.emit(div);
            }
            None if self.rng.chance(10) => {
                // copysign observes the sign of a NaN: canonical ones only.
                self.canonicalize(ty);
                self.emit(if ty == ValType::F32 {
                    I::F32Copysign
                } else {
                    I::F64Copysign
                });
            }
            _ => {
                let op = self.rng.pick(ops::safe_binops(ty)).clone();
                self.emit(op);
            }
        }
    }

    fn constant_one(&mut self, ty: ValType) {
        self.emit(if ty == ValType::I32 {
            I::I32Const(1)
        } else {
            I::I64Const(1)
        });
    }

    fn unop(&mut self, ty: ValType, d: u32) {
        self.value(ty, d);
        let op = self.rng.pick(ops::unops(ty)).clone();
        self.emit(op);
    }

    fn compare_into(&mut self, ty: ValType, d: u32) {
        let t = *self.rng.pick(&TYPES);
        self.value(t, d);
        self.value(t, d);
        let op = self.rng.pick(ops::compares(t)).clone();
        self.emit(op);
        self.convert(ValType::I32, ty);
    }

    fn convert_from_other(&mut self, ty: ValType, d: u32) {
        let from = *self.rng.pick(&TYPES);
        self.value(from, d);
        if let Some(trunc) = ops::trapping_truncations(from, ty) {
            if self.rng.chance(2) {
                return self.emit(trunc);
            }
        }
        match ops::reinterpret_float(from) {
            Some((op, to)) if to == ty && self.rng.chance(50) => {
                self.canonicalize(from);
                self.emit(op);
            }
            _ => self.convert(from, ty),
        }
    }

    fn select(&mut self, ty: ValType, d: u32) {
        self.value(ty, d);
        self.value(ty, d);
        self.cond(d);
        self.emit(I::Select);
    }

    fn tee_chain(&mut self, ty: ValType, d: u32) {
        self.value(ty, d);
        for _ in 0..self.rng.range(1, 4) {
            if let Some(l) = self.local_of(ty, true) {
                self.emit(I::LocalTee(l));
            }
        }
    }

    /// Pushes an i32 condition, mostly a comparison (fused with the branch by a compiler).
    pub fn cond(&mut self, d: u32) {
        match self.rng.below(6) {
            0..=3 => self.compare_into(ValType::I32, d),
            4 => self.value(ValType::I32, d),
            _ => {
                let t = *self.rng.pick(&[ValType::I32, ValType::I64]);
                self.value(t, d);
                self.emit(if t == ValType::I32 {
                    I::I32Eqz
                } else {
                    I::I64Eqz
                });
            }
        }
    }

    /// Converts the value on top of the stack (never trapping).
    pub fn convert(&mut self, from: ValType, to: ValType) {
        let choices = ops::conversions(from, to);
        if !choices.is_empty() {
            let op = self.rng.pick(choices).clone();
            self.emit(op);
        }
    }

    /// Replaces a float on top of the stack by the canonical NaN if it is a NaN (the bits of
    /// NaN results vary between engines, within the spec).
    pub fn canonicalize(&mut self, ty: ValType) {
        let (scratch, nan, eq) = match ty {
            ValType::F32 => (self.scratch[0], I::F32Const(f32::NAN.into()), I::F32Eq),
            ValType::F64 => (self.scratch[1], I::F64Const(f64::NAN.into()), I::F64Eq),
            _ => return,
        };
        self.emit(I::LocalTee(scratch));
        self.emit(nan);
        self.emit(I::LocalGet(scratch));
        self.emit(I::LocalGet(scratch));
        self.emit(eq);
        self.emit(I::Select);
    }

    /// Folds the values of types `stack` (on top of the operand stack) into one `ty`.
    pub fn reduce(&mut self, stack: &[ValType], ty: ValType) {
        if stack.is_empty() {
            self.leaf(ty)
        } else if self.rng.chance(60) {
            self.reduce_lossless(stack, ty)
        } else {
            self.reduce_mixed(stack, ty)
        }
    }

    /// From the top: the top value is converted to the type below it and combined with it by
    /// any operator (values may get lost: a saturating conversion, `and`, `min`...).
    fn reduce_mixed(&mut self, stack: &[ValType], ty: ValType) {
        let mut stack = stack.to_vec();
        while stack.len() > 1 {
            let top = stack.pop().unwrap();
            let below = *stack.last().unwrap();
            self.convert(top, below);
            let op = self.rng.pick(ops::safe_binops(below)).clone();
            self.emit(op);
        }
        self.convert(stack[0], ty);
    }

    /// Every value's bits hashed into an i64 (so that any wrong value shows in the result),
    /// then into `ty`.
    fn reduce_lossless(&mut self, stack: &[ValType], ty: ValType) {
        let (&last, below) = stack.split_last().unwrap();
        self.bits_to_i64(last);
        for &t in below.iter().rev() {
            self.emit(I::LocalSet(self.scratch_i64));
            self.bits_to_i64(t);
            let rotation = self.rng.range(1, 63) as i64;
            self.emit(I::I64Const(rotation));
            self.emit(I::I64Rotl);
            self.emit(I::LocalGet(self.scratch_i64));
            let op = self.rng.pick(&[I::I64Add, I::I64Xor, I::I64Sub]).clone();
            self.emit(op);
        }
        self.bits_from_i64(ty);
    }

    /// The bits of a `ty` value as an i64 (NaNs canonical).
    fn bits_to_i64(&mut self, ty: ValType) {
        self.canonicalize(ty);
        match ty {
            ValType::I32 => self.emit(I::I64ExtendI32U),
            ValType::F32 => {
                self.emit(I::I32ReinterpretF32);
                self.emit(I::I64ExtendI32U);
            }
            ValType::F64 => self.emit(I::I64ReinterpretF64),
            _ => {}
        }
    }

    /// An i64 as a `ty` value (the high half folded into 32-bit ones).
    fn bits_from_i64(&mut self, ty: ValType) {
        if matches!(ty, ValType::I32 | ValType::F32) {
            self.emit(I::LocalTee(self.scratch_i64));
            self.emit(I::LocalGet(self.scratch_i64));
            self.emit(I::I64Const(32));
            self.emit(I::I64ShrU);
            self.emit(I::I64Xor);
            self.emit(I::I32WrapI64);
        }
        match ty {
            ValType::F32 => self.emit(I::F32ReinterpretI32),
            ValType::F64 => self.emit(I::F64ReinterpretI64),
            _ => {}
        }
    }

    /// Leaves exactly values of `results` where values of `stack` were.
    pub fn fit(&mut self, stack: &[ValType], results: &[ValType], d: u32) {
        match results.split_first() {
            None => stack.iter().for_each(|_| self.emit(I::Drop)),
            Some((&first, rest)) => {
                self.reduce(stack, first);
                self.values(rest, d);
            }
        }
    }

    /// Many values live at once (20–40 at the most), of mixed types, some from calls, then
    /// folded into one `ty`.
    pub fn wide(&mut self, ty: ValType, d: u32) {
        if self.budget < 200 {
            return self.value(ty, d);
        }
        let mut stack = Vec::new();
        for _ in 0..self.rng.range(8, 40) {
            let t = *self.rng.pick(&TYPES);
            match self.rng.below(10) {
                0..=6 => self.leaf(t),
                7 | 8 => self.value(t, d.min(1)),
                _ => {
                    if let Some(results) = self.call(d.min(1)) {
                        stack.extend(results);
                        continue;
                    }
                    self.leaf(t);
                }
            }
            stack.push(t);
        }
        self.reduce(&stack, ty);
    }

    /// A block type, interned if it needs a function type.
    pub fn block_type(&mut self, params: &[ValType], results: &[ValType]) -> BlockType {
        match (params, results) {
            ([], []) => BlockType::Empty,
            ([], [r]) => BlockType::Result(*r),
            _ => BlockType::FunctionType(self.types.intern(params, results)),
        }
    }

    /// 1..=`max` random types.
    pub fn random_types(&mut self, min: u64, max: u64) -> Vec<ValType> {
        (0..self.rng.range(min, max))
            .map(|_| *self.rng.pick(&TYPES))
            .collect()
    }
}
