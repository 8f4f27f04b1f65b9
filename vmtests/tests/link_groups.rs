//! Programs that import from each other form a link group: one lock per group, taken once when
//! the host starts a run, never nested. These tests are the cycles the earlier per-program locks
//! deadlocked on, memory growth inside nested activations, and the group's lifetime (freed when
//! nothing refers to it, also after failed loads and many load/unload cycles).

use kwasm::hooks::trap::*;
use kwasm::{Device, LoadOptions, Program};
use kwasm_vmtests::{one_at_a_time, require_vm, wasm};
use std::sync::{mpsc, Arc, MutexGuard};
use std::time::{Duration, Instant};

fn device() -> (Device, MutexGuard<'static, ()>) {
    require_vm();
    let serial = one_at_a_time();
    (Device::open().expect("open /dev/kwasm"), serial)
}

fn load(name: &str, wat: &str) -> Program {
    LoadOptions::new()
        .name(name)
        .load_bytes(&wasm(wat))
        .unwrap_or_else(|e| panic!("load {name}: {e}"))
}

/// Runs `f` on a thread and fails the test if it has not finished after `secs` (a task stuck in
/// the kernel never comes back: the test must say so rather than hang).
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("{what}: still blocked after {secs} s (deadlock)"))
}

/// Ids listed in debugfs.
fn listed_ids() -> Vec<u32> {
    std::fs::read_to_string("/sys/kernel/debug/kwasm/programs")
        .unwrap()
        .lines()
        .filter_map(|l| l.split(' ').next()?.parse().ok())
        .collect()
}

fn wait_gone(ids: &[u32]) {
    let start = Instant::now();
    loop {
        let listed = listed_ids();
        let left: Vec<_> = ids.iter().filter(|id| listed.contains(id)).collect();
        if left.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "programs {left:?} outlived every reference"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// S exports a table and `f` (calls T[0]); N imports `s.f` and exports `run` (calls it) and `g`;
/// I imports S's table and `n.g`, and puts `h` (calls `n.g`) in T[0]. `n.run` reaches N again
/// through S and I: with per-program locks it blocked on its own lock for good.
#[test]
fn a_run_that_comes_back_to_its_own_program_through_a_shared_table_completes() {
    let (dev, _serial) = device();
    let s = load(
        "s",
        r#"(module (table (export "t") 1 funcref)
        (type $v (func (result i64)))
        (func (export "f") (result i64) (call_indirect (type $v) (i32.const 0))))"#,
    );
    s.register("grp_s").unwrap();
    let n = load(
        "n",
        r#"(module (import "grp_s" "f" (func $f (result i64)))
        (func (export "run") (result i64) (i64.add (call $f) (i64.const 1)))
        (func (export "g") (result i64) (i64.const 41)))"#,
    );
    n.register("grp_n").unwrap();
    let i = load(
        "i",
        r#"(module (import "grp_s" "t" (table 1 funcref))
        (import "grp_n" "g" (func $g (result i64)))
        (func $h (result i64) (call $g))
        (elem (i32.const 0) $h))"#,
    );
    let n = Arc::new(n);
    let runner = n.clone();
    let r = within(20, "n.run", move || {
        runner.test_run("run", &[], 1, 1, 0).unwrap()
    });
    assert_eq!((r.trap, r.results), (TRAP_NONE, vec![42]));
    dev.unregister("grp_s").unwrap();
    dev.unregister("grp_n").unwrap();
    drop((s, n, i));
}

/// A holds its lock and calls shared S0 (which needed the share lock) while B holds the share
/// lock in a shared program and calls `A.h` (which needed A's lock): two tasks, each waiting for
/// the other. In one group both runs take the same lock, one after the other.
#[test]
fn two_tasks_calling_across_a_shared_table_both_way_finish() {
    let (dev, _serial) = device();
    let s0 = load(
        "s0",
        r#"(module (table (export "t") 1 funcref)
        (func (export "f") (result i64) (i64.const 1)))"#,
    );
    s0.register("grp_s0").unwrap();
    let a = load(
        "a",
        r#"(module (import "grp_s0" "f" (func $f (result i64)))
        (func (export "h") (result i64) (i64.const 2))
        (func (export "run") (param i64) (result i64) (local i64)
          (block $d (loop $l (br_if $d (i64.eqz (local.get 0)))
            (local.set 1 (i64.add (local.get 1) (call $f)))
            (local.set 0 (i64.sub (local.get 0) (i64.const 1))) (br $l)))
          (local.get 1)))"#,
    );
    a.register("grp_a").unwrap();
    let b = load(
        "b",
        r#"(module (import "grp_s0" "t" (table 1 funcref))
        (import "grp_a" "h" (func $h (result i64)))
        (func (export "run") (param i64) (result i64) (local i64)
          (block $d (loop $l (br_if $d (i64.eqz (local.get 0)))
            (local.set 1 (i64.add (local.get 1) (call $h)))
            (local.set 0 (i64.sub (local.get 0) (i64.const 1))) (br $l)))
          (local.get 1)))"#,
    );
    let mut tasks = Vec::new();
    let (a, b) = (Arc::new(a), Arc::new(b));
    for (p, per_call) in [(a.clone(), 1), (b.clone(), 2)] {
        tasks.push(std::thread::spawn(move || {
            for _ in 0..200 {
                let r = p.test_run("run", &[2000], 1, 1, 0).unwrap();
                assert_eq!((r.trap, r.results), (TRAP_NONE, vec![2000 * per_call]));
            }
        }));
    }
    within(60, "a.run and b.run in two tasks", move || {
        tasks.into_iter().for_each(|t| t.join().unwrap())
    });
    dev.unregister("grp_s0").unwrap();
    dev.unregister("grp_a").unwrap();
    drop((s0, a, b));
}

/// E's `f` calls T[0] = I's `h`, which calls T[1] = E's `g`: a second activation of E, on a
/// stack of its own. `g` grows the memory and then recurses deeply: the stack limit must stay
/// the nested stack's (growing the memory once reset it to the main stack's, and the recursion
/// ran off the nested stack into whatever vmalloc had next to it).
#[test]
fn memory_growth_inside_a_nested_activation_keeps_its_stack_limit() {
    let (dev, _serial) = device();
    let e = load(
        "e",
        r#"(module (table (export "t") 2 funcref) (memory 1)
        (type $t (func (param i32) (result i32)))
        (func $rec (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
            (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1)))))))
        (func $g (param i32) (result i32) (drop (memory.grow (i32.const 0))) (call $rec (local.get 0)))
        (elem (i32.const 1) $g)
        (func (export "f") (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 0))))"#,
    );
    e.register("grp_e").unwrap();
    let i = load(
        "i",
        r#"(module (import "grp_e" "t" (table 2 funcref))
        (type $t (func (param i32) (result i32)))
        (func $h (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 1)))
        (elem (i32.const 0) $h))"#,
    );
    let r = e.test_run("f", &[100], 1, 1, 0).unwrap();
    assert_eq!((r.trap, r.results), (TRAP_NONE, vec![100]));
    let r = e.test_run("f", &[1_000_000], 1, 1, 0).unwrap();
    assert_eq!(
        r.trap, TRAP_STACK_EXHAUSTED,
        "deep recursion in the nested activation"
    );
    // The outer activation's own limit is back afterwards: it still works.
    let r = e.test_run("f", &[1000], 1, 1, 0).unwrap();
    assert_eq!((r.trap, r.results), (TRAP_NONE, vec![1000]));
    dev.unregister("grp_e").unwrap();
    drop((e, i));
}

const TABLE_OWNER: &str = r#"(module (table (export "t") 2 funcref) (memory (export "m") 1)
    (type $v (func (result i64)))
    (func (export "call0") (result i64) (call_indirect (type $v) (i32.const 0))))"#;

/// I puts its function in S's table (and uses S's memory); once every fd and name is gone, both
/// programs are freed (they used to stay pinned until the module unloaded).
#[test]
fn programs_sharing_a_table_are_freed_when_nothing_refers_to_them() {
    let (dev, _serial) = device();
    let s = load("owner", TABLE_OWNER);
    s.register("grp_owner").unwrap();
    let i = load(
        "user",
        r#"(module (import "grp_owner" "t" (table 2 funcref))
        (import "grp_owner" "m" (memory 1))
        (func $h (result i64) (i64.load (i32.const 0)))
        (func (export "put") (i64.store (i32.const 0) (i64.const 7)))
        (elem (i32.const 0) $h))"#,
    );
    assert_eq!(i.test_run("put", &[], 1, 1, 0).unwrap().trap, TRAP_NONE);
    assert_eq!(s.test_run("call0", &[], 1, 1, 0).unwrap().results, vec![7]);
    let ids = [s.info().unwrap().id, i.info().unwrap().id];
    // S's table still holds I's function: I stays while S is referenced, even without an fd.
    drop(i);
    assert_eq!(s.test_run("call0", &[], 1, 1, 0).unwrap().results, vec![7]);
    assert!(
        listed_ids().contains(&ids[1]),
        "a program kept by its group is still listed"
    );
    drop(s);
    assert!(
        listed_ids().contains(&ids[0]),
        "the registered name keeps the group"
    );
    dev.unregister("grp_owner").unwrap();
    wait_gone(&ids);
}

/// A load that fails after its elem segment went into a shared table (the start function traps)
/// leaves nothing behind once the table's owner goes; the owner keeps working meanwhile.
#[test]
fn a_failed_load_into_a_shared_table_leaves_nothing_behind() {
    let (dev, _serial) = device();
    let s = load("owner", TABLE_OWNER);
    s.register("grp_owner2").unwrap();
    let listed_before = listed_ids();
    let err = Program::load_bytes(&wasm(
        r#"(module (import "grp_owner2" "t" (table 2 funcref))
            (func $h (result i64) (i64.const 9))
            (elem (i32.const 0) $h)
            (func $start unreachable) (start $start))"#,
    ))
    .map(|_| ())
    .unwrap_err();
    assert!(err.to_string().contains("start function trapped"), "{err}");
    // The spec keeps the failed instance's function callable through the table.
    assert_eq!(s.test_run("call0", &[], 1, 1, 0).unwrap().results, vec![9]);
    // It stays listed, with its group, but nobody can open it.
    let failed: Vec<u32> = listed_ids()
        .into_iter()
        .filter(|id| !listed_before.contains(id))
        .collect();
    assert_eq!(failed.len(), 1, "the failed program is listed");
    let err = Program::from_id(failed[0]).map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("No such file"), "{err}");
    let id = s.info().unwrap().id;
    let before = listed_ids().len();
    drop(s);
    dev.unregister("grp_owner2").unwrap();
    wait_gone(&[id]);
    assert!(
        listed_ids().len() < before,
        "the failed program went with its group"
    );
}

/// A load that fails without having put a function into a shared table leaves its group at
/// once: 50 failed loads linking to a library leave nothing listed, and the library's memory
/// (which the failed programs used) still grows cleanly.
#[test]
fn a_failed_load_that_shared_nothing_leaves_its_group_at_once() {
    let (dev, _serial) = device();
    let lib = load(
        "lib",
        r#"(module (memory (export "m") 1 4) (func (export "one") (result i64) (i64.const 1))
        (func (export "grow") (result i32) (memory.grow (i32.const 1))))"#,
    );
    lib.register("grp_lib").unwrap();
    let before = listed_ids();
    let user = wasm(
        r#"(module (import "grp_lib" "one" (func (result i64))) (import "grp_lib" "m" (memory 1))
        (data (i32.const 70000) "x"))"#,
    );
    for _ in 0..50 {
        let err = Program::load_bytes(&user).map(|_| ()).unwrap_err();
        assert!(err.to_string().contains("does not fit the memory"), "{err}");
    }
    assert_eq!(listed_ids(), before, "no failed program left behind");
    let r = lib.test_run("grow", &[], 1, 1, 0).unwrap();
    assert_eq!((r.trap, r.results), (TRAP_NONE, vec![1]));
    dev.unregister("grp_lib").unwrap();
}

/// 10,000 cycles of load, link through a shared table, run, close: the arena, ids and memory
/// all come back (the arena holds 2 MiB; pinned programs filled it after a few thousand).
#[test]
fn ten_thousand_load_link_unload_cycles_do_not_exhaust_the_arena() {
    let (dev, _serial) = device();
    let owner = wasm(TABLE_OWNER);
    let user = wasm(
        r#"(module (import "grp_cycle" "t" (table 2 funcref))
        (func $h (result i64) (i64.const 3)) (elem (i32.const 0) $h))"#,
    );
    let arena_before = dev.selftest(1).unwrap().arena_used;
    let start = Instant::now();
    for k in 0..10_000 {
        let s = Program::load_bytes(&owner).unwrap_or_else(|e| panic!("cycle {k}: {e}"));
        s.register("grp_cycle").unwrap();
        let i = Program::load_bytes(&user).unwrap_or_else(|e| panic!("cycle {k}: {e}"));
        assert_eq!(s.test_run("call0", &[], 1, 1, 0).unwrap().results, vec![3]);
        dev.unregister("grp_cycle").unwrap();
        drop((s, i));
    }
    eprintln!("10000 cycles in {:?}", start.elapsed());
    assert_eq!(
        dev.selftest(1).unwrap().arena_used,
        arena_before,
        "every cycle gave its code back"
    );
}

/// While a long run holds its group, loads that import from another group, or from nothing,
/// finish at once: only a load that links to the busy group waits for the run.
#[test]
fn a_long_run_delays_only_loads_that_link_to_its_group() {
    let (dev, _serial) = device();
    let busy = load(
        "busy",
        r#"(module (table (export "t") 1 funcref)
        (func (export "spin") (param i64) (loop $l (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
          (br_if $l (i64.ne (local.get 0) (i64.const 0))))))"#,
    );
    busy.register("grp_busy").unwrap();
    let other = load(
        "other",
        r#"(module (func (export "one") (result i64) (i64.const 1)))"#,
    );
    other.register("grp_other").unwrap();
    // About 2 s of work, sized by a short calibration run (the generated code's speed changes).
    let calibration = 10_000_000u64;
    let t = Instant::now();
    busy.test_run("spin", &[calibration], 1, 1, 100_000_000_000)
        .unwrap();
    let per_ms = calibration as f64 / t.elapsed().as_secs_f64().max(1e-3) / 1000.0;
    let iterations = (per_ms * 2000.0) as u64;
    let busy = Arc::new(busy);
    let p = busy.clone();
    let run = std::thread::spawn(move || {
        let start = Instant::now();
        let r = p
            .test_run("spin", &[iterations], 1, 1, 100_000_000_000)
            .unwrap();
        (r.trap, start.elapsed())
    });
    std::thread::sleep(Duration::from_millis(200));
    // A load joining the busy group waits for the run (in a thread of its own)...
    let joiner = std::thread::spawn(|| {
        let t = Instant::now();
        let joined = load(
            "l4",
            r#"(module (import "grp_busy" "t" (table 1 funcref)))"#,
        );
        (joined, t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(200));
    // ...while loads that link elsewhere, or nowhere, go ahead meanwhile.
    let t = Instant::now();
    let _linked = load(
        "l2",
        r#"(module (import "grp_other" "one" (func (result i64))))"#,
    );
    let _plain = load("l3", r#"(module (func (export "x")))"#);
    let quick = t.elapsed();
    let (trap, ran) = run.join().unwrap();
    let (_joined, joined) = joiner.join().unwrap();
    assert_eq!(trap, TRAP_NONE);
    eprintln!("run {ran:?}; unrelated loads {quick:?}; load into the busy group {joined:?}");
    assert!(
        ran > Duration::from_millis(800),
        "the run was long enough to matter ({ran:?})"
    );
    assert!(
        joined > ran / 2,
        "the load into the busy group waited for the run ({joined:?} of {ran:?})"
    );
    assert!(
        quick < ran / 2,
        "unrelated loads waited for the run ({quick:?} of {ran:?})"
    );
    dev.unregister("grp_busy").unwrap();
    dev.unregister("grp_other").unwrap();
}

/// One load merging 60 groups: merges take one group at a time (holding every one at once
/// tripped lockdep's limit of 48 held locks, which the harness sees in the log).
#[test]
fn a_load_can_merge_sixty_groups() {
    let (dev, _serial) = device();
    let lib = wasm(r#"(module (func (export "one") (result i64) (i64.const 1)))"#);
    let libs: Vec<Program> = (0..60)
        .map(|k| {
            let p = Program::load_bytes(&lib).unwrap();
            p.register(&format!("grp_m{k}")).unwrap();
            p
        })
        .collect();
    let imports: String = (0..60)
        .map(|k| format!("(import \"grp_m{k}\" \"one\" (func $f{k} (result i64)))"))
        .collect();
    let calls: String = (0..60).map(|k| format!("(call $f{k})")).collect();
    let adds = "(i64.add) ".repeat(59);
    let user = load(
        "merger",
        &format!("(module {imports} (func (export \"sum\") (result i64) {calls} {adds}))"),
    );
    let r = user.test_run("sum", &[], 1, 1, 0).unwrap();
    assert_eq!((r.trap, r.results), (TRAP_NONE, vec![60]));
    for k in 0..60 {
        dev.unregister(&format!("grp_m{k}")).unwrap();
    }
    drop(libs);
}

/// `env` and `spectest` are the kernel's: no program can be registered under them (it would
/// capture every other program's imports of them into its group).
#[test]
fn the_kernels_module_names_cannot_be_registered() {
    let (_, _serial) = device();
    let p = load("p", r#"(module (func (export "print") (param i32 i32)))"#);
    for name in ["env", "spectest"] {
        let err = p.register(name).unwrap_err();
        assert!(
            err.to_string().contains("Invalid argument"),
            "{name}: {err}"
        );
    }
}

/// A chain of 40 programs each re-exporting the previous one's import of `env.time_ns`: the
/// call goes straight to the function (each hop used to be a bridge on the same stack).
#[test]
fn a_chain_of_re_exports_is_one_hop() {
    let (dev, _serial) = device();
    let mut chain = vec![load(
        "x0",
        r#"(module (import "env" "time_ns" (func $t (result i64))) (export "t" (func $t)))"#,
    )];
    chain[0].register("grp_x0").unwrap();
    for k in 1..40 {
        let p = load(
            "xk",
            &format!(
                r#"(module (import "grp_x{}" "t" (func $t (result i64))) (export "t" (func $t)))"#,
                k - 1
            ),
        );
        p.register(&format!("grp_x{k}")).unwrap();
        chain.push(p);
    }
    let r = chain[39].test_run("t", &[], 1, 1, 0).unwrap();
    assert_eq!(r.trap, TRAP_NONE);
    assert!(r.results[0] > 0, "a time");
    for k in 0..40 {
        dev.unregister(&format!("grp_x{k}")).unwrap();
    }
}

/// A program is listed while its start function runs, but nobody can open it until its load
/// succeeded: a load that then fails leaves its group with no fd or name pointing at it (an fd
/// opened meanwhile used to reach the withdrawn program: a use-after-free).
#[test]
fn a_program_cannot_be_opened_while_it_loads() {
    let (dev, _serial) = device();
    let m = load("m", r#"(module (memory (export "mem") 1 2))"#);
    m.register("grp_m2").unwrap();
    let before = listed_ids();
    let loader = std::thread::spawn(|| {
        let slow = wasm(
            r#"(module (import "grp_m2" "mem" (memory 1 2))
            (func (export "f") (drop (memory.grow (i32.const 1))) (i32.store (i32.const 0) (i32.const 1)))
            (func $start (local i64) (local.set 0 (i64.const 300000000))
              (loop $l (local.set 0 (i64.sub (local.get 0) (i64.const 1))) (br_if $l (i64.ne (local.get 0) (i64.const 0))))
              unreachable)
            (start $start))"#,
        );
        Program::load_bytes(&slow).map(|_| ())
    });
    // Wait until the loading program is listed, then try to open it.
    let start = Instant::now();
    let id = loop {
        if let Some(id) = listed_ids().into_iter().find(|id| !before.contains(id)) {
            break id;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the load never showed up"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    let listing = std::fs::read_to_string("/sys/kernel/debug/kwasm/programs").unwrap();
    let opened = Program::from_id(id);
    let err = opened.map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("No such file"), "{err}");
    let load_err = loader.join().unwrap().unwrap_err();
    assert!(
        load_err.to_string().contains("start function trapped"),
        "{load_err}"
    );
    assert!(
        listing.contains(" loading"),
        "listed as loading:\n{listing}"
    );
    wait_gone(&[id]);
    dev.unregister("grp_m2").unwrap();
}
