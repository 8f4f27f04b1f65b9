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
