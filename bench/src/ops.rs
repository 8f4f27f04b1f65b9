//! (d) Per-operation cost: programs that run a loop of [`OPS`] iterations of one operation,
//! test-run with `repeat` on both sides, each sample right after one of its base; an
//! operation's cost is (time of its program − time of the same side's no-op loop) / `OPS`, and a
//! loop iteration's (no-op loop − empty program) / `OPS`. Every program's runs per sample are
//! set from a warm-up round so that a sample takes about the same time (a short stall of the
//! shared host weighs as little on a cheap program's sample as on a dear one's). The eBPF programs are in `bench/bpf/hook.bpf.c` (`op_*`), the kwasm ones are WAT
//! here, with the same maps, `OPS`, key and values.
//!
//! Every round runs every program with lockdep's validation on (as booted) and off
//! (`/proc/sys/kernel/prove_locking` = 0), in alternating order: what lock validation costs
//! each operation (lockdep's tracking of held locks and interrupt state stays on).
//!
//! Every program accepts only if each of its iterations did what it should (a lookup returned
//! 0 and the value the bench stored, a host call on an undeclared map -EBADF, an add or update
//! succeeded), so the verdict of every run is checked; after the runs the counters must equal
//! the number of adds, and the updated value the last one written.

use crate::contender::Prog;
use crate::{ebpf, kwasm, stats, Args, Report};
use kwasm_hooks::map::{MAP_TYPE_ARRAY, MAP_TYPE_HASH, MAP_TYPE_PERCPU_ARRAY, MAP_UPDATE_EXIST};
use kwasm_vmtests::raw::{self, decl, id, nf_wat, Dev};
use kwasm_vmtests::{filters, wasm};
use serde_json::{json, Map as JsonMap, Value};

/// Iterations of every loop (`OPS` in hook.bpf.c).
pub const OPS: u32 = 64;
/// The hash maps' one key, and the value the lookup maps hold (`OP_KEY`, `OP_MAGIC`).
const KEY: u32 = 7;
const MAGIC: u32 = 0x5eed;
const NF_ACCEPT: u32 = 1;
/// What `kwasm.map_*` return for a map the program did not declare.
const EBADF: i32 = -9;

/// One measured program kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// No loop: returns accept (the base of a loop iteration's cost).
    Empty,
    /// The loop alone (the base of every operation's cost).
    Noop,
    /// kwasm: `map_lookup` of an undeclared map id (-EBADF); eBPF: `bpf_get_numa_node_id`.
    Call,
    ArrayLookup,
    HashLookup,
    HashAdd,
    PercpuAdd,
    HashUpdate,
    /// eBPF only: +1 on an array value under its `bpf_spin_lock` (kwasm has no such lock).
    SpinLockAdd,
}

const ALL: [Op; 9] = [
    Op::Empty,
    Op::Noop,
    Op::Call,
    Op::ArrayLookup,
    Op::HashLookup,
    Op::HashAdd,
    Op::PercpuAdd,
    Op::HashUpdate,
    Op::SpinLockAdd,
];

/// A map a program uses: its name (both sides), kwasm type, key and value size, entries.
struct MapUse {
    name: &'static str,
    map_type: u32,
    value_size: u32,
    max_entries: u32,
    key: u32,
}

impl Op {
    /// Its name in the results.
    fn name(self) -> &'static str {
        match self {
            Op::Empty => "empty",
            Op::Noop => "noop_loop",
            Op::Call => "call",
            Op::ArrayLookup => "array_lookup",
            Op::HashLookup => "hash_lookup",
            Op::HashAdd => "hash_add",
            Op::PercpuAdd => "percpu_add",
            Op::HashUpdate => "hash_update",
            Op::SpinLockAdd => "spin_lock_add",
        }
    }

    /// What one operation is, on each side (kwasm, eBPF).
    fn what(self) -> (&'static str, &'static str) {
        match self {
            Op::Empty => ("returns accept", "returns accept"),
            Op::Noop => ("the loop alone", "the loop alone"),
            Op::Call => (
                "`kwasm.map_lookup` of a map id the program did not declare (-EBADF right after \
                 the id's lookup): the crossing from wasm to the host and back",
                "`bpf_get_numa_node_id()`: a helper call the verifier does not inline",
            ),
            Op::ArrayLookup => (
                "`kwasm.map_lookup` on an ARRAY (4-byte key and value): value copied to memory",
                "`bpf_map_lookup_elem` on an ARRAY (4-byte key and value), inlined by the \
                 verifier; the value read",
            ),
            Op::HashLookup => (
                "`kwasm.map_lookup` on a HASH (4-byte key, 8-byte value; the key present)",
                "`bpf_map_lookup_elem` on a HASH (4-byte key, 8-byte value; the key present): a \
                 direct call of `__htab_map_lookup_elem`; the value read",
            ),
            Op::HashAdd => (
                "`kwasm.map_add` +1 on a HASH value (the key present)",
                "`bpf_map_lookup_elem` on a HASH, then `__sync_fetch_and_add(value, 1)`",
            ),
            Op::PercpuAdd => (
                "`kwasm.map_add` +1 on a PERCPU_ARRAY value",
                "`bpf_map_lookup_elem` on a PERCPU_ARRAY (inlined), then \
                 `__sync_fetch_and_add(value, 1)`",
            ),
            Op::HashUpdate => (
                "`kwasm.map_update` of a present HASH key (`MAP_UPDATE_EXIST`)",
                "`bpf_map_update_elem` of a present HASH key (`BPF_EXIST`): takes the bucket's \
                 raw spinlock with interrupts off",
            ),
            Op::SpinLockAdd => (
                "no counterpart",
                "`bpf_map_lookup_elem` on an ARRAY (inlined), then `bpf_spin_lock`, +1, \
                 `bpf_spin_unlock` on the value: interrupts off and on, a bare queued spinlock \
                 (not tracked by lockdep)",
            ),
        }
    }

    fn map(self) -> Option<MapUse> {
        let (name, map_type, value_size, max_entries, key) = match self {
            Op::Empty | Op::Noop | Op::Call => return None,
            Op::ArrayLookup => ("OP_ARRAY", MAP_TYPE_ARRAY, 4, 1, 0),
            Op::HashLookup => ("OP_HASH", MAP_TYPE_HASH, 8, 1024, KEY),
            Op::HashAdd => ("OP_HASH_ADD", MAP_TYPE_HASH, 8, 1024, KEY),
            Op::PercpuAdd => ("OP_PERCPU", MAP_TYPE_PERCPU_ARRAY, 8, 1, 0),
            Op::HashUpdate => ("OP_HASH_UPD", MAP_TYPE_HASH, 8, 1024, KEY),
            Op::SpinLockAdd => ("OP_LOCKED", MAP_TYPE_ARRAY, 8, 1, 0),
        };
        Some(MapUse {
            name,
            map_type,
            value_size,
            max_entries,
            key,
        })
    }

    /// The eBPF program's section name (`netfilter/<it>`).
    fn ebpf_section(self) -> &'static str {
        match self {
            Op::Empty => "empty",
            Op::Noop => "op_noop",
            Op::Call => "op_helper_call",
            Op::ArrayLookup => "op_array_lookup",
            Op::HashLookup => "op_hash_lookup",
            Op::HashAdd => "op_hash_add",
            Op::PercpuAdd => "op_percpu_add",
            Op::HashUpdate => "op_hash_update",
            Op::SpinLockAdd => "op_spin_lock_add",
        }
    }

    /// The kwasm program: a loop of `OPS` iterations, each folding the operation's result
    /// (against the one expected) into `$b` and the i32 at 520 (where lookups copy the value)
    /// into `$c`; accepts if `$b` stayed 0 and `$c` is what the lookups should have read.
    /// `None` for an operation kwasm has no counterpart of.
    fn kwasm_wat(self) -> Option<String> {
        let map = self.map();
        let mid = map.as_ref().map_or(0, |m| id(m.name));
        let (op, expect, sum) = match self {
            Op::Empty => return Some(filters::constant(1)),
            Op::SpinLockAdd => return None,
            // $b |= $b ^ 0: nothing, in the same shape as the others.
            Op::Noop => ("(local.get $b)".to_string(), 0, 0),
            Op::Call => (
                format!(
                    "(call $map_lookup (i32.const {}) (i32.const 512) (i32.const 520))",
                    id("NO_SUCH_MAP")
                ),
                EBADF,
                0,
            ),
            Op::ArrayLookup | Op::HashLookup => (
                format!("(call $map_lookup (i32.const {mid}) (i32.const 512) (i32.const 520))"),
                0,
                OPS.wrapping_mul(MAGIC) as i32,
            ),
            Op::HashAdd | Op::PercpuAdd => (
                format!(
                    "(call $map_add (i32.const {mid}) (i32.const 512) (i32.const 0) (i64.const 1))"
                ),
                0,
                0,
            ),
            // The value written: the iteration, 1..OPS (as the eBPF program's).
            Op::HashUpdate => (
                format!(
                    "(block (result i32)
        (i64.store (i32.const 536) (i64.extend_i32_u (i32.add (local.get $a) (i32.const 1))))
        (call $map_update (i32.const {mid}) (i32.const 512) (i32.const 536) \
                     (i32.const {MAP_UPDATE_EXIST})))"
                ),
                0,
                0,
            ),
        };
        let body = format!(
            r#"
    (i32.store (i32.const 512) (i32.const {key}))
    (i64.store (i32.const 520) (i64.const 0))
    (loop $l
      (local.set $b (i32.or (local.get $b) (i32.xor {op} (i32.const {expect}))))
      (local.set $c (i32.add (local.get $c) (i32.load (i32.const 520))))
      (br_if $l (i32.ne (local.tee $a (i32.add (local.get $a) (i32.const 1))) (i32.const {OPS}))))
    (i32.and (i32.eqz (local.get $b)) (i32.eq (local.get $c) (i32.const {sum})))"#,
            key = map.as_ref().map_or(0, |m| m.key),
        );
        let decls: Vec<_> = map
            .iter()
            .map(|m| decl(m.name, m.map_type, 4, m.value_size, m.max_entries))
            .collect();
        Some(nf_wat(&decls, &body))
    }

    /// What the map holds before the runs: the lookups' value, the counters' and the updated
    /// value's 0 (a per-CPU array starts zeroed).
    fn initial_value(self) -> Option<Vec<u8>> {
        match self {
            Op::ArrayLookup => Some(MAGIC.to_ne_bytes().to_vec()),
            Op::HashLookup => Some(u64::from(MAGIC).to_ne_bytes().to_vec()),
            Op::HashAdd | Op::HashUpdate => Some(0u64.to_ne_bytes().to_vec()),
            _ => None,
        }
    }

    /// The counter in a value as userspace reads it: the `n` after the spin lock, else the u64
    /// at the start, summed over the CPUs' values (each padded to 8 bytes) of a per-CPU map.
    fn counter(self, value: &[u8]) -> u64 {
        let u64_at = |c: &[u8]| u64::from_ne_bytes(c.try_into().expect("8 bytes"));
        match self {
            Op::SpinLockAdd => value.get(4..8).map_or(0, |n| {
                u64::from(u32::from_ne_bytes(n.try_into().expect("4 bytes")))
            }),
            _ => value.chunks_exact(8).map(u64_at).sum(),
        }
    }

    /// The counter of the map's key after `runs` runs: the adds, or the last value written.
    fn final_value(self, runs: u64) -> Option<u64> {
        match self {
            Op::HashAdd | Op::PercpuAdd | Op::SpinLockAdd => Some(u64::from(OPS) * runs),
            Op::HashUpdate => Some(u64::from(OPS)),
            _ => None,
        }
    }
}

/// One program of the section: what it does, on which side, its per-round samples for each
/// lockdep mode (`MODES`), each with the sample of its base taken just before.
struct Entry<'a> {
    op: Op,
    side: &'static str,
    prog: Prog<'a>,
    /// The entry of its base (same side): the loop of nothing, for that loop the empty program.
    base: Option<usize>,
    /// Runs per sample, from the warm-up round.
    repeat: u32,
    samples: [Vec<f64>; 2],
    /// Per round: (the base's ns per run, this program's), taken one right after the other.
    pairs: [Vec<(f64, f64)>; 2],
    runs: u64,
    broken: Option<String>,
}

/// lockdep's validation switch (`CONFIG_PROVE_LOCKING`'s sysctl): with 0, lock acquisitions are
/// still tracked (held locks, interrupt state) but their dependencies are not checked.
const PROVE_LOCKING: &str = "/proc/sys/kernel/prove_locking";
/// The modes measured: the kernel as booted (`prove_locking` = 1), then with it 0.
const MODES: [u32; 2] = [1, 0];
/// Most runs per sample.
const REPEAT_MAX: u32 = 5_000_000;

fn set_prove_locking(value: u32) -> std::io::Result<()> {
    std::fs::write(PROVE_LOCKING, format!("{value}\n"))
}

/// Loads both sides' programs of every operation and sets their maps; what does not load is
/// reported and left out.
fn load<'a>(
    dev: &'a Dev,
    obj: Option<&'a ebpf::Object>,
    report: &mut Report,
    programs: &mut JsonMap<String, Value>,
) -> Vec<Entry<'a>> {
    let mut entries = Vec::new();
    for op in ALL {
        let name = op.name();
        let kwasm = op.kwasm_wat().map(|wat| {
            kwasm::load(dev, name, &wasm(&wat)).map(|prog| {
                let size = prog.code_size;
                let prog = Prog::Kwasm { prog, dev };
                let entry = json!({"side": "kwasm", "code_size": size, "op": op.what().0});
                (prog, entry)
            })
        });
        let section = op.ebpf_section();
        let ebpf = obj
            .ok_or_else(|| "no eBPF object".to_string())
            .and_then(|obj| obj.load(section).map(|prog| (obj, prog)))
            .map(|(obj, prog)| {
                let source = format!("bench/bpf/hook.bpf.c {section}()");
                let entry = json!({"side": "ebpf", "insns": prog.insns, "source": source,
                                   "op": op.what().1});
                (Prog::Ebpf { prog, obj }, entry)
            });
        for (side, loaded) in [("kwasm", kwasm), ("ebpf", Some(ebpf))] {
            let Some(loaded) = loaded else {
                continue;
            };
            let key = format!("{side} {name}");
            let loaded = loaded.and_then(|(prog, entry)| {
                if let (Some(m), Some(v)) = (op.map(), op.initial_value()) {
                    prog.map_update(m.name, &m.key.to_ne_bytes(), &v)?;
                }
                Ok((prog, entry))
            });
            match loaded {
                Ok((prog, entry)) => {
                    programs.insert(key, entry);
                    entries.push(Entry {
                        op,
                        side,
                        prog,
                        base: None,
                        repeat: 1,
                        samples: [Vec::new(), Vec::new()],
                        pairs: [Vec::new(), Vec::new()],
                        runs: 0,
                        broken: None,
                    });
                }
                Err(e) => {
                    programs.insert(key.clone(), json!({"side": side, "error": e}));
                    report.missing(format!("per-op {key}: {e}"));
                }
            }
        }
    }
    for k in 0..entries.len() {
        let base_op = match entries[k].op {
            Op::Empty => continue,
            Op::Noop => Op::Empty,
            _ => Op::Noop,
        };
        let side = entries[k].side;
        entries[k].base = entries
            .iter()
            .position(|e| e.side == side && e.op == base_op);
    }
    entries
}

/// Per round: (program − its base run just before) / `OPS`.
fn per_op(pairs: &[(f64, f64)]) -> Vec<f64> {
    pairs
        .iter()
        .map(|(base, x)| (x - base) / f64::from(OPS))
        .collect()
}

/// One test run of entry `k` with `repeat` runs in lockdep mode `mode` (an index into
/// `MODES`): its mean ns per run, `None` when it failed (the entry is then broken). A wrong
/// verdict is recorded in `bad_verdicts`.
fn run_one(
    e: &mut Entry,
    packet: &[u8],
    repeat: u32,
    mode: usize,
    report: &mut Report,
    bad_verdicts: &mut Vec<String>,
) -> Option<f64> {
    if e.broken.is_some() {
        return None;
    }
    match e.prog.test_run(packet, repeat) {
        Ok(run) => {
            e.runs += u64::from(repeat);
            if run.verdict != NF_ACCEPT || run.trap != 0 {
                bad_verdicts.push(format!(
                    "{} {} (prove_locking {}): verdict {} trap {} (expected accept: every \
                     operation as it should)",
                    e.side,
                    e.op.name(),
                    MODES[mode],
                    run.verdict,
                    run.trap
                ));
            }
            Some(run.ns)
        }
        Err(err) => {
            report.missing(format!("per-op {} {}: {err}", e.side, e.op.name()));
            e.broken = Some(err);
            None
        }
    }
}

/// One round in lockdep mode `mode` (an index into `MODES`): every entry, from entry `first`
/// on, each right after a run of its base; the samples are kept.
fn round(
    entries: &mut [Entry],
    packet: &[u8],
    (mode, first): (usize, usize),
    report: &mut Report,
    bad_verdicts: &mut Vec<String>,
) {
    let n = entries.len();
    for i in 0..n {
        let k = (i + first) % n;
        let base = match entries[k].base {
            Some(b) => {
                let repeat = entries[b].repeat;
                match run_one(&mut entries[b], packet, repeat, mode, report, bad_verdicts) {
                    Some(ns) => Some(ns),
                    None => continue,
                }
            }
            None => None,
        };
        let e = &mut entries[k];
        let repeat = e.repeat;
        if let Some(ns) = run_one(e, packet, repeat, mode, report, bad_verdicts) {
            e.samples[mode].push(ns);
            if let Some(b) = base {
                e.pairs[mode].push((b, ns));
            }
        }
    }
}

/// (d): measures every program in interleaved rounds, with lockdep's validation on (as booted)
/// and off, checks verdicts and counters, and returns the section's JSON.
pub fn measure(args: &Args, dev: &Dev, obj: Option<&ebpf::Object>, report: &mut Report) -> Value {
    let mut programs = JsonMap::new();
    let mut entries = load(dev, obj, report, &mut programs);
    let packet = raw::tcp4([10, 9, 9, 9], 80, 0x02, 0);
    // Both modes when the switch is there and on; else the kernel as it is, alone.
    let booted = std::fs::read_to_string(PROVE_LOCKING).map(|s| s.trim().to_string());
    let modes = match &booted {
        Ok(v) if v == "1" => match set_prove_locking(1) {
            Ok(()) => 2,
            Err(e) => {
                report.missing(format!("per-op: {PROVE_LOCKING} not writable: {e}"));
                1
            }
        },
        other => {
            report.missing(format!(
                "per-op: {PROVE_LOCKING}: {other:?}, measured as it is"
            ));
            1
        }
    };
    println!(
        "per-operation cost: {} rounds of samples of about {} ms (at least {} runs) of loops of \
         {OPS}, {} programs, {modes} lockdep mode(s)",
        args.rounds,
        args.op_sample_ms,
        args.op_repeat,
        entries.len()
    );
    let mut bad_verdicts = Vec::new();
    let mut toggle_trouble = Vec::new();
    // A warm-up round (not kept; its runs count for the counters) also sets each program's
    // runs per sample: about `op_sample_ms` of runs, at least `op_repeat`.
    let warm = (args.op_repeat / 10).max(1);
    for e in entries.iter_mut() {
        if let Some(ns) = run_one(e, &packet, warm, 0, report, &mut bad_verdicts) {
            let want = args.op_sample_ms * 1e6 / ns.max(1.0);
            e.repeat = (want as u32).clamp(args.op_repeat, REPEAT_MAX);
        }
    }
    // The modes' order alternates from round to round.
    for r in 1..=args.rounds {
        for k in 0..modes {
            let mode = (k + r) % modes;
            if modes > 1 {
                if let Err(e) = set_prove_locking(MODES[mode]) {
                    toggle_trouble.push(format!("round {r}: {e}"));
                }
            }
            round(&mut entries, &packet, (mode, r), report, &mut bad_verdicts);
        }
    }
    if modes > 1 {
        if let Err(e) = set_prove_locking(1) {
            toggle_trouble.push(format!("restoring 1: {e}"));
        }
        let detail = if toggle_trouble.is_empty() {
            format!("{PROVE_LOCKING} set to 1 and 0 by turns, 1 again at the end")
        } else {
            toggle_trouble.join("; ")
        };
        report.check("per-op lockdep switch", toggle_trouble.is_empty(), detail);
    }
    let detail = if bad_verdicts.is_empty() {
        format!(
            "every run of every program accepted, no traps: each of the {OPS} iterations of \
             every run did what it should (lookups found the stored value, kwasm's call of an \
             undeclared map gave -EBADF, adds and updates succeeded)"
        )
    } else {
        bad_verdicts.join("; ")
    };
    report.check("per-op verdicts", bad_verdicts.is_empty(), detail);
    check_counters(&entries, report);

    let find = |side: &str, op: Op| {
        entries
            .iter()
            .find(|e| e.side == side && e.op == op && e.broken.is_none())
    };
    let has_base = |e: &Entry| e.base.is_some_and(|b| entries[b].broken.is_none());
    let mut costs = Vec::new();
    let mut ratios = JsonMap::new();
    for (mode, &prove_locking) in MODES.iter().enumerate().take(modes) {
        for op in ALL.into_iter().filter(|&op| op != Op::Empty) {
            let mut medians = JsonMap::new();
            for side in ["kwasm", "ebpf"] {
                let base_op = if op == Op::Noop { Op::Empty } else { Op::Noop };
                let Some(e) = find(side, op).filter(|e| has_base(e)) else {
                    continue;
                };
                let values = per_op(&e.pairs[mode]);
                let mut v = stats::to_json(&values, 1);
                v["op"] = json!(op.name());
                v["side"] = json!(side);
                v["base"] = json!(base_op.name());
                v["prove_locking"] = json!(prove_locking);
                if let Some(m) = v["median"].as_f64() {
                    medians.insert(side.into(), json!(m));
                }
                costs.push(v);
            }
            let median = |side: &str| medians.get(side).and_then(Value::as_f64);
            if let (Some(k), Some(e)) = (median("kwasm"), median("ebpf")) {
                if e > 0.0 {
                    let key = format!("{} prove_locking={prove_locking}", op.name());
                    ratios.insert(key, json!(stats::round(k / e, 2)));
                }
            }
        }
    }
    let mut series = Vec::new();
    for e in &entries {
        for (mode, &prove_locking) in MODES.iter().enumerate().take(modes) {
            let mut v = stats::to_json(&e.samples[mode], 1);
            v["op"] = json!(e.op.name());
            v["side"] = json!(e.side);
            v["prove_locking"] = json!(prove_locking);
            v["repeat"] = json!(e.repeat);
            if let Some(err) = &e.broken {
                v["error"] = json!(err);
            }
            series.push(v);
        }
    }
    print_table(&costs, &ratios);
    json!({
        "ops": OPS,
        "repeat_min": args.op_repeat,
        "sample_ms": args.op_sample_ms,
        "rounds": args.rounds,
        "prove_locking_modes": &MODES[..modes],
        "programs": programs,
        "what": ALL.iter().map(|op| {
            let (k, e) = op.what();
            (op.name().to_string(), json!({"kwasm": k, "ebpf": e}))
        }).collect::<JsonMap<String, Value>>(),
        "series_ns_per_run": series,
        "ns_per_op": costs,
        "ratios": ratios,
    })
}

/// After the runs: the added counters equal `OPS` × the program's runs (warm-up included, per-CPU
/// values summed), the updated value is the last one written.
fn check_counters(entries: &[Entry], report: &mut Report) {
    let mut counts = Vec::new();
    let mut counts_ok = true;
    for e in entries.iter().filter(|e| e.broken.is_none()) {
        let (Some(m), Some(want)) = (e.op.map(), e.op.final_value(e.runs)) else {
            continue;
        };
        let got = e
            .prog
            .map_value(m.name, &m.key.to_ne_bytes())
            .map(|v| v.map(|v| e.op.counter(&v)));
        let ok = matches!(got, Ok(Some(n)) if n == want);
        counts_ok &= ok;
        let got = match got {
            Ok(Some(n)) => n.to_string(),
            Ok(None) => "none".into(),
            Err(err) => format!("error: {err}"),
        };
        counts.push(format!(
            "{} {} {}[{}] = {got} (expected {want})",
            e.side,
            e.op.name(),
            m.name,
            m.key
        ));
    }
    let detail = format!(
        "{} (adds: {OPS} per run over all runs, per-CPU values summed; update: the last value \
         written, {OPS}; spin_lock_add: the value's `n`)",
        counts.join("; ")
    );
    report.check(
        "per-op map counters",
        counts_ok && !counts.is_empty(),
        detail,
    );
}

fn print_table(costs: &[Value], ratios: &JsonMap<String, Value>) {
    println!("ns per operation (per round: (program - base) / {OPS}; median [min .. max])");
    for v in costs {
        let op = v["op"].as_str().unwrap_or("?");
        println!(
            "  {op:<18} {:<6} prove_locking={} {:>8} [{} .. {}]  base {}",
            v["side"].as_str().unwrap_or("?"),
            v["prove_locking"],
            v["median"],
            v["min"],
            v["max"],
            v["base"].as_str().unwrap_or("?"),
        );
    }
    for (op, r) in ratios {
        println!("  {op:<32} kwasm/ebpf {r}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kwasm_program_is_valid_wasm_with_its_map() {
        for op in ALL {
            let Some(wat) = op.kwasm_wat() else {
                assert_eq!(op, Op::SpinLockAdd);
                continue;
            };
            assert!(!wasm(&wat).is_empty(), "{}", op.name());
            if let Some(m) = op.map() {
                assert!(
                    wat.contains(&format!("(i32.const {})", id(m.name))),
                    "{}",
                    op.name()
                );
            }
        }
    }
}
