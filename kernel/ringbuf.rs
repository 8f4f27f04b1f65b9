// SPDX-License-Identifier: GPL-2.0

//! A ring buffer map's pages: the consumer page, the producer page and the data area
//! (`hooks::ringbuf`), allocated, charged and mapped once by `objects_c.c`; userspace maps them
//! through the map fd (`mmap`, writable only for the consumer page) and polls the fd. The
//! record logic is `kcore::maps::ringbuf`'s, shared with the userspace reader.

use crate::ffi;
use crate::kcore::maps::ringbuf::Producer;
use core::ffi::c_void;
use kernel::prelude::*;

const PAGE: usize = 4096;

pub(crate) struct Ring {
    raw: *mut c_void,
    size: usize,
}

impl Ring {
    /// Pages for a data area of `size` bytes (a power of two, checked by `MapDef::check`).
    pub(crate) fn new(size: usize) -> Result<Ring> {
        // SAFETY: allocates; freed in `Drop`.
        let raw = unsafe { ffi::kwasm_ring_new(size) };
        if raw.is_null() {
            return Err(ENOMEM);
        }
        Ok(Ring { raw, size })
    }

    pub(crate) fn raw(&self) -> *mut c_void {
        self.raw
    }

    fn page(&self, k: usize) -> *mut u8 {
        // SAFETY: the mapping covers 2 pages plus the data area.
        unsafe { ffi::kwasm_ring_vaddr(self.raw).cast::<u8>().add(k * PAGE) }
    }

    fn producer(&self) -> Producer {
        // SAFETY: the three parts are page-aligned, live as long as `self`; the caller of
        // `output` is the only producer (the map's lock).
        unsafe { Producer::new(self.page(1), self.page(0), self.page(2), self.size) }
    }

    /// Writes one record.
    ///
    /// # Safety
    ///
    /// The caller holds the map's lock (one producer at a time).
    pub(crate) unsafe fn output(&self, bytes: &[u8]) -> core::result::Result<(), i32> {
        self.producer().output(bytes)
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.producer().dropped()
    }

    pub(crate) fn wake(&self) {
        // SAFETY: a live ring.
        unsafe { ffi::kwasm_ring_wake(self.raw) };
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: allocated in `new`; the map is going, so no file maps or polls it (each
        // mapping and each poller holds the map's file, which holds a reference).
        unsafe { ffi::kwasm_ring_free(self.raw) };
    }
}
