//! The value stack of the function being compiled: where each wasm operand lives right now.
//!
//! Entries are constants, registers, not-yet-read locals, or operand-stack slots in the frame.
//! Slot entries always form a prefix of the stack (entry k lives in slot k), so spilling goes
//! bottom-up and a branch target's values sit at known slots.

use crate::cond::Cond;
use crate::module::Ty;

/// The right operand of a two-operand integer instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rhs {
    Imm(i32),
    Reg(u8),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val {
    /// A constant; floats as their bits.
    Const(Ty, u64),
    /// In a general register (ints) or an XMM register (floats).
    Reg(Ty, u8),
    /// The current value of local `n` (read lazily; materialised before `local.set n`).
    Local(Ty, u32),
    /// In the operand-stack slot with the entry's own index.
    Slot(Ty),
    /// An i32 compare result not computed yet (`cond.rs`): only ever on top of the stack.
    Cond(Cond),
}

impl Val {
    pub fn ty(self) -> Ty {
        match self {
            Val::Const(t, _) | Val::Reg(t, _) | Val::Local(t, _) | Val::Slot(t) => t,
            Val::Cond(_) => Ty::I32,
        }
    }
}
