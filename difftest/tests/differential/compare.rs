//! Runs one module in both engines and compares every observable result.

use crate::args::args;
use crate::budget::Rng;
use crate::kwasm_engine::Kwasm;
use crate::module_info::ModuleInfo;
use crate::outcome::{Call, Engine, Failure, Value};
use crate::wasmi_engine::Wasmi;

/// Fuel per call for each engine (their units differ; running out skips the rest).
const FUEL: u64 = 200_000;
/// Times every export is called (later rounds see the state the earlier ones left).
const ROUNDS: usize = 2;

/// Calls of one case: compared (`trapped` of them trapped in both engines) and not compared
/// (a resource limit was hit: out of fuel, stack exhausted).
#[derive(Debug, Default)]
pub struct Tally {
    pub compared: u64,
    pub trapped: u64,
    pub skipped: u64,
}

/// How a case went.
#[derive(Debug)]
pub enum Verdict {
    Agreed(Tally),
    /// The reference refused the module (a feature it lacks): nothing compared.
    Unsupported(String),
    Mismatch(String),
}

pub fn run_case(wasm: &[u8], seed: u64) -> Verdict {
    let info = ModuleInfo::parse(wasm);
    let (mut k, mut w) = match instantiate(wasm) {
        Ok(pair) => pair,
        Err(verdict) => return verdict,
    };
    if let Err(m) = compare_state(&info, &mut k, &mut w) {
        return Verdict::Mismatch(format!("after instantiation: {m}"));
    }
    let mut rng = Rng::new(seed ^ 0xa5a5_a5a5);
    let mut tally = Tally::default();
    for _ in 0..ROUNDS {
        for f in &info.funcs {
            let a = args(&mut rng, &f.params);
            let kc = k.call(&f.name, &a, f.results.len(), FUEL);
            let wc = w.call(&f.name, &a, f.results.len(), FUEL);
            if hit_limit(&kc) || hit_limit(&wc) {
                // The states may differ now: go on with fresh instances.
                tally.skipped += 1;
                (k, w) = match instantiate(wasm) {
                    Ok(pair) => pair,
                    Err(verdict) => return verdict,
                };
                continue;
            }
            if let Err(m) =
                compare_call(&kc, &wc).and_then(|()| compare_state(&info, &mut k, &mut w))
            {
                return Verdict::Mismatch(format!("{}({}): {m}", f.name, show_values(&a)));
            }
            tally.compared += 1;
            tally.trapped += u64::from(matches!(kc, Call::Trapped(_)));
        }
    }
    Verdict::Agreed(tally)
}

/// Both instances, or the verdict when either engine did not instantiate.
fn instantiate(wasm: &[u8]) -> Result<(Kwasm, Wasmi), Verdict> {
    let agreed = Verdict::Agreed(Tally {
        compared: 1,
        trapped: 1,
        skipped: 0,
    });
    match (
        Kwasm::instantiate(wasm, FUEL),
        Wasmi::instantiate(wasm, FUEL),
    ) {
        (Ok(k), Ok(w)) => Ok((k, w)),
        (_, Err(Failure::Error(e))) => Err(Verdict::Unsupported(e)),
        (Err(Failure::Trap(a)), Err(Failure::Trap(b))) if a == b => Err(agreed),
        (k, w) => Err(Verdict::Mismatch(format!(
            "instantiation: kwasm {}, wasmi {}",
            show_instantiation(&k),
            show_instantiation(&w)
        ))),
    }
}

fn show_instantiation<E>(r: &Result<E, Failure>) -> String {
    match r {
        Ok(_) => "succeeded".into(),
        Err(f) => format!("failed: {f:?}"),
    }
}

fn hit_limit(c: &Call) -> bool {
    matches!(c, Call::Trapped(t) if t.is_resource_limit())
}

fn compare_call(k: &Call, w: &Call) -> Result<(), String> {
    let same = match (k, w) {
        (Call::Returned(a), Call::Returned(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| same_value(x, y))
        }
        (Call::Trapped(a), Call::Trapped(b)) => a == b,
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(format!("kwasm {}, wasmi {}", show_call(k), show_call(w)))
    }
}

/// Equal, where any NaN equals any NaN: the spec lets NaN results' sign and payload vary
/// (generated programs canonicalize NaNs wherever their bits would be observable).
fn same_value(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::F32(x), Value::F32(y)) => {
            x == y || (f32::from_bits(x).is_nan() && f32::from_bits(y).is_nan())
        }
        (Value::F64(x), Value::F64(y)) => {
            x == y || (f64::from_bits(x).is_nan() && f64::from_bits(y).is_nan())
        }
        _ => a == b,
    }
}

fn compare_state(info: &ModuleInfo, k: &mut Kwasm, w: &mut Wasmi) -> Result<(), String> {
    for g in &info.globals {
        let (a, b) = (k.global(g), w.global(g));
        let same = match (a, b) {
            (Some(x), Some(y)) => same_value(x, y),
            _ => a == b,
        };
        if !same {
            return Err(format!("global {g:?}: kwasm {a:?}, wasmi {b:?}"));
        }
    }
    match &info.memory {
        Some(name) => compare_memory(&k.memory(name), &w.memory(name)),
        None => Ok(()),
    }
}

fn compare_memory(k: &[u8], w: &[u8]) -> Result<(), String> {
    if k == w {
        return Ok(());
    }
    if k.len() != w.len() {
        return Err(format!("memory size: kwasm {}, wasmi {}", k.len(), w.len()));
    }
    let mut diffs = (0..k.len()).filter(|&i| k[i] != w[i]);
    let first = diffs.next().expect("the memories differ");
    Err(format!(
        "memory differs at {first:#x} (kwasm {:#04x}, wasmi {:#04x}) and {} more bytes",
        k[first],
        w[first],
        diffs.count()
    ))
}

fn show_call(c: &Call) -> String {
    match c {
        Call::Returned(v) => format!("returned [{}]", show_values(v)),
        Call::Trapped(t) => format!("trapped ({t:?})"),
    }
}

pub fn show_values(values: &[Value]) -> String {
    let show = |v: &Value| match *v {
        Value::I32(x) => format!("i32:{x}"),
        Value::I64(x) => format!("i64:{x}"),
        Value::F32(b) => format!("f32:{:?}({b:#x})", f32::from_bits(b)),
        Value::F64(b) => format!("f64:{:?}({b:#x})", f64::from_bits(b)),
    };
    values.iter().map(show).collect::<Vec<_>>().join(", ")
}
