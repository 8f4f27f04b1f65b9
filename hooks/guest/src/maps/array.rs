//! Arrays: `max_entries` values indexed by a `u32`, all present from the start (zeroed).

use super::hash::bytes;
use super::Def;
use crate::error::{check, Error};
use crate::{sys, Pod};
use core::marker::PhantomData;
use core::mem::{size_of, MaybeUninit};
use kwasm_hooks::map::{MAP_TYPE_ARRAY, MAP_TYPE_PERCPU_ARRAY, MAP_UPDATE_ANY};

/// An array of `V` (the aliases below pick the kind).
pub struct ArrayBase<V, const TYPE: u32> {
    def: Def,
    // Holds no `V`: `fn() -> V` keeps the handle `Sync` and `Send`.
    _value: PhantomData<fn() -> V>,
}

/// `MAP_TYPE_ARRAY`: one value per index, shared by every CPU.
pub type Array<V> = ArrayBase<V, MAP_TYPE_ARRAY>;
/// `MAP_TYPE_PERCPU_ARRAY`: one value per index and CPU; a program sees its CPU's.
pub type PerCpuArray<V> = ArrayBase<V, MAP_TYPE_PERCPU_ARRAY>;

impl<V: Pod, const TYPE: u32> ArrayBase<V, TYPE> {
    /// An array of `max_entries` values, for [`map!`](crate::map!).
    pub const fn with_max_entries(max_entries: u32) -> Self {
        ArrayBase {
            def: Def::new(TYPE, size_of::<u32>(), size_of::<V>(), max_entries).checked(),
            _value: PhantomData,
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

    /// A copy of the value at `index`, `None` past the end.
    pub fn get(&self, index: u32) -> Option<V> {
        let mut value = MaybeUninit::<V>::uninit();
        // SAFETY: the host writes `size_of::<V>()` bytes (the declared value size) to `value`.
        let r = unsafe { sys::map_lookup(self.def.id, bytes(&index), value.as_mut_ptr().cast()) };
        // SAFETY: on success all of `value` was written, and any bytes are a valid `V` (Pod).
        check(r).ok().map(|_| unsafe { value.assume_init() })
    }

    /// Replaces the value at `index`.
    pub fn set(&self, index: u32, value: &V) -> Result<(), Error> {
        // SAFETY: the host only reads through both pointers.
        check(unsafe { sys::map_update(self.def.id, bytes(&index), bytes(value), MAP_UPDATE_ANY) })
            .map(drop)
    }

    /// Adds `delta` (wrapping) to the `u64` at byte `offset` of the value at `index`,
    /// atomically (8-aligned, inside the value).
    pub fn add_at(&self, index: u32, offset: usize, delta: u64) -> Result<(), Error> {
        let offset = super::counter_offset(offset, size_of::<V>())?;
        // SAFETY: the host only reads the index; it changes the map's value, not our memory.
        check(unsafe { sys::map_add(self.def.id, bytes(&index), offset, delta) }).map(drop)
    }
}

impl<const TYPE: u32> ArrayBase<u64, TYPE> {
    /// Adds `delta` to the counter at `index`.
    pub fn add(&self, index: u32, delta: u64) -> Result<(), Error> {
        self.add_at(index, 0, delta)
    }
}
