//! Typed ioctls on `/dev/kwasm`: an attr struct in, a result or an [`Error::Ioctl`] naming the
//! command out. Everything else in the library goes through these.

use crate::{Device, Error};
use kwasm_hooks::attr::Attr;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// The full size of an attr as this library knows it. The module speaks exactly our ABI
/// version ([`Device::open`] checks), so it knows every field we send.
pub(crate) const fn attr_size<A: Attr>() -> u32 {
    std::mem::size_of::<A>() as u32
}

/// A user pointer to `bytes`, for an attr field.
pub(crate) fn user_ptr(bytes: &[u8]) -> u64 {
    bytes.as_ptr() as u64
}

/// A user pointer the kernel writes through.
pub(crate) fn user_ptr_mut(bytes: &mut [u8]) -> u64 {
    bytes.as_mut_ptr() as u64
}

/// An fd as the attrs carry it.
pub(crate) fn fd_arg(fd: BorrowedFd<'_>) -> u32 {
    fd.as_raw_fd() as u32
}

impl Device {
    /// Issues `cmd` with `attr`; `name` is the command's name for the error.
    pub(crate) fn call<A: Attr>(
        &self,
        cmd: u32,
        name: &'static str,
        attr: &mut A,
    ) -> Result<i64, Error> {
        self.raw_ioctl(cmd, attr as *mut A as usize)
            .map_err(|source| Error::Ioctl {
                ioctl: name,
                source,
            })
    }

    /// Issues a command that returns a new fd, and takes ownership of it.
    pub(crate) fn call_fd<A: Attr>(
        &self,
        cmd: u32,
        name: &'static str,
        attr: &mut A,
    ) -> Result<OwnedFd, Error> {
        let fd = self.call(cmd, name, attr)?;
        // SAFETY: these commands return a new fd that nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
    }
}
