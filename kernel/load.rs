// SPDX-License-Identifier: GPL-2.0

//! Loading the artifact the kernel compiled, in the order data flows:
//! [`check`] → resolve the registered programs it imports from → join their link group (locked
//! from here on) → [`link`] the imports → [`install`] the code → [`build_instance`] →
//! [`describe_exports`] → register the program → [`instantiate`] (segments) → [`start`].
//! Every refusal writes its reason to the log.

use crate::arena::Code;
use crate::compile::Compiled;
use crate::ffi;
use crate::hooks::artifact::*;
use crate::hooks::attr::ProgLoadAttr;
use crate::hooks::trap::TRAP_NONE;
use crate::hooks::vmctx::{TableEntry, PAGE_SIZE};
use crate::hook_load::{self, Layout};
use crate::instance::Instance;
use crate::kcore::artifact::Artifact;
use crate::kcore::host::{self, Lookup};
use crate::kcore::instantiate::{self, Entry, SegmentKind, SegmentTarget};
use crate::kcore::{bulk, reloc};
use crate::links::{self, Imported, Linker};
use crate::program::{self, Export, GlobalExport, Program, Stats, MEMORY_PAGES_MAX, TABLE_MAX};
use crate::registry::{Loaded, ProgRef, Registry};
use crate::signatures::TypeIds;
use crate::refused::{alloc_err, refuse, Refused};
use crate::{providers, runtime, KwasmState};
use core::cell::UnsafeCell;
use core::fmt::Write;
use core::sync::atomic::{AtomicU32, AtomicU64};
use kernel::prelude::*;
use kernel::sync::Arc;

const IMPORTS_MAX: usize = 1024;

/// Checks, installs and instantiates the artifact the kernel compiled (`PROG_LOAD` started at
/// `start`): the new program with the loader's reference.
pub(crate) fn load(
    state: &'static KwasmState,
    attr: &ProgLoadAttr,
    compiled: &Compiled,
    maps: crate::prog_maps::ProgMaps,
    start: u64,
    log: &mut impl Write,
) -> Result<ProgRef, Refused> {
    let art = check(attr, &compiled.artifact, log)?;
    let layout = hook_load::check(attr, &art, log)?;
    let imported = Imported::resolve(state, &art).map_err(Refused)?;
    let group = match Registry::join(state, imported.refs()) {
        Ok(g) => g,
        Err(e) if e == EINTR => refuse!(log, EINTR, "interrupted while waiting for the runs of the programs it links to"),
        Err(e) => refuse!(log, e, "could not join the link group of the programs it imports from"),
    };
    let (code, mut linked) = link(state, &art, &imported, log)?;
    let (code, type_ids) = install(state, &art, code, &linked, log)?;
    let mut instances = KVec::with_capacity(layout.instances, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    for _ in 0..layout.instances {
        let inst = build_instance(state, attr, &layout, &art, &code, &linked, &type_ids, log)?;
        instances.push(UnsafeCell::new(inst), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    }
    let first = instances.first_mut().ok_or(Refused(EINVAL))?.get_mut();
    let program = describe_exports(&art, code.base(), &linked, first)?;
    let hook = hook_load::entry(&layout, &program.exports, &program.signatures, &program.globals, first, log)?;
    let program = Arc::new(
        Program {
            state,
            id: AtomicU32::new(0),
            name: attr.name,
            prog_type: attr.prog_type,
            code_size: code.len(),
            load_time_ns: start,
            load_duration_ns: AtomicU64::new(0),
            compile_time_ns: compiled.time_ns,
            compile_peak_bytes: compiled.peak_bytes,
            default_fuel: if attr.fuel == 0 { layout.policy.fuel_default } else { attr.fuel.min(layout.policy.fuel_max) },
            uses_float: art.header().flags & FLAG_USES_FLOAT != 0,
            exports: program.exports,
            signatures: program.signatures,
            global_exports: program.globals,
            shared_exports: program.shared,
            stats: Stats::default(),
            instances,
            hook,
            maps,
            _code: code,
            _bridges: core::mem::replace(&mut linked.bridges, KVec::new()),
            _types: type_ids,
            _providers: core::mem::replace(&mut linked.providers, providers::ProviderRefs::new()),
        },
        GFP_KERNEL_ACCOUNT,
    )
    .map_err(alloc_err)?;
    // From here the program is a member of its group (with an id): if a later step fails after
    // its functions went into a shared table, the group keeps it (`withdraw`).
    let this = match Registry::add(program, group.group()) {
        Ok(r) => r,
        Err(e) => refuse!(log, e, "too many programs loaded (at most {})", crate::registry::PROGRAMS_MAX),
    };
    // The start function can put the program's functions into an imported table.
    let mut wrote_shared = !linked.owners.table.is_null() && art.header().start_func != NONE;
    // SAFETY: we hold the group lock (`group`) and nothing runs in the group meanwhile (nor on
    // a hook program's instances: it is attached nowhere yet).
    let started = this.instances.iter().try_for_each(|cell| unsafe {
        instantiate(&this, cell.get(), &art, &linked, &mut wrote_shared, log)?;
        start_function(&this, cell.get(), &art, &linked, log)?;
        (*cell.get()).fix_stack();
        Ok(())
    });
    match started {
        // Openable (by id, hence by name) only from here: until now only the loader refers to it.
        Ok(()) => Registry::set_state(&this, Loaded::Live),
        // SAFETY: as above.
        Err(_) => unsafe { withdraw(&this, wrote_shared) },
    }
    drop(group);
    started.map(|()| this)
}

/// Parses the artifact and applies the kernel's policy limits.
fn check<'a>(attr: &ProgLoadAttr, bytes: &'a [u8], log: &mut impl Write) -> Result<Artifact<'a>, Refused> {
    if attr.flags != 0 || attr._reserved != 0 {
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
    if art.imports().len() > IMPORTS_MAX {
        refuse!(log, E2BIG, "{} imports, at most {} allowed", art.imports().len(), IMPORTS_MAX);
    }
    Ok(art)
}

/// What the imports resolved to.
struct Linked {
    /// Per import: the address a function import calls (0 for other kinds).
    host_addrs: KVVec<usize>,
    providers: providers::ProviderRefs,
    bridges: KVec<KBox<links::Bridge>>,
    /// The bridge stubs' bytes, placed after the code (and the `jmp r11` stub).
    stubs: KVVec<u8>,
    /// Address of the indirect-branch thunk for r11 (the kernel's, or our stub).
    thunk: usize,
    /// Values of the globals the kernel provides (spectest's), and per imported global its cell:
    /// a registered program's, or `None` for the next of `cells`.
    cells: KVVec<u64>,
    global_cells: KVVec<Option<*mut u64>>,
    /// Import indices of the global and the function imports, in order (global n < imported
    /// is import `global_imports[n]`): collected once, so lookups stay linear overall.
    global_imports: KVVec<usize>,
    func_imports: KVVec<usize>,
    owners: Owners,
}

/// The memory and table the instance gets: sizes, and the instance owning an imported one.
struct Owners {
    memory_pages: u32,
    memory_max_pages: u32,
    table_len: u32,
    memory: *mut Instance,
    table: *mut Instance,
}

/// Resolves the imports, and reserves the code region (code, a `jmp r11` stub when the kernel
/// has no retpoline thunk, one bridge stub per function imported from a program). Runs under
/// the group lock: the shapes of imported memories and tables are read.
fn link(state: &'static KwasmState, art: &Artifact<'_>, imported: &Imported, log: &mut impl Write) -> Result<(Code<'static>, Linked), Refused> {
    let h = *art.header();
    let code_len = art.section(Section::Code).len();
    // SAFETY: reads a constant address.
    let kernel_thunk = unsafe { ffi::kwasm_indirect_thunk_r11() };
    let stub_len = if kernel_thunk == 0 { 16 } else { 0 };
    let region_len = code_len + stub_len + links::STUB_LEN * imported.funcs;
    let code = Code::reserve(state, region_len).map_err(|e| {
        let _ = writeln!(log, "no room in the executable arena for {} bytes", region_len);
        Refused(e)
    })?;
    let base = code.base();
    let thunk = if kernel_thunk != 0 { kernel_thunk } else { base + code_len };

    // Function imports: host functions (built-in, then registered providers), then registered
    // programs' exports.
    let mut host_addrs = KVVec::from_elem(0usize, art.imports().len(), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    let mut providers = providers::ProviderRefs::new();
    let mut linker = Linker::new(imported, base + code_len + stub_len);
    let resolved = host::resolve_functions(
        art,
        |m, n, p, r| match providers.lookup(m, n, p, r) {
            Lookup::Unknown => linker.lookup(m, n, p, r),
            found => found,
        },
        &mut host_addrs,
    );
    if let Err(e) = resolved {
        refuse!(log, EINVAL, "{}", e);
    }
    let mut cells = KVVec::new();
    let mut global_cells = KVVec::new();
    let mut owners = Owners {
        memory_pages: h.memory_min,
        memory_max_pages: h.memory_max,
        table_len: h.table_min,
        memory: core::ptr::null_mut(),
        table: core::ptr::null_mut(),
    };
    for imp in art.imports().iter().filter(|i| i.kind != IMPORT_FUNC) {
        let (module, name) = (art.string(imp.module).unwrap_or(""), art.string(imp.name).unwrap_or(""));
        if let Some(exporter) = linker.program(module) {
            if imp.kind == IMPORT_GLOBAL {
                let Some(cell) = linker.global(module, name, imp.desc & 0xff, imp.desc >> 8 == 1) else {
                    refuse!(log, EINVAL, "import {}.{}: no such global, or another type", module, name);
                };
                global_cells.push(Some(cell), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
                continue;
            }
            // SAFETY: the exporter is in our group, whose lock we hold; nothing runs.
            match unsafe { exporter.shared_part(name, imp.kind, &h) } {
                Some(owner) if imp.kind == IMPORT_MEMORY => {
                    // Room for our vmctx among the memory's users: joining them cannot fail
                    // once the program is in the group.
                    // SAFETY: as above; the owner is an instance of the group.
                    unsafe { (*owner).memory_users.reserve(1, GFP_KERNEL_ACCOUNT).map_err(alloc_err)? };
                    owners.memory = owner
                }
                Some(owner) => owners.table = owner,
                None => refuse!(log, EINVAL, "import {}.{}: incompatible import (no such export, or other limits)", module, name),
            }
            continue;
        }
        match providers::spectest_extern(name, imp.kind, imp.desc, &h) {
            Some(providers::Extern::Global(v)) if module == "spectest" => {
                cells.push(v, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
                global_cells.push(None, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
            }
            Some(providers::Extern::Memory { pages, max }) if module == "spectest" => {
                (owners.memory_pages, owners.memory_max_pages) = (pages, max)
            }
            Some(providers::Extern::Table { len }) if module == "spectest" => owners.table_len = len,
            _ => refuse!(log, EINVAL, "import {}.{}: unknown or incompatible import", module, name),
        }
    }
    let Linker { bridges, stubs, .. } = linker;
    let (global_imports, func_imports) = (import_indices(art, IMPORT_GLOBAL)?, import_indices(art, IMPORT_FUNC)?);
    Ok((code, Linked { host_addrs, providers, bridges, stubs, thunk, cells, global_cells, global_imports, func_imports, owners }))
}

/// Import indices of the imports of `kind`, in order.
fn import_indices(art: &Artifact<'_>, kind: u32) -> Result<KVVec<usize>, Refused> {
    let mut indices = KVVec::new();
    for k in art.import_indices(kind) {
        indices.push(k, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    }
    Ok(indices)
}

/// Relocates the code and writes it, with the stubs, into its region.
fn install(
    state: &'static KwasmState,
    art: &Artifact<'_>,
    mut code: Code<'static>,
    linked: &Linked,
    log: &mut impl Write,
) -> Result<(Code<'static>, TypeIds), Refused> {
    let code_bytes = art.section(Section::Code);
    let base = code.base();
    let mut image = KVVec::with_capacity(code.len(), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    image.extend_from_slice(code_bytes, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    if linked.thunk == base + code_bytes.len() {
        // Without retpolines: a plain `jmp r11` after the code stands in for the thunk.
        image.extend_from_slice(&[0x41, 0xff, 0xe3, 0xcc], GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
        image.extend_with(12, 0xcc, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    }
    image.extend_from_slice(&linked.stubs, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    // Signature ids shared by every program (tables can hold functions of several).
    let mut type_ids = TypeIds::new(state);
    for t in art.types().iter() {
        let (p, r) = art.signature(t);
        type_ids.acquire(p, r).map_err(alloc_err)?;
    }
    let relocated = reloc::apply(&mut image[..code_bytes.len()], base as u64, art.relocs().iter(), |r| match r.kind {
        RELOC_CALL_IMPORT => linked.host_addrs.get(r.target as usize).map(|&a| a as u64),
        RELOC_CALL_HELPER => runtime::address(r.target).map(|a| a as u64),
        RELOC_INDIRECT_THUNK if r.target == 11 => Some(linked.thunk as u64),
        // SAFETY: reads a constant address; 0 (no thunk) refuses the relocation.
        RELOC_RETURN_THUNK => Some(unsafe { ffi::kwasm_return_thunk() } as u64).filter(|&a| a != 0),
        RELOC_TYPE_ID => type_ids.get(r.target as usize).map(u64::from),
        _ => None,
    });
    if let Err(e) = relocated {
        refuse!(log, EINVAL, "relocation: {:?}", e);
    }
    code.write(&image).map_err(Refused)?;
    Ok((code, type_ids))
}

/// The instance: memory, table, globals, segments, stack and the table entries of its functions.
#[allow(clippy::too_many_arguments)]
fn build_instance(
    state: &'static KwasmState,
    attr: &ProgLoadAttr,
    layout: &Layout,
    art: &Artifact<'_>,
    code: &Code<'static>,
    linked: &Linked,
    type_ids: &TypeIds,
    log: &mut impl Write,
) -> Result<Instance, Refused> {
    let h = *art.header();
    let owners = &linked.owners;
    let mut name = [0u8; 17];
    name[..attr.name.len()].copy_from_slice(&attr.name);
    if let Some(nul) = name.iter().position(|&b| b == 0) {
        name[nul..].fill(0);
    }
    // A hook instance grows only inside its reservation (so a grow past it fails before its
    // work is charged).
    let reserved_pages = if layout.atomic { (layout.memory_reserve as u64 / PAGE_SIZE) as u32 } else { u32::MAX };
    let memory_max_pages = if h.has_memory == 1 { owners.memory_max_pages.min(MEMORY_PAGES_MAX).min(reserved_pages) } else { 0 };
    let memory_bytes = (u64::from(if h.has_memory == 1 { owners.memory_pages } else { 0 }) * PAGE_SIZE) as usize;
    let own_memory = if owners.memory.is_null() { memory_bytes } else { 0 };
    let own_table = if h.has_table == 1 && owners.table.is_null() { owners.table_len as usize } else { 0 };
    // Everything the instance and the program's tables hold, the big parts exactly: memory,
    // table, stack, segments, globals, every function's entry, export names.
    let per_function = core::mem::size_of::<TableEntry>() + 2 * core::mem::size_of::<u64>();
    let bytes = own_memory.max(layout.memory_reserve)
        + own_table * core::mem::size_of::<TableEntry>()
        + layout.stack_size
        + art.section(Section::DataBytes).len()
        + art.section(Section::ElemFuncs).len()
        + art.section(Section::Strings).len()
        + 8 * (art.globals().len() + art.imports().len())
        + per_function * art.func_count() as usize
        + core::mem::size_of::<program::Export>() * art.exports().len();
    let Ok(charge) = crate::budget::Charge::new(&state.budget, bytes) else {
        refuse!(
            log,
            ENOMEM,
            "its instance needs {} KiB; programs hold {} KiB of the {} KiB they may hold together",
            bytes / 1024,
            state.budget.used() / 1024,
            crate::budget::PROGRAM_MEMORY_MAX / 1024
        );
    };
    let mut inst = Instance {
        charge,
        vmctx: crate::instance::VmCtxBox::new().map_err(alloc_err)?,
        memory: memory(own_memory, layout.memory_reserve)?,
        memory_max_pages,
        memory_declared_max: h.memory_max,
        table: KVVec::from_elem(runtime::null_entry(), own_table, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?,
        table_declared_max: h.table_max,
        memory_owner: owners.memory,
        table_owner: owners.table,
        memory_users: KVec::new(),
        nested_stacks: KVec::new(),
        active: 0,
        entry_points: KVVec::new(),
        program: core::ptr::null(),
        globals: KVVec::new(),
        stack: VVec::from_elem(0u8, layout.stack_size, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?,
        data: segments_data(art)?,
        elems: segments_elems(art)?,
        func_entries: KVVec::new(),
        _cells: KVVec::new(),
        uses_float: h.flags & FLAG_USES_FLOAT != 0,
        depth: 0,
        atomic: layout.atomic,
        packet: crate::hook_run::PacketSrc::None,
        name,
    };
    // The cells of spectest's globals move into the instance: their buffer does not move.
    inst._cells.extend_from_slice(&linked.cells, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    inst.globals = globals(art, linked, &mut inst._cells, &linked.global_imports)?;
    let (entries, entry_points) = function_entries(art, code.base() as u64, inst.vmctx_ptr() as u64, &linked.host_addrs, type_ids)?;
    inst.func_entries = entries;
    inst.entry_points = entry_points;
    Ok(inst)
}

/// A memory of `bytes` (zeroed), with room reserved up to `reserve` bytes.
fn memory(bytes: usize, reserve: usize) -> Result<VVec<u8>, Refused> {
    let mut m = VVec::with_capacity(bytes.max(reserve), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    m.extend_with(bytes, 0, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    Ok(m)
}

/// Per function index its table entry, and the entry points (see `Instance::entry_points`).
type FunctionEntries = (KVVec<TableEntry>, KVVec<(u64, usize)>);

/// The table entry of every function (with vmctx `vm`), and the entry points sorted by code
/// address: an import's host function (or bridge), a defined function's trampoline.
fn function_entries(art: &Artifact<'_>, base: u64, vm: u64, host_addrs: &[usize], type_ids: &TypeIds) -> Result<FunctionEntries, Refused> {
    let mut func_entries = KVVec::with_capacity(art.func_count() as usize, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    let mut entry_points = KVVec::new();
    for f in instantiate::functions(art, base) {
        let type_id = u64::from(type_ids.get(f.type_index as usize).unwrap_or(u32::MAX));
        func_entries.push(f.table_entry(type_id, vm), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
        if f.entry != Entry::None {
            entry_points.push((f.code, host_entry(f.entry, host_addrs)), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
        }
    }
    entry_points.sort_unstable_by_key(|&(code, _)| code);
    Ok((func_entries, entry_points))
}

/// Global slots: an imported global's slot holds its cell's address, a defined one its value
/// (an initialiser reading an imported global reads the cell).
fn globals(art: &Artifact<'_>, linked: &Linked, own_cells: &mut KVVec<u64>, global_imports: &[usize]) -> Result<KVVec<u64>, Refused> {
    let mut next_own = own_cells.iter_mut();
    let mut slots = KVVec::with_capacity(linked.global_cells.len() + art.globals().len(), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    for cell in linked.global_cells.iter() {
        let cell = match cell {
            Some(c) => *c,
            None => next_own.next().map_or(core::ptr::null_mut(), |c| c as *mut u64),
        };
        slots.push(cell as u64, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    }
    let imported = slots.len();
    slots.extend_with(art.globals().len(), 0, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    let (cells, defined) = slots.split_at_mut(imported);
    instantiate::init_globals(art, global_imports, |k| read_cell(cells.get(k).copied().unwrap_or(0)), defined);
    Ok(slots)
}

/// The value in the cell of an imported global, whose slot is `slot` (0 for a null cell).
fn read_cell(slot: u64) -> u64 {
    let cell = slot as *const u64;
    // SAFETY: imported slots hold live cells: the instance's own (moved in without
    // reallocating) or a program's of the group (alive as long as it); the group lock is held.
    if cell.is_null() { 0 } else { unsafe { *cell } }
}

/// Data segments' bytes, copied (active ones are dropped after instantiation).
fn segments_data(art: &Artifact<'_>) -> Result<KVec<KVVec<u8>>, Refused> {
    let mut data = KVec::with_capacity(art.data().len(), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    for d in art.data().iter() {
        let bytes = instantiate::data_bytes(art, &d);
        let mut v = KVVec::with_capacity(bytes.len(), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
        v.extend_from_slice(bytes, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
        data.push(v, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    }
    Ok(data)
}

/// Elem segments' function indices.
fn segments_elems(art: &Artifact<'_>) -> Result<KVec<KVVec<u32>>, Refused> {
    let mut elems = KVec::with_capacity(art.elems().len(), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    for e in art.elems().iter() {
        // The span's length, not the iterator's `len()`: that one's consistency check can panic,
        // and objtool flags the panic path inlined here.
        let mut v = KVVec::with_capacity(e.funcs.len as usize / 4, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
        for f in instantiate::elem_funcs(art, &e) {
            v.push(f, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
        }
        elems.push(v, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    }
    Ok(elems)
}

/// What the host can use of the program: its functions, globals, memory and table exports.
struct Described {
    exports: KVec<Export>,
    signatures: KVec<program::Signature>,
    globals: KVec<GlobalExport>,
    shared: KVec<(KVec<u8>, u32)>,
}

fn copy_name(art: &Artifact<'_>, name: Span) -> Result<KVec<u8>, Refused> {
    let mut v = KVec::new();
    v.extend_from_slice(art.string(name).unwrap_or("").as_bytes(), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    Ok(v)
}

/// Where the host enters a function: a defined function's trampoline, or for an import its
/// host function (or bridge stub) itself: both take (vmctx, slots). 0 for none.
fn host_entry(entry: Entry, host_addrs: &[usize]) -> usize {
    match entry {
        Entry::Import(k) => host_addrs.get(k).copied().unwrap_or(0),
        Entry::Wasm(trampoline) => trampoline as usize,
        Entry::None => 0,
    }
}

fn describe_exports(art: &Artifact<'_>, base: usize, linked: &Linked, inst: &mut Instance) -> Result<Described, Refused> {
    let globals_base = inst.globals.as_mut_ptr();
    let mut d = Described { exports: KVec::new(), signatures: KVec::new(), globals: KVec::new(), shared: KVec::new() };
    let imported_globals = linked.global_imports.len() as u32;
    for e in art.exports().iter() {
        match e.kind {
            EXPORT_FUNC => {
                let Some(f) = instantiate::exported_function(art, &linked.func_imports, base as u64, e.index) else { continue };
                art.types().get(f.type_index as usize).ok_or(Refused(EINVAL))?;
                let trampoline = host_entry(f.entry, &linked.host_addrs);
                let export = Export { name: copy_name(art, e.name)?, trampoline, type_index: f.type_index };
                d.exports.push(export, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
            }
            EXPORT_GLOBAL => {
                let (valtype, mutable) = global_type(art, e.index, &linked.global_imports);
                let Some(&slot) = inst.globals.get(e.index as usize) else { continue };
                // An imported global's slot holds its cell's address; a defined one is its cell,
                // addressed from the buffer's own pointer (runs write it through that too).
                let cell = if e.index < imported_globals { slot as *mut u64 } else { globals_base.wrapping_add(e.index as usize) };
                let g = GlobalExport { name: copy_name(art, e.name)?, cell, valtype, mutable };
                d.globals.push(g, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
            }
            EXPORT_MEMORY | EXPORT_TABLE => d.shared.push((copy_name(art, e.name)?, e.kind), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?,
            _ => {}
        }
    }
    // Export names are unique (validated): sorted, they are found by binary search.
    d.exports.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    d.globals.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    d.shared.sort_unstable_by(|a, b| (&a.0[..], a.1).cmp(&(&b.0[..], b.1)));
    for t in art.types().iter() {
        let (p, r) = art.signature(t);
        let mut sig = (KVec::new(), KVec::new());
        sig.0.extend_from_slice(p, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
        sig.1.extend_from_slice(r, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
        d.signatures.push(sig, GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    }
    Ok(d)
}

/// Value type and mutability of global `index`.
fn global_type(art: &Artifact<'_>, index: u32, global_imports: &[usize]) -> (u32, bool) {
    let imported_globals = global_imports.len() as u32;
    if index < imported_globals {
        let imp = global_imports.get(index as usize).and_then(|&k| art.imports().get(k));
        (imp.map_or(0, |i| i.desc & 0xff), imp.is_some_and(|i| i.desc >> 8 == 1))
    } else {
        let g = art.globals().get((index - imported_globals) as usize);
        (g.map_or(0, |g| g.valtype), g.is_some_and(|g| g.mutable == 1))
    }
}

/// Joins the imported memory's users, publishes the layout and applies the active segments.
///
/// # Safety
///
/// The caller holds the group lock of `this` and nothing runs in the group.
unsafe fn instantiate(
    this: &ProgRef,
    inst_ptr: *mut Instance,
    art: &Artifact<'_>,
    linked: &Linked,
    wrote_shared: &mut bool,
    log: &mut impl Write,
) -> Result<(), Refused> {
    let (owners, global_imports) = (&linked.owners, &linked.global_imports[..]);
    let prog: &Program = this;
    // `inst_ptr` is what helpers, bridges and foreign calls reach the instance by: the cell's
    // own, not one derived from a reference (which later accesses through the cell invalidate).
    // SAFETY: per the contract, nothing else references the instance or its vmctx.
    unsafe {
        (*inst_ptr).program = prog;
        (*(*inst_ptr).vmctx.ptr()).instance = inst_ptr as u64;
    }
    // SAFETY: as above; this is the only reference until the end of instantiation.
    let inst = unsafe { &mut *inst_ptr };
    // Before anything can fail: a program left in its group is always runnable.
    inst.publish();
    if !owners.memory.is_null() {
        let vm = inst.vmctx_ptr();
        // SAFETY: the owner is another instance of the group (lock held, nothing runs); `link`
        // reserved the room, so this push does not allocate.
        unsafe { (*owners.memory).memory_users.push(vm, GFP_KERNEL_ACCOUNT).map_err(alloc_err)? };
    }
    let mut segments = Segments { inst, wrote_shared };
    match instantiate::init_segments(art, global_imports, &mut segments) {
        Ok(()) => Ok(()),
        Err(f) if f.kind == SegmentKind::Elem => refuse!(log, EINVAL, "elem segment {} does not fit the table (trap {})", f.index, f.trap),
        Err(f) => refuse!(log, EINVAL, "data segment {} does not fit the memory (trap {})", f.index, f.trap),
    }
}

/// Takes a program whose instantiation failed out of its group when nothing of the group can
/// refer to it (no function of it went into a shared table), else leaves it there, marked
/// failed (the spec keeps such functions callable; nobody can open the program again).
///
/// # Safety
///
/// As for [`instantiate`].
unsafe fn withdraw(this: &ProgRef, wrote_shared: bool) {
    if wrote_shared {
        Registry::set_state(this, Loaded::Failed);
        return;
    }
    // SAFETY: per the contract (group lock held, nothing runs, no other reference).
    let inst = unsafe { &mut *this.main_instance() };
    let vm = inst.vmctx_ptr();
    if !inst.memory_owner.is_null() {
        // SAFETY: the owner is another instance of the group, as above.
        let users = unsafe { &mut (*inst.memory_owner).memory_users };
        if let Some(k) = users.iter().position(|&u| u == vm) {
            let last = users.len() - 1;
            users.swap(k, last);
            // SAFETY: shrinks by one: the rest stays initialised; a raw pointer needs no drop.
            unsafe { users.set_len(last) };
        }
    }
    Registry::forget(this);
}

/// The instance as instantiation's segment step sees it; notes whether a function of it went
/// into a table of another program.
struct Segments<'a> {
    inst: &'a mut Instance,
    wrote_shared: &'a mut bool,
}

impl SegmentTarget for Segments<'_> {
    fn imported_global(&mut self, k: usize) -> u64 {
        read_cell(self.inst.globals.get(k).copied().unwrap_or(0))
    }

    fn init_table(&mut self, index: usize, offset: u32) -> Result<(), u32> {
        let table: *mut KVVec<TableEntry> = self.inst.table_mut();
        let (funcs, entries) = (&self.inst.elems[index], &self.inst.func_entries);
        // SAFETY: the table (a field of this instance or of its owner) is neither the entries nor
        // the segment, which are only read meanwhile.
        let result = bulk::table_init(unsafe { &mut *table }, funcs.len() as u32, offset, 0, funcs.len() as u32, |k| {
            funcs.get(k as usize).and_then(|&f| entries.get(f as usize)).copied().unwrap_or_default()
        });
        // A failed init wrote nothing (bounds are checked first).
        *self.wrote_shared |= result.is_ok() && !funcs.is_empty() && !self.inst.table_owner.is_null();
        result
    }

    fn init_memory(&mut self, index: usize, offset: u32) -> Result<(), u32> {
        // Moved out and back: the memory and the segment are borrowed from the same instance.
        let bytes = core::mem::replace(&mut self.inst.data[index], KVVec::new());
        let result = bulk::memory_init(self.inst.memory_mut(), &bytes, offset, 0, bytes.len() as u32);
        self.inst.data[index] = bytes;
        result
    }

    fn drop_segment(&mut self, kind: SegmentKind, index: usize) {
        match kind {
            SegmentKind::Elem => self.inst.elems[index] = KVVec::new(),
            SegmentKind::Data => self.inst.data[index] = KVVec::new(),
        }
    }
}

/// Runs the start function, if any (a host function is entered like a trampoline).
///
/// # Safety
///
/// As for [`instantiate`].
unsafe fn start_function(this: &ProgRef, inst: *mut Instance, art: &Artifact<'_>, linked: &Linked, log: &mut impl Write) -> Result<(), Refused> {
    let Some(start) = instantiate::start_function(art, &linked.func_imports, this._code.base() as u64) else { return Ok(()) };
    let entry = start.map_or(0, |f| host_entry(f.entry, &linked.host_addrs));
    if entry == 0 {
        refuse!(log, EINVAL, "the start function has no entry");
    }
    let mut slots = [0u64; 1];
    // SAFETY: per the contract (lock held, no reference into the group's instances).
    let trap = unsafe { this.run_on(inst, entry, slots.as_mut_ptr(), &mut this.budget(0), 0) };
    if program::killed(trap) {
        refuse!(log, EINTR, "the start function was interrupted by a fatal signal");
    }
    if trap != TRAP_NONE {
        refuse!(log, EINVAL, "the start function trapped (trap {})", trap);
    }
    Ok(())
}
