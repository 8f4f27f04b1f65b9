//! The measurement: rounds × programs × engines, interleaved, into the raw record that
//! `compute.json` holds.
//!
//! Times per (program, engine), one sample per round, in seconds of wall time (`*_s`) and of
//! CPU time, user + system (`*_cpu_s`):
//! - `run_s`: the run with compile excluded. Native: the call. kwasm: `invoke` on a fresh
//!   instance (instantiating is in `instantiate_s`).
//! - `total_s`: compile included. Native: the call. kwasm: compile + instantiate + invoke.
//! - `compile_s`: kwasm: `compile`.
//! - Peers: `raw_compile_s` (the tool's `compile`), `raw_run_s` (the tool running the
//!   precompiled module), `raw_total_s` (the tool running the `.wasm`); `baselines` holds the
//!   same on the empty module, `BASELINE_SAMPLES` per round. The report subtracts the baseline's
//!   median from the program's median.

use crate::clock::{measure, Span};
use crate::kwasm_engine::{self, Config};
use crate::peers::{self, Peer};
use crate::programs::{self, Program};
use crate::Args;
use serde_json::{json, Map, Value};
use std::path::Path;

/// One contender.
enum Engine<'a> {
    Native,
    Kwasm(&'a Config),
    Peer(&'a Peer),
}

impl Engine<'_> {
    fn id(&self) -> &'static str {
        match self {
            Engine::Native => "native",
            Engine::Kwasm(c) => c.id,
            Engine::Peer(p) => p.id,
        }
    }
}

/// Samples of one (program, engine) pair, or of one peer's baseline.
#[derive(Default)]
struct Samples(Map<String, Value>);

impl Samples {
    fn push(&mut self, key: &str, v: Value) {
        let e = self
            .0
            .entry(key)
            .or_insert_with(|| Value::Array(Vec::new()));
        e.as_array_mut().expect("series are arrays").push(v);
    }

    /// Records `key` (wall time, e.g. `run_s`) and its CPU time (`run_cpu_s`).
    fn time(&mut self, key: &str, t: Span) {
        self.push(key, json!(t.wall));
        self.push(&cpu_key(key), json!(t.cpu));
    }

    fn set(&mut self, key: &str, v: Value) {
        self.0.insert(key.to_string(), v);
    }
}

/// The CPU-time series beside a wall-time one: `run_s` → `run_cpu_s`.
pub fn cpu_key(key: &str) -> String {
    format!("{}_cpu_s", key.trim_end_matches("_s"))
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Everything one run measures: its engines and programs, and their samples so far.
struct Run<'a> {
    engines: Vec<Engine<'a>>,
    programs: Vec<&'static Program>,
    /// The programs' `.wasm`, in `programs`' order.
    wasm: Vec<Vec<u8>>,
    /// `samples[program][engine]`.
    samples: Vec<Vec<Samples>>,
    mismatches: Vec<Value>,
    errors: Vec<Value>,
}

pub fn all(args: &Args) -> Result<Value, String> {
    let wasm_dir = Args::dir(&args.wasm_dir);
    let work_dir = Args::dir(&args.work_dir);
    let peers: Vec<Peer> = peers::all(Args::dir(&args.wasmtime), Args::dir(&args.wasmer))
        .into_iter()
        .filter(|p| args.wants_engine(p.id))
        .collect();
    let mut engines = vec![Engine::Native];
    engines.extend(kwasm_engine::CONFIGS.iter().map(Engine::Kwasm));
    engines.extend(peers.iter().map(Engine::Peer));
    engines.retain(|e| args.wants_engine(e.id()));
    std::fs::create_dir_all(work_dir).map_err(|e| format!("{}: {e}", work_dir.display()))?;

    let programs = args.selected_programs()?;
    let mut wasm = Vec::new();
    for p in &programs {
        wasm.push(read(&wasm_dir.join(format!("{}.wasm", p.name)))?);
    }
    let mut run = Run {
        samples: programs
            .iter()
            .map(|_| engines.iter().map(|_| Samples::default()).collect())
            .collect(),
        engines,
        programs,
        wasm,
        mismatches: Vec::new(),
        errors: Vec::new(),
    };
    let mut baselines: Vec<Samples> = peers.iter().map(|_| Samples::default()).collect();
    let empty = wasm_dir.join("empty.wasm");
    for round in 0..args.rounds as usize {
        eprintln!("round {}/{}", round + 1, args.rounds);
        for (peer, base) in peers.iter().zip(&mut baselines) {
            if let Err(e) = baseline(peer, &empty, work_dir, base) {
                run.errors.push(
                    json!({"engine": peer.id, "program": "empty", "round": round, "error": e}),
                );
                eprintln!("  {}: baseline: {e}", peer.id);
            }
        }
        for pi in 0..run.programs.len() {
            run.program_round(args, pi, round);
        }
    }
    Ok(run.record(args, &peers, baselines))
}

impl Run<'_> {
    fn n_of(args: &Args, p: &Program) -> u32 {
        if args.quick {
            p.n_quick
        } else {
            p.n
        }
    }

    /// One round of one program: every engine once, in an order rotated by the round (so that
    /// no engine always runs first), each result checked against native's.
    fn program_round(&mut self, args: &Args, pi: usize, round: usize) {
        let p = self.programs[pi];
        let n = Self::n_of(args, p);
        let count = self.engines.len();
        let mut this_round: Vec<Vec<u32>> = vec![Vec::new(); count];
        for k in 0..count {
            let ei = (k + round) % count;
            let engine = &self.engines[ei];
            let s = &mut self.samples[pi][ei];
            let got = match engine {
                Engine::Native => Ok(native(p, n, s)),
                Engine::Kwasm(c) => kwasm(c, &self.wasm[pi], n, s),
                Engine::Peer(peer) => peer_run(
                    peer,
                    p.name,
                    n,
                    Args::dir(&args.wasm_dir),
                    Args::dir(&args.work_dir),
                    s,
                ),
            };
            match got {
                Ok(results) => {
                    for &r in &results {
                        s.push("results", json!(r));
                    }
                    this_round[ei] = results;
                }
                Err(e) => {
                    eprintln!("  {} on {}: {e}", engine.id(), p.name);
                    self.errors
                        .push(json!({"engine": engine.id(), "program": p.name,
                        "round": round, "error": e}));
                }
            }
        }
        self.check_results(p, round, &this_round);
        self.print_latest(pi);
    }

    /// Every engine's results of this round against the native one (engine 0).
    fn check_results(&mut self, p: &Program, round: usize, this_round: &[Vec<u32>]) {
        let expected = this_round[0].first().copied();
        for (engine, results) in self.engines.iter().zip(this_round) {
            for &r in results {
                if Some(r) != expected {
                    let m = json!({"engine": engine.id(), "program": p.name, "round": round,
                        "expected": expected, "got": r});
                    eprintln!("  !!! MISMATCH: {m}");
                    self.mismatches.push(m);
                }
            }
        }
    }

    fn print_latest(&self, pi: usize) {
        let mut line = format!(
            "  {:<10} run ms (peers: whole process):",
            self.programs[pi].name
        );
        for (e, s) in self.engines.iter().zip(&self.samples[pi]) {
            let latest = |k: &str| s.0.get(k).and_then(Value::as_array)?.last()?.as_f64();
            if let Some(t) = latest("run_s").or_else(|| latest("raw_run_s")) {
                line += &format!(" {} {:.1}", e.id(), t * 1e3);
            }
        }
        eprintln!("{line}");
    }

    /// The raw record (`compute.json` without `compile_speed`).
    fn record(mut self, args: &Args, peers: &[Peer], baselines: Vec<Samples>) -> Value {
        let mut by_program = Map::new();
        for (p, per_engine) in self.programs.iter().zip(std::mem::take(&mut self.samples)) {
            let m: Map<String, Value> = self
                .engines
                .iter()
                .zip(per_engine)
                .map(|(e, s)| (e.id().to_string(), Value::Object(s.0)))
                .collect();
            by_program.insert(p.name.into(), Value::Object(m));
        }
        let base: Map<String, Value> = peers
            .iter()
            .zip(baselines)
            .map(|(peer, b)| (peer.id.to_string(), Value::Object(b.0)))
            .collect();
        let engine_list: Vec<Value> = self.engines.iter().map(engine_json).collect();
        let program_list: Vec<Value> = self
            .programs
            .iter()
            .zip(&self.wasm)
            .map(|(p, w)| {
                json!({"name": p.name, "lang": p.lang, "what": p.what, "n": Self::n_of(args, p),
                "wasm_bytes": w.len(), "native_code_bytes": programs::native_code_bytes(p.name)})
            })
            .collect();
        json!({
            "benchmark": "compute",
            "date": args.date,
            "commit": args.commit,
            "uncommitted_changes": args.dirty,
            "cpu": args.cpu,
            "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
            "quick": args.quick,
            "rounds": args.rounds,
            "tools": {
                "wasmtime": version(Args::dir(&args.wasmtime)),
                "wasmer": version(Args::dir(&args.wasmer)),
                "clang": version(Path::new("clang-14")),
            },
            "engines": engine_list,
            "programs": program_list,
            "baselines": base,
            "samples": by_program,
            "mismatches": self.mismatches,
            "errors": self.errors,
        })
    }
}

fn engine_json(e: &Engine) -> Value {
    match e {
        Engine::Native => json!({"id": "native", "kind": "native",
            "label": "native (clang-14 -O2 / rustc release, x86-64 baseline)"}),
        Engine::Kwasm(c) => json!({"id": c.id, "kind": "kwasm", "label": c.label}),
        Engine::Peer(p) => json!({"id": p.id, "kind": "peer", "label": p.label,
            "tool": p.exe.file_name().map(|f| f.to_string_lossy().into_owned()),
            "flags": p.flags, "run_flags": p.run_flags}),
    }
}

fn native(p: &Program, n: u32, s: &mut Samples) -> Vec<u32> {
    let (r, t) = measure(|| std::hint::black_box((p.native)(std::hint::black_box(n))));
    s.time("run_s", t);
    s.time("total_s", t);
    vec![r]
}

fn kwasm(c: &Config, wasm: &[u8], n: u32, s: &mut Samples) -> Result<Vec<u32>, String> {
    let (artifact, compile) = kwasm_engine::compile(c, wasm)?;
    if !s.0.contains_key("code_bytes") {
        s.set("code_bytes", json!(kwasm_engine::code_bytes(&artifact)?));
        s.set("artifact_bytes", json!(artifact.len()));
    }
    let (r, instantiate, run) = kwasm_engine::run(&artifact, n)?;
    s.time("compile_s", compile);
    s.time("instantiate_s", instantiate);
    s.time("run_s", run);
    s.time("total_s", compile + instantiate + run);
    Ok(vec![r])
}

/// Samples of the empty module per peer and round: compile, run precompiled, run `.wasm`.
const BASELINE_SAMPLES: usize = 3;

/// A peer's process times on the empty module: `BASELINE_SAMPLES` of each.
fn baseline(peer: &Peer, empty: &Path, work: &Path, s: &mut Samples) -> Result<(), String> {
    let out = work.join(format!("empty.{}.{}", peer.id, peer.ext()));
    for _ in 0..BASELINE_SAMPLES {
        let (compile, _) = peers::time(&mut peer.compile(empty, &out))?;
        let (run, _) = peers::time(&mut peer.run(&out, 0))?;
        let (total, _) = peers::time(&mut peer.run(empty, 0))?;
        s.time("compile_s", compile);
        s.time("run_s", run);
        s.time("total_s", total);
    }
    Ok(())
}

/// A peer's raw process times on a program: compile, run precompiled, run `.wasm` (the report
/// subtracts the median baseline from their medians).
fn peer_run(
    peer: &Peer,
    name: &str,
    n: u32,
    wasm_dir: &Path,
    work: &Path,
    s: &mut Samples,
) -> Result<Vec<u32>, String> {
    let wasm = wasm_dir.join(format!("{name}.wasm"));
    let out = work.join(format!("{name}.{}.{}", peer.id, peer.ext()));
    let (compile, _) = peers::time(&mut peer.compile(&wasm, &out))?;
    if !s.0.contains_key("code_bytes") {
        s.set("code_bytes", json!(peer.code_bytes(&out)?));
        let file = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        s.set("artifact_bytes", json!(file));
    }
    let (run, out1) = peers::time(&mut peer.run(&out, n))?;
    let (total, out2) = peers::time(&mut peer.run(&wasm, n))?;
    let r1 = peers::result(&out1)?;
    let r2 = peers::result(&out2)?;
    s.time("raw_compile_s", compile);
    s.time("raw_run_s", run);
    s.time("raw_total_s", total);
    Ok(vec![r1, r2])
}

fn version(exe: &Path) -> String {
    std::process::Command::new(exe)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(|l| l.trim().to_string())
        })
        .unwrap_or_default()
}
