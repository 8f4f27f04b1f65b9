// SPDX-License-Identifier: GPL-2.0

//! Programs: loading an artifact (checks, code in the arena, instance) and running its
//! exports. One instance per program, runs serialised by its mutex.

use crate::arena::Code;
use crate::ffi;
use crate::hooks::artifact::*;
use crate::hooks::attr::{ProgLoadAttr, PROG_NAME_LEN, PROG_TYPE_COUNT};
use crate::hooks::trap::{TRAP_COUNT, TRAP_NONE};
use crate::hooks::vmctx::{TableEntry, VmCtx, PAGE_SIZE};
use crate::instance::{Instance, STACK_HEADROOM, STACK_SIZE};
use crate::kcore::artifact::Artifact;
use crate::kcore::{bulk, host, reloc};
use crate::{providers, runtime, KwasmState};
use core::fmt::Write;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::sync::Mutex;

/// Largest artifact `PROG_LOAD` copies.
pub(crate) const ARTIFACT_MAX: usize = 16 << 20;
/// Policy limits of a program's instance.
pub(crate) const MEMORY_PAGES_MAX: u32 = 1024; // 64 MiB
pub(crate) const TABLE_MAX: u32 = 65536;
const IMPORTS_MAX: usize = 1024;
/// Fuel per run when neither the load nor the run names one; and the most a run may get (about
/// a second of loop iterations: a run cannot be interrupted, repeats can).
pub(crate) const DEFAULT_FUEL: u64 = 100_000_000;
pub(crate) const FUEL_MAX: u64 = 1_000_000_000;

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
    pub(crate) name: [u8; PROG_NAME_LEN],
    pub(crate) prog_type: u32,
    pub(crate) code_size: usize,
    pub(crate) load_time_ns: u64,
    pub(crate) default_fuel: u64,
    pub(crate) uses_float: bool,
    pub(crate) exports: KVec<Export>,
    pub(crate) global_exports: KVec<GlobalExport>,
    pub(crate) stats: Stats,
    #[pin]
    pub(crate) instance: Mutex<Instance>,
    /// Freed after the instance (field order): nothing can run once the program drops.
    _code: Code<'static>,
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
    /// Checks, installs and instantiates `bytes`. Every refusal writes its reason to `log`.
    pub(crate) fn load(
        state: &'static KwasmState,
        attr: &ProgLoadAttr,
        bytes: &[u8],
        log: &mut impl Write,
    ) -> Result<Arc<Program>, Refused> {
        let start = ffi::now_ns();
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
        let mut host_addrs = KVVec::from_elem(0usize, art.imports().len(), GFP_KERNEL).map_err(alloc_err)?;
        let mut provider_refs = providers::ProviderRefs::new();
        if let Err(e) = host::resolve_functions(&art, |m, n, p, r| provider_refs.lookup(m, n, p, r), &mut host_addrs) {
            refuse!(log, EINVAL, "{}", e);
        }
        // Other imports: only the spectest module's, for the spec suite.
        let mut cells = KVVec::with_capacity(art.imported(IMPORT_GLOBAL) as usize, GFP_KERNEL).map_err(alloc_err)?;
        let (mut memory_pages, mut memory_max_pages) = (h.memory_min, h.memory_max);
        let mut table_len = h.table_min;
        for imp in art.imports().iter().filter(|i| i.kind != IMPORT_FUNC) {
            let (module, name) = (art.string(imp.module).unwrap_or(""), art.string(imp.name).unwrap_or(""));
            match providers::spectest_extern(name, imp.kind, imp.desc, &h) {
                Some(providers::Extern::Global(v)) if module == "spectest" => cells.push(v, GFP_KERNEL).map_err(alloc_err)?,
                Some(providers::Extern::Memory { pages, max }) if module == "spectest" => (memory_pages, memory_max_pages) = (pages, max),
                Some(providers::Extern::Table { len }) if module == "spectest" => table_len = len,
                _ => refuse!(log, EINVAL, "import {}.{}: unknown or incompatible import (only functions, and spectest's globals, memory and table)", module, name),
            }
        }

        // Code: reserve, relocate against the reserved address, write.
        let code_bytes = art.section(Section::Code);
        // SAFETY: reads a constant address.
        let kernel_thunk = unsafe { ffi::kwasm_indirect_thunk_r11() };
        let stub_len = if kernel_thunk == 0 { 16 } else { 0 };
        let mut code = Code::reserve(state, code_bytes.len() + stub_len).map_err(|e| {
            let _ = writeln!(log, "no room in the executable arena for {} bytes", code_bytes.len());
            Refused(e)
        })?;
        let base = code.base();
        let mut image = KVVec::with_capacity(code_bytes.len() + stub_len, GFP_KERNEL).map_err(alloc_err)?;
        image.extend_from_slice(code_bytes, GFP_KERNEL).map_err(alloc_err)?;
        // Without retpolines: a plain `jmp r11` after the code stands in for the thunk.
        let thunk = if kernel_thunk != 0 {
            kernel_thunk
        } else {
            image.extend_from_slice(&[0x41, 0xff, 0xe3, 0xcc], GFP_KERNEL).map_err(alloc_err)?;
            image.extend_with(stub_len - 4, 0xcc, GFP_KERNEL).map_err(alloc_err)?;
            base + code_bytes.len()
        };
        let types = art.types().len() as u64;
        let relocated = reloc::apply(&mut image[..code_bytes.len()], base as u64, art.relocs().iter(), |r| match r.kind {
            RELOC_CALL_IMPORT => host_addrs.get(r.target as usize).map(|&a| a as u64),
            RELOC_CALL_HELPER => runtime::address(r.target).map(|a| a as u64),
            RELOC_INDIRECT_THUNK if r.target == 11 => Some(thunk as u64),
            // One instance per program: the artifact's canonical type index is the id.
            RELOC_TYPE_ID if u64::from(r.target) < types => Some(u64::from(r.target)),
            _ => None,
        });
        if let Err(e) = relocated {
            refuse!(log, EINVAL, "relocation: {:?}", e);
        }
        code.write(&image).map_err(Refused)?;
        drop(image);

        // Instance.
        let mut name = [0u8; 17];
        name[..PROG_NAME_LEN].copy_from_slice(&attr.name);
        if let Some(nul) = name.iter().position(|&b| b == 0) {
            name[nul..].fill(0);
        }
        let memory_max_pages = if h.has_memory == 1 { memory_max_pages.min(MEMORY_PAGES_MAX) } else { 0 };
        let memory_bytes = (u64::from(if h.has_memory == 1 { memory_pages } else { 0 }) * PAGE_SIZE) as usize;
        // Imported globals' slots hold their cell's address; defined ones their value. The
        // initialisers read the imported values from a copy (the cells move into the instance).
        let mut cell_values = KVVec::with_capacity(cells.len(), GFP_KERNEL).map_err(alloc_err)?;
        cell_values.extend_from_slice(&cells, GFP_KERNEL).map_err(alloc_err)?;
        let cell_of = |import: u64| -> Option<u64> {
            let k = art.imports().iter().take(import as usize).filter(|i| i.kind == IMPORT_GLOBAL).count();
            cell_values.get(k).copied()
        };
        let mut globals = KVVec::with_capacity(cells.len() + art.globals().len(), GFP_KERNEL).map_err(alloc_err)?;
        for cell in cells.iter() {
            globals.push(cell as *const u64 as u64, GFP_KERNEL).map_err(alloc_err)?;
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
            VmCtx { fuel: attr.fuel.min(FUEL_MAX) as i64, ..Default::default() },
            GFP_KERNEL,
        )
        .map_err(alloc_err)?;
        let mut inst = Instance {
            vmctx,
            memory: VVec::from_elem(0u8, memory_bytes, GFP_KERNEL).map_err(alloc_err)?,
            memory_max_pages,
            table: KVVec::from_elem(runtime::null_entry(), if h.has_table == 1 { table_len as usize } else { 0 }, GFP_KERNEL)
                .map_err(alloc_err)?,
            globals,
            stack: VVec::from_elem(0u8, STACK_SIZE, GFP_KERNEL).map_err(alloc_err)?,
            data,
            elems,
            func_entries: KVVec::new(),
            _cells: cells,
            uses_float: h.flags & FLAG_USES_FLOAT != 0,
            name,
        };
        let vm = inst.vmctx_ptr() as u64;
        let mut func_entries = KVVec::with_capacity(art.func_count() as usize, GFP_KERNEL).map_err(alloc_err)?;
        for imp in art.imports().iter().filter(|i| i.kind == IMPORT_FUNC) {
            let entry = TableEntry { code: base as u64 + u64::from(imp.adapter), type_id: u64::from(imp.desc), vmctx: vm, _reserved: 0 };
            func_entries.push(entry, GFP_KERNEL).map_err(alloc_err)?;
        }
        for f in art.funcs().iter() {
            let entry = TableEntry { code: base as u64 + u64::from(f.code.offset), type_id: u64::from(f.type_index), vmctx: vm, _reserved: 0 };
            func_entries.push(entry, GFP_KERNEL).map_err(alloc_err)?;
        }
        inst.func_entries = func_entries;

        // Exports the host can run.
        let mut exports = KVec::new();
        let imported = art.imported(IMPORT_FUNC);
        for e in art.exports().iter().filter(|e| e.kind == EXPORT_FUNC && e.index >= imported) {
            let Some(f) = art.funcs().get((e.index - imported) as usize) else { continue };
            let ty = art.types().get(f.type_index as usize).ok_or(Refused(EINVAL))?;
            let (p, r) = art.signature(ty);
            let mut export = Export { name: KVec::new(), trampoline: base + f.trampoline as usize, params: KVec::new(), results: KVec::new() };
            export.name.extend_from_slice(art.string(e.name).unwrap_or("").as_bytes(), GFP_KERNEL).map_err(alloc_err)?;
            export.params.extend_from_slice(p, GFP_KERNEL).map_err(alloc_err)?;
            export.results.extend_from_slice(r, GFP_KERNEL).map_err(alloc_err)?;
            exports.push(export, GFP_KERNEL).map_err(alloc_err)?;
        }

        let mut global_exports = KVec::new();
        let imported_globals = art.imported(IMPORT_GLOBAL);
        for e in art.exports().iter().filter(|e| e.kind == EXPORT_GLOBAL) {
            let valtype = if e.index < imported_globals {
                art.imports().iter().filter(|i| i.kind == IMPORT_GLOBAL).nth(e.index as usize).map(|i| i.desc & 0xff)
            } else {
                art.globals().get((e.index - imported_globals) as usize).map(|g| g.valtype)
            };
            let mut name = KVec::new();
            name.extend_from_slice(art.string(e.name).unwrap_or("").as_bytes(), GFP_KERNEL).map_err(alloc_err)?;
            let g = GlobalExport { name, index: e.index, imported: e.index < imported_globals, valtype: valtype.unwrap_or(0) };
            global_exports.push(g, GFP_KERNEL).map_err(alloc_err)?;
        }
        // An imported start function is a host function: called directly.
        let start_host = match h.start_func {
            f if f != NONE && f < imported => {
                let import = art.imports().iter().enumerate().filter(|(_, i)| i.kind == IMPORT_FUNC).nth(f as usize).map(|(k, _)| k);
                import.and_then(|k| host_addrs.get(k).copied()).filter(|&a| a != 0)
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
                name: attr.name,
                prog_type: attr.prog_type,
                code_size,
                load_time_ns: start,
                state,
                default_fuel: if attr.fuel == 0 { DEFAULT_FUEL } else { attr.fuel.min(FUEL_MAX) },
                uses_float: h.flags & FLAG_USES_FLOAT != 0,
                exports,
                global_exports,
                stats: Stats::default(),
                instance <- new_mutex!(inst, "kwasm_program"),
                _code: code,
                _providers: provider_refs,
            }),
            GFP_KERNEL,
        )
        .map_err(|_| Refused(ENOMEM))?;

        // Segments, then the start function (bulk-memory semantics: in order, a trap stops).
        {
            let mut guard = program.instance.lock();
            let inst = &mut *guard;
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
                let entries: &[TableEntry] = &inst.func_entries;
                let r = bulk::table_init(&mut inst.table, funcs.len() as u32, segment_offset(e.offset_kind, e.offset), 0, funcs.len() as u32, |k| {
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
                if let Err(t) = bulk::memory_init(&mut inst.memory, &bytes, segment_offset(d.offset_kind, d.offset), 0, bytes.len() as u32) {
                    refuse!(log, EINVAL, "data segment {} does not fit the memory (trap {})", i, t);
                }
            }
        }
        if let Some(addr) = start_host {
            let mut slots = [0u64; 1];
            let mut guard = program.instance.lock();
            let vm = guard.vmctx_ptr();
            // SAFETY: `addr` is a host function resolved for this program's import (signature
            // checked: no parameters or results), called with the host-call convention on the
            // current stack, like the kernel calls any function.
            let trap = unsafe {
                let f: unsafe extern "C" fn(*mut VmCtx, *mut u64) -> u32 = core::mem::transmute(addr);
                f(vm, slots.as_mut_ptr())
            };
            drop(guard);
            if trap != TRAP_NONE {
                refuse!(log, EINVAL, "the start function trapped (trap {})", trap);
            }
        }
        if let Some(tramp) = start_tramp {
            let mut slots = [0u64; 1];
            let trap = program.enter(tramp, &mut slots, program.default_fuel);
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

    /// Runs code at `tramp` with `slots` (max(params, results) values) and `fuel`; returns the
    /// trap code. Serialised with every other run of this program.
    pub(crate) fn enter(&self, tramp: usize, slots: &mut [u64], fuel: u64) -> u32 {
        let mut guard = self.instance.lock();
        guard.vmctx.fuel = fuel.min(FUEL_MAX) as i64;
        // The code and the helpers reach the instance through this pointer only, while the
        // guard keeps everyone else out.
        let vm: *mut VmCtx = guard.vmctx_ptr();
        let start = ffi::now_ns();
        if self.uses_float {
            // SAFETY: process context; paired with the end below.
            unsafe { ffi::kwasm_fpu_begin() };
        }
        // SAFETY: `tramp` is a trampoline of this program's code, which lives as long as
        // `self`; vmctx and instance are set up and locked; `slots` is large enough (callers
        // check against the export's signature).
        let trap = unsafe { ffi::kwasm_enter(tramp, vm, slots.as_mut_ptr()) };
        if self.uses_float {
            // SAFETY: pairs with the begin above.
            unsafe { ffi::kwasm_fpu_end() };
        }
        let took = ffi::now_ns().saturating_sub(start);
        drop(guard);
        self.stats.run_count.fetch_add(1, Ordering::Relaxed);
        self.stats.run_time_ns.fetch_add(took, Ordering::Relaxed);
        if let Some(counter) = self.stats.traps.get(trap as usize) {
            if trap != TRAP_NONE {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
        trap
    }

    /// The value type and bits of exported global `name`.
    pub(crate) fn global(&self, name: &[u8]) -> Option<(u32, u64)> {
        let g = self.global_exports.iter().find(|g| &g.name[..] == name)?;
        let inst = self.instance.lock();
        let slot = *inst.globals.get(g.index as usize)?;
        let value = if g.imported {
            // SAFETY: an imported global's slot holds the address of its cell in
            // `inst.cells`, alive as long as the instance.
            unsafe { *(slot as *const u64) }
        } else {
            slot
        };
        Some((g.valtype, value))
    }

    /// Bytes of linear memory now.
    pub(crate) fn memory_size(&self) -> u64 {
        self.instance.lock().memory.len() as u64
    }
}
