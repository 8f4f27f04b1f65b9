//! Bounds checks that are provably redundant, and left out.
//!
//! Three rules, all about accesses that stay inside the memory's declared minimum (which the
//! memory never shrinks below: a defined memory starts there, an imported one is refused at
//! instantiation when it is smaller), so that even a mispredicted path only ever touches
//! memory that belongs to the instance. Rules 2 and 3 address with a 32-bit displacement, so
//! they take only accesses that end below 2 GiB:
//!
//! 1. A constant address whose whole access lies below the minimum needs no check.
//! 2. An access `[local + offset]` through a pinned local (`pinning.rs`) is checked once per
//!    straight-line region: the check clamps the local's own register to 0 on its failing
//!    path (which then traps, so the change is never observed), and records how far it
//!    reached. A later access through the same local, not written since, whose end is at most
//!    that far, is in bounds too; on a mispredicted path the local is 0 and the access lands at
//!    `offset`, inside the minimum. A write to the local forgets it; a point where control
//!    flow joins (loop header, `else`, `end`) forgets everything. Calls keep the facts: they
//!    can only grow the memory.
//! 3. An address computed into a register with a known upper bound (`ranges.rs`: masks, right
//!    shifts, narrow loads, and what adds, multiplies and left shifts make of them without
//!    wrapping) whose access ends inside the minimum needs no check.

use crate::prelude::*;

/// At most this many pinned locals' checks are remembered (the oldest goes first).
const REMEMBERED: usize = 8;

/// The checks that passed in the current straight-line region: (pinned local, end of the
/// checked range past the local's value).
#[derive(Default)]
pub struct Checked {
    facts: Vec<(u32, u64)>,
}

impl Checked {
    /// Whether an access through `local` ending `end` bytes past its value is known in bounds.
    pub fn covers(&self, local: u32, end: u64) -> bool {
        self.facts.iter().any(|&(l, e)| l == local && e >= end)
    }

    /// A check through `local` reaching `end` passed.
    pub fn record(&mut self, local: u32, end: u64) {
        self.forget(local);
        if self.facts.len() == REMEMBERED {
            self.facts.remove(0);
        }
        self.facts.push((local, end));
    }

    /// `local` was written.
    pub fn forget(&mut self, local: u32) {
        self.facts.retain(|&(l, _)| l != local);
    }

    /// Control flow joins here.
    pub fn clear(&mut self) {
        self.facts.clear();
    }
}
