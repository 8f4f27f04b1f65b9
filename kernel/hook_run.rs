// SPDX-License-Identifier: GPL-2.0

//! The entry path of hook programs: one run on this CPU's instance, in atomic context.
//!
//! The caller (the netfilter hook, or `PROG_TEST_RUN` of a hook program, through the same
//! function) has bottom halves off, so this CPU runs nothing else of the program meanwhile and
//! no group lock is needed: a hook program's instances are its own (it imports nothing but
//! the kernel's host functions) and each is used by its CPU only. A run that finds its instance
//! busy (a hook nested in a hook on one CPU) or the FPU unusable is skipped, and the caller
//! gives the default verdict. The whole fuel budget is handed over at once (no reserve), so
//! nothing on the path sleeps; no clock is read (the per-run cost is what hooks pay).

use crate::ffi;
use crate::hooks::trap::TRAP_NONE;
use crate::hooks::vmctx::VmCtx;
use crate::instance::Instance;
use crate::program::Program;
use core::ffi::c_void;
use core::sync::atomic::Ordering;

/// Where a hook program is entered: its entry's trampoline, and the address (in its memory) of
/// the buffer the hook writes its context into.
#[derive(Clone, Copy)]
pub(crate) struct HookEntry {
    pub(crate) trampoline: usize,
    pub(crate) buffer: u32,
    /// Bytes of memory each instance reserved at load (what `PROG_GET_INFO` reports).
    pub(crate) memory_reserve: usize,
}

/// The packet of a run in progress, for `packet_load`: a socket buffer (a real hook) or bytes
/// (`PROG_TEST_RUN`), valid for the duration of the run only.
#[derive(Clone, Copy)]
pub(crate) enum PacketSrc {
    None,
    Skb(*const c_void),
    Bytes(*const u8, usize),
}

impl PacketSrc {
    /// Copies bytes from `offset` (past the network header) to `dst`; how many.
    pub(crate) fn copy(&self, offset: u32, dst: &mut [u8]) -> u32 {
        match *self {
            PacketSrc::None => 0,
            PacketSrc::Skb(skb) => {
                let len = u32::try_from(dst.len()).unwrap_or(u32::MAX);
                // SAFETY: `skb` is the hook's packet, alive during the run; `dst` is valid.
                unsafe { ffi::kwasm_skb_copy(skb, offset, dst.as_mut_ptr(), len) }
            }
            PacketSrc::Bytes(ptr, len) => {
                // SAFETY: the test run's buffer, alive during the run.
                let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };
                let src = bytes.get(offset as usize..).unwrap_or(&[]);
                let n = src.len().min(dst.len());
                dst[..n].copy_from_slice(&src[..n]);
                n as u32
            }
        }
    }
}

/// How a hook run ended without a verdict.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum NoVerdict {
    /// Not run: the instance was busy or the FPU unusable.
    Skipped,
    /// The program trapped (or ran out of fuel) with this code.
    Trap(u32),
}

/// Runs hook program `prog` on this CPU's instance: `fill` writes the context and the packet
/// window into the buffer (a slice of the instance's memory), then the entry runs with `fuel`.
/// The entry's i32 result, unchecked.
///
/// # Safety
///
/// Bottom halves are off on this CPU (preemption too); `packet` is valid for the call.
pub(crate) unsafe fn run(prog: &Program, packet: PacketSrc, fuel: u64, fill: impl FnOnce(&mut [u8])) -> Result<u32, NoVerdict> {
    let Some(entry) = prog.hook else { return Err(NoVerdict::Skipped) };
    // SAFETY: preemption is off (the contract).
    let cpu = unsafe { ffi::kwasm_this_cpu() } as usize;
    let Some(cell) = prog.instances.get(cpu) else { return Err(NoVerdict::Skipped) };
    let inst = cell.get();
    // SAFETY: this CPU's instance, used by this CPU only, with bottom halves off: nothing else
    // runs it unless this run nests in one (then `active` is set and we stop here).
    unsafe {
        if (*inst).active != 0 {
            return Err(NoVerdict::Skipped);
        }
        if prog.uses_float && !ffi::kwasm_irq_fpu_usable() {
            return Err(NoVerdict::Skipped);
        }
        let Some(buffer) = buffer_of(&mut *inst, entry.buffer) else { return Err(NoVerdict::Skipped) };
        fill(buffer);
        (*inst).active = 1;
        (*inst).packet = packet;
        let mut slots = [u64::from(entry.buffer)];
        let trap = enter(prog, inst, entry, fuel, &mut slots);
        (*inst).packet = PacketSrc::None;
        (*inst).active = 0;
        let result = slots[0] as u32;
        count(prog, trap);
        if trap != TRAP_NONE {
            return Err(NoVerdict::Trap(trap));
        }
        Ok(result)
    }
}

/// The hook buffer inside the instance's memory (checked at load; memory never shrinks).
fn buffer_of(inst: &mut Instance, at: u32) -> Option<&mut [u8]> {
    let at = at as usize;
    inst.memory_mut().get_mut(at..at + crate::hooks::netfilter::BUFFER_SIZE as usize)
}

/// Enters the code with `slots` (the buffer's address in, the result out).
///
/// # Safety
///
/// As for [`run`]; `inst` is marked active and no reference into it is live.
unsafe fn enter(prog: &Program, inst: *mut Instance, entry: HookEntry, fuel: u64, slots: &mut [u64; 1]) -> u32 {
    // SAFETY: per the contract. The stack bounds were set at load and never change.
    unsafe {
        let vm: *mut VmCtx = (*inst).vmctx_ptr();
        (*vm).fuel = i64::try_from(fuel).unwrap_or(i64::MAX);
        (*vm).fuel_reserve = 0;
        if prog.uses_float {
            ffi::kwasm_fpu_begin();
        }
        let trap = ffi::kwasm_enter(entry.trampoline, vm, slots.as_mut_ptr());
        if prog.uses_float {
            ffi::kwasm_fpu_end();
        }
        trap
    }
}

fn count(prog: &Program, trap: u32) {
    prog.stats.run_count.fetch_add(1, Ordering::Relaxed);
    if let Some(counter) = prog.stats.traps.get(trap as usize).filter(|_| trap != TRAP_NONE) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
