//! `kwasm-bench-hook`: kwasm netfilter programs against eBPF programs doing the same work, side
//! by side in one process inside the test VM (`cargo xtask bench hook` builds it, boots the VM,
//! runs it and keeps the results).
//!
//! (a) ns per invocation of the port filter through each side's test run (`repeat` runs per
//!     sample) on a TCP SYN to the filtered port (dropped, counted) and one to another port;
//! (b) MB/s of a loopback TCP stream with no filter, the eBPF filter and the kwasm filter(s)
//!     attached at IPv4 LOCAL_IN;
//! (c) ns per invocation of an empty program on each side (the fixed cost of entering it);
//! (d) ns per operation: loops of one operation (a host or helper call, map lookups, adds and
//!     updates) against a loop of nothing, on both sides (`ops.rs`).
//!
//! Rounds interleave the contenders (the order rotates every round) and each series reports
//! median, min and max. Verdicts and map counts of both sides are checked against each other;
//! any disagreement fails the run. The results go to stdout as a table and one
//! `KWASM-BENCH-JSON: ` line.

mod btf;
mod contender;
mod ebpf;
mod kwasm;
mod ops;
mod stats;
mod stream;

use contender::{Contender, Prog, PRIORITY};
use kwasm_hooks::attr::SelftestAttr;
use kwasm_hooks::ioctl::KWASM_IOC_VERSION;
use kwasm_vmtests::raw::{self, Dev};
use kwasm_vmtests::{filters, wasm};
use serde_json::{json, Map as JsonMap, Value};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Source of the packets the port filter drops (and counts) and of those it accepts.
const DROP_SRC: [u8; 4] = [10, 1, 2, 3];
const PASS_SRC: [u8; 4] = [10, 9, 9, 9];
const LOOPBACK: [u8; 4] = [127, 0, 0, 1];
/// Bytes per write of the stream's sender.
const BUFFER: usize = 64 << 10;
/// How long the live drop check waits for a connection the filter must stop.
const CONNECT_WAIT: Duration = Duration::from_millis(300);

struct Args {
    bpf: PathBuf,
    guest: Option<PathBuf>,
    rounds: usize,
    repeat: u32,
    /// Least runs per sample of the per-operation loops (each run is `ops::OPS` operations).
    op_repeat: u32,
    /// Time a per-operation sample aims at: its runs are set from the warm-up round.
    op_sample_ms: f64,
    stream_rounds: usize,
    stream_secs: f64,
    drop_port: u16,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        bpf: PathBuf::from("/bench/hook.bpf.o"),
        guest: None,
        rounds: 7,
        repeat: 100_000,
        op_repeat: 1_000,
        op_sample_ms: 400.0,
        stream_rounds: 7,
        stream_secs: 3.0,
        drop_port: 9,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let bad = |e: &dyn std::fmt::Display| format!("{flag}: {e}");
        match flag.as_str() {
            "--bpf" => a.bpf = value()?.into(),
            "--guest" => a.guest = Some(value()?.into()),
            "--rounds" => a.rounds = value()?.parse().map_err(|e| bad(&e))?,
            "--repeat" => a.repeat = value()?.parse().map_err(|e| bad(&e))?,
            "--op-repeat" => a.op_repeat = value()?.parse().map_err(|e| bad(&e))?,
            "--op-sample-ms" => a.op_sample_ms = value()?.parse().map_err(|e| bad(&e))?,
            "--stream-rounds" => a.stream_rounds = value()?.parse().map_err(|e| bad(&e))?,
            "--stream-secs" => a.stream_secs = value()?.parse().map_err(|e| bad(&e))?,
            "--drop-port" => a.drop_port = value()?.parse().map_err(|e| bad(&e))?,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok(a)
}

/// What the run found, for the JSON and the exit status.
#[derive(Default)]
struct Report {
    checks: Vec<Value>,
    errors: Vec<String>,
    failed: bool,
    incomplete: bool,
}

impl Report {
    fn check(&mut self, name: &str, ok: bool, detail: String) {
        println!(
            "check: {} {name}: {detail}",
            if ok { "ok  " } else { "FAIL" }
        );
        self.failed |= !ok;
        self.checks
            .push(json!({ "name": name, "ok": ok, "detail": detail }));
    }

    /// A part that could not run (not a disagreement): reported, the rest goes on.
    fn missing(&mut self, what: String) {
        println!("missing: {what}");
        self.incomplete = true;
        self.errors.push(what);
    }
}

/// A map count for the reader: the number, "none" (absent) or the error.
fn count(c: &Result<Option<u64>, String>) -> String {
    match c {
        Ok(Some(n)) => n.to_string(),
        Ok(None) => "none".into(),
        Err(e) => format!("error: {e}"),
    }
}

fn env_json(report: &mut Report) -> Value {
    let read = |p: &str| {
        std::fs::read_to_string(p)
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|e| format!("unreadable: {e}"))
    };
    let jit = read("/proc/sys/net/core/bpf_jit_enable");
    report.check(
        "bpf JIT on",
        jit == "1" || jit == "2",
        format!("/proc/sys/net/core/bpf_jit_enable = {jit}"),
    );
    json!({
        "kernel": read("/proc/sys/kernel/osrelease"),
        "bpf_jit_enable": jit,
        "bpf_jit_harden": read("/proc/sys/net/core/bpf_jit_harden"),
        "cpus": std::thread::available_parallelism().map_or(0, |n| n.get()),
    })
}

/// Loads the contenders: the port filters (eBPF, the Rust guest, the WAT filter) and the empty
/// programs (eBPF, WAT). What does not load is reported and left out.
fn load<'a>(
    args: &Args,
    dev: &'a Dev,
    obj: Option<&'a ebpf::Object>,
    report: &mut Report,
    programs: &mut JsonMap<String, Value>,
) -> (Vec<Contender<'a>>, Vec<Contender<'a>>) {
    // `key`: the program's entry in the results; `name`: the contender's name in its series.
    let mut ebpf = |key: &str, name: &'static str, section: &str| {
        let loaded = obj
            .ok_or_else(|| "no eBPF object".to_string())
            .and_then(|o| o.load(section).map(|prog| (o, prog)));
        match loaded {
            Ok((obj, prog)) => {
                let source = format!("bench/bpf/hook.bpf.c {section}()");
                let entry = json!({"side": "ebpf", "source": source, "insns": prog.insns});
                programs.insert(key.into(), entry);
                Some(Contender {
                    name,
                    prog: Prog::Ebpf { prog, obj },
                })
            }
            Err(e) => {
                programs.insert(key.into(), json!({"side": "ebpf", "error": e}));
                report.missing(format!("{key}: {e}"));
                None
            }
        }
    };
    let ebpf_filter = ebpf("ebpf port_filter", "ebpf", "port_filter");
    let ebpf_empty = ebpf("ebpf empty", "ebpf", "empty");
    let mut kwasm =
        |key: &str, name: &'static str, source: &str, bytes: Result<Vec<u8>, String>| match bytes
            .and_then(|b| kwasm::load(dev, name, &b))
        {
            Ok(prog) => {
                let entry = json!({"side": "kwasm", "source": source, "code_size": prog.code_size});
                programs.insert(key.into(), entry);
                Some(Contender {
                    name,
                    prog: Prog::Kwasm { prog, dev },
                })
            }
            Err(e) => {
                let entry = json!({"side": "kwasm", "source": source, "error": e});
                programs.insert(key.into(), entry);
                report.missing(format!("{key}: {e}"));
                None
            }
        };
    let kwasm_rust = args.guest.as_ref().and_then(|p| {
        let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        let source = "examples/port-filter/guest (Rust, kwasm-guest SDK)";
        kwasm("kwasm-rust port_filter", "kwasm-rust", source, bytes)
    });
    let wat_filter = Ok(wasm(&filters::port_filter()));
    let kwasm_wat = kwasm(
        "kwasm-wat port_filter",
        "kwasm-wat",
        "vmtests/src/filters.rs port_filter() (WAT)",
        wat_filter,
    );
    let wat_empty = Ok(wasm(&filters::constant(1)));
    let kwasm_empty = kwasm(
        "kwasm empty",
        "kwasm",
        "vmtests/src/filters.rs constant(1) (WAT)",
        wat_empty,
    );
    let filters: Vec<Contender> = [ebpf_filter, kwasm_rust, kwasm_wat]
        .into_iter()
        .flatten()
        .collect();
    let empties = [ebpf_empty, kwasm_empty].into_iter().flatten().collect();
    (filters, empties)
}

/// One test-run case: its name, the packet, the verdict every run must give, who runs it.
struct Case<'c, 'a> {
    name: &'static str,
    packet: Vec<u8>,
    verdict: u32,
    contenders: &'c [Contender<'a>],
}

/// One measured series: per-round samples of one contender in one case.
struct Series {
    case: usize,
    contender: usize,
    samples: Vec<f64>,
    broken: Option<String>,
}

/// (a) and (c): every contender's test run of every case, rounds interleaved; checks verdicts
/// and the drop counts. The series as JSON; the ratios go to `ratios`.
fn test_runs(
    args: &Args,
    filters: &[Contender],
    empties: &[Contender],
    report: &mut Report,
    ratios: &mut JsonMap<String, Value>,
) -> Vec<Value> {
    let cases = [
        Case {
            name: "port_filter_drop",
            packet: raw::tcp4(DROP_SRC, args.drop_port, 0x02, 0),
            verdict: 0,
            contenders: filters,
        },
        Case {
            name: "port_filter_accept",
            packet: raw::tcp4(PASS_SRC, args.drop_port + 1, 0x02, 0),
            verdict: 1,
            contenders: filters,
        },
        Case {
            name: "empty",
            packet: raw::tcp4(PASS_SRC, args.drop_port + 1, 0x02, 0),
            verdict: 1,
            contenders: empties,
        },
    ];
    let mut series: Vec<Series> = Vec::new();
    for (case, c) in cases.iter().enumerate() {
        for contender in 0..c.contenders.len() {
            let (samples, broken) = (Vec::new(), None);
            series.push(Series {
                case,
                contender,
                samples,
                broken,
            });
        }
    }
    println!(
        "test runs: {} rounds of {} runs per sample, {} series",
        args.rounds,
        args.repeat,
        series.len()
    );
    let mut drop_runs = vec![0u64; filters.len()];
    let mut bad_verdicts: Vec<String> = Vec::new();
    // Round 0 is a warm-up (caches, first-run costs): its samples are not kept.
    for round in 0..=args.rounds {
        let repeat = if round == 0 {
            (args.repeat / 10).max(1)
        } else {
            args.repeat
        };
        let n = series.len();
        for i in 0..n {
            let s = &mut series[(i + round) % n];
            let case = &cases[s.case];
            let c = &case.contenders[s.contender];
            if s.broken.is_some() {
                continue;
            }
            match c.prog.test_run(&case.packet, repeat) {
                Ok(run) => {
                    if run.verdict != case.verdict || run.trap != 0 {
                        bad_verdicts.push(format!(
                            "{}/{}: verdict {} trap {} (expected verdict {})",
                            case.name, c.name, run.verdict, run.trap, case.verdict
                        ));
                    }
                    if case.name == "port_filter_drop" {
                        drop_runs[s.contender] += u64::from(repeat);
                    }
                    if round > 0 {
                        s.samples.push(run.ns);
                    }
                }
                Err(e) => {
                    report.missing(format!("{}/{}: {e}", case.name, c.name));
                    s.broken = Some(e);
                }
            }
        }
    }
    let detail = if bad_verdicts.is_empty() {
        "every run of every contender: drop for the SYN to the port, accept otherwise, no traps"
            .to_string()
    } else {
        bad_verdicts.join("; ")
    };
    report.check("test-run verdicts", bad_verdicts.is_empty(), detail);
    for (k, f) in filters.iter().enumerate() {
        let got = (f.prog.drops(DROP_SRC), f.prog.drops(PASS_SRC));
        let ok = matches!(got, (Ok(Some(n)), Ok(None)) if n == drop_runs[k]);
        let detail = format!(
            "DROPS[10.1.2.3] = {} (expected {}, the dropped runs), DROPS[10.9.9.9] = {} \
             (expected none)",
            count(&got.0),
            drop_runs[k],
            count(&got.1)
        );
        report.check(&format!("{} DROPS after the test runs", f.name), ok, detail);
    }

    let median = |case: usize, name: &str| {
        series
            .iter()
            .find(|s| s.case == case && cases[case].contenders[s.contender].name == name)
            .map(|s| stats::median(&s.samples))
            .filter(|m| m.is_finite())
    };
    for (k, case) in cases.iter().enumerate() {
        for c in case.contenders.iter().filter(|c| c.name != "ebpf") {
            if let (Some(x), Some(e)) = (median(k, c.name), median(k, "ebpf")) {
                let key = format!("test_run {}: {}/ebpf", case.name, c.name);
                ratios.insert(key, json!(stats::round(x / e, 3)));
            }
        }
    }
    series
        .iter()
        .map(|s| {
            let mut v = stats::to_json(&s.samples, 1);
            v["case"] = json!(cases[s.case].name);
            v["contender"] = json!(cases[s.case].contenders[s.contender].name);
            if let Some(e) = &s.broken {
                v["error"] = json!(e);
            }
            v
        })
        .collect()
}

/// (b): the loopback stream with no filter and with each filter attached at LOCAL_IN, rounds
/// interleaved; checks that the filters saw the stream and dropped none of it.
fn streams(
    args: &Args,
    filters: &[Contender],
    report: &mut Report,
    ratios: &mut JsonMap<String, Value>,
) -> Vec<Value> {
    println!(
        "stream: {} rounds of {} s per contender, {BUFFER}-byte writes",
        args.stream_rounds, args.stream_secs
    );
    let duration = Duration::from_secs_f64(args.stream_secs);
    // Index 0: no filter; k + 1: filters[k].
    let n = filters.len() + 1;
    let name = |k: usize| if k == 0 { "none" } else { filters[k - 1].name };
    let mut mbps: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut hook_runs: Vec<Vec<u64>> = vec![Vec::new(); n];
    let mut broken: Vec<Option<String>> = vec![None; n];
    let mut link_trouble: Vec<String> = Vec::new();
    if let Err(e) = stream::run(Duration::from_secs(1), BUFFER) {
        report.missing(format!("stream warm-up: {e}"));
    }
    for round in 0..args.stream_rounds {
        for i in 0..n {
            let k = (i + round) % n;
            if broken[k].is_some() {
                continue;
            }
            let filter = k.checked_sub(1).map(|f| &filters[f]);
            let link = match filter.map(|f| f.prog.attach()).transpose() {
                Ok(link) => link,
                Err(e) => {
                    report.missing(format!("stream/{}: {e}", name(k)));
                    broken[k] = Some(e);
                    continue;
                }
            };
            match stream::run(duration, BUFFER) {
                Ok(s) => mbps[k].push(s.mb_per_s()),
                Err(e) => {
                    report.missing(format!("stream/{}: {e}", name(k)));
                    broken[k] = Some(e.to_string());
                }
            }
            let info = filter.zip(link.as_ref());
            if let Some(info) = info.and_then(|(f, link)| f.prog.kwasm_link_info(link)) {
                hook_runs[k].push(info.runs);
                let traps: u64 = info.traps.iter().sum();
                if info.runs == 0 || info.dropped != 0 || traps != 0 || info.bad_verdicts != 0 {
                    link_trouble.push(format!(
                        "{} round {round}: runs {} accepted {} dropped {} traps {traps} \
                         bad verdicts {} skipped {}",
                        name(k),
                        info.runs,
                        info.accepted,
                        info.dropped,
                        info.bad_verdicts,
                        info.skipped
                    ));
                }
            }
        }
    }
    let detail = if link_trouble.is_empty() {
        "every packet of the stream ran the program and was accepted, no traps".to_string()
    } else {
        link_trouble.join("; ")
    };
    report.check(
        "kwasm links during the stream",
        link_trouble.is_empty(),
        detail,
    );
    for f in filters {
        let got = f.prog.drops(LOOPBACK);
        let detail = format!("DROPS[127.0.0.1] = {} (expected none)", count(&got));
        let name = format!("{} dropped nothing of the stream", f.name);
        report.check(&name, matches!(got, Ok(None)), detail);
    }

    let median = |want: &str| {
        (0..n)
            .find(|&k| name(k) == want)
            .map(|k| stats::median(&mbps[k]))
            .filter(|m| m.is_finite())
    };
    for f in filters {
        if let (Some(x), Some(none)) = (median(f.name), median("none")) {
            let key = format!("stream {}/none", f.name);
            ratios.insert(key, json!(stats::round(x / none, 3)));
        }
        if f.name != "ebpf" {
            if let (Some(x), Some(e)) = (median(f.name), median("ebpf")) {
                let key = format!("stream {}/ebpf", f.name);
                ratios.insert(key, json!(stats::round(x / e, 3)));
            }
        }
    }
    (0..n)
        .map(|k| {
            let mut v = stats::to_json(&mbps[k], 1);
            v["filter"] = json!(name(k));
            if !hook_runs[k].is_empty() {
                v["hook_runs_per_round"] = json!(hook_runs[k]);
            }
            if let Some(e) = &broken[k] {
                v["error"] = json!(e);
            }
            v
        })
        .collect()
}

/// Live: each filter, attached and configured for a listening port, stops a connect to it and
/// counts it; every side must count the same.
fn live_drop(args: &Args, filters: &[Contender], report: &mut Report) -> JsonMap<String, Value> {
    let mut live = JsonMap::new();
    for f in filters {
        let result = (|| -> Result<(bool, Option<u64>), String> {
            let listener = stream::listener().map_err(|e| e.to_string())?;
            let port = listener.local_addr().map_err(|e| e.to_string())?.port();
            f.prog.set_port(port)?;
            let link = f.prog.attach()?;
            let connected = stream::connects(&listener, CONNECT_WAIT).map_err(|e| e.to_string());
            drop(link);
            f.prog.set_port(args.drop_port)?;
            Ok((connected?, f.prog.drops(LOOPBACK)?))
        })();
        match result {
            Ok((connected, drops)) => {
                live.insert(
                    f.name.into(),
                    json!({"connected": connected, "drops": drops}),
                );
            }
            Err(e) => report.missing(format!("live drop/{}: {e}", f.name)),
        }
    }
    let counts: Vec<&Value> = live.values().map(|v| &v["drops"]).collect();
    let ok = !live.is_empty()
        && live.values().all(|v| v["connected"] == false)
        && counts
            .iter()
            .all(|c| c.as_u64().is_some_and(|n| n >= 1) && *c == counts[0]);
    let detail = format!(
        "a connect to the port each filter is configured for (connected, DROPS[127.0.0.1]): {}",
        Value::Object(live.clone())
    );
    report.check("live drop at LOCAL_IN", ok, detail);
    live
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("kwasm-bench-hook: {e}");
            return ExitCode::from(2);
        }
    };
    let mut report = Report::default();
    let env = env_json(&mut report);
    let dev = Dev::open();
    let abi = dev
        .call(KWASM_IOC_VERSION, &mut raw::sized::<SelftestAttr>())
        .ok();
    println!("kwasm ABI version {abi:?}, environment {env}");

    let obj = std::fs::read(&args.bpf)
        .map_err(|e| format!("{}: {e}", args.bpf.display()))
        .and_then(ebpf::Object::open)
        .map_err(|e| report.missing(format!("eBPF object: {e}")))
        .ok();
    let mut programs = JsonMap::new();
    let (filters, empties) = load(&args, &dev, obj.as_ref(), &mut report, &mut programs);
    for f in &filters {
        if let Err(e) = f.prog.set_port(args.drop_port) {
            report.missing(format!("{}: {e}", f.name));
        }
    }
    let mut ratios = JsonMap::new();
    let test_run = test_runs(&args, &filters, &empties, &mut report, &mut ratios);
    let per_op = ops::measure(&args, &dev, obj.as_ref(), &mut report);
    let stream = streams(&args, &filters, &mut report, &mut ratios);
    let live = live_drop(&args, &filters, &mut report);

    print_table(&test_run, &stream, &ratios, &args);
    let out = json!({
        "env": env,
        "kwasm_abi": abi,
        "params": {
            "rounds": args.rounds,
            "repeat": args.repeat,
            "op_repeat": args.op_repeat,
            "op_sample_ms": args.op_sample_ms,
            "stream_rounds": args.stream_rounds,
            "stream_secs": args.stream_secs,
            "stream_buffer": BUFFER,
            "drop_port": args.drop_port,
            "priority": PRIORITY,
        },
        "programs": programs,
        "test_run_ns": test_run,
        "per_op": per_op,
        "stream_mb_per_s": stream,
        "live_drop": live,
        "ratios": ratios,
        "checks": report.checks,
        "errors": report.errors,
        "complete": !report.incomplete,
        "ok": !report.failed,
    });
    // One line: xtask reads it back from the console log.
    println!("KWASM-BENCH-JSON: {out}");
    if report.failed {
        ExitCode::from(1)
    } else if report.incomplete {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_table(test_run: &[Value], stream: &[Value], ratios: &JsonMap<String, Value>, args: &Args) {
    println!();
    println!(
        "ns per invocation (test run; median [min .. max] of {} rounds of {} runs)",
        args.rounds, args.repeat
    );
    for v in test_run {
        println!(
            "  {:<20} {:<12} {:>9} [{} .. {}]{}",
            v["case"].as_str().unwrap_or("?"),
            v["contender"].as_str().unwrap_or("?"),
            v["median"],
            v["min"],
            v["max"],
            v.get("error")
                .map_or(String::new(), |e| format!("  error: {e}"))
        );
    }
    println!(
        "loopback TCP stream, MB/s (median [min .. max] of {} rounds of {} s)",
        args.stream_rounds, args.stream_secs
    );
    for v in stream {
        println!(
            "  {:<12} {:>9} [{} .. {}]{}",
            v["filter"].as_str().unwrap_or("?"),
            v["median"],
            v["min"],
            v["max"],
            v.get("error")
                .map_or(String::new(), |e| format!("  error: {e}"))
        );
    }
    println!("ratios (of medians)");
    for (k, v) in ratios {
        println!("  {k:<44} {v}");
    }
    println!();
}
