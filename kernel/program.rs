// SPDX-License-Identifier: GPL-2.0

//! A loaded program: its code, its instance and what the host can call or read, and one
//! activation of its code (`Program::run`). Loading is `load.rs`; the host's runs and reads,
//! under the group lock, are `host_access.rs`.
//!
//! Access rule for the instance: it is touched only by the holder of the program's link group
//! lock (`group.rs`): the host path that took it (`host_access.rs`, a load), or
//! code running under it (helpers, bridges and calls through shared tables, which all stay in
//! the group). Raw pointers carry it across nested activations; no reference to an instance
//! lives across a call that can run wasm.
//!
//! Hook programs (`hooks::prog_type`) have one instance per possible CPU instead, and their
//! runs take no lock: the hook's entry (`hook_run.rs`) runs this CPU's instance with bottom
//! halves off, and nothing else touches a hook program's instances after its load.

use crate::arena::Code;
use crate::ffi;
use crate::hooks::attr::PROG_NAME_LEN;
use crate::hooks::fuel::FUEL_SLICE;
use crate::hooks::trap::{TRAP_COUNT, TRAP_HOST_ABORT, TRAP_NONE, TRAP_STACK_EXHAUSTED};
use crate::instance::{Instance, STACK_SIZE};
use crate::kcore::fuel::Meter;
use crate::{links, providers, KwasmState};
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use kernel::prelude::*;

/// Policy limits of a program's instance.
pub(crate) const MEMORY_PAGES_MAX: u32 = 1024; // 64 MiB
// The compiled code relies on memories never growing past it (`hooks::vmctx`).
const _: () = assert!(MEMORY_PAGES_MAX <= crate::hooks::vmctx::MEMORY_PAGES_LIMIT);
pub(crate) const TABLE_MAX: u32 = 65536;
/// The most fuel a test run may get (about ten seconds; a program type's default is its
/// policy's). A run comes back to the host every `FUEL_SLICE` (~10 ms), which reschedules and
/// stops it on a fatal signal (`runtime::fuel_exhausted`).
pub(crate) const FUEL_MAX: u64 = crate::hooks::fuel::MAX_RUN_FUEL;

/// Deepest chain of calls between programs inside one run (each may need a nested stack).
pub(crate) const CALL_DEPTH_MAX: u32 = 32;
/// Most activations of one instance nested inside each other (calls through shared tables).
const NESTED_MAX: usize = 4;

/// An exported function the host can run.
pub(crate) struct Export {
    pub(crate) name: KVec<u8>,
    pub(crate) trampoline: usize,
    /// Its signature: an index into `Program::signatures` (kept once per type, so that the
    /// copies stay linear in the artifact however many exports share a large signature).
    pub(crate) type_index: u32,
}

/// A signature's parameter and result types.
pub(crate) type Signature = (KVec<u8>, KVec<u8>);

/// An exported global: its value lives in `cell` (the instance's slot, or the cell of the
/// global it imported), which never moves while the program lives.
pub(crate) struct GlobalExport {
    pub(crate) name: KVec<u8>,
    pub(crate) cell: *mut u64,
    pub(crate) valtype: u32,
    pub(crate) mutable: bool,
}

#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) run_count: AtomicU64,
    pub(crate) run_time_ns: AtomicU64,
    pub(crate) traps: [AtomicU64; TRAP_COUNT as usize],
}

pub(crate) struct Program {
    pub(crate) state: &'static KwasmState,
    pub(crate) id: AtomicU32,
    /// Exported memory and table names (`EXPORT_MEMORY` / `EXPORT_TABLE`), sorted.
    pub(crate) shared_exports: KVec<(KVec<u8>, u32)>,
    pub(crate) name: [u8; PROG_NAME_LEN],
    pub(crate) prog_type: u32,
    pub(crate) code_size: usize,
    pub(crate) load_time_ns: u64,
    /// Set once the load has finished.
    pub(crate) load_duration_ns: AtomicU64,
    pub(crate) compile_time_ns: u64,
    pub(crate) compile_peak_bytes: usize,
    pub(crate) default_fuel: u64,
    pub(crate) uses_float: bool,
    /// Sorted by name.
    pub(crate) exports: KVec<Export>,
    /// Per type of the module: its signature.
    pub(crate) signatures: KVec<Signature>,
    /// Sorted by name.
    pub(crate) global_exports: KVec<GlobalExport>,
    pub(crate) stats: Stats,
    /// See the module docs for who may touch them: one, or one per possible CPU for hook
    /// programs (indexed by CPU number). Never reallocated after the load.
    pub(crate) instances: KVec<UnsafeCell<Instance>>,
    /// Hook programs: where the hook enters.
    pub(crate) hook: Option<crate::hook_run::HookEntry>,
    /// The maps the program declared, by `map_id`, sorted.
    pub(crate) maps: KVec<(u32, crate::maps::MapRef)>,
    /// Freed after the instance (field order): nothing can run once the program drops.
    pub(crate) _code: Code<'static>,
    /// Bridges to the programs this one imports functions from.
    pub(crate) _bridges: KVec<KBox<links::Bridge>>,
    /// Signature ids the code compares (released on drop).
    pub(crate) _types: crate::signatures::TypeIds,
    /// Registered providers this program calls into: released last.
    pub(crate) _providers: providers::ProviderRefs,
}

impl Program {
    /// The instance host runs and reads use (CPU 0's for hook programs).
    pub(crate) fn main_instance(&self) -> *mut Instance {
        self.instances.first().map_or(core::ptr::null_mut(), UnsafeCell::get)
    }

    /// The program's map with `map_id` `id`.
    pub(crate) fn map(&self, id: u32) -> Option<&crate::maps::KMap> {
        let k = self.maps.binary_search_by_key(&id, |(m, _)| *m).ok()?;
        self.maps.get(k).map(|(_, m)| &**m)
    }

    /// Finds an export by name.
    pub(crate) fn export(&self, name: &[u8]) -> Option<&Export> {
        let k = self.exports.binary_search_by(|e| e.name[..].cmp(name)).ok()?;
        self.exports.get(k)
    }

    /// The parameter and result types of an export of this program.
    pub(crate) fn signature(&self, export: &Export) -> (&[u8], &[u8]) {
        self.signatures.get(export.type_index as usize).map_or((&[], &[]), |(p, r)| (&p[..], &r[..]))
    }

    /// A run the host starts with `fuel` (0: the program's default), sliced.
    pub(crate) fn budget(&self, fuel: u64) -> Meter {
        let fuel = if fuel == 0 { self.default_fuel } else { fuel.min(FUEL_MAX) };
        Meter::budget(fuel, FUEL_SLICE)
    }

    /// One activation of this program's code at `tramp`. An activation nested in a running one
    /// (a call back into this program through a shared table or a bridge) gets a wasm stack of
    /// its own; every activation sets its own stack bounds and the outer one's come back after.
    ///
    /// # Safety
    ///
    /// The caller holds this program's group lock, directly or as code running under it, and
    /// holds no reference into this program's instance; `tramp` takes (vmctx, slots) and
    /// belongs to this program; `slots` holds what its signature needs. `depth` counts the
    /// program-to-program calls above this one in the run.
    pub(crate) unsafe fn run(&self, tramp: usize, slots: *mut u64, meter: &mut Meter, depth: u32) -> u32 {
        // SAFETY: per the contract.
        unsafe { self.run_on(self.main_instance(), tramp, slots, meter, depth) }
    }

    /// [`Self::run`] on one of the program's instances (`inst`, from `instances`).
    ///
    /// # Safety
    ///
    /// As for [`Self::run`]; for a hook program, nothing else runs `inst` (its load).
    pub(crate) unsafe fn run_on(&self, inst: *mut Instance, tramp: usize, slots: *mut u64, meter: &mut Meter, depth: u32) -> u32 {
        if depth > CALL_DEPTH_MAX || inst.is_null() {
            return TRAP_STACK_EXHAUSTED;
        }
        // SAFETY: per the contract; raw accesses only, since the code re-enters through helpers.
        unsafe {
            let active = (*inst).active as usize;
            let Some((bottom, len)) = Self::stack_for(inst, active) else {
                return TRAP_STACK_EXHAUSTED;
            };
            let vm = (*inst).vmctx_ptr();
            let saved = ((*vm).stack_top, (*vm).stack_limit, Meter::of(&*vm), (*inst).depth);
            (*vm).stack_top = (bottom + len as u64) & !15;
            (*vm).stack_limit = bottom + crate::instance::STACK_HEADROOM;
            (*inst).active += 1;
            (*inst).depth = depth;
            meter.load_into(&mut *vm);
            let start = ffi::now_ns();
            if self.uses_float {
                ffi::kwasm_fpu_begin();
            }
            let trap = ffi::kwasm_enter(tramp, vm, slots);
            if self.uses_float {
                ffi::kwasm_fpu_end();
            }
            let took = ffi::now_ns().saturating_sub(start);
            (*inst).active -= 1;
            *meter = Meter::of(&*vm);
            let outer;
            ((*vm).stack_top, (*vm).stack_limit, outer, (*inst).depth) = saved;
            if active > 0 {
                outer.load_into(&mut *vm);
            }
            self.count_run(trap, took);
            trap
        }
    }

    /// Bottom and size of the wasm stack of activation `active` (0: the main stack).
    ///
    /// # Safety
    ///
    /// As for [`Self::run`], whose instance `inst` is.
    unsafe fn stack_for(inst: *mut Instance, active: usize) -> Option<(u64, usize)> {
        // SAFETY: per the contract.
        unsafe {
            // Hook instances never nest (their runs skip a busy instance) and never allocate.
            if active > 0 && (*inst).atomic {
                return None;
            }
            if active == 0 {
                return Some(((*inst).stack.as_mut_ptr() as u64, (*inst).stack.len()));
            }
            if active > NESTED_MAX {
                return None;
            }
            let nested = &mut (*inst).nested_stacks;
            while nested.len() < active {
                nested.reserve(1, GFP_KERNEL_ACCOUNT).ok()?;
                if !(*inst).charge.grow(STACK_SIZE) {
                    return None;
                }
                let Ok(stack) = VVec::from_elem(0u8, STACK_SIZE, GFP_KERNEL_ACCOUNT) else {
                    (*inst).charge.shrink(STACK_SIZE);
                    return None;
                };
                // Cannot fail: reserved above.
                nested.push(stack, GFP_KERNEL_ACCOUNT).ok()?;
            }
            Some((nested[active - 1].as_mut_ptr() as u64, STACK_SIZE))
        }
    }

    fn count_run(&self, trap: u32, took: u64) {
        self.stats.run_count.fetch_add(1, Ordering::Relaxed);
        self.stats.run_time_ns.fetch_add(took, Ordering::Relaxed);
        if let Some(counter) = self.stats.traps.get(trap as usize).filter(|_| trap != TRAP_NONE) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Exported global `name` (the list is sorted by name).
    pub(crate) fn global_export(&self, name: &[u8]) -> Option<&GlobalExport> {
        let k = self.global_exports.binary_search_by(|g| g.name[..].cmp(name)).ok()?;
        self.global_exports.get(k)
    }

    /// The cell of exported global `name`, if its type and mutability are these.
    pub(crate) fn global_cell(&self, name: &[u8], valtype: u32, mutable: bool) -> Option<*mut u64> {
        let g = self.global_export(name)?;
        (g.valtype == valtype && g.mutable == mutable).then_some(g.cell)
    }

    /// The instance owning exported memory or table `name` (`kind` is `IMPORT_MEMORY` or
    /// `IMPORT_TABLE`) if it satisfies the importer's declared limits (`h`).
    ///
    /// # Safety
    ///
    /// The caller holds this program's group lock and no reference into its instances.
    pub(crate) unsafe fn shared_part(&self, name: &str, kind: u32, h: &crate::hooks::artifact::Header) -> Option<*mut Instance> {
        use crate::hooks::artifact::{EXPORT_MEMORY, EXPORT_TABLE, IMPORT_MEMORY, NONE};
        use crate::hooks::vmctx::PAGE_SIZE;
        use crate::kcore::instantiate::limits_match;
        let export_kind = if kind == IMPORT_MEMORY { EXPORT_MEMORY } else { EXPORT_TABLE };
        self.shared_exports.binary_search_by(|(n, k)| (&n[..], *k).cmp(&(name.as_bytes(), export_kind))).ok()?;
        let inst = self.main_instance();
        let limits_ok = |size: u32, declared_max: u32, want_min: u32, want_max: u32| {
            limits_match(size, (declared_max != NONE).then_some(declared_max), want_min, want_max)
        };
        // SAFETY: per the contract; the owner is this program or one of its group.
        unsafe {
            let own = if kind == IMPORT_MEMORY { (*inst).memory_owner } else { (*inst).table_owner };
            let owner = if own.is_null() { inst } else { own };
            let fits = if kind == IMPORT_MEMORY {
                let pages = ((*owner).memory.len() as u64 / PAGE_SIZE) as u32;
                limits_ok(pages, (*owner).memory_declared_max, h.memory_min, h.memory_max)
            } else {
                limits_ok((*owner).table.len() as u32, (*owner).table_declared_max, h.table_min, h.table_max)
            };
            fits.then_some(owner)
        }
    }
}

// SAFETY: `instance` is only touched under the group lock (module docs); the global cells are
// read and written under it too; everything else is immutable after load or atomic.
unsafe impl Sync for Program {}
// SAFETY: as above; nothing in a program is tied to the task that loaded it.
unsafe impl Send for Program {}

/// Whether a trap came from a fatal signal (the run stopped between two fuel slices).
pub(crate) fn killed(trap: u32) -> bool {
    // SAFETY: reads the current task's signal state.
    trap == TRAP_HOST_ABORT && unsafe { ffi::kwasm_fatal_signal_pending() }
}
