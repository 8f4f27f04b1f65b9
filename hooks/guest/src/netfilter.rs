//! The netfilter entry: what [`netfilter!`](crate::netfilter!) exports and how it calls the
//! user's filter (`kwasm_hooks::netfilter` is the contract).

use crate::Packet;
use core::cell::UnsafeCell;
use kwasm_hooks::netfilter::{BUFFER_SIZE, VERDICT_ACCEPT, VERDICT_DROP};

/// What happens to the packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Verdict {
    Accept = VERDICT_ACCEPT,
    Drop = VERDICT_DROP,
}

/// The hook buffer: the kernel writes the context and packet window here before each run.
/// 8-aligned so the context's fields are naturally aligned. Made by `netfilter!` only.
#[doc(hidden)]
#[repr(C, align(8))]
pub struct HookBuffer(UnsafeCell<[u8; BUFFER_SIZE as usize]>);

// SAFETY: a hook program instance runs on one CPU at a time and its runs never nest; the
// kernel writes the buffer only between runs. Guest code never writes it.
unsafe impl Sync for HookBuffer {}

impl HookBuffer {
    #[allow(clippy::new_without_default)]
    pub const fn new() -> HookBuffer {
        HookBuffer(UnsafeCell::new([0; BUFFER_SIZE as usize]))
    }
}

/// Runs `filter` on the packet in `buffer` and returns its verdict as the hook wants it.
///
/// The kernel passes the buffer's address as `ctx`; we read our own static instead, so a
/// wrong `ctx` cannot point the parser anywhere else. What we read is whatever the kernel
/// wrote: every field is checked before use (`Packet::from_buffer` and the header parsers).
/// Generic over the filter so that the call is direct (and usually inlined), not through a
/// function table.
#[doc(hidden)]
pub fn run<F: FnOnce(&Packet<'_>) -> Verdict>(buffer: &HookBuffer, _ctx: i32, filter: F) -> i32 {
    // SAFETY: nothing writes the buffer while a run reads it (see `Sync` above), and the
    // exported static's contents may change between runs, which `UnsafeCell` allows.
    let bytes: &[u8] = unsafe { &*buffer.0.get() };
    match Packet::from_buffer(bytes) {
        Some(packet) => filter(&packet) as i32,
        None => Verdict::Accept as i32,
    }
}

/// Makes `filter: fn(&Packet) -> Verdict` the program's netfilter entry: it exports
/// `kwasm_netfilter(ctx: i32) -> i32` and the buffer, a static exported as
/// `kwasm_hook_buffer` (on wasm32 an exported data symbol is an immutable i32 global holding
/// its address, as `kwasm_hooks::netfilter` asks). Use it once per program.
///
/// ```
/// use kwasm_guest::{Packet, Verdict};
///
/// /// No telnet.
/// fn filter(pkt: &Packet) -> Verdict {
///     match pkt.tcp() {
///         Some(tcp) if tcp.dst_port == 23 => Verdict::Drop,
///         _ => Verdict::Accept,
///     }
/// }
///
/// kwasm_guest::netfilter!(filter);
/// ```
#[macro_export]
macro_rules! netfilter {
    ($filter:path) => {
        const _: () = {
            #[export_name = "kwasm_hook_buffer"]
            static BUFFER: $crate::netfilter::HookBuffer = $crate::netfilter::HookBuffer::new();

            #[export_name = "kwasm_netfilter"]
            extern "C" fn entry(ctx: i32) -> i32 {
                $crate::netfilter::run(&BUFFER, ctx, $filter)
            }
        };
    };
}
