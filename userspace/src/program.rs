//! Programs in the kernel: load a WebAssembly module through `/dev/kwasm` (the kernel validates
//! and compiles it itself), run its exports, read stats.

use crate::{Device, Error};
use kwasm_hooks::attr::{
    Attr, GlobalGetAttr, ProgIdAttr, ProgInfoAttr, ProgLoadAttr, ProgRegisterAttr, TestRunAttr,
    PROG_NAME_LEN, PROG_TYPE_TEST,
};
use kwasm_hooks::ioctl::*;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// How to load a program.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub name: String,
    pub prog_type: u32,
    /// Fuel per run (0: the kernel's default).
    pub fuel: u64,
    /// Bytes for the kernel's load log (0: no log).
    pub log_size: u32,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            name: String::new(),
            prog_type: PROG_TYPE_TEST,
            fuel: 0,
            log_size: 64 * 1024,
        }
    }
}

/// A loaded program; closing it (drop) unloads it once no other fd refers to it.
#[derive(Debug)]
pub struct Program {
    fd: OwnedFd,
}

/// The outcome of a test run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestRun {
    /// 0, or the trap code (`kwasm_hooks::trap`).
    pub trap: u32,
    /// Result slots (empty after a trap).
    pub results: Vec<u64>,
    pub duration_ns: u64,
}

/// What `KWASM_IOC_PROG_GET_INFO` reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgInfo {
    pub id: u32,
    pub prog_type: u32,
    pub name: String,
    pub code_size: u64,
    pub memory_size: u64,
    pub run_count: u64,
    pub run_time_ns: u64,
    /// When it was loaded (monotonic clock), as bpf's `load_time`.
    pub load_time_ns: u64,
    /// How long the load took, and how much of it was the kernel compiling the wasm.
    pub load_duration_ns: u64,
    pub compile_time_ns: u64,
    /// Most memory the kernel's compile of it held at once.
    pub compile_peak_bytes: u64,
    /// Deepest use of its wasm stack so far, host calls included.
    pub stack_max_bytes: u64,
    pub traps: Vec<u64>,
}

fn ioctl_err(ioctl: &'static str) -> impl FnOnce(io::Error) -> Error {
    move |source| Error::Ioctl { ioctl, source }
}

impl Program {
    /// Loads the WebAssembly module `wasm` (`.wasm` bytes); the kernel compiles it. A refusal
    /// carries the kernel's log (for a module the kernel's compiler rejects, its reason).
    pub fn load(dev: &Device, wasm: &[u8], opts: &LoadOptions) -> Result<Program, Error> {
        let mut log = vec![0u8; opts.log_size as usize];
        let mut name = [0u8; PROG_NAME_LEN];
        let n = opts.name.len().min(PROG_NAME_LEN);
        name[..n].copy_from_slice(&opts.name.as_bytes()[..n]);
        let mut attr = ProgLoadAttr {
            size: ProgLoadAttr::MIN_SIZE,
            prog_type: opts.prog_type,
            wasm: wasm.as_ptr() as u64,
            wasm_len: u32::try_from(wasm.len()).map_err(|_| Error::TooLarge)?,
            fuel: opts.fuel,
            name,
            log_buf: if log.is_empty() {
                0
            } else {
                log.as_mut_ptr() as u64
            },
            log_size: log.len() as u32,
            log_level: u32::from(!log.is_empty()),
            ..Default::default()
        };
        match dev.raw_ioctl(KWASM_IOC_PROG_LOAD, &mut attr as *mut _ as usize) {
            // SAFETY: the kernel returned a new fd that we now own.
            Ok(fd) => Ok(Program {
                fd: unsafe { OwnedFd::from_raw_fd(fd as i32) },
            }),
            Err(source) => {
                let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
                Err(Error::Load {
                    source,
                    log: String::from_utf8_lossy(&log[..end]).trim_end().to_string(),
                })
            }
        }
    }

    /// Opens the program with `id` (`KWASM_IOC_PROG_GET_FD_BY_ID`).
    pub fn from_id(dev: &Device, id: u32) -> Result<Program, Error> {
        let mut attr = ProgIdAttr {
            size: ProgIdAttr::MIN_SIZE,
            id,
            ..Default::default()
        };
        let fd = dev
            .raw_ioctl(KWASM_IOC_PROG_GET_FD_BY_ID, &mut attr as *mut _ as usize)
            .map_err(ioctl_err("KWASM_IOC_PROG_GET_FD_BY_ID"))?;
        // SAFETY: a new fd that we now own.
        Ok(Program {
            fd: unsafe { OwnedFd::from_raw_fd(fd as i32) },
        })
    }

    pub fn fd(&self) -> i32 {
        self.fd.as_raw_fd()
    }

    /// Runs export `name` `repeat` times with `args`; `nslots` must cover the export's
    /// parameters and results.
    pub fn test_run(
        &self,
        dev: &Device,
        name: &str,
        args: &[u64],
        nslots: usize,
        repeat: u32,
        fuel: u64,
    ) -> Result<TestRun, Error> {
        let mut slots = vec![0u64; nslots.max(args.len())];
        slots[..args.len()].copy_from_slice(args);
        let mut attr = TestRunAttr {
            size: TestRunAttr::MIN_SIZE,
            prog_fd: self.fd() as u32,
            name: name.as_ptr() as u64,
            name_len: name.len() as u32,
            nslots: slots.len() as u32,
            slots: slots.as_mut_ptr() as u64,
            repeat,
            fuel,
            ..Default::default()
        };
        dev.raw_ioctl(KWASM_IOC_PROG_TEST_RUN, &mut attr as *mut _ as usize)
            .map_err(ioctl_err("KWASM_IOC_PROG_TEST_RUN"))?;
        Ok(TestRun {
            trap: attr.trap,
            results: slots[..attr.nresults as usize].to_vec(),
            duration_ns: attr.duration_ns,
        })
    }

    /// An exported global: its value type (`VAL_*`) and bits.
    pub fn global(&self, dev: &Device, name: &str) -> Result<(u8, u64), Error> {
        let mut attr = GlobalGetAttr {
            size: GlobalGetAttr::MIN_SIZE,
            prog_fd: self.fd() as u32,
            name: name.as_ptr() as u64,
            name_len: name.len() as u32,
            ..Default::default()
        };
        dev.raw_ioctl(KWASM_IOC_PROG_GET_GLOBAL, &mut attr as *mut _ as usize)
            .map_err(ioctl_err("KWASM_IOC_PROG_GET_GLOBAL"))?;
        Ok((attr.valtype as u8, attr.value))
    }

    /// Makes this program's exported functions and globals importable as `name.*` by programs
    /// loaded later (`KWASM_IOC_PROG_REGISTER`); the name keeps the program loaded.
    pub fn register(&self, dev: &Device, name: &str) -> Result<(), Error> {
        let mut attr = ProgRegisterAttr {
            size: ProgRegisterAttr::MIN_SIZE,
            prog_fd: self.fd() as u32,
            name: name.as_ptr() as u64,
            name_len: name.len() as u32,
            flags: 0,
        };
        dev.raw_ioctl(KWASM_IOC_PROG_REGISTER, &mut attr as *mut _ as usize)
            .map_err(ioctl_err("KWASM_IOC_PROG_REGISTER"))?;
        Ok(())
    }

    pub fn info(&self, dev: &Device) -> Result<ProgInfo, Error> {
        let mut attr = ProgInfoAttr {
            size: ProgInfoAttr::MIN_SIZE,
            prog_fd: self.fd() as u32,
            ..Default::default()
        };
        dev.raw_ioctl(KWASM_IOC_PROG_GET_INFO, &mut attr as *mut _ as usize)
            .map_err(ioctl_err("KWASM_IOC_PROG_GET_INFO"))?;
        let end = attr
            .name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(PROG_NAME_LEN);
        Ok(ProgInfo {
            id: attr.id,
            prog_type: attr.prog_type,
            name: String::from_utf8_lossy(&attr.name[..end]).into_owned(),
            code_size: attr.code_size,
            memory_size: attr.memory_size,
            run_count: attr.run_count,
            run_time_ns: attr.run_time_ns,
            load_time_ns: attr.load_time_ns,
            load_duration_ns: attr.load_duration_ns,
            compile_time_ns: attr.compile_time_ns,
            compile_peak_bytes: attr.compile_peak_bytes,
            stack_max_bytes: attr.stack_max_bytes,
            traps: attr.traps.to_vec(),
        })
    }
}

impl Device {
    /// Removes a name made with [`Program::register`].
    pub fn unregister(&self, name: &str) -> Result<(), Error> {
        let mut attr = ProgRegisterAttr {
            size: ProgRegisterAttr::MIN_SIZE,
            prog_fd: 0,
            name: name.as_ptr() as u64,
            name_len: name.len() as u32,
            flags: kwasm_hooks::attr::REGISTER_REMOVE,
        };
        self.raw_ioctl(KWASM_IOC_PROG_REGISTER, &mut attr as *mut _ as usize)
            .map_err(ioctl_err("KWASM_IOC_PROG_REGISTER"))?;
        Ok(())
    }

    /// The smallest program id above `after`, or `None` after the last one.
    pub fn next_prog_id(&self, after: u32) -> Result<Option<u32>, Error> {
        let mut attr = ProgIdAttr {
            size: ProgIdAttr::MIN_SIZE,
            id: after,
            ..Default::default()
        };
        match self.raw_ioctl(KWASM_IOC_PROG_GET_NEXT_ID, &mut attr as *mut _ as usize) {
            Ok(_) => Ok(Some(attr.next_id)),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(None),
            Err(source) => Err(Error::Ioctl {
                ioctl: "KWASM_IOC_PROG_GET_NEXT_ID",
                source,
            }),
        }
    }
}
