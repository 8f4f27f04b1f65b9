//! Fuel tracks work and time in the kernel: bulk operations pay by length, a run comes back to
//! the host every slice (so a killed task stops inside one long run, and a float program leaves
//! the FPU section to reschedule), and a call into another program spends the caller's fuel.

use kwasm::hooks::fuel::{DEFAULT_RUN_FUEL, FUEL_SLICE, MAX_RUN_FUEL};
use kwasm::hooks::trap::TRAP_OUT_OF_FUEL;
use kwasm::{Device, Program};
use kwasm_vmtests::{require_vm, wasm};
use std::time::{Duration, Instant};

const WORK: &str = r#"(module (memory 1024)
    (func (export "spin") (loop $l (br $l)))
    (func (export "fspin") (param f64) (result f64)
      (loop $l (local.set 0 (f64.add (local.get 0) (f64.const 1.5))) (br $l))
      (local.get 0))
    ;; 64 MiB fill + copy, forever: nearly all the work is in the bulk helpers.
    (func (export "bulk")
      (loop $l
        (memory.fill (i32.const 0) (i32.const 1) (i32.const 0x2000000))
        (memory.copy (i32.const 0x2000000) (i32.const 0) (i32.const 0x2000000))
        (br $l))))"#;

fn load(wat: &str) -> Program {
    Program::load_bytes(&wasm(wat)).unwrap_or_else(|e| panic!("{e}"))
}

/// Bulk work is charged by length in the kernel exactly as in the userspace executor (where the
/// prices were calibrated against native time): the same budget of 64 MiB fills and copies takes
/// about as long in both, here under the same emulation. The default budget also ends it.
#[test]
fn bulk_operations_pay_for_their_length() {
    require_vm();
    let p = load(WORK);
    let fuel = FUEL_SLICE as u64;
    let start = Instant::now();
    let r = p.test_run("bulk", &[], 1, 1, fuel).unwrap();
    let kernel = start.elapsed();
    assert_eq!(r.trap, TRAP_OUT_OF_FUEL);
    let path = std::env::temp_dir().join("kwasm-bulk.wasm");
    std::fs::write(&path, wasm(WORK)).unwrap();
    let start = Instant::now();
    let out = std::process::Command::new("/bin/kwasm")
        .args([
            "run",
            "--userspace",
            path.to_str().unwrap(),
            "--invoke",
            "bulk",
        ])
        .args(["--fuel", &fuel.to_string()])
        .output()
        .unwrap();
    let userspace = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("out of fuel"), "{stderr}");
    println!(
        "{fuel} fuel of 64 MiB fill+copy: kernel {kernel:?}, userspace executor {userspace:?}"
    );
    // Same fuel, same work: both within a small factor. Not closer: under TCG the kernel's
    // string instructions (`rep stos/movs`) emulate faster than userspace's vector loops, and
    // the userspace side includes starting the CLI and compiling (seen: 1.8x on the default
    // kernel, 3.0x on the KASAN one). Bulk work charged per call rather than per byte would be
    // thousands of times apart.
    assert!(
        kernel < userspace * 4 && userspace < kernel * 4,
        "kernel {kernel:?} vs userspace {userspace:?} for the same fuel"
    );
    let r = p.test_run("spin", &[], 1, 1, 0).unwrap();
    assert_eq!(
        r.trap, TRAP_OUT_OF_FUEL,
        "the default budget ends a run ({DEFAULT_RUN_FUEL})"
    );
}

/// One run with the largest budget (about ten seconds of native CPU, minutes under emulation) is
/// stopped by SIGKILL within a few slices, integer or float.
#[test]
fn a_killed_task_stops_inside_one_long_run() {
    require_vm();
    let path = std::env::temp_dir().join("kwasm-fuel-work.wasm");
    std::fs::write(&path, wasm(WORK)).unwrap();
    for (export, args) in [("spin", vec![]), ("fspin", vec!["f64:0"])] {
        let fuel = MAX_RUN_FUEL.to_string();
        let mut child = std::process::Command::new("/bin/kwasm")
            .args(["run", path.to_str().unwrap(), "--invoke", export])
            .args(&args)
            .args(["--fuel", &fuel])
            .spawn()
            .expect("start /bin/kwasm");
        std::thread::sleep(Duration::from_millis(1500));
        assert!(
            child.try_wait().unwrap().is_none(),
            "{export}: the run ended by itself"
        );
        let killed_at = Instant::now();
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let took = killed_at.elapsed();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGKILL), "{export}: {status}");
        println!("{export}: killed after {took:?}");
        assert!(
            took < Duration::from_secs(5),
            "{export}: the killed run went on for {took:?}"
        );
    }
}

/// A float program runs many slices, in its own code and in bulk helpers: each slice boundary
/// reschedules outside the FPU section, entered and left exactly once each time (the harness
/// fails the run on "scheduling while atomic" or a lockdep report).
#[test]
fn float_runs_leave_the_fpu_section_between_slices() {
    require_vm();
    let p = load(WORK);
    let fuel = 20 * FUEL_SLICE as u64;
    let r = p.test_run("fspin", &[0], 1, 1, fuel).unwrap();
    assert_eq!(r.trap, TRAP_OUT_OF_FUEL);
    // Slice boundaries crossed inside bulk helpers, which run outside the FPU section already
    // (leaving it twice would unbalance the preempt count: "scheduling while atomic").
    let r = p
        .test_run("bulk", &[], 1, 1, 3 * FUEL_SLICE as u64)
        .unwrap();
    assert_eq!(r.trap, TRAP_OUT_OF_FUEL);
}

/// A program calling another's export spends its own fuel there: the callee's loop runs out of
/// the caller's small budget, not of a fresh default one.
#[test]
fn calls_between_programs_spend_the_callers_fuel() {
    require_vm();
    let dev = Device::open().unwrap();
    let callee = load(r#"(module (func (export "spin") (loop $l (br $l))))"#);
    callee.register("fuel_callee").unwrap();
    let caller = load(
        r#"(module (import "fuel_callee" "spin" (func $spin)) (func (export "run") (call $spin)))"#,
    );
    let start = Instant::now();
    let r = caller.test_run("run", &[], 1, 1, 100_000).unwrap();
    assert_eq!(r.trap, TRAP_OUT_OF_FUEL);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    dev.unregister("fuel_callee").unwrap();
}
