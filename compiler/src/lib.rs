//! kwasm-compiler: turns a `.wasm` module into a kwasm artifact (`kwasm_hooks::artifact`).
//!
//! One pass: wasmparser validates each operator and the function compiler emits x86-64 for it
//! right away (dynasm-rs), with software fault isolation in the code itself: bounds checks on
//! every memory access, a stack-limit check in every prologue, table and signature checks on
//! `call_indirect`, division and conversion traps, and fuel or yield checks at function entries
//! and loop headers (fuel is charged per operator run, see `func.rs`). Every trap jumps to a stub that returns its code through the entry
//! trampoline.
//!
//! Without the default `std` feature the crate is `no_std` + `alloc`, for the kernel module.

#![cfg_attr(not(feature = "std"), no_std)]
// dynasm!'s expansion converts register operands with `.into()` even when they are already u8.
#![allow(clippy::useless_conversion)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

/// What `std`'s prelude would give, from `alloc`.
mod prelude {
    pub use alloc::string::{String, ToString};
    pub use alloc::vec::Vec;
    pub use alloc::{format, vec};
}

mod address_sum;
mod asm;
mod bounds;
mod cond;
mod control;
mod error;
pub mod features;
mod fuel_fold;
mod func;
mod masm;
mod module;
mod ops_float;
mod ops_int;
mod ops_mem;
mod pinning;
mod ranges;
mod regalloc;
mod sections;
mod stack;
mod trampoline;
mod visit;
mod widening;
mod writer;

pub use error::{CompileError, ErrorKind, Result};

use func::{FuncCompiler, ModuleCx};
use kwasm_hooks::artifact as art;
use kwasm_hooks::trap::TRAP_COUNT;
use module::{ModuleInfo, Ty};
use prelude::*;
use wasmparser::{Parser, Payload, ValidPayload, Validator};

/// How the generated code bounds its running time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Bound {
    /// Charge fuel for every operator run (counted per straight-line stretch), check it at
    /// function entries and loop headers; out of fuel traps (hooks).
    #[default]
    Fuel,
    /// Check `vmctx.yield_requested` there and call the yield helper (servers).
    Yield,
}

/// Default for [`Options::max_code_bytes`]: generous, for userspace.
pub const DEFAULT_MAX_CODE_BYTES: usize = 256 << 20;

#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub bound: Bound,
    /// The generated machine code never grows past this many bytes: a module that needs more
    /// fails with "code size budget exceeded" as soon as the code crosses it. Values above
    /// `u32::MAX` act as `u32::MAX` (artifact offsets are 32-bit).
    pub max_code_bytes: usize,
    /// Every `ret` of the generated code (function epilogues, adapters, the exit of the entry
    /// trampolines) becomes a `jmp` to the platform's return thunk
    /// (`kwasm_hooks::artifact::RELOC_RETURN_THUNK`), as the kernel's own code does when it is
    /// built with return-speculation mitigations.
    pub return_thunk: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            bound: Bound::default(),
            max_code_bytes: DEFAULT_MAX_CODE_BYTES,
            return_thunk: false,
        }
    }
}

/// Sandbox checks a benchmark may leave out, to measure what they cost. Only the
/// `bench-unchecked` feature exposes it ([`compile_unchecked`]); the kernel module's compiler is
/// built without it, so code from such a build can never be loaded there (the kernel compiles
/// every program itself).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unchecked {
    /// No fuel charged or checked: loops run unbounded.
    pub fuel: bool,
    /// No bounds checks on memory accesses: an access may reach outside the linear memory.
    pub bounds: bool,
    /// Bounds checks without their Spectre clamps: a mispredicted check may read outside the
    /// linear memory (what wasmtime's code does without signals-based traps).
    pub spectre: bool,
}

/// Stack headroom kept above the deepest frame for trap stubs and helpers.
const STACK_HEADROOM: u32 = 256;

fn new_cx(options: &Options, unchecked: Unchecked) -> ModuleCx {
    let limit = options.max_code_bytes.min(u32::MAX as usize);
    let mut masm = masm::Masm::new(limit);
    masm.return_thunk = options.return_thunk;
    masm.fuel_reg = options.bound == Bound::Fuel && !unchecked.fuel;
    masm.spectre_clamps = !unchecked.spectre;
    let trap_labels = (0..TRAP_COUNT).map(|_| masm.label()).collect();
    let trap_eax = masm.label();
    let exit = masm.label();
    ModuleCx {
        masm,
        func_labels: Vec::new(),
        trap_labels,
        trap_eax,
        exit,
        uses_float: false,
        cpu_features: 0,
        yield_mode: options.bound == Bound::Yield,
        unchecked,
        max_frame: 0,
    }
}

/// Compiles `wasm` into an artifact.
pub fn compile(wasm: &[u8], options: &Options) -> Result<Vec<u8>> {
    compile_with(wasm, options, &mut |_| Ok(()))
}

/// [`compile`] without the checks `unchecked` names: for benchmarks only (see [`Unchecked`]).
#[cfg(feature = "bench-unchecked")]
pub fn compile_unchecked(wasm: &[u8], options: &Options, unchecked: Unchecked) -> Result<Vec<u8>> {
    compile_checked(wasm, options, unchecked, &mut |_| Ok(()))
}

/// Operators of one function body between two `progress` calls (weighted: see
/// [`compile_with`]).
pub const OPS_PER_PROGRESS: u32 = 1 << 16;
/// Items of the other sections between two `progress` calls.
pub const ITEMS_PER_PROGRESS: u32 = 1 << 12;

/// The `progress` callback of [`compile_with`] and what it is told.
pub(crate) struct Progress<'p> {
    callback: &'p mut dyn FnMut(u32) -> Result<()>,
    /// The function the compile has reached: see [`compile_with`].
    pub(crate) reached: u32,
    /// Section items since the last call.
    items: u32,
}

impl Progress<'_> {
    pub(crate) fn call(&mut self) -> Result<()> {
        self.items = 0;
        (self.callback)(self.reached)
    }

    /// One more section item: a call every [`ITEMS_PER_PROGRESS`].
    pub(crate) fn item(&mut self) -> Result<()> {
        self.items += 1;
        if self.items >= ITEMS_PER_PROGRESS {
            self.call()?;
        }
        Ok(())
    }
}

/// [`compile`], calling `progress(func)` often enough that the compile never runs long
/// without a call: before compiling the body of each defined function, every
/// [`OPS_PER_PROGRESS`] operators inside one (an operator that carries values, a branch, a
/// call, a block, counts once more for each of them: the validator checks each), and every
/// [`ITEMS_PER_PROGRESS`] items of the other sections (types, imports, function declarations,
/// tables, memories, globals, exports, element segments and their items, data segments, and
/// the entry trampolines and import adapters emitted after the code; the validation of the
/// long ones too, a chunk at a time). `func` is the function the compile has reached, in the
/// function index space (imports first): the one whose body is being compiled; before the code
/// section, the first whose body will come (the number of imported functions read so far);
/// after it, the number of functions. An error from `progress` aborts the compilation and is
/// returned as it is: a caller can stop a long compile that way, or use the calls to
/// reschedule.
pub fn compile_with(
    wasm: &[u8],
    options: &Options,
    progress: &mut dyn FnMut(u32) -> Result<()>,
) -> Result<Vec<u8>> {
    compile_checked(wasm, options, Unchecked::default(), progress)
}

fn compile_checked(
    wasm: &[u8],
    options: &Options,
    unchecked: Unchecked,
    progress: &mut dyn FnMut(u32) -> Result<()>,
) -> Result<Vec<u8>> {
    let mut progress = Progress {
        callback: progress,
        reached: 0,
        items: 0,
    };
    let mut validator = Validator::new_with_features(features::enabled());
    let mut module = ModuleInfo::default();
    let mut cx = new_cx(options, unchecked);
    let mut bodies: Vec<(art::Span, u32)> = Vec::new();
    let mut patches = Vec::new();
    let mut next_func = 0u32;

    // The parser must know the features too: it decodes some encodings (limits, for one)
    // differently depending on them.
    let mut parser = Parser::new(0);
    parser.set_features(features::enabled());
    for payload in parser.parse_all(wasm) {
        let payload = payload?;
        let valid = sections::validate(&mut validator, wasm, &payload, &mut progress)?;
        match payload {
            Payload::CodeSectionStart { .. } => {
                cx.func_labels = (0..module.funcs.len())
                    .map(|f| (f as u32 >= module.imported_funcs).then(|| cx.masm.label()))
                    .collect();
                next_func = module.imported_funcs;
            }
            Payload::CodeSectionEntry(body) => {
                let ValidPayload::Func(to_validate, _) = valid else {
                    return Err(CompileError::new(
                        body.range().start,
                        "code entry without a validator",
                    ));
                };
                let func = next_func;
                next_func += 1;
                progress.reached = func;
                progress.call()?;
                let fv = to_validate.into_validator(Default::default());
                let span = compile_body(
                    &mut cx,
                    &module,
                    func,
                    &body,
                    fv,
                    &mut progress,
                    &mut patches,
                )
                .map_err(|e| e.in_func(func))?;
                bodies.push((span, art::NONE));
            }
            other => sections::read(&mut module, other, &mut progress)?,
        }
    }

    progress.reached = module.funcs.len() as u32;
    emit_entry_trampolines(&mut cx, &module, &mut bodies, &mut progress)?;
    let import_adapters = emit_import_adapters(&mut cx, &module, &mut progress)?;
    trampoline::emit_exit_and_traps(&mut cx);
    cx.masm.check_budget(0)?;
    finish(cx, &module, bodies, patches, import_adapters)
}

/// Compiles one function body (validating each operator first) and returns where its code is.
fn compile_body(
    cx: &mut ModuleCx,
    module: &ModuleInfo,
    func: u32,
    body: &wasmparser::FunctionBody<'_>,
    mut fv: wasmparser::FuncValidator<wasmparser::ValidatorResources>,
    progress: &mut Progress<'_>,
    patches: &mut Vec<(usize, i32)>,
) -> Result<art::Span> {
    cx.masm.align(16);
    let start = cx.masm.offset();
    let label = cx.func_labels[func as usize].expect("defined functions have labels");
    cx.masm.bind(label);
    let locals = read_locals(body, &mut fv)?;
    let mut fc = FuncCompiler::new(cx, module, func);
    fc.declare_locals(&locals);
    let pinned = pinning::choose(body, &fc.locals);
    fc.prologue(pinned);
    fc.cx.masm.check_budget(body.range().start)?;
    let mut reader = body.get_operators_reader()?;
    let foldable = if fc.fuel_on() {
        fuel_fold::foldable_loops(body)
    } else {
        Vec::new()
    };
    let mut loops = 0;
    let mut finished = false;
    // Operators since the last call, weighted by the values they carry.
    let mut work = 0;
    while !reader.eof() {
        if work >= u64::from(OPS_PER_PROGRESS) {
            work = 0;
            progress.call()?;
        }
        let offset = reader.original_position();
        let op = reader.read()?;
        fc.next_set = None;
        // Set by an operator right before it pushes its result; never carried to another.
        fc.next_sum = None;
        if !matches!(
            op,
            wasmparser::Operator::I32Const { .. }
                | wasmparser::Operator::LocalGet { .. }
                | wasmparser::Operator::I32Add
        ) {
            fc.scaled = None;
        }
        if !is_load(&op) {
            fc.sum = None;
        }
        if fc.wants_next(&op) {
            // One operator of lookahead (not validated yet: only a hint; the validator sees
            // it in its turn).
            if let Ok(
                wasmparser::Operator::LocalSet { local_index }
                | wasmparser::Operator::LocalTee { local_index },
            ) = reader.clone().read()
            {
                fc.next_set = Some(local_index);
            }
        }
        fc.widen_to = None;
        if let Some((local, base)) = fc.load_needing_check(&op) {
            // Lookahead, a hint as above: how far the loads through the same local reach.
            let span = widening::load_span(reader.clone(), local, base);
            fc.widen_to = Some((local, base, span));
        }
        fc.fold_next_loop = false;
        if let wasmparser::Operator::Loop { blockty } = op {
            // The scan's verdict on this loop (`fuel_fold.rs`); loops are counted in dead
            // code too. A loop type with parameters moves values: not folded.
            let foldable = foldable.get(loops).copied().unwrap_or(false);
            loops += 1;
            fc.fold_next_loop = foldable
                && matches!(
                    blockty,
                    wasmparser::BlockType::Empty | wasmparser::BlockType::Type(_)
                );
        }
        work += fc.op_weight(&op);
        if let wasmparser::Operator::BrTable { targets } = &op {
            // Before the validator, whose check of a table costs its targets times the values
            // they carry.
            fc.check_br_table_cost(targets.len(), targets.default(), offset)?;
        }
        fv.op(offset, &op)?;
        finished = fc.op(&op, offset)?;
        fc.cx.masm.check_budget(offset)?;
    }
    if !finished {
        return Err(CompileError::new(
            reader.original_position(),
            "function body without end",
        ));
    }
    fc.finish(patches)?;
    cx.masm.check_budget(reader.original_position())?;
    let end = cx.masm.offset();
    Ok(art::Span {
        offset: start as u32,
        len: (end - start) as u32,
    })
}

/// The body's local declarations, validated: (count, type) runs.
fn read_locals(
    body: &wasmparser::FunctionBody<'_>,
    fv: &mut wasmparser::FuncValidator<wasmparser::ValidatorResources>,
) -> Result<Vec<(u32, Ty)>> {
    let mut locals = Vec::new();
    let mut reader = body.get_locals_reader()?;
    for _ in 0..reader.get_count() {
        let offset = reader.original_position();
        let (count, ty) = reader.read()?;
        fv.define_locals(offset, count, ty)?;
        if count > 50_000 {
            return Err(CompileError::new(offset, "too many locals"));
        }
        locals.push((count, Ty::from_wasm(ty, offset)?));
    }
    Ok(locals)
}

/// Trampolines for the functions the host may call: exports, the start function, and every
/// function that can sit in a table (another instance sharing it may call it).
fn emit_entry_trampolines(
    cx: &mut ModuleCx,
    module: &ModuleInfo,
    bodies: &mut [(art::Span, u32)],
    progress: &mut Progress<'_>,
) -> Result<()> {
    let mut entry_points: Vec<u32> = module
        .exports
        .iter()
        .filter(|e| e.1 == art::EXPORT_FUNC)
        .map(|e| e.2)
        .collect();
    entry_points.extend(module.start);
    for e in &module.elems {
        entry_points.extend(
            e.bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .filter(|&f| f != u32::MAX),
        );
    }
    entry_points.sort_unstable();
    entry_points.dedup();
    for f in entry_points {
        progress.item()?;
        if f < module.imported_funcs {
            continue;
        }
        let sig = module.func_sig(f).clone();
        let label = cx.func_labels[f as usize].expect("defined function");
        let offset = trampoline::emit(cx, &sig, label);
        bodies[(f - module.imported_funcs) as usize].1 = offset;
        cx.masm.check_budget(0)?;
    }
    Ok(())
}

/// One adapter per imported function (`art::NONE` for other imports).
fn emit_import_adapters(
    cx: &mut ModuleCx,
    module: &ModuleInfo,
    progress: &mut Progress<'_>,
) -> Result<Vec<u32>> {
    let mut import_adapters = Vec::with_capacity(module.imports.len());
    for (i, imp) in module.imports.iter().enumerate() {
        progress.item()?;
        import_adapters.push(if imp.kind == art::IMPORT_FUNC {
            trampoline::emit_import_adapter(cx, i as u32)
        } else {
            art::NONE
        });
        cx.masm.check_budget(0)?;
    }
    Ok(import_adapters)
}

/// Resolves the code's labels and patch sites and writes the artifact.
fn finish(
    mut cx: ModuleCx,
    module: &ModuleInfo,
    bodies: Vec<(art::Span, u32)>,
    patches: Vec<(usize, i32)>,
    import_adapters: Vec<u32>,
) -> Result<Vec<u8>> {
    let relocs = core::mem::take(&mut cx.masm.relocs);
    let mut code = core::mem::take(&mut cx.masm.ops)
        .finalize()
        .map_err(|e| CompileError::new(0, format!("assembler: {e}")).with_kind(e.kind()))?;
    for (end, value) in patches {
        masm::Masm::patch_i32(&mut code, end, value);
    }
    let flags = (if cx.uses_float {
        art::FLAG_USES_FLOAT
    } else {
        0
    }) | (if cx.yield_mode { art::FLAG_YIELD } else { 0 });
    let compiled = writer::CompiledCode {
        code,
        import_adapters,
        funcs: bodies,
        relocs,
        flags,
        cpu_features: cx.cpu_features,
        min_stack: cx.max_frame + STACK_HEADROOM,
    };
    Ok(writer::write(module, compiled))
}

/// A load from the linear memory: the operator right after an address's `i32.add` that may
/// fold it into its check (`address_sum.rs`; a store's value comes between the two).
fn is_load(op: &wasmparser::Operator<'_>) -> bool {
    use wasmparser::Operator::*;
    matches!(
        op,
        I32Load { .. }
            | I64Load { .. }
            | F32Load { .. }
            | F64Load { .. }
            | I32Load8S { .. }
            | I32Load8U { .. }
            | I32Load16S { .. }
            | I32Load16U { .. }
            | I64Load8S { .. }
            | I64Load8U { .. }
            | I64Load16S { .. }
            | I64Load16U { .. }
            | I64Load32S { .. }
            | I64Load32U { .. }
    )
}
