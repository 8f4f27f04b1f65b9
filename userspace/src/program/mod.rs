//! Programs in the kernel: load a WebAssembly module through `/dev/kwasm` (the kernel validates
//! and compiles it itself), run it, read its stats and maps, attach it to a hook.

mod info;
mod load;
mod maps;
mod register;
mod test_run;

pub use info::ProgInfo;
pub use load::{LoadOptions, ProgramType, LOG_SIZE_MAX};
pub use test_run::{PacketOptions, PacketRun, TestRun, Verdict};

use crate::ids::Ids;
use crate::sys::attr_size;
use crate::{pin, Device, Error};
use kwasm_hooks::attr::ProgIdAttr;
use kwasm_hooks::ioctl::{KWASM_IOC_PROG_GET_FD_BY_ID, KWASM_IOC_PROG_GET_NEXT_ID};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::Arc;

/// A loaded program. Dropping it closes its fd; the kernel unloads the program once no fd, pin,
/// link or registered name refers to it.
#[derive(Debug)]
pub struct Program {
    fd: OwnedFd,
    dev: Arc<Device>,
}

impl Program {
    /// Loads the WebAssembly module at `path` as a test program with default options (see
    /// [`LoadOptions`] for the rest).
    ///
    /// ```no_run
    /// let prog = kwasm::Program::load("filter.wasm")?;
    /// println!("loaded as id {}", prog.info()?.id);
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Program, Error> {
        LoadOptions::default().load(path)
    }

    /// Loads a WebAssembly module from its bytes with default options.
    ///
    /// ```no_run
    /// let wasm = std::fs::read("add.wasm").unwrap();
    /// let prog = kwasm::Program::load_bytes(&wasm)?;
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn load_bytes(wasm: &[u8]) -> Result<Program, Error> {
        LoadOptions::default().load_bytes(wasm)
    }

    /// Opens the program with `id`; `ENOENT` (in [`Error::Ioctl`]) if there is none.
    ///
    /// ```no_run
    /// for id in kwasm::Program::ids() {
    ///     let prog = kwasm::Program::from_id(id?)?;
    ///     println!("{:?}", prog.info()?);
    /// }
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn from_id(id: u32) -> Result<Program, Error> {
        Self::from_id_on(Device::shared()?, id)
    }

    /// [`Program::from_id`] through a given device.
    pub fn from_id_on(dev: Arc<Device>, id: u32) -> Result<Program, Error> {
        let mut attr = ProgIdAttr {
            size: attr_size::<ProgIdAttr>(),
            id,
            ..Default::default()
        };
        let fd = dev.call_fd(
            KWASM_IOC_PROG_GET_FD_BY_ID,
            "KWASM_IOC_PROG_GET_FD_BY_ID",
            &mut attr,
        )?;
        Ok(Program { fd, dev })
    }

    /// Opens the program pinned under `name`.
    ///
    /// ```no_run
    /// let prog = kwasm::Program::from_pin("firewall/prog")?;
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn from_pin(name: &str) -> Result<Program, Error> {
        let dev = Device::shared()?;
        let fd = pin::get(&dev, name)?;
        let prog = Program { fd, dev };
        // The pin may name a map or a link: asking for the program's info tells.
        prog.info()?;
        Ok(prog)
    }

    /// The ids of the loaded programs, in increasing order.
    pub fn ids() -> Ids {
        Ids::new(KWASM_IOC_PROG_GET_NEXT_ID, "KWASM_IOC_PROG_GET_NEXT_ID")
    }

    /// Pins the program under `name`: it stays loaded after this process exits, until
    /// [`pin::unpin`](crate::pin::unpin).
    ///
    /// ```no_run
    /// let prog = kwasm::Program::load("filter.wasm")?;
    /// prog.pin("firewall/prog")?;
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn pin(&self, name: &str) -> Result<(), Error> {
        pin::pin(&self.dev, self.fd.as_fd(), name)
    }

    /// The program's fd (as a raw number, for attrs and tests).
    pub fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// The device this program's commands go through.
    pub fn device(&self) -> &Arc<Device> {
        &self.dev
    }

    pub(crate) fn from_parts(fd: OwnedFd, dev: Arc<Device>) -> Program {
        Program { fd, dev }
    }
}

impl AsFd for Program {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
