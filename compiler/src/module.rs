//! What the compiler knows about a module before it reaches the code section: types, imports,
//! functions, table, memory, globals, exports, segments.

use crate::error::{CompileError, Result};
use crate::prelude::*;
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

#[derive(Default)]
pub struct ModuleInfo {
    pub types: Vec<Sig>,
    /// Canonical index of each type: the first structurally equal type.
    pub canonical: Vec<u32>,
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
    pub fn func_sig(&self, func: u32) -> &Sig {
        &self.types[self.funcs[func as usize] as usize]
    }

    pub fn add_type(&mut self, sig: Sig) {
        let canonical = self
            .types
            .iter()
            .position(|t| *t == sig)
            .unwrap_or(self.types.len());
        self.canonical.push(canonical as u32);
        self.types.push(sig);
    }
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
