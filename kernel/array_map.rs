// SPDX-License-Identifier: GPL-2.0

//! Array maps without the lock, as eBPF's arrays: every index exists and never moves, so a
//! value is reached by arithmetic alone (`kcore::maps::array::ArrayLayout`) and read and written
//! in atomic 8-byte words; `map_add` is one atomic add. Concurrent writers of one value may
//! interleave word by word (as in eBPF); no word is ever torn and no add is lost. Every access to
//! an array's region goes through here, so all of them are atomic.

use crate::kcore::errno::EINVAL;
use crate::kcore::maps::array::ArrayLayout;
use core::sync::atomic::{AtomicU64, Ordering};

/// An array map's values: the region's base (8-aligned: vmalloc'ed, page-aligned) and layout.
pub(crate) struct ArrayValues {
    base: *mut u8,
    len: usize,
    pub(crate) layout: ArrayLayout,
}

// SAFETY: the region is only accessed through atomic words (below), from any CPU.
unsafe impl Send for ArrayValues {}
// SAFETY: as above.
unsafe impl Sync for ArrayValues {}

impl ArrayValues {
    /// # Safety
    ///
    /// `base` is 8-aligned, valid for `len` bytes for as long as this lives, and accessed only
    /// through this.
    pub(crate) unsafe fn new(base: *mut u8, len: usize, layout: ArrayLayout) -> ArrayValues {
        ArrayValues { base, len, layout }
    }

    /// The word at byte `at` (8-aligned, inside the region).
    fn word(&self, at: usize) -> Result<&AtomicU64, i32> {
        if at % 8 != 0 || at.checked_add(8).is_none_or(|end| end > self.len) {
            return Err(EINVAL);
        }
        // SAFETY: inside the region and 8-aligned (checked; the base is); the region is only
        // ever accessed atomically (`new`'s contract) and lives as long as `self`.
        Ok(unsafe { AtomicU64::from_ptr(self.base.add(at).cast()) })
    }

    /// Copies the value at `at` into `out` (its `value_size` bytes).
    pub(crate) fn load(&self, at: usize, out: &mut [u8]) -> Result<(), i32> {
        for (k, chunk) in out.chunks_mut(8).enumerate() {
            let w = self.word(at + 8 * k)?.load(Ordering::Relaxed).to_ne_bytes();
            chunk.copy_from_slice(w.get(..chunk.len()).ok_or(EINVAL)?);
        }
        Ok(())
    }

    /// Writes `value` at `at`; the padding of its last word becomes zero.
    pub(crate) fn store(&self, at: usize, value: &[u8]) -> Result<(), i32> {
        for (k, chunk) in value.chunks(8).enumerate() {
            let mut w = [0u8; 8];
            w.get_mut(..chunk.len()).ok_or(EINVAL)?.copy_from_slice(chunk);
            self.word(at + 8 * k)?.store(u64::from_ne_bytes(w), Ordering::Relaxed);
        }
        Ok(())
    }

    /// Adds `delta` to the u64 at byte `offset` of the value at `at` (8-aligned, inside the
    /// value), as one atomic add.
    pub(crate) fn add(&self, at: usize, offset: u32, delta: u64) -> Result<(), i32> {
        let offset = offset as usize;
        if offset % 8 != 0 || offset + 8 > self.layout.value_size() {
            return Err(EINVAL);
        }
        self.word(at + offset)?.fetch_add(delta, Ordering::Relaxed);
        Ok(())
    }

    /// Every CPU's value of `key` as userspace reads them (each padded to the stride).
    pub(crate) fn load_user(&self, key: &[u8], out: &mut [u8]) -> Result<(), i32> {
        let (size, stride) = (self.layout.value_size(), self.layout.stride());
        for slot in 0..self.layout.slots() {
            let at = self.layout.value_at(key, slot as u32, None)?;
            let start = if self.layout.slots() == 1 { 0 } else { slot * stride };
            self.load(at, out.get_mut(start..start + size).ok_or(EINVAL)?)?;
        }
        Ok(())
    }

    /// Writes every CPU's value of `key` from userspace's layout, as `flags` allow.
    pub(crate) fn store_user(&self, key: &[u8], value: &[u8], flags: u64) -> Result<(), i32> {
        let (size, stride) = (self.layout.value_size(), self.layout.stride());
        for slot in 0..self.layout.slots() {
            let at = self.layout.value_at(key, slot as u32, Some(flags))?;
            let start = if self.layout.slots() == 1 { 0 } else { slot * stride };
            self.store(at, value.get(start..start + size).ok_or(EINVAL)?)?;
        }
        Ok(())
    }
}
