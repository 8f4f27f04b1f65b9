//! The runtime helpers and the host-call dispatcher, with the host-call convention
//! (`extern "sysv64" fn(vmctx, slots) -> trap code`). The semantics live in `kwasm_kcore::bulk`,
//! shared with the kernel; these are the userspace shims around them.
//!
//! Every helper is called by generated code with its own vmctx, whose `instance` is the state of
//! the running instance (alive while its code runs: `instance.rs`), and a slot area of the
//! helper's arity. The state and vmctx are reached as `instance.rs`'s access rule says: the
//! bulk helpers hold the state for their one step, which runs no wasm or host code; the helpers
//! that call out (`yield_now`, `call_foreign`, `host_dispatch`) hold no reference across the call.

use super::instance::{call_host, enter, host_call_parts, EntryPoint, State};
use kwasm_hooks::artifact::*;
use kwasm_hooks::fuel::FUEL_SLICE;
use kwasm_hooks::trap::{TRAP_HOST_ABORT, TRAP_NONE, TRAP_OUT_OF_FUEL};
use kwasm_hooks::vmctx::{TableEntry, VmCtx};
use kwasm_kcore::fuel::Pay;
use kwasm_kcore::{bulk, fuel};

type Helper = extern "sysv64" fn(*mut VmCtx, *mut u64) -> u32;

/// Address of helper `id` (a `HELPER_*` constant).
pub fn address(id: u32) -> u64 {
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
        HELPER_CALL_FOREIGN => return call_foreign as *const () as usize as u64,
        HELPER_FUEL_EXHAUSTED => fuel_exhausted,
        _ => unknown,
    };
    f as usize as u64
}

/// `call_indirect` of another instance's table entry: enter that instance like the host would.
extern "sysv64" fn call_foreign(
    _vmctx: *mut VmCtx,
    slots: *mut u64,
    entry: *const TableEntry,
) -> u32 {
    guarded(|| {
        // SAFETY: `entry` points into a live table (the caller just bounds-checked it; entries
        // are written only by steps that run no code, so none is being written now). Its vmctx
        // belongs to a live core: the entry's instance wrote it into this table, and the table
        // keeps a dropped instance's core (`instance.rs`). `slots` is the caller's outgoing area
        // for this signature (the code compared the type ids), unused by anything else until we
        // return. The state is read for one step (the entry point's copy).
        unsafe {
            let e = *entry;
            let vm = e.vmctx as *mut VmCtx;
            let st = (*vm).instance as *const State;
            match (*st).entry_points.get(&e.code).copied() {
                Some(EntryPoint::Wasm(tramp)) => enter(vm, tramp, slots),
                Some(EntryPoint::Host(import)) => {
                    let Some((f, memory)) = host_call_parts(st, import) else {
                        return TRAP_HOST_ABORT;
                    };
                    let n = f.params.len().max(f.results.len());
                    call_host(
                        &f,
                        memory.as_deref(),
                        std::slice::from_raw_parts_mut(slots, n),
                    )
                }
                None => TRAP_HOST_ABORT,
            }
        }
    })
}

/// Runs `f`, turning a panic into a host-abort trap (unwinding through generated code is not
/// allowed).
fn guarded(f: impl FnOnce() -> u32) -> u32 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(TRAP_HOST_ABORT)
}

/// What the bulk helpers charge in fuel mode: the running code's vmctx, reached for each
/// payment only (a grow writes the vmctx's memory fields meanwhile, through the memory's list
/// of users).
struct VmMeter(*mut VmCtx);

impl Pay for VmMeter {
    fn pay(&mut self, units: u64) -> Result<(), u32> {
        // SAFETY: the running code's vmctx (a helper call); the reference lasts for the charge.
        unsafe { (*self.0).pay(units) }
    }
}

/// Runs the one step `f` of a bulk helper on the state, the call's slots and the meter to
/// charge (`None` in yield mode); `f` must run no wasm or host code.
fn bulk_step<const N: usize>(
    vmctx: *mut VmCtx,
    slots: *mut u64,
    f: impl FnOnce(&mut State, &mut [u64; N], Option<&mut VmMeter>) -> Result<(), u32>,
) -> u32 {
    guarded(|| {
        // SAFETY: generated code passes its own vmctx and a slot area of N values (the
        // helper's arity, fixed by the compiler); the state is alive while its code runs, and
        // no other reference to it is live (module docs) until `f`, which calls nothing that
        // could make one, returns. The slots are on the wasm stack, not in the state.
        let (state, slots) = unsafe {
            (
                &mut *((*vmctx).instance as *mut State),
                &mut *slots.cast::<[u64; N]>(),
            )
        };
        let mut meter = VmMeter(vmctx);
        let meter = state.metered.then_some(&mut meter);
        match f(state, slots, meter) {
            Ok(()) => TRAP_NONE,
            Err(code) => code,
        }
    })
}

extern "sysv64" fn unknown(_: *mut VmCtx, _: *mut u64) -> u32 {
    TRAP_HOST_ABORT
}

extern "sysv64" fn memory_grow(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    bulk_step::<1>(vmctx, slots, |st, s, meter| {
        if let Some(m) = &st.memory {
            bulk::memory_grow_charge(meter, m.pages(), s[0] as u32, m.grow_limit())?;
        }
        let old = st.memory.as_ref().and_then(|m| m.grow(s[0] as u32));
        s[0] = u64::from(old.unwrap_or(u32::MAX));
        Ok(())
    })
}

extern "sysv64" fn yield_now(vmctx: *mut VmCtx, _slots: *mut u64) -> u32 {
    guarded(|| {
        // SAFETY: the running code's vmctx and its state (see `bulk_step`); each access is a
        // step of its own: the hook may run wasm that comes back here, or replace the hook.
        let st = unsafe {
            (*vmctx).yield_requested = 0;
            (*vmctx).instance as *mut State
        };
        // The hook is taken out while it runs: yields of code it runs do not call it again, and
        // `set_yield_hook` meanwhile does not drop it under itself.
        // SAFETY: as above.
        let Some(mut hook) = (unsafe { (*st).yield_hook.take() }) else {
            return TRAP_NONE;
        };
        let go = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&mut hook));
        // SAFETY: as above; the state is still alive (its code is running: `instance.rs`).
        unsafe {
            let slot = &mut (*st).yield_hook;
            if slot.is_none() {
                *slot = Some(hook);
            }
        }
        match go {
            Ok(true) => TRAP_NONE,
            _ => TRAP_HOST_ABORT,
        }
    })
}

/// A check found the fuel spent: refill from the reserve (no time slices to yield in userspace:
/// the reserve is simply handed out) or stop the run.
extern "sysv64" fn fuel_exhausted(vmctx: *mut VmCtx, _slots: *mut u64) -> u32 {
    // SAFETY: generated code passes its own vmctx, which is live; the reference lasts for the
    // refill, which calls nothing.
    let vm = unsafe { &mut *vmctx };
    if fuel::refill(vm, FUEL_SLICE) {
        TRAP_NONE
    } else {
        TRAP_OUT_OF_FUEL
    }
}

extern "sysv64" fn memory_fill(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    bulk_step::<3>(vmctx, slots, |st, s, meter| {
        // SAFETY: the slice lasts for this step (`bulk_step`).
        let mem = unsafe { st.memory_bytes() }?;
        bulk::memory_fill_charged(meter, mem, s[0] as u32, s[1] as u8, s[2] as u32)
    })
}

extern "sysv64" fn memory_copy(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    bulk_step::<3>(vmctx, slots, |st, s, meter| {
        // SAFETY: the slice lasts for this step (`bulk_step`).
        let mem = unsafe { st.memory_bytes() }?;
        bulk::memory_copy_charged(meter, mem, s[0] as u32, s[1] as u32, s[2] as u32)
    })
}

extern "sysv64" fn memory_init(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    bulk_step::<4>(vmctx, slots, |st, s, meter| {
        let data = st.data.get(s[3] as usize).ok_or(TRAP_HOST_ABORT)?;
        // SAFETY: the slice lasts for this step (`bulk_step`); the memory is another
        // allocation than the segment.
        let mem = unsafe { st.memory_bytes() }?;
        bulk::memory_init_charged(meter, mem, data, s[0] as u32, s[1] as u32, s[2] as u32)
    })
}

extern "sysv64" fn data_drop(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    bulk_step::<1>(vmctx, slots, |st, s, _| {
        *st.data.get_mut(s[0] as usize).ok_or(TRAP_HOST_ABORT)? = Vec::new();
        Ok(())
    })
}

extern "sysv64" fn table_init(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    bulk_step::<4>(vmctx, slots, |st, s, meter| {
        let funcs = st.elems.get(s[3] as usize).ok_or(TRAP_HOST_ABORT)?;
        let entries = &st.func_entries;
        // SAFETY: the closure is this step's (`bulk_step`); the table is another allocation
        // than the state.
        unsafe {
            st.with_table(|table| {
                bulk::table_init_charged(
                    meter,
                    table,
                    funcs.len() as u32,
                    s[0] as u32,
                    s[1] as u32,
                    s[2] as u32,
                    |k| {
                        entries
                            .get(funcs[k as usize] as usize)
                            .copied()
                            .unwrap_or_default()
                    },
                )
            })
        }
    })
}

extern "sysv64" fn table_copy(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    bulk_step::<3>(vmctx, slots, |st, s, meter| {
        // SAFETY: as in `table_init`.
        unsafe {
            st.with_table(|table| {
                bulk::table_copy_charged(meter, table, s[0] as u32, s[1] as u32, s[2] as u32)
            })
        }
    })
}

extern "sysv64" fn elem_drop(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    bulk_step::<1>(vmctx, slots, |st, s, _| {
        *st.elems.get_mut(s[0] as usize).ok_or(TRAP_HOST_ABORT)? = Vec::new();
        Ok(())
    })
}

/// Entered from an import veneer with the import index in edx.
pub extern "sysv64" fn host_dispatch(vmctx: *mut VmCtx, slots: *mut u64, import: u32) -> u32 {
    guarded(|| {
        // SAFETY: generated code passes its own vmctx, whose state is alive while it runs and
        // not referenced elsewhere (module docs); read for the copies only.
        let parts = unsafe { host_call_parts((*vmctx).instance as *const State, import as usize) };
        let Some((f, memory)) = parts else {
            return TRAP_HOST_ABORT;
        };
        let n = f.params.len().max(f.results.len());
        // SAFETY: the import's signature was checked at instantiation, so the slot area (the
        // caller's outgoing area, on its stack) holds max(params, results) values; nothing else
        // uses it until we return (nested activations of the caller run on other stacks).
        let slots = unsafe { std::slice::from_raw_parts_mut(slots, n) };
        call_host(&f, memory.as_deref(), slots)
    })
}
