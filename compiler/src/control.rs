//! Control frames: blocks, loops, ifs and the function body itself.

use crate::asm::Label;
use crate::module::Ty;
use crate::prelude::*;
use crate::regalloc::Held;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Clone, Debug)]
pub struct Frame {
    pub kind: Kind,
    /// Branch target: the loop header for loops, the end for everything else.
    pub label: Label,
    /// For `if`: where the condition-false path starts (bound at `else` or `end`).
    pub else_label: Option<Label>,
    pub params: Vec<Ty>,
    pub results: Vec<Ty>,
    /// Value-stack height below the frame's parameters.
    pub base: usize,
    /// The frame was entered in dead code: nothing of it is emitted.
    pub dead_entry: bool,
    /// Blocks and ifs: what every branch to the end so far left in the free registers
    /// (`func.rs`, `join`); `None` before the first.
    pub joined: Option<Held>,
    /// For `if`: what the free registers held at the branch to the condition-false path.
    pub else_entry: Option<Held>,
    /// Loops in fuel mode whose back edges the header's check charges (`fuel_fold.rs`).
    pub fuel_fold: Option<crate::fuel_fold::FuelFold>,
}

impl Frame {
    /// The types a branch to this frame carries.
    pub fn branch_types(&self) -> &[Ty] {
        if self.kind == Kind::Loop {
            &self.params
        } else {
            &self.results
        }
    }
}
