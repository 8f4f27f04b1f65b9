//! Hash maps (plain, per-CPU and LRU) in a preallocated region.
//!
//! Region layout (u32 fields, native endian, all 8-aligned):
//! - header: entry count, free-list head, entries ever used (the high-water mark), LRU head
//!   (most recent) and tail (least recent);
//! - buckets: `nbuckets` links, a power of two >= max_entries. At full load that is at most one
//!   entry per bucket on average, for 4 bytes per entry (an entry is at least 40): a
//!   preallocated map cannot grow its table later, so it starts with one big enough that
//!   chains stay short;
//! - entries of `entry_size` bytes: next in bucket, LRU prev, LRU next, hash, in-use flag, key
//!   (padded to 8), then the values (one per CPU for per-CPU maps, each padded to 8).
//!
//! Links are an entry index plus one, 0 meaning none, so zeroed memory is an empty table; entries
//! past the high-water mark have never been used, which spares `init` a pass over all of them.
//! Nothing read from the region is trusted: a link beyond max_entries, a chain longer than
//! max_entries (a cycle) or an entry in a chain that is not in use gives `EINVAL`.

use super::super::errno::{E2BIG, EEXIST, EINVAL, ENOENT};
use super::super::hooks::map::{self as abi, MAP_UPDATE_EXIST, MAP_UPDATE_NOEXIST};
use super::{read_u32, round8, write_u32, Access, MapDef, Values};

const H_COUNT: usize = 0;
const H_FREE: usize = 4;
const H_USED: usize = 8;
const H_LRU_HEAD: usize = 12;
const H_LRU_TAIL: usize = 16;
const HEADER: usize = 24;

const E_NEXT: usize = 0;
const E_LRU_PREV: usize = 4;
const E_LRU_NEXT: usize = 8;
const E_HASH: usize = 12;
const E_FLAGS: usize = 16;
const ENTRY_HEADER: usize = 24;

const IN_USE: u32 = 1;
const NONE: u32 = 0;

/// The seeded hash of a key (murmur3's 32-bit mix): cheap, and with a random seed per map a
/// program or user cannot pick keys that all land in one bucket.
pub fn key_hash(key: &[u8], seed: u32) -> u32 {
    let mut h = seed;
    let mut words = key.chunks_exact(4);
    for w in &mut words {
        h ^= scramble(u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = words
        .remainder()
        .iter()
        .rev()
        .fold(0u32, |k, &b| (k << 8) | u32::from(b));
    h ^= scramble(tail) ^ key.len() as u32;
    finish(h)
}

fn scramble(k: u32) -> u32 {
    k.wrapping_mul(0xcc9e_2d51)
        .rotate_left(15)
        .wrapping_mul(0x1b87_3593)
}

fn finish(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Buckets of a hash map of `max_entries` (None beyond 2^31).
pub fn bucket_count(max_entries: u32) -> Option<u32> {
    max_entries.max(1).checked_next_power_of_two()
}

/// The region's size in bytes; `None` on overflow.
pub(super) fn region_bytes(def: &MapDef) -> Option<u64> {
    let buckets = round8(u64::from(bucket_count(def.max_entries)?) * 4);
    let entry = entry_size(def)?;
    (HEADER as u64)
        .checked_add(buckets)?
        .checked_add(u64::from(def.max_entries).checked_mul(entry)?)
}

fn entry_size(def: &MapDef) -> Option<u64> {
    let values = u64::from(def.slots()).checked_mul(round8(u64::from(def.value_size)))?;
    (ENTRY_HEADER as u64)
        .checked_add(round8(u64::from(def.key_size)))?
        .checked_add(values)
}

/// Entries in use, as the header says (0 if unreadable).
pub(super) fn count(mem: &[u8]) -> u32 {
    read_u32(mem, H_COUNT).unwrap_or(0)
}

/// Offsets and sizes of a checked definition's region.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Geometry {
    max_entries: u32,
    nbuckets: u32,
    key_size: usize,
    values_at: usize,
    entry_size: usize,
    entries_at: usize,
    lru: bool,
}

impl Geometry {
    pub(super) fn new(def: &MapDef, values: Values) -> Option<Geometry> {
        let nbuckets = bucket_count(def.max_entries)?;
        let key_space = usize::try_from(round8(u64::from(def.key_size))).ok()?;
        let buckets_len = usize::try_from(round8(u64::from(nbuckets) * 4)).ok()?;
        Some(Geometry {
            max_entries: def.max_entries,
            nbuckets,
            key_size: def.key_size as usize,
            values_at: ENTRY_HEADER + key_space,
            entry_size: usize::try_from(entry_size(def)?).ok()?,
            entries_at: HEADER.checked_add(buckets_len)?,
            lru: def.map_type == abi::MAP_TYPE_LRU_HASH,
        })
        .filter(|g| g.values_at + values.block() == g.entry_size)
    }
}

/// A hash map's region seen through its geometry.
pub(crate) struct Table<'m> {
    mem: &'m mut [u8],
    g: Geometry,
    seed: u32,
}

impl<'m> Table<'m> {
    pub(super) fn new(mem: &'m mut [u8], g: Geometry, seed: u32) -> Table<'m> {
        Table { mem, g, seed }
    }

    /// Empties a fresh region: header and buckets (entries are formatted when first used).
    pub(super) fn format(&mut self) -> Result<(), i32> {
        self.mem.get_mut(..self.g.entries_at).ok_or(EINVAL)?.fill(0);
        Ok(())
    }

    /// Offset of the values of `key`'s entry, found or created as `access` says.
    pub(super) fn values(&mut self, key: &[u8], access: Access) -> Result<usize, i32> {
        let hash = key_hash(key, self.seed);
        let found = self.find(key, hash)?;
        let idx = match (found, access) {
            (Some(_), Access::Update(MAP_UPDATE_NOEXIST)) => return Err(EEXIST),
            (Some(i), _) => i,
            (None, Access::Find | Access::Update(MAP_UPDATE_EXIST)) => return Err(ENOENT),
            (None, _) => self.insert(key, hash)?,
        };
        self.touch(idx)?;
        Ok(self.entry_at(idx) + self.g.values_at)
    }

    pub(super) fn delete(&mut self, key: &[u8]) -> Result<(), i32> {
        let idx = self.find(key, key_hash(key, self.seed))?.ok_or(ENOENT)?;
        self.remove(idx)
    }

    /// Iteration order: buckets in order, each chain from its head. Stable while the map is not
    /// modified, and each key is visited once since every entry is in exactly one chain.
    pub(super) fn next_key(&mut self, key: Option<&[u8]>, out: &mut [u8]) -> Result<(), i32> {
        let mut bucket = 0;
        if let Some(k) = key {
            let hash = key_hash(k, self.seed);
            if let Some(idx) = self.find(k, hash)? {
                if let Some(next) = self.link(self.field(idx, E_NEXT)?)? {
                    return self.copy_key(next, out);
                }
                bucket = self.bucket_of(hash) + 1;
            }
        }
        for b in bucket..self.g.nbuckets {
            if let Some(idx) = self.link(self.bucket(b)?)? {
                return self.copy_key(idx, out);
            }
        }
        Err(ENOENT)
    }

    fn copy_key(&self, idx: u32, out: &mut [u8]) -> Result<(), i32> {
        self.check_in_use(idx)?;
        let at = self.entry_at(idx) + ENTRY_HEADER;
        let key = self.mem.get(at..at + self.g.key_size).ok_or(EINVAL)?;
        if out.len() != key.len() {
            return Err(EINVAL);
        }
        out.copy_from_slice(key);
        Ok(())
    }

    /// The entry of `key` in its bucket's chain.
    fn find(&self, key: &[u8], hash: u32) -> Result<Option<u32>, i32> {
        let mut link = self.bucket(self.bucket_of(hash))?;
        for _ in 0..=self.g.max_entries {
            let Some(idx) = self.link(link)? else {
                return Ok(None);
            };
            self.check_in_use(idx)?;
            if self.field(idx, E_HASH)? == hash && self.key_is(idx, key) {
                return Ok(Some(idx));
            }
            link = self.field(idx, E_NEXT)?;
        }
        Err(EINVAL) // a cycle: more links than entries
    }

    fn key_is(&self, idx: u32, key: &[u8]) -> bool {
        let at = self.entry_at(idx) + ENTRY_HEADER;
        self.mem.get(at..at + key.len()) == Some(key)
    }

    /// A new entry for `key` (not in the map) with zeroed values, at the head of its chain.
    fn insert(&mut self, key: &[u8], hash: u32) -> Result<u32, i32> {
        let idx = match self.alloc()? {
            Some(idx) => idx,
            None if self.g.lru => self.evict()?,
            None => return Err(E2BIG),
        };
        let at = self.entry_at(idx);
        let entry = self.mem.get_mut(at..at + self.g.entry_size).ok_or(EINVAL)?;
        entry.fill(0);
        entry
            .get_mut(ENTRY_HEADER..ENTRY_HEADER + key.len())
            .ok_or(EINVAL)?
            .copy_from_slice(key);
        self.set_field(idx, E_HASH, hash)?;
        self.set_field(idx, E_FLAGS, IN_USE)?;
        let b = self.bucket_of(hash);
        self.set_field(idx, E_NEXT, self.bucket(b)?)?;
        self.set_bucket(b, idx + 1)?;
        if self.g.lru {
            self.lru_push_front(idx)?;
        }
        let count = self.header(H_COUNT)?;
        self.set_header(H_COUNT, count.wrapping_add(1))?;
        Ok(idx)
    }

    /// An unused entry: from the free list, else the next never used one; `None` when full.
    fn alloc(&mut self) -> Result<Option<u32>, i32> {
        if let Some(idx) = self.link(self.header(H_FREE)?)? {
            if self.field(idx, E_FLAGS)? != 0 {
                return Err(EINVAL); // in use and free at once
            }
            self.set_header(H_FREE, self.field(idx, E_NEXT)?)?;
            return Ok(Some(idx));
        }
        let used = self.header(H_USED)?;
        if used >= self.g.max_entries {
            return Ok(None);
        }
        if self.field(used, E_FLAGS)? != 0 {
            return Err(EINVAL); // the mark is behind entries in use
        }
        self.set_header(H_USED, used + 1)?;
        Ok(Some(used))
    }

    /// Removes the least recently used entry (LRU maps when full) and takes its place.
    fn evict(&mut self) -> Result<u32, i32> {
        let tail = self.link(self.header(H_LRU_TAIL)?)?.ok_or(EINVAL)?;
        self.remove(tail)?;
        self.alloc()?.ok_or(EINVAL)
    }

    /// Unlinks an entry from its chain (and the LRU list) and frees it.
    fn remove(&mut self, idx: u32) -> Result<(), i32> {
        self.check_in_use(idx)?;
        self.unlink_chain(idx)?;
        if self.g.lru {
            self.lru_unlink(idx)?;
        }
        self.set_field(idx, E_FLAGS, 0)?;
        self.set_field(idx, E_NEXT, self.header(H_FREE)?)?;
        self.set_header(H_FREE, idx + 1)?;
        let count = self.header(H_COUNT)?;
        self.set_header(H_COUNT, count.saturating_sub(1))
    }

    /// Makes the link that points at `idx` (a bucket or a previous entry's next) skip it.
    fn unlink_chain(&mut self, idx: u32) -> Result<(), i32> {
        let mut at = self.bucket_at(self.bucket_of(self.field(idx, E_HASH)?));
        for _ in 0..=self.g.max_entries {
            match self.link(read_u32(self.mem, at)?)? {
                Some(i) if i == idx => {
                    let next = self.field(idx, E_NEXT)?;
                    return write_u32(self.mem, at, next);
                }
                Some(i) => at = self.entry_at(i) + E_NEXT,
                None => return Err(EINVAL), // not in its own bucket
            }
        }
        Err(EINVAL)
    }

    /// Marks `idx` most recently used (LRU maps).
    fn touch(&mut self, idx: u32) -> Result<(), i32> {
        if !self.g.lru || self.header(H_LRU_HEAD)? == idx + 1 {
            return Ok(());
        }
        self.lru_unlink(idx)?;
        self.lru_push_front(idx)
    }

    fn lru_unlink(&mut self, idx: u32) -> Result<(), i32> {
        let prev = self.field(idx, E_LRU_PREV)?;
        let next = self.field(idx, E_LRU_NEXT)?;
        match self.link(prev)? {
            Some(p) => self.set_field(p, E_LRU_NEXT, next)?,
            None => self.set_header(H_LRU_HEAD, next)?,
        }
        match self.link(next)? {
            Some(n) => self.set_field(n, E_LRU_PREV, prev),
            None => self.set_header(H_LRU_TAIL, prev),
        }
    }

    fn lru_push_front(&mut self, idx: u32) -> Result<(), i32> {
        let head = self.header(H_LRU_HEAD)?;
        self.set_field(idx, E_LRU_PREV, NONE)?;
        self.set_field(idx, E_LRU_NEXT, head)?;
        match self.link(head)? {
            Some(h) => self.set_field(h, E_LRU_PREV, idx + 1)?,
            None => self.set_header(H_LRU_TAIL, idx + 1)?,
        }
        self.set_header(H_LRU_HEAD, idx + 1)
    }

    fn check_in_use(&self, idx: u32) -> Result<(), i32> {
        match self.field(idx, E_FLAGS)? {
            IN_USE => Ok(()),
            _ => Err(EINVAL),
        }
    }

    /// The entry a link read from the region names: `None` for the end, `EINVAL` out of range.
    fn link(&self, link: u32) -> Result<Option<u32>, i32> {
        match link {
            NONE => Ok(None),
            l if l <= self.g.max_entries => Ok(Some(l - 1)),
            _ => Err(EINVAL),
        }
    }

    fn bucket_of(&self, hash: u32) -> u32 {
        hash & (self.g.nbuckets - 1)
    }

    fn bucket_at(&self, b: u32) -> usize {
        HEADER + 4 * b as usize
    }

    fn bucket(&self, b: u32) -> Result<u32, i32> {
        read_u32(self.mem, self.bucket_at(b))
    }

    fn set_bucket(&mut self, b: u32, link: u32) -> Result<(), i32> {
        write_u32(self.mem, self.bucket_at(b), link)
    }

    /// Offset of entry `idx` (< max_entries, so inside the region of a checked definition).
    fn entry_at(&self, idx: u32) -> usize {
        self.g.entries_at + idx as usize * self.g.entry_size
    }

    fn field(&self, idx: u32, field: usize) -> Result<u32, i32> {
        read_u32(self.mem, self.entry_at(idx) + field)
    }

    fn set_field(&mut self, idx: u32, field: usize, v: u32) -> Result<(), i32> {
        write_u32(self.mem, self.entry_at(idx) + field, v)
    }

    fn header(&self, field: usize) -> Result<u32, i32> {
        read_u32(self.mem, field)
    }

    fn set_header(&mut self, field: usize, v: u32) -> Result<(), i32> {
        write_u32(self.mem, field, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_seed_length_and_every_byte() {
        let base = key_hash(b"abcdefg", 1);
        assert_ne!(base, key_hash(b"abcdefg", 2));
        assert_ne!(base, key_hash(b"abcdefg\0", 1));
        for i in 0..7 {
            let mut k = *b"abcdefg";
            k[i] ^= 1;
            assert_ne!(base, key_hash(&k, 1), "byte {i}");
        }
    }

    #[test]
    fn bucket_count_is_a_power_of_two_at_least_max_entries() {
        assert_eq!(bucket_count(1), Some(1));
        assert_eq!(bucket_count(3), Some(4));
        assert_eq!(bucket_count(1 << 20), Some(1 << 20));
        assert_eq!(bucket_count(u32::MAX), None);
    }
}
