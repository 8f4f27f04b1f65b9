//! The kwasm ABI: everything the compiler, the kernel module and userspace must agree on.
//!
//! `core` only, no allocation: the kernel module includes these sources directly
//! (`#[path = "../hooks/src/lib.rs"] mod hooks;`), so nothing here may need `std` or `alloc`.
#![cfg_attr(not(any(CONFIG_RUST, test)), no_std)]

pub mod abi;
pub mod artifact;
pub mod attr;
pub mod fuel;
pub mod host_fns;
pub mod ioctl;
pub mod link;
pub mod map;
pub mod netfilter;
pub mod pin;
pub mod prog_type;
pub mod ringbuf;
pub mod trap;
pub mod vmctx;

pub use abi::ABI_VERSION;
