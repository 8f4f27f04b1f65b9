//! kwasm: the userspace side of in-kernel WebAssembly, shaped like aya.
//!
//! Load a WebAssembly module into the kernel (the kernel validates and compiles it), attach it
//! to a hook, and talk to it through maps:
//!
//! ```no_run
//! use kwasm::maps::{HashMap, RingBuf};
//! use kwasm::{Family, Hook, LoadOptions, Netfilter, ProgramType};
//!
//! # async fn f() -> Result<(), kwasm::Error> {
//! let prog = LoadOptions::new()
//!     .prog_type(ProgramType::Netfilter)
//!     .name("firewall")
//!     .load("firewall.wasm")?;
//! let _link = prog.attach(Netfilter {
//!     family: Family::Ipv4,
//!     hook: Hook::LocalIn,
//!     ..Default::default()
//! })?;
//! let blocked: HashMap<[u8; 4], u64> = HashMap::try_from(prog.map("blocked")?)?;
//! let mut events = RingBuf::try_from(prog.map("events")?)?;
//! while let Ok(event) = events.recv().await {
//!     println!("{event:02x?}; {} addresses blocked", blocked.keys().count());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Every object holds the process's shared handle on `/dev/kwasm` ([`Device::shared`]), opened
//! on first use; without the module that first use fails with [`Error::Open`]. Errors carry
//! the kernel's errno ([`Error::errno`]) and, for a refused load, its log ([`Error::log`]).
//!
//! [`executor`] runs the same compiled code in this process, without the kernel.
//!
//! # Testing
//!
//! The host tests cover what needs no kernel: attr building, the log retry rule, the per-CPU
//! layout, the typed views' checks (on a fake map: errors before any ioctl), the ring buffer
//! reader (on a memfd ring written by the kernel's own producer code), JSON shapes and the CLI.
//! What the kernel answers (every ioctl's result) is only checked by the VM tests
//! (`vmtests/`, `cargo xtask vm`); [`Device::shared`] fails with [`Error::Open`] (`ENOENT`)
//! where `/dev/kwasm` does not exist, so such tests can tell "no module" from a failure.

mod device;
mod error;
pub mod executor;
mod ids;
mod link;
pub mod maps;
pub mod pin;
mod program;
mod sys;

pub use device::{Device, SelftestReport, DEVICE_PATH};
pub use error::Error;
pub use ids::Ids;
pub use kwasm_hooks as hooks;
pub use link::{Family, Hook, Link, LinkInfo, Netfilter};
pub use maps::{Map, MapInfo, MapType};
pub use program::{
    LoadOptions, PacketOptions, PacketRun, ProgInfo, Program, ProgramType, TestRun, Verdict,
    LOG_SIZE_MAX,
};
