//! Several threads load, run, inspect and close programs at once for a bounded time: no crash,
//! leak or deadlock (the harness checks the kernel log and kmemleak), and ids and counters stay
//! consistent.

use kwasm::{Device, LoadOptions, Program};
use kwasm_vmtests::{require_vm, wasm};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PROG: &str = r#"(module (memory 1) (global $n (mut i64) (i64.const 0))
    (func (export "bump") (param i64) (result i64)
      (global.set $n (i64.add (global.get $n) (local.get 0)))
      (i64.store (i32.const 8) (global.get $n))
      (global.get $n)))"#;

#[test]
fn parallel_load_run_close() {
    require_vm();
    let module = Arc::new(wasm(PROG));
    let stop = Arc::new(AtomicBool::new(false));
    let runs = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for t in 0..4u64 {
        let (module, stop, runs) = (module.clone(), stop.clone(), runs.clone());
        workers.push(std::thread::spawn(move || {
            let dev = Device::open().unwrap();
            let mut loads = 0;
            while !stop.load(Ordering::Relaxed) {
                let p = Program::load(
                    &dev,
                    &module,
                    &LoadOptions {
                        name: format!("w{t}"),
                        ..Default::default()
                    },
                )
                .unwrap();
                let n = 1 + (loads % 5);
                for i in 1..=n {
                    let r = p.test_run(&dev, "bump", &[t + 1], 1, 1, 0).unwrap();
                    assert_eq!(r.results, vec![(t + 1) * i], "this program's own global");
                }
                let info = p.info(&dev).unwrap();
                assert_eq!(info.run_count, n, "runs counted on the right program");
                assert_eq!(info.name, format!("w{t}"));
                // Our id is listed while we hold the fd.
                let mut at = 0;
                let mut seen = false;
                while let Some(id) = dev.next_prog_id(at).unwrap() {
                    seen |= id == info.id;
                    at = id;
                }
                assert!(seen, "id {} listed", info.id);
                runs.fetch_add(n, Ordering::Relaxed);
                loads += 1;
            }
            loads
        }));
    }
    // A reader opening whatever ids exist, racing with the closes.
    let reader = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let dev = Device::open().unwrap();
            let mut opened = 0;
            while !stop.load(Ordering::Relaxed) {
                let mut at = 0;
                while let Some(id) = dev.next_prog_id(at).unwrap() {
                    if let Ok(p) = Program::from_id(&dev, id) {
                        assert_eq!(p.info(&dev).unwrap().id, id);
                        opened += 1;
                    }
                    at = id;
                }
            }
            opened
        })
    };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(4) {
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::Relaxed);
    let loads: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    let opened = reader.join().unwrap();
    assert!(loads >= 8, "{loads} loads in 4 s");
    assert!(runs.load(Ordering::Relaxed) >= loads);
    eprintln!(
        "{loads} loads, {} runs, {opened} opens by id",
        runs.load(Ordering::Relaxed)
    );
    // Everything was closed: no id is left over from these threads.
    let dev = Device::open().unwrap();
    let mut at = 0;
    while let Some(id) = dev.next_prog_id(at).unwrap() {
        if let Ok(p) = Program::from_id(&dev, id) {
            let name = p.info(&dev).unwrap().name;
            assert!(
                !name.starts_with('w'),
                "program {id} ({name}) outlived its fds"
            );
        }
        at = id;
    }
}
