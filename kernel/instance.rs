// SPDX-License-Identifier: GPL-2.0

//! A program's instance: its linear memory, table, globals, segments and wasm stack, and the
//! vmctx the generated code reads. The runtime helpers reach it through `vmctx.instance`.
//!
//! A memory or table imported from a registered program belongs to that program's instance
//! (`*_owner`), in the same link group: alive as long as this one, and touched, like this one,
//! only under the group's lock (`program.rs` has the access rule).

use crate::hooks::vmctx::{TableEntry, VmCtx, PAGE_SIZE};
use crate::kcore::publish;
use kernel::prelude::*;

/// Usable wasm stack per instance; the headroom below the limit is for host functions and
/// helpers, which run on this stack (design decision 7: 16 KiB or more).
pub(crate) const STACK_SIZE: usize = 256 << 10;
pub(crate) const STACK_HEADROOM: u64 = crate::hooks::vmctx::HOST_STACK_HEADROOM;

/// The vmctx, owned through a raw pointer: generated code, helpers and the growth of a shared
/// memory write it while an `&mut Instance` may be live, so it is never reached through a
/// reference that claims to be unique (as a `KBox` field would). Only short-lived references
/// to it are made, never across a call that can run wasm.
pub(crate) struct VmCtxBox(core::ptr::NonNull<VmCtx>);

impl VmCtxBox {
    pub(crate) fn new() -> Result<VmCtxBox, kernel::alloc::AllocError> {
        let vm = KBox::new(VmCtx::default(), GFP_KERNEL_ACCOUNT)?;
        // SAFETY: `into_raw` never returns null.
        Ok(VmCtxBox(unsafe { core::ptr::NonNull::new_unchecked(KBox::into_raw(vm)) }))
    }

    pub(crate) fn ptr(&self) -> *mut VmCtx {
        self.0.as_ptr()
    }
}

impl Drop for VmCtxBox {
    fn drop(&mut self) {
        // SAFETY: made by `KBox::into_raw` in `new`, freed once here.
        drop(unsafe { KBox::from_raw(self.0.as_ptr()) });
    }
}

pub(crate) struct Instance {
    /// What the memory, table and stacks hold of the programs' memory budget.
    pub(crate) charge: crate::budget::Charge,
    pub(crate) vmctx: VmCtxBox,
    pub(crate) memory: VVec<u8>,
    pub(crate) memory_max_pages: u32,
    /// Declared maximum (`NONE` for none), for import matching.
    pub(crate) memory_declared_max: u32,
    pub(crate) table: KVVec<TableEntry>,
    pub(crate) table_declared_max: u32,
    /// The instance whose memory / table this one uses (null: its own).
    pub(crate) memory_owner: *mut Instance,
    pub(crate) table_owner: *mut Instance,
    /// Vmctxs of instances that import this one's memory (told about growth).
    pub(crate) memory_users: KVec<*mut VmCtx>,
    pub(crate) globals: KVVec<u64>,
    pub(crate) stack: VVec<u8>,
    /// Stacks for activations of this instance nested inside one already running (a call
    /// through a shared table back into it); `active` counts the running ones.
    pub(crate) nested_stacks: KVec<VVec<u8>>,
    pub(crate) active: u32,
    /// Passive data segments' bytes (empty once dropped, and for active ones after init).
    pub(crate) data: KVec<KVVec<u8>>,
    /// Elem segments' function indices (empty once dropped).
    pub(crate) elems: KVec<KVVec<u32>>,
    /// Table entry of every function index.
    pub(crate) func_entries: KVVec<TableEntry>,
    /// How another program enters a function of this one by its table entry's code address:
    /// the trampoline of a defined function, or the host function / bridge of an import.
    /// Sorted by code address.
    pub(crate) entry_points: KVVec<(u64, usize)>,
    /// The program owning this instance (for calls through shared tables).
    pub(crate) program: *const crate::program::Program,
    /// Cells of imported globals (their slots in `globals` point here; never reallocated).
    pub(crate) _cells: KVVec<u64>,
    /// The program's floats need the FPU section (helpers that may sleep leave it).
    pub(crate) uses_float: bool,
    /// Program-to-program calls above the current activation in its run.
    pub(crate) depth: u32,
    /// A hook program's instance: runs in atomic context, so it never allocates (its memory
    /// is reserved up to its maximum at load) and never nests.
    pub(crate) atomic: bool,
    /// The packet of the hook run in progress (`packet_load`).
    pub(crate) packet: crate::hook_run::PacketSrc,
    /// The program's name, NUL-terminated, for log lines.
    pub(crate) name: [u8; 17],
}

impl Instance {
    /// Deepest use of the main wasm stack so far: stacks start zeroed, so everything below the
    /// lowest non-zero byte was never touched (as the kernel's own `DEBUG_STACK_USAGE` counts).
    pub(crate) fn stack_high_water(&self) -> usize {
        let untouched = self.stack.iter().position(|&b| b != 0).unwrap_or(self.stack.len());
        self.stack.len() - untouched
    }

    /// The linear memory (this instance's or its owner's).
    pub(crate) fn memory_mut(&mut self) -> &mut VVec<u8> {
        if self.memory_owner.is_null() {
            &mut self.memory
        } else {
            // SAFETY: the owner is in this instance's group, alive as long as it, and the caller
            // holds the group lock with no other reference to the owner live (access rule).
            unsafe { &mut (*self.memory_owner).memory }
        }
    }

    pub(crate) fn table_mut(&mut self) -> &mut KVVec<TableEntry> {
        if self.table_owner.is_null() {
            &mut self.table
        } else {
            // SAFETY: as for the memory.
            unsafe { &mut (*self.table_owner).table }
        }
    }

    /// Where code at `code` (a table entry's code address of this instance) is entered from
    /// another program.
    pub(crate) fn entry_point(&self, code: u64) -> Option<usize> {
        let k = self.entry_points.binary_search_by_key(&code, |&(c, _)| c).ok()?;
        Some(self.entry_points[k].1).filter(|&t| t != 0)
    }

    /// Publishes where memory, table and globals are to the generated code (the stack bounds
    /// are each activation's: `Program::run`).
    pub(crate) fn publish(&mut self) {
        let (mem_base, mem_len) = {
            let m = self.memory_mut();
            (m.as_mut_ptr() as u64, m.len() as u64)
        };
        let (table_base, table_len) = {
            let t = self.table_mut();
            (t.as_mut_ptr() as u64, t.len() as u64)
        };
        let globals_base = self.globals.as_mut_ptr() as u64;
        // SAFETY: no other reference to the vmctx is live (see `VmCtxBox`).
        let vm = unsafe { &mut *self.vmctx.ptr() };
        publish::memory(vm, mem_base, mem_len);
        publish::table(vm, table_base, table_len);
        vm.globals_base = globals_base;
    }

    /// Sets the stack bounds once for all runs: hook instances never nest, so their runs
    /// (`hook_run.rs`) leave the bounds as they are.
    pub(crate) fn fix_stack(&mut self) {
        let bottom = self.stack.as_mut_ptr() as u64;
        // SAFETY: no other reference to the vmctx is live (see `VmCtxBox`).
        let vm = unsafe { &mut *self.vmctx.ptr() };
        vm.stack_top = (bottom + self.stack.len() as u64) & !15;
        vm.stack_limit = bottom + STACK_HEADROOM;
    }

    pub(crate) fn vmctx_ptr(&self) -> *mut VmCtx {
        self.vmctx.ptr()
    }

    /// Current pages and maximum of the memory (this instance's or its owner's).
    pub(crate) fn memory_pages_and_max(&self) -> (u32, u32) {
        if !self.memory_owner.is_null() {
            // SAFETY: as in `memory_mut`.
            return unsafe { (*self.memory_owner).memory_pages_and_max() };
        }
        ((self.memory.len() as u64 / PAGE_SIZE) as u32, self.memory_max_pages)
    }

    /// `memory.grow`: the old size in pages, or `None`. Growth of a shared memory is seen by
    /// every instance using it.
    pub(crate) fn grow_memory(&mut self, delta: u32) -> Option<u32> {
        if !self.memory_owner.is_null() {
            // SAFETY: as in `memory_mut`.
            return unsafe { (*self.memory_owner).grow_memory(delta) };
        }
        let old = (self.memory.len() as u64 / PAGE_SIZE) as u32;
        let new = crate::kcore::bulk::grow_pages(old, delta, self.memory_max_pages)?;
        let add = (u64::from(new - old) * PAGE_SIZE) as usize;
        // Within the reservation, extending does not allocate (a hook's memory was charged
        // whole at load).
        if self.atomic {
            if add > self.memory.capacity() - self.memory.len() {
                return None;
            }
            // The capacity is set: this cannot allocate.
            self.memory.extend_with(add, 0, GFP_NOWAIT).ok()?;
            self.publish();
            return Some(old);
        }
        if !self.charge.grow(add) {
            return None;
        }
        // A failed growth leaves the memory where it was (nothing to publish).
        if self.memory.extend_with(add, 0, GFP_KERNEL_ACCOUNT).is_err() {
            self.charge.shrink(add);
            return None;
        }
        self.publish();
        let (base, len) = (self.memory.as_mut_ptr() as u64, self.memory.len() as u64);
        for &vm in self.memory_users.iter() {
            // SAFETY: users are vmctxs of this instance's group (alive as long as it), touched
            // under the group lock; none is referenced elsewhere during the call.
            let vm = unsafe { &mut *vm };
            publish::memory(vm, base, len);
        }
        Some(old)
    }
}
