//! kwasm in this process: the compiler (as shipped, or without fuel, bounds checks or the
//! checks' Spectre clamps through `compile_unchecked`) and the userspace executor.

use crate::clock::{measure, Span};
use kwasm::executor::{Imports, Instance, Value};
use kwasm_compiler::Unchecked;
use kwasm_hooks::artifact::Section;
use kwasm_kcore::artifact::Artifact;

/// One kwasm configuration.
pub struct Config {
    pub id: &'static str,
    pub label: &'static str,
    /// `None`: `kwasm_compiler::compile` as shipped.
    pub unchecked: Option<Unchecked>,
}

pub const CONFIGS: &[Config] = &[
    Config {
        id: "kwasm",
        label: "kwasm (as shipped: fuel + bounds checks)",
        unchecked: None,
    },
    Config {
        id: "kwasm-nofuel",
        label: "kwasm without fuel",
        unchecked: Some(Unchecked {
            fuel: true,
            bounds: false,
            spectre: false,
        }),
    },
    Config {
        id: "kwasm-nobounds",
        label: "kwasm without bounds checks",
        unchecked: Some(Unchecked {
            fuel: false,
            bounds: true,
            spectre: false,
        }),
    },
    Config {
        id: "kwasm-nospectre",
        label: "kwasm without Spectre clamps (as Cranelift-eq)",
        unchecked: Some(Unchecked {
            fuel: false,
            bounds: false,
            spectre: true,
        }),
    },
];

/// The compiled code and how long compiling took.
pub fn compile(config: &Config, wasm: &[u8]) -> Result<(Vec<u8>, Span), String> {
    let options = Default::default();
    let (artifact, took) = measure(|| match config.unchecked {
        None => kwasm_compiler::compile(wasm, &options),
        Some(u) => kwasm_compiler::compile_unchecked(wasm, &options, u),
    });
    artifact
        .map(|a| (a, took))
        .map_err(|e| format!("{}: compile: {e}", config.id))
}

/// Bytes of machine code: the artifact's code section.
pub fn code_bytes(artifact: &[u8]) -> Result<u64, String> {
    let parsed = Artifact::parse(artifact).map_err(|e| format!("artifact: {e:?}"))?;
    Ok(parsed.section(Section::Code).len() as u64)
}

/// One run of `run(n)` in a fresh instance: the result, the time to instantiate and the time
/// of the call. Fuel: as much as the counter holds (the executor's default, set explicitly).
pub fn run(artifact: &[u8], n: u32) -> Result<(u32, Span, Span), String> {
    let (instance, instantiated) = measure(|| {
        let mut instance = Instance::new(artifact, &Imports::default())?;
        instance.set_fuel(i64::MAX);
        Ok::<_, kwasm::executor::InstantiateError>(instance)
    });
    let instance = instance.map_err(|e| format!("instantiate: {e}"))?;
    let (results, ran) = measure(|| instance.invoke("run", &[Value::I32(n as i32)]));
    let results = results.map_err(|e| format!("run({n}): {e}"))?;
    match results.as_slice() {
        [Value::I32(r)] => Ok((*r as u32, instantiated, ran)),
        other => Err(format!("run({n}) returned {other:?}")),
    }
}
