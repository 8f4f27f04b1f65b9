// SPDX-License-Identifier: GPL-2.0

//! The map host functions (`hooks::host_fns`): a program reads and writes its maps by copying
//! through its own linear memory. They run on the program's wasm stack, in atomic context for
//! hook programs: no allocation, no sleep; the map's spinlock is the only lock. A span outside
//! the memory is `-EFAULT` and a map the program did not declare `-EBADF`, never a trap.

use crate::hooks::host_fns::{MAP_ADD, MAP_DELETE, MAP_LOOKUP, MAP_UPDATE, MODULE, RINGBUF_OUTPUT};
use crate::hooks::map::limits::KEY_SIZE_MAX;
use crate::hooks::ringbuf::RECORD_MAX;
use crate::hooks::trap::TRAP_NONE;
use crate::hooks::vmctx::VmCtx;
use crate::instance::Instance;
use crate::kcore::errno::{E2BIG, EBADF, EFAULT, EINVAL};
use crate::kcore::host::HostFn;
use crate::maps::KMap;
use crate::runtime::parts;

/// The host functions of this file, for `providers::lookup_builtin`.
pub(crate) fn host_fns() -> [HostFn; 5] {
    let f = |sig: crate::hooks::host_fns::HostSig, addr: unsafe extern "C" fn(*mut VmCtx, *mut u64) -> u32| HostFn {
        module: MODULE,
        name: sig.name,
        params: sig.params,
        results: sig.results,
        addr: addr as usize,
    };
    [f(MAP_LOOKUP, map_lookup), f(MAP_UPDATE, map_update), f(MAP_DELETE, map_delete), f(MAP_ADD, map_add), f(RINGBUF_OUTPUT, ringbuf_output)]
}

/// `[ptr, ptr + len)` of the instance's memory.
fn span(inst: &mut Instance, ptr: u64, len: usize) -> Result<&mut [u8], i32> {
    let ptr = ptr as u32 as usize;
    let end = ptr.checked_add(len).ok_or(EFAULT)?;
    inst.memory_mut().get_mut(ptr..end).ok_or(EFAULT)
}

/// The program's map with id `id` (declared in its maps section).
fn map_of(inst: &Instance, id: u64) -> Result<&KMap, i32> {
    // SAFETY: `program` is set at instantiation and outlives its instances.
    let prog = unsafe { &*inst.program };
    prog.map(id as u32).ok_or(EBADF)
}

/// A key copied from the program's memory onto the stack (the memory and the map are used
/// together below).
struct Key {
    bytes: [u8; KEY_SIZE_MAX as usize],
    len: usize,
}

impl Key {
    fn get(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

/// The program's map `id` and the key at `key_ptr`.
fn map_and_key<'m>(inst: &mut Instance, id: u64, key_ptr: u64) -> Result<(&'m KMap, Key), i32> {
    let map: *const KMap = map_of(inst, id)?;
    // SAFETY: the map is the program's, kept by it for as long as it runs; not part of the
    // instance, so the instance can be borrowed again meanwhile.
    let map = unsafe { &*map };
    let len = map.def.key_size as usize;
    let mut key = Key { bytes: [0u8; KEY_SIZE_MAX as usize], len };
    key.bytes.get_mut(..len).ok_or(EINVAL)?.copy_from_slice(span(inst, key_ptr, len)?);
    Ok((map, key))
}

/// The result slot: 0 or a negative errno as an i32.
fn status(s: &mut u64, r: Result<(), i32>) -> u32 {
    *s = match r {
        Ok(()) => 0,
        Err(e) => u64::from((-e) as u32),
    };
    TRAP_NONE
}

unsafe extern "C" fn map_lookup(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: entered for an import of this signature with the importer's vmctx and slots.
    let (inst, s) = unsafe { parts::<3>(vmctx, slots) };
    let r = (|| {
        let (map, key) = map_and_key(inst, s[0], s[1])?;
        let value = span(inst, s[2], map.def.value_size as usize)?;
        map.lookup_here(key.get(), value)
    })();
    status(&mut s[0], r)
}

unsafe extern "C" fn map_update(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as in `map_lookup`.
    let (inst, s) = unsafe { parts::<4>(vmctx, slots) };
    let r = (|| {
        let (map, key) = map_and_key(inst, s[0], s[1])?;
        let value = span(inst, s[2], map.def.value_size as usize)?;
        map.update_here(key.get(), value, u64::from(s[3] as u32))
    })();
    status(&mut s[0], r)
}

unsafe extern "C" fn map_delete(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as in `map_lookup`.
    let (inst, s) = unsafe { parts::<2>(vmctx, slots) };
    let r = (|| {
        let (map, key) = map_and_key(inst, s[0], s[1])?;
        map.delete(key.get())
    })();
    status(&mut s[0], r)
}

unsafe extern "C" fn map_add(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as in `map_lookup`.
    let (inst, s) = unsafe { parts::<4>(vmctx, slots) };
    let r = (|| {
        let (map, key) = map_and_key(inst, s[0], s[1])?;
        map.add_here(key.get(), s[2] as u32, s[3])
    })();
    status(&mut s[0], r)
}

unsafe extern "C" fn ringbuf_output(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as in `map_lookup`.
    let (inst, s) = unsafe { parts::<3>(vmctx, slots) };
    let r = (|| {
        let map: *const KMap = map_of(inst, s[0])?;
        // SAFETY: as in `map_lookup`.
        let map = unsafe { &*map };
        let len = s[2] as u32;
        if len > RECORD_MAX {
            return Err(E2BIG);
        }
        map.output(span(inst, s[1], len as usize)?)
    })();
    status(&mut s[0], r)
}
