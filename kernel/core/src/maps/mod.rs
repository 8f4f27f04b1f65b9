//! Maps over memory the platform preallocates: hash (plain, per-CPU, LRU) and array (plain,
//! per-CPU) maps, the ring buffer's producer and consumer, and the map declarations of a program.
//!
//! The kernel vmallocs [`MapDef::bytes`] zeroed bytes per map and serializes every operation on
//! a map with one lock, so these types take `&mut` and need no atomics. The region is kernel
//! memory only we write, but nothing read from it is trusted: every index is bounds-checked and
//! every walk bounded, so a corrupted region gives `EINVAL`, never an out-of-bounds access, a
//! panic or an endless loop.

pub mod array;
pub mod decl;
pub mod hash;
pub mod ringbuf;

use super::errno::{E2BIG, EINVAL};
use super::hooks;
use hooks::map::{self as abi, limits};

/// A map's type and sizes, and the CPUs per-CPU maps keep a value for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapDef {
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    /// Possible CPUs (values per key of per-CPU maps); at least 1.
    pub ncpus: u32,
}

impl MapDef {
    /// Validates against `hooks::map::limits` and the type's rules: `EINVAL` for what can never
    /// be valid (zero sizes, unknown type, array keys other than 4 bytes, a ring buffer size that
    /// is not a power of two), `E2BIG` for what is too large.
    pub fn check(&self) -> Result<(), i32> {
        if self.ncpus == 0 {
            return Err(EINVAL);
        }
        match self.map_type {
            abi::MAP_TYPE_RINGBUF => self.check_ringbuf(),
            abi::MAP_TYPE_HASH
            | abi::MAP_TYPE_PERCPU_HASH
            | abi::MAP_TYPE_LRU_HASH
            | abi::MAP_TYPE_ARRAY
            | abi::MAP_TYPE_PERCPU_ARRAY => self.check_table(),
            _ => Err(EINVAL),
        }
    }

    fn check_ringbuf(&self) -> Result<(), i32> {
        let size = self.max_entries;
        if self.key_size != 0 || self.value_size != 0 {
            return Err(EINVAL);
        }
        if size > limits::RINGBUF_SIZE_MAX {
            return Err(E2BIG);
        }
        // A power of two from one page is a multiple of the page size.
        if !size.is_power_of_two() || size < limits::RINGBUF_SIZE_MIN {
            return Err(EINVAL);
        }
        Ok(())
    }

    fn check_table(&self) -> Result<(), i32> {
        if self.key_size == 0 || self.value_size == 0 || self.max_entries == 0 {
            return Err(EINVAL);
        }
        if self.is_array() && self.key_size != 4 {
            return Err(EINVAL);
        }
        if self.key_size > limits::KEY_SIZE_MAX
            || self.value_size > limits::VALUE_SIZE_MAX
            || self.max_entries > limits::MAX_ENTRIES_MAX
        {
            return Err(E2BIG);
        }
        match self.region_bytes() {
            Some(bytes) if bytes <= limits::MAP_BYTES_MAX => Ok(()),
            _ => Err(E2BIG),
        }
    }

    /// Bytes of the preallocated region the platform must provide for hash/array maps (for a
    /// ring buffer: the data area size; the two position pages are separate, see `ringbuf`).
    /// Meaningful only for a definition that passed [`check`](Self::check); `usize::MAX` when the
    /// size does not even fit in 64 bits (so an allocation of it fails).
    pub fn bytes(&self) -> usize {
        self.region_bytes()
            .and_then(|b| usize::try_from(b).ok())
            .unwrap_or(usize::MAX)
    }

    /// The region's size, `None` on overflow (huge unchecked sizes) or an unknown type.
    fn region_bytes(&self) -> Option<u64> {
        match self.map_type {
            abi::MAP_TYPE_RINGBUF => Some(u64::from(self.max_entries)),
            _ if self.is_array() => array::region_bytes(self),
            _ if self.is_hash() => hash::region_bytes(self),
            _ => None,
        }
    }

    /// 8-byte-padded size of one CPU's value (per-CPU maps' userspace view is ncpus * this).
    pub fn value_stride(&self) -> usize {
        // value_size + 7 cannot overflow u64; the result fits usize on 64-bit platforms.
        usize::try_from(round8(u64::from(self.value_size))).unwrap_or(usize::MAX)
    }

    /// Bytes of a value as userspace reads/writes it: value_size, or ncpus * value_stride for
    /// per-CPU maps.
    pub fn user_value_size(&self) -> usize {
        if abi::is_percpu(self.map_type) {
            (self.ncpus as usize).saturating_mul(self.value_stride())
        } else {
            self.value_size as usize
        }
    }

    pub(crate) fn is_array(&self) -> bool {
        matches!(
            self.map_type,
            abi::MAP_TYPE_ARRAY | abi::MAP_TYPE_PERCPU_ARRAY
        )
    }

    fn is_hash(&self) -> bool {
        matches!(
            self.map_type,
            abi::MAP_TYPE_HASH | abi::MAP_TYPE_PERCPU_HASH | abi::MAP_TYPE_LRU_HASH
        )
    }

    /// Values kept per key: one per CPU for per-CPU maps, else one.
    fn slots(&self) -> u32 {
        if abi::is_percpu(self.map_type) {
            self.ncpus
        } else {
            1
        }
    }
}

/// `x` rounded up to a multiple of 8 (no overflow for anything computed from u32 sizes).
fn round8(x: u64) -> u64 {
    x.saturating_add(7) & !7
}

/// The values of one key as stored: `slots` values of `value_size` bytes, each padded to
/// `stride` (the padding stays zero). Derived from a checked [`MapDef`], so every product of
/// these with an in-range index fits in the region.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Values {
    pub(crate) value_size: usize,
    pub(crate) stride: usize,
    pub(crate) slots: usize,
}

impl Values {
    pub(crate) fn of(def: &MapDef) -> Values {
        Values {
            value_size: def.value_size as usize,
            stride: def.value_stride(),
            slots: def.slots() as usize,
        }
    }

    /// Bytes of one key's values.
    pub(crate) fn block(&self) -> usize {
        self.slots * self.stride
    }
}

/// How an operation reaches a key's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// The key must exist (`ENOENT`).
    Find,
    /// An update with `MAP_UPDATE_*` flags (already validated): creates a zeroed entry when
    /// the flags allow it.
    Update(u64),
    /// Creates a zeroed entry when the key is missing (`add`).
    Create,
}

/// What a [`Map`] is over its region: the layout is derived once from the definition.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Hash(hash::Geometry),
    Array(array::Geometry),
    /// A definition or region `open` could not use: every operation gives `EINVAL`.
    Broken,
}

/// A hash or array map over its preallocated region.
pub struct Map<'a> {
    def: MapDef,
    mem: &'a mut [u8],
    seed: u32,
    kind: Kind,
}

impl<'a> Map<'a> {
    /// Formats a fresh zeroed region. `seed`: random hash seed the kernel picks at creation
    /// (hash flooding). `EINVAL` for a ring buffer or a region shorter than `def.bytes()`.
    /// Only the hash header and buckets are written: entries are formatted when first used, so
    /// the rest must be zero as given (a nonzero one is taken for corruption: `EINVAL` later).
    pub fn init(def: &MapDef, mem: &'a mut [u8], seed: u32) -> Result<Map<'a>, i32> {
        def.check()?;
        let map = Map::open(def, mem, seed);
        match map.kind {
            Kind::Hash(g) => hash::Table::new(map.mem, g, seed).format()?,
            Kind::Array(_) => {}
            Kind::Broken => return Err(EINVAL),
        }
        Ok(map)
    }

    /// A view of a region `init` formatted earlier (same def and seed). O(1): the kernel may
    /// open a map for every operation.
    pub fn open(def: &MapDef, mem: &'a mut [u8], seed: u32) -> Map<'a> {
        let kind = Self::kind_of(def, mem.len());
        Map {
            def: *def,
            mem,
            seed,
            kind,
        }
    }

    fn kind_of(def: &MapDef, len: usize) -> Kind {
        if def.check().is_err() || len < def.bytes() {
            return Kind::Broken;
        }
        let values = Values::of(def);
        if def.is_array() {
            Kind::Array(array::Geometry::new(def, values))
        } else if let (true, Some(g)) = (def.is_hash(), hash::Geometry::new(def, values)) {
            Kind::Hash(g)
        } else {
            Kind::Broken
        }
    }

    /// Hook side: `cpu`'s value slot of `key` (`cpu` is ignored for maps with one value per
    /// key); bumps LRU recency. `ENOENT`, `EINVAL` (key size, cpu >= ncpus).
    pub fn value_mut(&mut self, key: &[u8], cpu: u32) -> Result<&mut [u8], i32> {
        self.check_key(key)?;
        let slot = self.slot(cpu)?;
        let values = Values::of(&self.def);
        let block = self.block(key, Access::Find)?;
        slot_of(block, slot, values)
    }

    /// Userspace view: copies the value (all CPUs, padded, for per-CPU maps) to `out`
    /// (`out.len() == user_value_size()`, else `EINVAL`). Bumps LRU recency.
    pub fn lookup_user(&mut self, key: &[u8], out: &mut [u8]) -> Result<(), i32> {
        self.check_key(key)?;
        if out.len() != self.def.user_value_size() {
            return Err(EINVAL);
        }
        let block = self.block(key, Access::Find)?;
        // Per-CPU: the stored block is the padded userspace view; else its first value_size.
        let from = block.get(..out.len()).ok_or(EINVAL)?;
        out.copy_from_slice(from);
        Ok(())
    }

    /// `cpu: Some(c)`: a program's update of one CPU's value (`value.len() == value_size`; a
    /// new per-CPU hash entry gets zeroes for the other CPUs). `None`: userspace's
    /// (`value.len() == user_value_size()`; per-CPU padding bytes are not stored). `flags`:
    /// `MAP_UPDATE_{ANY,NOEXIST,EXIST}`, others `EINVAL`. Hash full: `E2BIG` (LRU evicts the
    /// least recently used instead). Array: index >= max_entries `E2BIG`, `NOEXIST` gives
    /// `EEXIST` (every index exists), as bpf.
    pub fn update(
        &mut self,
        key: &[u8],
        value: &[u8],
        flags: u64,
        cpu: Option<u32>,
    ) -> Result<(), i32> {
        if flags > abi::MAP_UPDATE_EXIST {
            return Err(EINVAL);
        }
        self.check_key(key)?;
        let slot = cpu.map(|c| self.slot(c)).transpose()?;
        let want = match slot {
            Some(_) => self.def.value_size as usize,
            None => self.def.user_value_size(),
        };
        if value.len() != want {
            return Err(EINVAL);
        }
        let values = Values::of(&self.def);
        let block = self.block(key, Access::Update(flags))?;
        match slot {
            Some(s) => slot_of(block, s, values)?.copy_from_slice(value),
            None => write_user_value(block, value, values)?,
        }
        Ok(())
    }

    /// Arrays: `EINVAL` (as bpf). `ENOENT` if absent.
    pub fn delete(&mut self, key: &[u8]) -> Result<(), i32> {
        self.check_key(key)?;
        match self.kind {
            Kind::Hash(g) => hash::Table::new(self.mem, g, self.seed).delete(key),
            Kind::Array(_) | Kind::Broken => Err(EINVAL),
        }
    }

    /// Adds `delta` (wrapping) to the u64 (native endian) at byte `offset` of `cpu`'s value;
    /// `offset` must be 8-aligned and `offset + 8 <= value_size` (`EINVAL`). A missing hash key
    /// gets a zeroed entry first (`E2BIG` if full; LRU evicts); an array index out of range
    /// gives `E2BIG`, as an update of it.
    pub fn add(&mut self, key: &[u8], offset: u32, delta: u64, cpu: u32) -> Result<(), i32> {
        self.check_key(key)?;
        let slot = self.slot(cpu)?;
        if !offset.is_multiple_of(8) || u64::from(offset) + 8 > u64::from(self.def.value_size) {
            return Err(EINVAL);
        }
        let values = Values::of(&self.def);
        let block = self.block(key, Access::Create)?;
        let value = slot_of(block, slot, values)?;
        let at = offset as usize;
        let word: &mut [u8; 8] = value
            .get_mut(at..at + 8)
            .and_then(|w| w.try_into().ok())
            .ok_or(EINVAL)?;
        *word = u64::from_ne_bytes(*word).wrapping_add(delta).to_ne_bytes();
        Ok(())
    }

    /// The key after `key` (`None`: the first) into `out` (key_size bytes). `ENOENT` after the
    /// last. A `key` not in a hash map gives the first key (bpf's behaviour). Arrays: index+1
    /// (an index out of range gives 0).
    pub fn next_key(&mut self, key: Option<&[u8]>, out: &mut [u8]) -> Result<(), i32> {
        if let Some(k) = key {
            self.check_key(k)?;
        }
        self.check_key(out)?;
        match self.kind {
            Kind::Hash(g) => hash::Table::new(self.mem, g, self.seed).next_key(key, out),
            Kind::Array(g) => g.next_key(key, out),
            Kind::Broken => Err(EINVAL),
        }
    }

    /// Entries now (hash), max_entries (array); 0 for a map `open` could not use.
    pub fn entries(&self) -> u32 {
        match self.kind {
            Kind::Hash(_) => hash::count(self.mem),
            Kind::Array(_) => self.def.max_entries,
            Kind::Broken => 0,
        }
    }

    fn check_key(&self, key: &[u8]) -> Result<(), i32> {
        if key.len() == self.def.key_size as usize {
            Ok(())
        } else {
            Err(EINVAL)
        }
    }

    /// The value slot `cpu` selects: itself for per-CPU maps (`EINVAL` beyond ncpus), else 0.
    fn slot(&self, cpu: u32) -> Result<usize, i32> {
        if !abi::is_percpu(self.def.map_type) {
            Ok(0)
        } else if cpu < self.def.ncpus {
            Ok(cpu as usize)
        } else {
            Err(EINVAL)
        }
    }

    /// All values of `key` (the padded block), reached as `access` says.
    fn block(&mut self, key: &[u8], access: Access) -> Result<&mut [u8], i32> {
        let start = match self.kind {
            Kind::Hash(g) => hash::Table::new(self.mem, g, self.seed).values(key, access)?,
            Kind::Array(g) => g.values(key, access)?,
            Kind::Broken => return Err(EINVAL),
        };
        let len = Values::of(&self.def).block();
        let end = start.checked_add(len).ok_or(EINVAL)?;
        self.mem.get_mut(start..end).ok_or(EINVAL)
    }
}

/// One CPU's value (value_size bytes) in a key's block.
fn slot_of(block: &mut [u8], slot: usize, v: Values) -> Result<&mut [u8], i32> {
    let start = slot.checked_mul(v.stride).ok_or(EINVAL)?;
    let end = start.checked_add(v.value_size).ok_or(EINVAL)?;
    block.get_mut(start..end).ok_or(EINVAL)
}

/// Stores userspace's view of a value: per-CPU maps' padded values one by one (padding left
/// zero, so lookups return zero padding whatever userspace wrote there).
fn write_user_value(block: &mut [u8], value: &[u8], v: Values) -> Result<(), i32> {
    for slot in 0..v.slots {
        let start = slot * v.stride;
        let from = value.get(start..start + v.value_size).ok_or(EINVAL)?;
        slot_of(block, slot, v)?.copy_from_slice(from);
    }
    Ok(())
}

/// Region access that never panics: `EINVAL` when out of bounds.
pub(crate) fn read_u32(mem: &[u8], at: usize) -> Result<u32, i32> {
    let bytes = mem
        .get(at..at.checked_add(4).ok_or(EINVAL)?)
        .ok_or(EINVAL)?;
    let word: [u8; 4] = bytes.try_into().map_err(|_| EINVAL)?;
    Ok(u32::from_ne_bytes(word))
}

pub(crate) fn write_u32(mem: &mut [u8], at: usize, v: u32) -> Result<(), i32> {
    let end = at.checked_add(4).ok_or(EINVAL)?;
    mem.get_mut(at..end)
        .ok_or(EINVAL)?
        .copy_from_slice(&v.to_ne_bytes());
    Ok(())
}
