//! Maps: the state hook programs share with each other, across CPUs and with userspace.
//!
//! Every map is preallocated at creation (no allocation on the hook path) and bounded
//! ([`limits`]). Programs declare the maps they use in a custom section ([`MAPS_SECTION`],
//! records of [`MapDecl`]); `PROG_LOAD` creates them or binds them to existing maps
//! ([`MapBind`]). A program names a map in host calls by [`map_id`] of its declared name.
//!
//! Per-CPU maps hold one value per possible CPU: userspace reads and writes all of them at once,
//! each padded to 8 bytes (`ncpus * round_up(value_size, 8)` bytes), as bpf(2) does.

use super::attr::Attr;

pub const MAP_TYPE_HASH: u32 = 1;
pub const MAP_TYPE_ARRAY: u32 = 2;
pub const MAP_TYPE_PERCPU_HASH: u32 = 3;
pub const MAP_TYPE_PERCPU_ARRAY: u32 = 4;
/// A hash map that evicts its least recently used entry instead of refusing a new one.
pub const MAP_TYPE_LRU_HASH: u32 = 5;
/// Records from programs to userspace (`super::ringbuf`); `max_entries` is its size in bytes.
pub const MAP_TYPE_RINGBUF: u32 = 6;
pub const MAP_TYPE_COUNT: u32 = 7;

/// The name of a map type for tools ("unknown" for others).
pub const fn map_type_name(map_type: u32) -> &'static str {
    match map_type {
        MAP_TYPE_HASH => "hash",
        MAP_TYPE_ARRAY => "array",
        MAP_TYPE_PERCPU_HASH => "percpu_hash",
        MAP_TYPE_PERCPU_ARRAY => "percpu_array",
        MAP_TYPE_LRU_HASH => "lru_hash",
        MAP_TYPE_RINGBUF => "ringbuf",
        _ => "unknown",
    }
}

/// Whether a map type keeps one value per CPU.
pub const fn is_percpu(map_type: u32) -> bool {
    matches!(map_type, MAP_TYPE_PERCPU_HASH | MAP_TYPE_PERCPU_ARRAY)
}

/// Update flags, as bpf(2): create or replace, create only, replace only.
pub const MAP_UPDATE_ANY: u64 = 0;
pub const MAP_UPDATE_NOEXIST: u64 = 1;
pub const MAP_UPDATE_EXIST: u64 = 2;

/// Size bounds of a map (`EINVAL` or `E2BIG` beyond them).
pub mod limits {
    /// Bytes of a key; array keys are 4 bytes (a `u32` index).
    pub const KEY_SIZE_MAX: u32 = 256;
    /// Bytes of a value (of one CPU's value for per-CPU maps).
    pub const VALUE_SIZE_MAX: u32 = 4096;
    /// Entries of a hash or array map.
    pub const MAX_ENTRIES_MAX: u32 = 1 << 20;
    /// Bytes one map may hold in all (entries, values of every CPU, bookkeeping).
    pub const MAP_BYTES_MAX: u64 = 256 << 20;
    /// Bytes of a ring buffer's data area: a power of two, from one page.
    pub const RINGBUF_SIZE_MIN: u32 = 4096;
    pub const RINGBUF_SIZE_MAX: u32 = 64 << 20;
    /// Maps one program may use.
    pub const PROG_MAPS_MAX: u32 = 64;
    /// Maps alive at once in the module.
    pub const MAPS_MAX: u32 = 4096;
}

/// Length of map names, NUL-padded (as `BPF_OBJ_NAME_LEN`).
pub const MAP_NAME_LEN: usize = 16;

/// The custom section that declares a program's maps: a sequence of [`MapDecl`] records.
pub const MAPS_SECTION: &str = "kwasm.maps";

/// One map a program declares (48 bytes, little-endian, in [`MAPS_SECTION`]).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MapDecl {
    /// Unique among the program's maps (and their [`map_id`]s).
    pub name: [u8; MAP_NAME_LEN],
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    /// Must be zero.
    pub flags: u32,
    pub _reserved: [u32; 3],
}

pub const MAP_DECL_SIZE: usize = 48;
const _: () = assert!(core::mem::size_of::<MapDecl>() == MAP_DECL_SIZE);

impl MapDecl {
    /// The record's bytes in the custom section.
    pub const fn to_bytes(&self) -> [u8; MAP_DECL_SIZE] {
        let mut b = [0u8; MAP_DECL_SIZE];
        let mut k = 0;
        while k < MAP_NAME_LEN {
            b[k] = self.name[k];
            k += 1;
        }
        let words = [
            self.map_type,
            self.key_size,
            self.value_size,
            self.max_entries,
            self.flags,
        ];
        let mut w = 0;
        while w < words.len() {
            let bytes = words[w].to_le_bytes();
            let mut i = 0;
            while i < 4 {
                b[MAP_NAME_LEN + 4 * w + i] = bytes[i];
                i += 1;
            }
            w += 1;
        }
        b
    }

    /// Parses one record; `None` if reserved bytes are not zero.
    pub fn from_bytes(b: &[u8; MAP_DECL_SIZE]) -> Option<MapDecl> {
        let w = |k: usize| {
            let o = MAP_NAME_LEN + 4 * k;
            u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
        };
        if (5..8).any(|k| w(k) != 0) {
            return None;
        }
        let mut name = [0u8; MAP_NAME_LEN];
        name.copy_from_slice(&b[..MAP_NAME_LEN]);
        Some(MapDecl {
            name,
            map_type: w(0),
            key_size: w(1),
            value_size: w(2),
            max_entries: w(3),
            flags: w(4),
            _reserved: [0; 3],
        })
    }

    /// The name up to its first NUL.
    pub fn name(&self) -> &[u8] {
        name_bytes(&self.name)
    }
}

/// A NUL-padded name up to its first NUL.
pub fn name_bytes(name: &[u8]) -> &[u8] {
    &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())]
}

/// A name NUL-padded into a fixed array (cut at `MAP_NAME_LEN`), usable in constants.
pub const fn padded_name(name: &str) -> [u8; MAP_NAME_LEN] {
    let bytes = name.as_bytes();
    let mut out = [0u8; MAP_NAME_LEN];
    let mut k = 0;
    while k < bytes.len() && k < MAP_NAME_LEN {
        out[k] = bytes[k];
        k += 1;
    }
    out
}

/// How a program names a map in host calls: FNV-1a (32-bit) of its declared name (up to the
/// first NUL). The kernel refuses a program two of whose maps have the same id.
pub const fn map_id(name: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut k = 0;
    while k < name.len() && name[k] != 0 {
        h ^= name[k] as u32;
        h = h.wrapping_mul(0x0100_0193);
        k += 1;
    }
    h
}

/// Binds a declared map to an existing map (`ProgLoadAttr::map_binds`): the program uses that
/// map instead of creating one; its type and sizes must match the declaration.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MapBind {
    pub name: [u8; MAP_NAME_LEN],
    pub map_fd: u32,
    pub _reserved: u32,
}

/// Argument of `KWASM_IOC_MAP_CREATE`; returns a map fd.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct MapCreateAttr {
    pub size: u32,
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    /// Must be zero.
    pub flags: u32,
    pub name: [u8; MAP_NAME_LEN],
}

// SAFETY: repr(C), integer fields and a byte array, no padding, starts with `size: u32`.
unsafe impl Attr for MapCreateAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<MapCreateAttr>() as u32;
}

/// Argument of `MAP_LOOKUP_ELEM`, `MAP_UPDATE_ELEM`, `MAP_DELETE_ELEM` and `MAP_GET_NEXT_KEY`.
/// `key` and `value` are user pointers of `key_size` and value-size bytes. For
/// `MAP_GET_NEXT_KEY`, `key` is the key to start after (0: from the first) and the next key is
/// written to `value` (a buffer of `key_size` bytes); `ENOENT` after the last.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct MapElemAttr {
    pub size: u32,
    pub map_fd: u32,
    pub key: u64,
    pub value: u64,
    /// `MAP_UPDATE_*` for updates; zero otherwise.
    pub flags: u64,
}

// SAFETY: repr(C), integer fields only, no padding, starts with `size: u32`.
unsafe impl Attr for MapElemAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<MapElemAttr>() as u32;
}

/// Argument of `MAP_LOOKUP_BATCH`: copies up to `count` entries (keys to `keys`, values to
/// `values`) starting after the key at `in_batch` (0: from the first), writes the last key
/// copied to `out_batch` and the number copied to `count`. `ENOENT` when the end was reached
/// (with `count` set, possibly 0): as bpf(2)'s `BPF_MAP_LOOKUP_BATCH`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct MapBatchAttr {
    pub size: u32,
    pub map_fd: u32,
    pub in_batch: u64,
    pub out_batch: u64,
    pub keys: u64,
    pub values: u64,
    /// In: room in `keys` / `values` (entries); out: entries copied.
    pub count: u32,
    /// Must be zero.
    pub flags: u32,
}

// SAFETY: repr(C), integer fields only, no padding, starts with `size: u32`.
unsafe impl Attr for MapBatchAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<MapBatchAttr>() as u32;
}

/// Most entries one `MAP_LOOKUP_BATCH` copies.
pub const BATCH_MAX: u32 = 4096;

/// Argument of `KWASM_IOC_MAP_GET_INFO`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct MapInfoAttr {
    pub size: u32,
    pub map_fd: u32,
    /// Out from here on.
    pub id: u32,
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub flags: u32,
    pub name: [u8; MAP_NAME_LEN],
    /// Values per key (possible CPUs for per-CPU maps, else 1).
    pub ncpus: u32,
    /// Entries now (hash maps), `max_entries` for arrays, 0 for ring buffers.
    pub entries: u32,
    /// Kernel memory the map holds.
    pub bytes: u64,
    /// Ring buffers: records dropped because the buffer was full.
    pub dropped: u64,
}

// SAFETY: repr(C), integer fields and a byte array, no padding, starts with `size: u32`.
unsafe impl Attr for MapInfoAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<MapInfoAttr>() as u32;
}

const _: () = {
    assert!(core::mem::size_of::<MapCreateAttr>() == 40);
    assert!(core::mem::size_of::<MapElemAttr>() == 32);
    assert!(core::mem::size_of::<MapBatchAttr>() == 48);
    assert!(core::mem::size_of::<MapInfoAttr>() == 72);
    assert!(core::mem::size_of::<MapBind>() == 24);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decl_bytes_round_trip() {
        let d = MapDecl {
            name: padded_name("drops"),
            map_type: MAP_TYPE_HASH,
            key_size: 4,
            value_size: 8,
            max_entries: 1024,
            flags: 0,
            _reserved: [0; 3],
        };
        assert_eq!(MapDecl::from_bytes(&d.to_bytes()), Some(d));
        assert_eq!(d.name(), b"drops");
        let mut bad = d.to_bytes();
        bad[40] = 1;
        assert_eq!(MapDecl::from_bytes(&bad), None);
    }

    #[test]
    fn map_ids_are_fnv1a_of_the_name() {
        // FNV-1a 32 of "a" is 0xe40c292c (the reference test vector).
        assert_eq!(map_id(b"a"), 0xe40c_292c);
        assert_eq!(map_id(b"drops\0\0\0"), map_id(b"drops"));
        assert_ne!(map_id(b"drops"), map_id(b"counts"));
    }
}
