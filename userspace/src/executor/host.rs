//! Host functions and the other things an instance imports, looked up by (module, name).

use super::shared::{GlobalSlots, SharedMemory, SharedTable};
use super::Value;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// What a host function sees of its caller.
pub struct Caller<'a> {
    /// The caller's linear memory (empty if it has none).
    pub memory: &'a mut [u8],
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
        // SAFETY: `owner` keeps the cell alive; reads of a u64 cell.
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
