// SPDX-License-Identifier: GPL-2.0

//! Programs: loading an artifact (checks, code in the arena, instance) and running its
//! exports. One instance per program, runs serialised by its mutex.

use crate::arena::Code;
use crate::compile::Compiled;
use crate::ffi;
use crate::hooks::artifact::*;
use crate::hooks::attr::{ProgLoadAttr, PROG_NAME_LEN, PROG_TYPE_COUNT};
use crate::hooks::trap::{TRAP_COUNT, TRAP_HOST_ABORT, TRAP_NONE, TRAP_STACK_EXHAUSTED};
use crate::hooks::vmctx::{TableEntry, VmCtx, PAGE_SIZE};
use crate::instance::{Instance, STACK_HEADROOM, STACK_SIZE};
use crate::kcore::artifact::Artifact;
use crate::kcore::fuel::Meter;
use crate::kcore::{bulk, host, reloc};
use crate::hooks::fuel::FUEL_SLICE;
use crate::kcore::host::Lookup;
use crate::links::{self, Linker};
use crate::{providers, runtime, KwasmState};
use core::fmt::Write;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use kernel::prelude::*;
use kernel::types::Opaque;
use kernel::sync::Arc;

/// Policy limits of a program's instance.
pub(crate) const MEMORY_PAGES_MAX: u32 = 1024; // 64 MiB
pub(crate) const TABLE_MAX: u32 = 65536;
const IMPORTS_MAX: usize = 1024;
/// Fuel per run when neither the load nor the run names one (about a second of CPU), and the
/// most a run may get (about ten). A run comes back to the host every `FUEL_SLICE` (~10 ms),
/// which reschedules and stops it on a fatal signal (`runtime::fuel_exhausted`).
pub(crate) const DEFAULT_FUEL: u64 = crate::hooks::fuel::DEFAULT_RUN_FUEL;
pub(crate) const FUEL_MAX: u64 = crate::hooks::fuel::MAX_RUN_FUEL;

/// An exported function the host can run.
pub(crate) struct Export {
    pub(crate) name: KVec<u8>,
    pub(crate) trampoline: usize,
    pub(crate) params: KVec<u8>,
    pub(crate) results: KVec<u8>,
}

/// An exported global the host can read.
pub(crate) struct GlobalExport {
    pub(crate) name: KVec<u8>,
    pub(crate) index: u32,
    pub(crate) imported: bool,
    pub(crate) valtype: u32,
    pub(crate) mutable: bool,
}

#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) run_count: AtomicU64,
    pub(crate) run_time_ns: AtomicU64,
    pub(crate) traps: [AtomicU64; TRAP_COUNT as usize],
}

#[pin_data]
pub(crate) struct Program {
    pub(crate) state: &'static KwasmState,
    pub(crate) id: AtomicU32,
    /// Shares a memory or table with another program: runs take the share lock instead of the
    /// instance lock (see `enter`). Set once, never cleared; such programs stay pinned.
    pub(crate) shared: AtomicBool,
    /// Exported memory and table names (`EXPORT_MEMORY` / `EXPORT_TABLE`).
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
    pub(crate) exports: KVec<Export>,
    pub(crate) global_exports: KVec<GlobalExport>,
    pub(crate) stats: Stats,
    /// Guards `instance`: see [`Program::lock_instance`].
    #[pin]
    lock: Opaque<kernel::bindings::mutex>,
    instance: UnsafeCell<Instance>,
    /// Freed after the instance (field order): nothing can run once the program drops.
    _code: Code<'static>,
    /// Programs this one calls into or reads globals of, and the bridges to them.
    _bridges: KVec<KBox<links::Bridge>>,
    _linked: KVec<Arc<Program>>,
    /// Registered providers this program calls into: released last.
    _providers: providers::ProviderRefs,
}

/// A refused load: the errno, with the reason already in the log.
pub(crate) struct Refused(pub(crate) Error);

macro_rules! refuse {
    ($log:expr, $err:expr, $($fmt:tt)*) => {{
        let _ = write!($log, $($fmt)*);
        let _ = writeln!($log);
        return Err(Refused($err));
    }};
}

fn alloc_err<E>(_: E) -> Refused {
    Refused(ENOMEM)
}

impl Program {
    /// Checks, installs and instantiates the artifact the kernel compiled (`PROG_LOAD` started
    /// at `start`). Every refusal writes its reason to `log`.
    pub(crate) fn load(
        state: &'static KwasmState,
        attr: &ProgLoadAttr,
        compiled: &Compiled,
        start: u64,
        log: &mut impl Write,
    ) -> Result<Arc<Program>, Refused> {
        let bytes = &compiled.artifact[..];
        if attr.prog_type >= PROG_TYPE_COUNT {
            refuse!(log, EINVAL, "unknown program type {}", attr.prog_type);
        }
        if attr.flags != 0 {
            refuse!(log, EINVAL, "unknown flags {:#x}", attr.flags);
        }
        let art = match Artifact::parse(bytes) {
            Ok(a) => a,
            Err(e) => refuse!(log, EINVAL, "artifact: {}", e),
        };
        let h = *art.header();
        // Yield mode needs a timer that sets the flag and a thread that can reschedule: server
        // programs (to come). A test program in yield mode would run unbounded.
        if h.flags & FLAG_YIELD != 0 {
            refuse!(log, EINVAL, "yield-mode artifacts are for server programs; this program type needs fuel mode");
        }
        // SAFETY: reads CPU feature flags.
        if !unsafe { ffi::kwasm_cpu_has(h.cpu_features) } {
            refuse!(log, EINVAL, "the code needs CPU features {:#x} this CPU lacks", h.cpu_features);
        }
        if h.has_memory == 1 && h.memory_min > MEMORY_PAGES_MAX {
            refuse!(log, E2BIG, "memory of {} pages, at most {} allowed", h.memory_min, MEMORY_PAGES_MAX);
        }
        if h.has_table == 1 && h.table_min > TABLE_MAX {
            refuse!(log, E2BIG, "table of {} entries, at most {} allowed", h.table_min, TABLE_MAX);
        }
        if u64::from(h.min_stack) + STACK_HEADROOM > STACK_SIZE as u64 {
            refuse!(log, E2BIG, "the code needs {} bytes of stack, programs get {}", h.min_stack, STACK_SIZE);
        }
        if art.imports().len() > IMPORTS_MAX {
            refuse!(log, E2BIG, "{} imports, at most {} allowed", art.imports().len(), IMPORTS_MAX);
        }

        // Imports: host functions by (module, name, signature).
        // Code region: the code, a `jmp r11` stub without retpolines, one bridge stub per
        // function imported from a registered program.
        let links = state.links.lock();
        let linked_funcs = art
            .imports()
            .iter()
            .filter(|i| i.kind == IMPORT_FUNC && Linker::is_linked(&links, art.string(i.module).unwrap_or("")))
            .count();
        let code_bytes = art.section(Section::Code);
        // SAFETY: reads a constant address.
        let kernel_thunk = unsafe { ffi::kwasm_indirect_thunk_r11() };
        let stub_len = if kernel_thunk == 0 { 16 } else { 0 };
        let region_len = code_bytes.len() + stub_len + links::STUB_LEN * linked_funcs;
        let mut code = Code::reserve(state, region_len).map_err(|e| {
            let _ = writeln!(log, "no room in the executable arena for {} bytes", region_len);
            Refused(e)
        })?;
        let base = code.base();

        // Imports: host functions (built-in, then registered providers), then registered
        // programs' exports.
        let mut host_addrs = KVVec::from_elem(0usize, art.imports().len(), GFP_KERNEL).map_err(alloc_err)?;
        let mut provider_refs = providers::ProviderRefs::new();
        let mut linker = Linker::new(&links, base + code_bytes.len() + stub_len);
        let resolved = host::resolve_functions(
            &art,
            |m, n, p, r| match provider_refs.lookup(m, n, p, r) {
                Lookup::Unknown => linker.lookup(m, n, p, r),
                found => found,
            },
            &mut host_addrs,
        );
        if let Err(e) = resolved {
            refuse!(log, EINVAL, "{}", e);
        }
        // Other imports: spectest's (for the spec suite) and registered programs' globals.
        let mut cells = KVVec::with_capacity(art.imported(IMPORT_GLOBAL) as usize, GFP_KERNEL).map_err(alloc_err)?;
        // Per imported global: its cell's address, or None for one of `cells` (fixed below).
        let mut global_cells: KVVec<Option<u64>> = KVVec::new();
        let (mut memory_pages, mut memory_max_pages) = (h.memory_min, h.memory_max);
        let mut table_len = h.table_min;
        // A memory or table of a registered program: its owning instance.
        let (mut memory_owner, mut table_owner) = (core::ptr::null_mut::<Instance>(), core::ptr::null_mut::<Instance>());
        for imp in art.imports().iter().filter(|i| i.kind != IMPORT_FUNC) {
            let (module, name) = (art.string(imp.module).unwrap_or(""), art.string(imp.name).unwrap_or(""));
            if imp.kind == IMPORT_MEMORY || imp.kind == IMPORT_TABLE {
                if let Some(exporter) = linker.program(module) {
                    match exporter.shared_part(name, imp.kind, &h) {
                        Some(owner) if imp.kind == IMPORT_MEMORY => memory_owner = owner,
                        Some(owner) => table_owner = owner,
                        None => refuse!(log, EINVAL, "import {}.{}: incompatible import (no such export, or other limits)", module, name),
                    }
                    continue;
                }
            }
            if imp.kind == IMPORT_GLOBAL {
                if let Some(cell) = linker.global(module, name, imp.desc & 0xff, imp.desc >> 8 == 1) {
                    global_cells.push(Some(cell), GFP_KERNEL).map_err(alloc_err)?;
                    continue;
                }
            }
            match providers::spectest_extern(name, imp.kind, imp.desc, &h) {
                Some(providers::Extern::Global(v)) if module == "spectest" => {
                    cells.push(v, GFP_KERNEL).map_err(alloc_err)?;
                    global_cells.push(None, GFP_KERNEL).map_err(alloc_err)?;
                }
                Some(providers::Extern::Memory { pages, max }) if module == "spectest" => (memory_pages, memory_max_pages) = (pages, max),
                Some(providers::Extern::Table { len }) if module == "spectest" => table_len = len,
                _ => refuse!(log, EINVAL, "import {}.{}: unknown or incompatible import", module, name),
            }
        }

        let mut image = KVVec::with_capacity(region_len, GFP_KERNEL).map_err(alloc_err)?;
        image.extend_from_slice(code_bytes, GFP_KERNEL).map_err(alloc_err)?;
        // Without retpolines: a plain `jmp r11` after the code stands in for the thunk.
        let thunk = if kernel_thunk != 0 {
            kernel_thunk
        } else {
            image.extend_from_slice(&[0x41, 0xff, 0xe3, 0xcc], GFP_KERNEL).map_err(alloc_err)?;
            image.extend_with(stub_len - 4, 0xcc, GFP_KERNEL).map_err(alloc_err)?;
            base + code_bytes.len()
        };
        image.extend_from_slice(&linker.stubs, GFP_KERNEL).map_err(alloc_err)?;
        // Signature ids shared by every program (tables can hold functions of several).
        let mut type_ids = KVVec::with_capacity(art.types().len(), GFP_KERNEL).map_err(alloc_err)?;
        for t in art.types().iter() {
            let (p, r) = art.signature(t);
            let id = state.signatures.lock().id(p, r).map_err(alloc_err)?;
            type_ids.push(id, GFP_KERNEL).map_err(alloc_err)?;
        }
        let relocated = reloc::apply(&mut image[..code_bytes.len()], base as u64, art.relocs().iter(), |r| match r.kind {
            RELOC_CALL_IMPORT => host_addrs.get(r.target as usize).map(|&a| a as u64),
            RELOC_CALL_HELPER => runtime::address(r.target).map(|a| a as u64),
            RELOC_INDIRECT_THUNK if r.target == 11 => Some(thunk as u64),
            // SAFETY: reads a constant address; 0 (no thunk) refuses the relocation.
            RELOC_RETURN_THUNK => Some(unsafe { ffi::kwasm_return_thunk() } as u64).filter(|&a| a != 0),
            RELOC_TYPE_ID => type_ids.get(r.target as usize).map(|&id| u64::from(id)),
            _ => None,
        });
        if let Err(e) = relocated {
            refuse!(log, EINVAL, "relocation: {:?}", e);
        }
        code.write(&image).map_err(Refused)?;
        drop(image);
        let Linker { bridges, used, .. } = linker;
        drop(links);

        // Instance.
        let mut name = [0u8; 17];
        name[..PROG_NAME_LEN].copy_from_slice(&attr.name);
        if let Some(nul) = name.iter().position(|&b| b == 0) {
            name[nul..].fill(0);
        }
        // Import indices of the function and global imports, in order: function index n < the
        // imported count is import `func_imports[n]`, likewise for globals. Collected once, so
        // the loops below stay linear however many imports and exports an artifact has.
        let mut func_imports = KVVec::new();
        for k in art.import_indices(IMPORT_FUNC) {
            func_imports.push(k, GFP_KERNEL).map_err(alloc_err)?;
        }
        let mut global_imports = KVVec::new();
        for k in art.import_indices(IMPORT_GLOBAL) {
            global_imports.push(k, GFP_KERNEL).map_err(alloc_err)?;
        }
        let memory_max_pages = if h.has_memory == 1 { memory_max_pages.min(MEMORY_PAGES_MAX) } else { 0 };
        let memory_bytes = (u64::from(if h.has_memory == 1 { memory_pages } else { 0 }) * PAGE_SIZE) as usize;
        // Imported globals' slots hold their cell's address; defined ones their value. The
        // initialisers read the imported values from a copy (the cells move into the instance).
        let mut own = 0;
        for slot in global_cells.iter_mut() {
            if slot.is_none() {
                *slot = cells.get(own).map(|c| c as *const u64 as u64);
                own += 1;
            }
        }
        let cell_of = |import: u64| -> Option<u64> {
            let k = global_imports.binary_search(&(import as usize)).ok()?;
            // SAFETY: every address in `global_cells` is a live cell: ours (`cells`, moved into
            // the instance without reallocating) or a registered program's, kept by `linker`.
            global_cells.get(k).copied().flatten().map(|c| unsafe { *(c as *const u64) })
        };
        let mut globals = KVVec::with_capacity(global_cells.len() + art.globals().len(), GFP_KERNEL).map_err(alloc_err)?;
        for cell in global_cells.iter() {
            globals.push(cell.unwrap_or(0), GFP_KERNEL).map_err(alloc_err)?;
        }
        for g in art.globals().iter() {
            let v = if g.init_kind == INIT_GLOBAL_GET { cell_of(g.value).unwrap_or(0) } else { g.value };
            globals.push(v, GFP_KERNEL).map_err(alloc_err)?;
        }
        let segment_offset = |kind: u32, offset: u32| -> u32 {
            if kind == INIT_GLOBAL_GET { cell_of(u64::from(offset)).unwrap_or(u64::MAX) as u32 } else { offset }
        };
        let mut data = KVec::with_capacity(art.data().len(), GFP_KERNEL).map_err(alloc_err)?;
        let data_blob = art.section(Section::DataBytes);
        for d in art.data().iter() {
            let mut v = KVVec::with_capacity(d.bytes.len as usize, GFP_KERNEL).map_err(alloc_err)?;
            let (o, l) = (d.bytes.offset as usize, d.bytes.len as usize);
            v.extend_from_slice(&data_blob[o..o + l], GFP_KERNEL).map_err(alloc_err)?;
            data.push(v, GFP_KERNEL).map_err(alloc_err)?;
        }
        let mut elems = KVec::with_capacity(art.elems().len(), GFP_KERNEL).map_err(alloc_err)?;
        let elem_blob = art.section(Section::ElemFuncs);
        for e in art.elems().iter() {
            let mut v = KVVec::with_capacity(e.funcs.len as usize / 4, GFP_KERNEL).map_err(alloc_err)?;
            let (o, l) = (e.funcs.offset as usize, e.funcs.len as usize);
            for c in elem_blob[o..o + l].chunks_exact(4) {
                v.push(u32::from_le_bytes([c[0], c[1], c[2], c[3]]), GFP_KERNEL).map_err(alloc_err)?;
            }
            elems.push(v, GFP_KERNEL).map_err(alloc_err)?;
        }
        let vmctx = KBox::new(
            VmCtx::default(),
            GFP_KERNEL,
        )
        .map_err(alloc_err)?;
        let own_memory = if memory_owner.is_null() { memory_bytes } else { 0 };
        let own_table = if h.has_table == 1 && table_owner.is_null() { table_len as usize } else { 0 };
        let mut inst = Instance {
            vmctx,
            memory: VVec::from_elem(0u8, own_memory, GFP_KERNEL).map_err(alloc_err)?,
            memory_max_pages,
            memory_declared_max: h.memory_max,
            table: KVVec::from_elem(runtime::null_entry(), own_table, GFP_KERNEL).map_err(alloc_err)?,
            table_declared_max: h.table_max,
            memory_owner,
            table_owner,
            memory_users: KVec::new(),
            nested_stacks: KVec::new(),
            active: 0,
            entry_points: KVVec::new(),
            program: core::ptr::null(),
            globals,
            stack: VVec::from_elem(0u8, STACK_SIZE, GFP_KERNEL).map_err(alloc_err)?,
            data,
            elems,
            func_entries: KVVec::new(),
            _cells: cells,
            uses_float: h.flags & FLAG_USES_FLOAT != 0,
            depth: 0,
            name,
        };
        let vm = inst.vmctx_ptr() as u64;
        let mut func_entries = KVVec::with_capacity(art.func_count() as usize, GFP_KERNEL).map_err(alloc_err)?;
        let mut entry_points = KVVec::new();
        for (k, imp) in art.imports().iter().enumerate().filter(|(_, i)| i.kind == IMPORT_FUNC) {
            let code = base as u64 + u64::from(imp.adapter);
            let type_id = u64::from(type_ids.get(imp.desc as usize).copied().unwrap_or(u32::MAX));
            func_entries.push(TableEntry { code, type_id, vmctx: vm, _reserved: 0 }, GFP_KERNEL).map_err(alloc_err)?;
            entry_points.push((code, host_addrs.get(k).copied().unwrap_or(0)), GFP_KERNEL).map_err(alloc_err)?;
        }
        for f in art.funcs().iter() {
            let code = base as u64 + u64::from(f.code.offset);
            let type_id = u64::from(type_ids.get(f.type_index as usize).copied().unwrap_or(u32::MAX));
            func_entries.push(TableEntry { code, type_id, vmctx: vm, _reserved: 0 }, GFP_KERNEL).map_err(alloc_err)?;
            if f.trampoline != NONE {
                entry_points.push((code, base + f.trampoline as usize), GFP_KERNEL).map_err(alloc_err)?;
            }
        }
        inst.func_entries = func_entries;
        inst.entry_points = entry_points;

        // Exports the host can run.
        let mut exports = KVec::new();
        let imported = art.imported(IMPORT_FUNC);
        for e in art.exports().iter().filter(|e| e.kind == EXPORT_FUNC) {
            // A defined function runs through its trampoline. A re-exported import is its host
            // function (or bridge stub) itself: both take (vmctx, slots) like a trampoline.
            let (type_index, entry) = if e.index >= imported {
                let Some(f) = art.funcs().get((e.index - imported) as usize) else { continue };
                (f.type_index, base + f.trampoline as usize)
            } else {
                let Some((k, imp)) = func_imports.get(e.index as usize).and_then(|&k| Some((k, art.imports().get(k)?))) else {
                    continue;
                };
                (imp.desc, host_addrs.get(k).copied().unwrap_or(0))
            };
            let ty = art.types().get(type_index as usize).ok_or(Refused(EINVAL))?;
            let (p, r) = art.signature(ty);
            let mut export = Export { name: KVec::new(), trampoline: entry, params: KVec::new(), results: KVec::new() };
            export.name.extend_from_slice(art.string(e.name).unwrap_or("").as_bytes(), GFP_KERNEL).map_err(alloc_err)?;
            export.params.extend_from_slice(p, GFP_KERNEL).map_err(alloc_err)?;
            export.results.extend_from_slice(r, GFP_KERNEL).map_err(alloc_err)?;
            exports.push(export, GFP_KERNEL).map_err(alloc_err)?;
        }

        let mut shared_exports = KVec::new();
        for e in art.exports().iter().filter(|e| e.kind == EXPORT_MEMORY || e.kind == EXPORT_TABLE) {
            let mut name = KVec::new();
            name.extend_from_slice(art.string(e.name).unwrap_or("").as_bytes(), GFP_KERNEL).map_err(alloc_err)?;
            shared_exports.push((name, e.kind), GFP_KERNEL).map_err(alloc_err)?;
        }
        let mut global_exports = KVec::new();
        let imported_globals = art.imported(IMPORT_GLOBAL);
        for e in art.exports().iter().filter(|e| e.kind == EXPORT_GLOBAL) {
            let (valtype, mutable) = if e.index < imported_globals {
                let imp = global_imports.get(e.index as usize).and_then(|&k| art.imports().get(k));
                (imp.map(|i| i.desc & 0xff), imp.is_some_and(|i| i.desc >> 8 == 1))
            } else {
                let g = art.globals().get((e.index - imported_globals) as usize);
                (g.map(|g| g.valtype), g.is_some_and(|g| g.mutable == 1))
            };
            let mut name = KVec::new();
            name.extend_from_slice(art.string(e.name).unwrap_or("").as_bytes(), GFP_KERNEL).map_err(alloc_err)?;
            let g = GlobalExport { name, index: e.index, imported: e.index < imported_globals, valtype: valtype.unwrap_or(0), mutable };
            global_exports.push(g, GFP_KERNEL).map_err(alloc_err)?;
        }
        // An imported start function is a host function: called directly.
        let start_host = match h.start_func {
            f if f != NONE && f < imported => {
                func_imports.get(f as usize).and_then(|&k| host_addrs.get(k).copied()).filter(|&a| a != 0)
            }
            _ => None,
        };
        let start_tramp = match h.start_func {
            NONE => None,
            f if f < imported => None,
            // The artifact checks guarantee a defined start function has a trampoline.
            f => art.funcs().get((f - imported) as usize).filter(|f| f.trampoline != NONE).map(|f| base + f.trampoline as usize),
        };
        let code_size = code.len();
        let program = Arc::pin_init(
            pin_init!(Program {
                id: AtomicU32::new(0),
                shared: AtomicBool::new(false),
                shared_exports,
                name: attr.name,
                prog_type: attr.prog_type,
                code_size,
                load_time_ns: start,
                load_duration_ns: AtomicU64::new(0),
                compile_time_ns: compiled.time_ns,
                compile_peak_bytes: compiled.peak_bytes,
                state,
                default_fuel: if attr.fuel == 0 { DEFAULT_FUEL } else { attr.fuel.min(FUEL_MAX) },
                uses_float: h.flags & FLAG_USES_FLOAT != 0,
                exports,
                global_exports,
                stats: Stats::default(),
                // SAFETY: initialises the mutex in place; it is never moved (pinned in the Arc).
                lock <- Opaque::ffi_init(|slot| unsafe { ffi::kwasm_program_lock_init(slot) }),
                instance: UnsafeCell::new(inst),
                _code: code,
                _bridges: bridges,
                _linked: used,
                _providers: provider_refs,
            }),
            GFP_KERNEL,
        )
        .map_err(|_| Refused(ENOMEM))?;

        // A program using another's memory or table joins the shared programs: pinned (the
        // owner's table may keep entries of it even if this load fails below) and run under the
        // share lock from now on.
        let shares = !memory_owner.is_null() || !table_owner.is_null();
        // SAFETY: takes the share lock (re-entrant for this task); released at the end of load.
        let share_taken = shares && unsafe { ffi::kwasm_share_lock() };
        let _share = ShareGuard(share_taken);
        if shares {
            program.shared.store(true, Ordering::Release);
            state.pinned.lock().push(program.clone(), GFP_KERNEL).map_err(alloc_err)?;
            if !memory_owner.is_null() {
                let vm = program.instance_ptr_unlocked();
                // SAFETY: the owner is pinned and, like us, only touched under the share lock.
                unsafe { (*memory_owner).memory_users.push((*vm).vmctx_ptr(), GFP_KERNEL).map_err(alloc_err)? };
            }
        }
        {
            // SAFETY: the program is not shared with anyone yet except through the share lock,
            // which we hold if it is shared; otherwise its own lock (taken here) guards it.
            let mut guard = if shares { None } else { Some(program.lock_instance(0)) };
            let inst: &mut Instance = match guard.as_mut() {
                Some(g) => g,
                None => unsafe { &mut *program.instance_ptr_unlocked() },
            };
            inst.program = &*program;
            let inst_ptr: *mut Instance = inst;
            inst.vmctx.instance = inst_ptr as u64;
            inst.publish();
            for (i, e) in art.elems().iter().enumerate() {
                if e.mode == SEGMENT_PASSIVE {
                    continue;
                }
                let funcs = core::mem::replace(&mut inst.elems[i], KVVec::new());
                if e.mode != SEGMENT_ACTIVE {
                    continue;
                }
                let table: *mut KVVec<TableEntry> = inst.table_mut();
                let entries: &[TableEntry] = &inst.func_entries;
                // SAFETY: the table is another allocation than the entries and the segment.
                let r = bulk::table_init(unsafe { &mut *table }, funcs.len() as u32, segment_offset(e.offset_kind, e.offset), 0, funcs.len() as u32, |k| {
                    funcs.get(k as usize).and_then(|&f| entries.get(f as usize)).copied().unwrap_or_default()
                });
                if let Err(t) = r {
                    refuse!(log, EINVAL, "elem segment {} does not fit the table (trap {})", i, t);
                }
            }
            for (i, d) in art.data().iter().enumerate() {
                if d.mode != SEGMENT_ACTIVE {
                    continue;
                }
                let bytes = core::mem::replace(&mut inst.data[i], KVVec::new());
                if let Err(t) = bulk::memory_init(inst.memory_mut(), &bytes, segment_offset(d.offset_kind, d.offset), 0, bytes.len() as u32) {
                    refuse!(log, EINVAL, "data segment {} does not fit the memory (trap {})", i, t);
                }
            }
        }
        // A host function takes (vmctx, slots) like a trampoline: entered the same way.
        if let Some(addr) = start_host {
            let mut slots = [0u64; 1];
            let trap = program.enter(addr, &mut slots, &mut program.budget(0), 0);
            if trap != TRAP_NONE {
                refuse!(log, EINVAL, "the start function trapped (trap {})", trap);
            }
        }
        if let Some(tramp) = start_tramp {
            let mut slots = [0u64; 1];
            let trap = program.enter(tramp, &mut slots, &mut program.budget(0), 0);
            // SAFETY: reads the current task's signal state.
            if trap == TRAP_HOST_ABORT && unsafe { ffi::kwasm_fatal_signal_pending() } {
                refuse!(log, EINTR, "the start function was interrupted by a fatal signal");
            }
            if trap != TRAP_NONE {
                refuse!(log, EINVAL, "the start function trapped (trap {})", trap);
            }
        }
        Ok(program)
    }

    /// Finds an export by name.
    pub(crate) fn export(&self, name: &[u8]) -> Option<&Export> {
        self.exports.iter().find(|e| &e.name[..] == name)
    }

    /// Runs code at `tramp` with `slots` (max(params, results) values) and the fuel of `meter`
    /// (what is left is written back); returns the trap code. `depth` counts program-to-program
    /// calls above this one (lockdep nesting).
    pub(crate) fn enter(&self, tramp: usize, slots: &mut [u64], meter: &mut Meter, depth: u32) -> u32 {
        self.enter_raw(tramp, slots.as_mut_ptr(), meter, depth)
    }

    /// A run the host starts with `fuel` (0: the program's default), sliced.
    pub(crate) fn budget(&self, fuel: u64) -> Meter {
        let fuel = if fuel == 0 { self.default_fuel } else { fuel.min(FUEL_MAX) };
        Meter::budget(fuel, FUEL_SLICE)
    }

    /// [`Self::enter`] with a raw slot area (calls through shared tables know only the pointer).
    pub(crate) fn enter_raw(&self, tramp: usize, slots: *mut u64, meter: &mut Meter, depth: u32) -> u32 {
        // Chains of calls between programs end here (lockdep has this many subclasses).
        if depth > CALL_DEPTH_MAX {
            return TRAP_HOST_ABORT;
        }
        if !self.shared.load(Ordering::Acquire) {
            let guard = self.lock_instance(depth);
            // It may have become shared while we waited (a load linked to it): then go the
            // shared way.
            if !self.shared.load(Ordering::Acquire) {
                // SAFETY: the guard holds the instance lock for the whole run.
                let trap = unsafe { self.run(self.instance.get(), tramp, slots, meter, depth) };
                drop(guard);
                return trap;
            }
        }
        // SAFETY: takes the share lock (re-entrant for this task).
        let _share = ShareGuard(unsafe { ffi::kwasm_share_lock() });
        // SAFETY: shared programs' instances are only touched under the share lock.
        unsafe { self.run(self.instance.get(), tramp, slots, meter, depth) }
    }

    /// One activation on `inst`, whose lock (instance or share) the caller holds. An activation
    /// nested in a running one (through a shared table) gets a wasm stack of its own.
    ///
    /// # Safety
    ///
    /// The caller holds the lock that guards `inst`; `tramp` takes (vmctx, slots) and belongs to
    /// this program; `slots` holds what its signature needs.
    unsafe fn run(&self, inst: *mut Instance, tramp: usize, slots: *mut u64, meter: &mut Meter, depth: u32) -> u32 {
        // SAFETY: per the contract; raw accesses only, the code re-enters through helpers.
        unsafe {
            let active = (*inst).active;
            let vm = (*inst).vmctx_ptr();
            let saved = ((*vm).stack_top, (*vm).stack_limit, Meter::of(&*vm), (*inst).depth);
            if active > 0 {
                if active as usize > NESTED_MAX {
                    return TRAP_STACK_EXHAUSTED;
                }
                let nested = &mut (*inst).nested_stacks;
                while nested.len() < active as usize {
                    let Ok(stack) = VVec::from_elem(0u8, STACK_SIZE, GFP_KERNEL) else {
                        return TRAP_STACK_EXHAUSTED;
                    };
                    if nested.push(stack, GFP_KERNEL).is_err() {
                        return TRAP_STACK_EXHAUSTED;
                    }
                }
                let bottom = nested[active as usize - 1].as_mut_ptr() as u64;
                (*vm).stack_top = (bottom + STACK_SIZE as u64) & !15;
                (*vm).stack_limit = bottom + STACK_HEADROOM;
            }
            (*inst).active = active + 1;
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
            (*inst).active = active;
            *meter = Meter::of(&*vm);
            if active > 0 {
                let outer;
                ((*vm).stack_top, (*vm).stack_limit, outer, (*inst).depth) = saved;
                outer.load_into(&mut *vm);
            }
            self.stats.run_count.fetch_add(1, Ordering::Relaxed);
            self.stats.run_time_ns.fetch_add(took, Ordering::Relaxed);
            if let Some(counter) = self.stats.traps.get(trap as usize) {
                if trap != TRAP_NONE {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
            trap
        }
    }

    /// Deepest use of the program's wasm stack so far (under the lock that guards it).
    pub(crate) fn stack_high_water(&self) -> usize {
        self.with_instance(|inst| inst.stack_high_water())
    }

    /// The instance without taking a lock: only for shared programs under the share lock, or
    /// before the program is visible to anyone else.
    pub(crate) fn instance_ptr_unlocked(&self) -> *mut Instance {
        self.instance.get()
    }

    /// Runs `f` on the instance under the lock that guards it.
    fn with_instance<T>(&self, f: impl FnOnce(&mut Instance) -> T) -> T {
        if self.shared.load(Ordering::Acquire) {
            // SAFETY: takes the share lock (re-entrant for this task).
            let _share = ShareGuard(unsafe { ffi::kwasm_share_lock() });
            // SAFETY: shared programs' instances are only touched under the share lock.
            f(unsafe { &mut *self.instance.get() })
        } else {
            f(&mut self.lock_instance(0))
        }
    }

    /// The owning instance of exported memory or table `name` (`kind` is `IMPORT_MEMORY` or
    /// `IMPORT_TABLE`) if it satisfies the importer's declared limits (`h`); the exporter
    /// becomes shared.
    pub(crate) fn shared_part(&self, name: &str, kind: u32, h: &Header) -> Option<*mut Instance> {
        let export_kind = if kind == IMPORT_MEMORY { EXPORT_MEMORY } else { EXPORT_TABLE };
        self.shared_exports.iter().find(|(n, k)| &n[..] == name.as_bytes() && *k == export_kind)?;
        // Wait for a run in progress (instance lock), then mark it: from now on its runs take
        // the share lock. The two locks are never nested here: runs nest them both ways
        // (instance then share through a bridge into a shared program, share then a deeper
        // instance subclass), so taking them in either order here could invert one.
        if !self.shared.load(Ordering::Acquire) {
            let _guard = self.lock_instance(0);
            self.shared.store(true, Ordering::Release);
        }
        // SAFETY: takes the share lock (re-entrant for this task).
        let _share = ShareGuard(unsafe { ffi::kwasm_share_lock() });
        let inst = self.instance.get();
        // SAFETY: a shared program's instance, under the share lock.
        let owner = unsafe {
            let own = if kind == IMPORT_MEMORY { (*inst).memory_owner } else { (*inst).table_owner };
            if own.is_null() { inst } else { own }
        };
        // SAFETY: as above; the owner is this program or one it keeps pinned.
        let fits = unsafe {
            let limits_ok = |size: u32, declared_max: u32, want_min: u32, want_max: u32| {
                size >= want_min && (want_max == NONE || (declared_max != NONE && declared_max <= want_max))
            };
            if kind == IMPORT_MEMORY {
                let pages = ((*owner).memory.len() as u64 / PAGE_SIZE) as u32;
                limits_ok(pages, (*owner).memory_declared_max, h.memory_min, h.memory_max)
            } else {
                limits_ok((*owner).table.len() as u32, (*owner).table_declared_max, h.table_min, h.table_max)
            }
        };
        fits.then_some(owner)
    }

    /// The value type and bits of exported global `name`.
    pub(crate) fn global(&self, name: &[u8]) -> Option<(u32, u64)> {
        let g = self.global_exports.iter().find(|g| &g.name[..] == name)?;
        let slot = self.with_instance(|inst| inst.globals.get(g.index as usize).copied())?;
        let value = if g.imported {
            // SAFETY: an imported global's slot holds the address of its cell in
            // `inst.cells`, alive as long as the instance.
            unsafe { *(slot as *const u64) }
        } else {
            slot
        };
        Some((g.valtype, value))
    }

    /// The address of exported global `name`'s cell, if its type and mutability are these.
    pub(crate) fn global_cell(&self, name: &[u8], valtype: u32, mutable: bool) -> Option<u64> {
        let g = self.global_exports.iter().find(|g| &g.name[..] == name)?;
        if g.valtype != valtype || g.mutable != mutable {
            return None;
        }
        // An imported global's slot already holds its cell's address. The globals never
        // reallocate, so the address stays valid while the program lives.
        self.with_instance(|inst| {
            let slot = inst.globals.get(g.index as usize)?;
            Some(if g.imported { *slot } else { slot as *const u64 as u64 })
        })
    }

    /// Bytes of linear memory now.
    pub(crate) fn memory_size(&self) -> u64 {
        self.with_instance(|inst| inst.memory_mut().len() as u64)
    }
}

// SAFETY: `instance` is only reached through `lock_instance`, which holds `lock`; everything
// else is immutable after load or atomic.
unsafe impl Sync for Program {}
// SAFETY: as above; nothing in a program is tied to the thread that loaded it.
unsafe impl Send for Program {}

/// Deepest chain of calls between programs (lockdep's subclasses).
pub(crate) const CALL_DEPTH_MAX: u32 = 7;

/// The instance, locked.
pub(crate) struct InstanceGuard<'a> {
    prog: &'a Program,
}

impl Program {
    /// Locks the instance. `depth` is 0 for runs and reads the host starts and one more for each
    /// program-to-program call below it (at most [`CALL_DEPTH_MAX`]).
    pub(crate) fn lock_instance(&self, depth: u32) -> InstanceGuard<'_> {
        // SAFETY: the mutex was initialised in `load` and lives (pinned) as long as `self`.
        unsafe { ffi::kwasm_program_lock(self.lock.get(), depth.min(CALL_DEPTH_MAX)) };
        InstanceGuard { prog: self }
    }
}

impl Deref for InstanceGuard<'_> {
    type Target = Instance;
    fn deref(&self) -> &Instance {
        // SAFETY: the lock is held for the guard's lifetime.
        unsafe { &*self.prog.instance.get() }
    }
}

impl DerefMut for InstanceGuard<'_> {
    fn deref_mut(&mut self) -> &mut Instance {
        // SAFETY: the lock is held for the guard's lifetime, and the guard is borrowed mutably.
        unsafe { &mut *self.prog.instance.get() }
    }
}

impl Drop for InstanceGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: locked in `lock_instance` by this task.
        unsafe { ffi::kwasm_program_unlock(self.prog.lock.get()) };
    }
}

/// Most activations of one instance nested inside each other (calls through shared tables).
const NESTED_MAX: usize = 4;

/// Releases the share lock if it was taken here.
struct ShareGuard(bool);

impl Drop for ShareGuard {
    fn drop(&mut self) {
        if self.0 {
            // SAFETY: taken by this task when the guard was made.
            unsafe { ffi::kwasm_share_unlock() };
        }
    }
}
