//! Pins: programs, maps and links kept under a name in the module, so that they outlive the
//! process that made them (bpffs is the model). Pin with `Program::pin`, `Map::pin` or
//! `Link::pin`; open with their `from_pin`; list and remove here.
//!
//! Checked only in the VM: everything here is one ioctl each.

use crate::sys::{attr_size, fd_arg, user_ptr, user_ptr_mut};
use crate::{Device, Error};
use kwasm_hooks::ioctl::{
    KWASM_IOC_OBJ_GET, KWASM_IOC_OBJ_PIN, KWASM_IOC_OBJ_UNPIN, KWASM_IOC_PIN_GET_NEXT,
};
use kwasm_hooks::pin::{
    obj_kind_name, PinAttr, PinNextAttr, OBJ_LINK, OBJ_MAP, OBJ_PROG, PIN_NAME_MAX,
};
use serde::Serialize;
use std::os::fd::{BorrowedFd, OwnedFd};

/// What a pin holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    Prog,
    Map,
    Link,
    #[serde(rename = "unknown")]
    Unknown,
}

impl ObjectKind {
    fn from_raw(kind: u32) -> ObjectKind {
        match kind {
            OBJ_PROG => ObjectKind::Prog,
            OBJ_MAP => ObjectKind::Map,
            OBJ_LINK => ObjectKind::Link,
            _ => ObjectKind::Unknown,
        }
    }

    fn raw(self) -> u32 {
        match self {
            ObjectKind::Prog => OBJ_PROG,
            ObjectKind::Map => OBJ_MAP,
            ObjectKind::Link => OBJ_LINK,
            ObjectKind::Unknown => 0,
        }
    }

    /// "prog", "map" or "link", as tools print it.
    pub fn name(self) -> &'static str {
        obj_kind_name(self.raw())
    }
}

/// One pin, as [`list`] reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PinInfo {
    pub name: String,
    pub kind: ObjectKind,
    /// The id of the pinned object.
    pub id: u32,
}

impl std::fmt::Display for PinInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} {}", self.name, self.kind.name(), self.id)
    }
}

fn name_attr(fd: u32, name: &str) -> PinAttr {
    PinAttr {
        size: attr_size::<PinAttr>(),
        fd,
        name: user_ptr(name.as_bytes()),
        name_len: name.len() as u32,
        flags: 0,
    }
}

/// `OBJ_PIN`: pins `fd` under `name` (`EEXIST` if taken).
pub(crate) fn pin(dev: &Device, fd: BorrowedFd<'_>, name: &str) -> Result<(), Error> {
    let mut attr = name_attr(fd_arg(fd), name);
    dev.call(KWASM_IOC_OBJ_PIN, "KWASM_IOC_OBJ_PIN", &mut attr)?;
    Ok(())
}

/// `OBJ_GET`: a new fd of the object pinned under `name`.
pub(crate) fn get(dev: &Device, name: &str) -> Result<OwnedFd, Error> {
    let mut attr = name_attr(0, name);
    dev.call_fd(KWASM_IOC_OBJ_GET, "KWASM_IOC_OBJ_GET", &mut attr)
}

/// Removes the pin `name`; the object goes once nothing else refers to it.
///
/// ```no_run
/// kwasm::pin::unpin("firewall/link")?;
/// # Ok::<(), kwasm::Error>(())
/// ```
pub fn unpin(name: &str) -> Result<(), Error> {
    let dev = Device::shared()?;
    let mut attr = name_attr(0, name);
    dev.call(KWASM_IOC_OBJ_UNPIN, "KWASM_IOC_OBJ_UNPIN", &mut attr)?;
    Ok(())
}

/// Every pin, in bytewise order of their names.
///
/// ```no_run
/// for pin in kwasm::pin::list()? {
///     println!("{pin}");
/// }
/// # Ok::<(), kwasm::Error>(())
/// ```
pub fn list() -> Result<Vec<PinInfo>, Error> {
    let dev = Device::shared()?;
    let mut pins: Vec<PinInfo> = Vec::new();
    while let Some(next) = next_pin(&dev, pins.last().map_or("", |p| p.name.as_str()))? {
        pins.push(next);
    }
    Ok(pins)
}

/// `PIN_GET_NEXT`: the pin after `after` ("": the first), or `None` after the last.
fn next_pin(dev: &Device, after: &str) -> Result<Option<PinInfo>, Error> {
    let mut next = vec![0u8; PIN_NAME_MAX as usize];
    let mut attr = PinNextAttr {
        size: attr_size::<PinNextAttr>(),
        name_len: after.len() as u32,
        name: user_ptr(after.as_bytes()),
        next: user_ptr_mut(&mut next),
        next_size: next.len() as u32,
        ..Default::default()
    };
    match dev.call(KWASM_IOC_PIN_GET_NEXT, "KWASM_IOC_PIN_GET_NEXT", &mut attr) {
        Ok(_) => {}
        Err(e) if e.errno() == Some(libc::ENOENT) => return Ok(None),
        Err(e) => return Err(e),
    }
    next.truncate((attr.next_size as usize).min(next.len()));
    Ok(Some(PinInfo {
        name: String::from_utf8_lossy(&next).into_owned(),
        kind: ObjectKind::from_raw(attr.kind),
        id: attr.id,
    }))
}
