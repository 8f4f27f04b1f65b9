use std::io;

/// Errors of the kwasm library: which call failed and what the kernel said.
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
    #[error("the kernel refused the program: {source}{}", if log.is_empty() { String::new() } else { format!("\n{log}") })]
    Load {
        #[source]
        source: io::Error,
        log: String,
    },
    #[error("artifact larger than 4 GiB")]
    TooLarge,
    #[error("arena self-test returned {got:#x}, expected {expected:#x}")]
    SelftestMismatch { got: u64, expected: u64 },
}
