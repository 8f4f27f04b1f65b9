// SPDX-License-Identifier: GPL-2.0

//! The runtime helpers generated code calls (`kwasm_hooks::artifact::HELPER_*`), with the
//! host-call convention `extern "C" fn(vmctx, slots) -> trap code`. The semantics are
//! `kcore::bulk`'s, shared with the userspace executor; these are the kernel shims.

use crate::ffi;
use crate::hooks::artifact::*;
use crate::hooks::trap::{TRAP_HOST_ABORT, TRAP_NONE};
use crate::hooks::vmctx::{TableEntry, VmCtx};
use crate::instance::Instance;
use crate::hooks::fuel::FUEL_SLICE;
use crate::hooks::trap::TRAP_OUT_OF_FUEL;
use crate::kcore::bulk;
use crate::kcore::fuel::{self, Meter, Pay};

type Helper = unsafe extern "C" fn(*mut VmCtx, *mut u64) -> u32;

/// Address of helper `id`, or `None` for an id this module does not know.
pub(crate) fn address(id: u32) -> Option<usize> {
    let f: Helper = match id {
        HELPER_MEMORY_GROW => memory_grow,
        HELPER_YIELD => yield_now,
        HELPER_MEMORY_FILL => memory_fill,
        HELPER_MEMORY_COPY => memory_copy,
        HELPER_MEMORY_INIT => memory_init,
        HELPER_DATA_DROP => data_drop,
        HELPER_TABLE_INIT => table_init,
        HELPER_TABLE_COPY => table_copy,
        HELPER_ELEM_DROP => elem_drop,
        HELPER_CALL_FOREIGN => return Some(call_foreign as *const () as usize),
        HELPER_FUEL_EXHAUSTED => fuel_exhausted,
        _ => return None,
    };
    Some(f as usize)
}

/// The instance and the first `N` slots of a helper or host-function call.
///
/// # Safety
///
/// `vmctx` is the vmctx of code running under its group's lock (a helper or host-function call
/// from generated code, or a host function entered directly by `Program::run`), so its
/// `instance` is that program's; `slots` holds at least `N` values. The frames below the call
/// (`Program::run`, `bridge_entry`, `call_foreign`) hold only raw pointers to instances, and
/// host paths are kept out by the group lock, so the returned reference is the only one, for
/// as long as the caller does not run wasm while holding it (no caller does: a helper that
/// enters another activation reads what it needs first and holds no reference across it).
pub(crate) unsafe fn parts<'a, const N: usize>(vmctx: *mut VmCtx, slots: *mut u64) -> (&'a mut Instance, &'a mut [u64; N]) {
    // SAFETY: see the function's contract.
    unsafe { (&mut *((*vmctx).instance as *mut Instance), &mut *slots.cast::<[u64; N]>()) }
}

fn code(r: Result<(), u32>) -> u32 {
    match r {
        Ok(()) => TRAP_NONE,
        Err(c) => c,
    }
}

/// Runs `f` outside the FPU section if the caller is in one (`in_fpu_section`: a float
/// program's run, in its code or a helper it called): preemptible, and free to sleep. Bulk
/// operations run this way too, so a float program holds the section (with preemption off)
/// only while its own code runs, for at most a fuel slice. Never nest it with `true` inside a
/// call that already left the section.
pub(crate) fn outside_fpu<T>(in_fpu_section: bool, f: impl FnOnce() -> T) -> T {
    if in_fpu_section {
        // SAFETY: the run entered the FPU section (program.rs) and re-enters it below.
        unsafe { ffi::kwasm_fpu_end() };
    }
    let r = f();
    if in_fpu_section {
        // SAFETY: pairs with the end above.
        unsafe { ffi::kwasm_fpu_begin() };
    }
    r
}

/// The end of a fuel slice: `vm.fuel` is spent. With budget left in the reserve, reschedule
/// (outside the FPU section), stop the run if the task was killed, and move the next slice
/// over. Without a reserve the run is out of fuel and nothing sleeps (runs with a reserve are
/// started by the host in process context; hook runs get their whole budget at once).
fn next_slice(vm: &mut VmCtx, in_fpu_section: bool) -> Result<(), u32> {
    while vm.fuel <= 0 {
        if vm.fuel_reserve <= 0 {
            return Err(TRAP_OUT_OF_FUEL);
        }
        // SAFETY: process context (see above).
        outside_fpu(in_fpu_section, || unsafe { ffi::kwasm_cond_resched() });
        // SAFETY: reads the current task's signal state.
        if unsafe { ffi::kwasm_fatal_signal_pending() } {
            return Err(TRAP_HOST_ABORT);
        }
        fuel::refill(vm, FUEL_SLICE);
    }
    Ok(())
}

/// What the kernel's bulk helpers charge: the run's vmctx, crossing slice boundaries the way
/// the generated code's checks do (`next_slice`), never silently.
/// It keeps a raw pointer and borrows the vmctx only while it pays: the helper may write the
/// same vmctx between payments (`memory.grow` publishes the new memory in it).
struct SliceMeter {
    vm: *mut VmCtx,
    in_fpu_section: bool,
}

impl Pay for SliceMeter {
    fn pay(&mut self, units: u64) -> Result<(), u32> {
        // SAFETY: the running code's vmctx (`meter`'s contract); this reference ends with the
        // call, and nothing else references the vmctx meanwhile.
        let vm = unsafe { &mut *self.vm };
        vm.fuel = vm.fuel.saturating_sub(i64::try_from(units).unwrap_or(i64::MAX));
        next_slice(vm, self.in_fpu_section)
    }
}

/// The meter of a bulk helper's run; `in_fpu_section`: whether the helper is inside the run's
/// FPU section when it pays (then a slice boundary leaves and re-enters it), false when the
/// helper already left it.
///
/// # Safety
///
/// `vmctx` is the running code's vmctx: a separate allocation from the memory, table and
/// segments the helper touches, suspended in the helper, and referenced by nobody else while
/// the meter pays.
unsafe fn meter(vmctx: *mut VmCtx, in_fpu_section: bool) -> SliceMeter {
    SliceMeter { vm: vmctx, in_fpu_section }
}

/// Charges a host function's work on `bytes` bytes, at `per_kib` units per KiB (prices as
/// `kcore::bulk`'s), to the running code's fuel the way the bulk helpers charge theirs: a host
/// call's fixed price does not cover a copy of kilobytes. `Err` is the trap to return (out of
/// fuel; a hook run has no reserve, so nothing sleeps here then).
///
/// # Safety
///
/// As [`meter`]: `vmctx` is the vmctx of the code that called the host function, referenced
/// by nobody else during the call; `uses_float`: that code's instance uses floats (a host
/// function runs inside the run's FPU section).
pub(crate) unsafe fn charge_bytes(vmctx: *mut VmCtx, uses_float: bool, bytes: u64, per_kib: u64) -> Result<(), u32> {
    // SAFETY: per the contract.
    let mut meter = unsafe { meter(vmctx, uses_float) };
    meter.pay(bulk::bytes_fuel(bytes, per_kib))
}

unsafe extern "C" fn memory_grow(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: called by generated code with its vmctx and a slot area of one value.
    let (inst, s) = unsafe { parts::<1>(vmctx, slots) };
    let delta = s[0] as u32;
    let (pages, max) = inst.memory_pages_and_max();
    // SAFETY: generated code's own vmctx (a helper call).
    let mut meter = unsafe { meter(vmctx, inst.uses_float) };
    if let Err(trap) = bulk::memory_grow_charge(Some(&mut meter), pages, delta, max) {
        return trap;
    }
    let uses_float = inst.uses_float;
    let old = outside_fpu(uses_float, || inst.grow_memory(delta));
    s[0] = u64::from(old.unwrap_or(u32::MAX));
    TRAP_NONE
}

unsafe extern "C" fn yield_now(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as for every helper.
    let (inst, _) = unsafe { parts::<0>(vmctx, slots) };
    // SAFETY: the running code's vmctx; no reference to it is live.
    unsafe { (*vmctx).yield_requested = 0 };
    // SAFETY: cond_resched in process context (runs happen in the ioctl's task).
    outside_fpu(inst.uses_float, || unsafe { ffi::kwasm_cond_resched() });
    TRAP_NONE
}

/// A fuel check (function entry or loop header) found the slice spent: see `next_slice`.
unsafe extern "C" fn fuel_exhausted(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as for every helper.
    let (inst, _) = unsafe { parts::<0>(vmctx, slots) };
    let uses_float = inst.uses_float;
    // SAFETY: the running code's vmctx; no other reference to it is live.
    code(next_slice(unsafe { &mut *vmctx }, uses_float))
}

unsafe extern "C" fn memory_fill(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as for every helper.
    let (inst, s) = unsafe { parts::<3>(vmctx, slots) };
    let uses_float = inst.uses_float;
    // SAFETY: generated code's own vmctx (a helper call). Outside the FPU section (below).
    let mut meter = unsafe { meter(vmctx, false) };
    let mem = inst.memory_mut();
    code(outside_fpu(uses_float, || bulk::memory_fill_charged(Some(&mut meter), mem, s[0] as u32, s[1] as u8, s[2] as u32)))
}

unsafe extern "C" fn memory_copy(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as for every helper.
    let (inst, s) = unsafe { parts::<3>(vmctx, slots) };
    let uses_float = inst.uses_float;
    // SAFETY: generated code's own vmctx (a helper call). Outside the FPU section (below).
    let mut meter = unsafe { meter(vmctx, false) };
    let mem = inst.memory_mut();
    code(outside_fpu(uses_float, || bulk::memory_copy_charged(Some(&mut meter), mem, s[0] as u32, s[1] as u32, s[2] as u32)))
}

unsafe extern "C" fn memory_init(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as for every helper.
    let (inst, s) = unsafe { parts::<4>(vmctx, slots) };
    let Some(data) = inst.data.get(s[3] as usize) else { return TRAP_HOST_ABORT };
    let data: *const [u8] = &data[..];
    let uses_float = inst.uses_float;
    // SAFETY: generated code's own vmctx (a helper call). Outside the FPU section (below).
    let mut meter = unsafe { meter(vmctx, false) };
    let mem = inst.memory_mut();
    // SAFETY: the segment's bytes and the memory are different allocations; nothing else
    // touches either during the call.
    let data = unsafe { &*data };
    code(outside_fpu(uses_float, || bulk::memory_init_charged(Some(&mut meter), mem, data, s[0] as u32, s[1] as u32, s[2] as u32)))
}

unsafe extern "C" fn data_drop(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as for every helper.
    let (inst, s) = unsafe { parts::<1>(vmctx, slots) };
    match inst.data.get_mut(s[0] as usize) {
        Some(d) => {
            *d = KVVec::new();
            TRAP_NONE
        }
        None => TRAP_HOST_ABORT,
    }
}

unsafe extern "C" fn table_init(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as for every helper.
    let (inst, s) = unsafe { parts::<4>(vmctx, slots) };
    let Some(funcs) = inst.elems.get(s[3] as usize) else { return TRAP_HOST_ABORT };
    let entries: &[TableEntry] = &inst.func_entries;
    let table: *mut KVVec<TableEntry> = if inst.table_owner.is_null() {
        &mut inst.table
    } else {
        // SAFETY: see `Instance::table_mut`.
        unsafe { &mut (*inst.table_owner).table }
    };
    // SAFETY: generated code's own vmctx (a helper call).
    let mut meter = unsafe { meter(vmctx, inst.uses_float) };
    // SAFETY: the table is another field (or another instance's) than the entries and the
    // segment, which are only read meanwhile; no other reference to it is live.
    let table = unsafe { &mut *table };
    code(bulk::table_init_charged(Some(&mut meter), table, funcs.len() as u32, s[0] as u32, s[1] as u32, s[2] as u32, |k| {
        funcs.get(k as usize).and_then(|&f| entries.get(f as usize)).copied().unwrap_or_default()
    }))
}

unsafe extern "C" fn table_copy(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as for every helper.
    let (inst, s) = unsafe { parts::<3>(vmctx, slots) };
    // SAFETY: generated code's own vmctx (a helper call).
    let mut meter = unsafe { meter(vmctx, inst.uses_float) };
    code(bulk::table_copy_charged(Some(&mut meter), inst.table_mut(), s[0] as u32, s[1] as u32, s[2] as u32))
}

unsafe extern "C" fn elem_drop(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as for every helper.
    let (inst, s) = unsafe { parts::<1>(vmctx, slots) };
    match inst.elems.get_mut(s[0] as usize) {
        Some(e) => {
            *e = KVVec::new();
            TRAP_NONE
        }
        None => TRAP_HOST_ABORT,
    }
}

/// `call_indirect` of a table entry of another program (a shared table): run that program's
/// function with the caller's slot area. The generated code passes the entry's address as a
/// third argument.
unsafe extern "C" fn call_foreign(vmctx: *mut VmCtx, slots: *mut u64, entry: *const TableEntry) -> u32 {
    // SAFETY: the caller's vmctx and instance (read here, not referenced during the call: the
    // callee may call back into it); the entry is in a live table (just bounds-checked by the
    // code). Tables are shared only inside a link group, so the entry's vmctx belongs to a
    // program of the caller's group, alive as long as the group and guarded by the lock the
    // run holds.
    let (uses_float, depth, e) = unsafe {
        let caller = (*vmctx).instance as *const Instance;
        ((*caller).uses_float, (*caller).depth, *entry)
    };
    // SAFETY: as above.
    let (prog, target) = unsafe {
        let callee = (*(e.vmctx as *const VmCtx)).instance as *const Instance;
        ((*callee).program, (*callee).entry_point(e.code))
    };
    let Some(target) = target.filter(|_| !prog.is_null()) else {
        return TRAP_HOST_ABORT;
    };
    call_in_group(vmctx, uses_float, |meter| {
        // SAFETY: the callee's program is in the caller's group (above), whose lock the run
        // holds; no reference into its instance is live; `target` takes (vmctx, slots) for the
        // entry's signature, which the code checked against the caller's.
        unsafe { (*prog).run(target, slots, meter, depth + 1) }
    })
}

/// A call from running code into another activation of its group (a bridge, or a call through
/// a shared table): outside the caller's FPU section (the callee may allocate a stack and
/// enters its own), spending the caller's fuel.
pub(crate) fn call_in_group(vmctx: *mut VmCtx, uses_float: bool, call: impl FnOnce(&mut Meter) -> u32) -> u32 {
    outside_fpu(uses_float, || {
        // SAFETY: the caller's vmctx, suspended in this call. A nested activation of the caller
        // writes it during the call (and restores it), so only these short-lived references
        // are made, none across the call.
        let mut meter = Meter::of(unsafe { &*vmctx });
        let trap = call(&mut meter);
        // SAFETY: as above.
        meter.load_into(unsafe { &mut *vmctx });
        trap
    })
}

use kernel::prelude::KVVec;

/// A null table entry.
pub(crate) fn null_entry() -> TableEntry {
    TableEntry::default()
}
