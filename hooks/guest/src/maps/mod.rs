//! Typed maps, declared as statics with [`map!`](crate::map!).
//!
//! Each declaration does two things at compile time: it puts the map's `MapDecl` record
//! (`kwasm_hooks::map`) into the module's `kwasm.maps` custom section, where `PROG_LOAD` finds
//! it and creates (or binds) the map, and it gives the handle the map's id (`map_id` of its
//! name), which is all the host calls need. The name is the static's identifier (at most 16
//! bytes: a longer one does not compile); userspace finds the map by that name.
//!
//! | type | key | value | notes |
//! |---|---|---|---|
//! | [`HashMap<K, V>`] | `K: Pod` | `V: Pod` | `insert` fails with `Error::Full` when full |
//! | [`LruHashMap<K, V>`] | `K: Pod` | `V: Pod` | evicts the least recently used entry |
//! | [`PerCpuHashMap<K, V>`] | `K: Pod` | `V: Pod` | one value per CPU; the guest sees its CPU's |
//! | [`Array<V>`] | `u32` index | `V: Pod` | zero-initialised, `max_entries` fixed entries |
//! | [`PerCpuArray<V>`] | `u32` index | `V: Pod` | one value per CPU |
//! | [`RingBuf`] | — | records | size in bytes: a power of two, at least 4096 |
//!
//! Sizes are checked when the static is initialised, i.e. at compile time: an out-of-range
//! `max_entries`, key or value size does not build.

mod array;
mod hash;
mod ringbuf;

pub use array::{Array, ArrayBase, PerCpuArray};
pub use hash::{HashMap, HashMapBase, LruHashMap, PerCpuHashMap};
pub use ringbuf::RingBuf;

use kwasm_hooks::map::{self as abi, MapDecl};

/// `insert_with_flags` flags, as bpf(2): create or replace, create only, replace only.
pub use kwasm_hooks::map::{
    MAP_UPDATE_ANY as ANY, MAP_UPDATE_EXIST as EXIST, MAP_UPDATE_NOEXIST as NOEXIST,
};

/// The `map_add` offset of a u64 counter at byte `offset` of a `value_size`-byte value: 8-aligned
/// and inside it, else [`Error::Invalid`] (checked here too, so a wrong `offset_of!` fails the
/// same way on every platform).
pub(crate) fn counter_offset(offset: usize, value_size: usize) -> Result<u32, crate::Error> {
    match offset.checked_add(8) {
        Some(end) if offset % 8 == 0 && end <= value_size => Ok(offset as u32),
        _ => Err(crate::Error::Invalid),
    }
}

/// What every map handle carries: its id in host calls and its declaration.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Def {
    pub id: u32,
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
}

impl Def {
    /// A map not yet named (`map!` names it).
    pub(crate) const fn new(map_type: u32, key_size: usize, value_size: usize, max: u32) -> Def {
        Def {
            id: 0,
            map_type,
            key_size: key_size as u32,
            value_size: value_size as u32,
            max_entries: max,
        }
    }

    /// Checks a hash or array declaration against `kwasm_hooks::map::limits`. In a static's
    /// initialiser a failed assertion is a compile error.
    pub(crate) const fn checked(self) -> Def {
        use abi::limits::*;
        assert!(
            self.key_size >= 1 && self.key_size <= KEY_SIZE_MAX,
            "map key size out of range"
        );
        assert!(
            self.value_size >= 1 && self.value_size <= VALUE_SIZE_MAX,
            "map value size out of range"
        );
        assert!(
            self.max_entries >= 1 && self.max_entries <= MAX_ENTRIES_MAX,
            "map max_entries out of range"
        );
        self
    }

    pub(crate) const fn named(mut self, name: &str) -> Def {
        assert!(
            !name.is_empty() && name.len() <= abi::MAP_NAME_LEN,
            "map names are 1 to 16 bytes"
        );
        self.id = abi::map_id(name.as_bytes());
        self
    }

    pub(crate) const fn decl(&self, name: &str) -> [u8; abi::MAP_DECL_SIZE] {
        MapDecl {
            name: abi::padded_name(name),
            map_type: self.map_type,
            key_size: self.key_size,
            value_size: self.value_size,
            max_entries: self.max_entries,
            flags: 0,
            _reserved: [0; 3],
        }
        .to_bytes()
    }
}

/// Declares maps as statics and records them in the `kwasm.maps` section (see the module
/// docs). Each line is `static NAME: Type = Type::constructor(...);`, with optional
/// attributes and visibility:
///
/// ```
/// use kwasm_guest::maps::{Array, HashMap, RingBuf};
///
/// kwasm_guest::map! {
///     /// Drops per source port.
///     static DROPS: HashMap<u16, u64> = HashMap::with_max_entries(1024);
///     pub static CONFIG: Array<u32> = Array::with_max_entries(1);
///     static EVENTS: RingBuf = RingBuf::with_byte_size(64 * 1024);
/// }
/// ```
///
/// Names longer than 16 bytes, and sizes outside `kwasm_hooks::map::limits`, do not compile:
///
/// ```compile_fail
/// use kwasm_guest::maps::HashMap;
/// kwasm_guest::map! {
///     static SEVENTEEN_BYTES_X: HashMap<u32, u64> = HashMap::with_max_entries(1);
/// }
/// ```
///
/// ```compile_fail
/// use kwasm_guest::maps::RingBuf;
/// kwasm_guest::map! {
///     static EVENTS: RingBuf = RingBuf::with_byte_size(5000); // not a power of two
/// }
/// ```
///
/// The section record is a `#[used]` static of `MapDecl::to_bytes()` with
/// `#[link_section = "kwasm.maps"]`: wasm-ld concatenates such statics into one custom section.
#[macro_export]
macro_rules! map {
    ($(
        $(#[$attr:meta])*
        $vis:vis static $name:ident : $ty:ty = $init:expr;
    )+) => {$(
        $(#[$attr])*
        $vis static $name: $ty = <$ty>::__named($init, ::core::stringify!($name));

        const _: () = {
            #[link_section = "kwasm.maps"]
            #[used]
            static DECL: [u8; $crate::__private::MAP_DECL_SIZE] =
                <$ty>::__decl(&$init, ::core::stringify!($name));
        };
    )+};
}

#[cfg(test)]
mod tests {
    use super::*;
    use kwasm_hooks::map::{map_id, MAP_TYPE_LRU_HASH, MAP_TYPE_PERCPU_ARRAY, MAP_TYPE_RINGBUF};

    crate::map! {
        static FLOWS: LruHashMap<[u8; 40], u64> = LruHashMap::with_max_entries(4096);
        static COUNTS: PerCpuArray<u64> = PerCpuArray::with_max_entries(256);
        pub(crate) static EVENTS: RingBuf = RingBuf::with_byte_size(8192);
        static SIXTEEN_BYTES_XX: Array<u8> = Array::with_max_entries(1);
    }

    #[test]
    fn handles_carry_the_id_of_their_name() {
        assert_eq!(FLOWS.def().id, map_id(b"FLOWS"));
        assert_eq!(COUNTS.def().id, map_id(b"COUNTS"));
        assert_eq!(EVENTS.def().id, map_id(b"EVENTS"));
        assert_eq!(SIXTEEN_BYTES_XX.def().id, map_id(b"SIXTEEN_BYTES_XX"));
    }

    #[test]
    fn declarations_match_the_types() {
        let d = |b: [u8; 48]| MapDecl::from_bytes(&b).unwrap();
        let flows = d(LruHashMap::<[u8; 40], u64>::__decl(
            &LruHashMap::with_max_entries(4096),
            "FLOWS",
        ));
        assert_eq!(flows.name(), b"FLOWS");
        assert_eq!(
            (
                flows.map_type,
                flows.key_size,
                flows.value_size,
                flows.max_entries
            ),
            (MAP_TYPE_LRU_HASH, 40, 8, 4096)
        );
        let counts = d(PerCpuArray::<u64>::__decl(
            &PerCpuArray::with_max_entries(256),
            "COUNTS",
        ));
        assert_eq!(
            (counts.map_type, counts.key_size, counts.value_size),
            (MAP_TYPE_PERCPU_ARRAY, 4, 8)
        );
        let events = d(RingBuf::__decl(&RingBuf::with_byte_size(8192), "EVENTS"));
        assert_eq!(
            (events.map_type, events.key_size, events.max_entries),
            (MAP_TYPE_RINGBUF, 0, 8192)
        );
    }

    #[test]
    fn counter_offsets_are_aligned_and_inside() {
        assert_eq!(counter_offset(0, 8), Ok(0));
        assert_eq!(counter_offset(8, 16), Ok(8));
        for (offset, size) in [(4, 16), (8, 8), (0, 4), (usize::MAX - 7, 8)] {
            assert_eq!(counter_offset(offset, size), Err(crate::Error::Invalid));
        }
    }

    #[test]
    fn calls_fail_cleanly_off_wasm() {
        assert_eq!(FLOWS.get(&[0; 40]), None);
        assert_eq!(COUNTS.add(3, 1), Err(crate::Error::Unsupported));
        assert_eq!(EVENTS.output(&1u64), Err(crate::Error::Unsupported));
    }
}
