//! Host functions and the other things an instance imports, looked up by (module, name).

use super::shared::{GlobalSlots, MemoryRef, SharedMemory, SharedTable};
use super::Value;
use kwasm_hooks::trap::TRAP_HOST_ABORT;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// What a host function sees of its caller.
pub struct Caller<'a> {
    /// The caller's linear memory, if it has one.
    memory: Option<&'a SharedMemory>,
}

impl<'a> Caller<'a> {
    pub(super) fn new(memory: Option<&'a SharedMemory>) -> Self {
        Caller { memory }
    }

    /// The caller's linear memory (no bytes if it has none), lent to the host function until
    /// the returned `MemoryRef` drops. Meanwhile the bytes cannot change or move under it: code
    /// of any instance using this memory cannot start (entering it, from the host or through a
    /// table, traps with `TRAP_HOST_ABORT`) and it cannot grow (`memory.grow` returns -1). Let
    /// go of it before calling into instances that use it. `Err(TRAP_HOST_ABORT)` while an
    /// outer host function holds the memory.
    pub fn memory(&mut self) -> Result<MemoryRef<'_>, u32> {
        match self.memory {
            Some(m) => m.lend().ok_or(TRAP_HOST_ABORT),
            None => Ok(MemoryRef::empty()),
        }
    }
}

/// A host function body: reads its arguments from `slots`, writes its results there, or
/// returns a trap code.
pub type HostFn = dyn Fn(&mut Caller<'_>, &mut [u64]) -> Result<(), u32> + Send + Sync;

/// A host function with its signature (value-type codes).
#[derive(Clone)]
pub struct HostFunc {
    pub params: Vec<u8>,
    pub results: Vec<u8>,
    pub body: Arc<HostFn>,
}

/// A global cell owned by the host or by another instance.
#[derive(Clone)]
pub struct GlobalRef {
    pub(super) cell: *mut u64,
    /// Keeps the cell alive.
    pub(super) _owner: Rc<GlobalSlots>,
    pub ty: u8,
    pub mutable: bool,
}

impl GlobalRef {
    pub fn get(&self) -> Value {
        // SAFETY: `_owner` keeps the cell alive; cells are only reached through raw pointers
        // (`GlobalSlots`), and the executor is single-threaded (`Rc`), so nothing writes the
        // cell during the read.
        Value::from_slot(self.ty, unsafe { *self.cell })
    }
}

/// A thing an instance can import.
#[derive(Clone)]
pub enum Extern {
    Func(HostFunc),
    Global(GlobalRef),
    Memory(Rc<SharedMemory>),
    Table(Rc<SharedTable>),
}

impl Extern {
    /// A global owned by the host.
    pub fn global(value: Value, mutable: bool) -> Extern {
        let slots = Rc::new(GlobalSlots(
            vec![std::cell::UnsafeCell::new(value.to_slot())].into_boxed_slice(),
        ));
        Extern::Global(GlobalRef {
            cell: slots.cell(0),
            _owner: slots,
            ty: value.type_code(),
            mutable,
        })
    }

    /// A fresh zeroed memory.
    pub fn memory(min: u32, max: Option<u32>) -> Result<Extern, String> {
        Ok(Extern::Memory(Rc::new(SharedMemory::new(min, max)?)))
    }

    /// A fresh table of null entries.
    pub fn table(min: u32, max: Option<u32>) -> Extern {
        Extern::Table(Rc::new(SharedTable::new(min, max)))
    }
}

/// The imports offered to an instance.
#[derive(Clone, Default)]
pub struct Imports {
    map: HashMap<(String, String), Extern>,
}

impl Imports {
    pub fn define(&mut self, module: &str, name: &str, ext: Extern) -> &mut Self {
        self.map.insert((module.to_string(), name.to_string()), ext);
        self
    }

    pub fn func(
        &mut self,
        module: &str,
        name: &str,
        params: &[u8],
        results: &[u8],
        body: impl Fn(&mut Caller<'_>, &mut [u64]) -> Result<(), u32> + Send + Sync + 'static,
    ) -> &mut Self {
        let f = HostFunc {
            params: params.to_vec(),
            results: results.to_vec(),
            body: Arc::new(body),
        };
        self.define(module, name, Extern::Func(f))
    }

    pub fn get(&self, module: &str, name: &str) -> Option<&Extern> {
        self.map.get(&(module.to_string(), name.to_string()))
    }
}
