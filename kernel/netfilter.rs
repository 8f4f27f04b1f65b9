// SPDX-License-Identifier: GPL-2.0

//! The netfilter program type: what a packet looks like to the program (`hooks::netfilter`),
//! the hook's call into Rust (`netfilter_c.c` registers the hook), `packet_load`, and
//! `PROG_TEST_RUN` of netfilter programs through the same entry.

use crate::hook_link::HookLink;
use crate::hook_run::{self, NoVerdict, PacketSrc};
use crate::hooks::host_fns::{PACKET_LOAD, MODULE};
use crate::hooks::netfilter::{parse_l3, NfCtx, VERDICT_ACCEPT, WINDOW_MAX};
use crate::hooks::trap::TRAP_NONE;
use crate::hooks::vmctx::VmCtx;
use crate::kcore::bulk::COPY_FUEL_PER_KIB;
use crate::kcore::host::HostFn;
use crate::program::Program;
use crate::runtime::parts;
use crate::ffi;
use core::ffi::c_void;

/// What the C hook passes about one packet (`struct kwasm_nf_packet`).
#[repr(C)]
pub(crate) struct NfPacket {
    pub(crate) skb: *const c_void,
    pub(crate) hook: u32,
    pub(crate) family: u32,
    pub(crate) ifindex_in: u32,
    pub(crate) ifindex_out: u32,
    pub(crate) len: u32,
    pub(crate) mark: u32,
}

/// Runs `prog` on one packet (`src` holds its bytes): the program's verdict, unchecked.
///
/// # Safety
///
/// Bottom halves are off on this CPU; `src` is valid for the call.
pub(crate) unsafe fn run_packet(prog: &Program, pkt: &NfPacket, src: PacketSrc, fuel: u64) -> Result<u32, NoVerdict> {
    let fill = |buf: &mut [u8]| {
        let (ctx, window) = buf.split_at_mut(core::mem::size_of::<NfCtx>());
        let want = pkt.len.min(WINDOW_MAX) as usize;
        let copied = src.copy(0, &mut window[..want]) as usize;
        let (l3_proto, l4_proto, l4_offset) = parse_l3(pkt.family, &window[..copied]);
        let c = NfCtx {
            hook: pkt.hook,
            family: pkt.family,
            ifindex_in: pkt.ifindex_in,
            ifindex_out: pkt.ifindex_out,
            len: pkt.len,
            mark: pkt.mark,
            l3_proto,
            l4_proto,
            _reserved: 0,
            l4_offset,
            window_len: copied as u16,
        };
        ctx.copy_from_slice(&c.to_bytes());
    };
    // SAFETY: per the contract.
    unsafe { hook_run::run(prog, src, fuel, fill) }
}

/// The hook (`kwasm_nf_hook`): runs the link's program; `NF_ACCEPT` (1) or `NF_DROP` (0).
#[no_mangle]
extern "C" fn kwasm_rust_nf_run(link: *const c_void, prog: *const c_void, pkt: *const NfPacket) -> u32 {
    // SAFETY: `link` is the Rust link of a registered hook: it lives until the hook is
    // unregistered and no packet is inside it any more (`kwasm_nf_detach`); `prog` was read
    // under rcu_read_lock and stays alive until a grace period after it is swapped out
    // (`kwasm_nf_swap`); `pkt` is the hook's, on its stack.
    let (link, prog, pkt) = unsafe { (&*link.cast::<HookLink>(), &*prog.cast::<Program>(), &*pkt) };
    // SAFETY: the C hook turned bottom halves off; the skb is the hook's packet.
    let result = unsafe { run_packet(prog, pkt, PacketSrc::Skb(pkt.skb), link.fuel(prog)) };
    link.verdict(result)
}

/// The host functions of this file, for `providers::lookup_builtin`.
pub(crate) fn host_fns() -> [HostFn; 1] {
    [HostFn { module: MODULE, name: PACKET_LOAD.name, params: PACKET_LOAD.params, results: PACKET_LOAD.results, addr: packet_load as *const () as usize }]
}

/// `packet_load(offset, dst, len) -> i32`: bytes of the run's packet into the memory, paid
/// for by the byte as `memory.copy` (after the copy: how many there are is the packet's to
/// say, so at most one packet's copy runs past the fuel).
unsafe extern "C" fn packet_load(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: entered for an import of this signature with the importer's vmctx and slots.
    let (inst, s) = unsafe { parts::<3>(vmctx, slots) };
    let src = inst.packet;
    let (offset, dst, len) = (s[0] as u32, s[1] as u32 as usize, s[2] as u32 as usize);
    let copied = match dst.checked_add(len).and_then(|end| inst.memory_mut().get_mut(dst..end)) {
        Some(out) => src.copy(offset, out) as i32,
        None => -crate::kcore::errno::EFAULT,
    };
    s[0] = u64::from(copied as u32);
    let bytes = u64::try_from(copied).unwrap_or(0);
    // SAFETY: the vmctx of the code that called us, a separate allocation from the instance
    // and the slots, not referenced elsewhere during the call.
    match unsafe { crate::runtime::charge_bytes(vmctx, inst.uses_float, bytes, COPY_FUEL_PER_KIB) } {
        Ok(()) => TRAP_NONE,
        Err(trap) => trap,
    }
}

/// A test run's packet: the hook, family, interfaces and mark of `ctx` (or defaults: the local
/// input hook, the family of the packet's version nibble), the rest from the bytes.
pub(crate) fn test_packet(ctx: Option<NfCtx>, data: &[u8]) -> NfPacket {
    use crate::hooks::netfilter::{NFPROTO_IPV4, NFPROTO_IPV6, NF_INET_LOCAL_IN};
    let family = match data.first().map(|b| b >> 4) {
        Some(6) => NFPROTO_IPV6,
        _ => NFPROTO_IPV4,
    };
    let c = ctx.unwrap_or(NfCtx { hook: NF_INET_LOCAL_IN, family, ..NfCtx::default() });
    NfPacket {
        skb: core::ptr::null(),
        hook: c.hook,
        family: c.family,
        ifindex_in: c.ifindex_in,
        ifindex_out: c.ifindex_out,
        len: data.len() as u32,
        mark: c.mark,
    }
}

/// Runs of one stretch with bottom halves off in a test run: at most about a millisecond of
/// fuel in all (a hook's maximum), and at most 64.
pub(crate) fn test_batch(fuel: u64) -> u32 {
    (crate::hooks::prog_type::HOOK_FUEL_MAX / fuel.max(1)).clamp(1, 64) as u32
}

/// `runs` test runs of a netfilter program on `data`, as the hook would run it on this CPU, in
/// one stretch with bottom halves off: `(verdict, trap)` of the last, with the default verdict
/// (accept) when the run gave none.
pub(crate) fn test_runs(prog: &Program, pkt: &NfPacket, data: &[u8], fuel: u64, runs: u32) -> (u32, u32) {
    let mut last = Err(NoVerdict::Skipped);
    // SAFETY: pairs with the enable below; process context.
    unsafe { ffi::kwasm_bh_disable() };
    for _ in 0..runs {
        // SAFETY: bottom halves are off; `data` outlives the run.
        last = unsafe { run_packet(prog, pkt, PacketSrc::Bytes(data.as_ptr(), data.len()), fuel) };
    }
    // SAFETY: disabled above.
    unsafe { ffi::kwasm_bh_enable() };
    match last {
        Ok(v) => (v, TRAP_NONE),
        Err(NoVerdict::Trap(t)) => (VERDICT_ACCEPT, t),
        Err(NoVerdict::Skipped) => (VERDICT_ACCEPT, TRAP_NONE),
    }
}
