//! Allocator for the module's executable arena (design decision 2).
//!
//! The arena is a fixed region of the module's own text; this type only does the bookkeeping:
//! which granules are in use. It never touches the memory itself, so it is tested in userspace.
//! First fit over a bitmap: loads are rare and the arena is small, so simplicity wins.

/// Allocation unit in bytes: every region starts on a cache line (and so on a function
/// alignment boundary).
pub const GRANULE: usize = 64;

/// A region handed out by [`ArenaAllocator::alloc`]: byte offset and length in the arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub offset: usize,
    pub len: usize,
}

/// Why [`ArenaAllocator::free`] refused a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreeError {
    /// The region is not granule-aligned or reaches past the arena.
    OutOfRange,
    /// Some granule of the region was not allocated (double free or a made-up region).
    NotAllocated,
}

/// Bitmap allocator for an arena of `WORDS * 64` granules.
pub struct ArenaAllocator<const WORDS: usize> {
    bits: [u64; WORDS],
    granules: usize,
    used: usize,
}

impl<const WORDS: usize> ArenaAllocator<WORDS> {
    /// An empty allocator for an arena of `size` bytes (rounded down to granules, capped at
    /// what the bitmap can describe).
    pub const fn new(size: usize) -> Self {
        let granules = size / GRANULE;
        let max = WORDS * 64;
        Self {
            bits: [0; WORDS],
            granules: if granules < max { granules } else { max },
            used: 0,
        }
    }

    /// Bytes the arena can hand out in total.
    pub fn size(&self) -> usize {
        self.granules * GRANULE
    }

    /// Bytes currently allocated.
    pub fn used(&self) -> usize {
        self.used * GRANULE
    }

    fn is_set(&self, g: usize) -> bool {
        self.bits[g / 64] & (1 << (g % 64)) != 0
    }

    fn set_range(&mut self, first: usize, count: usize, on: bool) {
        for g in first..first + count {
            if on {
                self.bits[g / 64] |= 1 << (g % 64);
            } else {
                self.bits[g / 64] &= !(1 << (g % 64));
            }
        }
    }

    /// Allocates `len` bytes (rounded up to granules); `None` when no free run is long enough.
    pub fn alloc(&mut self, len: usize) -> Option<Region> {
        if len == 0 {
            return None;
        }
        let need = len.checked_add(GRANULE - 1)? / GRANULE;
        if need > self.granules - self.used {
            return None;
        }
        let mut run_start = 0;
        let mut run_len = 0;
        let mut g = 0;
        while g < self.granules {
            // Skip whole words that are full.
            if g % 64 == 0 && self.bits[g / 64] == u64::MAX {
                g += 64;
                run_len = 0;
                continue;
            }
            if self.is_set(g) {
                run_len = 0;
            } else {
                if run_len == 0 {
                    run_start = g;
                }
                run_len += 1;
                if run_len == need {
                    self.set_range(run_start, need, true);
                    self.used += need;
                    return Some(Region {
                        offset: run_start * GRANULE,
                        len: need * GRANULE,
                    });
                }
            }
            g += 1;
        }
        None
    }

    /// Returns a region obtained from [`Self::alloc`]; refuses anything else.
    pub fn free(&mut self, region: Region) -> Result<(), FreeError> {
        if !region.offset.is_multiple_of(GRANULE)
            || !region.len.is_multiple_of(GRANULE)
            || region.len == 0
        {
            return Err(FreeError::OutOfRange);
        }
        let first = region.offset / GRANULE;
        let count = region.len / GRANULE;
        if first
            .checked_add(count)
            .is_none_or(|end| end > self.granules)
        {
            return Err(FreeError::OutOfRange);
        }
        if (first..first + count).any(|g| !self.is_set(g)) {
            return Err(FreeError::NotAllocated);
        }
        self.set_range(first, count, false);
        self.used -= count;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Small = ArenaAllocator<4>; // 256 granules = 16 KiB

    #[test]
    fn allocations_do_not_overlap_and_are_aligned() {
        let mut a = Small::new(16 * 1024);
        let r1 = a.alloc(1).unwrap();
        let r2 = a.alloc(65).unwrap();
        let r3 = a.alloc(4096).unwrap();
        assert_eq!(r1, Region { offset: 0, len: 64 });
        assert_eq!(
            r2,
            Region {
                offset: 64,
                len: 128
            }
        );
        assert_eq!(r3.offset, 192);
        assert_eq!(a.used(), 64 + 128 + 4096);
    }

    #[test]
    fn free_makes_room_for_first_fit() {
        let mut a = Small::new(16 * 1024);
        let r1 = a.alloc(128).unwrap();
        let _r2 = a.alloc(128).unwrap();
        a.free(r1).unwrap();
        assert_eq!(a.alloc(64).unwrap().offset, 0);
        assert_eq!(
            a.alloc(128).unwrap().offset,
            256,
            "a 128-byte hole of which 64 are left is skipped"
        );
    }

    #[test]
    fn exhaustion_returns_none_and_full_free_restores_everything() {
        let mut a = Small::new(16 * 1024);
        let mut regions = Vec::new();
        while let Some(r) = a.alloc(1000) {
            regions.push(r);
        }
        assert_eq!(regions.len(), 16); // 1000 bytes round up to 16 granules
        assert!(a.alloc(1).is_none());
        for r in regions {
            a.free(r).unwrap();
        }
        assert_eq!(a.used(), 0);
        assert_eq!(a.alloc(16 * 1024).unwrap().offset, 0);
    }

    #[test]
    fn bad_frees_are_refused_and_change_nothing() {
        let mut a = Small::new(16 * 1024);
        let r = a.alloc(256).unwrap();
        assert_eq!(
            a.free(Region { offset: 1, len: 64 }),
            Err(FreeError::OutOfRange)
        );
        assert_eq!(
            a.free(Region { offset: 0, len: 0 }),
            Err(FreeError::OutOfRange)
        );
        assert_eq!(
            a.free(Region {
                offset: 16 * 1024,
                len: 64
            }),
            Err(FreeError::OutOfRange)
        );
        assert_eq!(
            a.free(Region {
                offset: usize::MAX - 63,
                len: 64
            }),
            Err(FreeError::OutOfRange)
        );
        assert_eq!(
            a.free(Region {
                offset: 256,
                len: 64
            }),
            Err(FreeError::NotAllocated)
        );
        assert_eq!(
            a.free(Region {
                offset: 0,
                len: 512
            }),
            Err(FreeError::NotAllocated)
        );
        assert_eq!(a.used(), 256);
        a.free(r).unwrap();
        assert_eq!(a.free(r), Err(FreeError::NotAllocated), "double free");
    }

    #[test]
    fn oversized_and_zero_requests_fail() {
        let mut a = Small::new(16 * 1024);
        assert!(a.alloc(0).is_none());
        assert!(a.alloc(16 * 1024 + 1).is_none());
        assert!(a.alloc(usize::MAX).is_none());
    }

    #[test]
    fn size_is_capped_by_bitmap() {
        let a = Small::new(1 << 30);
        assert_eq!(a.size(), 256 * GRANULE);
    }
}
