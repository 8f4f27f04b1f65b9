// SPDX-License-Identifier: GPL-2.0

//! The executable arena: installing code in the module's text and calling it.
//!
//! Bookkeeping is `kcore::arena` (tested in userspace); the memory work is in `helpers.c`.

use crate::kcore::arena::{ArenaAllocator, Region};
use crate::KwasmState;
use kernel::prelude::*;

/// Bitmap words for the arena: 512 * 64 granules of 64 bytes = 2 MiB (`KWASM_ARENA_SIZE`).
const ARENA_WORDS: usize = 512;

/// The allocator of the module's arena.
pub(crate) type ArenaBook = ArenaAllocator<ARENA_WORDS>;

mod ffi {
    extern "C" {
        pub(crate) fn kwasm_arena_size() -> usize;
        pub(crate) fn kwasm_arena_base() -> usize;
        pub(crate) fn kwasm_arena_write(offset: usize, src: *const u8, len: usize) -> i32;
        pub(crate) fn kwasm_arena_poison(offset: usize, len: usize) -> i32;
        pub(crate) fn kwasm_arena_sync_cores();
        pub(crate) fn kwasm_arena_call1(offset: usize, arg: u64) -> u64;
    }
}

/// Size of the arena in bytes.
pub(crate) fn size() -> usize {
    // SAFETY: returns a constant.
    unsafe { ffi::kwasm_arena_size() }
}

/// Code installed in the arena; freed (and overwritten with `int3`) on drop.
pub(crate) struct Code<'a> {
    state: &'a KwasmState,
    region: Region,
}

impl<'a> Code<'a> {
    /// Reserves a region of `len` bytes (still `int3`) whose address is known before the code
    /// is written (relocations need it).
    pub(crate) fn reserve(state: &'a KwasmState, len: usize) -> Result<Self> {
        let region = state.arena.lock().alloc(len).ok_or(ENOSPC)?;
        Ok(Code { state, region })
    }

    /// The address the region's first byte runs at.
    pub(crate) fn base(&self) -> usize {
        // SAFETY: returns the constant address of the arena.
        unsafe { ffi::kwasm_arena_base() + self.region.offset }
    }

    /// Copies `code` (at most the region's size) in and makes it visible to every CPU.
    pub(crate) fn write(&mut self, code: &[u8]) -> Result {
        if code.len() > self.region.len {
            return Err(EINVAL);
        }
        // SAFETY: the region is ours and nothing runs in it yet; `code` is a valid slice.
        let ret = unsafe { ffi::kwasm_arena_write(self.region.offset, code.as_ptr(), code.len()) };
        if ret != 0 {
            return Err(Error::from_errno(ret));
        }
        // SAFETY: plain IPI to every CPU; may sleep, and we are in process context.
        unsafe { ffi::kwasm_arena_sync_cores() };
        Ok(())
    }

    /// Allocates a region, copies `code` into it and makes it visible to every CPU.
    pub(crate) fn install(state: &'a KwasmState, code: &[u8]) -> Result<Self> {
        let mut installed = Self::reserve(state, code.len())?;
        installed.write(code)?;
        Ok(installed)
    }

    pub(crate) fn len(&self) -> usize {
        self.region.len
    }

    /// Calls the code at `entry` bytes into the region as `extern "C" fn(u64) -> u64`.
    ///
    /// # Safety
    ///
    /// The code at `entry` must start with `endbr64`, follow the C calling convention and
    /// return without touching memory it does not own.
    pub(crate) unsafe fn call1(&self, entry: usize, arg: u64) -> Result<u64> {
        if entry >= self.region.len {
            return Err(EINVAL);
        }
        // SAFETY: `entry` is inside our installed region; the caller vouches for the code.
        Ok(unsafe { ffi::kwasm_arena_call1(self.region.offset + entry, arg) })
    }
}

impl Drop for Code<'_> {
    fn drop(&mut self) {
        // SAFETY: the region is ours and no call into it is in progress: `call1` borrows `self`,
        // and a program's code is dropped only with the program, when its link group goes
        // (nothing refers to the group, so nothing runs in it: `registry.rs`), or when its
        // load failed before anything could reach it (`load::withdraw`).
        let ret = unsafe { ffi::kwasm_arena_poison(self.region.offset, self.region.len) };
        if ret != 0 {
            // Could not overwrite the code: leak the region rather than hand out live code.
            pr_err!("arena: cannot poison freed code ({}), leaking {} bytes\n", ret, self.region.len);
            return;
        }
        if self.state.arena.lock().free(self.region).is_err() {
            pr_err!("arena: freeing a region that is not allocated\n");
        }
    }
}
