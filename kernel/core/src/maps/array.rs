//! Array maps (plain and per-CPU): the values of index `i` are the `i`th block of the region,
//! so the region holds nothing but values and needs no formatting. Keys are native-endian
//! `u32` indexes; every index below max_entries exists (as bpf's arrays).

use super::super::errno::{E2BIG, EEXIST, EINVAL, ENOENT};
use super::super::hooks::map::MAP_UPDATE_NOEXIST;
use super::{round8, Access, MapDef, Values};

/// The region's size in bytes; `None` on overflow.
pub(super) fn region_bytes(def: &MapDef) -> Option<u64> {
    u64::from(def.max_entries)
        .checked_mul(u64::from(def.slots()))?
        .checked_mul(round8(u64::from(def.value_size)))
}

/// Where a checked definition's values are.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Geometry {
    max_entries: u32,
    block: usize,
}

impl Geometry {
    pub(super) fn new(def: &MapDef, values: Values) -> Geometry {
        Geometry {
            max_entries: def.max_entries,
            block: values.block(),
        }
    }

    /// Offset of the values of index `key`, reached as `access` says.
    pub(super) fn values(&self, key: &[u8], access: Access) -> Result<usize, i32> {
        let index = index_of(key)?;
        let in_range = index < self.max_entries;
        match access {
            Access::Find if !in_range => Err(ENOENT),
            Access::Update(_) | Access::Create if !in_range => Err(E2BIG),
            Access::Update(MAP_UPDATE_NOEXIST) => Err(EEXIST),
            _ => (index as usize).checked_mul(self.block).ok_or(EINVAL),
        }
    }

    /// Index + 1; 0 for no key or an index out of range (as bpf); `ENOENT` after the last.
    pub(super) fn next_key(&self, key: Option<&[u8]>, out: &mut [u8]) -> Result<(), i32> {
        let next = match key.map(index_of).transpose()? {
            Some(i) if i < self.max_entries => i + 1,
            _ => 0,
        };
        if next >= self.max_entries {
            return Err(ENOENT);
        }
        let out: &mut [u8; 4] = out.try_into().map_err(|_| EINVAL)?;
        *out = next.to_ne_bytes();
        Ok(())
    }
}

fn index_of(key: &[u8]) -> Result<u32, i32> {
    let bytes: [u8; 4] = key.try_into().map_err(|_| EINVAL)?;
    Ok(u32::from_ne_bytes(bytes))
}

/// An array map's layout, for a platform that reaches the values without a [`super::Map`]:
/// the kernel reads and writes array values with atomic word accesses and no lock (as eBPF's
/// arrays), so it needs only where a value is and the rules of each operation.
#[derive(Clone, Copy, Debug)]
pub struct ArrayLayout {
    geometry: Geometry,
    values: Values,
}

impl ArrayLayout {
    /// The layout of a checked array definition; `None` for other map types.
    pub fn of(def: &MapDef) -> Option<ArrayLayout> {
        if !def.is_array() {
            return None;
        }
        let values = Values::of(def);
        Some(ArrayLayout {
            geometry: Geometry::new(def, values),
            values,
        })
    }

    /// Byte offset of `cpu`'s value of the index in `key` (`cpu` is ignored for maps with one
    /// value per index; `EINVAL` past the last CPU), as a lookup (`ENOENT` out of range) or an
    /// update with `flags` (`E2BIG` out of range, `EEXIST` for `NOEXIST`).
    pub fn value_at(&self, key: &[u8], cpu: u32, update: Option<u64>) -> Result<usize, i32> {
        let access = update.map_or(Access::Find, Access::Update);
        let block = self.geometry.values(key, access)?;
        let slot = if self.values.slots == 1 {
            0
        } else {
            cpu as usize
        };
        if slot >= self.values.slots {
            return Err(EINVAL);
        }
        block.checked_add(slot * self.values.stride).ok_or(EINVAL)
    }

    /// The index after the one in `key` (as [`super::Map::next_key`]).
    pub fn next_key(&self, key: Option<&[u8]>, out: &mut [u8]) -> Result<(), i32> {
        self.geometry.next_key(key, out)
    }

    pub fn value_size(&self) -> usize {
        self.values.value_size
    }

    /// Bytes between two CPUs' values of one index (a multiple of 8).
    pub fn stride(&self) -> usize {
        self.values.stride
    }

    /// Values per index: the CPUs for per-CPU arrays, else 1.
    pub fn slots(&self) -> usize {
        self.values.slots
    }
}
