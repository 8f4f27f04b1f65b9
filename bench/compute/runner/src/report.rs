//! The results page (`compute.md`), made from the raw record alone (so `--render` can make it
//! again): medians per program, ratios, geometric means over programs.

use crate::measure::cpu_key;
use crate::stats::{geomean, median};
use serde_json::Value;
use std::fmt::Write as _;

/// A JSON value as text: strings without their quotes.
fn txt(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// Disagreements with the native result and engine failures, one line each.
pub fn problems(r: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for m in r["mismatches"].as_array().into_iter().flatten() {
        out.push(format!(
            "MISMATCH: {} on {} (round {}): got {}, native {}",
            txt(&m["engine"]),
            txt(&m["program"]),
            m["round"],
            m["got"],
            m["expected"]
        ));
    }
    for e in r["errors"].as_array().into_iter().flatten() {
        out.push(format!(
            "FAILED: {} on {} (round {}): {}",
            txt(&e["engine"]),
            txt(&e["program"]),
            e["round"],
            txt(&e["error"])
        ));
    }
    out
}

fn series(r: &Value, program: &str, engine: &str, key: &str) -> Vec<f64> {
    r["samples"][program][engine][key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// The median of a time series; for a peer, the median of its raw process times less the median
/// of its baseline (the empty module) measured the same way.
fn med(r: &Value, program: &str, engine: &str, key: &str) -> Option<f64> {
    let raw = series(r, program, engine, &format!("raw_{key}"));
    if raw.is_empty() {
        return median(&series(r, program, engine, key));
    }
    let base: Vec<f64> = r["baselines"][engine][key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    Some(median(&raw)? - median(&base)?)
}

fn programs(r: &Value) -> Vec<&Value> {
    r["programs"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn name(p: &Value) -> &str {
    p["name"].as_str().unwrap_or("?")
}

/// Ids and labels of the engines other than native, in the record's order.
fn wasm_engines(r: &Value) -> Vec<(&str, &str)> {
    r["engines"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["kind"] != "native")
        .map(|e| {
            (
                e["id"].as_str().unwrap_or("?"),
                e["label"].as_str().unwrap_or("?"),
            )
        })
        .collect()
}

fn peers(r: &Value) -> Vec<(&str, &str)> {
    wasm_engines(r)
        .into_iter()
        .filter(|(id, _)| !id.starts_with("kwasm"))
        .collect()
}

fn ratio(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() && v > 0.0 => format!("{v:.2}×"),
        _ => "–".into(),
    }
}

fn ms(x: Option<f64>) -> String {
    match x {
        Some(v) => format!("{:.1}", v * 1e3),
        None => "–".into(),
    }
}

fn pct(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{:+.1} %", (v - 1.0) * 100.0),
        _ => "–".into(),
    }
}

fn mbs(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() && v > 0.0 => {
            if v >= 10.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.2}")
            }
        }
        _ => "–".into(),
    }
}

/// `a / b` of two medians, when both exist and are positive.
fn div(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if a > 0.0 && b > 0.0 => Some(a / b),
        _ => None,
    }
}

/// Per-program ratios `f(program)` and their geometric mean (over the programs that have one).
fn per_program(r: &Value, f: impl Fn(&Value) -> Option<f64>) -> (Vec<Option<f64>>, Option<f64>) {
    let v: Vec<Option<f64>> = programs(r).into_iter().map(f).collect();
    let present: Vec<f64> = v.iter().flatten().copied().collect();
    let g = if present.len() == v.len() {
        geomean(&present)
    } else {
        None
    };
    (v, g)
}

fn wasm_bytes(p: &Value) -> Option<f64> {
    p["wasm_bytes"].as_f64()
}

/// Compile speed of `engine` on program `p`, MB (10^6 bytes) of wasm per second.
fn compile_mbs(r: &Value, p: &Value, engine: &str, key: &str) -> Option<f64> {
    let t = med(r, name(p), engine, key)?;
    let bytes = wasm_bytes(p)?;
    (t > 0.0).then(|| bytes / t / 1e6)
}

/// Compile speed over all programs: their wasm bytes ÷ the sum of their median compile times
/// (errors of the baseline subtraction on the small modules partly cancel in the sum).
fn compile_mbs_all(r: &Value, engine: &str, key: &str) -> Option<f64> {
    let mut bytes = 0.0;
    let mut time = 0.0;
    for p in programs(r) {
        bytes += wasm_bytes(p)?;
        time += med(r, name(p), engine, key)?;
    }
    (time > 0.0).then(|| bytes / time / 1e6)
}

/// `a`'s compile time ÷ `b`'s, summed over all programs (medians; see `compile_mbs_all`).
fn compile_time_ratio(r: &Value, a: &str, b: &str, key: &str) -> Option<f64> {
    let sum = |e: &str| {
        programs(r)
            .into_iter()
            .map(|p| med(r, name(p), e, key))
            .sum::<Option<f64>>()
    };
    div(sum(a), sum(b))
}

fn code_bytes(r: &Value, p: &Value, engine: &str) -> Option<f64> {
    r["samples"][name(p)][engine]["code_bytes"].as_f64()
}

/// One column of numbers: per program, and their geometric mean.
struct Column {
    header: String,
    values: Vec<Option<f64>>,
    geomean: Option<f64>,
}

impl Column {
    fn new(header: &str, (values, geomean): (Vec<Option<f64>>, Option<f64>)) -> Column {
        Column {
            header: header.to_string(),
            values,
            geomean,
        }
    }
}

/// A table of `rows` per program plus a geomean row; each column a (header, per-program, geomean).
fn table(
    s: &mut String,
    first: &[(&str, Vec<String>)],
    cols: &[Column],
    fmt: fn(Option<f64>) -> String,
    r: &Value,
    geo_label: &str,
) {
    let progs = programs(r);
    let _ = write!(s, "| program |");
    for (h, _) in first {
        let _ = write!(s, " {h} |");
    }
    for c in cols {
        let _ = write!(s, " {} |", c.header);
    }
    let _ = write!(s, "\n|---|");
    for _ in 0..first.len() + cols.len() {
        s.push_str("---:|");
    }
    s.push('\n');
    for (i, p) in progs.iter().enumerate() {
        let _ = write!(s, "| {} |", name(p));
        for (_, v) in first {
            let _ = write!(s, " {} |", v[i]);
        }
        for c in cols {
            let _ = write!(s, " {} |", fmt(c.values[i]));
        }
        s.push('\n');
    }
    let _ = write!(s, "| **{geo_label}** |");
    for _ in first {
        s.push_str(" |");
    }
    for c in cols {
        let _ = write!(s, " **{}** |", fmt(c.geomean));
    }
    s.push_str("\n\n");
}

/// kwasm as shipped ÷ kwasm compiled as `engine` (run time), per program and geomean.
fn check_cost(r: &Value, engine: &str) -> (Vec<Option<f64>>, Option<f64>) {
    per_program(r, |p| {
        div(
            med(r, name(p), "kwasm", "run_s"),
            med(r, name(p), engine, "run_s"),
        )
    })
}

/// The summary tables, from wall time or (`cpu`) from CPU time.
fn summary(s: &mut String, r: &Value, cpu: bool) {
    let k = |key: &str| if cpu { cpu_key(key) } else { key.to_string() };
    let engines = wasm_engines(r);
    let progs = programs(r);
    let run_vs_native = |e: &str, key: &str| {
        per_program(r, |p| {
            div(
                med(r, name(p), e, &k(key)),
                med(r, name(p), "native", &k("run_s")),
            )
        })
        .1
    };
    let _ = writeln!(
        s,
        "| engine | run ÷ native | run incl. compile ÷ native | compile MB/s (all programs) | code bytes ÷ native (C) |\n|---|---:|---:|---:|---:|"
    );
    for (id, label) in &engines {
        let mb = compile_mbs_all(r, id, &k("compile_s"));
        let size = geomean(
            &progs
                .iter()
                .filter_map(|p| div(code_bytes(r, p, id), p["native_code_bytes"].as_f64()))
                .collect::<Vec<_>>(),
        );
        let _ = writeln!(
            s,
            "| {label} | {} | {} | {} | {} |",
            ratio(run_vs_native(id, "run_s")),
            ratio(run_vs_native(id, "total_s")),
            mbs(mb),
            ratio(size)
        );
    }
    s.push('\n');

    let _ = writeln!(
        s,
        "kwasm (as shipped) ÷ each peer (below 1: kwasm faster or smaller; compile time: the sums over \
         all programs):\n\n\
         | peer | run | run incl. compile | compile time | code bytes |\n|---|---:|---:|---:|---:|"
    );
    for (id, label) in peers(r) {
        let g = |key: &str| {
            per_program(r, |p| {
                div(
                    med(r, name(p), "kwasm", &k(key)),
                    med(r, name(p), id, &k(key)),
                )
            })
            .1
        };
        let size = per_program(r, |p| div(code_bytes(r, p, "kwasm"), code_bytes(r, p, id))).1;
        let _ = writeln!(
            s,
            "| {label} | {} | {} | {} | {} |",
            ratio(g("run_s")),
            ratio(g("total_s")),
            ratio(compile_time_ratio(r, "kwasm", id, &k("compile_s"))),
            ratio(size)
        );
    }
    s.push('\n');

    let cost = |e: &str| {
        per_program(r, |p| {
            div(
                med(r, name(p), "kwasm", &k("run_s")),
                med(r, name(p), e, &k("run_s")),
            )
        })
        .1
    };
    let _ = writeln!(
        s,
        "Cost of kwasm's checks (run time as shipped ÷ without the check, − 1): fuel {}, bounds \
         checks {} (of which the Spectre clamps {}).",
        pct(cost("kwasm-nofuel")),
        pct(cost("kwasm-nobounds")),
        pct(cost("kwasm-nospectre"))
    );
    let peer_cost = |eq: &str, def: &str| {
        per_program(r, |p| {
            div(
                med(r, name(p), eq, &k("run_s")),
                med(r, name(p), def, &k("run_s")),
            )
        })
        .1
    };
    let _ = writeln!(
        s,
        "The peers' own cost of explicit bounds checks + fuel (on kwasm's terms ÷ defaults, − 1): \
         wasmtime Cranelift {}, Winch {}.\n",
        pct(peer_cost("wasmtime-eq", "wasmtime")),
        pct(peer_cost("winch-eq", "winch"))
    );
}

pub fn markdown(r: &Value, json_name: &str) -> String {
    let mut s = String::new();
    header(&mut s, r, json_name);
    problems_note(&mut s, r);
    summary_section(&mut s, r);
    programs_table(&mut s, r);
    run_time_tables(&mut s, r);
    compile_speed_tables(&mut s, r);
    code_size_table(&mut s, r);
    check_costs_table(&mut s, r);
    engines_list(&mut s, r);
    s.push_str(METHOD);
    s
}

/// The title and what was run, with what.
fn header(s: &mut String, r: &Value, json_name: &str) {
    let _ = writeln!(
        s,
        "# Compute benchmark, {}{}\n",
        r["date"].as_str().unwrap_or("?"),
        if r["quick"] == true {
            " (quick run: small n, 1 round — not for citing)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        s,
        "`cargo xtask bench compute` at `{}`{} on {} ({} cores); {} round(s), medians; raw data in \
         [{json_name}]({json_name}). Tools: {}, {}, {}.\n",
        r["commit"].as_str().unwrap_or("?"),
        if r["uncommitted_changes"] == true { " with uncommitted changes" } else { "" },
        r["cpu"].as_str().unwrap_or("?"),
        r["cores"],
        r["rounds"],
        r["tools"]["wasmtime"].as_str().unwrap_or("wasmtime ?"),
        r["tools"]["wasmer"].as_str().unwrap_or("wasmer ?"),
        r["tools"]["clang"].as_str().unwrap_or("clang ?"),
    );
}

/// Engines that failed or disagreed with native, or that none did.
fn problems_note(s: &mut String, r: &Value) {
    let problems = problems(r);
    if !problems.is_empty() {
        let _ = writeln!(s, "## ⚠ Problems in this run\n");
        for p in &problems {
            let _ = writeln!(s, "- **{p}**");
        }
        s.push('\n');
    } else {
        let _ = writeln!(
            s,
            "Every engine returned the native checksum for every program in every round.\n"
        );
    }
}

/// The geometric means, by wall and by CPU time.
fn summary_section(s: &mut String, r: &Value) {
    let progs = programs(r);
    let _ = writeln!(
        s,
        "## Summary (geometric means over the {} programs; wall time)\n",
        progs.len()
    );
    summary(s, r, false);
    let _ = writeln!(
        s,
        "### The same from CPU time (user + system; less disturbed by other load on the host, \
         but the peers' parallel compile threads add up)\n"
    );
    summary(s, r, true);
}

/// What each program does.
fn programs_table(s: &mut String, r: &Value) {
    let progs = programs(r);
    // Per program.
    let _ = writeln!(
        s,
        "## Programs\n\n| program | lang | n | work | wasm bytes |\n|---|---|---:|---|---:|"
    );
    for p in &progs {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            name(p),
            p["lang"].as_str().unwrap_or("?"),
            p["n"],
            p["what"].as_str().unwrap_or("?"),
            p["wasm_bytes"]
        );
    }
    s.push('\n');
}

/// Run times as ratios to native, compile excluded and included.
fn run_time_tables(s: &mut String, r: &Value) {
    let engines = wasm_engines(r);
    let progs = programs(r);
    for (key, title) in [
        (
            "run_s",
            "Run time, compile excluded: native ms, others ÷ native",
        ),
        (
            "total_s",
            "Run time, compile included: native ms, others ÷ native",
        ),
    ] {
        let _ = writeln!(s, "## {title}\n");
        let native: Vec<String> = progs
            .iter()
            .map(|p| ms(med(r, name(p), "native", "run_s")))
            .collect();
        let cols: Vec<_> = engines
            .iter()
            .map(|(id, _)| {
                Column::new(
                    id,
                    per_program(r, |p| {
                        div(med(r, name(p), id, key), med(r, name(p), "native", "run_s"))
                    }),
                )
            })
            .collect();
        table(s, &[("native ms", native)], &cols, ratio, r, "geomean");
    }
}

/// Compile speed: the programs, then the large modules.
fn compile_speed_tables(s: &mut String, r: &Value) {
    let engines = wasm_engines(r);
    let progs = programs(r);
    let _ = writeln!(
        s,
        "## Compile speed, MB of wasm per second (median compile time)\n"
    );
    let cols: Vec<_> = engines
        .iter()
        .map(|(id, _)| Column::new(id, per_program(r, |p| compile_mbs(r, p, id, "compile_s"))))
        .collect();
    let ms_kwasm: Vec<String> = progs
        .iter()
        .map(|p| ms(med(r, name(p), "kwasm", "compile_s")))
        .collect();
    table(
        s,
        &[("kwasm compile ms", ms_kwasm)],
        &cols,
        mbs,
        r,
        "geomean",
    );
    s.push_str(&crate::compile_speed::markdown(r));
}

/// Bytes of machine code per engine.
fn code_size_table(s: &mut String, r: &Value) {
    let engines = wasm_engines(r);
    let progs = programs(r);
    let _ = writeln!(
        s,
        "## Code size, bytes of machine code\n\nNative: the C program's object `.text` (clang-14 -O2; none for the Rust programs, whose \
         native code is inlined into the runner). kwasm: the artifact's code section. wasmtime: \
         the `.cwasm` ELF's `.text` up to the end of its last function (trampolines included; the \
         section itself is padded to 4 KiB pages). wasmer: the whole `.wasmu` file \
         (its format has no separate code section to read), so an upper bound.\n"
    );
    {
        let _ = write!(s, "| program | wasm | native |");
        for (id, _) in &engines {
            let _ = write!(s, " {id} |");
        }
        let _ = write!(s, "\n|---|---:|---:|");
        for _ in &engines {
            s.push_str("---:|");
        }
        s.push('\n');
        for p in &progs {
            let native = p["native_code_bytes"]
                .as_u64()
                .map_or("–".into(), |v| v.to_string());
            let _ = write!(s, "| {} | {} | {native} |", name(p), p["wasm_bytes"]);
            for (id, _) in &engines {
                let v = code_bytes(r, p, id).map_or("–".into(), |v| format!("{v:.0}"));
                let _ = write!(s, " {v} |");
            }
            s.push('\n');
        }
        s.push('\n');
    }
}

/// What fuel and bounds checks cost kwasm.
fn check_costs_table(s: &mut String, r: &Value) {
    let progs = programs(r);
    let _ = writeln!(
        s,
        "## Cost of kwasm's checks (run time, compile excluded)\n"
    );
    let shipped: Vec<String> = progs
        .iter()
        .map(|p| ms(med(r, name(p), "kwasm", "run_s")))
        .collect();
    let nofuel: Vec<String> = progs
        .iter()
        .map(|p| ms(med(r, name(p), "kwasm-nofuel", "run_s")))
        .collect();
    let nobounds: Vec<String> = progs
        .iter()
        .map(|p| ms(med(r, name(p), "kwasm-nobounds", "run_s")))
        .collect();
    let nospectre: Vec<String> = progs
        .iter()
        .map(|p| ms(med(r, name(p), "kwasm-nospectre", "run_s")))
        .collect();
    table(
        s,
        &[
            ("shipped ms", shipped),
            ("no fuel ms", nofuel),
            ("no bounds checks ms", nobounds),
            ("no Spectre clamps ms", nospectre),
        ],
        &[
            Column::new("fuel cost", check_cost(r, "kwasm-nofuel")),
            Column::new("bounds-check cost", check_cost(r, "kwasm-nobounds")),
            Column::new("Spectre-clamp cost", check_cost(r, "kwasm-nospectre")),
        ],
        pct,
        r,
        "geomean",
    );
}

/// The engines and their flags.
fn engines_list(s: &mut String, r: &Value) {
    let _ = writeln!(s, "## Engines\n");
    for e in r["engines"].as_array().into_iter().flatten() {
        let flags: Vec<&str> = ["flags", "run_flags"]
            .iter()
            .filter_map(|k| e[*k].as_array())
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let _ = writeln!(
            s,
            "- `{}`: {}{}",
            e["id"].as_str().unwrap_or("?"),
            e["label"].as_str().unwrap_or("?"),
            if flags.is_empty() {
                String::new()
            } else {
                format!(" — `{}`", flags.join(" "))
            }
        );
    }
    s.push('\n');
}

const METHOD: &str = "## Method

- Programs: `bench/compute/c/*.c` and `bench/compute/rust` (one `run(n) -> checksum` each, no
  imports). C for wasm32: `clang-14 --target=wasm32-wasi -O2 -fno-math-errno -nostartfiles
  -Wl,--no-entry -Wl,--strip-all`; natively: `clang-14 -O2 -fno-math-errno` (x86-64 baseline, no
  `-march`), linked into the runner. Rust for wasm32: Debian's rustc with `-Zbuild-std=core,alloc`,
  release, one module per program (feature `<program>`); natively: the same crate as an rlib of
  the runner, release (rustup's rustc).
- One process (`kwasm-bench-compute`) runs everything, one program after another; within a
  program all engines run back to back, their order rotated each round; every round repeats the
  whole suite. Medians over rounds; geometric means over programs. Times are wall time unless
  said otherwise; the CPU-time summary uses user + system time of the runner (in-process
  engines) or of the child process (peers).
- Native: the call `run(n)` (the program builds its input inside `run`, so this includes that,
  for every engine alike).
- kwasm, in process: `kwasm_compiler::compile` (compile time; `compile_unchecked` for the
  variants without fuel, bounds checks or Spectre clamps, feature `bench-unchecked`), then
  `executor::Instance::new` and `invoke(\"run\", n)` with fuel `i64::MAX`. Run time = `invoke`;
  with compile = compile + instantiate + invoke.
- Peers, through their command-line tools, every process timed from spawn to exit:
  compile = `wasmtime compile` / `wasmer compile` of the program; run = the tool running the
  precompiled module (`wasmtime run --allow-precompiled --invoke run x.cwasm n`, wasmer's
  equivalent); with compile = the tool running the `.wasm`. Each round also runs the same three
  commands three times on an empty module (`run` returns its argument); the median of those is
  subtracted from the program's median. What remains is the program's own compile and run, plus
  loading and instantiating it beyond the empty module's. The tools' caches of compiled modules
  are off (wasmtime `-C cache=n`, wasmer `run --disable-cache`), so a `.wasm` is compiled on
  every run. The peers compile with their default parallelism (2 cores here); kwasm compiles on
  one thread.
- On kwasm's terms: kwasm checks every memory access explicitly and counts fuel, as a kernel must
  (no guard-page tricks, no signal handlers). wasmtime can be configured alike:
  `-O memory-reservation=0 -O memory-guard-size=0` (explicit bounds checks), `-O
  signals-based-traps=n` (Cranelift only; Winch refuses it) and `-W fuel=2^62`. The wasmer CLI
  has no option for the bounds-check style or for metering, so wasmer runs with its defaults
  only (its singlepass compiler canonicalizes NaNs by default, as its `compile` reports).
- Spectre: kwasm clamps every checked address on the check's failing path (`cmovb`), so that
  even a mispredicted check cannot read outside the memory; the kernel needs that, as eBPF
  does. wasmtime cannot: without signals-based traps it refuses Spectre mitigations (\"when
  signals-based traps are disabled then spectre mitigations must also be disabled\"), so
  Cranelift on kwasm's terms checks without clamping. `kwasm-nospectre` (benchmark-only, like
  the builds without fuel or bounds checks) leaves the clamps out: against Cranelift on kwasm's
  terms, that is the comparison with the same checks on both sides.
- Code size: see that table. Compile speed: wasm bytes ÷ median compile time; in the summary,
  all programs' bytes ÷ the sum of their median compile times. The modules are small (0.5 to
  7 KB), so fixed costs weigh: for the peers, after subtracting the empty module's compile, what
  is left is a few milliseconds measured through a process, and noisy. Hence the large modules
  (`bench/compute/large`, the wasmi interpreter for wasm32 as rustc's debug and release code,
  3.2 and 1.2 MB; compiled, not run; see their section): at least 3 rounds; kwasm `compile` in
  process, 3 times a round; each peer's `compile` command with its default parallelism and on one
  thread (wasmtime `-C parallel-compilation=n`; wasmer, which has no such option and sizes its
  thread pool to the CPUs it may use, pinned to one CPU), less the same command on the empty
  module (3 times a round); medians.
- Every engine's result is compared with the native one for every run; a disagreement or a
  failure is listed at the top of this page and makes the run exit with an error.
";
