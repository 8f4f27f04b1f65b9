//! The runtime helpers and the host-call dispatcher, with the host-call convention
//! (`extern "sysv64" fn(vmctx, slots) -> trap code`). The semantics live in `kwasm_kcore::bulk`,
//! shared with the kernel; these are the userspace shims around them.

use super::instance::{enter, EntryPoint, State};
use super::Caller;
use kwasm_hooks::artifact::*;
use kwasm_hooks::fuel::FUEL_SLICE;
use kwasm_hooks::trap::{TRAP_HOST_ABORT, TRAP_NONE, TRAP_OUT_OF_FUEL};
use kwasm_hooks::vmctx::{TableEntry, VmCtx};
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
    let run = std::panic::AssertUnwindSafe(|| {
        // SAFETY: `entry` points into a live table (the caller just checked it); its vmctx
        // belongs to an instance that is alive (instances whose functions stay in a table are
        // kept alive by it), and `slots` is the caller's outgoing area for this signature.
        unsafe {
            let e = *entry;
            let vm = e.vmctx as *mut VmCtx;
            let st = (*vm).instance as *mut State;
            match (*st).entry_points.get(&e.code).copied() {
                Some(EntryPoint::Wasm(tramp)) => enter(vm, tramp, slots),
                Some(EntryPoint::Host(import)) => {
                    let funcs = &(*st).host_funcs;
                    let Some(Some(f)) = funcs.get(import).cloned() else {
                        return TRAP_HOST_ABORT;
                    };
                    let n = f.params.len().max(f.results.len());
                    let slots = std::slice::from_raw_parts_mut(slots, n);
                    let mut caller = Caller {
                        memory: (*st).memory_bytes(),
                    };
                    match (f.body)(&mut caller, slots) {
                        Ok(()) => TRAP_NONE,
                        Err(code) => code.max(1),
                    }
                }
                None => TRAP_HOST_ABORT,
            }
        }
    });
    std::panic::catch_unwind(run).unwrap_or(TRAP_HOST_ABORT)
}

/// Runs `f` on the instance state and the call's slots; panics become a host-abort trap
/// (unwinding through generated code is not allowed).
fn with_state<const N: usize>(
    vmctx: *mut VmCtx,
    slots: *mut u64,
    f: impl FnOnce(&mut State, &mut [u64; N]) -> Result<(), u32>,
) -> u32 {
    with_meter(vmctx, slots, |st, s, _| f(st, s))
}

/// [`with_state`], also passing the vmctx to charge for bulk work (`None` in yield mode).
fn with_meter<const N: usize>(
    vmctx: *mut VmCtx,
    slots: *mut u64,
    f: impl FnOnce(&mut State, &mut [u64; N], Option<&mut VmCtx>) -> Result<(), u32>,
) -> u32 {
    let run = std::panic::AssertUnwindSafe(|| {
        // SAFETY: generated code passes its own vmctx, whose `instance` points to the live
        // `State` of the running instance (nothing else borrows it during the call), and a
        // slot area of at least N values (the helper's arity, fixed by the compiler).
        let (state, slots) = unsafe {
            (
                &mut *((*vmctx).instance as *mut State),
                &mut *slots.cast::<[u64; N]>(),
            )
        };
        // SAFETY: the vmctx is a separate allocation from the state; generated code passes its
        // own, and nothing else borrows it during the call.
        let meter = state.metered.then(|| unsafe { &mut *vmctx });
        match f(state, slots, meter) {
            Ok(()) => TRAP_NONE,
            Err(code) => code,
        }
    });
    std::panic::catch_unwind(run).unwrap_or(TRAP_HOST_ABORT)
}

extern "sysv64" fn unknown(_: *mut VmCtx, _: *mut u64) -> u32 {
    TRAP_HOST_ABORT
}

extern "sysv64" fn memory_grow(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    with_meter::<1>(vmctx, slots, |st, s, meter| {
        if let Some(m) = &st.memory {
            bulk::memory_grow_charge(meter, m.pages(), s[0] as u32, m.max_pages())?;
        }
        let old = st.memory.as_ref().and_then(|m| m.grow(s[0] as u32));
        s[0] = u64::from(old.unwrap_or(u32::MAX));
        Ok(())
    })
}

extern "sysv64" fn yield_now(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    with_state::<0>(vmctx, slots, |st, _| {
        // SAFETY: as in `with_state`: the running instance's vmctx.
        unsafe { (*vmctx).yield_requested = 0 };
        if st.yield_hook.as_mut().is_none_or(|hook| hook()) {
            Ok(())
        } else {
            Err(TRAP_HOST_ABORT)
        }
    })
}

/// A check found the fuel spent: refill from the reserve (no time slices to yield in userspace:
/// the reserve is simply handed out) or stop the run.
extern "sysv64" fn fuel_exhausted(vmctx: *mut VmCtx, _slots: *mut u64) -> u32 {
    // SAFETY: generated code passes its own vmctx, which is live; nothing else borrows it
    // during the call.
    let vm = unsafe { &mut *vmctx };
    if fuel::refill(vm, FUEL_SLICE) {
        TRAP_NONE
    } else {
        TRAP_OUT_OF_FUEL
    }
}

extern "sysv64" fn memory_fill(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    with_meter::<3>(vmctx, slots, |st, s, meter| {
        let mem = st.memory_bytes();
        bulk::memory_fill_charged(meter, mem, s[0] as u32, s[1] as u8, s[2] as u32)
    })
}

extern "sysv64" fn memory_copy(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    with_meter::<3>(vmctx, slots, |st, s, meter| {
        let mem = st.memory_bytes();
        bulk::memory_copy_charged(meter, mem, s[0] as u32, s[1] as u32, s[2] as u32)
    })
}

extern "sysv64" fn memory_init(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    with_meter::<4>(vmctx, slots, |st, s, meter| {
        let data = std::mem::take(&mut st.data[s[3] as usize]);
        let result = bulk::memory_init_charged(
            meter,
            st.memory_bytes(),
            &data,
            s[0] as u32,
            s[1] as u32,
            s[2] as u32,
        );
        st.data[s[3] as usize] = data;
        result
    })
}

extern "sysv64" fn data_drop(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    with_state::<1>(vmctx, slots, |st, s| {
        st.data[s[0] as usize] = Vec::new();
        Ok(())
    })
}

extern "sysv64" fn table_init(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    with_meter::<4>(vmctx, slots, |st, s, meter| {
        let funcs = std::mem::take(&mut st.elems[s[3] as usize]);
        let entries = std::mem::take(&mut st.func_entries);
        let result = bulk::table_init_charged(
            meter,
            st.table_entries(),
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
        );
        st.elems[s[3] as usize] = funcs;
        st.func_entries = entries;
        result
    })
}

extern "sysv64" fn table_copy(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    with_meter::<3>(vmctx, slots, |st, s, meter| {
        let table = st.table_entries();
        bulk::table_copy_charged(meter, table, s[0] as u32, s[1] as u32, s[2] as u32)
    })
}

extern "sysv64" fn elem_drop(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    with_state::<1>(vmctx, slots, |st, s| {
        st.elems[s[0] as usize] = Vec::new();
        Ok(())
    })
}

/// Entered from an import veneer with the import index in edx.
pub extern "sysv64" fn host_dispatch(vmctx: *mut VmCtx, slots: *mut u64, import: u32) -> u32 {
    let run = std::panic::AssertUnwindSafe(|| {
        // SAFETY: as in `with_state`; the import's signature was checked at instantiation, so
        // the slot area holds max(params, results) values.
        let st = unsafe { &mut *((*vmctx).instance as *mut State) };
        let Some(Some(f)) = st.host_funcs.get(import as usize).cloned() else {
            return TRAP_HOST_ABORT;
        };
        let n = f.params.len().max(f.results.len());
        // SAFETY: see above.
        let slots = unsafe { std::slice::from_raw_parts_mut(slots, n) };
        let mut caller = Caller {
            memory: st.memory_bytes(),
        };
        match (f.body)(&mut caller, slots) {
            Ok(()) => TRAP_NONE,
            Err(code) => code.max(1),
        }
    });
    std::panic::catch_unwind(run).unwrap_or(TRAP_HOST_ABORT)
}
