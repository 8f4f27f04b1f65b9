//! What the compiler knows about a module before it reaches the code section: types, imports,
//! functions, table, memory, globals, exports, segments.

use crate::error::{CompileError, Result};
use crate::prelude::*;
use alloc::collections::BTreeMap;
use kwasm_hooks::artifact as art;
use wasmparser::{ConstExpr, Operator, ValType};

/// A value type the compiler handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    I32,
    I64,
    F32,
    F64,
}

impl Ty {
    pub fn from_wasm(v: ValType, offset: u64) -> Result<Ty> {
        Ok(match v {
            ValType::I32 => Ty::I32,
            ValType::I64 => Ty::I64,
            ValType::F32 => Ty::F32,
            ValType::F64 => Ty::F64,
            other => {
                return Err(CompileError::new(
                    offset,
                    format!("unsupported value type {other}"),
                ))
            }
        })
    }

    pub fn is_float(self) -> bool {
        matches!(self, Ty::F32 | Ty::F64)
    }

    pub fn code(self) -> u8 {
        match self {
            Ty::I32 => art::VAL_I32,
            Ty::I64 => art::VAL_I64,
            Ty::F32 => art::VAL_F32,
            Ty::F64 => art::VAL_F64,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sig {
    pub params: Vec<Ty>,
    pub results: Vec<Ty>,
}

impl Sig {
    /// 8-byte slots the caller provides: arguments in, results out.
    pub fn slots(&self) -> usize {
        self.params.len().max(self.results.len())
    }
}

/// A constant initialiser: a value, or an imported global's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    Const(u64),
    Global(u32),
    /// `ref.func` (elem segments) or `ref.null` (`u32::MAX`).
    Func(u32),
}

#[derive(Clone, Debug)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: u32,
    /// Functions: type index. Globals: value type code | mutable << 8.
    pub desc: u32,
}

#[derive(Clone, Copy, Debug)]
pub struct Global {
    pub ty: Ty,
    pub mutable: bool,
    /// `None` for imported globals.
    pub init: Option<Init>,
    /// Import index for imported globals.
    pub import: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct Segment {
    pub mode: u32,
    pub offset: Init,
    /// Data: the bytes. Elems: function indices (u32::MAX = null), little-endian.
    pub bytes: Vec<u8>,
}

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub min: u32,
    pub max: Option<u32>,
}

impl Limits {
    /// A memory's limits, in pages (validation keeps 32-bit memories below 2^16 pages).
    pub fn of_memory(m: &wasmparser::MemoryType) -> Self {
        Self {
            min: m.initial as u32,
            max: m.maximum.map(|m| m as u32),
        }
    }

    /// A table's limits, in entries (validation keeps them 32-bit).
    pub fn of_table(t: &wasmparser::TableType) -> Self {
        Self {
            min: t.initial as u32,
            max: t.maximum.map(|m| m as u32),
        }
    }
}

#[derive(Default)]
pub struct ModuleInfo {
    pub types: Vec<Sig>,
    /// Canonical index of each type: the first structurally equal type.
    pub canonical: Vec<u32>,
    /// The first type of each signature hash.
    type_by_hash: BTreeMap<u64, u32>,
    /// The first type of each signature whose hash an earlier, different one has.
    colliding_types: Vec<u32>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub imported_funcs: u32,
    /// Import index of each imported function (indexed by function index).
    pub func_import: Vec<u32>,
    pub table: Option<Limits>,
    pub memory: Option<Limits>,
    pub globals: Vec<Global>,
    pub exports: Vec<(String, u32, u32)>,
    pub start: Option<u32>,
    pub elems: Vec<Segment>,
    pub data: Vec<Segment>,
}

impl ModuleInfo {
    /// Bytes the linear memory has at least, whenever code runs: its declared minimum (an
    /// imported memory smaller than that is refused at instantiation; memories never shrink).
    pub fn min_memory_bytes(&self) -> u64 {
        self.memory.map_or(0, |m| u64::from(m.min) * 65536)
    }

    pub fn func_sig(&self, func: u32) -> &Sig {
        &self.types[self.funcs[func as usize] as usize]
    }

    /// Adds a type and finds its canonical index (the first structurally equal type) by the
    /// hash of its signature: O(log T) integer compares and at most one signature compare a
    /// type, where comparing it with every type before it took minutes for a few hundred
    /// thousand types. Types whose hash another signature already has (a collision, not to be
    /// found with SipHash) are looked up among the few such types one by one.
    pub fn add_type(&mut self, sig: Sig) {
        let h = sig_hash(&sig);
        self.add_type_hashed(sig, h);
    }

    fn add_type_hashed(&mut self, sig: Sig, h: u64) {
        let t = self.types.len() as u32;
        let canonical = match self.type_by_hash.get(&h) {
            None => {
                self.type_by_hash.insert(h, t);
                t
            }
            Some(&first) if self.types[first as usize] == sig => first,
            Some(_) => {
                let types = &self.types;
                match self
                    .colliding_types
                    .iter()
                    .find(|&&c| types[c as usize] == sig)
                {
                    Some(&c) => c,
                    None => {
                        self.colliding_types.push(t);
                        t
                    }
                }
            }
        };
        self.canonical.push(canonical);
        self.types.push(sig);
    }
}

/// A 64-bit hash of a signature (SipHash-2-4: no cheap way to make many signatures collide).
fn sig_hash(sig: &Sig) -> u64 {
    use core::hash::{Hash, Hasher};
    #[allow(deprecated)]
    let mut h = core::hash::SipHasher::new();
    sig.hash(&mut h);
    h.finish()
}

/// Evaluates a constant expression to an [`Init`].
pub fn const_init(expr: &ConstExpr<'_>) -> Result<Init> {
    let mut reader = expr.get_operators_reader();
    let offset = reader.original_position();
    let op = reader.read()?;
    let init = match op {
        Operator::I32Const { value } => Init::Const(value as u32 as u64),
        Operator::I64Const { value } => Init::Const(value as u64),
        Operator::F32Const { value } => Init::Const(u64::from(value.bits())),
        Operator::F64Const { value } => Init::Const(value.bits()),
        Operator::GlobalGet { global_index } => Init::Global(global_index),
        Operator::RefNull { .. } => Init::Func(u32::MAX),
        Operator::RefFunc { function_index } => Init::Func(function_index),
        other => {
            return Err(CompileError::new(
                offset,
                format!("unsupported constant expression {other:?}"),
            ))
        }
    };
    Ok(init)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(params: &[Ty], results: &[Ty]) -> Sig {
        Sig {
            params: params.to_vec(),
            results: results.to_vec(),
        }
    }

    #[test]
    fn canonical_types_are_the_first_equal_ones() {
        use Ty::*;
        let sigs = [
            sig(&[I32], &[]),
            sig(&[], &[]),
            sig(&[I32], &[]),
            sig(&[I64], &[F32]),
            sig(&[], &[]),
            sig(&[I64], &[F32]),
            sig(&[I32], &[]),
        ];
        let mut m = ModuleInfo::default();
        for s in &sigs {
            m.add_type(s.clone());
        }
        assert_eq!(m.canonical, [0, 1, 0, 3, 1, 3, 0]);
        // The same with every hash colliding: the signatures are told apart one by one.
        let mut m = ModuleInfo::default();
        for s in &sigs {
            m.add_type_hashed(s.clone(), 7);
        }
        assert_eq!(m.canonical, [0, 1, 0, 3, 1, 3, 0]);
    }
}
