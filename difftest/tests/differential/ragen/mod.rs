//! Generator 2: programs aimed at a register allocator. Functions with many mixed-type params
//! and locals, deep and wide expressions (dozens of values live at once), values live across
//! calls (multi-value results too), blocks, ifs and loops with params and results, branches
//! carrying values, fixed-register operators (shifts, divisions), loads and stores at various
//! offsets (some out of bounds), `local.tee` chains and bounded loops.
//!
//! Module layout: functions `f0..fN` (exported; `fi` only calls `fj` with j > i, so every
//! program terminates), all of them in a funcref table followed by two null slots, mutable
//! globals `g0..` and one memory page `mem` (all exported).

mod control;
mod func;
mod ops;
mod stmt;

use crate::budget::Rng;
use ops::TYPES;
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, ElementSection, Elements, ExportKind, ExportSection,
    FunctionSection, GlobalSection, GlobalType, MemorySection, MemoryType, Module, RefType,
    TableSection, TableType, TypeSection, ValType,
};

/// Null slots after the functions in the table.
pub const NULL_SLOTS: u32 = 2;

#[derive(Clone, PartialEq)]
pub struct Sig {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

/// Function types, interned: function signatures and block types share the type section.
#[derive(Default)]
pub struct Types(Vec<Sig>);

impl Types {
    pub fn intern(&mut self, params: &[ValType], results: &[ValType]) -> u32 {
        let sig = Sig {
            params: params.to_vec(),
            results: results.to_vec(),
        };
        let found = self.0.iter().position(|s| *s == sig);
        found.unwrap_or_else(|| {
            self.0.push(sig);
            self.0.len() - 1
        }) as u32
    }
}

/// What every function body may refer to.
pub struct Shape {
    pub sigs: Vec<Sig>,
    /// Type index of each function.
    pub func_types: Vec<u32>,
    pub globals: Vec<ValType>,
}

pub fn generate(seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut types = Types::default();
    let sigs: Vec<Sig> = (0..rng.range(2, 6)).map(|_| random_sig(&mut rng)).collect();
    let func_types = sigs
        .iter()
        .map(|s| types.intern(&s.params, &s.results))
        .collect();
    let globals = (0..rng.range(2, 6)).map(|_| *rng.pick(&TYPES)).collect();
    let shape = Shape {
        sigs,
        func_types,
        globals,
    };
    let mut code = CodeSection::new();
    for index in 0..shape.sigs.len() {
        code.function(&func::generate(&mut rng, &shape, &mut types, index as u32));
    }
    assemble(&mut rng, &shape, &types, &code)
}

fn random_sig(rng: &mut Rng) -> Sig {
    let params = if rng.chance(40) {
        rng.range(0, 4)
    } else {
        rng.range(5, 14)
    };
    let results = *rng.pick(&[0, 1, 1, 1, 2, 2, 3]);
    Sig {
        params: (0..params).map(|_| *rng.pick(&TYPES)).collect(),
        results: (0..results).map(|_| *rng.pick(&TYPES)).collect(),
    }
}

fn assemble(rng: &mut Rng, shape: &Shape, types: &Types, code: &CodeSection) -> Vec<u8> {
    let n = shape.sigs.len() as u32;
    let mut module = Module::new();
    let mut type_section = TypeSection::new();
    for sig in &types.0 {
        type_section
            .ty()
            .function(sig.params.iter().copied(), sig.results.iter().copied());
    }
    let mut functions = FunctionSection::new();
    for &t in &shape.func_types {
        functions.function(t);
    }
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        table64: false,
        minimum: u64::from(n + NULL_SLOTS),
        maximum: Some(u64::from(n + NULL_SLOTS)),
        shared: false,
    });
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: Some(2),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut elements = ElementSection::new();
    let indices: Vec<u32> = (0..n).collect();
    elements.active(
        None,
        &ConstExpr::i32_const(0),
        Elements::Functions(indices.into()),
    );
    module
        .section(&type_section)
        .section(&functions)
        .section(&tables)
        .section(&memories)
        .section(&globals(rng, shape))
        .section(&exports(shape))
        .section(&elements)
        .section(code)
        .section(&data(rng));
    module.finish()
}

fn globals(rng: &mut Rng, shape: &Shape) -> GlobalSection {
    let mut section = GlobalSection::new();
    for &ty in &shape.globals {
        let init = match ty {
            ValType::I32 => ConstExpr::i32_const(rng.next() as i32),
            ValType::I64 => ConstExpr::i64_const(rng.next() as i64),
            ValType::F32 => ConstExpr::f32_const((rng.below(1000) as f32 - 500.0).into()),
            _ => ConstExpr::f64_const((rng.below(1000) as f64 / 3.0).into()),
        };
        let global_type = GlobalType {
            val_type: ty,
            mutable: true,
            shared: false,
        };
        section.global(global_type, &init);
    }
    section
}

fn exports(shape: &Shape) -> ExportSection {
    let mut section = ExportSection::new();
    for i in 0..shape.sigs.len() as u32 {
        section.export(&format!("f{i}"), ExportKind::Func, i);
    }
    for i in 0..shape.globals.len() as u32 {
        section.export(&format!("g{i}"), ExportKind::Global, i);
    }
    section.export("mem", ExportKind::Memory, 0);
    section
}

fn data(rng: &mut Rng) -> DataSection {
    let mut section = DataSection::new();
    let offset = rng.below(1024) as i32;
    let len = rng.range(16, 128) as usize;
    section.active(0, &ConstExpr::i32_const(offset), rng.bytes(len));
    section
}
