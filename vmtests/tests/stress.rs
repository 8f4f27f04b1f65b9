//! Stress: worker processes load programs that share tables and memories through registered
//! names (names are global, so workers link into each other's groups), run them, close and
//! unregister them, while the test SIGKILLs workers mid-run and starts new ones. Afterwards no
//! worker is stuck, nothing is left loaded, and the harness checks the kernel log and kmemleak
//! (and `unload.rs`, run last, that the module unloads).

use kwasm::{Device, Program};
use kwasm_vmtests::{require_vm, wasm};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const NAMES: [&str; 3] = ["st_a", "st_b", "st_c"];

/// Exports a table, a memory and functions; `f` calls T[0] (set by users).
const OWNER: &str = r#"(module (table (export "t") 4 funcref) (memory (export "m") 1)
    (type $v (func (result i64)))
    (func (export "one") (result i64) (i64.const 1))
    (func (export "call0") (result i64) (call_indirect (type $v) (i32.const 0)))
    (func (export "spin") (param i64) (result i64)
      (loop $l (local.set 0 (i64.sub (local.get 0) (i64.const 1))) (br_if $l (i64.gt_s (local.get 0) (i64.const 0))))
      (i64.load (i32.const 0))))"#;

/// Imports everything from the program named `NAME` and puts `h` into its table.
fn user(name: &str) -> String {
    format!(
        r#"(module (import "{name}" "t" (table 4 funcref)) (import "{name}" "m" (memory 1))
        (import "{name}" "one" (func $one (result i64)))
        (import "{name}" "call0" (func $call0 (result i64)))
        (type $v (func (result i64)))
        (func $h (result i64) (i64.store (i32.const 0) (i64.add (i64.load (i32.const 0)) (i64.const 1))) (call $one))
        (elem (i32.const 0) $h)
        (func (export "run") (result i64) (i64.add (call $call0) (call_indirect (type $v) (i32.const 0)))))"#
    )
}

/// One worker's loop (a child process): until killed.
fn work(seed: u64) {
    let dev = Device::open().unwrap();
    let mut k = seed;
    let mut owned = Vec::new();
    loop {
        k = k
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let name = NAMES[(k >> 33) as usize % NAMES.len()];
        match (k >> 40) % 4 {
            0 => {
                let s = Program::load_bytes(&wasm(OWNER)).unwrap();
                s.register(name).unwrap();
                owned.push(s);
            }
            1 | 2 => {
                // The name may be gone or replaced meanwhile: refusals are fine, crashes not.
                if let Ok(u) = Program::load_bytes(&wasm(&user(name))) {
                    let r = u.test_run("run", &[], 1, 1, 0).unwrap();
                    assert_eq!((r.trap, r.results), (0, vec![2]));
                    owned.push(u);
                }
            }
            _ => {
                if let Some(s) = owned.first() {
                    let _ = s.test_run("spin", &[200_000], 1, 1, 0);
                }
                if owned.len() > 4 {
                    owned.remove(0);
                }
                let _ = dev.unregister(name);
            }
        }
    }
}

#[test]
#[ignore = "a worker process of `stress_with_kills`"]
fn stress_worker() {
    if let Ok(seed) = std::env::var("KWASM_STRESS_SEED") {
        work(seed.parse().unwrap());
    }
}

fn spawn(seed: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "stress_worker", "--ignored", "--nocapture"])
        .env("KWASM_STRESS_SEED", seed.to_string())
        .spawn()
        .unwrap()
}

/// Kills `child` and waits for it (bounded: a task stuck in the kernel cannot be reaped).
fn kill_and_reap(mut child: Child) {
    let _ = child.kill();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "a killed worker is stuck in the kernel"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn stress_with_kills() {
    require_vm();
    let start = Instant::now();
    let mut workers: Vec<Child> = (0..3).map(spawn).collect();
    let mut seed = 3;
    let mut kills = 0;
    while start.elapsed() < Duration::from_secs(40) {
        std::thread::sleep(Duration::from_millis(700));
        // A worker that exited by itself failed an assertion.
        for w in workers.iter_mut() {
            if let Some(status) = w.try_wait().unwrap() {
                panic!("a worker stopped by itself: {status}");
            }
        }
        let victim = workers.remove(seed as usize % workers.len());
        kill_and_reap(victim);
        kills += 1;
        seed += 1;
        workers.push(spawn(seed));
    }
    workers.into_iter().for_each(kill_and_reap);
    let dev = Device::open().unwrap();
    for name in NAMES {
        let _ = dev.unregister(name);
    }
    // Every fd died with its worker and the names are gone: nothing may be left.
    let start = Instant::now();
    loop {
        let listing = std::fs::read_to_string("/sys/kernel/debug/kwasm/programs").unwrap();
        if listing.is_empty() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "programs left after the stress:\n{listing}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!(
        "stress: {kills} workers killed; cleanup took {:?}",
        start.elapsed()
    );
    assert!(kills >= 20);
}
