//! An instance: an artifact installed with its memory, table, globals, stack and imports.

use super::code::{CodeMemory, Stack};
use super::helpers;
use super::host::{Extern, HostFunc, Imports};
use super::Value;
use kwasm_hooks::artifact::*;
use kwasm_hooks::trap::trap_name;
use kwasm_hooks::vmctx::{TableEntry, VmCtx, PAGE_SIZE};
use kwasm_kcore::artifact::Artifact;
use kwasm_kcore::{bulk, reloc};
use std::cell::UnsafeCell;
use std::fmt;

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

/// Usable wasm stack per instance, and what is kept free below the limit for host code.
const STACK_SIZE: usize = 2 << 20;
const STACK_HEADROOM: u64 = 128 << 10;
/// Fuel per run when the caller sets none.
pub const DEFAULT_FUEL: i64 = i64::MAX;

/// Everything the helpers reach through `vmctx.instance`.
pub(super) struct State {
    pub memory: Vec<u8>,
    pub memory_max: u32,
    pub table: Vec<TableEntry>,
    pub globals: Vec<u64>,
    /// Passive data segments' bytes (empty once dropped or for active segments).
    pub data: Vec<Vec<u8>>,
    /// Elem segments' function indices (empty once dropped).
    pub elems: Vec<Vec<u32>>,
    /// Table entry for every function index.
    pub func_entries: Vec<TableEntry>,
    /// Host function per import index (None for non-functions).
    pub host_funcs: Vec<Option<HostFunc>>,
    pub yield_hook: Option<Box<dyn FnMut() -> bool>>,
    pub vmctx: *mut VmCtx,
}

impl State {
    /// Publishes the memory's current base and size to the code.
    pub fn sync_memory(&mut self) {
        // SAFETY: `vmctx` points to the instance's boxed VmCtx, alive as long as the state.
        let vm = unsafe { &mut *self.vmctx };
        vm.memory_base = self.memory.as_mut_ptr() as u64;
        vm.memory_size = self.memory.len() as u64;
        vm.memory_pages = self.memory.len() as u64 / PAGE_SIZE;
        vm.table_base = self.table.as_mut_ptr() as u64;
        vm.table_len = self.table.len() as u64;
        vm.globals_base = self.globals.as_mut_ptr() as u64;
    }
}

pub struct Instance {
    vmctx: Box<UnsafeCell<VmCtx>>,
    state: Box<UnsafeCell<State>>,
    code: CodeMemory,
    _stack: Stack,
    exports: Vec<(String, u32, u32)>,
    /// Per function index: signature (params, results) and trampoline address (0 if none).
    funcs: Vec<(Vec<u8>, Vec<u8>, u64)>,
    imported_funcs: u32,
    uses_float: bool,
    /// Per global index: value type code and mutability.
    global_types: Vec<(u8, bool)>,
    table_max: Option<u32>,
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

/// Veneer area layout after the code: the r11 thunk, one per helper, one per import.
const VENEER_THUNK: usize = 16;
const VENEER_HELPER: usize = 16;
const VENEER_IMPORT: usize = 32;

fn write_jmp_abs(buf: &mut [u8], target: u64) {
    buf[..6].copy_from_slice(&[0xff, 0x25, 0, 0, 0, 0]); // jmp [rip + 0]
    buf[6..14].copy_from_slice(&target.to_le_bytes());
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

        // Imports.
        let mut host_funcs = Vec::new();
        let mut globals = Vec::new();
        let (mut mem_limits, mut table_limits) = (None, None);
        for imp in art.imports().iter() {
            let (module, name) = (
                art.string(imp.module).unwrap_or(""),
                art.string(imp.name).unwrap_or(""),
            );
            let unknown = || InstantiateError::UnknownImport(module.into(), name.into());
            let incompatible = || InstantiateError::IncompatibleImport(module.into(), name.into());
            let ext = imports.get(module, name).ok_or_else(unknown)?;
            match (imp.kind, ext) {
                (IMPORT_FUNC, Extern::Func(f)) => {
                    let (p, r) = art.signature(
                        art.types()
                            .get(imp.desc as usize)
                            .ok_or_else(incompatible)?,
                    );
                    if f.params != p || f.results != r {
                        return Err(incompatible());
                    }
                    host_funcs.push(Some(f.clone()));
                    continue;
                }
                (IMPORT_GLOBAL, Extern::Global { value, mutable }) => {
                    if value.type_code() != (imp.desc & 0xff) as u8
                        || *mutable != (imp.desc >> 8 == 1)
                    {
                        return Err(incompatible());
                    }
                    globals.push(value.to_slot());
                }
                (IMPORT_MEMORY, Extern::Memory { min, max }) => {
                    let ok = *min >= h.memory_min
                        && (h.memory_max == NONE || max.is_some_and(|m| m <= h.memory_max));
                    if !ok {
                        return Err(incompatible());
                    }
                    mem_limits = Some((*min, max.unwrap_or(NONE)));
                }
                (IMPORT_TABLE, Extern::Table { min, max }) => {
                    let ok = *min >= h.table_min
                        && (h.table_max == NONE || max.is_some_and(|m| m <= h.table_max));
                    if !ok {
                        return Err(incompatible());
                    }
                    table_limits = Some((*min, max.unwrap_or(NONE)));
                }
                _ => return Err(incompatible()),
            }
            host_funcs.push(None);
        }
        let imported_globals = globals.len();
        let import_global_index = |import: u64| -> usize {
            art.imports()
                .iter()
                .take(import as usize)
                .filter(|i| i.kind == IMPORT_GLOBAL)
                .count()
        };
        for g in art.globals().iter() {
            let v = match g.init_kind {
                INIT_GLOBAL_GET => globals[import_global_index(g.value)],
                _ => g.value,
            };
            globals.push(v);
        }
        debug_assert!(globals.len() >= imported_globals);

        // Memory and table.
        let (mem_min, mem_max) = mem_limits.unwrap_or((h.memory_min, h.memory_max));
        let memory_max = if h.has_memory == 1 {
            mem_max.min(65536)
        } else {
            0
        };
        let memory_bytes = usize::try_from(u64::from(mem_min) * PAGE_SIZE)
            .map_err(|e| InstantiateError::Memory(e.to_string()))?;
        let mut memory = Vec::new();
        memory
            .try_reserve_exact(memory_bytes)
            .map_err(|e| InstantiateError::Memory(e.to_string()))?;
        memory.resize(memory_bytes, 0);
        let (table_min, _) = table_limits.unwrap_or((h.table_min, h.table_max));
        let table = vec![
            TableEntry {
                code: 0,
                type_index: u64::MAX
            };
            table_min as usize
        ];

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
        {
            let buf = code.bytes_mut();
            buf[..code_bytes.len()].copy_from_slice(code_bytes);
            buf[veneers..veneers + 3].copy_from_slice(&[0x41, 0xff, 0xe3]); // jmp r11
            for h in 0..HELPER_COUNT as usize {
                let at = helpers_at + VENEER_HELPER * h;
                write_jmp_abs(&mut buf[at..], helpers::address(h as u32));
            }
            for i in 0..imports_n {
                let at = imports_at + VENEER_IMPORT * i;
                buf[at] = 0xba; // mov edx, imm32
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
                    _ => None,
                },
            )
            .map_err(|e| InstantiateError::Reloc(format!("{e:?}")))?;
        }
        code.make_executable()
            .map_err(|e| InstantiateError::Memory(e.to_string()))?;

        // Functions: table entries and trampolines.
        let mut func_entries = Vec::new();
        let mut funcs = Vec::new();
        for imp in art.imports().iter().filter(|i| i.kind == IMPORT_FUNC) {
            let ty = art.types().get(imp.desc as usize).expect("validated");
            let (p, r) = art.signature(ty);
            func_entries.push(TableEntry {
                code: base + u64::from(imp.adapter),
                type_index: u64::from(imp.desc),
            });
            funcs.push((p.to_vec(), r.to_vec(), 0));
        }
        for f in art.funcs().iter() {
            let (p, r) = art.signature(art.types().get(f.type_index as usize).expect("validated"));
            func_entries.push(TableEntry {
                code: base + u64::from(f.code.offset),
                type_index: u64::from(f.type_index),
            });
            let tramp = if f.trampoline == NONE {
                0
            } else {
                base + u64::from(f.trampoline)
            };
            funcs.push((p.to_vec(), r.to_vec(), tramp));
        }

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
            globals_base: 0,
            memory_pages: 0,
            instance: 0,
        }));
        let segment_funcs = |e: &ElemSegment| -> Vec<u32> {
            let blob = art.section(Section::ElemFuncs);
            blob[e.funcs.offset as usize..(e.funcs.offset + e.funcs.len) as usize]
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
                .collect()
        };
        let state = Box::new(UnsafeCell::new(State {
            memory,
            memory_max,
            table,
            globals,
            data: art
                .data()
                .iter()
                .map(|d| {
                    art.section(Section::DataBytes)
                        [d.bytes.offset as usize..(d.bytes.offset + d.bytes.len) as usize]
                        .to_vec()
                })
                .collect(),
            elems: art.elems().iter().map(|e| segment_funcs(&e)).collect(),
            func_entries,
            host_funcs,
            yield_hook: None,
            vmctx: vmctx.get(),
        }));
        // SAFETY: both boxes are freshly made and not shared yet.
        unsafe {
            (*vmctx.get()).instance = state.get() as u64;
            (*state.get()).sync_memory();
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
        let table_max = table_limits.map_or(h.table_max, |t| t.1);
        let mut instance = Instance {
            vmctx,
            state,
            code,
            _stack: stack,
            exports: Vec::new(),
            funcs,
            imported_funcs: art.imported(IMPORT_FUNC),
            uses_float: h.flags & FLAG_USES_FLOAT != 0,
            global_types,
            table_max: (table_max != NONE).then_some(table_max),
        };
        for e in art.exports().iter() {
            instance.exports.push((
                art.string(e.name).unwrap_or("").to_string(),
                e.kind,
                e.index,
            ));
        }
        instance
            .init_segments(&art)
            .map_err(InstantiateError::Trap)?;
        if h.start_func != NONE {
            instance
                .call_index(h.start_func, &[])
                .map_err(InstantiateError::Trap)?;
        }
        Ok(instance)
    }

    fn state(&mut self) -> &mut State {
        self.state.get_mut()
    }

    /// Active elem then data segments, in order; afterwards they count as dropped.
    fn init_segments(&mut self, art: &Artifact<'_>) -> Result<(), Trap> {
        let import_global_index = |import: u32| -> usize {
            art.imports()
                .iter()
                .take(import as usize)
                .filter(|i| i.kind == IMPORT_GLOBAL)
                .count()
        };
        let state = self.state.get_mut();
        for (i, e) in art.elems().iter().enumerate() {
            if e.mode == SEGMENT_PASSIVE {
                continue;
            }
            let funcs = std::mem::take(&mut state.elems[i]);
            if e.mode != SEGMENT_ACTIVE {
                continue;
            }
            let offset = if e.offset_kind == INIT_GLOBAL_GET {
                state.globals[import_global_index(e.offset)] as u32
            } else {
                e.offset
            };
            let entries = &state.func_entries;
            let null = TableEntry {
                code: 0,
                type_index: u64::MAX,
            };
            bulk::table_init(
                &mut state.table,
                funcs.len() as u32,
                offset,
                0,
                funcs.len() as u32,
                |k| {
                    entries
                        .get(funcs[k as usize] as usize)
                        .copied()
                        .unwrap_or(null)
                },
            )
            .map_err(Trap)?;
        }
        for (i, d) in art.data().iter().enumerate() {
            if d.mode != SEGMENT_ACTIVE {
                continue;
            }
            let bytes = std::mem::take(&mut state.data[i]);
            let offset = if d.offset_kind == INIT_GLOBAL_GET {
                state.globals[import_global_index(d.offset)] as u32
            } else {
                d.offset
            };
            bulk::memory_init(&mut state.memory, &bytes, offset, 0, bytes.len() as u32)
                .map_err(Trap)?;
        }
        Ok(())
    }

    /// Sets the fuel for the next runs (fuel mode).
    pub fn set_fuel(&mut self, fuel: i64) {
        self.vmctx.get_mut().fuel = fuel;
    }

    pub fn fuel(&mut self) -> i64 {
        self.vmctx.get_mut().fuel
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

    pub fn memory(&mut self) -> &mut [u8] {
        &mut self.state().memory
    }

    pub fn uses_float(&self) -> bool {
        self.uses_float
    }

    /// The value of an exported global.
    pub fn global(&mut self, name: &str) -> Option<u64> {
        let &(_, kind, index) = self.exports.iter().find(|e| e.0 == name)?;
        (kind == EXPORT_GLOBAL).then(|| self.state().globals[index as usize])
    }

    /// Type code of an exported global.
    pub fn global_type(&self, name: &str) -> Option<u8> {
        let &(_, kind, index) = self.exports.iter().find(|e| e.0 == name)?;
        (kind == EXPORT_GLOBAL).then(|| self.global_types[index as usize].0)
    }

    pub fn global_mutable(&self, name: &str) -> Option<bool> {
        let &(_, kind, index) = self.exports.iter().find(|e| e.0 == name)?;
        (kind == EXPORT_GLOBAL).then(|| self.global_types[index as usize].1)
    }

    /// Every export: name and kind (`EXPORT_*`).
    pub fn export_list(&self) -> Vec<(String, u32)> {
        self.exports.iter().map(|e| (e.0.clone(), e.1)).collect()
    }

    /// Current memory size and maximum, in pages.
    pub fn memory_limits(&mut self) -> (u32, Option<u32>) {
        let st = self.state();
        (
            (st.memory.len() as u64 / PAGE_SIZE) as u32,
            Some(st.memory_max),
        )
    }

    /// Current table size and maximum.
    pub fn table_limits(&mut self) -> (u32, Option<u32>) {
        let max = self.table_max;
        (self.state().table.len() as u32, max)
    }

    /// The signature of an exported function: (params, results) value-type codes.
    pub fn func_type(&self, name: &str) -> Option<(&[u8], &[u8])> {
        let &(_, kind, index) = self.exports.iter().find(|e| e.0 == name)?;
        if kind != EXPORT_FUNC {
            return None;
        }
        let (p, r, _) = &self.funcs[index as usize];
        Some((p, r))
    }

    /// Calls exported function `name`.
    pub fn invoke(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, InvokeError> {
        let &(_, kind, index) = self
            .exports
            .iter()
            .find(|e| e.0 == name)
            .ok_or_else(|| InvokeError::NoSuchExport(name.into()))?;
        if kind != EXPORT_FUNC {
            return Err(InvokeError::NoSuchExport(name.into()));
        }
        let (params, _, _) = &self.funcs[index as usize];
        if params.len() != args.len() || params.iter().zip(args).any(|(&p, a)| p != a.type_code()) {
            return Err(InvokeError::BadArguments(name.into()));
        }
        self.call_index(index, args).map_err(InvokeError::Trap)
    }

    fn call_index(&mut self, index: u32, args: &[Value]) -> Result<Vec<Value>, Trap> {
        let (_, results, tramp) = self.funcs[index as usize].clone();
        let mut slots = vec![0u64; args.len().max(results.len()).max(1)];
        for (s, a) in slots.iter_mut().zip(args) {
            *s = a.to_slot();
        }
        let code = if index < self.imported_funcs {
            // A re-exported import: call the host function directly.
            let state = self.state.get_mut();
            let f = state
                .host_funcs
                .iter()
                .flatten()
                .nth(index as usize)
                .cloned()
                .expect("validated import");
            let mut caller = super::Caller {
                memory: &mut state.memory,
            };
            match (f.body)(&mut caller, &mut slots) {
                Ok(()) => 0,
                Err(code) => code.max(1),
            }
        } else {
            // SAFETY: `tramp` is the trampoline the compiler emitted for this function, in
            // our executable mapping, with the `extern "sysv64" fn(*mut VmCtx, *mut u64) -> u32`
            // convention; vmctx and the state it points to are alive and not otherwise
            // borrowed during the call; `slots` holds max(params, results) values.
            unsafe {
                let f: extern "sysv64" fn(*mut VmCtx, *mut u64) -> u32 =
                    std::mem::transmute(tramp as usize);
                f(self.vmctx.get(), slots.as_mut_ptr())
            }
        };
        let _ = &self.code;
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

#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    #[error("no exported function {0:?}")]
    NoSuchExport(String),
    #[error("wrong argument types for {0:?}")]
    BadArguments(String),
    #[error("{0}")]
    Trap(Trap),
}
