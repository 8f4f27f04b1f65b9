//! Differential tests: random programs compiled by kwasm and run by its userspace executor,
//! compared with the wasmi interpreter (results or trap kind of every exported function, then
//! the exported memory and globals).
//!
//! Two generators: wasm-smith ([`smith`]) and one aimed at the register allocator
//! ([`ragen`]). Each test runs for a few seconds; see [`budget`] for running longer
//! (`KWASM_DIFF_SECONDS`, `KWASM_DIFF_CASES`) and for rerunning a failing seed
//! (`KWASM_DIFF_SEED`). A failing case's module is saved in target/difftest/.

mod args;
mod budget;
mod compare;
mod kwasm_engine;
mod module_info;
mod outcome;
mod ragen;
mod report;
mod smith;
mod wasmi_engine;

use budget::Budget;
use compare::Verdict;
use std::time::Instant;

/// Counts over one test's cases.
#[derive(Default, Debug)]
struct Stats {
    cases: u64,
    /// Cases whose generator made no module (wasm-smith ran out of its bytes).
    not_generated: u64,
    /// Cases the reference engine refused, and the last reason.
    unsupported: u64,
    last_unsupported: Option<String>,
    /// Calls compared (and of them, calls that trapped in both engines), and calls not
    /// compared (out of fuel, stack exhausted).
    compared: u64,
    trapped: u64,
    skipped: u64,
}

/// Runs cases of `generator` until the budget is spent; panics on the first mismatch.
fn run(generator: &str, test: &str, generate: fn(u64) -> Option<Vec<u8>>) -> Stats {
    let budget = Budget::from_env();
    let start = Instant::now();
    let mut stats = Stats::default();
    while budget.allows(stats.cases) {
        let seed = budget.first_seed.wrapping_add(stats.cases);
        stats.cases += 1;
        let Some(wasm) = generate(seed) else {
            stats.not_generated += 1;
            continue;
        };
        if let Err(e) = module_info::validate(&wasm) {
            if generator == "ragen" {
                panic!("{}", report::failure(generator, test, seed, &wasm, &e));
            }
            stats.unsupported += 1;
            stats.last_unsupported = Some(e);
            continue;
        }
        report::save_running(generator, seed, &wasm);
        match compare::run_case(&wasm, seed) {
            Verdict::Agreed(tally) => {
                stats.compared += tally.compared;
                stats.trapped += tally.trapped;
                stats.skipped += tally.skipped;
            }
            Verdict::Unsupported(why) => {
                stats.unsupported += 1;
                stats.last_unsupported = Some(why);
            }
            Verdict::Mismatch(m) => panic!("{}", report::failure(generator, test, seed, &wasm, &m)),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{generator}: {stats:?} from seed {:#x} in {secs:.1}s ({:.0} cases/s)",
        budget.first_seed,
        stats.cases as f64 / secs
    );
    stats
}

/// Fails when so few calls were compared that the test says nothing.
fn assert_meaningful(stats: &Stats) {
    let calls = stats.compared + stats.skipped;
    assert!(
        stats.compared * 4 >= calls && stats.compared > 0,
        "too many calls not compared (fuel or stack limits): {stats:?}"
    );
    assert!(
        stats.unsupported * 2 <= stats.cases,
        "too many modules refused: {stats:?}"
    );
}

#[test]
fn wasm_smith_programs() {
    let stats = run("smith", "wasm_smith_programs", smith::generate);
    assert_meaningful(&stats);
}

#[test]
fn register_pressure_programs() {
    let stats = run("ragen", "register_pressure_programs", |seed| {
        Some(ragen::generate(seed))
    });
    assert_meaningful(&stats);
}

/// Reruns one saved module (a failing case's .wasm or .wat, or a reduced one):
/// `KWASM_DIFF_FILE=target/difftest/x.wasm KWASM_DIFF_SEED=<the case's seed> cargo test -p
/// kwasm-difftest --test differential saved_module -- --ignored` (the seed picks the
/// arguments).
#[test]
#[ignore = "needs KWASM_DIFF_FILE"]
fn saved_module() {
    let path = std::env::var("KWASM_DIFF_FILE").expect("KWASM_DIFF_FILE=<module.wasm>");
    let wasm = wat::parse_file(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    if let Err(e) = module_info::validate(&wasm) {
        panic!("{path}: invalid for kwasm: {e}");
    }
    let seed = Budget::from_env().first_seed;
    match compare::run_case(&wasm, seed) {
        Verdict::Mismatch(m) => panic!("{path} with seed {seed:#x}: {m}"),
        verdict => eprintln!("{path} with seed {seed:#x}: {verdict:?}"),
    }
}

/// Found by these tests in wasmi 2.0.0 (not kwasm): `select` with an `i32.eqz` condition
/// returned its second operand for a true condition. Kept so that the reference stays one
/// without that bug.
#[test]
fn select_of_eqz() {
    let wasm = wat::parse_str(
        r#"(module
          (global $g (mut i64) (i64.const -100))
          (global $out (mut i64) (i64.const 0))
          (export "out" (global $out))
          (func (export "f") (param i64) (local i32)
            global.get $g
            local.get 0
            local.get 1
            i32.eqz
            select
            global.set $out))"#,
    )
    .unwrap();
    match compare::run_case(&wasm, 0) {
        Verdict::Agreed(tally) => assert_eq!(tally.compared, 2),
        other => panic!("{other:?}"),
    }
}

/// Found by `register_pressure_programs` at 8be5457 (introduced by 969ba94, "the memory size
/// lives in r10"): a function entered through `call_indirect` skipped its bounds checks
/// (`call_indirect` left the callee's address in r10, where the code expects the memory size),
/// so its loads and stores reached outside the linear memory. wasmi traps with "out of bounds
/// memory access" in both calls; so does kwasm since the fix.
#[test]
fn bounds_checked_after_call_indirect() {
    let wasm = wat::parse_str(
        r#"(module
          (type $t (func (result f64)))
          (table 2 funcref)
          (elem (i32.const 0) $load $store)
          (memory (export "mem") 1 1)
          (func $load (result f64)
            i32.const 65532
            f64.load)
          (func $store (result f64)
            i32.const 65535
            i32.const 0x41414141
            i32.store
            f64.const 0)
          (func (export "load") (result f64)
            i32.const 0
            call_indirect (type $t))
          (func (export "store") (result f64)
            i32.const 1
            call_indirect (type $t)))"#,
    )
    .unwrap();
    match compare::run_case(&wasm, 0) {
        Verdict::Agreed(tally) => assert_eq!((tally.compared, tally.trapped), (4, 4)),
        other => panic!("{other:?}"),
    }
}
