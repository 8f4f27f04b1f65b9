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
//!    straight-line region, and the check records how far it reached; a later access through
//!    the same local, not written since, whose end is at most that far, is in bounds too. What
//!    a mispredicted path does depends on where the check left its result:
//!    - In a copy: a free register (the operand stack's, taken for as long as the fact holds)
//!      gets `local + end`, clamped to the memory's size on the failing path like r11 in the
//!      usual check, and every access the fact covers goes through the copy, at displacement
//!      `offset - end`: on a mispredicted path it lands at `size - end + offset`, inside the
//!      memory. The local's own register is untouched, so a loop counter's dependency chain
//!      does not grow by the check's compare and `cmov`.
//!    - In place, when no register is free: the check clamps the local's own register to 0 on
//!      its failing path (which then traps, so the change is never observed), and a mispredicted
//!      access lands at `offset`, inside the minimum.
//!
//!    An access through the local plus a constant summed right before (`local.get; i32.const
//!    k; i32.add`, rustc's and clang's usual address) is covered by a fact that reaches past
//!    `local + k` to its end (then the sum did not wrap: see [`Checked::covering`]); a new
//!    check for one is into a copy, as the sum wrapping at 2^32 demands (`address_sum.rs`'s
//!    slow path), and a fact about `local + k`. A new check through a load reaches as far as
//!    the loads through the same local that follow it (`widening.rs`). A local set to such a
//!    sum (`local.set t (i32.add (local.get p) (i32.const k))`, clang's field pointer) holds
//!    it until either local is written or control flow joins: an access through `t` that a
//!    fact about `p + k` covers goes through that fact, as the sum's own access would. A local
//!    kept in memory (not pinned) gets facts too, always with a copy (its value is in no
//!    register to clamp): later accesses through it use the copy without reading the local.
//!
//!    A write to the local forgets it; a point where control flow joins (loop header, `else`,
//!    the `end` of a block or `if`; not a loop's `end`, which only its body falls through to)
//!    forgets everything. Calls keep the in-place facts (they can only grow the memory)
//!    and forget the copies, whose registers a call clobbers; an instruction that needs a
//!    copy's register (`div`, shifts) forgets that copy, and an allocation that finds no other
//!    register free (`select` holds four) forgets them all.
//! 3. An address computed into a register with a known upper bound (`ranges.rs`: masks, right
//!    shifts, narrow loads, and what adds, multiplies and left shifts make of them without
//!    wrapping) whose access ends inside the minimum needs no check.

use crate::func::FuncCompiler;
use crate::prelude::*;
use crate::regalloc::{RAX, RCX, RDX};

/// Registers a copy may take, in order: those the operand stack takes last. All three may
/// hold copies at once (matmul's loop holds three: two against in place, −7 %).
const COPY_REGS: [u8; 3] = [RAX, RDX, RCX];
/// A copy is made only while this many registers stay free besides: the operand stack keeps
/// enough for any instruction.
const KEEP_FREE: u32 = 2;

/// At most this many pinned locals' checks are remembered (the oldest goes first).
const REMEMBERED: usize = 8;

/// A check that passed in the current straight-line region.
#[derive(Clone, Copy, Debug)]
pub struct Fact {
    pub local: u32,
    /// What the checked address added to the local (`local.get; i32.const base; i32.add`),
    /// with wasm's wrapping at 2^32; 0 for an access through the local itself. Only with a
    /// copy.
    pub base: u64,
    /// How far past `local + base` the check reached.
    pub end: u64,
    /// The register holding `local + base + end`, clamped to the memory's size on the failing
    /// path; `None`: the check clamped the local's own register in place.
    pub copy: Option<u8>,
}

impl Fact {
    /// Where an access through `local + base`, at `offset`, goes: the index register and the
    /// displacement. Only for an access the fact covers ([`Checked::covering`]).
    pub fn address(&self, local_reg: u8, base: u64, offset: u64) -> (u8, i32) {
        match self.copy {
            // `past(base) + offset < end`, and `end` is below 2 GiB: it fits.
            Some(c) => (c, (self.past(base) + offset) as i32 - self.end as i32),
            None => (local_reg, (base + offset) as i32),
        }
    }

    /// How far `local + base` is past `local + self.base`, both wrapping at 2^32 (as the
    /// program sums them): `base - self.base` modulo 2^32.
    fn past(&self, base: u64) -> u64 {
        base.wrapping_sub(self.base) & u64::from(u32::MAX)
    }
}

/// A register's value is `local + base` (an i32 sum, wrapping at 2^32) for a pinned local:
/// accesses through it are covered like those through the sum right before a load. Set by the
/// operation that computes the value (`FuncCompiler::next_sum`) and kept with the register's
/// other facts about its value (as `ranges.rs` bounds are, by `push`), until the register gets
/// another value or the local is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SumTag {
    pub local: u32,
    pub base: u64,
}

/// The checks that passed in the current straight-line region, and the locals known to hold a
/// pinned local plus a constant there (`local.set t (i32.add (local.get p) (i32.const k))`):
/// accesses through such a local are covered by the facts about `p + k`. Each method that
/// drops facts returns the copies' registers, for the caller to free.
#[derive(Default)]
pub struct Checked {
    facts: Vec<Fact>,
    aliases: Vec<(u32, SumTag)>,
}

impl Checked {
    /// The fact that shows an access through `local + base` (wrapping at 2^32) ending `end`
    /// bytes past it in bounds, if any: one whose check reached at least as far past
    /// `local + fact.base`. The check saw `q = local + fact.base` (as the program sums it)
    /// plus `fact.end` inside the memory, below 2^32; this access's sum is `q + d` modulo 2^32
    /// for `d = base - fact.base` modulo 2^32, and with `d + end <= fact.end` that is `q + d`
    /// itself (no wrap), inside the memory. Constants are i32s: `base` is below 2^32.
    pub fn covering(&self, local: u32, base: u64, end: u64) -> Option<Fact> {
        self.facts
            .iter()
            .find(|f| f.local == local && f.past(base) + end <= f.end)
            .copied()
    }

    /// A check passed.
    pub fn record(&mut self, fact: Fact) -> Vec<u8> {
        let mut freed: Vec<u8> = self.forget_fact(fact.local).into_iter().collect();
        if self.facts.len() == REMEMBERED {
            freed.extend(self.facts.remove(0).copy);
        }
        self.facts.push(fact);
        freed
    }

    /// `local` was written: its facts go, and what is known of the locals that held a sum of
    /// it, or that it held.
    pub fn forget(&mut self, local: u32) -> Option<u8> {
        self.aliases
            .retain(|(t, tag)| *t != local && tag.local != local);
        self.forget_fact(local)
    }

    fn forget_fact(&mut self, local: u32) -> Option<u8> {
        let k = self.facts.iter().position(|f| f.local == local)?;
        self.facts.remove(k).copy
    }

    /// Local `t` (just written, so [`Self::forget`] ran for it) holds `tag`'s sum.
    pub fn record_alias(&mut self, t: u32, tag: SumTag) {
        debug_assert!(tag.local != t);
        if self.aliases.len() == REMEMBERED {
            self.aliases.remove(0);
        }
        self.aliases.push((t, tag));
    }

    /// The sum local `t` holds, if known.
    pub fn alias(&self, t: u32) -> Option<SumTag> {
        self.aliases
            .iter()
            .find(|(l, _)| *l == t)
            .map(|(_, tag)| *tag)
    }

    /// Register `r` is needed for something else.
    pub fn forget_copy_in(&mut self, r: u8) -> bool {
        let before = self.facts.len();
        self.facts.retain(|f| f.copy != Some(r));
        self.facts.len() != before
    }

    /// A call clobbers every copy.
    pub fn forget_copies(&mut self) -> Vec<u8> {
        let copies = self.facts.iter().filter_map(|f| f.copy).collect();
        self.facts.retain(|f| f.copy.is_none());
        copies
    }

    /// Control flow joins here.
    pub fn clear(&mut self) -> Vec<u8> {
        self.aliases.clear();
        self.facts.drain(..).filter_map(|f| f.copy).collect()
    }
}

impl FuncCompiler<'_, '_> {
    /// A register for a new fact's copy, if one is free to spare.
    pub fn alloc_copy_reg(&mut self) -> Option<u8> {
        if self.regs.free_gprs() <= KEEP_FREE {
            return None;
        }
        self.regs.alloc_gpr_from(&COPY_REGS)
    }

    pub fn record_checked(&mut self, fact: Fact) {
        for r in self.checked.record(fact) {
            self.regs.free_gpr(r);
        }
    }

    /// Local `i` is written.
    pub fn forget_checked(&mut self, i: u32) {
        if let Some(r) = self.checked.forget(i) {
            self.regs.free_gpr(r);
        }
        for tag in self.reg_sum.iter_mut() {
            if tag.is_some_and(|t| t.local == i) {
                *tag = None;
            }
        }
    }

    /// Before a call, which clobbers the copies' registers.
    pub fn forget_checked_copies(&mut self) {
        for r in self.checked.forget_copies() {
            self.regs.free_gpr(r);
        }
    }

    /// Control flow joins.
    pub fn clear_checked(&mut self) {
        for r in self.checked.clear() {
            self.regs.free_gpr(r);
        }
    }
}
