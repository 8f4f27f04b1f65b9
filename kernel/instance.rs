// SPDX-License-Identifier: GPL-2.0

//! A program's instance: its linear memory, table, globals, segments and wasm stack, and the
//! vmctx the generated code reads. The runtime helpers reach it through `vmctx.instance`.

use crate::hooks::vmctx::{TableEntry, VmCtx, PAGE_SIZE};
use kernel::prelude::*;

/// Usable wasm stack per instance; the headroom below the limit is for host functions and
/// helpers, which run on this stack (design decision 7: 16 KiB or more).
pub(crate) const STACK_SIZE: usize = 256 << 10;
pub(crate) const STACK_HEADROOM: u64 = 32 << 10;

pub(crate) struct Instance {
    pub(crate) vmctx: KBox<VmCtx>,
    pub(crate) memory: VVec<u8>,
    pub(crate) memory_max_pages: u32,
    pub(crate) table: KVVec<TableEntry>,
    pub(crate) globals: KVVec<u64>,
    pub(crate) stack: VVec<u8>,
    /// Passive data segments' bytes (empty once dropped, and for active ones after init).
    pub(crate) data: KVec<KVVec<u8>>,
    /// Elem segments' function indices (empty once dropped).
    pub(crate) elems: KVec<KVVec<u32>>,
    /// Table entry of every function index.
    pub(crate) func_entries: KVVec<TableEntry>,
    /// Cells of imported globals (their slots in `globals` point here; never reallocated).
    pub(crate) _cells: KVVec<u64>,
    /// The program's floats need the FPU section (helpers that may sleep leave it).
    pub(crate) uses_float: bool,
    /// Nesting of the current run below host-started runs (program-to-program calls).
    pub(crate) depth: u32,
    /// The program's name, NUL-terminated, for log lines.
    pub(crate) name: [u8; 17],
}

impl Instance {
    /// Publishes where memory, table, globals and stack are to the generated code.
    pub(crate) fn publish(&mut self) {
        let vm = &mut *self.vmctx;
        vm.memory_base = self.memory.as_mut_ptr() as u64;
        vm.memory_size = self.memory.len() as u64;
        vm.memory_pages = self.memory.len() as u64 / PAGE_SIZE;
        vm.table_base = self.table.as_mut_ptr() as u64;
        vm.table_len = self.table.len() as u64;
        vm.globals_base = self.globals.as_mut_ptr() as u64;
        let bottom = self.stack.as_mut_ptr() as u64;
        vm.stack_top = (bottom + self.stack.len() as u64) & !15;
        vm.stack_limit = bottom + STACK_HEADROOM;
    }

    pub(crate) fn vmctx_ptr(&mut self) -> *mut VmCtx {
        &mut *self.vmctx
    }

    /// `memory.grow`: the old size in pages, or `None`.
    pub(crate) fn grow_memory(&mut self, delta: u32) -> Option<u32> {
        let old = (self.memory.len() as u64 / PAGE_SIZE) as u32;
        let new = crate::kcore::bulk::grow_pages(old, delta, self.memory_max_pages)?;
        let add = (u64::from(new - old) * PAGE_SIZE) as usize;
        self.memory.extend_with(add, 0, GFP_KERNEL).ok()?;
        self.publish();
        Some(old)
    }
}
