//! kwasm-guest: write kwasm hook programs (wasm32) as ordinary safe Rust, the way aya-ebpf
//! does for eBPF. A packet filter is one function from [`Packet`] to [`Verdict`]; state lives in
//! typed [maps](maps) declared as statics; the SDK does the ABI (`kwasm_hooks`): exports, the
//! hook buffer, the `kwasm.maps` section and the `kwasm` host functions.
//!
//! A complete filter (the crate root of a `#![no_std]` guest crate):
//!
//! ```
//! use kwasm_guest::maps::{Array, HashMap};
//! use kwasm_guest::{map, netfilter, Packet, Verdict};
//!
//! map! {
//!     /// Index 0: the TCP port to block (0: none); userspace sets it.
//!     static CONFIG: Array<u32> = Array::with_max_entries(1);
//!     /// Drops per source address (IPv4 as `::ffff:a.b.c.d`).
//!     static DROPS: HashMap<[u8; 16], u64> = HashMap::with_max_entries(1024);
//! }
//!
//! fn filter(pkt: &Packet) -> Verdict {
//!     let port = CONFIG.get(0).unwrap_or(0);
//!     match (pkt.ip(), pkt.tcp()) {
//!         (Some(ip), Some(tcp)) if port != 0 && u32::from(tcp.dst_port) == port => {
//!             let _ = DROPS.add(&ip.src16(), 1);
//!             Verdict::Drop
//!         }
//!         _ => Verdict::Accept,
//!     }
//! }
//!
//! netfilter!(filter);
//! ```
//!
//! # Building a guest
//!
//! A guest is a `no_std` library crate depending on this one, with `panic = "abort"` in its
//! release profile (and, inside this repository, a `[workspace]` table of its own):
//!
//! ```toml
//! [dependencies]
//! kwasm-guest = { path = "../../../hooks/guest" }
//!
//! [profile.release]
//! panic = "abort"
//! ```
//!
//! `cargo xtask guest <dir>` builds it as a wasm32 `cdylib` and prints the
//! `.wasm` path: Debian's rustc (`RUSTC=/usr/bin/rustc`, `RUSTC_BOOTSTRAP=1`,
//! `-Zbuild-std=core,alloc`, linker `wasm-ld-14`, as `xtask/src/guests.rs` builds the other
//! guests), `--release`, and a 16 KiB shadow stack (`-C link-arg=-zstack-size=16384`, instead of
//! rustc's 1 MiB) so the initial memory stays far below a hook's default 1 MiB per instance.
//! Keep large arrays off the stack accordingly. A toolchain with the wasm32 target installed
//! can build the same with `cargo rustc --release --target wasm32-unknown-unknown
//! --crate-type cdylib -- -C link-arg=-zstack-size=16384`.
//!
//! On other targets the crate builds too, for host programs sharing its [`Pod`] types and for
//! unit tests: a filter can be tested natively on a buffer built like the kernel's
//! ([`Packet::from_buffer`]), except that every host call (maps, `packet_load`) there fails with
//! [`Error::Unsupported`].
#![no_std]

pub mod error;
pub mod headers;
pub mod maps;
pub mod netfilter;
pub mod packet;
pub mod pod;
mod sys;

pub use error::Error;
pub use headers::{proto, v4_mapped, Ip, Ipv4, Ipv6, Tcp, Udp};
pub use netfilter::Verdict;
pub use packet::Packet;
pub use pod::Pod;

/// The ABI names the macros spell as literals (attributes take no constants): this fails to
/// build if `kwasm_hooks` ever renames them.
const _: () = {
    assert!(str_eq(kwasm_hooks::map::MAPS_SECTION, "kwasm.maps"));
    assert!(str_eq(kwasm_hooks::netfilter::ENTRY, "kwasm_netfilter"));
    assert!(str_eq(
        kwasm_hooks::netfilter::BUFFER_EXPORT,
        "kwasm_hook_buffer"
    ));
    assert!(str_eq(kwasm_hooks::host_fns::MODULE, "kwasm"));
};

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut k = 0;
    while k < a.len() {
        if a[k] != b[k] {
            return false;
        }
        k += 1;
    }
    true
}

/// Items the macros need; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use kwasm_hooks::map::MAP_DECL_SIZE;

    /// Seals [`crate::Pod`]: implemented only here and by [`crate::pod!`].
    pub trait Sealed {}
}

/// no_std guests need a panic handler; a panic aborts the run (a trap: the hook's default
/// verdict, counted).
#[cfg(all(target_arch = "wasm32", feature = "panic-handler"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(test)]
extern crate std;

#[cfg(test)]
mod tests;
