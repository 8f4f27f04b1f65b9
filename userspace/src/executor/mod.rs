//! The userspace executor: installs a kwasm artifact in this process and runs its exports.
//!
//! It runs exactly the code the kernel would run (same artifact, same checks from
//! `kwasm_kcore`), so tests and `kwasm run --userspace` exercise the real compiler output.

mod code;
mod helpers;
mod host;
mod install;
mod instance;
mod shared;
mod types;
mod value;
pub mod wasi;

pub use host::{Caller, Extern, GlobalRef, HostFunc, Imports};
pub use instance::{Instance, InstantiateError, InvokeError, Trap, DEFAULT_FUEL};
pub use shared::{MemoryRef, SharedMemory, SharedTable};
pub use value::Value;
