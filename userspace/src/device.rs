//! `/dev/kwasm`: the one entry point to the kernel module, like the bpf(2) syscall.

use crate::Error;
use kwasm_hooks::attr::{selftest_expected, Attr, SelftestAttr};
use kwasm_hooks::ioctl::{KWASM_IOC_SELFTEST, KWASM_IOC_VERSION};
use kwasm_hooks::ABI_VERSION;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::sync::{Arc, Mutex, Weak};

/// Path of the kwasm control device.
pub const DEVICE_PATH: &str = "/dev/kwasm";

/// An open `/dev/kwasm`.
#[derive(Debug)]
pub struct Device {
    file: File,
}

/// Result of [`Device::selftest`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelftestReport {
    pub output: u64,
    pub arena_used: u64,
    pub arena_size: u64,
}

/// The device [`Device::shared`] hands out. Weak: the cached fd closes with the last object
/// that uses it, so a process that holds no program, map or link keeps no reference on the
/// module (it can then be unloaded).
static SHARED: Mutex<Weak<Device>> = Mutex::new(Weak::new());

impl Device {
    /// The process's shared handle on `/dev/kwasm` (opened with [`Device::open`] when no object
    /// holds it any more). Programs, maps and links loaded without an explicit device use it.
    ///
    /// On a machine without the module this is the [`Error::Open`] of the device:
    ///
    /// ```
    /// # use kwasm::{Device, Error};
    /// if !std::path::Path::new(kwasm::DEVICE_PATH).exists() {
    ///     let err = Device::shared().unwrap_err();
    ///     assert!(matches!(err, Error::Open { .. }));
    ///     assert_eq!(err.errno(), Some(libc::ENOENT));
    /// }
    /// ```
    pub fn shared() -> Result<Arc<Device>, Error> {
        let mut cached = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(dev) = cached.upgrade() {
            return Ok(dev);
        }
        let dev = Arc::new(Device::open()?);
        *cached = Arc::downgrade(&dev);
        Ok(dev)
    }

    /// Opens `/dev/kwasm` and checks that the module speaks this library's ABI version.
    pub fn open() -> Result<Self, Error> {
        let dev = Self::open_unchecked()?;
        let module = dev.abi_version()?;
        if module != ABI_VERSION {
            return Err(Error::AbiMismatch {
                module,
                library: ABI_VERSION,
            });
        }
        Ok(dev)
    }

    /// Opens `/dev/kwasm` without the version handshake (for tools that report the version).
    pub fn open_unchecked() -> Result<Self, Error> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(DEVICE_PATH)
            .map_err(|source| Error::Open {
                path: DEVICE_PATH,
                source,
            })?;
        Ok(Self { file })
    }

    /// `KWASM_IOC_VERSION`: the ABI version of the loaded module.
    pub fn abi_version(&self) -> Result<u32, Error> {
        let ret = self
            .raw_ioctl(KWASM_IOC_VERSION, 0)
            .map_err(|source| Error::Ioctl {
                ioctl: "KWASM_IOC_VERSION",
                source,
            })?;
        Ok(ret as u32)
    }

    /// `KWASM_IOC_SELFTEST`: installs code in the module's executable arena, calls it with
    /// `input` and checks the answer.
    pub fn selftest(&self, input: u64) -> Result<SelftestReport, Error> {
        let mut attr = SelftestAttr {
            size: SelftestAttr::MIN_SIZE,
            input,
            ..Default::default()
        };
        self.call(KWASM_IOC_SELFTEST, "KWASM_IOC_SELFTEST", &mut attr)?;
        let expected = selftest_expected(input);
        if attr.output != expected {
            return Err(Error::SelftestMismatch {
                got: attr.output,
                expected,
            });
        }
        Ok(SelftestReport {
            output: attr.output,
            arena_used: attr.arena_used,
            arena_size: attr.arena_size,
        })
    }

    /// Issues a raw ioctl on the device: for tests of the kernel's argument checking.
    pub fn raw_ioctl(&self, cmd: u32, arg: usize) -> io::Result<i64> {
        // SAFETY: `ioctl` on our own fd; the caller's `arg` is either an integer or points to
        // memory the caller owns for the duration of the call (the kernel checks the rest).
        let ret = unsafe { libc::ioctl(self.file.as_raw_fd(), cmd as _, arg) };
        if ret < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(ret.into())
        }
    }
}

#[cfg(test)]
impl Device {
    /// A device on `/dev/null`, for tests of what the library checks before any ioctl.
    pub(crate) fn fake() -> Device {
        Device {
            file: File::open("/dev/null").expect("open /dev/null"),
        }
    }
}

impl AsFd for Device {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}
