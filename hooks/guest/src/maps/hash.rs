//! Hash maps: plain, LRU and per-CPU share one handle type, told apart by their map type.

use super::Def;
use crate::error::{check, Error};
use crate::{sys, Pod};
use core::marker::PhantomData;
use core::mem::{size_of, MaybeUninit};
use kwasm_hooks::map::{MAP_TYPE_HASH, MAP_TYPE_LRU_HASH, MAP_TYPE_PERCPU_HASH, MAP_UPDATE_ANY};

/// A hash map from `K` to `V` (the aliases below pick the kind).
pub struct HashMapBase<K, V, const TYPE: u32> {
    def: Def,
    // `fn() -> ..` keeps the handle `Sync` and `Send` whatever K and V are: it holds none.
    _types: PhantomData<fn() -> (K, V)>,
}

/// `MAP_TYPE_HASH`: `insert` of a new key fails with [`Error::Full`] when full.
pub type HashMap<K, V> = HashMapBase<K, V, MAP_TYPE_HASH>;
/// `MAP_TYPE_LRU_HASH`: a new key evicts the least recently used one when full.
pub type LruHashMap<K, V> = HashMapBase<K, V, MAP_TYPE_LRU_HASH>;
/// `MAP_TYPE_PERCPU_HASH`: one value per CPU; a program sees and changes its CPU's.
pub type PerCpuHashMap<K, V> = HashMapBase<K, V, MAP_TYPE_PERCPU_HASH>;

impl<K: Pod, V: Pod, const TYPE: u32> HashMapBase<K, V, TYPE> {
    /// A map of at most `max_entries` keys, for [`map!`](crate::map!).
    pub const fn with_max_entries(max_entries: u32) -> Self {
        HashMapBase {
            def: Def::new(TYPE, size_of::<K>(), size_of::<V>(), max_entries).checked(),
            _types: PhantomData,
        }
    }

    #[doc(hidden)]
    pub const fn __named(mut map: Self, name: &str) -> Self {
        map.def = map.def.named(name);
        map
    }

    #[doc(hidden)]
    pub const fn __decl(&self, name: &str) -> [u8; kwasm_hooks::map::MAP_DECL_SIZE] {
        self.def.decl(name)
    }

    #[cfg(test)]
    pub(crate) fn def(&self) -> Def {
        self.def
    }

    /// A copy of `key`'s value, `None` if absent.
    pub fn get(&self, key: &K) -> Option<V> {
        let mut value = MaybeUninit::<V>::uninit();
        // SAFETY: the host writes `size_of::<V>()` bytes (the declared value size) to `value`.
        let r = unsafe { sys::map_lookup(self.def.id, bytes(key), value.as_mut_ptr().cast()) };
        // SAFETY: on success all of `value` was written, and any bytes are a valid `V` (Pod).
        check(r).ok().map(|_| unsafe { value.assume_init() })
    }

    /// Stores `value` under `key`, creating or replacing it.
    pub fn insert(&self, key: &K, value: &V) -> Result<(), Error> {
        self.insert_with_flags(key, value, MAP_UPDATE_ANY)
    }

    /// As [`Self::insert`] with `maps::{ANY, NOEXIST, EXIST}`: `NOEXIST` fails with
    /// [`Error::Exists`] if the key is there (what tells exactly one CPU that a key is new).
    pub fn insert_with_flags(&self, key: &K, value: &V, flags: u64) -> Result<(), Error> {
        // SAFETY: the host only reads through both pointers.
        check(unsafe { sys::map_update(self.def.id, bytes(key), bytes(value), flags) }).map(drop)
    }

    /// Removes `key` ([`Error::NotFound`] if absent).
    pub fn remove(&self, key: &K) -> Result<(), Error> {
        // SAFETY: the host only reads the key.
        check(unsafe { sys::map_delete(self.def.id, bytes(key)) }).map(drop)
    }

    /// Adds `delta` (wrapping) to the `u64` at byte `offset` of `key`'s value, atomically; a
    /// missing key gets a zeroed value first. `offset` is 8-aligned and inside the value: use
    /// `core::mem::offset_of!` for a struct of counters.
    pub fn add_at(&self, key: &K, offset: usize, delta: u64) -> Result<(), Error> {
        let offset = super::counter_offset(offset, size_of::<V>())?;
        // SAFETY: the host only reads the key; it changes the map's value, not our memory.
        check(unsafe { sys::map_add(self.def.id, bytes(key), offset, delta) }).map(drop)
    }
}

impl<K: Pod, const TYPE: u32> HashMapBase<K, u64, TYPE> {
    /// Adds `delta` to the counter of `key` (created at 0 if missing).
    pub fn add(&self, key: &K, delta: u64) -> Result<(), Error> {
        self.add_at(key, 0, delta)
    }
}

/// A Pod value's address, for a host call that reads `size_of::<T>()` bytes there.
pub(crate) fn bytes<T: Pod>(v: &T) -> *const u8 {
    v.as_bytes().as_ptr()
}
