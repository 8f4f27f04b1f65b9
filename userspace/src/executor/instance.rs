//! An instance: an artifact installed with its memory, table, globals, stack and imports.

use super::code::{CodeMemory, Stack};
use super::helpers;
use super::host::{Extern, GlobalRef, HostFunc, Imports};
use super::shared::{GlobalSlots, SharedMemory, SharedTable};
use super::types::signature_id;
use super::Value;
use kwasm_hooks::artifact::*;
use kwasm_hooks::trap::trap_name;
use kwasm_hooks::vmctx::{TableEntry, VmCtx};
use kwasm_kcore::artifact::Artifact;
use kwasm_kcore::instantiate::{self, limits_match, Entry, SegmentKind, SegmentTarget};
use kwasm_kcore::{bulk, reloc};
use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

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

/// Everything the helpers reach through `vmctx.instance`.
pub(super) struct State {
    pub memory: Option<Rc<SharedMemory>>,
    pub table: Option<Rc<SharedTable>>,
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
/// outer activation of the same instance uses. Returns the trampoline's result (0 or a trap).
///
/// # Safety
///
/// `vm` must be a live instance's vmctx, `tramp` one of its trampolines and `slots` an area
/// of max(params, results) values for that function.
pub(super) unsafe fn enter(vm: *mut VmCtx, tramp: u64, slots: *mut u64) -> u32 {
    // Raw accesses only: the code we call re-enters the state through helpers.
    // SAFETY: per the contract above, `vm` and its state are alive.
    unsafe {
        let st = (*vm).instance as *mut State;
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
            let stacks = &(*st).nested_stacks;
            let stack = &stacks[depth - 1];
            (*vm).stack_top = stack.top();
            (*vm).stack_limit = stack.bottom() + STACK_HEADROOM;
        }
        (*st).depth = depth + 1;
        let f: extern "sysv64" fn(*mut VmCtx, *mut u64) -> u32 =
            std::mem::transmute(tramp as usize);
        let code = f(vm, slots);
        (*st).depth = depth;
        (*vm).stack_top = top;
        (*vm).stack_limit = limit;
        code
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

    /// The memory's bytes (empty without a memory). Do not hold across calls (see
    /// `SharedMemory::bytes_mut`).
    pub fn memory_bytes(&mut self) -> &mut [u8] {
        match &self.memory {
            // SAFETY: helpers and host calls use the slice only for their own duration.
            Some(m) => unsafe { m.bytes_mut() },
            None => &mut [],
        }
    }

    pub fn table_entries(&mut self) -> &mut [TableEntry] {
        match &self.table {
            // SAFETY: as above.
            Some(t) => unsafe { t.entries_mut() },
            None => &mut [],
        }
    }
}

pub struct Instance {
    vmctx: Box<UnsafeCell<VmCtx>>,
    state: Box<UnsafeCell<State>>,
    /// `None` only while being dropped (see `Drop`).
    code: Option<CodeMemory>,
    stack: Option<Stack>,
    /// The table came from another instance or the host.
    table_imported: bool,
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

/// Veneer area layout after the code: the r11 thunk and the return thunk, one per helper, one
/// per import.
const VENEER_THUNK: usize = 16;
/// Offset of the stand-in return thunk (`ret; int3`) in the thunk veneer.
const RETURN_THUNK_AT: usize = 8;
const VENEER_HELPER: usize = 16;
const VENEER_IMPORT: usize = 32;

fn write_jmp_abs(buf: &mut [u8], target: u64) {
    buf[..6].copy_from_slice(&[0xff, 0x25, 0, 0, 0, 0]); // jmp [rip + 0]
    buf[6..14].copy_from_slice(&target.to_le_bytes());
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
        let linked = link(&art, imports)?;
        let table_imported = linked.table.is_some();

        // Globals: imported slots hold the exporter's cell address, defined ones their value.
        let mut slots: Vec<u64> = linked.globals.iter().map(|g| g.cell as u64).collect();
        let imported_globals = slots.len();
        let global_imports: Vec<usize> = art.import_indices(IMPORT_GLOBAL).collect();
        let func_imports: Vec<usize> = art.import_indices(IMPORT_FUNC).collect();
        slots.resize(imported_globals + art.globals().len(), 0);
        instantiate::init_globals(
            &art,
            &global_imports,
            |k| linked.globals[k].get().to_slot(),
            &mut slots[imported_globals..],
        );
        let globals = Rc::new(GlobalSlots(
            slots.into_iter().map(UnsafeCell::new).collect(),
        ));

        let memory = match (linked.memory, h.has_memory) {
            (Some(m), _) => Some(m),
            (None, 1) => Some(Rc::new(
                SharedMemory::new(h.memory_min, (h.memory_max != NONE).then_some(h.memory_max))
                    .map_err(InstantiateError::Memory)?,
            )),
            _ => None,
        };
        let table = match (linked.table, h.has_table) {
            (Some(t), _) => Some(t),
            (None, 1) => Some(Rc::new(SharedTable::new(
                h.table_min,
                (h.table_max != NONE).then_some(h.table_max),
            ))),
            _ => None,
        };

        // Code and veneers.
        let code_bytes = art.section(Section::Code);
        let imports_n = art.imports().len();
        let veneers = code_bytes.len().next_multiple_of(16);
        let helpers_at = veneers + VENEER_THUNK;
        let imports_at = helpers_at + VENEER_HELPER * HELPER_COUNT as usize;
        let total = imports_at + VENEER_IMPORT * imports_n;
        let mut code =
            CodeMemory::new(total).map_err(|e| InstantiateError::Memory(e.to_string()))?;
        let base = code.base();
        // Signatures once per type: functions and exports refer to them by type index.
        let types: Vec<(Vec<u8>, Vec<u8>)> = art
            .types()
            .iter()
            .map(|t| {
                let (p, r) = art.signature(t);
                (p.to_vec(), r.to_vec())
            })
            .collect();
        let type_ids: Vec<u32> = types.iter().map(|(p, r)| signature_id(p, r)).collect();
        {
            let buf = code.bytes_mut();
            buf[..code_bytes.len()].copy_from_slice(code_bytes);
            buf[veneers..veneers + 3].copy_from_slice(&[0x41, 0xff, 0xe3]); // jmp r11
                                                                            // What `RELOC_RETURN_THUNK` jumps to: the kernel's `__x86_return_thunk` stands in
                                                                            // for `ret` there; here a `ret` does (the `int3` after it is already in place).
            buf[veneers + RETURN_THUNK_AT] = 0xc3;
            for h in 0..HELPER_COUNT as usize {
                let at = helpers_at + VENEER_HELPER * h;
                write_jmp_abs(&mut buf[at..], helpers::address(h as u32));
            }
            for i in 0..imports_n {
                let at = imports_at + VENEER_IMPORT * i;
                buf[at] = 0xba; // mov edx, imm32: the import index for the dispatcher
                buf[at + 1..at + 5].copy_from_slice(&(i as u32).to_le_bytes());
                write_jmp_abs(
                    &mut buf[at + 5..],
                    helpers::host_dispatch as *const () as usize as u64,
                );
            }
            reloc::apply(
                &mut buf[..code_bytes.len()],
                base,
                art.relocs().iter(),
                |r| match r.kind {
                    RELOC_CALL_IMPORT => {
                        Some(base + (imports_at + VENEER_IMPORT * r.target as usize) as u64)
                    }
                    RELOC_CALL_HELPER => {
                        Some(base + (helpers_at + VENEER_HELPER * r.target as usize) as u64)
                    }
                    RELOC_INDIRECT_THUNK if r.target == 11 => Some(base + veneers as u64),
                    RELOC_RETURN_THUNK => Some(base + (veneers + RETURN_THUNK_AT) as u64),
                    RELOC_TYPE_ID => type_ids.get(r.target as usize).map(|&id| u64::from(id)),
                    _ => None,
                },
            )
            .map_err(|e| InstantiateError::Reloc(format!("{e:?}")))?;
        }
        code.make_executable()
            .map_err(|e| InstantiateError::Memory(e.to_string()))?;

        let stack = Stack::new(STACK_SIZE).map_err(|e| InstantiateError::Memory(e.to_string()))?;
        if u64::from(h.min_stack) + STACK_HEADROOM > stack.top() - stack.bottom() {
            return Err(InstantiateError::Memory(
                "the code needs more stack than an instance has".into(),
            ));
        }
        let vmctx = Box::new(UnsafeCell::new(VmCtx {
            memory_base: 0,
            memory_size: 0,
            stack_limit: stack.bottom() + STACK_HEADROOM,
            stack_top: stack.top(),
            fuel: DEFAULT_FUEL,
            yield_requested: 0,
            host_sp: 0,
            table_base: 0,
            table_len: 0,
            globals_base: globals.base(),
            memory_pages: 0,
            instance: 0,
            fuel_reserve: 0,
        }));
        let vm = vmctx.get();

        // Functions: table entries (with this instance's vmctx) and how each is entered.
        let mut func_entries = Vec::new();
        let mut funcs = Vec::new();
        let mut entry_points = HashMap::new();
        for f in instantiate::functions(&art, base) {
            let type_id = u64::from(type_ids[f.type_index as usize]);
            func_entries.push(f.table_entry(type_id, vm as u64));
            match f.entry {
                Entry::Import(k) => entry_points.insert(f.code, EntryPoint::Host(k)),
                Entry::Wasm(tramp) => entry_points.insert(f.code, EntryPoint::Wasm(tramp)),
                Entry::None => None,
            };
            funcs.push((f.type_index, f.entry));
        }

        // Segments' contents (and export names below) are copied per entry: linear in the
        // artifact, as no two spans share bytes (`kwasm_hooks::artifact`, checked by `parse`).
        let state = Box::new(UnsafeCell::new(State {
            memory,
            table,
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
            func_entries,
            host_funcs: linked.host_funcs,
            yield_hook: None,
            metered: h.flags & FLAG_YIELD == 0,
            entry_points,
            depth: 0,
            nested_stacks: Vec::new(),
        }));
        // SAFETY: both boxes are fresh and not shared yet; the memory and table outlive the
        // attachment (the state holds them; `Drop` detaches).
        unsafe {
            (*vm).instance = state.get() as u64;
            let st = &mut *state.get();
            if let Some(m) = &st.memory {
                m.attach(vm);
            }
            if let Some(t) = &st.table {
                (*vm).table_base = t.entries_mut().as_mut_ptr() as u64;
                (*vm).table_len = u64::from(t.len());
            }
        }
        let mut global_types: Vec<(u8, bool)> = art
            .imports()
            .iter()
            .filter(|i| i.kind == IMPORT_GLOBAL)
            .map(|i| ((i.desc & 0xff) as u8, i.desc >> 8 == 1))
            .collect();
        global_types.extend(
            art.globals()
                .iter()
                .map(|g| (g.valtype as u8, g.mutable == 1)),
        );
        let mut instance = Instance {
            vmctx,
            state,
            code: Some(code),
            stack: Some(stack),
            table_imported,
            exports: art
                .exports()
                .iter()
                .map(|e| {
                    (
                        art.string(e.name).unwrap_or("").to_string(),
                        e.kind,
                        e.index,
                    )
                })
                .collect(),
            types,
            funcs,
            uses_float: h.flags & FLAG_USES_FLOAT != 0,
            global_types,
            imported_globals,
        };
        instantiate::init_segments(&art, &global_imports, &mut instance)
            .map_err(|f| InstantiateError::Trap(Trap(f.trap)))?;
        if let Some(start) = instantiate::start_function(&art, &func_imports, base) {
            let start = start.expect("validated start function");
            instance
                .call_entry(start.type_index, start.entry, &[])
                .map_err(InstantiateError::Trap)?;
        }
        Ok(instance)
    }

    fn state(&mut self) -> &mut State {
        self.state.get_mut()
    }

    /// The value of global `index` (imported globals through their cell).
    fn global_value(&mut self, index: usize) -> u64 {
        let imported = index < self.imported_globals;
        let st = self.state();
        // SAFETY: an imported slot holds the address of a cell that `_imported_globals` keeps
        // alive; defined slots are plain values.
        unsafe {
            let slot = *st.globals.cell(index);
            if imported {
                *(slot as *const u64)
            } else {
                slot
            }
        }
    }

    /// Sets the fuel for the next runs (fuel mode).
    pub fn set_fuel(&mut self, fuel: i64) {
        self.vmctx.get_mut().fuel = fuel;
    }

    pub fn fuel(&mut self) -> i64 {
        self.vmctx.get_mut().fuel
    }

    /// Sets the fuel reserve (fuel mode): when a run has spent its fuel, the runtime moves
    /// fuel from the reserve, `kwasm_hooks::fuel::FUEL_SLICE` at a time, instead of trapping
    /// (the kernel's time slices; in userspace nothing happens in between). 0 by default.
    pub fn set_fuel_reserve(&mut self, reserve: i64) {
        self.vmctx.get_mut().fuel_reserve = reserve;
    }

    pub fn fuel_reserve(&mut self) -> i64 {
        self.vmctx.get_mut().fuel_reserve
    }

    /// Yield mode: asks the code to call the yield hook at its next check.
    pub fn request_yield(&mut self) {
        self.vmctx.get_mut().yield_requested = 1;
    }

    /// Yield mode: called at each yield; return false to stop the program (a host-abort trap).
    /// The request is cleared before the hook runs; the hook may request the next one.
    pub fn set_yield_hook(&mut self, hook: impl FnMut() -> bool + 'static) {
        self.state().yield_hook = Some(Box::new(hook));
    }

    /// Pointer to the vmctx, for hooks that set `yield_requested` from outside.
    pub fn vmctx_ptr(&self) -> *mut VmCtx {
        self.vmctx.get()
    }

    /// A copy of the linear memory's bytes (empty without a memory).
    pub fn memory(&mut self) -> Vec<u8> {
        self.state().memory_bytes().to_vec()
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
        let st = self.state();
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
            EXPORT_TABLE => st.table.clone().map(Extern::Table),
            _ => None,
        }
    }

    /// The signature of an exported function: (params, results) value-type codes.
    pub fn func_type(&self, name: &str) -> Option<(&[u8], &[u8])> {
        let index = self.export(name, EXPORT_FUNC)?;
        let (p, r) = self.signature(index);
        Some((p, r))
    }

    /// Calls exported function `name`.
    pub fn invoke(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, InvokeError> {
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

    fn call_index(&mut self, index: u32, args: &[Value]) -> Result<Vec<Value>, Trap> {
        let (type_index, entry) = self.funcs[index as usize];
        self.call_entry(type_index, entry, args)
    }

    /// Calls a function of type `type_index` entered at `entry` with `args` (of that type).
    fn call_entry(
        &mut self,
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
                let st = self.state();
                let f = st.host_funcs[k].clone().expect("validated function import");
                let mut caller = super::Caller {
                    memory: st.memory_bytes(),
                };
                match (f.body)(&mut caller, &mut slots) {
                    Ok(()) => 0,
                    Err(code) => code.max(1),
                }
            }
            // SAFETY: `tramp` is the trampoline the compiler emitted for this function, in our
            // executable mapping; the vmctx and its state live as long as `self`; `slots`
            // holds max(params, results) values.
            Entry::Wasm(tramp) => unsafe { enter(self.vmctx.get(), tramp, slots.as_mut_ptr()) },
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
impl SegmentTarget for Instance {
    fn imported_global(&mut self, k: usize) -> u64 {
        self.global_value(k)
    }

    fn init_table(&mut self, index: usize, offset: u32) -> Result<(), u32> {
        let st = self.state();
        // Moved out and back rather than cloned: a clone per segment would cost the function
        // count times the segment count.
        let entries = std::mem::take(&mut st.func_entries);
        let funcs = std::mem::take(&mut st.elems[index]);
        let len = funcs.len() as u32;
        let result = bulk::table_init(st.table_entries(), len, offset, 0, len, |k| {
            let f = funcs[k as usize] as usize;
            entries.get(f).copied().unwrap_or_default()
        });
        (st.func_entries, st.elems[index]) = (entries, funcs);
        result
    }

    fn init_memory(&mut self, index: usize, offset: u32) -> Result<(), u32> {
        let st = self.state();
        let bytes = std::mem::take(&mut st.data[index]);
        let result = bulk::memory_init(st.memory_bytes(), &bytes, offset, 0, bytes.len() as u32);
        st.data[index] = bytes;
        result
    }

    fn drop_segment(&mut self, kind: SegmentKind, index: usize) {
        let st = self.state();
        match kind {
            SegmentKind::Elem => st.elems[index] = Vec::new(),
            SegmentKind::Data => st.data[index] = Vec::new(),
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let vm = self.vmctx.get();
        if let Some(m) = &self.state.get_mut().memory {
            m.detach(vm);
        }
        // Entries this instance wrote into a table that outlives it point at its code and
        // vmctx (even when instantiation failed after the elem segments): hand the running
        // parts to the table, which frees them with itself.
        let st = self.state.get_mut();
        if let (true, Some(table)) = (self.table_imported, st.table.take()) {
            if Rc::strong_count(&table) > 1 {
                let parts: Box<dyn std::any::Any> = Box::new((
                    std::mem::replace(&mut self.vmctx, Box::new(UnsafeCell::new(VmCtx::default()))),
                    std::mem::replace(&mut self.state, Box::new(UnsafeCell::new(State::empty()))),
                    self.code.take(),
                    self.stack.take(),
                ));
                table.keep_alive(parts);
            }
        }
    }
}
