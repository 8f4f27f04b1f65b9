//! [`Array`]: an array map with typed values, indexed by `u32`.

use super::pod::{bytes_of, from_bytes, Pod};
use super::typed::{check, check_index};
use super::{Map, MapSpec, MapType};
use crate::Error;
use std::borrow::Borrow;
use std::marker::PhantomData;

/// An array map of `max_entries` values `V`; every index has a value (zero at first).
///
/// ```no_run
/// use kwasm::maps::{Array, MAP_UPDATE_ANY};
/// let config: Array<u32> = Array::create("config", 4)?;
/// config.set(0, 1500, MAP_UPDATE_ANY)?;
/// assert_eq!(config.get(0)?, 1500);
/// # Ok::<(), kwasm::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Array<V: Pod> {
    map: Map,
    _types: PhantomData<V>,
}

impl<V: Pod> TryFrom<Map> for Array<V> {
    type Error = Error;

    fn try_from(map: Map) -> Result<Self, Error> {
        check(&map, &[MapType::Array], "array", 4, size_of::<V>())?;
        Ok(Array {
            map,
            _types: PhantomData,
        })
    }
}

impl<V: Pod> Array<V> {
    pub fn create(name: &str, len: u32) -> Result<Self, Error> {
        Map::create(&MapSpec {
            map_type: MapType::Array,
            key_size: 4,
            value_size: size_of::<V>() as u32,
            max_entries: len,
            name: name.into(),
        })?
        .try_into()
    }

    /// Entries (the map's `max_entries`).
    pub fn len(&self) -> u32 {
        self.map.max_entries()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at `index` ([`Error::OutOfBounds`] past the end).
    pub fn get(&self, index: u32) -> Result<V, Error> {
        check_index(&self.map, index)?;
        let value = self.map.lookup(&index.to_le_bytes())?;
        value.map(|v| from_bytes(&v)).ok_or_else(missing)
    }

    pub fn set(&self, index: u32, value: impl Borrow<V>, flags: u64) -> Result<(), Error> {
        check_index(&self.map, index)?;
        self.map
            .update(&index.to_le_bytes(), bytes_of(value.borrow()), flags)
    }

    /// Every `(index, value)`, fetched in batches.
    pub fn iter(&self) -> impl Iterator<Item = Result<(u32, V), Error>> {
        self.map
            .iter()
            .map(|e| e.map(|(k, v)| (from_bytes(&k), from_bytes(&v))))
    }

    /// The untyped map.
    pub fn map(&self) -> &Map {
        &self.map
    }
}

/// An index the kernel found no value for: as its own `ENOENT` (it does not happen for an
/// index below `max_entries`, which the view checks first).
pub(crate) fn missing() -> Error {
    Error::Ioctl {
        ioctl: "KWASM_IOC_MAP_LOOKUP_ELEM",
        source: std::io::Error::from_raw_os_error(libc::ENOENT),
    }
}
