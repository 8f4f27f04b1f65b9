//! Running one `.wast` script.

use crate::backend::{Backend, InstantiateFailure};
use crate::spectest;
use kwasm::executor::{Imports, Value};
use kwasm::hooks::trap::{trap_name, TRAP_STACK_EXHAUSTED, TRAP_TABLE_OUT_OF_BOUNDS};
use std::collections::HashMap;
use wast::core::{NanPattern, WastArgCore, WastRetCore};
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastRet};

/// The outcome of one script: counts, and a line per failed assertion (`file:line: why`).
#[derive(Debug, Default)]
pub struct FileReport {
    pub passed: usize,
    pub failed: usize,
    /// Assertions on modules that use a feature kwasm does not enable (reference types).
    pub skipped: usize,
    pub failures: Vec<String>,
}

/// A module that uses a feature kwasm does not claim: assertions on it are skipped, not failed.
fn unclaimed_feature(compile_error: &str) -> bool {
    [
        "reference types support is not enabled",
        "multiple tables",
        "multiple memories",
        "SIMD support is not enabled",
    ]
    .iter()
    .any(|m| compile_error.contains(m))
}

/// Why a directive did not pass.
enum Outcome {
    Failed(String),
    /// It needs a module that was skipped for an unclaimed feature.
    Skipped,
}

impl From<String> for Outcome {
    fn from(s: String) -> Self {
        Outcome::Failed(s)
    }
}

struct Runner<'b, B: Backend> {
    backend: &'b mut B,
    imports: Imports,
    /// Every instance stays alive until the script ends (registered exports point into them).
    instances: Vec<B::Instance>,
    named: HashMap<String, usize>,
    current: Option<usize>,
    /// Names of skipped modules; `current_skipped` when the current module was skipped.
    skipped_named: Vec<String>,
    current_skipped: bool,
    /// Registered names of skipped modules.
    skipped_registered: Vec<String>,
}

fn encode(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    module.encode().map_err(|e| e.to_string())
}

fn compile(wasm: &[u8], options: &kwasm_compiler::Options) -> Result<Vec<u8>, String> {
    kwasm_compiler::compile(wasm, options).map_err(|e| e.to_string())
}

fn arg(a: &WastArg<'_>) -> Result<Value, String> {
    match a {
        WastArg::Core(WastArgCore::I32(v)) => Ok(Value::I32(*v)),
        WastArg::Core(WastArgCore::I64(v)) => Ok(Value::I64(*v)),
        WastArg::Core(WastArgCore::F32(f)) => Ok(Value::F32(f.bits)),
        WastArg::Core(WastArgCore::F64(f)) => Ok(Value::F64(f.bits)),
        other => Err(format!("unsupported argument {other:?}")),
    }
}

fn f32_matches(p: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(p: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn result_matches(expected: &WastRet<'_>, got: &Value) -> bool {
    match (expected, got) {
        (WastRet::Core(WastRetCore::I32(e)), Value::I32(g)) => e == g,
        (WastRet::Core(WastRetCore::I64(e)), Value::I64(g)) => e == g,
        (WastRet::Core(WastRetCore::F32(p)), Value::F32(g)) => f32_matches(p, *g),
        (WastRet::Core(WastRetCore::F64(p)), Value::F64(g)) => f64_matches(p, *g),
        _ => false,
    }
}

/// Whether a trap code satisfies the script's expected message. The scripts name one trap in
/// two ways: a table index out of range is "undefined element" for `call_indirect` and "out of
/// bounds table access" for table instructions and segment initialisation.
fn trap_matches(code: u32, message: &str) -> bool {
    let name = trap_name(code);
    let alias = (code == TRAP_TABLE_OUT_OF_BOUNDS).then_some("out of bounds table access");
    [Some(name), alias]
        .into_iter()
        .flatten()
        .any(|n| message.starts_with(n) || n.starts_with(message))
}

impl<B: Backend> Runner<'_, B> {
    fn instance(&mut self, id: Option<wast::token::Id<'_>>) -> Result<usize, Outcome> {
        match id {
            Some(id) if self.skipped_named.iter().any(|n| n == id.name()) => Err(Outcome::Skipped),
            Some(id) => self
                .named
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("no module named {}", id.name()).into()),
            None if self.current_skipped => Err(Outcome::Skipped),
            None => self
                .current
                .ok_or_else(|| "no current module".to_string().into()),
        }
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Result<usize, InstantiateFailure>, Outcome> {
        let artifact = match compile(wasm, &self.backend.options()) {
            Err(e) if unclaimed_feature(&e) => return Err(Outcome::Skipped),
            other => other?,
        };
        // Importing from a registered module that was skipped: skip this one too.
        let unknown_from_skipped = |f: &InstantiateFailure, skipped: &[String]| matches!(f, InstantiateFailure::Link(m) if skipped.iter().any(|s| m.starts_with(&format!("unknown import {s}."))));
        let result = self.backend.instantiate(wasm, &artifact, &self.imports);
        if let Err(f) = &result {
            if unknown_from_skipped(f, &self.skipped_registered) {
                return Err(Outcome::Skipped);
            }
        }
        Ok(result.map(|inst| {
            self.instances.push(inst);
            self.instances.len() - 1
        }))
    }

    fn module(&mut self, mut module: QuoteWat<'_>) -> Result<(), Outcome> {
        let name = match &module {
            QuoteWat::Wat(wast::Wat::Module(m)) => m.id.map(|id| id.name().to_string()),
            _ => None,
        };
        let wasm = encode(&mut module)?;
        self.current_skipped = false;
        let index = match self.instantiate(&wasm) {
            Err(Outcome::Skipped) => {
                self.current_skipped = true;
                self.skipped_named.extend(name);
                return Err(Outcome::Skipped);
            }
            other => other?.map_err(|e| format!("instantiation failed: {e:?}"))?,
        };
        self.current = Some(index);
        if let Some(name) = name {
            self.skipped_named.retain(|n| *n != name);
            self.named.insert(name, index);
        }
        Ok(())
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Result<Vec<Value>, u32>, Outcome> {
        match exec {
            WastExecute::Invoke(inv) => {
                let i = self.instance(inv.module)?;
                let args = inv.args.iter().map(arg).collect::<Result<Vec<_>, _>>()?;
                match self.backend.invoke(&mut self.instances[i], inv.name, &args) {
                    Ok(v) => Ok(Ok(v)),
                    Err(Ok(code)) => Ok(Err(code)),
                    Err(Err(e)) => Err(e.into()),
                }
            }
            WastExecute::Get { module, global, .. } => {
                let i = self.instance(module)?;
                let v = self
                    .backend
                    .global(&mut self.instances[i], global)
                    .ok_or_else(|| "no such global".to_string())?;
                Ok(Ok(vec![v]))
            }
            WastExecute::Wat(mut wat) => {
                let wasm = wat.encode().map_err(|e| e.to_string())?;
                match self.instantiate(&wasm)? {
                    Ok(_) => Ok(Ok(vec![])),
                    Err(InstantiateFailure::Trap(code)) => Ok(Err(code)),
                    Err(e) => Err(format!("instantiation failed: {e:?}").into()),
                }
            }
        }
    }

    /// Runs one directive: Ok(true) passed, Ok(false) not an assertion, Err(why) did not pass.
    fn directive(&mut self, d: WastDirective<'_>) -> Result<bool, Outcome> {
        match d {
            WastDirective::Module(module) => {
                self.module(module)?;
                Ok(false)
            }
            WastDirective::Register { name, module, .. } => {
                let i = match self.instance(module) {
                    Err(Outcome::Skipped) => {
                        self.skipped_registered.push(name.to_string());
                        return Err(Outcome::Skipped);
                    }
                    other => other?,
                };
                let mut imports = std::mem::take(&mut self.imports);
                self.backend
                    .register(&mut self.instances[i], name, &mut imports);
                self.imports = imports;
                Ok(false)
            }
            WastDirective::Invoke(inv) => match self.execute(WastExecute::Invoke(inv))? {
                Ok(_) => Ok(false),
                Err(code) => Err(format!("invoke trapped: {}", trap_name(code)).into()),
            },
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec)? {
                Ok(got)
                    if got.len() == results.len()
                        && results.iter().zip(&got).all(|(e, g)| result_matches(e, g)) =>
                {
                    Ok(true)
                }
                Ok(got) => Err(format!("expected {results:?}, got {got:?}").into()),
                Err(code) => {
                    Err(format!("expected {results:?}, trapped: {}", trap_name(code)).into())
                }
            },
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec)? {
                Err(code) if trap_matches(code, message) => Ok(true),
                Err(code) => {
                    Err(format!("expected trap {message:?}, got trap {:?}", trap_name(code)).into())
                }
                Ok(got) => Err(format!("expected trap {message:?}, got {got:?}").into()),
            },
            WastDirective::AssertExhaustion { call, .. } => {
                match self.execute(WastExecute::Invoke(call))? {
                    Err(TRAP_STACK_EXHAUSTED) => Ok(true),
                    other => Err(format!("expected stack exhaustion, got {other:?}").into()),
                }
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            }
            | WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => match encode(&mut module) {
                Err(_) => Ok(true),
                Ok(wasm) => match compile(&wasm, &self.backend.options()) {
                    Err(_) => self
                        .backend
                        .check_refused(&wasm)
                        .map(|()| true)
                        .map_err(Into::into),
                    Ok(_) => {
                        Err(format!("invalid or malformed module ({message}) was accepted").into())
                    }
                },
            },
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let wasm = module.encode().map_err(|e| e.to_string())?;
                match self.instantiate(&wasm)? {
                    Err(InstantiateFailure::Link(_)) => Ok(true),
                    other => Err(format!(
                        "expected unlinkable ({message}), got {:?}",
                        other.map(|_| ())
                    )
                    .into()),
                }
            }
            other => Err(format!("unsupported directive {other:?}").into()),
        }
    }
}

/// Runs the script `contents` (named `name` in failure lines) on `backend`.
pub fn run_file<B: Backend>(backend: &mut B, name: &str, contents: &str) -> FileReport {
    let mut report = FileReport::default();
    let mut lexer = wast::lexer::Lexer::new(contents);
    lexer.allow_confusing_unicode(true);
    let buffer = match wast::parser::ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => {
            report.failed += 1;
            report.failures.push(format!("{name}: cannot lex: {e}"));
            return report;
        }
    };
    let script = match wast::parser::parse::<wast::Wast<'_>>(&buffer) {
        Ok(s) => s,
        Err(e) => {
            report.failed += 1;
            report.failures.push(format!("{name}: cannot parse: {e}"));
            return report;
        }
    };
    let mut runner = Runner {
        backend,
        imports: spectest::imports(),
        instances: Vec::new(),
        named: HashMap::new(),
        current: None,
        skipped_named: Vec::new(),
        current_skipped: false,
        skipped_registered: Vec::new(),
    };
    for d in script.directives {
        let line = d.span().linecol_in(contents).0 + 1;
        match runner.directive(d) {
            Ok(true) => report.passed += 1,
            Ok(false) => {}
            Err(Outcome::Skipped) => report.skipped += 1,
            Err(Outcome::Failed(why)) => {
                report.failed += 1;
                report.failures.push(format!("{name}:{line}: {why}"));
            }
        }
    }
    runner.backend.end_script();
    report
}
