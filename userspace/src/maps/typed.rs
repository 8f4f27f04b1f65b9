//! What every typed view checks when it is made: the map's type, and that its key and value
//! sizes are those of the Rust types (an error, not a panic, when they differ).

use super::{Map, MapType};
use crate::Error;

/// Checks `map` against a view of `types` with keys of `key` bytes and values of `value`
/// bytes (one CPU's value for per-CPU maps). `expected` names the types for the error.
pub(crate) fn check(
    map: &Map,
    types: &[MapType],
    expected: &'static str,
    key: usize,
    value: usize,
) -> Result<(), Error> {
    if !types.contains(&map.map_type()) {
        return Err(Error::MapType {
            map: map.name().into(),
            found: map.map_type().name(),
            expected,
        });
    }
    size(map, "key", map.key_size(), key)?;
    size(map, "value", map.value_size(), value)
}

fn size(map: &Map, what: &'static str, map_size: u32, type_size: usize) -> Result<(), Error> {
    if map_size as usize == type_size {
        Ok(())
    } else {
        Err(Error::MapSize {
            map: map.name().into(),
            what,
            map_size,
            type_size,
        })
    }
}

/// Checks that a view of an array-like map has an entry `index`.
pub(crate) fn check_index(map: &Map, index: u32) -> Result<(), Error> {
    if index < map.max_entries() {
        Ok(())
    } else {
        Err(Error::OutOfBounds {
            map: map.name().into(),
            index,
            len: map.max_entries(),
        })
    }
}

/// Checks that per-CPU values cover exactly the map's CPUs.
pub(crate) fn check_cpus(map: &Map, got: usize) -> Result<(), Error> {
    if got == map.ncpus() as usize {
        Ok(())
    } else {
        Err(Error::CpuCount {
            map: map.name().into(),
            got,
            expected: map.ncpus() as usize,
        })
    }
}
