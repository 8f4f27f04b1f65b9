//! `cargo xtask bench hook`: kwasm netfilter programs against eBPF programs doing the same
//! work, measured side by side in one VM boot (`bench/src/main.rs` says what is measured).
//!
//! Builds the bench kernel (the test kernel plus vmlinux BTF, which netfilter eBPF programs
//! need: `bench/btf.config`) and the module for it, the eBPF object (`bench/bpf/hook.bpf.c`,
//! clang-14 -target bpf -O2 -g0), the Rust port-filter guest and the bench binary; boots one VM,
//! runs the bench, reads its JSON line from the console log and writes
//! `bench/results/hook-<date>.json` and `.md`. `--quick` (for development) runs fewer and shorter
//! rounds and writes under `target/xtask/bench/` instead.

use crate::kernel::{self, Variant};
use crate::vm::{self, GuestBinary, VmJob};
use crate::{cmd, module, paths, setup, Result};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const USAGE: &str =
    "usage: cargo xtask bench hook [--quick] | cargo xtask bench render <results.json> \
| cargo xtask bench compute [--quick] [--rounds N] [--engines ID,..] [--programs P,..]";
/// The line the bench binary prints its results on.
const JSON_PREFIX: &str = "KWASM-BENCH-JSON: ";

pub fn cli(args: &[String]) -> Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["hook"] => hook(false),
        ["hook", "--quick"] => hook(true),
        ["render", json] => render(Path::new(json)),
        ["compute", rest @ ..] => crate::bench_compute::run(rest),
        _ => Err(USAGE.into()),
    }
}

/// Writes the page of a results file again (`<stem>.md` beside `<stem>.json`), from its raw
/// data: for a page whose text changed after the run.
fn render(json_path: &Path) -> Result<()> {
    let record: Value = serde_json::from_slice(&read(json_path)?)
        .map_err(|e| format!("{}: {e}", json_path.display()))?;
    let name = json_path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or("a results file name")?;
    let md_path = json_path.with_extension("md");
    write(&md_path, markdown(&record, name).as_bytes())?;
    println!("bench: {}", md_path.display());
    Ok(())
}

fn out_dir() -> PathBuf {
    paths::target().join("bench")
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, data: &[u8]) -> Result<()> {
    std::fs::write(path, data).map_err(|e| format!("{}: {e}", path.display()))
}

/// The eBPF object: `clang-14 -target bpf -O2 -g0 -c`.
fn build_bpf() -> Result<PathBuf> {
    let src = paths::repo().join("bench/bpf/hook.bpf.c");
    let obj = out_dir().join("hook.bpf.o");
    cmd::run(
        Command::new(format!("clang{}", paths::LLVM_SUFFIX))
            .args(["-target", "bpf", "-O2", "-g0", "-Wall", "-Werror", "-c"])
            .arg(&src)
            .arg("-o")
            .arg(&obj),
    )?;
    Ok(obj)
}

/// The module without its debug info (the bench kernel builds everything with DWARF for BTF;
/// the code is the same), so the initramfs stays small.
fn strip_module(ko: &Path) -> Result<PathBuf> {
    let out = out_dir().join("kwasm.ko");
    cmd::run(
        Command::new(format!("llvm-strip{}", paths::LLVM_SUFFIX))
            .arg("--strip-debug")
            .arg(ko)
            .arg("-o")
            .arg(&out),
    )?;
    Ok(out)
}

/// The bench binary, built in release mode.
fn build_bench_binary() -> Result<GuestBinary> {
    println!("bench: building the bench binary");
    let out = cmd::output(Command::new("cargo").current_dir(paths::repo()).args([
        "build",
        "--release",
        "-p",
        "kwasm-bench",
        "--bin",
        "kwasm-bench-hook",
        "--message-format=json",
    ]))?;
    let exe = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find_map(|m| {
            m.get("executable")
                .and_then(Value::as_str)
                .map(PathBuf::from)
        })
        .ok_or("cargo named no kwasm-bench-hook executable")?;
    Ok(GuestBinary {
        name: "kwasm-bench-hook".into(),
        host: exe,
    })
}

/// Today's date (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn first_line(cmd: &mut Command) -> String {
    cmd.output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
        .unwrap_or_default()
}

/// Where this run's code came from.
fn git_state() -> Value {
    let git = |args: &[&str]| first_line(Command::new("git").current_dir(paths::repo()).args(args));
    let dirty = Command::new("git")
        .current_dir(paths::repo())
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false);
    json!({ "commit": git(&["rev-parse", "--short=12", "HEAD"]), "uncommitted_changes": dirty })
}

/// The host's CPU model (`/proc/cpuinfo`), or nothing.
pub fn host_cpu() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_default()
}

/// The bench's JSON line in the console log.
fn parse_results(log: &str) -> Option<Value> {
    log.lines()
        .filter_map(|l| l.find(JSON_PREFIX).map(|at| &l[at + JSON_PREFIX.len()..]))
        .find_map(|j| serde_json::from_str(j).ok())
}

fn hook(quick: bool) -> Result<()> {
    setup::run()?;
    // The kernel first, outside the target lock (its cache entry has a lock of its own).
    let kernel = kernel::build_variant(Variant::Bench)?;
    let _target_lock = crate::lock_target()?;
    std::fs::create_dir_all(out_dir()).map_err(|e| e.to_string())?;
    let module = strip_module(&module::build(&kernel)?)?;
    let bpf = build_bpf()?;
    let guest_dir = paths::repo().join("examples/port-filter/guest");
    let guest = match crate::guest::build(&guest_dir) {
        Ok(wasm) => Some(wasm),
        Err(e) => {
            println!("bench: the Rust port-filter guest does not build ({e}); WAT filter only");
            None
        }
    };
    let bench = build_bench_binary()?;

    let mut files = vec![("/bench/hook.bpf.o".to_string(), read(&bpf)?)];
    let mut command = "/bin/kwasm-bench-hook --bpf /bench/hook.bpf.o".to_string();
    if let Some(g) = &guest {
        files.push(("/bench/port-filter.wasm".into(), read(g)?));
        command += " --guest /bench/port-filter.wasm";
    }
    if quick {
        command += " --rounds 3 --repeat 10000 --op-sample-ms 50 --stream-rounds 2 --stream-secs 1";
    }
    let outcome = vm::run(&VmJob {
        kernel: &kernel,
        module: &module,
        binaries: vec![bench],
        files,
        commands: vec!["ip link set lo up".into(), command.clone()],
        timeout: Duration::from_secs(1800),
        echo: true,
    })?;
    let Some(results) = parse_results(&outcome.log) else {
        return Err(format!(
            "the bench printed no results ({}); see {}",
            outcome.verdict(),
            paths::target().join("vm/console.log").display()
        ));
    };

    let date = today();
    let dir = if quick {
        out_dir()
    } else {
        paths::repo().join("bench/results")
    };
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let stem = format!("hook-{date}");
    let record = json!({
        "date": date,
        "command": format!("cargo xtask bench hook{}", if quick { " --quick" } else { "" }),
        "git": git_state(),
        "host": {
            "cpu": host_cpu(),
            "qemu": first_line(Command::new("qemu-system-x86_64").arg("--version")),
            "vm": "QEMU TCG (software emulation), -cpu max, -smp 2, -m 2G",
        },
        "kernel_variant": kernel.variant.name(),
        "vm_verdict": outcome.verdict(),
        "kernel_complaints": outcome.complaints,
        "bench_command": command,
        "bench": results,
    });
    let json_path = dir.join(format!("{stem}.json"));
    let md_path = dir.join(format!("{stem}.md"));
    let text = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())? + "\n";
    write(&json_path, text.as_bytes())?;
    write(
        &md_path,
        markdown(&record, &format!("{stem}.json")).as_bytes(),
    )?;
    println!(
        "bench: results in {} and {}",
        json_path.display(),
        md_path.display()
    );

    let bench = &record["bench"];
    if bench["ok"] != true {
        return Err(
            "the bench's checks failed (the sides disagree, or the JIT is off): see the results"
                .into(),
        );
    }
    if bench["complete"] != true {
        return Err(format!("the bench is incomplete: {}", bench["errors"]));
    }
    if !outcome.ok() {
        return Err(format!("the VM run failed: {}", outcome.verdict()));
    }
    Ok(())
}

fn num(v: &Value) -> String {
    match v.as_f64() {
        Some(x) if x >= 100.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.1}"),
        None => "–".into(),
    }
}

fn ratio(v: &Value) -> String {
    v.as_f64().map_or("–".into(), |x| format!("{x:.2}×"))
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("?")
}

/// How the numbers are taken (`{name}`s are filled from the run's parameters).
const METHOD: &str = "\
One process in one VM boot measures both sides. Every measurement is taken in rounds and the \
contenders' order rotates each round, so drift of the shared, noisy host hits all of them. Each \
number is the median of the rounds, with min and max; ratios are of medians.

- **Port filter, ns per invocation (a)**: the same filter on both sides: TCP over IPv4 to the port \
  in array map `CONFIG[0]` → drop and +1 in hash map `DROPS` keyed by the source address, else \
  accept. eBPF: `bench/bpf/hook.bpf.c` `port_filter` (the packet through `bpf_dynptr_from_skb` and \
  `bpf_dynptr_slice`) under `BPF_PROG_TEST_RUN` with `repeat`; kwasm: `KWASM_IOC_PROG_TEST_RUN` of \
  the netfilter program with `repeat` (the hook's own entry path: context and packet window \
  written into the CPU's instance, then the program). Both report the mean time of one run. \
  {rounds} rounds (after an unrecorded warm-up round) of {repeat} runs, on a TCP SYN to the port \
  (dropped, counted) and on a SYN to another port (accepted).
- **Empty program (c)**: returns accept; the fixed cost of entering a program through each side's \
  test run, measured the same way.
- **Loopback TCP stream (b)**: a sender writes {buffer}-byte buffers to 127.0.0.1 for {secs} s, a \
  receiver thread reads; MB/s = bytes received / (connect to end of file). No filter, the eBPF \
  filter, and the kwasm filter(s), attached at IPv4 `NF_INET_LOCAL_IN` (priority {priority}); \
  {stream_rounds} rounds. The filters inspect every packet of the stream and accept it (the \
  configured port is another one).
- **Per-operation cost (d)**: programs that run a loop of {ops} iterations of one operation \
  (listed with the results), test-run as in (a), {rounds} rounds after a warm-up round, all \
  programs of both sides interleaved. A sample is as many runs as take about {op_sample_ms} ms \
  (from the warm-up round; at least {op_repeat}), and each is taken right after a sample of its \
  base: the same side's loop of nothing, for that loop the empty program. Per round, an \
  operation's cost is (time of its program − time of its base) / {ops}; the table gives the \
  median, min and max of the rounds. Every round runs every program twice: with lockdep's validation on, as booted, \
  and off (`/proc/sys/kernel/prove_locking` = 0; the two in alternating order; 1 again at the \
  end). kwasm's loops (WAT, `bench/src/ops.rs`) fold each iteration's result into a check of the \
  same shape in every program, the loop of nothing included; eBPF's (`bench/bpf/hook.bpf.c` \
  `op_*`) loop of nothing has only its counter, so an operation's few instructions of checking \
  (a null test, a load and an add) count as part of it. Every program accepts only if every \
  iteration did what it should (a lookup: status 0 and the value the bench stored; kwasm's call \
  on an undeclared map: -EBADF; an add or update: success); after the runs the added counters \
  must equal {ops} × the runs, and the updated value the last one written.
- **Same work, checked**: every test-run verdict of every contender (drop for the SYN to the port, \
  accept otherwise, no traps); `DROPS` equal to the number of dropped runs on each side; nothing \
  dropped during the stream; and live: each filter, attached and configured for a listening port, \
  stops a connect to it and counts the same drops. A disagreement fails the run.

eBPF loading path: bpf(2) directly (`bench/src/ebpf.rs`). The `-g0` object is read with the \
`object` crate, its maps are created, the map `ld_imm64`s patched with the map fds and the two \
kfunc calls resolved by name in `/sys/kernel/btf/vmlinux`; then `BPF_PROG_LOAD` \
(`BPF_PROG_TYPE_NETFILTER`, expected attach type `BPF_NETFILTER`), `BPF_LINK_CREATE` with the \
netfilter options, `BPF_PROG_TEST_RUN`. aya has no netfilter program type; libbpf needs the \
object's own BTF for its maps and kfunc externs, which a `-g0` object does not have.
";

/// The port filter's own work on each side: its test-run time less the empty program's (what
/// entering a program and the test-run loop cost), per case and contender.
fn test_run_note(runs: &[Value]) -> Option<String> {
    let median = |case: &str, who: &str| {
        runs.iter()
            .find(|v| v["case"] == case && v["contender"] == who)
            .and_then(|v| v["median"].as_f64())
    };
    let ebpf_empty = median("empty", "ebpf")?;
    let kwasm_empty = median("empty", "kwasm")?;
    let mut parts = Vec::new();
    for case in ["port_filter_accept", "port_filter_drop"] {
        let ebpf = median(case, "ebpf")? - ebpf_empty;
        let mut line = format!("{case}: eBPF {ebpf:.0} ns");
        for who in ["kwasm-rust", "kwasm-wat"] {
            if let Some(k) = median(case, who) {
                let k = k - kwasm_empty;
                line += &format!(", {who} {k:.0} ns ({:.1}×)", k / ebpf);
            }
        }
        parts.push(line);
    }
    Some(format!(
        "Reading (a): entering a program through the test run costs {ebpf_empty:.0} ns on eBPF \
         and {kwasm_empty:.0} ns on kwasm (the empty programs). Less that, each filter's own \
         work: {}.",
        parts.join("; ")
    ))
}

/// How much of a CPU the filters cost in the stream, estimated from the packets the kwasm
/// links counted and each filter's test-run time on an accepted packet, against the stream's
/// own spread: whether (b) can tell the filters apart at all.
fn stream_note(b: &Value, runs: &[Value], streams: &[Value]) -> Option<String> {
    let secs = b["params"]["stream_secs"].as_f64()?;
    let mut counts: Vec<f64> = streams
        .iter()
        .filter_map(|v| v.get("hook_runs_per_round")?.as_array().cloned())
        .flatten()
        .filter_map(|n| n.as_f64())
        .collect();
    counts.sort_by(f64::total_cmp);
    let pps = *counts.get(counts.len() / 2)? / secs;
    let none = streams.iter().find(|v| v["filter"] == "none")?;
    let spread = (none["max"].as_f64()? - none["min"].as_f64()?) / none["median"].as_f64()?;
    let mut shares = Vec::new();
    for v in runs.iter().filter(|v| v["case"] == "port_filter_accept") {
        let ns = v["median"].as_f64()?;
        shares.push((text(&v["contender"]).to_string(), pps * ns / 1e9));
    }
    let most = shares.iter().map(|(_, x)| *x).fold(0.0, f64::max);
    let list: Vec<String> = shares
        .iter()
        .map(|(who, x)| format!("{who} {:.1} %", 100.0 * x))
        .collect();
    let verdict = if most < spread {
        "below the spread of the unfiltered stream, so the stream cannot tell the filters apart; \
         the test runs above are the comparison"
    } else {
        "not below the spread of the unfiltered stream, so its differences can be the filters'"
    };
    Some(format!(
        "Reading (b): the kwasm links counted about {pps:.0} packets/s at LOCAL_IN (64 KiB writes \
         make few, large packets on loopback). At each filter's test-run time on an accepted \
         packet that is about {} of one CPU, {verdict} (the unfiltered stream's min–max spread: \
         {:.0} % of its median).",
        list.join(", "),
        100.0 * spread
    ))
}

/// The per-operation rows: the op's name in the results and its label.
const OPS: [(&str, &str); 8] = [
    ("noop_loop", "loop iteration (base: empty program)"),
    (
        "call",
        "call doing nothing: kwasm host call (-EBADF) / eBPF helper",
    ),
    ("array_lookup", "ARRAY lookup"),
    ("hash_lookup", "HASH lookup (key present)"),
    ("hash_add", "HASH value +1 (key present)"),
    ("percpu_add", "PERCPU_ARRAY value +1"),
    ("hash_update", "HASH update (key present)"),
    (
        "spin_lock_add",
        "ARRAY value +1 under `bpf_spin_lock` (eBPF only)",
    ),
];

/// What the parts of a kwasm map operation are, on the code as it is, and what would remove
/// each (not measured: the reading above says what was).
const PER_OP_PARTS: &str = "\
What the parts are, from the code (not measured here), and what would remove each:

- **The crossing** (kwasm `call`): the compiled code stores the arguments in slots on its stack \
  and calls the host function (`kernel/map_fns.rs`), which finds its instance through the vmctx \
  and the map by its id in the program's sorted map list; the status comes back through a slot. \
  eBPF's helper call is a direct call with the arguments in registers, and its array and per-CPU \
  array lookups are no call at all: the verifier replaces them with a few instructions \
  (`array_map_gen_lookup`, `percpu_array_map_gen_lookup`). What would remove it: resolving the \
  map at load (its id is a constant in the code) and having the compiler emit the map access \
  inline, as eBPF does for arrays, or a direct call of a per-map entry with register arguments.
- **The map's part** (a map operation less the crossing): every kwasm map operation finds the \
  map, copies the key onto the host stack and checks the spans in linear memory. Arrays (per-CPU \
  ones too) take no lock: the value is found by arithmetic with preemption off (`get_cpu`, \
  `put_cpu`: two calls into C) and read or written in atomic 8-byte words, an add is one atomic \
  add (`kernel/array_map.rs`). Hash maps take the map's spinlock with interrupts off \
  (`spin_lock_irqsave`, `kernel/maps.rs` `with_view`), rebuild the map's view (`MapView::open`, \
  which re-checks the definition), hash the key, do the operation and copy the value out. The \
  bench kernel has lockdep (`CONFIG_PROVE_LOCKING`, with `CONFIG_TRACE_IRQFLAGS` and \
  `CONFIG_DEBUG_SPINLOCK`, from `kernel/kwasm.config`): every spinlock acquisition and every \
  interrupts-off/on is tracked and checked. eBPF's array and per-CPU array lookups take no lock, \
  its hash lookups are RCU reads (no lock; this kernel checks that the RCU read lock is held, \
  `CONFIG_PROVE_RCU`), and its adds are one atomic instruction on the value in place. eBPF's hash \
  update does take a lock (the bucket's raw spinlock, interrupts off), and `bpf_spin_lock` a \
  bare one that lockdep does not track. What would remove the rest: for arrays, which have no \
  lock left, the access emitted inline by the compiler (eBPF's verifier makes a lookup a bounds \
  check, a shift or multiply and an add); for hash maps, RCU-style reads and in-place atomic adds on found \
  entries (a lock only to insert or delete) and a view built once per map, not per operation.
- **Lockdep's share** is separated only in part: `prove_locking` = 0 turns off lockdep's \
  validation (usage marking, dependency chains) but not its tracking of held locks and of the \
  interrupt state, nor `CONFIG_DEBUG_SPINLOCK`'s checks. The rest of lockdep's cost is still in \
  the prove_locking = 0 numbers: no kernel without lockdep was measured.
";

/// Section (d): ns per operation on both sides (with lockdep's validation on, as booted, and
/// off when the run could switch it), what each program does, ns per run of each, and a reading
/// of the numbers against the port filter's time in (a).
fn per_op_section(s: &mut String, b: &Value, runs: &[Value]) {
    let per_op = &b["per_op"];
    let Some(costs) = per_op["ns_per_op"].as_array() else {
        return;
    };
    let both = per_op["prove_locking_modes"]
        .as_array()
        .is_some_and(|m| m.len() == 2);
    let cost = |op: &str, side: &str, mode: u64| {
        costs
            .iter()
            .find(|v| v["op"] == op && v["side"] == side && v["prove_locking"] == mode)
    };
    let cell = |v: Option<&Value>| {
        v.map_or("–".to_string(), |v| {
            format!(
                "{} ({}–{})",
                num(&v["median"]),
                num(&v["min"]),
                num(&v["max"])
            )
        })
    };
    let _ = writeln!(
        s,
        "\n### ns per operation (loops of {} operations)\n",
        per_op["ops"]
    );
    let _ = writeln!(
        s,
        "Median (min–max) over the rounds of (program − base) / {}; base: the same side's loop \
         of nothing, for the loop iteration its empty program, measured just before. As booted (lockdep's validation \
         on, `/proc/sys/kernel/prove_locking` = 1){}\n",
        per_op["ops"],
        if both {
            ", and, in the same rounds, with `prove_locking` = 0."
        } else {
            "; the run could not switch it off."
        }
    );
    if both {
        let _ = writeln!(
            s,
            "| operation | kwasm | eBPF | kwasm / eBPF | kwasm, prove_locking = 0 | eBPF, \
             prove_locking = 0 | kwasm / eBPF |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|");
    } else {
        let _ = writeln!(s, "| operation | kwasm | eBPF | kwasm / eBPF |");
        let _ = writeln!(s, "|---|---:|---:|---:|");
    }
    let modes: &[u64] = if both { &[1, 0] } else { &[1] };
    for (op, label) in OPS {
        let mut row = format!("| {label} |");
        for &mode in modes {
            let r = &per_op["ratios"][format!("{op} prove_locking={mode}")];
            row += &format!(
                " {} | {} | {} |",
                cell(cost(op, "kwasm", mode)),
                cell(cost(op, "ebpf", mode)),
                ratio(r)
            );
        }
        let _ = writeln!(s, "{row}");
    }
    if let Some(note) = per_op_note(b, runs) {
        let _ = writeln!(s, "\n{note}");
    }
    let _ = writeln!(s, "\n{PER_OP_PARTS}");
    let _ = writeln!(
        s,
        "The programs (ns per run: median of the rounds, prove_locking = 1{}):\n",
        if both { " / 0" } else { "" }
    );
    let _ = writeln!(s, "| program | kwasm | ns/run | eBPF | ns/run |");
    let _ = writeln!(s, "|---|---|---:|---|---:|");
    let series = per_op["series_ns_per_run"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let programs = &per_op["programs"];
    let ops = ["empty"].into_iter().chain(OPS.iter().map(|(op, _)| *op));
    for op in ops {
        let mut row = format!("| `{op}` |");
        for side in ["kwasm", "ebpf"] {
            let p = &programs[format!("{side} {op}")];
            if p.is_null() {
                row += " no counterpart | – |";
                continue;
            }
            let what = p["op"].as_str().unwrap_or("–");
            let size = if let Some(n) = p["insns"].as_u64() {
                format!("{n} BPF instructions")
            } else if let Some(n) = p["code_size"].as_u64() {
                format!("{n} bytes of x86-64 code")
            } else {
                format!("NOT LOADED: {}", text(&p["error"]))
            };
            let ns: Vec<String> = modes
                .iter()
                .map(|&mode| {
                    series
                        .iter()
                        .find(|v| v["op"] == op && v["side"] == side && v["prove_locking"] == mode)
                        .map_or("–".to_string(), |v| num(&v["median"]))
                })
                .collect();
            row += &format!(" {what} ({size}) | {} |", ns.join(" / "));
        }
        let _ = writeln!(s, "{row}");
    }
}

/// Reading (d): the crossing against eBPF's helper call, each kwasm map operation less the
/// crossing, what switching lockdep's validation off changed, and the WAT port filter's time in
/// (a) against the per-operation costs of the two map operations it makes.
/// The per-operation table's readings, for the notes under it.
struct PerOp<'a> {
    costs: &'a [Value],
    runs: &'a [Value],
}

impl PerOp<'_> {
    /// The median cost of `op` on `side` with lockdep's validation on (`mode` 1) or off (0).
    fn at(&self, op: &str, side: &str, mode: u64) -> Option<f64> {
        self.costs
            .iter()
            .find(|v| v["op"] == op && v["side"] == side && v["prove_locking"] == mode)
            .and_then(|v| v["median"].as_f64())
    }

    /// As booted (validation on).
    fn m(&self, op: &str, side: &str) -> Option<f64> {
        self.at(op, side, 1)
    }

    /// The median of a test-run case.
    fn run(&self, case: &str, who: &str) -> Option<f64> {
        self.runs
            .iter()
            .find(|v| v["case"] == case && v["contender"] == who)
            .and_then(|v| v["median"].as_f64())
    }
}

/// The map operations of the per-operation table.
const MAP_OPS: [&str; 5] = [
    "array_lookup",
    "hash_lookup",
    "hash_add",
    "percpu_add",
    "hash_update",
];

fn per_op_note(b: &Value, runs: &[Value]) -> Option<String> {
    let p = PerOp {
        costs: b["per_op"]["ns_per_op"].as_array()?,
        runs,
    };
    let mut note = crossing_note(&p)?;
    note += &lockdep_note(&p);
    note += &locks_note(&p)?;
    note += &filter_parts_note(&p)?;
    Some(note)
}

/// What a crossing costs on each side, and each map operation as crossing + the map's part.
fn crossing_note(p: &PerOp) -> Option<String> {
    let call = p.m("call", "kwasm")?;
    let helper = p.m("call", "ebpf")?;
    let mut parts = Vec::new();
    for op in MAP_OPS {
        let (k, e) = (p.m(op, "kwasm")?, p.m(op, "ebpf")?);
        parts.push(format!(
            "{op} {k:.0} = {call:.0} + {:.0} (eBPF {e:.0})",
            k - call
        ));
    }
    let mut note = format!(
        "Reading (d): a kwasm host call that returns at once costs {call:.0} ns, an eBPF helper \
         call {helper:.0} ns. Each kwasm map operation as crossing + the map's part, in ns: {}. \
         A loop iteration: kwasm {:.1} ns (with its check's bookkeeping: two loads, or, xor, \
         add), eBPF {:.1} ns (the counter alone).",
        parts.join("; "),
        p.m("noop_loop", "kwasm")?,
        p.m("noop_loop", "ebpf")?
    );
    if let Some(locked) = p.m("spin_lock_add", "ebpf") {
        note += &format!(
            " eBPF's operations that lock: +1 under a `bpf_spin_lock` (interrupts off and on, a \
             bare spinlock that lockdep does not track) {locked:.0} ns; a hash update (the \
             bucket's raw spinlock, tracked by lockdep, interrupts off) {:.0} ns, against {:.0} ns \
             for its hash lookup, which takes no lock.",
            p.m("hash_update", "ebpf")?,
            p.m("hash_lookup", "ebpf")?
        );
    }
    Some(note)
}

/// What switching lockdep's validation off saved, and the noise band of that comparison.
fn lockdep_note(p: &PerOp) -> String {
    let mut note = String::new();
    // What prove_locking = 0 saved, per operation (when the run measured it).
    let saved = |op: &str, side: &str| {
        let (on, off) = (p.at(op, side, 1)?, p.at(op, side, 0)?);
        Some(format!(
            "{op} {on:.0} → {off:.0} ({:+.0} %)",
            100.0 * (off - on) / on
        ))
    };
    let kwasm_saved: Vec<String> = ["call"]
        .iter()
        .chain(&MAP_OPS)
        .filter_map(|op| saved(op, "kwasm"))
        .collect();
    let ebpf_saved: Vec<String> = ["call"]
        .iter()
        .chain(&MAP_OPS)
        .chain(&["spin_lock_add"])
        .filter_map(|op| saved(op, "ebpf"))
        .collect();
    if !kwasm_saved.is_empty() {
        note += &format!(
            "\n\nWith lockdep's validation off (`prove_locking` = 0), in ns per operation: kwasm \
             {}; eBPF {}.",
            kwasm_saved.join(", "),
            ebpf_saved.join(", ")
        );
        // Operations that take no lock on either side in any version: what the switch cannot
        // change, so their change is the noise of the comparison.
        let controls = [
            ("call", "kwasm"),
            ("call", "ebpf"),
            ("array_lookup", "ebpf"),
            ("hash_lookup", "ebpf"),
            ("hash_add", "ebpf"),
            ("percpu_add", "ebpf"),
        ];
        let changes: Vec<f64> = controls
            .iter()
            .filter_map(|(op, side)| Some(100.0 * (p.at(op, side, 0)? / p.at(op, side, 1)? - 1.0)))
            .collect();
        let lo = changes.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = changes.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() && hi.is_finite() {
            note += &format!(
                " The operations that take no lock (both sides' calls, eBPF's lookups and adds) \
                 moved by {lo:+.0} % to {hi:+.0} % with the same switch, which cannot touch \
                 them: a change within that band cannot be told from noise."
            );
        }
    }
    note
}

/// What the locks cost on each side, as booted.
fn locks_note(p: &PerOp) -> Option<String> {
    let call = p.m("call", "kwasm")?;
    let mut note = String::new();
    if let (Some(spin), Some(upd), Some(lookup)) = (
        p.m("spin_lock_add", "ebpf"),
        p.m("hash_update", "ebpf"),
        p.m("hash_lookup", "ebpf"),
    ) {
        let beyond = |ops: &[&str]| {
            let v: Vec<f64> = ops
                .iter()
                .filter_map(|op| Some(p.m(op, "kwasm")? - call))
                .collect();
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            format!("{lo:.0}–{hi:.0}")
        };
        note += &format!(
            "\n\nLocks, as booted: eBPF's hash update costs {:.0} ns more than its hash lookup \
             (the bucket's lock, which lockdep tracks, and the update's copies), its \
             `bpf_spin_lock` section {spin:.0} ns in all (a lock lockdep does not track, \
             interrupts off and on, the lookup and two helper calls): {:.0} ns between the two \
             kinds of lock, the update's copies included. kwasm's hash operations cost {} ns \
             beyond the crossing, its array operations {} ns.",
            upd - lookup,
            upd - lookup - spin,
            beyond(&["hash_lookup", "hash_add", "hash_update"]),
            beyond(&["array_lookup", "percpu_add"]),
        );
    }
    Some(note)
}

/// The WAT filter of (a) split into its map operations, by the loops' costs.
fn filter_parts_note(p: &PerOp) -> Option<String> {
    let call = p.m("call", "kwasm")?;
    let mut note = String::new();
    // The WAT filter: the accepted packet makes one map_lookup on an array (CONFIG), the dropped
    // one that and a map_add on a present hash key (DROPS): the same maps as the loops'.
    let (accept, drop) = (
        p.run("port_filter_accept", "kwasm-wat")?,
        p.run("port_filter_drop", "kwasm-wat")?,
    );
    let (e_accept, e_drop) = (
        p.run("port_filter_accept", "ebpf")?,
        p.run("port_filter_drop", "ebpf")?,
    );
    let (k_empty, e_empty) = (p.run("empty", "kwasm")?, p.run("empty", "ebpf")?);
    let (lookup, add) = (p.m("array_lookup", "kwasm")?, p.m("hash_add", "kwasm")?);
    let (e_lookup, e_add) = (p.m("array_lookup", "ebpf")?, p.m("hash_add", "ebpf")?);
    let (own_accept, own_drop) = (accept - k_empty, drop - k_empty);
    let share = |part: f64, whole: f64| 100.0 * part / whole;
    note += &format!(
        "\n\nAgainst (a) (measured as booted), the WAT filter: its own work on an accepted packet \
         ({own_accept:.0} ns, less the empty program) makes one `map_lookup` on an array, \
         {lookup:.0} ns by the loops ({:.0} % of it; the crossing alone {call:.0} ns, {:.0} %); a \
         dropped packet costs {:.0} ns more and adds one `map_add` on a present hash key, \
         {add:.0} ns by the loops. Both map operations together, {:.0} ns, are {:.0} % of the \
         dropped packet's own work ({own_drop:.0} ns), of which {:.0} ns ({:.0} %) is the two \
         crossings and {:.0} ns ({:.0} %) the maps' part. eBPF's filter: its array lookup \
         {e_lookup:.0} ns and hash lookup + atomic add {e_add:.0} ns by the loops, against \
         {:.0} ns of own work on an accepted packet and {:.0} ns on a dropped one. The loops run \
         each operation many times in a row (warm caches and branch predictors), so these are \
         estimates of the filter's parts, not a measurement of them.",
        share(lookup, own_accept),
        share(call, own_accept),
        drop - accept,
        lookup + add,
        share(lookup + add, own_drop),
        2.0 * call,
        share(2.0 * call, own_drop),
        lookup + add - 2.0 * call,
        share(lookup + add - 2.0 * call, own_drop),
        e_accept - e_empty,
        e_drop - e_empty,
    );
    if lookup > own_accept || lookup + add > own_drop {
        note += " A share above 100 % means the loops' estimate exceeds (a)'s median, which no \
                 filter code can do: the two come from different samples of a noisy host (see \
                 their min–max), and what the filter's own wasm code costs beside its map \
                 operations is within that noise.";
    }
    Some(note)
}

/// The results as a page: method, environment, medians with ratios, raw samples, checks.
fn markdown(r: &Value, json_name: &str) -> String {
    let mut s = String::new();
    header(&mut s, r, json_name);
    environment(&mut s, r);
    method_and_programs(&mut s, r);
    results(&mut s, r);
    raw_samples(&mut s, r);
    checks(&mut s, r);
    s
}

/// The title, the commit and whether the run is complete.
fn header(s: &mut String, r: &Value, json_name: &str) {
    let b = &r["bench"];
    let _ = writeln!(
        s,
        "# Hook benchmark: kwasm netfilter programs against eBPF ({})\n",
        text(&r["date"])
    );
    let uncommitted = if r["git"]["uncommitted_changes"] == true {
        " (the working tree had uncommitted changes)"
    } else {
        ""
    };
    let _ = writeln!(
        s,
        "`{}` at commit `{}`{uncommitted}; raw data: [{json_name}]({json_name}).\n",
        text(&r["command"]),
        text(&r["git"]["commit"]),
    );
    let status = match (b["ok"] == true, b["complete"] == true) {
        (true, true) => "complete; every check passed".to_string(),
        (true, false) => format!("INCOMPLETE: {}", b["errors"]),
        (false, _) => "CHECKS FAILED: the numbers below are not comparable".to_string(),
    };
    let _ = writeln!(s, "Status: {status}. VM run: {}.\n", text(&r["vm_verdict"]));
}

/// The host, the VM, the guest kernel and its eBPF JIT.
fn environment(s: &mut String, r: &Value) {
    let b = &r["bench"];
    let env = &b["env"];
    let jit = text(&env["bpf_jit_enable"]);
    let jit_on = if jit == "1" || jit == "2" {
        "on"
    } else {
        "OFF"
    };
    let _ = writeln!(s, "## Environment\n");
    let _ = writeln!(
        s,
        "- Host CPU: {}; {}",
        text(&r["host"]["cpu"]),
        text(&r["host"]["qemu"])
    );
    let _ = writeln!(
        s,
        "- VM: {}; guest kernel {} (the `{}` variant: the test kernel plus vmlinux BTF, \
         `bench/btf.config`)",
        text(&r["host"]["vm"]),
        text(&env["kernel"]),
        text(&r["kernel_variant"])
    );
    let _ = writeln!(
        s,
        "- eBPF JIT: {jit_on} (`/proc/sys/net/core/bpf_jit_enable` = {jit}, `bpf_jit_harden` = {})",
        text(&env["bpf_jit_harden"])
    );
    let _ = writeln!(
        s,
        "- kwasm ABI version {}. The numbers come from software emulation: compare the sides \
         within one run, not with other machines.\n",
        b["kwasm_abi"]
    );
}

/// How it was measured, and the programs compared.
fn method_and_programs(s: &mut String, r: &Value) {
    let b = &r["bench"];
    let p = &b["params"];
    let method = METHOD
        .replace("{rounds}", &p["rounds"].to_string())
        .replace("{repeat}", &p["repeat"].to_string())
        .replace("{op_repeat}", &p["op_repeat"].to_string())
        .replace("{op_sample_ms}", &num(&p["op_sample_ms"]))
        .replace("{ops}", &b["per_op"]["ops"].to_string())
        .replace("{buffer}", &p["stream_buffer"].to_string())
        .replace("{secs}", &p["stream_secs"].to_string())
        .replace("{priority}", &p["priority"].to_string())
        .replace("{stream_rounds}", &p["stream_rounds"].to_string());
    let _ = writeln!(s, "## Method\n\n{method}");
    let _ = writeln!(s, "Programs:\n");
    for (k, v) in b["programs"].as_object().into_iter().flatten() {
        let what = if let Some(e) = v.get("error") {
            format!("NOT LOADED: {}", text(e))
        } else if let Some(n) = v.get("insns") {
            format!("{} ({n} BPF instructions)", text(&v["source"]))
        } else {
            let size = &v["code_size"];
            format!("{} ({size} bytes of x86-64 code)", text(&v["source"]))
        };
        let _ = writeln!(s, "- `{k}`: {what}");
    }
}

/// Per invocation (test run), per operation, and the TCP stream.
fn results(s: &mut String, r: &Value) {
    let b = &r["bench"];
    let ratios = &b["ratios"];
    let error_of = |v: &Value| {
        v.get("error")
            .map_or(String::new(), |e| format!(" (error: {})", text(e)))
    };
    let _ = writeln!(s, "\n## Results\n\n### ns per invocation (test run)\n");
    let _ = writeln!(
        s,
        "| case | contender | median | min | max | kwasm / eBPF |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|");
    let runs = b["test_run_ns"].as_array().cloned().unwrap_or_default();
    for v in &runs {
        let (case, who) = (text(&v["case"]), text(&v["contender"]));
        let vs = if who == "ebpf" {
            "1 (baseline)".into()
        } else {
            ratio(&ratios[format!("test_run {case}: {who}/ebpf")])
        };
        let _ = writeln!(
            s,
            "| {case} | {who}{} | {} | {} | {} | {vs} |",
            error_of(v),
            num(&v["median"]),
            num(&v["min"]),
            num(&v["max"])
        );
    }
    if let Some(note) = test_run_note(&runs) {
        let _ = writeln!(s, "\n{note}");
    }
    per_op_section(s, b, &runs);
    let _ = writeln!(s, "\n### Loopback TCP stream, MB/s\n");
    let _ = writeln!(
        s,
        "| filter at LOCAL_IN | median | min | max | / no filter | / eBPF |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
    let streams = b["stream_mb_per_s"].as_array().cloned().unwrap_or_default();
    for v in &streams {
        let f = text(&v["filter"]);
        let (vs_none, vs_ebpf) = match f {
            "none" => ("1 (baseline)".into(), String::new()),
            "ebpf" => (
                ratio(&ratios[format!("stream {f}/none")]),
                "1 (baseline)".into(),
            ),
            _ => (
                ratio(&ratios[format!("stream {f}/none")]),
                ratio(&ratios[format!("stream {f}/ebpf")]),
            ),
        };
        let _ = writeln!(
            s,
            "| {f}{} | {} | {} | {} | {vs_none} | {vs_ebpf} |",
            error_of(v),
            num(&v["median"]),
            num(&v["min"]),
            num(&v["max"])
        );
    }
    if let Some(note) = stream_note(b, &runs, &streams) {
        let _ = writeln!(s, "\n{note}");
    }
}

/// One sample per round, as measured.
fn raw_samples(s: &mut String, r: &Value) {
    let b = &r["bench"];
    let runs = b["test_run_ns"].as_array().cloned().unwrap_or_default();
    let streams = b["stream_mb_per_s"].as_array().cloned().unwrap_or_default();
    let _ = writeln!(s, "\n### Raw samples (one per round)\n\n```");
    for v in &runs {
        let (case, who) = (text(&v["case"]), text(&v["contender"]));
        let _ = writeln!(s, "test run {case:<18} {who:<10} ns   {}", v["samples"]);
    }
    for v in b["per_op"]["series_ns_per_run"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let (op, who) = (text(&v["op"]), text(&v["side"]));
        let pl = format!("pl={}", v["prove_locking"]);
        let _ = writeln!(
            s,
            "per-op   {op:<13} {pl:<4} {who:<10} ns   {}",
            v["samples"]
        );
    }
    for v in &streams {
        let _ = writeln!(
            s,
            "stream   {:<29} MB/s {}",
            text(&v["filter"]),
            v["samples"]
        );
        if let Some(runs) = v.get("hook_runs_per_round") {
            let _ = writeln!(s, "{:<38} packets through the kwasm hook: {runs}", "");
        }
    }
}

/// The checks, what could not run, and kernel complaints.
fn checks(s: &mut String, r: &Value) {
    let b = &r["bench"];
    let _ = writeln!(s, "```\n\n### Checks\n");
    for c in b["checks"].as_array().into_iter().flatten() {
        let ok = if c["ok"] == true { "ok" } else { "**FAILED**" };
        let _ = writeln!(s, "- {ok} {}: {}", text(&c["name"]), text(&c["detail"]));
    }
    let lists = [
        ("What could not run", &b["errors"]),
        ("Kernel complaints during the run", &r["kernel_complaints"]),
    ];
    for (title, list) in lists {
        let Some(items) = list.as_array().filter(|l| !l.is_empty()) else {
            continue;
        };
        let _ = writeln!(s, "\n### {title}\n");
        for e in items {
            let _ = writeln!(s, "- {}", text(e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_723), "2024-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
    }

    #[test]
    fn per_operation_section_reads_the_costs() {
        let cost = |op: &str, side: &str, mode: u64, m: f64| {
            json!({"op": op, "side": side, "prove_locking": mode, "median": m, "min": m,
                   "max": m, "samples": [m]})
        };
        let mut costs = Vec::new();
        for (op, k, e) in [
            ("noop_loop", 2.0, 1.0),
            ("call", 100.0, 10.0),
            ("array_lookup", 400.0, 2.0),
            ("hash_lookup", 500.0, 50.0),
            ("hash_add", 600.0, 60.0),
            ("percpu_add", 450.0, 5.0),
            ("hash_update", 700.0, 300.0),
        ] {
            costs.push(cost(op, "kwasm", 1, k));
            costs.push(cost(op, "ebpf", 1, e));
            costs.push(cost(op, "kwasm", 0, k / 2.0));
            costs.push(cost(op, "ebpf", 0, e));
        }
        costs.push(cost("spin_lock_add", "ebpf", 1, 50.0));
        let run =
            |case: &str, who: &str, m: f64| json!({"case": case, "contender": who, "median": m});
        let runs = vec![
            run("port_filter_accept", "kwasm-wat", 1500.0),
            run("port_filter_drop", "kwasm-wat", 2200.0),
            run("port_filter_accept", "ebpf", 900.0),
            run("port_filter_drop", "ebpf", 1000.0),
            run("empty", "kwasm", 600.0),
            run("empty", "ebpf", 700.0),
        ];
        let b = json!({"per_op": {"ops": 64, "ns_per_op": costs, "prove_locking_modes": [1, 0],
                                  "ratios": {"call prove_locking=1": 10.0},
                                  "programs": {}, "series_ns_per_run": []}});
        let mut s = String::new();
        per_op_section(&mut s, &b, &runs);
        assert!(
            s.contains(
                "| call doing nothing: kwasm host call (-EBADF) / eBPF helper | 100 (100–100) \
                 | 10.0 (10.0–10.0) | 10.00× | 50.0 (50.0–50.0) | 10.0 (10.0–10.0) | – |"
            ),
            "{s}"
        );
        // 900 ns of own work on the accepted packet, 400 of it the lookup; 1600 on the dropped
        // one, 1000 of it both operations: 200 the crossings, 800 the maps' part.
        assert!(s.contains("(900 ns, less the empty program)"), "{s}");
        assert!(
            s.contains(
                "1000 ns, are 62 % of the dropped packet's own work (1600 ns), of which 200 ns \
                 (12 %) is the two crossings and 800 ns (50 %)"
            ),
            "{s}"
        );
        assert!(s.contains("array_lookup 400 = 100 + 300 (eBPF 2)"), "{s}");
        assert!(s.contains("kwasm call 100 → 50 (-50 %)"), "{s}");
        assert!(
            s.contains("moved by -50 % to +0 % with the same switch"),
            "{s}"
        );
        assert!(
            s.contains("kwasm's hash operations cost 400–600 ns beyond the crossing"),
            "{s}"
        );
    }

    #[test]
    fn results_line_is_found_among_console_noise() {
        let log = "boot\n[  1.0] kernel line\nKWASM-BENCH-JSON: {\"ok\": true}\nKWASM-RC: 0\n";
        assert_eq!(parse_results(log), Some(json!({"ok": true})));
        assert_eq!(parse_results("KWASM-BENCH-JSON: {trunc"), None);
    }
}
