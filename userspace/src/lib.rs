//! kwasm: the userspace side of in-kernel WebAssembly.
//!
//! [`Device`] is the handle on `/dev/kwasm`; every call names the ioctl it makes in its error.

mod device;
mod error;
pub mod executor;
mod program;

pub use device::{Device, SelftestReport, DEVICE_PATH};
pub use error::Error;
pub use kwasm_hooks as hooks;
pub use program::{LoadOptions, ProgInfo, Program, TestRun};
