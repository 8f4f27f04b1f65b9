//! Runtime logic of the kwasm kernel module that needs no kernel API.
//!
//! The module includes these sources (`#[path = "core/src/lib.rs"] mod kcore;`) and calls them
//! from thin glue; userspace tests run them at full speed. `core` only, no allocation.
#![cfg_attr(not(any(CONFIG_RUST, test)), no_std)]

pub mod arena;
pub mod artifact;
pub mod attr;
pub mod bulk;
pub mod compile;
pub mod empty;
pub mod errno;
pub mod fuel;
pub mod host;
pub mod ids;
pub mod instantiate;
pub mod log;
pub mod maps;
pub mod publish;
pub mod reloc;

// Inside these sources, refer to siblings as `super::x` and to the ABI as `super::hooks`:
// `crate` is this crate in userspace but the module's crate root in the kernel build.
#[cfg(CONFIG_RUST)]
use crate::hooks;
#[cfg(not(CONFIG_RUST))]
use kwasm_hooks as hooks;
