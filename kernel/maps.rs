// SPDX-License-Identifier: GPL-2.0

//! Maps in the kernel: the preallocated region `kcore::maps` formats (hash maps), an array's
//! values (`array_map.rs`: no lock, atomic words) or a ring buffer's pages (`ringbuf.rs`), one
//! spinlock each, an id and counted references (`objects.rs`). Every hash map and ring buffer
//! operation, from a hook or an ioctl, takes the map's lock with interrupts off and nothing
//! else: a leaf lock, held for one bounded operation on memory that is already there (no
//! allocation, no user copy, no sleep under it).

use crate::hooks::map::{is_percpu, MapCreateAttr, MAP_NAME_LEN, MAP_TYPE_COUNT, MAP_TYPE_RINGBUF};
use crate::array_map::ArrayValues;
use crate::kcore::maps::array::ArrayLayout;
use crate::kcore::maps::{Map as MapView, MapDef};
use crate::objects::{Object, ObjRef, Table};
use crate::ringbuf::Ring;
use crate::{ffi, KwasmState};
use core::cell::UnsafeCell;
use core::ffi::c_void;
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};

pub(crate) struct KMap {
    state: &'static KwasmState,
    pub(crate) def: MapDef,
    pub(crate) name: [u8; MAP_NAME_LEN],
    /// Hash seed, random per map (hash flooding).
    seed: u32,
    lock: SpinLock,
    /// Hash and array maps: the region `kcore::maps` formats; a hash map's is touched only
    /// under `lock`, an array's only through `array`.
    region: UnsafeCell<VVec<u8>>,
    array: Option<ArrayValues>,
    ring: Option<Ring>,
    pub(crate) bytes: usize,
}

// SAFETY: a hash map's `region` and the ring's producer side are only touched under `lock`, an
// array's region only atomically (`array`); the rest is immutable after creation.
unsafe impl Sync for KMap {}
// SAFETY: as above; nothing is tied to the creating task.
unsafe impl Send for KMap {}

impl Object for KMap {
    fn table(&self) -> &'static Mutex<Table<KMap>> {
        &self.state.maps
    }
}

pub(crate) type MapRef = ObjRef<KMap>;

/// A spinlock taken with interrupts off (`objects_c.c`): maps are used from hooks in softirq
/// and from ioctls, and later hook kinds may run with interrupts off.
struct SpinLock(*mut c_void);

impl SpinLock {
    fn new() -> Result<SpinLock> {
        // SAFETY: allocates and initialises a spinlock; freed in `Drop`.
        let lock = unsafe { ffi::kwasm_spinlock_new() };
        if lock.is_null() {
            return Err(ENOMEM);
        }
        Ok(SpinLock(lock))
    }

    fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        // SAFETY: a live spinlock; released below on the same CPU (interrupts stay off).
        let flags = unsafe { ffi::kwasm_spin_lock_irqsave(self.0) };
        let r = f();
        // SAFETY: taken above with these flags.
        unsafe { ffi::kwasm_spin_unlock_irqrestore(self.0, flags) };
        r
    }
}

impl Drop for SpinLock {
    fn drop(&mut self) {
        // SAFETY: allocated in `new`; nobody holds it (its map is being dropped).
        unsafe { ffi::kwasm_spinlock_free(self.0) };
    }
}

/// Possible CPUs: per-CPU maps keep a value for each, hook programs an instance for each.
pub(crate) fn ncpus() -> u32 {
    // SAFETY: reads a boot-time constant.
    unsafe { ffi::kwasm_nr_cpu_ids() }
}

impl KMap {
    /// A new map with an id and the creator's reference. `Err` is an errno and why.
    pub(crate) fn create(state: &'static KwasmState, attr: &MapCreateAttr) -> core::result::Result<MapRef, (Error, &'static str)> {
        if attr.flags != 0 {
            return Err((EINVAL, "unknown map flags"));
        }
        if attr.map_type == 0 || attr.map_type >= MAP_TYPE_COUNT {
            return Err((EINVAL, "unknown map type"));
        }
        let ncpus = if is_percpu(attr.map_type) { ncpus() } else { 1 };
        let def = MapDef { map_type: attr.map_type, key_size: attr.key_size, value_size: attr.value_size, max_entries: attr.max_entries, ncpus };
        def.check().map_err(|e| (Error::from_errno(-e), "key size, value size or entries out of bounds for this map type"))?;
        let bytes = def.bytes();
        let (region, ring) = if attr.map_type == MAP_TYPE_RINGBUF {
            (VVec::new(), Some(Ring::new(bytes).map_err(|e| (e, "no memory for the ring buffer"))?))
        } else {
            (VVec::from_elem(0u8, bytes, GFP_KERNEL_ACCOUNT).map_err(|_| (ENOMEM, "no memory for the map"))?, None)
        };
        let mut seed = [0u8; 4];
        // SAFETY: fills a valid buffer.
        unsafe { ffi::kwasm_random_bytes(seed.as_mut_ptr().cast(), 4) };
        let mut region = region;
        let array = ArrayLayout::of(&def).map(|layout| {
            // SAFETY: the region (vmalloc'ed: page-aligned) moves into the map with this; its
            // heap buffer does not move, and nothing else touches an array's region.
            unsafe { ArrayValues::new(region.as_mut_ptr(), region.len(), layout) }
        });
        let map = KMap {
            state,
            def,
            name: attr.name,
            seed: u32::from_ne_bytes(seed),
            lock: SpinLock::new().map_err(|e| (e, "no memory"))?,
            region: UnsafeCell::new(region),
            array,
            ring,
            bytes,
        };
        // Arrays need no formatting (their region is nothing but zeroed values).
        if map.ring.is_none() && map.array.is_none() {
            // SAFETY: nobody else sees the map yet.
            let region = unsafe { &mut *map.region.get() };
            MapView::init(&map.def, region, map.seed).map_err(|e| (Error::from_errno(-e), "map layout"))?;
        }
        let map = Arc::new(map, GFP_KERNEL_ACCOUNT).map_err(|_| (ENOMEM, "no memory"))?;
        Table::add(map).map_err(|e| (e, "too many maps"))
    }

    /// Runs `f` on a hash map's region under its lock, with the CPU it runs on (stable:
    /// interrupts are off). `EINVAL` for a ring buffer or an array.
    fn with_view<R>(&self, f: impl FnOnce(&mut MapView<'_>, u32) -> core::result::Result<R, i32>) -> core::result::Result<R, i32> {
        if self.ring.is_some() || self.array.is_some() {
            return Err(crate::kcore::errno::EINVAL);
        }
        self.lock.with(|| {
            // SAFETY: the region is only touched under the lock, which we hold; with
            // interrupts off this CPU cannot enter the map again meanwhile.
            let region = unsafe { &mut *self.region.get() };
            let mut view = MapView::open(&self.def, region, self.seed);
            // SAFETY: preemption is off under the lock.
            f(&mut view, unsafe { ffi::kwasm_this_cpu() })
        })
    }

    /// Writes one record to a ring buffer (`EINVAL` for other maps); wakes its readers.
    pub(crate) fn output(&self, bytes: &[u8]) -> core::result::Result<(), i32> {
        let Some(ring) = &self.ring else { return Err(crate::kcore::errno::EINVAL) };
        // SAFETY: the producer side is only used under the map's lock, held for the call.
        let r = self.lock.with(|| unsafe { ring.output(bytes) });
        if r.is_ok() {
            ring.wake();
        }
        r
    }

    pub(crate) fn ring(&self) -> Option<&Ring> {
        self.ring.as_ref()
    }

    /// Entries now (hash), `max_entries` (array), 0 (ring buffer).
    pub(crate) fn entries(&self) -> u32 {
        if self.array.is_some() {
            return self.def.max_entries;
        }
        self.with_view(|m, _| Ok(m.entries())).unwrap_or(0)
    }

    /// Userspace's lookup: every CPU's value of `key`, each padded (`def.user_value_size()`).
    pub(crate) fn lookup_user(&self, key: &[u8], out: &mut [u8]) -> core::result::Result<(), i32> {
        match &self.array {
            Some(a) => a.load_user(key, out),
            None => self.with_view(|m, _| m.lookup_user(key, out)),
        }
    }

    /// Userspace's update of every CPU's value of `key`, as `flags` (`MAP_UPDATE_*`) allow.
    pub(crate) fn update_user(&self, key: &[u8], value: &[u8], flags: u64) -> core::result::Result<(), i32> {
        match &self.array {
            Some(a) => a.store_user(key, value, flags),
            None => self.with_view(|m, _| m.update(key, value, flags, None)),
        }
    }

    pub(crate) fn delete(&self, key: &[u8]) -> core::result::Result<(), i32> {
        match &self.array {
            // As bpf: an array's indexes always exist.
            Some(_) => Err(crate::kcore::errno::EINVAL),
            None => self.with_view(|m, _| m.delete(key)),
        }
    }

    /// The key after `key` (none: the first) into `out`.
    pub(crate) fn next_key(&self, key: Option<&[u8]>, out: &mut [u8]) -> core::result::Result<(), i32> {
        match &self.array {
            Some(a) => a.layout.next_key(key, out),
            None => self.with_view(|m, _| m.next_key(key, out)),
        }
    }

    /// The key after `key` and its value, as userspace reads it; for a hash map in one hold of
    /// the lock (a key deleted between two holds is skipped, never returned without its value).
    pub(crate) fn next_entry(&self, key: Option<&[u8]>, out_key: &mut [u8], out_value: &mut [u8]) -> core::result::Result<(), i32> {
        match &self.array {
            Some(a) => {
                a.layout.next_key(key, out_key)?;
                a.load_user(out_key, out_value)
            }
            None => self.with_view(|m, _| {
                m.next_key(key, out_key)?;
                m.lookup_user(out_key, out_value)
            }),
        }
    }

    /// A program's lookup: this CPU's value of `key` into `out` (`value_size` bytes).
    pub(crate) fn lookup_here(&self, key: &[u8], out: &mut [u8]) -> core::result::Result<(), i32> {
        match &self.array {
            Some(a) => on_this_cpu(|cpu| a.load(a.layout.value_at(key, cpu, None)?, out)),
            None => self.with_view(|m, cpu| {
                out.copy_from_slice(m.value_mut(key, cpu)?);
                Ok(())
            }),
        }
    }

    /// A program's update of this CPU's value of `key`.
    pub(crate) fn update_here(&self, key: &[u8], value: &[u8], flags: u64) -> core::result::Result<(), i32> {
        match &self.array {
            Some(a) => on_this_cpu(|cpu| a.store(a.layout.value_at(key, cpu, Some(flags))?, value)),
            None => self.with_view(|m, cpu| m.update(key, value, flags, Some(cpu))),
        }
    }

    /// A program's atomic add to the u64 at `offset` of this CPU's value of `key`.
    pub(crate) fn add_here(&self, key: &[u8], offset: u32, delta: u64) -> core::result::Result<(), i32> {
        match &self.array {
            Some(a) => on_this_cpu(|cpu| a.add(a.layout.value_at(key, cpu, Some(0))?, offset, delta)),
            None => self.with_view(|m, cpu| m.add(key, offset, delta, cpu)),
        }
    }

    /// Records a ring buffer dropped.
    pub(crate) fn dropped(&self) -> u64 {
        self.ring.as_ref().map_or(0, |r| r.dropped())
    }
}

/// Runs `f` with the CPU it runs on, preemption off meanwhile (hooks already have it off; a test
/// program's run may not).
fn on_this_cpu<R>(f: impl FnOnce(u32) -> R) -> R {
    // SAFETY: pairs with the put below.
    let cpu = unsafe { ffi::kwasm_get_cpu() };
    let r = f(cpu);
    // SAFETY: taken above.
    unsafe { ffi::kwasm_put_cpu() };
    r
}

/// An fd taking over `r`.
pub(crate) fn into_fd(r: MapRef) -> Result<i32> {
    crate::objects::into_fd(r, ffi::kwasm_map_fd_new)
}

/// The map behind `fd`, or `EBADF`.
pub(crate) fn from_fd(fd: u32) -> Result<MapRef> {
    crate::objects::from_fd(fd, ffi::kwasm_map_fd_get)
}

#[no_mangle]
extern "C" fn kwasm_rust_map_release(raw: *const c_void) {
    // SAFETY: the file's reference, made by `into_fd`, released once by the file.
    unsafe { crate::objects::release_raw::<KMap>(raw) }
}

#[no_mangle]
extern "C" fn kwasm_rust_map_get(raw: *const c_void) -> *mut c_void {
    // SAFETY: called by `kwasm_map_fd_get` with the file held.
    unsafe { crate::objects::get_raw::<KMap>(raw) }
}

/// The ring buffer of the map a file holds, for `poll` and `mmap` (NULL for other maps).
#[no_mangle]
extern "C" fn kwasm_rust_map_ring(raw: *const c_void) -> *mut c_void {
    // SAFETY: the file (held by our caller, in a file operation) owns a reference.
    let map = unsafe { &*raw.cast::<KMap>() };
    map.ring().map_or(core::ptr::null_mut(), |r| r.raw())
}
