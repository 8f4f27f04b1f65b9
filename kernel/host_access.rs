// SPDX-License-Identifier: GPL-2.0

//! The host's ways into a loaded program, each under the lock of its link group (`group.rs`):
//! runs the host starts (`TEST_RUN`, later hooks) and reads of its instance (`GET_INFO`,
//! `GET_GLOBAL`). Runs *inside* a group (bridges, calls through shared tables) take no lock:
//! `Program::run`.

use crate::instance::Instance;
use crate::kcore::fuel::Meter;
use crate::registry::{ProgRef, Registry};
use kernel::prelude::*;

/// Runs code at `tramp` (a trampoline or host function of this program) with `slots`
/// (max(params, results) values) and the fuel of `meter` (what is left is written back); the
/// trap code, or `EINTR` if a fatal signal came while waiting for the lock.
pub(crate) fn run(prog: &ProgRef, tramp: usize, slots: &mut [u64], meter: &mut Meter) -> Result<u32> {
    let _group = Registry::lock_group(prog)?;
    // SAFETY: we hold the group lock and no reference to any instance of the group; `tramp` is
    // this program's and `slots` is as large as its signature needs (callers).
    Ok(unsafe { prog.run(tramp, slots.as_mut_ptr(), meter, 0) })
}

/// Runs `f` on the instance (no run in progress meanwhile). Not for hook programs: hooks run
/// their instances without the group lock.
fn with_instance<T>(prog: &ProgRef, f: impl FnOnce(&mut Instance) -> T) -> Result<T> {
    if prog.hook.is_some() {
        return Err(EINVAL);
    }
    let _group = Registry::lock_group(prog)?;
    // SAFETY: the group lock is held and nothing runs: this is the only reference.
    Ok(f(unsafe { &mut *prog.main_instance() }))
}

/// Deepest use of the program's wasm stack so far (0 for hook programs, whose instances are
/// in use by hooks at any time).
pub(crate) fn stack_high_water(prog: &ProgRef) -> Result<usize> {
    if prog.hook.is_some() {
        return Ok(0);
    }
    with_instance(prog, |inst| inst.stack_high_water())
}

/// Bytes of linear memory now; for hook programs, the bytes reserved per instance (what their
/// memory may grow to), fixed at load.
pub(crate) fn memory_size(prog: &ProgRef) -> Result<u64> {
    if let Some(hook) = prog.hook {
        // Not read from an instance: a hook may be growing it right now.
        return Ok(hook.memory_reserve as u64);
    }
    with_instance(prog, |inst| inst.memory_mut().len() as u64)
}

/// The value type and bits of exported global `name`.
pub(crate) fn global(prog: &ProgRef, name: &[u8]) -> Result<Option<(u32, u64)>> {
    let Some(g) = prog.global_export(name) else { return Ok(None) };
    // SAFETY: the cell is this program's or, for a re-exported import, another program's of
    // its group: alive as long as the group, which `prog` (a counted reference) keeps; the
    // group lock (held by `with_instance`) orders the read after every write of a run.
    if prog.hook.is_some() {
        // SAFETY: as above for the cell's life (8-aligned: a slot of the globals array). A hook
        // may be writing CPU 0's global meanwhile (an aligned 8-byte store of generated code,
        // no lock orders it): read atomically, one value or the other.
        let value = unsafe { core::sync::atomic::AtomicU64::from_ptr(g.cell) }.load(core::sync::atomic::Ordering::Relaxed);
        return Ok(Some((g.valtype, value)));
    }
    with_instance(prog, |_| Some((g.valtype, unsafe { *g.cell })))
}
