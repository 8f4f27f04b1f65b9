//! `PROG_LOAD`: how a program is loaded ([`LoadOptions`]) and the load itself, with the
//! kernel's log kept for a refusal.

use super::Program;
use crate::sys::{attr_size, fd_arg, user_ptr, user_ptr_mut};
use crate::{Device, Error, Map};
use kwasm_hooks::attr::{ProgLoadAttr, PROG_NAME_LEN};
use kwasm_hooks::ioctl::KWASM_IOC_PROG_LOAD;
use kwasm_hooks::map::{padded_name, MapBind};
use kwasm_hooks::prog_type::{prog_type_name, PROG_TYPE_NETFILTER, PROG_TYPE_TEST};
use std::io;
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::path::Path;
use std::sync::Arc;

/// The kernel refuses log buffers larger than this (`E2BIG`); a load log never grows beyond.
pub const LOG_SIZE_MAX: u32 = 1 << 20;
const LOG_SIZE_DEFAULT: u32 = 64 << 10;

/// What a program is for; the kernel applies the type's policy at load
/// (`kwasm_hooks::prog_type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ProgramType {
    /// Runs only through test runs, any export, in process context.
    #[default]
    Test,
    /// A netfilter hook program: one instance per CPU, bounded fuel and memory.
    Netfilter,
    /// A raw type number the library does not know (for tests of the kernel's checks).
    Other(u32),
}

impl ProgramType {
    pub fn raw(self) -> u32 {
        match self {
            ProgramType::Test => PROG_TYPE_TEST,
            ProgramType::Netfilter => PROG_TYPE_NETFILTER,
            ProgramType::Other(t) => t,
        }
    }

    pub fn from_raw(raw: u32) -> ProgramType {
        match raw {
            PROG_TYPE_TEST => ProgramType::Test,
            PROG_TYPE_NETFILTER => ProgramType::Netfilter,
            t => ProgramType::Other(t),
        }
    }

    /// "test", "netfilter" or "unknown".
    pub fn name(self) -> &'static str {
        prog_type_name(self.raw())
    }
}

impl serde::Serialize for ProgramType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// How to load a program: a builder, or a struct literal with `..Default::default()`.
///
/// ```no_run
/// use kwasm::{LoadOptions, Map, ProgramType};
/// let counts = Map::from_pin("firewall/counts")?;
/// let prog = LoadOptions::new()
///     .prog_type(ProgramType::Netfilter)
///     .name("firewall")
///     .fuel(100_000)
///     .memory_max(1 << 16)
///     .bind_map("counts", &counts)
///     .load("firewall.wasm")?;
/// # Ok::<(), kwasm::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Cut at 16 bytes.
    pub name: String,
    pub prog_type: ProgramType,
    /// Fuel per run (0: the program type's default).
    pub fuel: u64,
    /// Hook programs: bytes of linear memory per instance (0: the type's default).
    pub memory_max: u64,
    /// Bytes for the kernel's load log at first (0: no log). A load whose log filled the buffer
    /// is made again with a buffer twice as large, up to [`LOG_SIZE_MAX`] (a refusal's reason
    /// is then whole; a load that worked but whose log did not fit, which the kernel undoes with
    /// `ENOSPC`, then works).
    pub log_size: u32,
    /// Declared maps (by name) to bind to existing maps instead of creating new ones.
    pub map_binds: Vec<(String, Map)>,
    /// The device to load through (default: [`Device::shared`]).
    pub device: Option<Arc<Device>>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            name: String::new(),
            prog_type: ProgramType::Test,
            fuel: 0,
            memory_max: 0,
            log_size: LOG_SIZE_DEFAULT,
            map_binds: Vec::new(),
            device: None,
        }
    }
}

impl LoadOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    pub fn prog_type(mut self, prog_type: ProgramType) -> Self {
        self.prog_type = prog_type;
        self
    }

    pub fn fuel(mut self, fuel: u64) -> Self {
        self.fuel = fuel;
        self
    }

    pub fn memory_max(mut self, bytes: u64) -> Self {
        self.memory_max = bytes;
        self
    }

    pub fn log_size(mut self, bytes: u32) -> Self {
        self.log_size = bytes;
        self
    }

    /// Binds the program's declared map `name` to `map` (type and sizes must match).
    pub fn bind_map(mut self, name: impl Into<String>, map: &Map) -> Self {
        self.map_binds.push((name.into(), map.clone()));
        self
    }

    pub fn device(mut self, dev: Arc<Device>) -> Self {
        self.device = Some(dev);
        self
    }

    /// Loads the WebAssembly module at `path`.
    pub fn load(&self, path: impl AsRef<Path>) -> Result<Program, Error> {
        let path = path.as_ref();
        let wasm = std::fs::read(path).map_err(|source| Error::Read {
            path: path.into(),
            source,
        })?;
        self.load_bytes(&wasm)
    }

    /// Loads a WebAssembly module from its bytes. The kernel validates and compiles it; a
    /// refusal is [`Error::Load`] with the kernel's errno and log. Whatever the bytes are,
    /// the kernel judges them (it refuses anything but WebAssembly).
    pub fn load_bytes(&self, wasm: &[u8]) -> Result<Program, Error> {
        let dev = match &self.device {
            Some(dev) => dev.clone(),
            None => Device::shared()?,
        };
        let mut log_size = self.log_size.min(LOG_SIZE_MAX);
        loop {
            match self.try_load(&dev, wasm, log_size)? {
                Ok(fd) => return Ok(Program::from_parts(fd, dev)),
                Err(refusal) if log_size > 0 && log_size < LOG_SIZE_MAX && refusal.log_cut => {
                    log_size = log_size.saturating_mul(2).min(LOG_SIZE_MAX);
                }
                Err(refusal) => {
                    return Err(Error::Load {
                        source: refusal.source,
                        log: refusal.log,
                    })
                }
            }
        }
    }

    /// One `PROG_LOAD` with a log of `log_size` bytes.
    fn try_load(
        &self,
        dev: &Device,
        wasm: &[u8],
        log_size: u32,
    ) -> Result<Result<OwnedFd, Refusal>, Error> {
        let binds = self.binds();
        let mut log = vec![0u8; log_size as usize];
        let mut attr = ProgLoadAttr {
            size: attr_size::<ProgLoadAttr>(),
            prog_type: self.prog_type.raw(),
            wasm: user_ptr(wasm),
            wasm_len: u32::try_from(wasm.len()).map_err(|_| Error::TooLarge)?,
            fuel: self.fuel,
            name: prog_name(&self.name),
            log_buf: if log.is_empty() {
                0
            } else {
                user_ptr_mut(&mut log)
            },
            log_size,
            log_level: u32::from(!log.is_empty()),
            memory_max: self.memory_max,
            map_binds: if binds.is_empty() {
                0
            } else {
                binds.as_ptr() as u64
            },
            nmap_binds: binds.len() as u32,
            ..Default::default()
        };
        match dev.raw_ioctl(KWASM_IOC_PROG_LOAD, &mut attr as *mut _ as usize) {
            // SAFETY: PROG_LOAD returned a new fd that nothing else owns.
            Ok(fd) => Ok(Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })),
            Err(source) => Ok(Err(Refusal::new(source, &log))),
        }
    }

    fn binds(&self) -> Vec<MapBind> {
        self.map_binds
            .iter()
            .map(|(name, map)| MapBind {
                name: padded_name(name),
                map_fd: fd_arg(map.as_fd()),
                _reserved: 0,
            })
            .collect()
    }
}

/// A refused load, and whether its log may have been cut short.
struct Refusal {
    source: io::Error,
    log: String,
    /// The log filled its buffer. Then either the load worked but its log did not fit (the
    /// kernel undid it and answered `ENOSPC`), or a refusal's reason was cut (it keeps its own
    /// errno). `ENOSPC` with room left in the log is another refusal (too many programs):
    /// asking again would not help.
    log_cut: bool,
}

impl Refusal {
    fn new(source: io::Error, log: &[u8]) -> Refusal {
        let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
        Refusal {
            log_cut: !log.is_empty() && end + 1 >= log.len(),
            source,
            log: String::from_utf8_lossy(&log[..end]).trim_end().to_string(),
        }
    }
}

fn prog_name(name: &str) -> [u8; PROG_NAME_LEN] {
    let mut out = [0u8; PROG_NAME_LEN];
    let n = name.len().min(PROG_NAME_LEN);
    out[..n].copy_from_slice(&name.as_bytes()[..n]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_full_log_asks_again() {
        let err = |e| io::Error::from_raw_os_error(e);
        let r = Refusal::new(err(libc::EINVAL), b"short reason\0\0\0\0");
        assert!(!r.log_cut);
        assert_eq!(r.log, "short reason");
        assert!(Refusal::new(err(libc::EINVAL), b"cut reaso\0").log_cut);
        assert!(Refusal::new(err(libc::ENOSPC), b"loaded: 123 bytes of\0").log_cut);
        // Too many programs: ENOSPC, but the reason fit.
        assert!(!Refusal::new(err(libc::ENOSPC), b"too many\0\0\0").log_cut);
        assert!(!Refusal::new(err(libc::EINVAL), b"").log_cut);
    }

    #[test]
    fn program_types_round_trip_and_serialize_by_name() {
        for t in [
            ProgramType::Test,
            ProgramType::Netfilter,
            ProgramType::Other(99),
        ] {
            assert_eq!(ProgramType::from_raw(t.raw()), t);
        }
        assert_eq!(
            serde_json::to_string(&ProgramType::Netfilter).unwrap(),
            "\"netfilter\""
        );
    }
}
