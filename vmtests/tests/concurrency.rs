//! Several threads load, run, inspect and close programs at once for a bounded time: no crash,
//! leak or deadlock (the harness checks the kernel log and kmemleak), and ids and counters stay
//! consistent. A program closed while a run of it is in flight finishes the run.

use kwasm::hooks::fuel::MAX_RUN_FUEL;
use kwasm::{Device, Error, LoadOptions, Program};
use kwasm_vmtests::{one_at_a_time, require_vm, wasm};
use std::os::fd::AsRawFd;
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
    // One at a time: each checks which programs exist (the leftover check, a closed
    // program's id), which another's programs would blur.
    let _serial = one_at_a_time();
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
                let p = LoadOptions::new()
                    .name(format!("w{t}"))
                    .load_bytes(&module)
                    .unwrap();
                let n = 1 + (loads % 5);
                for i in 1..=n {
                    let r = p.test_run("bump", &[t + 1], 1, 1, 0).unwrap();
                    assert_eq!(r.results, vec![(t + 1) * i], "this program's own global");
                }
                let info = p.info().unwrap();
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
                    // A program closed since it was listed is gone (ENOENT); nothing else.
                    match Program::from_id(id) {
                        Ok(p) => {
                            assert_eq!(p.info().unwrap().id, id);
                            opened += 1;
                        }
                        Err(e) if ioctl_errno(&e) == Some(libc::ENOENT) => {}
                        Err(e) => panic!("opening listed program {id}: {e}"),
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
    // Everything was closed: no id is left over from these threads. Every listed program is
    // opened and checked; one that cannot be opened must have gone since it was listed (ENOENT,
    // and no longer listed): anything else fails the test rather than skip the check.
    let dev = Device::open().unwrap();
    let mut at = 0;
    let mut checked = 0;
    while let Some(id) = dev.next_prog_id(at).unwrap() {
        match Program::from_id(id) {
            Ok(p) => {
                let name = p.info().unwrap().name;
                assert!(
                    !name.starts_with('w'),
                    "program {id} ({name}) outlived its fds"
                );
                checked += 1;
            }
            Err(e) if ioctl_errno(&e) == Some(libc::ENOENT) => assert!(
                !is_listed(&dev, id),
                "program {id} is listed but cannot be opened to check it: {e}"
            ),
            Err(e) => panic!("cannot open listed program {id} to check it: {e}"),
        }
        at = id;
    }
    eprintln!("leftover check: {checked} other programs listed, none of ours");
}

/// The errno of a failed ioctl.
fn ioctl_errno(e: &Error) -> Option<i32> {
    match e {
        Error::Ioctl { source, .. } => source.raw_os_error(),
        _ => None,
    }
}

/// Whether `id` is among the listed program ids.
fn is_listed(dev: &Device, id: u32) -> bool {
    dev.next_prog_id(id - 1).unwrap() == Some(id)
}

/// `spin(n)` adds 2 n times: `2 n`, after a while.
const SPIN: &str = r#"(module
    (func (export "spin") (param i64) (result i64) (local i64)
      (loop $l
        (local.set 1 (i64.add (local.get 1) (i64.const 2)))
        (br_if $l (i64.ne (local.tee 0 (i64.sub (local.get 0) (i64.const 1))) (i64.const 0))))
      (local.get 1)))"#;

/// Closing a program's only fd while another thread's `TEST_RUN` of it is in flight: the run
/// holds the program, so it ends normally with its result; the program goes once the run is
/// over, and the module goes on loading and running programs.
#[test]
fn close_during_a_run() {
    require_vm();
    // One at a time: each checks which programs exist (the leftover check, a closed
    // program's id), which another's programs would blur.
    let _serial = one_at_a_time();
    let dev = Device::open().unwrap();
    let module = wasm(SPIN);
    let opts = LoadOptions {
        name: "closing".into(),
        ..Default::default()
    };
    let fuel = MAX_RUN_FUEL;
    // Iterations for a run of about half a second here, emulated or not.
    let calibrate = opts.load_bytes(&module).unwrap();
    let n0 = 1_000_000u64;
    let start = Instant::now();
    let r = calibrate.test_run("spin", &[n0], 1, 1, fuel).unwrap();
    assert_eq!((r.trap, r.results), (0, vec![2 * n0]));
    let per_iteration = start.elapsed().as_secs_f64() / n0 as f64;
    drop(calibrate);
    let mut n = ((0.5 / per_iteration) as u64).max(n0);
    let mut delay = Duration::from_millis(100);
    let devnull = std::fs::File::open("/dev/null").unwrap();
    let mut attempt = 0;
    let id = loop {
        attempt += 1;
        assert!(
            attempt <= 6,
            "never closed the fd while a run was in flight"
        );
        let p = opts.load_bytes(&module).unwrap();
        let (id, fd) = (p.info().unwrap().id, p.fd());
        let started = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicBool::new(false));
        let runner = {
            let (started, done) = (started.clone(), done.clone());
            std::thread::spawn(move || {
                started.store(true, Ordering::SeqCst);
                let r = p.test_run("spin", &[n], 1, 1, fuel);
                done.store(true, Ordering::SeqCst);
                // `p` (whose fd number the main thread reuses) goes back to the main thread.
                (p, r)
            })
        };
        while !started.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(delay);
        let in_flight = !done.load(Ordering::SeqCst);
        // Close the program's only fd: the number now refers to /dev/null (which `p` closes
        // when dropped), so no fd number is ever closed twice or reused meanwhile.
        // SAFETY: both fds are open and owned by this test (`p` lives until after the join).
        assert_eq!(unsafe { libc::dup2(devnull.as_raw_fd(), fd) }, fd);
        let (p, r) = runner.join().unwrap();
        drop(p);
        match r {
            Ok(r) if in_flight => {
                assert_eq!(
                    (r.trap, r.results),
                    (0, vec![2 * n]),
                    "the run's own result"
                );
                break id;
            }
            // The run was over before the close: a longer one.
            Ok(_) => n *= 4,
            // The close came before the ioctl looked the fd up: close later.
            Err(e) if ioctl_errno(&e) == Some(libc::EBADF) => delay *= 4,
            Err(e) => panic!("the run of a program closed meanwhile: {e}"),
        }
    };
    eprintln!("closed during a run of {n} iterations (attempt {attempt})");
    // The run's end released the program: its id is gone.
    assert!(
        !is_listed(&dev, id),
        "program {id} outlived its run and its fd"
    );
    // And the module goes on working.
    let p = opts.load_bytes(&module).unwrap();
    let r = p.test_run("spin", &[10], 1, 1, 0).unwrap();
    assert_eq!((r.trap, r.results), (0, vec![20]));
}
