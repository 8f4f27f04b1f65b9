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

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::Error;

    fn map(map_type: MapType, key_size: u32, value_size: u32, ncpus: u32) -> Map {
        Map::fake(MapInfo {
            id: 1,
            map_type,
            key_size,
            value_size,
            max_entries: 8,
            flags: 0,
            name: "m".into(),
            ncpus,
            entries: 0,
            bytes: 0,
            dropped: 0,
        })
    }

    #[test]
    fn views_check_the_type() {
        let err = HashMap::<u32, u64>::try_from(map(MapType::Array, 4, 8, 1)).unwrap_err();
        assert!(
            matches!(err, Error::MapType { found: "array", .. }),
            "{err}"
        );
        assert!(HashMap::<u32, u64>::try_from(map(MapType::LruHash, 4, 8, 1)).is_ok());
        assert!(Array::<u64>::try_from(map(MapType::PerCpuArray, 4, 8, 2)).is_err());
        assert!(PerCpuArray::<u64>::try_from(map(MapType::PerCpuArray, 4, 8, 2)).is_ok());
        assert!(PerCpuHashMap::<u32, u64>::try_from(map(MapType::Hash, 4, 8, 1)).is_err());
        assert!(RingBuf::try_from(map(MapType::Hash, 4, 8, 1)).is_err());
    }

    #[test]
    fn views_check_key_and_value_sizes() {
        let err = HashMap::<u64, u64>::try_from(map(MapType::Hash, 4, 8, 1)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::MapSize {
                    what: "key",
                    map_size: 4,
                    type_size: 8,
                    ..
                }
            ),
            "{err}"
        );
        let err = Array::<u32>::try_from(map(MapType::Array, 4, 8, 1)).unwrap_err();
        assert!(matches!(err, Error::MapSize { what: "value", .. }), "{err}");
        let err = PerCpuArray::<[u8; 12]>::try_from(map(MapType::PerCpuArray, 4, 8, 4));
        assert!(err.is_err());
    }

    #[test]
    fn bad_indexes_cpu_counts_and_buffers_fail_before_the_kernel() {
        let a = Array::<u64>::try_from(map(MapType::Array, 4, 8, 1)).unwrap();
        let err = a.get(8).unwrap_err();
        assert!(
            matches!(
                err,
                Error::OutOfBounds {
                    index: 8,
                    len: 8,
                    ..
                }
            ),
            "{err}"
        );
        let p = PerCpuArray::<u64>::try_from(map(MapType::PerCpuArray, 4, 8, 4)).unwrap();
        let err = p.set(0, &PerCpuValues::splat(0, 3), 0).unwrap_err();
        assert!(
            matches!(
                err,
                Error::CpuCount {
                    got: 3,
                    expected: 4,
                    ..
                }
            ),
            "{err}"
        );
        let raw = map(MapType::Hash, 4, 8, 1);
        let err = raw.lookup(&[0; 3]).unwrap_err();
        assert!(matches!(
            err,
            Error::BufferSize {
                what: "key",
                got: 3,
                expected: 4,
                ..
            }
        ));
        let err = raw.update(&[0; 4], &[0; 4], 0).unwrap_err();
        assert!(matches!(
            err,
            Error::BufferSize {
                what: "value",
                got: 4,
                expected: 8,
                ..
            }
        ));
        // Per-CPU values: every CPU's, each padded to 8.
        let pc = map(MapType::PerCpuHash, 4, 12, 3);
        assert_eq!(pc.value_len(), 48);
        assert!(pc.update(&[0; 4], &[0; 36], 0).is_err());
    }
}
