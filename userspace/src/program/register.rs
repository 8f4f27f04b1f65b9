//! Exported globals and registered names: what test programs share with programs loaded later
//! (`PROG_GET_GLOBAL`, `PROG_REGISTER`).

use super::Program;
use crate::ids::next_id;
use crate::sys::{attr_size, fd_arg, user_ptr};
use crate::{Device, Error};
use kwasm_hooks::attr::{GlobalGetAttr, ProgRegisterAttr, REGISTER_REMOVE};
use kwasm_hooks::ioctl::{
    KWASM_IOC_PROG_GET_GLOBAL, KWASM_IOC_PROG_GET_NEXT_ID, KWASM_IOC_PROG_REGISTER,
};
use std::os::fd::AsFd;

impl Program {
    /// An exported global: its value type (`VAL_*`) and bits.
    pub fn global(&self, name: &str) -> Result<(u8, u64), Error> {
        let mut attr = GlobalGetAttr {
            size: attr_size::<GlobalGetAttr>(),
            prog_fd: fd_arg(self.as_fd()),
            name: user_ptr(name.as_bytes()),
            name_len: name.len() as u32,
            ..Default::default()
        };
        self.dev.call(
            KWASM_IOC_PROG_GET_GLOBAL,
            "KWASM_IOC_PROG_GET_GLOBAL",
            &mut attr,
        )?;
        Ok((attr.valtype as u8, attr.value))
    }

    /// Makes this program's exported functions and globals importable as `name.*` by programs
    /// loaded later; the name keeps the program loaded until [`Device::unregister`].
    pub fn register(&self, name: &str) -> Result<(), Error> {
        register(&self.dev, fd_arg(self.as_fd()), name, 0)
    }
}

impl Device {
    /// Removes a name made with [`Program::register`].
    pub fn unregister(&self, name: &str) -> Result<(), Error> {
        register(self, 0, name, REGISTER_REMOVE)
    }

    /// The smallest program id above `after`, or `None` after the last one
    /// ([`Program::ids`] walks them all).
    pub fn next_prog_id(&self, after: u32) -> Result<Option<u32>, Error> {
        next_id(
            self,
            KWASM_IOC_PROG_GET_NEXT_ID,
            "KWASM_IOC_PROG_GET_NEXT_ID",
            after,
        )
    }
}

fn register(dev: &Device, prog_fd: u32, name: &str, flags: u32) -> Result<(), Error> {
    let mut attr = ProgRegisterAttr {
        size: attr_size::<ProgRegisterAttr>(),
        prog_fd,
        name: user_ptr(name.as_bytes()),
        name_len: name.len() as u32,
        flags,
    };
    dev.call(
        KWASM_IOC_PROG_REGISTER,
        "KWASM_IOC_PROG_REGISTER",
        &mut attr,
    )?;
    Ok(())
}
