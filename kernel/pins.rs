// SPDX-License-Identifier: GPL-2.0

//! Pins: programs, maps and links kept under a name so that they outlive the process that made
//! them (bpffs is the model; the names live in the module, in a red-black tree). A pin holds a
//! counted reference to its object and a reference to this module, so the module cannot be
//! unloaded while anything is pinned. References a pin lets go of are dropped after the lock.

use crate::bytes_key::BytesKey;
use crate::hook_link::{self, LinkRef};
use crate::hooks::pin::{valid_pin_name, PinAttr, PinNextAttr, OBJ_LINK, OBJ_MAP, OBJ_PROG, PINS_MAX, PIN_NAME_MAX};
use crate::ioctl::{read_attr, write_attr};
use crate::maps::{self, MapRef};
use crate::registry::{ProgRef, Registry};
use crate::KwasmState;
use core::ffi::c_long;
use core::sync::atomic::Ordering;
use kernel::prelude::*;
use kernel::rbtree::{RBTree, RBTreeNode};
use kernel::uaccess::UserSlice;

/// A pinned object.
pub(crate) enum Pinned {
    Prog(ProgRef),
    Map(MapRef),
    Link(LinkRef),
}

impl Pinned {
    fn kind(&self) -> u32 {
        match self {
            Pinned::Prog(_) => OBJ_PROG,
            Pinned::Map(_) => OBJ_MAP,
            Pinned::Link(_) => OBJ_LINK,
        }
    }

    fn id(&self) -> u32 {
        match self {
            Pinned::Prog(p) => p.id.load(Ordering::Relaxed),
            Pinned::Map(m) => m.id(),
            Pinned::Link(l) => l.id(),
        }
    }

    /// The object behind `fd`, whatever its kind (`EBADF` if none).
    fn from_fd(fd: u32) -> Result<Pinned> {
        if let Ok(p) = Registry::from_fd(fd) {
            return Ok(Pinned::Prog(p));
        }
        if let Ok(m) = maps::from_fd(fd) {
            return Ok(Pinned::Map(m));
        }
        hook_link::from_fd(fd).map(Pinned::Link)
    }

    /// A new fd of the same object (a new counted reference).
    fn open(&self) -> Result<i32> {
        match self {
            Pinned::Prog(p) => Registry::into_fd(Registry::another(p)),
            Pinned::Map(m) => maps::into_fd(m.another()),
            Pinned::Link(l) => hook_link::into_fd(l.another()),
        }
    }
}

/// A pin also pins this module: released with it.
struct Pin {
    obj: Pinned,
}

impl Pin {
    fn new(obj: Pinned) -> Result<Pin> {
        // SAFETY: takes a reference to this module, released in `Drop`.
        if !unsafe { crate::ffi::kwasm_module_get() } {
            return Err(ENODEV);
        }
        Ok(Pin { obj })
    }
}

impl Drop for Pin {
    fn drop(&mut self) {
        // SAFETY: taken in `new`. The module cannot be freed under us: our caller runs in an
        // ioctl of the module's device (or holds a file of it), which holds the module too.
        unsafe { crate::ffi::kwasm_module_put() };
    }
}

pub(crate) struct Pins {
    names: RBTree<BytesKey, Pin>,
    count: usize,
}

impl Pins {
    pub(crate) fn new() -> Self {
        Pins { names: RBTree::new(), count: 0 }
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }
}

fn read_name(ptr: u64, len: u32) -> Result<KVec<u8>> {
    if len == 0 || len > PIN_NAME_MAX {
        return Err(EINVAL);
    }
    let mut name = KVec::from_elem(0u8, len as usize, GFP_KERNEL_ACCOUNT)?;
    UserSlice::new(ptr as usize, name.len()).reader().read_slice(&mut name)?;
    if !valid_pin_name(&name) {
        return Err(EINVAL);
    }
    Ok(name)
}

pub(crate) fn obj_pin(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<PinAttr>(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    let name = read_name(attr.name, attr.name_len)?;
    let node = RBTreeNode::new(BytesKey::new(&[&name])?, Pin::new(Pinned::from_fd(attr.fd)?)?, GFP_KERNEL_ACCOUNT)?;
    let probe = BytesKey::new(&[&name])?;
    let mut pins = state.pins.lock();
    if pins.names.get(&probe).is_some() {
        drop(pins);
        drop(node);
        return Err(EEXIST);
    }
    if pins.count >= PINS_MAX as usize {
        drop(pins);
        drop(node);
        return Err(ENOSPC);
    }
    pins.names.insert(node);
    pins.count += 1;
    Ok(0)
}

pub(crate) fn obj_get(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<PinAttr>(arg)?;
    if attr.flags != 0 || attr.fd != 0 {
        return Err(EINVAL);
    }
    let probe = BytesKey::new(&[&read_name(attr.name, attr.name_len)?])?;
    let obj = {
        let pins = state.pins.lock();
        let pin = pins.names.get(&probe).ok_or(ENOENT)?;
        // A new counted reference, taken under the pins lock so the pin cannot go meanwhile.
        match &pin.obj {
            Pinned::Prog(p) => Pinned::Prog(Registry::another(p)),
            Pinned::Map(m) => Pinned::Map(m.another()),
            Pinned::Link(l) => Pinned::Link(l.another()),
        }
    };
    if let Pinned::Link(l) = &obj {
        l.caller_may_hold()?;
    }
    let fd = obj.open();
    drop(obj);
    Ok(fd? as c_long)
}

pub(crate) fn obj_unpin(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<PinAttr>(arg)?;
    if attr.flags != 0 || attr.fd != 0 {
        return Err(EINVAL);
    }
    let probe = BytesKey::new(&[&read_name(attr.name, attr.name_len)?])?;
    // A link's pin may be the last reference keeping it attached: unpinning it needs what
    // detaching needs. Checked outside the pins lock (it takes the link's mutex).
    let link = match &state.pins.lock().names.get(&probe).ok_or(ENOENT)?.obj {
        Pinned::Link(l) => Some(l.another()),
        _ => None,
    };
    if let Some(l) = &link {
        l.caller_may_hold()?;
    }
    let gone = {
        let mut pins = state.pins.lock();
        let pin = pins.names.get(&probe).ok_or(ENOENT)?;
        // Pinned again meanwhile, as another object: check that one (EAGAIN).
        let same = match (&pin.obj, &link) {
            (Pinned::Link(now), Some(was)) => now.is(was),
            (Pinned::Link(_), None) => false,
            (_, was) => was.is_none(),
        };
        if !same {
            return Err(EAGAIN);
        }
        let gone = pins.names.remove(&probe).ok_or(ENOENT)?;
        pins.count -= 1;
        gone
    };
    drop((gone, link));
    Ok(0)
}

pub(crate) fn pin_get_next(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (mut attr, size) = read_attr::<PinNextAttr>(arg)?;
    if attr.flags != 0 || attr.name_len > PIN_NAME_MAX {
        return Err(EINVAL);
    }
    let mut after = KVec::from_elem(0u8, attr.name_len as usize, GFP_KERNEL_ACCOUNT)?;
    UserSlice::new(attr.name as usize, after.len()).reader().read_slice(&mut after)?;
    let mut next = KVec::new();
    {
        let pins = state.pins.lock();
        let (key, pin) = pins.names.iter().find(|(k, _)| k.as_bytes() > &after[..]).ok_or(ENOENT)?;
        next.extend_from_slice(key.as_bytes(), GFP_KERNEL_ACCOUNT)?;
        attr.kind = pin.obj.kind();
        attr.id = pin.obj.id();
    }
    if next.len() > attr.next_size as usize {
        return Err(ENOSPC);
    }
    UserSlice::new(attr.next as usize, next.len()).writer().write_slice(&next)?;
    attr.next_size = next.len() as u32;
    write_attr(arg, &attr, size)?;
    Ok(0)
}
