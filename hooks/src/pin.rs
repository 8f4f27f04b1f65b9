//! Pinning: a program, map or link kept under a name so that it outlives the process that made
//! it (bpffs is the model; the names live in the module). A pin holds a reference to its object
//! and to the module: the module cannot be unloaded while anything is pinned.

use super::attr::Attr;

pub const OBJ_PROG: u32 = 1;
pub const OBJ_MAP: u32 = 2;
pub const OBJ_LINK: u32 = 3;

/// The name of an object kind for tools.
pub const fn obj_kind_name(kind: u32) -> &'static str {
    match kind {
        OBJ_PROG => "prog",
        OBJ_MAP => "map",
        OBJ_LINK => "link",
        _ => "unknown",
    }
}

/// Longest pin name; names are 1.. bytes of `[A-Za-z0-9._/-]`.
pub const PIN_NAME_MAX: u32 = 255;
/// Most pins at once.
pub const PINS_MAX: u32 = 4096;

/// Whether `name` may be a pin name.
pub fn valid_pin_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() <= PIN_NAME_MAX as usize
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-'))
}

/// Argument of `KWASM_IOC_OBJ_PIN` (pins `fd` under `name`; `EEXIST` if taken),
/// `KWASM_IOC_OBJ_GET` (returns a new fd of the object pinned under `name`; `fd` must be 0)
/// and `KWASM_IOC_OBJ_UNPIN` (`fd` must be 0).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct PinAttr {
    pub size: u32,
    pub fd: u32,
    /// User pointer to the name and its length.
    pub name: u64,
    pub name_len: u32,
    /// Must be zero.
    pub flags: u32,
}

// SAFETY: repr(C), integer fields only, no padding, starts with `size: u32`.
unsafe impl Attr for PinAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<PinAttr>() as u32;
}

/// Argument of `KWASM_IOC_PIN_GET_NEXT`: the pin whose name follows `name` (bytewise order;
/// `name_len` 0: the first). Its name goes to `next` (room: `next_size` bytes; out: its
/// length), with the object's kind and id. `ENOENT` after the last.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct PinNextAttr {
    pub size: u32,
    pub name_len: u32,
    pub name: u64,
    pub next: u64,
    pub next_size: u32,
    /// Out: `OBJ_*` and the object's id.
    pub kind: u32,
    pub id: u32,
    /// Must be zero.
    pub flags: u32,
}

// SAFETY: repr(C), integer fields only, no padding, starts with `size: u32`.
unsafe impl Attr for PinNextAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<PinNextAttr>() as u32;
}

const _: () = {
    assert!(core::mem::size_of::<PinAttr>() == 24);
    assert!(core::mem::size_of::<PinNextAttr>() == 40);
};
