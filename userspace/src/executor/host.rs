//! Host functions and the other things an instance imports, looked up by (module, name).

use super::Value;
use std::collections::HashMap;
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

/// A thing an instance can import.
#[derive(Clone)]
pub enum Extern {
    Func(HostFunc),
    Global {
        value: Value,
        mutable: bool,
    },
    /// A fresh memory with these limits in pages.
    Memory {
        min: u32,
        max: Option<u32>,
    },
    /// A fresh funcref table with these limits.
    Table {
        min: u32,
        max: Option<u32>,
    },
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
