//! What a map is: its type, sizes and name ([`MapInfo`] from the kernel, [`MapSpec`] to create
//! one).

use kwasm_hooks::map::*;
use serde::Serialize;

/// A map's kind (`kwasm_hooks::map::MAP_TYPE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MapType {
    Hash,
    Array,
    PerCpuHash,
    PerCpuArray,
    /// A hash map that evicts its least recently used entry when full.
    LruHash,
    RingBuf,
    /// A raw type number the library does not know (for tests of the kernel's checks).
    Other(u32),
}

impl MapType {
    pub fn raw(self) -> u32 {
        match self {
            MapType::Hash => MAP_TYPE_HASH,
            MapType::Array => MAP_TYPE_ARRAY,
            MapType::PerCpuHash => MAP_TYPE_PERCPU_HASH,
            MapType::PerCpuArray => MAP_TYPE_PERCPU_ARRAY,
            MapType::LruHash => MAP_TYPE_LRU_HASH,
            MapType::RingBuf => MAP_TYPE_RINGBUF,
            MapType::Other(t) => t,
        }
    }

    pub fn from_raw(raw: u32) -> MapType {
        match raw {
            MAP_TYPE_HASH => MapType::Hash,
            MAP_TYPE_ARRAY => MapType::Array,
            MAP_TYPE_PERCPU_HASH => MapType::PerCpuHash,
            MAP_TYPE_PERCPU_ARRAY => MapType::PerCpuArray,
            MAP_TYPE_LRU_HASH => MapType::LruHash,
            MAP_TYPE_RINGBUF => MapType::RingBuf,
            t => MapType::Other(t),
        }
    }

    /// "hash", "array", "percpu_hash", ... as tools print it.
    pub fn name(self) -> &'static str {
        map_type_name(self.raw())
    }

    /// Whether it keeps one value per CPU.
    pub fn is_percpu(self) -> bool {
        is_percpu(self.raw())
    }
}

impl Serialize for MapType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// What `KWASM_IOC_MAP_GET_INFO` reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MapInfo {
    pub id: u32,
    #[serde(rename = "type")]
    pub map_type: MapType,
    pub key_size: u32,
    /// Bytes of one value (of one CPU's value for per-CPU maps).
    pub value_size: u32,
    /// Entries (hash, array) or bytes of the data area (ring buffer).
    pub max_entries: u32,
    pub flags: u32,
    pub name: String,
    /// Values per key: possible CPUs for per-CPU maps, else 1.
    pub ncpus: u32,
    /// Entries now (hash maps), `max_entries` for arrays, 0 for ring buffers.
    pub entries: u32,
    /// Kernel memory the map holds.
    pub bytes: u64,
    /// Ring buffers: records dropped because the buffer was full.
    pub dropped: u64,
}

impl MapInfo {
    pub(crate) fn from_attr(attr: &MapInfoAttr) -> MapInfo {
        MapInfo {
            id: attr.id,
            map_type: MapType::from_raw(attr.map_type),
            key_size: attr.key_size,
            value_size: attr.value_size,
            max_entries: attr.max_entries,
            flags: attr.flags,
            name: String::from_utf8_lossy(name_bytes(&attr.name)).into_owned(),
            ncpus: attr.ncpus,
            entries: attr.entries,
            bytes: attr.bytes,
            dropped: attr.dropped,
        }
    }

    /// Bytes of a value as userspace reads and writes it: for per-CPU maps every CPU's value,
    /// each padded to 8 bytes ([`crate::maps::percpu`]).
    pub fn value_len(&self) -> usize {
        if self.map_type.is_percpu() {
            super::percpu::len(self.value_size as usize, self.ncpus as usize)
        } else {
            self.value_size as usize
        }
    }
}

/// A map to create with [`crate::Map::create`].
///
/// ```no_run
/// use kwasm::maps::{Map, MapSpec, MapType};
/// let map = Map::create(&MapSpec {
///     map_type: MapType::Hash,
///     key_size: 4,
///     value_size: 8,
///     max_entries: 1024,
///     name: "counts".into(),
/// })?;
/// # Ok::<(), kwasm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapSpec {
    pub map_type: MapType,
    pub key_size: u32,
    pub value_size: u32,
    /// Entries, or the data area's bytes for a ring buffer (a power of two, at least a page).
    pub max_entries: u32,
    /// Cut at 16 bytes.
    pub name: String,
}

impl MapSpec {
    pub(crate) fn to_attr(&self) -> MapCreateAttr {
        MapCreateAttr {
            size: crate::sys::attr_size::<MapCreateAttr>(),
            map_type: self.map_type.raw(),
            key_size: self.key_size,
            value_size: self.value_size,
            max_entries: self.max_entries,
            flags: 0,
            name: padded_name(&self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_and_percpu_value_len() {
        let mut attr = MapInfoAttr {
            id: 3,
            map_type: MAP_TYPE_PERCPU_ARRAY,
            key_size: 4,
            value_size: 12,
            max_entries: 8,
            ncpus: 4,
            entries: 8,
            ..Default::default()
        };
        attr.name[..6].copy_from_slice(b"counts");
        let info = MapInfo::from_attr(&attr);
        assert_eq!(info.value_len(), 4 * 16);
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["type"], "percpu_array");
        assert_eq!(json["name"], "counts");
        assert_eq!(json["ncpus"], 4);
        assert_eq!(json["value_size"], 12);
        for t in 1..MAP_TYPE_COUNT + 1 {
            assert_eq!(MapType::from_raw(t).raw(), t);
        }
    }
}
