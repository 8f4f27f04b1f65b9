//! Statements (leave the operand stack as they found it) and memory accesses.

use super::func::{FuncGen, MAX_LOOPS};
use super::ops::{self, TYPES};
use wasm_encoder::{BlockType, Instruction as I, MemArg, MemArgTarget, ValType};

/// Memory addresses masked with this stay in the first page with room for offsets.
const ADDRESS_MASK: i32 = 0x7ff8;
const PAGE: i64 = 1 << 16;

impl FuncGen<'_> {
    pub fn stmt(&mut self, d: u32) {
        if self.out_of_budget() {
            return;
        }
        let t = *self.rng.pick(&TYPES);
        match self.rng.below(16) {
            0..=2 => self.set_local(t, d),
            3 => self.set_global(t, d),
            4..=6 => self.store(d),
            7 => {
                self.value(t, d);
                self.emit(I::Drop);
            }
            8 => self.call_stmt(d),
            9 => self.if_stmt(d),
            10 => self.block_stmt(d),
            11 if self.loop_depth < MAX_LOOPS => {
                self.counted_loop(BlockType::Empty, d, |g| g.stmt(d));
            }
            12 => self.early_return(d),
            13 => self.bulk(d),
            _ => self.set_local(t, d),
        }
    }

    fn stmts(&mut self, d: u32) {
        for _ in 0..self.rng.range(1, 3) {
            self.stmt(d);
        }
    }

    fn set_local(&mut self, ty: ValType, d: u32) {
        if let Some(l) = self.local_of(ty, true) {
            self.value(ty, d);
            self.emit(I::LocalSet(l));
        }
    }

    fn set_global(&mut self, ty: ValType, d: u32) {
        if let Some(g) = self.global_of(ty) {
            self.value(ty, d);
            self.emit(I::GlobalSet(g));
        }
    }

    /// A call whose results go to locals or are dropped.
    fn call_stmt(&mut self, d: u32) {
        let Some(results) = self.call(d) else { return };
        for &r in results.iter().rev() {
            match self.local_of(r, true) {
                Some(l) if self.rng.chance(70) => self.emit(I::LocalSet(l)),
                _ => self.emit(I::Drop),
            }
        }
    }

    fn if_stmt(&mut self, d: u32) {
        self.cond(d);
        self.emit(I::If(BlockType::Empty));
        self.stmts(d);
        if self.rng.chance(50) {
            self.emit(I::Else);
            self.stmts(d);
        }
        self.emit(I::End);
    }

    /// A block left in the middle by a `br_if`.
    fn block_stmt(&mut self, d: u32) {
        self.emit(I::Block(BlockType::Empty));
        self.stmt(d);
        self.cond(d);
        self.emit(I::BrIf(0));
        self.stmt(d);
        self.emit(I::End);
    }

    /// `return` from inside an `if`.
    fn early_return(&mut self, d: u32) {
        let results = self.shape.sigs[self.me as usize].results.clone();
        self.cond(d);
        self.emit(I::If(BlockType::Empty));
        self.values(&results, d);
        self.emit(I::Return);
        self.emit(I::End);
    }

    pub fn store(&mut self, d: u32) {
        let ty = *self.rng.pick(&TYPES);
        let &(make, size) = self.rng.pick(ops::stores(ty));
        let memarg = self.address(d, size);
        self.value(ty, d);
        self.canonicalize(ty);
        self.emit(make(memarg));
    }

    pub fn load(&mut self, ty: ValType, d: u32) {
        let &(make, size) = self.rng.pick(ops::loads(ty));
        let memarg = self.address(d, size);
        self.emit(make(memarg));
    }

    /// Pushes an address for an access of `size` bytes and returns its memarg: mostly in
    /// bounds, sometimes straddling the end of the memory or far out.
    fn address(&mut self, d: u32, size: u32) -> MemArg {
        let offset = match self.rng.below(100) {
            0..=29 if self.local_of(ValType::I32, true).is_some() => {
                // Through a local (in a loop, likely a pinned one: the checks `bounds.rs`
                // leaves out after a first one), mostly set to a masked value first.
                let l = self.local_of(ValType::I32, true).expect("checked");
                if self.rng.chance(60) {
                    self.value(ValType::I32, d);
                    self.emit(I::I32Const(ADDRESS_MASK));
                    self.emit(I::I32And);
                    self.emit(I::LocalSet(l));
                }
                self.emit(I::LocalGet(l));
                self.rng.below(300)
            }
            0..=96 => {
                self.value(ValType::I32, d);
                self.emit(I::I32Const(ADDRESS_MASK));
                self.emit(I::I32And);
                self.rng.below(300)
            }
            97 | 98 => {
                let end = PAGE - self.rng.below(12) as i64;
                self.emit(I::I32Const(end as i32));
                0
            }
            _ => {
                self.value(ValType::I32, d);
                *self.rng.pick(&[0, 1, 0xffff, 0x1_0000, 0xffff_fff0])
            }
        };
        MemArg {
            offset,
            align: self.rng.below(u64::from(size.trailing_zeros()) + 1) as u32,
            target: MemArgTarget::Memory(0),
            ordering: None,
        }
    }

    /// `memory.fill` or `memory.copy` of a few bytes.
    fn bulk(&mut self, d: u32) {
        let in_bounds = |g: &mut Self| {
            g.value(ValType::I32, d);
            g.emit(I::I32Const(0x3fff));
            g.emit(I::I32And);
        };
        in_bounds(self);
        // The fill value, or the copy's source (rarely anywhere).
        if self.rng.chance(10) {
            self.value(ValType::I32, d);
        } else {
            in_bounds(self);
        }
        let len = if self.rng.chance(2) {
            PAGE as i32
        } else {
            self.rng.below(64) as i32
        };
        self.emit(I::I32Const(len));
        if self.rng.chance(50) {
            self.emit(I::MemoryFill(0));
        } else {
            self.emit(I::MemoryCopy {
                src_mem: 0,
                dst_mem: 0,
            });
        }
    }
}
