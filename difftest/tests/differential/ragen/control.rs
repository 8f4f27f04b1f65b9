//! Calls and structured control flow producing values.

use super::func::{FuncGen, MAX_LOOPS};
use super::NULL_SLOTS;
use wasm_encoder::{BlockType, Instruction as I, ValType};

impl FuncGen<'_> {
    /// Calls a later function (directly, or through the table) with generated arguments;
    /// `None` if there is none. Returns the callee's result types, left on the stack.
    pub fn call(&mut self, d: u32) -> Option<Vec<ValType>> {
        let n = self.shape.sigs.len() as u32;
        if self.me + 1 >= n {
            return None;
        }
        let callee = self.rng.range(u64::from(self.me) + 1, u64::from(n) - 1) as u32;
        let sig = self.shape.sigs[callee as usize].clone();
        self.values(&sig.params, d);
        if self.rng.chance(80) {
            self.emit(I::Call(callee));
        } else {
            let slot = self.table_slot(callee);
            self.emit(I::I32Const(slot as i32));
            self.emit(I::CallIndirect {
                type_index: self.shape.func_types[callee as usize],
                table_index: 0,
            });
        }
        Some(sig.results)
    }

    /// The table slot `call_indirect` uses for `callee`: its own, rarely a null slot, one
    /// past the end or a function of another type (traps).
    fn table_slot(&mut self, callee: u32) -> u32 {
        let n = self.shape.sigs.len() as u32;
        let ty = self.shape.func_types[callee as usize];
        match self.rng.below(80) {
            0 => n + self.rng.below(u64::from(NULL_SLOTS)) as u32,
            1 => n + NULL_SLOTS + self.rng.below(3) as u32,
            2 => (0..n)
                .find(|&f| self.shape.func_types[f as usize] != ty)
                .unwrap_or(n),
            _ => callee,
        }
    }

    /// A call whose results (any number) are folded into one `ty`.
    pub fn call_value(&mut self, ty: ValType, d: u32) {
        match self.call(d) {
            Some(results) => self.reduce(&results, ty),
            None => self.value(ty, d),
        }
    }

    /// `block` left by a `br_if` carrying a value, sometimes with another value below it, or
    /// by a `br` from inside an `if`.
    pub fn block_br_if(&mut self, ty: ValType, d: u32) {
        self.emit(I::Block(BlockType::Result(ty)));
        if self.rng.chance(30) {
            self.cond(d);
            self.emit(I::If(BlockType::Empty));
            self.value(ty, d);
            self.emit(I::Br(1));
            self.emit(I::End);
            self.value(ty, d);
        } else {
            let mut stack = Vec::new();
            if self.rng.chance(50) {
                let t = self.random_types(1, 1)[0];
                self.value(t, d);
                stack.push(t);
            }
            self.value(ty, d);
            self.cond(d);
            self.emit(I::BrIf(0));
            stack.push(ty);
            self.reduce(&stack, ty);
        }
        self.emit(I::End);
    }

    /// `if`/`else` with a result, sometimes with params too.
    pub fn if_else(&mut self, ty: ValType, d: u32) {
        let params = if self.rng.chance(50) {
            self.random_types(1, 3)
        } else {
            Vec::new()
        };
        let results = self.results_with(ty);
        self.values(&params, d);
        self.cond(d);
        let bt = self.block_type(&params, &results);
        self.emit(I::If(bt));
        self.fit(&params, &results, d);
        self.emit(I::Else);
        params.iter().for_each(|_| self.emit(I::Drop));
        self.values(&results, d);
        self.emit(I::End);
        self.reduce(&results, ty);
    }

    /// `ty`, sometimes followed by more result types.
    fn results_with(&mut self, ty: ValType) -> Vec<ValType> {
        let mut results = vec![ty];
        if self.rng.chance(30) {
            results.extend(self.random_types(1, 2));
        }
        results
    }

    /// A `block` with params and results, sometimes left early by a `br_if` carrying them.
    pub fn block_with_params(&mut self, ty: ValType, d: u32) {
        let params = self.random_types(1, 4);
        let results = self.results_with(ty);
        self.values(&params, d);
        let bt = self.block_type(&params, &results);
        self.emit(I::Block(bt));
        let mut stack = params.clone();
        if self.rng.chance(60) {
            self.values(&results, d);
            self.cond(d);
            self.emit(I::BrIf(0));
            stack.extend(&results);
        }
        self.fit(&stack, &results, d);
        self.emit(I::End);
        self.reduce(&results, ty);
    }

    /// Nested blocks left by a `br_table` carrying values (with junk below them); each block
    /// end changes the values, so the branch taken shows in the result.
    pub fn br_table(&mut self, ty: ValType, d: u32) {
        let depth = self.rng.range(1, 4) as u32;
        let results = self.results_with(ty);
        let bt = self.block_type(&[], &results);
        for _ in 0..depth {
            self.emit(I::Block(bt));
        }
        if self.rng.chance(40) {
            let junk = self.random_types(1, 2);
            self.values(&junk, d);
        }
        self.values(&results, d);
        self.value(ValType::I32, d);
        if self.rng.chance(50) {
            self.emit(I::I32Const(depth as i32 + 1));
            self.emit(I::I32RemU);
        }
        let labels: Vec<u32> = (0..self.rng.range(0, 5))
            .map(|_| self.rng.below(u64::from(depth)) as u32)
            .collect();
        let default = self.rng.below(u64::from(depth)) as u32;
        self.emit(I::BrTable(labels.into(), default));
        self.emit(I::End);
        let last = *results.last().unwrap();
        for _ in 1..depth {
            self.constant(last);
            let op = self.rng.pick(super::ops::safe_binops(last)).clone();
            self.emit(op);
            self.emit(I::End);
        }
        self.reduce(&results, ty);
    }

    /// A counted loop carrying an accumulator as its param (and result).
    pub fn loop_acc(&mut self, ty: ValType, d: u32) {
        if self.loop_depth >= MAX_LOOPS {
            return self.value(ty, d);
        }
        self.value(ty, d);
        let bt = self.block_type(&[ty], &[ty]);
        self.counted_loop(bt, d, |g| {
            g.value(ty, d);
            let op = g.rng.pick(super::ops::safe_binops(ty)).clone();
            g.emit(op);
        });
    }

    /// `loop` of type `bt` that runs `body` 1 to 5 times (`body` keeps the loop's params).
    pub fn counted_loop(&mut self, bt: BlockType, d: u32, body: impl FnOnce(&mut Self)) {
        let counter = self.counters[self.loop_depth];
        let iterations = self.rng.range(1, 5) as i32;
        self.emit(I::I32Const(iterations));
        self.emit(I::LocalSet(counter));
        self.emit(I::Loop(bt));
        self.loop_depth += 1;
        body(self);
        if self.rng.chance(50) {
            self.stmt(d);
        }
        self.emit(I::LocalGet(counter));
        self.emit(I::I32Const(1));
        self.emit(I::I32Sub);
        self.emit(I::LocalTee(counter));
        self.emit(I::BrIf(0));
        self.loop_depth -= 1;
        self.emit(I::End);
    }
}
