//! Host functions the kernel offers programs under module [`MODULE`] (beside `env`'s print,
//! time and random). Pointers are offsets into the program's linear memory; a span outside it
//! gives `-EFAULT`, never a trap. Results are 0 (or a count) or a negative errno, as bpf
//! helpers. Maps are named by `super::map::map_id` of their declared name; an id the program
//! did not declare gives `-EBADF`, a key or value of the wrong kind `-EINVAL`.

use super::artifact::{VAL_I32, VAL_I64};

pub const MODULE: &str = "kwasm";

/// A host function's name and signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostSig {
    pub name: &'static str,
    pub params: &'static [u8],
    pub results: &'static [u8],
    /// Only for these program types' hooks (`None`: every program type).
    pub hook_only: Option<u32>,
}

const I32: u8 = VAL_I32;
const I64: u8 = VAL_I64;

/// `map_lookup(map, key, value) -> i32`: copies the value of `key` to `value` (value-size
/// bytes; this CPU's value for per-CPU maps); `-ENOENT` if absent.
pub const MAP_LOOKUP: HostSig = HostSig {
    name: "map_lookup",
    params: &[I32, I32, I32],
    results: &[I32],
    hook_only: None,
};
/// `map_update(map, key, value, flags) -> i32`: `MAP_UPDATE_*` flags; `-E2BIG` when a hash
/// map is full, `-EEXIST` / `-ENOENT` as the flags ask.
pub const MAP_UPDATE: HostSig = HostSig {
    name: "map_update",
    params: &[I32, I32, I32, I32],
    results: &[I32],
    hook_only: None,
};
/// `map_delete(map, key) -> i32`.
pub const MAP_DELETE: HostSig = HostSig {
    name: "map_delete",
    params: &[I32, I32],
    results: &[I32],
    hook_only: None,
};
/// `map_add(map, key, offset, delta) -> i32`: adds `delta` to the u64 at byte `offset`
/// (8-aligned, inside the value) of `key`'s value, atomically with every other map operation;
/// a hash map creates a zeroed entry for a missing key first. This CPU's value for per-CPU maps.
pub const MAP_ADD: HostSig = HostSig {
    name: "map_add",
    params: &[I32, I32, I32, I64],
    results: &[I32],
    hook_only: None,
};
/// `ringbuf_output(map, data, len) -> i32`: one record; `-ENOSPC` (counted) when full.
pub const RINGBUF_OUTPUT: HostSig = HostSig {
    name: "ringbuf_output",
    params: &[I32, I32, I32],
    results: &[I32],
    hook_only: None,
};
/// `packet_load(offset, dst, len) -> i32`: copies packet bytes from `offset` (from the network
/// header) to `dst`; the number copied (short at the packet's end).
pub const PACKET_LOAD: HostSig = HostSig {
    name: "packet_load",
    params: &[I32, I32, I32],
    results: &[I32],
    hook_only: Some(super::prog_type::PROG_TYPE_NETFILTER),
};

pub const ALL: [HostSig; 6] = [
    MAP_LOOKUP,
    MAP_UPDATE,
    MAP_DELETE,
    MAP_ADD,
    RINGBUF_OUTPUT,
    PACKET_LOAD,
];
