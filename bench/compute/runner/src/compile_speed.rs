//! Compile speed on large modules (`--large FILE`, repeatable; `cargo xtask bench compute`
//! passes the wasmi builds of `bench/compute/large`, 3.2 and 1.2 MB). The compute programs are
//! 0.5 to 7 KB: too small to time a peer's compiler through its process, whose start-up swamps
//! it.
//!
//! Each round, for each large module, in an order rotated every round: kwasm's `compile` in
//! this process (`KWASM_RUNS` times; it compiles on one thread), and each peer's `compile`
//! subcommand with the peer's flags (caches off), once with the tool's default parallelism and
//! once on one thread (wasmtime: `-C parallel-compilation=n`; the wasmer CLI has no such option
//! and sizes its thread pool to the CPUs it may run on, so it runs pinned to one CPU). Each round
//! also runs every peer command `BASELINE_SAMPLES` times on the empty module; the page subtracts
//! the median of those from the median on the large module. Wall and CPU time (user + system,
//! all threads) of every sample go into `compute.json` under `compile_speed`; the page's section
//! (`markdown`) is made from them alone.

use crate::clock::{measure, Span};
use crate::measure::cpu_key;
use crate::peers::{self, Peer, Tool};
use crate::stats::median;
use crate::Args;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// kwasm compiles per module and round (in process, cheap: the median of all of them counts).
const KWASM_RUNS: usize = 3;
/// Samples of each peer command on the empty module per round.
const BASELINE_SAMPLES: usize = 3;
/// Rounds at least, whatever `--rounds` says (`--quick` runs one round of the programs).
const MIN_ROUNDS: usize = 3;

/// One compiler configuration: kwasm, or a peer with its default parallelism or on one thread.
struct Engine<'a> {
    id: String,
    label: String,
    peer: Option<(&'a Peer, bool)>,
}

fn engines(peers: &[Peer]) -> Vec<Engine<'_>> {
    let mut v = vec![Engine {
        id: "kwasm".into(),
        label: "kwasm (as shipped: fuel + bounds checks; one thread)".into(),
        peer: None,
    }];
    for p in peers {
        for one_thread in [false, true] {
            v.push(Engine {
                id: if one_thread {
                    format!("{}-1t", p.id)
                } else {
                    p.id.to_string()
                },
                label: format!(
                    "{}, {}",
                    p.label,
                    if one_thread {
                        "one thread"
                    } else {
                        "default threads"
                    }
                ),
                peer: Some((p, one_thread)),
            });
        }
    }
    v
}

/// The peer's `compile` of `wasm` into `out`; on one thread if `one_thread`.
fn peer_compile(peer: &Peer, one_thread: bool, wasm: &Path, out: &Path) -> Command {
    let mut c = peer.compile(wasm, out);
    if one_thread {
        match peer.tool {
            Tool::Wasmtime => {
                c.args(["-C", "parallel-compilation=n"]);
            }
            Tool::Wasmer => pin_to_one_cpu(&mut c),
        }
    }
    c
}

/// Makes the child run on one CPU only (the first this process may run on).
fn pin_to_one_cpu(c: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: an all-zero cpu_set_t is the empty set; sched_getaffinity fills it.
    let mut allowed: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: `allowed` is a cpu_set_t of `size` bytes.
    unsafe { libc::sched_getaffinity(0, size, &mut allowed) };
    let cpu = (0..libc::CPU_SETSIZE as usize)
        // SAFETY: `i` is below CPU_SETSIZE.
        .find(|&i| unsafe { libc::CPU_ISSET(i, &allowed) })
        .unwrap_or(0);
    // SAFETY: the closure only calls sched_setaffinity (async-signal-safe) on a set built on
    // its stack, and allocates nothing.
    unsafe {
        c.pre_exec(move || {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut set);
            if libc::sched_setaffinity(0, size, &set) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// What a large module is, by the name `cargo xtask bench compute` gives it (`bench_large.rs`).
fn what(name: &str) -> &'static str {
    match name {
        "wasmi-O0" => {
            "wasmi 1.1.0, rustc's debug code (opt-level 0, debug assertions, overflow checks)"
        }
        "wasmi-O3" => "wasmi 1.1.0, rustc's release code (opt-level 3)",
        _ => "",
    }
}

/// Bytes of the module's code section (id 10), if it has one and parses.
fn code_section_bytes(wasm: &[u8]) -> Option<u64> {
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let (mut size, mut shift) = (0u64, 0);
        loop {
            let b = *wasm.get(at)?;
            at += 1;
            size |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        if id == 10 {
            return Some(size);
        }
        at = at.checked_add(usize::try_from(size).ok()?)?;
    }
    None
}

/// Appends one sample of `key` (wall) and its CPU time to `m[key]`, `m[cpu_key(key)]`.
fn push(m: &mut Map<String, Value>, key: &str, t: Span) {
    for (k, v) in [(key.to_string(), t.wall), (cpu_key(key), t.cpu)] {
        m.entry(k)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .expect("series are arrays")
            .push(json!(v));
    }
}

/// Measures every large module with every engine; the `compile_speed` part of the record.
/// Failures are appended to `errors` (as the programs' are).
pub fn measure_all(args: &Args, errors: &mut Vec<Value>) -> Result<Value, String> {
    let peers = peers::all(Args::dir(&args.wasmtime), Args::dir(&args.wasmer));
    let engines = engines(&peers);
    let empty = Args::dir(&args.wasm_dir).join("empty.wasm");
    let work = Args::dir(&args.work_dir).join("compile-speed");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let mut modules = Vec::new();
    for path in &args.large {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_stem()
            .map_or_else(|| "?".into(), |s| s.to_string_lossy().into_owned());
        modules.push((name, path.as_path(), bytes));
    }
    let rounds = (args.rounds as usize).max(MIN_ROUNDS);
    let mut samples: Vec<Vec<Map<String, Value>>> = modules
        .iter()
        .map(|_| engines.iter().map(|_| Map::new()).collect())
        .collect();
    let mut baselines: Vec<Map<String, Value>> = engines.iter().map(|_| Map::new()).collect();

    for round in 0..rounds {
        eprintln!("compile speed, round {}/{rounds}", round + 1);
        for (ei, e) in engines.iter().enumerate() {
            let Some((peer, one_thread)) = e.peer else {
                continue;
            };
            let out = work.join(format!("empty.{}.{}", e.id, peer.ext()));
            for _ in 0..BASELINE_SAMPLES {
                match peers::time(&mut peer_compile(peer, one_thread, &empty, &out)) {
                    Ok((t, _)) => push(&mut baselines[ei], "compile_s", t),
                    Err(err) => {
                        eprintln!("  {}: baseline: {err}", e.id);
                        errors.push(json!({"engine": e.id, "program": "empty", "round": round,
                            "error": err}));
                    }
                }
            }
        }
        for (mi, (name, path, bytes)) in modules.iter().enumerate() {
            let mut line = format!("  {name:<10} compile ms (peers: whole process):");
            for k in 0..engines.len() {
                let ei = (k + round) % engines.len();
                let e = &engines[ei];
                let s = &mut samples[mi][ei];
                let got = match e.peer {
                    None => kwasm(bytes, s),
                    Some((peer, one_thread)) => {
                        let out = work.join(format!("{name}.{}.{}", e.id, peer.ext()));
                        peers::time(&mut peer_compile(peer, one_thread, path, &out))
                            .map(|(t, _)| push(s, "raw_compile_s", t))
                    }
                };
                if let Err(err) = got {
                    eprintln!("  {} on {name}: {err}", e.id);
                    errors.push(json!({"engine": e.id, "program": name, "round": round,
                        "error": err}));
                }
            }
            for (ei, e) in engines.iter().enumerate() {
                let s = &samples[mi][ei];
                let latest = |k: &str| s.get(k).and_then(Value::as_array)?.last()?.as_f64();
                if let Some(t) = latest("compile_s").or_else(|| latest("raw_compile_s")) {
                    line += &format!(" {} {:.0}", e.id, t * 1e3);
                }
            }
            eprintln!("{line}");
        }
    }

    let mut by_module = Map::new();
    for ((name, _, _), per_engine) in modules.iter().zip(samples) {
        let m: Map<String, Value> = engines
            .iter()
            .zip(per_engine)
            .map(|(e, s)| (e.id.clone(), Value::Object(s)))
            .collect();
        by_module.insert(name.clone(), Value::Object(m));
    }
    let base: Map<String, Value> = engines
        .iter()
        .zip(baselines)
        .filter(|(e, _)| e.peer.is_some())
        .map(|(e, b)| (e.id.clone(), Value::Object(b)))
        .collect();
    let engine_list: Vec<Value> = engines
        .iter()
        .map(|e| match e.peer {
            None => json!({"id": e.id, "kind": "kwasm", "label": e.label, "threads": "1"}),
            Some((p, one_thread)) => {
                let mut flags = p.flags.clone();
                if one_thread && p.tool == Tool::Wasmtime {
                    flags.extend(["-C".into(), "parallel-compilation=n".into()]);
                }
                json!({"id": e.id, "kind": "peer", "label": e.label, "flags": flags,
                    "threads": if one_thread { "1" } else { "default" },
                    "pinned_to_one_cpu": one_thread && p.tool == Tool::Wasmer})
            }
        })
        .collect();
    let module_list: Vec<Value> = modules
        .iter()
        .map(|(name, path, bytes)| {
            json!({"name": name, "what": what(name),
                "file": path.file_name().map(|f| f.to_string_lossy()),
                "wasm_bytes": bytes.len(), "code_section_bytes": code_section_bytes(bytes)})
        })
        .collect();
    Ok(json!({
        "rounds": rounds,
        "kwasm_runs_per_round": KWASM_RUNS,
        "baseline_samples_per_round": BASELINE_SAMPLES,
        "engines": engine_list,
        "modules": module_list,
        "samples": by_module,
        "baselines": base,
    }))
}

/// `KWASM_RUNS` compiles of `wasm` by kwasm as shipped, into `s`.
fn kwasm(wasm: &[u8], s: &mut Map<String, Value>) -> Result<(), String> {
    let options = Default::default();
    for _ in 0..KWASM_RUNS {
        let (artifact, t) = measure(|| kwasm_compiler::compile(wasm, &options));
        artifact.map_err(|e| format!("compile: {e}"))?;
        push(s, "compile_s", t);
    }
    Ok(())
}

fn series(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// The median compile time (`key`: `compile_s` or `compile_cpu_s`) of an engine on a module;
/// a peer's less its median on the empty module.
fn compile_time(cs: &Value, module: &str, engine: &str, key: &str) -> Option<f64> {
    let s = &cs["samples"][module][engine];
    let raw = series(&s[format!("raw_{key}")]);
    let t = if raw.is_empty() {
        median(&series(&s[key]))?
    } else {
        median(&raw)? - median(&series(&cs["baselines"][engine][key]))?
    };
    (t > 0.0).then_some(t)
}

/// MB (10^6 bytes) of wasm per second.
fn mb_per_s(cs: &Value, m: &Value, engine: &str, key: &str) -> Option<f64> {
    let name = m["name"].as_str()?;
    Some(m["wasm_bytes"].as_f64()? / compile_time(cs, name, engine, key)? / 1e6)
}

fn fmt(x: Option<f64>, digits: usize, suffix: &str) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(|| "–".into(), |v| format!("{v:.digits$}{suffix}"))
}

/// The page's section on compile speed; empty if the record has none.
pub fn markdown(r: &Value) -> String {
    let cs = &r["compile_speed"];
    let modules: Vec<&Value> = cs["modules"].as_array().into_iter().flatten().collect();
    let engines: Vec<&Value> = cs["engines"].as_array().into_iter().flatten().collect();
    if modules.is_empty() {
        return String::new();
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## Compile speed on large modules\n\n\
         The compute programs are too small to time a peer's compiler through its process, so \
         each engine also compiles large real modules (`bench/compute/large`: the wasmi \
         interpreter built for wasm32). kwasm: `compile` in process, median of {} compiles ({} \
         per round). Peers: their `compile` command, median over {} rounds, less the median of \
         the same command on the empty module; with their default parallelism ({} cores here) \
         and on one thread. MB = 10^6 bytes of the whole `.wasm`.\n\n\
         | module | what | wasm bytes | code section bytes |\n|---|---|---:|---:|",
        cs["rounds"].as_u64().unwrap_or(0) * cs["kwasm_runs_per_round"].as_u64().unwrap_or(0),
        cs["kwasm_runs_per_round"],
        cs["rounds"],
        r["cores"],
    );
    for m in &modules {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            m["name"].as_str().unwrap_or("?"),
            m["what"].as_str().unwrap_or(""),
            m["wasm_bytes"],
            m["code_section_bytes"]
        );
    }
    s.push('\n');
    for (key, title) in [
        ("compile_s", "wall time"),
        ("compile_cpu_s", "CPU time (user + system, all threads)"),
    ] {
        let _ = writeln!(
            s,
            "### From {title}: ms, MB/s, and kwasm's MB/s ÷ the engine's (above 1: kwasm \
             compiles faster)\n"
        );
        let _ = write!(s, "| engine |");
        for m in &modules {
            let n = m["name"].as_str().unwrap_or("?");
            let _ = write!(s, " {n} ms | {n} MB/s | kwasm ÷ it |");
        }
        s.push_str("\n|---|");
        for _ in &modules {
            s.push_str("---:|---:|---:|");
        }
        s.push('\n');
        for e in &engines {
            let id = e["id"].as_str().unwrap_or("?");
            let _ = write!(s, "| {} |", e["label"].as_str().unwrap_or(id));
            for m in &modules {
                let name = m["name"].as_str().unwrap_or("?");
                let ms = compile_time(cs, name, id, key).map(|t| t * 1e3);
                let speed = mb_per_s(cs, m, id, key);
                let vs = match (mb_per_s(cs, m, "kwasm", key), speed) {
                    (Some(k), Some(p)) if id != "kwasm" => Some(k / p),
                    _ => None,
                };
                let _ = write!(
                    s,
                    " {} | {} | {} |",
                    fmt(ms, 0, ""),
                    fmt(speed, 2, ""),
                    fmt(vs, 2, "×")
                );
            }
            s.push('\n');
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_code_section() {
        // Header, a type section of 4 bytes, a code section of 130 bytes (2-byte LEB size).
        let mut w = b"\0asm\x01\0\0\0".to_vec();
        w.extend([1, 4, 1, 0x60, 0, 0]);
        w.extend([10, 0x82, 0x01]);
        w.extend([0; 130]);
        assert_eq!(code_section_bytes(&w), Some(130));
        assert_eq!(code_section_bytes(&w[..14]), None);
    }
}
