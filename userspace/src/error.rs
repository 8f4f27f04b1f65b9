use std::io;
use std::path::PathBuf;

/// Errors of the kwasm library: which call failed and what the kernel said.
///
/// Every variant that comes from the kernel keeps its `errno` as an [`io::Error`] (see
/// [`Error::errno`]), and a refused load keeps the kernel's load log ([`Error::log`]): callers
/// match on them, they never parse the message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot open {path}: {source} (is the kwasm module loaded, and are you root?)")]
    Open {
        path: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("{ioctl} failed: {source}")]
    Ioctl {
        ioctl: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("the kwasm module speaks ABI version {module}, this library speaks {library}")]
    AbiMismatch { module: u32, library: u32 },
    #[error("the kernel refused the program: {source}{}", log_suffix(log))]
    Load {
        #[source]
        source: io::Error,
        log: String,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("artifact larger than 4 GiB")]
    TooLarge,
    #[error("arena self-test returned {got:#x}, expected {expected:#x}")]
    SelftestMismatch { got: u64, expected: u64 },
    #[error("the program uses no map named {name:?}")]
    NoSuchMap { name: String },
    #[error("map {map:?} is a {found} map, not {expected}")]
    MapType {
        map: String,
        found: &'static str,
        expected: &'static str,
    },
    #[error("map {map:?} has {what} size {map_size}, the type used has {type_size}")]
    MapSize {
        map: String,
        what: &'static str,
        map_size: u32,
        type_size: usize,
    },
    #[error("{what} has {got} bytes, map {map:?} takes {expected}")]
    BufferSize {
        map: String,
        what: &'static str,
        got: usize,
        expected: usize,
    },
    #[error("{got} per-CPU values given, map {map:?} has {expected} CPUs")]
    CpuCount {
        map: String,
        got: usize,
        expected: usize,
    },
    #[error("array index {index} out of bounds: map {map:?} has {len} entries")]
    OutOfBounds { map: String, index: u32, len: u32 },
    #[error("a ring buffer needs a tokio runtime with I/O enabled")]
    NoRuntime,
    #[error("cannot map ring buffer {map:?}: {source}")]
    Mmap {
        map: String,
        #[source]
        source: io::Error,
    },
    #[error("ring buffer {map:?} cannot be polled: {source}")]
    Poll {
        map: String,
        #[source]
        source: io::Error,
    },
}

fn log_suffix(log: &str) -> String {
    if log.is_empty() {
        String::new()
    } else {
        format!("\n{log}")
    }
}

impl Error {
    /// The errno the kernel (or the OS) answered, if this error carries one.
    pub fn errno(&self) -> Option<i32> {
        self.io_error().and_then(io::Error::raw_os_error)
    }

    /// The underlying OS error, if any.
    pub fn io_error(&self) -> Option<&io::Error> {
        match self {
            Error::Open { source, .. }
            | Error::Ioctl { source, .. }
            | Error::Load { source, .. }
            | Error::Read { source, .. }
            | Error::Mmap { source, .. }
            | Error::Poll { source, .. } => Some(source),
            _ => None,
        }
    }

    /// The kernel's load log of a refused load (empty if it wrote none).
    pub fn log(&self) -> Option<&str> {
        match self {
            Error::Load { log, .. } => Some(log),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_and_log_are_fields_not_text() {
        let e = Error::Load {
            source: io::Error::from_raw_os_error(libc::EINVAL),
            log: "bad import".into(),
        };
        assert_eq!(e.errno(), Some(libc::EINVAL));
        assert_eq!(e.log(), Some("bad import"));
        assert!(e.to_string().ends_with("\nbad import"));
        assert_eq!(Error::TooLarge.errno(), None);
    }
}
