//! Walking the ids of programs, maps or links (`*_GET_NEXT_ID`, as bpf(2)).

use crate::sys::attr_size;
use crate::{Device, Error};
use kwasm_hooks::attr::IdAttr;
use std::sync::Arc;

/// The ids of one kind of object, in increasing order; from [`crate::Program::ids`],
/// [`crate::Map::ids`] or [`crate::Link::ids`]. An object can go away between its id being
/// listed and being opened: opening it then fails with `ENOENT`.
#[derive(Debug)]
pub struct Ids {
    cmd: u32,
    name: &'static str,
    dev: Option<Arc<Device>>,
    after: u32,
    done: bool,
}

impl Ids {
    pub(crate) fn new(cmd: u32, name: &'static str) -> Ids {
        Ids {
            cmd,
            name,
            dev: None,
            after: 0,
            done: false,
        }
    }

    /// The same walk through a given device.
    pub fn on(mut self, dev: Arc<Device>) -> Ids {
        self.dev = Some(dev);
        self
    }

    fn next_id(&mut self) -> Result<Option<u32>, Error> {
        let dev = match &self.dev {
            Some(dev) => dev.clone(),
            None => self.dev.insert(Device::shared()?).clone(),
        };
        next_id(&dev, self.cmd, self.name, self.after)
    }
}

impl Iterator for Ids {
    type Item = Result<u32, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.next_id();
        match next {
            Ok(Some(id)) => {
                self.after = id;
                Some(Ok(id))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                // An error does not go away by asking again.
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// The smallest id above `after`, or `None` after the last.
pub(crate) fn next_id(
    dev: &Device,
    cmd: u32,
    name: &'static str,
    after: u32,
) -> Result<Option<u32>, Error> {
    let mut attr = IdAttr {
        size: attr_size::<IdAttr>(),
        id: after,
        ..Default::default()
    };
    match dev.call(cmd, name, &mut attr) {
        Ok(_) => Ok(Some(attr.next_id)),
        Err(e) if e.errno() == Some(libc::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}
