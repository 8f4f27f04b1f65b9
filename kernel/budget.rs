// SPDX-License-Identifier: GPL-2.0

//! The kernel memory programs hold together: linear memories, tables, wasm stacks and code are
//! charged here (and, through `GFP_KERNEL_ACCOUNT`, to the loader's memory cgroup) and limited,
//! so that loads and `memory.grow` fail cleanly before the kernel runs short.

use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::prelude::*;

/// Most bytes all programs may hold at once.
pub(crate) const PROGRAM_MEMORY_MAX: usize = 512 << 20;

/// Bytes charged so far, by every program.
pub(crate) struct Budget(AtomicUsize);

impl Budget {
    pub(crate) const fn new() -> Self {
        Budget(AtomicUsize::new(0))
    }

    /// Bytes charged now.
    pub(crate) fn used(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    fn take(&self, bytes: usize) -> bool {
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                used.checked_add(bytes).filter(|&total| total <= PROGRAM_MEMORY_MAX)
            })
            .is_ok()
    }
}

/// What one instance holds of the budget; given back when dropped.
pub(crate) struct Charge {
    budget: &'static Budget,
    bytes: usize,
}

impl Charge {
    /// Charges `bytes`, or `ENOMEM` when all programs would hold more than the limit.
    pub(crate) fn new(budget: &'static Budget, bytes: usize) -> Result<Charge> {
        if !budget.take(bytes) {
            return Err(ENOMEM);
        }
        Ok(Charge { budget, bytes })
    }

    /// Charges `bytes` more (a memory growing); false, charging nothing, over the limit.
    pub(crate) fn grow(&mut self, bytes: usize) -> bool {
        let ok = self.budget.take(bytes);
        if ok {
            self.bytes += bytes;
        }
        ok
    }
}

impl Charge {
    /// Gives back `bytes` of a [`Self::grow`] whose allocation failed.
    pub(crate) fn shrink(&mut self, bytes: usize) {
        let bytes = bytes.min(self.bytes);
        self.bytes -= bytes;
        self.budget.0.fetch_sub(bytes, Ordering::Relaxed);
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.budget.0.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}
