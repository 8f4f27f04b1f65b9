//! An instance: an artifact installed with its memory, table, globals, stack and imports.
//!
//! Access rule for the running parts (the vmctx and the [`State`] behind `vmctx.instance`, owned
//! through raw pointers by a [`Core`]). Code of an instance may run again while it is suspended:
//! a host function or the yield hook may call into another instance (or, through `Rc` or a
//! thread-local, into this one), which may call back through a shared table (`call_foreign`),
//! and an instance entered through a table is not borrowed at all, so the host may even use or
//! drop its `Instance` meanwhile. So the parts are reached through raw pointers: by generated
//! code, the helpers, the entry points (`enter`, `call_foreign`, `Instance::call_entry`) and the
//! `Instance` methods; and a reference to either is made only for one step that runs no wasm or
//! host code (a bulk helper, copying a host function out, setting a field), never across a
//! call that can. The memory and table have rules of their own (`shared.rs`).
//!
//! A `Core` is freed only when no code of it can run: with its `Instance` (which a run through
//! `invoke` borrows) unless another holder of its table lives, through which other instances
//! call its functions; then the table keeps it (`Drop for Instance`). Functions of an instance
//! reach no other table: without reference types, only elem segments and `table.init`/
//! `table.copy` of its own code write table entries, into its own (or imported) table.

use super::code::{CodeMemory, Stack};
use super::host::{Extern, GlobalRef, HostFunc, Imports};
use super::install::install_code;
use super::shared::{GlobalSlots, SharedMemory, SharedTable};
use super::types::signature_id;
use super::Value;
use kwasm_hooks::artifact::*;
use kwasm_hooks::trap::trap_name;
use kwasm_hooks::vmctx::{TableEntry, VmCtx};
use kwasm_kcore::artifact::Artifact;
use kwasm_kcore::bulk;
use kwasm_kcore::instantiate::{self, limits_match, Entry, SegmentKind, SegmentTarget};
use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::fmt;
use std::ptr::NonNull;
use std::rc::{Rc, Weak};

/// A trap: the code a run stopped with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trap(pub u32);

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "trap {}: {}", self.0, trap_name(self.0))
    }
}

impl std::error::Error for Trap {}

#[derive(Debug, thiserror::Error)]
pub enum InstantiateError {
    #[error("invalid artifact: {0}")]
    Artifact(String),
    #[error("unknown import {0}.{1}")]
    UnknownImport(String, String),
    #[error("incompatible import type for {0}.{1}")]
    IncompatibleImport(String, String),
    #[error("this CPU lacks a feature the code needs ({0:#x})")]
    CpuFeature(u64),
    #[error("memory: {0}")]
    Memory(String),
    #[error("relocation: {0}")]
    Reloc(String),
    #[error("instantiation trapped: {0}")]
    Trap(Trap),
}

#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    #[error("no exported function {0:?}")]
    NoSuchExport(String),
    #[error("wrong argument types for {0:?}")]
    BadArguments(String),
    #[error("{0}")]
    Trap(Trap),
}

/// Usable wasm stack per instance, and what is kept free below the limit for host code.
const STACK_SIZE: usize = 2 << 20;
const STACK_HEADROOM: u64 = 128 << 10;
/// Fuel per run when the caller sets none.
pub const DEFAULT_FUEL: i64 = i64::MAX;

/// Everything the helpers reach through `vmctx.instance` (see the module docs for how).
pub(super) struct State {
    pub memory: Option<Rc<SharedMemory>>,
    /// Weak: the table may be what keeps this state (`Drop for Instance`); it outlives the
    /// state then, and the `Instance` holds it otherwise.
    pub table: Option<Weak<SharedTable>>,
    pub globals: Rc<GlobalSlots>,
    /// Cells of imported globals, kept alive.
    pub _imported_globals: Vec<GlobalRef>,
    /// Passive data segments' bytes (empty once dropped, and for active ones after init).
    pub data: Vec<Vec<u8>>,
    /// Elem segments' function indices (empty once dropped).
    pub elems: Vec<Vec<u32>>,
    /// Table entry for every function index.
    pub func_entries: Vec<TableEntry>,
    /// Host function per import index (None for non-functions).
    pub host_funcs: Vec<Option<HostFunc>>,
    /// Taken out while it runs (`helpers::yield_now`).
    pub yield_hook: Option<Box<dyn FnMut() -> bool>>,
    /// Fuel mode: the bulk helpers charge the run's fuel (yield-mode code is not metered).
    pub metered: bool,
    /// How another instance enters a function of this one, by the code address in its table
    /// entry.
    pub entry_points: HashMap<u64, EntryPoint>,
    /// Activations of this instance on the host's call stack, and the stacks for nested ones.
    pub depth: usize,
    pub nested_stacks: Vec<Stack>,
}

/// How to enter a function from outside the instance.
#[derive(Clone, Copy)]
pub(super) enum EntryPoint {
    /// Through its trampoline.
    Wasm(u64),
    /// An imported function (its table entry points to the adapter): the host function itself.
    Host(usize),
}

/// Most nested activations of one instance (each gets a stack of its own).
const MAX_NESTING: usize = 32;

/// Enters the instance of `vm` through trampoline `tramp` with `slots`, on a stack that no
/// outer activation of the same instance uses. Returns the trampoline's result (0 or a trap);
/// `TRAP_HOST_ABORT` without running anything while the instance's memory is lent to a host
/// function (`shared.rs`).
///
/// # Safety
///
/// `vm` must be the vmctx of a live `Core`, `tramp` one of its trampolines and `slots` an area
/// of max(params, results) values for that function, which nothing else uses during the call.
pub(super) unsafe fn enter(vm: *mut VmCtx, tramp: u64, slots: *mut u64) -> u32 {
    // Raw accesses only, each a step of its own: the code we call re-enters the state through
    // helpers (module docs).
    // SAFETY: per the contract above, `vm` and its state are alive.
    unsafe {
        let st = (*vm).instance as *mut State;
        if (*st).memory.as_ref().is_some_and(|m| m.is_lent()) {
            return kwasm_hooks::trap::TRAP_HOST_ABORT;
        }
        let depth = (*st).depth;
        let (top, limit) = ((*vm).stack_top, (*vm).stack_limit);
        if depth > 0 {
            if depth > MAX_NESTING {
                return kwasm_hooks::trap::TRAP_STACK_EXHAUSTED;
            }
            while (*st).nested_stacks.len() < depth {
                match Stack::new(STACK_SIZE) {
                    Ok(s) => (*st).nested_stacks.push(s),
                    Err(_) => return kwasm_hooks::trap::TRAP_STACK_EXHAUSTED,
                }
            }
            // Nested stacks are never freed before the state, and a push moves only the
            // `Stack` handles, not the mappings the outer activations run on.
            let (stack_top, stack_bottom) = {
                let stacks = &(*st).nested_stacks;
                let stack = &stacks[depth - 1];
                (stack.top(), stack.bottom())
            };
            (*vm).stack_top = stack_top;
            (*vm).stack_limit = stack_bottom + STACK_HEADROOM;
        }
        (*st).depth = depth + 1;
        let f: extern "sysv64" fn(*mut VmCtx, *mut u64) -> u32 =
            std::mem::transmute(tramp as usize);
        let code = f(vm, slots);
        // The core is still alive: a run keeps it (module docs), even if the host dropped the
        // `Instance` meanwhile.
        (*st).depth = depth;
        (*vm).stack_top = top;
        (*vm).stack_limit = limit;
        code
    }
}

/// A host function's parts for a call: the function and a handle on the caller's memory,
/// copied out of the state so that no reference to it lives during the call.
///
/// # Safety
///
/// `st` is the state of a live `Core`, and no `&mut` to it is live.
pub(super) unsafe fn host_call_parts(
    st: *const State,
    import: usize,
) -> Option<(HostFunc, Option<Rc<SharedMemory>>)> {
    // SAFETY: per the contract; the reference lasts for the copies.
    let st = unsafe { &*st };
    let f = st.host_funcs.get(import)?.clone()?;
    Some((f, st.memory.clone()))
}

/// Runs host function `f` for a caller whose memory is `memory`, on `slots` (its arguments in,
/// its results out); its trap code, or 0.
pub(super) fn call_host(f: &HostFunc, memory: Option<&SharedMemory>, slots: &mut [u64]) -> u32 {
    let mut caller = super::Caller::new(memory);
    match (f.body)(&mut caller, slots) {
        Ok(()) => kwasm_hooks::trap::TRAP_NONE,
        Err(code) => code.max(1),
    }
}

/// The running parts of an instance: its vmctx and state (owned through raw pointers: generated
/// code and helpers reach them from `vmctx` while an `&Instance` or `&mut Instance` may be
/// live, so no `Box` may claim them unique), its code and its main stack. See the module docs
/// for who reaches them and when one is freed.
struct Core {
    vmctx: NonNull<VmCtx>,
    state: NonNull<State>,
    _code: CodeMemory,
    _stack: Stack,
}

impl Core {
    /// A core for `code` and `stack` with `vmctx` (its `instance` set here) and an empty state.
    fn new(code: CodeMemory, stack: Stack, vmctx: VmCtx) -> Core {
        let vmctx = NonNull::new(Box::into_raw(Box::new(vmctx))).expect("a box is not null");
        let state =
            NonNull::new(Box::into_raw(Box::new(State::empty()))).expect("a box is not null");
        // SAFETY: fresh allocations, not shared yet.
        unsafe { (*vmctx.as_ptr()).instance = state.as_ptr() as u64 };
        Core {
            vmctx,
            state,
            _code: code,
            _stack: stack,
        }
    }

    fn vm(&self) -> *mut VmCtx {
        self.vmctx.as_ptr()
    }

    fn st(&self) -> *mut State {
        self.state.as_ptr()
    }
}

impl Drop for Core {
    fn drop(&mut self) {
        // SAFETY: no code of this core runs any more (module docs), so nothing else reaches the
        // vmctx or the state; both come from `Box::into_raw` in `new` and are freed once here.
        // The vmctx leaves the memory's users first (`SharedMemory::attach`'s contract).
        unsafe {
            if let Some(m) = &(*self.st()).memory {
                m.detach(self.vm());
            }
            drop(Box::from_raw(self.st()));
            drop(Box::from_raw(self.vm()));
        }
    }
}

impl State {
    fn empty() -> Self {
        State {
            memory: None,
            table: None,
            globals: Rc::new(GlobalSlots(Box::new([]))),
            _imported_globals: Vec::new(),
            data: Vec::new(),
            elems: Vec::new(),
            func_entries: Vec::new(),
            host_funcs: Vec::new(),
            yield_hook: None,
            metered: false,
            entry_points: HashMap::new(),
            depth: 0,
            nested_stacks: Vec::new(),
        }
    }

    /// The memory's bytes (none without a memory); `TRAP_HOST_ABORT` while a host function
    /// holds them.
    ///
    /// # Safety
    ///
    /// As for [`SharedMemory::bytes_mut`].
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn memory_bytes(&self) -> Result<&mut [u8], u32> {
        match &self.memory {
            // SAFETY: per the contract.
            Some(m) => unsafe { m.bytes_mut() }.ok_or(kwasm_hooks::trap::TRAP_HOST_ABORT),
            None => Ok(&mut []),
        }
    }

    /// Runs `f` on the table's entries (none without a table).
    ///
    /// # Safety
    ///
    /// As for [`SharedTable::entries_mut`]: `f` runs no wasm or host code.
    pub unsafe fn with_table<R>(&self, f: impl FnOnce(&mut [TableEntry]) -> R) -> R {
        match self.table.as_ref().and_then(Weak::upgrade) {
            // SAFETY: per the contract.
            Some(t) => f(unsafe { t.entries_mut() }),
            None => f(&mut []),
        }
    }
}

pub struct Instance {
    /// `None` only while being dropped (see `Drop`).
    core: Option<Core>,
    /// The table (the state holds it weakly).
    table: Option<Rc<SharedTable>>,
    exports: Vec<(String, u32, u32)>,
    /// Per type index: (params, results), copied once per type, not per function or export
    /// using it (which could multiply a long signature by every function).
    types: Vec<(Vec<u8>, Vec<u8>)>,
    /// Per function index: type index and how the host enters it.
    funcs: Vec<(u32, Entry)>,
    uses_float: bool,
    /// Per global index: value type code and mutability.
    global_types: Vec<(u8, bool)>,
    imported_globals: usize,
}

fn cpu_has(features: u64) -> bool {
    let checks = [
        (CPU_SSE41, std::arch::is_x86_feature_detected!("sse4.1")),
        (CPU_POPCNT, std::arch::is_x86_feature_detected!("popcnt")),
        (CPU_LZCNT, std::arch::is_x86_feature_detected!("lzcnt")),
        (CPU_BMI1, std::arch::is_x86_feature_detected!("bmi1")),
        (CPU_BMI2, std::arch::is_x86_feature_detected!("bmi2")),
    ];
    checks
        .iter()
        .all(|&(bit, have)| features & bit == 0 || have)
}

/// Resolved imports.
struct Linked {
    host_funcs: Vec<Option<HostFunc>>,
    globals: Vec<GlobalRef>,
    memory: Option<Rc<SharedMemory>>,
    table: Option<Rc<SharedTable>>,
}

fn link(art: &Artifact<'_>, imports: &Imports) -> Result<Linked, InstantiateError> {
    let h = art.header();
    let mut linked = Linked {
        host_funcs: Vec::new(),
        globals: Vec::new(),
        memory: None,
        table: None,
    };
    for imp in art.imports().iter() {
        let (module, name) = (
            art.string(imp.module).unwrap_or(""),
            art.string(imp.name).unwrap_or(""),
        );
        let incompatible = || InstantiateError::IncompatibleImport(module.into(), name.into());
        let ext = imports
            .get(module, name)
            .ok_or_else(|| InstantiateError::UnknownImport(module.into(), name.into()))?;
        let mut func = None;
        match (imp.kind, ext) {
            (IMPORT_FUNC, Extern::Func(f)) => {
                let ty = art
                    .types()
                    .get(imp.desc as usize)
                    .ok_or_else(incompatible)?;
                let (p, r) = art.signature(ty);
                if f.params != p || f.results != r {
                    return Err(incompatible());
                }
                func = Some(f.clone());
            }
            (IMPORT_GLOBAL, Extern::Global(g)) => {
                if g.ty != (imp.desc & 0xff) as u8 || g.mutable != (imp.desc >> 8 == 1) {
                    return Err(incompatible());
                }
                linked.globals.push(g.clone());
            }
            (IMPORT_MEMORY, Extern::Memory(m)) => {
                if !limits_match(
                    m.pages(),
                    Some(m.max_pages()).filter(|&x| x < 65536 || h.memory_max == NONE),
                    h.memory_min,
                    h.memory_max,
                ) {
                    return Err(incompatible());
                }
                linked.memory = Some(m.clone());
            }
            (IMPORT_TABLE, Extern::Table(t)) => {
                if !limits_match(t.len(), t.max(), h.table_min, h.table_max) {
                    return Err(incompatible());
                }
                linked.table = Some(t.clone());
            }
            _ => return Err(incompatible()),
        }
        linked.host_funcs.push(func);
    }
    Ok(linked)
}

/// The globals' slots: imported ones hold the exporter's cell address, defined ones their
/// value. Also how many are imported. `global_imports`: the import index of each imported
/// global.
fn init_globals(
    art: &Artifact<'_>,
    global_imports: &[usize],
    linked: &Linked,
) -> (Rc<GlobalSlots>, usize) {
    let mut slots: Vec<u64> = linked.globals.iter().map(|g| g.cell as u64).collect();
    let imported = slots.len();
    slots.resize(imported + art.globals().len(), 0);
    instantiate::init_globals(
        art,
        global_imports,
        |k| linked.globals[k].get().to_slot(),
        &mut slots[imported..],
    );
    let slots = slots.into_iter().map(UnsafeCell::new).collect();
    (Rc::new(GlobalSlots(slots)), imported)
}

/// Per global index: value type code and mutability.
fn global_types(art: &Artifact<'_>) -> Vec<(u8, bool)> {
    let imported = art.imports().iter().filter(|i| i.kind == IMPORT_GLOBAL);
    let defined = art.globals().iter();
    imported
        .map(|i| ((i.desc & 0xff) as u8, i.desc >> 8 == 1))
        .chain(defined.map(|g| (g.valtype as u8, g.mutable == 1)))
        .collect()
}

/// The imported memory, else a new one if the module defines one.
fn memory(
    h: &Header,
    imported: Option<Rc<SharedMemory>>,
) -> Result<Option<Rc<SharedMemory>>, InstantiateError> {
    if imported.is_some() || h.has_memory != 1 {
        return Ok(imported);
    }
    let max = (h.memory_max != NONE).then_some(h.memory_max);
    let memory = SharedMemory::new(h.memory_min, max).map_err(InstantiateError::Memory)?;
    Ok(Some(Rc::new(memory)))
}

/// The imported table, else a new one if the module defines one.
fn table(h: &Header, imported: Option<Rc<SharedTable>>) -> Option<Rc<SharedTable>> {
    if imported.is_some() || h.has_table != 1 {
        return imported;
    }
    let max = (h.table_max != NONE).then_some(h.table_max);
    Some(Rc::new(SharedTable::new(h.table_min, max)))
}

/// Per type index: (params, results).
fn signatures(art: &Artifact<'_>) -> Vec<(Vec<u8>, Vec<u8>)> {
    let signature = |t| {
        let (p, r) = art.signature(t);
        (p.to_vec(), r.to_vec())
    };
    art.types().iter().map(signature).collect()
}

/// The core around `code`: a stack deep enough for it and a fresh vmctx (memory and table
/// unattached).
fn new_core(h: &Header, code: CodeMemory, globals: &GlobalSlots) -> Result<Core, InstantiateError> {
    let stack = Stack::new(STACK_SIZE).map_err(|e| InstantiateError::Memory(e.to_string()))?;
    if u64::from(h.min_stack) + STACK_HEADROOM > stack.top() - stack.bottom() {
        return Err(InstantiateError::Memory(
            "the code needs more stack than an instance has".into(),
        ));
    }
    let vmctx = VmCtx {
        memory_base: 0,
        memory_size: 0,
        stack_limit: 0,
        stack_top: 0,
        fuel: DEFAULT_FUEL,
        yield_requested: 0,
        host_sp: 0,
        table_base: 0,
        table_len: 0,
        globals_base: globals.base(),
        memory_pages: 0,
        instance: 0,
        fuel_reserve: 0,
    };
    Ok(Core::new(code, stack, vmctx))
}

/// The functions of an instance whose code is at `base` and vmctx at `vm`: their table
/// entries, type index and entry per function index, and how another instance enters each by
/// its code address.
struct Functions {
    entries: Vec<TableEntry>,
    funcs: Vec<(u32, Entry)>,
    entry_points: HashMap<u64, EntryPoint>,
}

impl Functions {
    fn new(art: &Artifact<'_>, base: u64, type_ids: &[u32], vm: *mut VmCtx) -> Functions {
        let mut fs = Functions {
            entries: Vec::new(),
            funcs: Vec::new(),
            entry_points: HashMap::new(),
        };
        for f in instantiate::functions(art, base) {
            let type_id = u64::from(type_ids[f.type_index as usize]);
            fs.entries.push(f.table_entry(type_id, vm as u64));
            let entry_point = match f.entry {
                Entry::Import(k) => Some(EntryPoint::Host(k)),
                Entry::Wasm(tramp) => Some(EntryPoint::Wasm(tramp)),
                Entry::None => None,
            };
            if let Some(e) = entry_point {
                fs.entry_points.insert(f.code, e);
            }
            fs.funcs.push((f.type_index, f.entry));
        }
        fs
    }
}

/// Exports: (name, kind, index).
fn exports(art: &Artifact<'_>) -> Vec<(String, u32, u32)> {
    let name = |e: &Export| art.string(e.name).unwrap_or("").to_string();
    art.exports()
        .iter()
        .map(|e| (name(&e), e.kind, e.index))
        .collect()
}

impl Instance {
    /// Validates and installs `artifact`, resolves its imports, initialises memory and table
    /// and runs the start function.
    pub fn new(artifact: &[u8], imports: &Imports) -> Result<Instance, InstantiateError> {
        let art =
            Artifact::parse(artifact).map_err(|e| InstantiateError::Artifact(e.to_string()))?;
        let h = *art.header();
        if !cpu_has(h.cpu_features) {
            return Err(InstantiateError::CpuFeature(h.cpu_features));
        }
        let mut linked = link(&art, imports)?;
        let global_imports: Vec<usize> = art.import_indices(IMPORT_GLOBAL).collect();
        let (globals, imported_globals) = init_globals(&art, &global_imports, &linked);
        let memory = memory(&h, linked.memory.take())?;
        let table = table(&h, linked.table.take());

        // Signatures once per type: functions and exports refer to them by type index.
        let types = signatures(&art);
        let type_ids: Vec<u32> = types.iter().map(|(p, r)| signature_id(p, r)).collect();
        let code = install_code(&art, &type_ids)?;
        let base = code.base();
        let core = new_core(&h, code, &globals)?;
        let functions = Functions::new(&art, base, &type_ids, core.vm());

        // Segments' contents (and export names below) are copied per entry: linear in the
        // artifact, as no two spans share bytes (`kwasm_hooks::artifact`, checked by `parse`).
        let state = State {
            memory,
            table: table.as_ref().map(Rc::downgrade),
            globals,
            _imported_globals: linked.globals,
            data: art
                .data()
                .iter()
                .map(|d| instantiate::data_bytes(&art, &d).to_vec())
                .collect(),
            elems: art
                .elems()
                .iter()
                .map(|e| instantiate::elem_funcs(&art, &e).collect())
                .collect(),
            func_entries: functions.entries,
            host_funcs: linked.host_funcs,
            yield_hook: None,
            metered: h.flags & FLAG_YIELD == 0,
            entry_points: functions.entry_points,
            depth: 0,
            nested_stacks: Vec::new(),
        };
        // SAFETY: the core is fresh and not shared yet (no code of it has run). The memory stays
        // valid for the vmctx until `Core::drop` detaches it (the state holds it), and no
        // reference to the vmctx lives across a grow (module docs). The table's entries never
        // move (it cannot grow) and the table outlives every run of this core (module docs).
        unsafe {
            let (st, vm, stack) = (core.st(), core.vm(), &core._stack);
            *st = state;
            (*vm).stack_top = stack.top();
            (*vm).stack_limit = stack.bottom() + STACK_HEADROOM;
            if let Some(m) = &(*st).memory {
                m.attach(vm);
            }
            if let Some(t) = &table {
                kwasm_kcore::publish::table(&mut *vm, t.base() as u64, u64::from(t.len()));
            }
        }
        let mut instance = Instance {
            core: Some(core),
            table,
            exports: exports(&art),
            types,
            funcs: functions.funcs,
            uses_float: h.flags & FLAG_USES_FLOAT != 0,
            global_types: global_types(&art),
            imported_globals,
        };
        instantiate::init_segments(&art, &global_imports, &mut instance)
            .map_err(|f| InstantiateError::Trap(Trap(f.trap)))?;
        let func_imports: Vec<usize> = art.import_indices(IMPORT_FUNC).collect();
        if let Some(start) = instantiate::start_function(&art, &func_imports, base) {
            let start = start.expect("validated start function");
            instance
                .call_entry(start.type_index, start.entry, &[])
                .map_err(InstantiateError::Trap)?;
        }
        Ok(instance)
    }

    fn core(&self) -> &Core {
        self.core.as_ref().expect("only `Drop` takes the core")
    }

    /// The vmctx (see the module docs for how it may be used).
    fn vm(&self) -> *mut VmCtx {
        self.core().vm()
    }

    /// The state (see the module docs for how it may be used).
    fn st(&self) -> *mut State {
        self.core().st()
    }

    /// The value of global `index` (imported globals through their cell).
    fn global_value(&self, index: usize) -> u64 {
        let imported = index < self.imported_globals;
        // SAFETY: the state lives with `self`; the reference lasts for the read. An imported
        // slot holds the address of a cell that `_imported_globals` keeps alive; defined slots
        // are plain values. Cells and slots are reached through raw pointers only (`GlobalSlots`).
        unsafe {
            let slot = *(*self.st()).globals.cell(index);
            if imported {
                *(slot as *const u64)
            } else {
                slot
            }
        }
    }

    /// Sets the fuel for the next runs (fuel mode).
    pub fn set_fuel(&mut self, fuel: i64) {
        // SAFETY: the vmctx lives with `self`; a write through the pointer, no reference made
        // (code of this instance may be suspended below the caller: module docs).
        unsafe { (*self.vm()).fuel = fuel };
    }

    pub fn fuel(&mut self) -> i64 {
        // SAFETY: as in `set_fuel`.
        unsafe { (*self.vm()).fuel }
    }

    /// Sets the fuel reserve (fuel mode): when a run has spent its fuel, the runtime moves
    /// fuel from the reserve, `kwasm_hooks::fuel::FUEL_SLICE` at a time, instead of trapping
    /// (the kernel's time slices; in userspace nothing happens in between). 0 by default.
    pub fn set_fuel_reserve(&mut self, reserve: i64) {
        // SAFETY: as in `set_fuel`.
        unsafe { (*self.vm()).fuel_reserve = reserve };
    }

    pub fn fuel_reserve(&mut self) -> i64 {
        // SAFETY: as in `set_fuel`.
        unsafe { (*self.vm()).fuel_reserve }
    }

    /// Yield mode: asks the code to call the yield hook at its next check.
    pub fn request_yield(&mut self) {
        // SAFETY: as in `set_fuel`.
        unsafe { (*self.vm()).yield_requested = 1 };
    }

    /// Yield mode: called at each yield; return false to stop the program (a host-abort trap).
    /// The request is cleared before the hook runs; the hook may request the next one. While
    /// the hook runs, yields of code it calls (of this instance, reached through a table) do
    /// not call it again.
    pub fn set_yield_hook(&mut self, hook: impl FnMut() -> bool + 'static) {
        // SAFETY: the state lives with `self`; the reference lasts for the assignment, which
        // drops the old hook: not a running one (`yield_now` takes a hook out while it runs).
        unsafe { (*self.st()).yield_hook = Some(Box::new(hook)) };
    }

    /// Pointer to the vmctx, for hooks that set `yield_requested` from outside. It stays valid
    /// while the instance lives; write through it, never make a reference to it.
    pub fn vmctx_ptr(&self) -> *mut VmCtx {
        self.vm()
    }

    /// A copy of the linear memory's bytes (empty without a memory).
    ///
    /// # Panics
    ///
    /// While a host function holds the memory ([`super::Caller::memory`]).
    pub fn memory(&mut self) -> Vec<u8> {
        // SAFETY: the state lives with `self`; the slice lasts for the copy.
        unsafe { (*self.st()).memory_bytes() }
            .expect("the memory is lent to a host function")
            .to_vec()
    }

    pub fn uses_float(&self) -> bool {
        self.uses_float
    }

    fn export(&self, name: &str, kind: u32) -> Option<u32> {
        self.exports
            .iter()
            .find(|e| e.0 == name && e.1 == kind)
            .map(|e| e.2)
    }

    /// The value of an exported global.
    pub fn global(&mut self, name: &str) -> Option<Value> {
        let index = self.export(name, EXPORT_GLOBAL)? as usize;
        let ty = self.global_types[index].0;
        Some(Value::from_slot(ty, self.global_value(index)))
    }

    /// Every export: name and kind (`EXPORT_*`).
    pub fn export_list(&self) -> Vec<(String, u32)> {
        self.exports.iter().map(|e| (e.0.clone(), e.1)).collect()
    }

    /// An exported global, memory or table, to offer to other instances as an import.
    pub fn export_extern(&mut self, name: &str) -> Option<Extern> {
        let &(_, kind, index) = self.exports.iter().find(|e| e.0 == name)?;
        let imported_globals = self.imported_globals;
        let (ty, mutable) = self
            .global_types
            .get(index as usize)
            .copied()
            .unwrap_or((0, false));
        // SAFETY: the state lives with `self`; the reference lasts for the copies below.
        let st = unsafe { &*self.st() };
        match kind {
            EXPORT_GLOBAL if (index as usize) < imported_globals => {
                Some(Extern::Global(st._imported_globals[index as usize].clone()))
            }
            EXPORT_GLOBAL => Some(Extern::Global(GlobalRef {
                cell: st.globals.cell(index as usize),
                _owner: st.globals.clone(),
                ty,
                mutable,
            })),
            EXPORT_MEMORY => st.memory.clone().map(Extern::Memory),
            EXPORT_TABLE => self.table.clone().map(Extern::Table),
            _ => None,
        }
    }

    /// The signature of an exported function: (params, results) value-type codes.
    pub fn func_type(&self, name: &str) -> Option<(&[u8], &[u8])> {
        let index = self.export(name, EXPORT_FUNC)?;
        let (p, r) = self.signature(index);
        Some((p, r))
    }

    /// Calls exported function `name`. Takes `&self`: instances are re-entrant (a host function
    /// may call into an instance whose code is suspended below it); each nested activation
    /// runs on a stack of its own.
    pub fn invoke(&self, name: &str, args: &[Value]) -> Result<Vec<Value>, InvokeError> {
        let index = self
            .export(name, EXPORT_FUNC)
            .ok_or_else(|| InvokeError::NoSuchExport(name.into()))?;
        let (params, _) = self.signature(index);
        if params.len() != args.len() || params.iter().zip(args).any(|(&p, a)| p != a.type_code()) {
            return Err(InvokeError::BadArguments(name.into()));
        }
        self.call_index(index, args).map_err(InvokeError::Trap)
    }

    /// (params, results) of function `index`.
    fn signature(&self, index: u32) -> &(Vec<u8>, Vec<u8>) {
        &self.types[self.funcs[index as usize].0 as usize]
    }

    fn call_index(&self, index: u32, args: &[Value]) -> Result<Vec<Value>, Trap> {
        let (type_index, entry) = self.funcs[index as usize];
        self.call_entry(type_index, entry, args)
    }

    /// Calls a function of type `type_index` entered at `entry` with `args` (of that type).
    fn call_entry(
        &self,
        type_index: u32,
        entry: Entry,
        args: &[Value],
    ) -> Result<Vec<Value>, Trap> {
        let results = self.types[type_index as usize].1.clone();
        let mut slots = vec![0u64; args.len().max(results.len()).max(1)];
        for (s, a) in slots.iter_mut().zip(args) {
            *s = a.to_slot();
        }
        let code = match entry {
            // A re-exported import: call the host function directly.
            Entry::Import(k) => {
                // SAFETY: the state lives with `self`, and no `&mut` to it is live (module docs).
                let (f, memory) =
                    unsafe { host_call_parts(self.st(), k) }.expect("validated function import");
                call_host(&f, memory.as_deref(), &mut slots)
            }
            // SAFETY: `tramp` is the trampoline the compiler emitted for this function, in our
            // executable mapping; the core lives as long as `self`, which the call borrows;
            // `slots` holds max(params, results) values and is ours.
            Entry::Wasm(tramp) => unsafe { enter(self.vm(), tramp, slots.as_mut_ptr()) },
            Entry::None => panic!("validated: functions the host calls have a trampoline"),
        };
        if code != 0 {
            return Err(Trap(code));
        }
        Ok(results
            .iter()
            .zip(&slots)
            .map(|(&t, &s)| Value::from_slot(t, s))
            .collect())
    }
}

/// Instantiation's segment step (`kwasm_kcore::instantiate::init_segments`) on this instance.
/// No code runs during it, so each step may hold the state and a slice of the memory or table.
impl SegmentTarget for Instance {
    fn imported_global(&mut self, k: usize) -> u64 {
        self.global_value(k)
    }

    fn init_table(&mut self, index: usize, offset: u32) -> Result<(), u32> {
        // SAFETY: the state lives with `self`; the closure runs no wasm or host code; the
        // table is another allocation than the state.
        unsafe {
            let st = &*self.st();
            let funcs = &st.elems[index];
            let len = funcs.len() as u32;
            st.with_table(|table| {
                bulk::table_init(table, len, offset, 0, len, |k| {
                    let f = funcs[k as usize] as usize;
                    st.func_entries.get(f).copied().unwrap_or_default()
                })
            })
        }
    }

    fn init_memory(&mut self, index: usize, offset: u32) -> Result<(), u32> {
        // SAFETY: the state lives with `self`; the slice lasts for the copy, which runs no wasm
        // or host code; the memory is another allocation than the state.
        unsafe {
            let st = &*self.st();
            let bytes = &st.data[index];
            bulk::memory_init(st.memory_bytes()?, bytes, offset, 0, bytes.len() as u32)
        }
    }

    fn drop_segment(&mut self, kind: SegmentKind, index: usize) {
        // SAFETY: the state lives with `self`; the reference lasts for the assignment.
        let st = unsafe { &mut *self.st() };
        match kind {
            SegmentKind::Elem => st.elems[index] = Vec::new(),
            SegmentKind::Data => st.data[index] = Vec::new(),
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let Some(core) = self.core.take() else { return };
        // Entries this instance wrote into its table (even when instantiation failed after the
        // elem segments) point at its code and vmctx: while another holder of the table lives
        // (an importer, an exporter, the host), the table keeps the running parts and frees
        // them with itself. Code of this core may even be running now (entered through the
        // table, it does not borrow `self`); it then finishes on the kept parts.
        if let Some(table) = self.table.take() {
            if Rc::strong_count(&table) > 1 {
                table.keep_alive(Box::new(core));
            }
        }
    }
}
