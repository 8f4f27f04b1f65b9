//! Programs in the kernel: load, test-run, traps as codes, ids and info, privileges.

use kwasm::hooks::trap::*;
use kwasm::{Device, Error, LoadOptions, Program};
use kwasm_vmtests::{errno, require_vm, wasm};

fn device() -> Device {
    require_vm();
    Device::open().expect("open /dev/kwasm")
}

/// Waits (a little) until program `id` is gone: a test that forks shares our fds with its
/// child until the child exits.
fn wait_gone(id: u32) {
    let start = std::time::Instant::now();
    while std::fs::read_to_string("/sys/kernel/debug/kwasm/programs")
        .unwrap()
        .lines()
        .any(|l| l.starts_with(&format!("{id} ")))
    {
        assert!(
            start.elapsed().as_secs() < 10,
            "program {id} outlived its fds"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn load(wat: &str) -> Program {
    LoadOptions::new()
        .name("test")
        .load_bytes(&wasm(wat))
        .unwrap_or_else(|e| panic!("load: {e}"))
}

const ARITH: &str = r#"(module (memory 1)
    (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "spin") (loop $l (br $l)))
    (func $deep (export "deep") (param i32) (result i32) (i32.add (i32.const 1) (call $deep (local.get 0))))
    (func (export "unreachable") unreachable)
    (func (export "sum") (param i32) (result i64) (local i64)
      (block $d (loop $l (br_if $d (i32.eqz (local.get 0)))
        (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br $l)))
      (local.get 1)))"#;

#[test]
fn load_and_run_returns_results() {
    require_vm();
    let p = load(ARITH);
    let r = p.test_run("add", &[40, 2], 2, 1, 0).unwrap();
    assert_eq!((r.trap, r.results), (0, vec![42]));
    let r = p.test_run("sum", &[100_000], 1, 3, 0).unwrap();
    assert_eq!((r.trap, r.results), (0, vec![5_000_050_000]));
    let info = p.info().unwrap();
    assert_eq!(info.name, "test");
    assert_eq!(info.run_count, 4);
    assert!(info.code_size > 0 && info.memory_size == 65536, "{info:?}");
}

#[test]
fn traps_come_back_as_codes_and_are_counted() {
    require_vm();
    let p = load(ARITH);
    let trap = |name: &str, args: &[u64]| p.test_run(name, args, 2, 1, 1_000_000).unwrap().trap;
    assert_eq!(trap("div", &[1, 0]), TRAP_INTEGER_DIVIDE_BY_ZERO);
    assert_eq!(
        trap("div", &[i32::MIN as u32 as u64, u32::MAX as u64]),
        TRAP_INTEGER_OVERFLOW
    );
    assert_eq!(trap("load", &[65533]), TRAP_MEMORY_OUT_OF_BOUNDS);
    assert_eq!(trap("load", &[u32::MAX as u64]), TRAP_MEMORY_OUT_OF_BOUNDS);
    assert_eq!(trap("unreachable", &[]), TRAP_UNREACHABLE);
    assert_eq!(trap("deep", &[0]), TRAP_STACK_EXHAUSTED);
    assert_eq!(trap("spin", &[]), TRAP_OUT_OF_FUEL);
    // Still usable after all of that.
    assert_eq!(
        p.test_run("div", &[84, 2], 2, 1, 0).unwrap().results,
        vec![42]
    );
    let traps = p.info().unwrap().traps;
    for code in [
        TRAP_INTEGER_DIVIDE_BY_ZERO,
        TRAP_MEMORY_OUT_OF_BOUNDS,
        TRAP_OUT_OF_FUEL,
        TRAP_STACK_EXHAUSTED,
    ] {
        assert!(traps[code as usize] >= 1, "trap {code} counted: {traps:?}");
    }
    assert_eq!(traps[TRAP_MEMORY_OUT_OF_BOUNDS as usize], 2);
}

#[test]
fn infinite_loop_stops_within_its_fuel() {
    require_vm();
    let p = load(ARITH);
    let r = p.test_run("spin", &[], 1, 1, 10_000_000).unwrap();
    assert_eq!(r.trap, TRAP_OUT_OF_FUEL);
    // A default budget applies when the run names none.
    assert_eq!(
        p.test_run("spin", &[], 1, 1, 0).unwrap().trap,
        TRAP_OUT_OF_FUEL
    );
}

#[test]
fn ids_list_and_reopen_programs() {
    let dev = device();
    let p = load(ARITH);
    let id = p.info().unwrap().id;
    let mut ids = Vec::new();
    let mut at = 0;
    while let Some(next) = dev.next_prog_id(at).unwrap() {
        ids.push(next);
        at = next;
    }
    assert!(ids.contains(&id), "{id} in {ids:?}");
    let again = Program::from_id(id).unwrap();
    assert_eq!(again.info().unwrap().id, id);
    drop(p);
    // Still reachable through the second fd.
    assert_eq!(
        again.test_run("add", &[1, 2], 2, 1, 0).unwrap().results,
        vec![3]
    );
    drop(again);
    wait_gone(id);
    let err = Program::from_id(id).unwrap_err();
    assert!(
        matches!(err, Error::Ioctl { ref source, .. } if source.raw_os_error() == Some(libc::ENOENT)),
        "{err}"
    );
}

#[test]
fn refusals_explain_themselves() {
    require_vm();
    let unknown_import =
        wasm(r#"(module (import "env" "nope" (func)) (func (export "f") call 0))"#);
    match Program::load_bytes(&unknown_import) {
        Err(Error::Load { source, log }) => {
            assert_eq!(source.raw_os_error(), Some(libc::EINVAL));
            assert!(log.contains("env.nope"), "{log}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let wrong_sig = wasm(
        r#"(module (import "env" "time_ns" (func (result i32))) (func (export "f") (drop (call 0))))"#,
    );
    let Err(Error::Load { log, .. }) = Program::load_bytes(&wrong_sig) else {
        panic!()
    };
    assert!(log.contains("signature"), "{log}");
    let imported_memory = wasm(r#"(module (import "env" "memory" (memory 1)))"#);
    let Err(Error::Load { log, .. }) = Program::load_bytes(&imported_memory) else {
        panic!()
    };
    assert!(
        log.contains("env.memory") && log.contains("unknown or incompatible import"),
        "{log}"
    );
    let too_much_memory = wasm(r#"(module (memory 2000))"#);
    let Err(Error::Load { source, .. }) = Program::load_bytes(&too_much_memory) else {
        panic!()
    };
    assert_eq!(source.raw_os_error(), Some(libc::E2BIG));
    // A log buffer too small for the reason: ENOSPC, as bpf(2) does.
    let opts = LoadOptions {
        log_size: 8,
        ..Default::default()
    };
    let Err(Error::Load { source, .. }) = opts.load_bytes(&unknown_import) else {
        panic!()
    };
    assert_eq!(
        source.raw_os_error(),
        Some(libc::EINVAL),
        "the refusal's own errno wins"
    );
}

#[test]
fn host_functions_work() {
    require_vm();
    let p = load(
        r#"(module (import "env" "time_ns" (func $t (result i64)))
        (import "env" "random" (func $r (param i32 i32) (result i32)))
        (import "env" "print" (func $p (param i32 i32)))
        (memory 1) (data (i32.const 0) "hello from wasm")
        (func (export "elapsed") (result i64) (local i64)
          (local.set 0 (call $t)) (i64.sub (call $t) (local.get 0)))
        (func (export "now") (result i64) (call $t))
        (func (export "rand") (result i64)
          (drop (call $r (i32.const 64) (i32.const 8))) (i64.load (i32.const 64)))
        (func (export "rand_oob") (result i32) (call $r (i32.const 65530) (i32.const 8)))
        (func (export "hello") (call $p (i32.const 0) (i32.const 15))))"#,
    );
    let now = |p: &Program| p.test_run("now", &[], 1, 1, 0).unwrap().results[0];
    let (a, b) = (now(&p), now(&p));
    assert!(b > a, "monotonic time advances: {a} {b}");
    let r1 = p.test_run("rand", &[], 1, 1, 0).unwrap().results[0];
    let r2 = p.test_run("rand", &[], 1, 1, 0).unwrap().results[0];
    assert_ne!(r1, r2, "random bytes differ");
    assert_eq!(
        p.test_run("rand_oob", &[], 1, 1, 0).unwrap().results,
        vec![u32::MAX as u64]
    );
    assert_eq!(p.test_run("hello", &[], 1, 1, 0).unwrap().trap, 0);
    assert_eq!(p.test_run("elapsed", &[], 1, 1, 0).unwrap().trap, 0);
}

#[test]
fn floats_are_computed_correctly() {
    require_vm();
    let p = load(
        r#"(module (func (export "hyp") (param f64 f64) (result f64)
        (f64.sqrt (f64.add (f64.mul (local.get 0) (local.get 0)) (f64.mul (local.get 1) (local.get 1))))))"#,
    );
    let r = p
        .test_run("hyp", &[3f64.to_bits(), 4f64.to_bits()], 2, 1, 0)
        .unwrap();
    assert_eq!(f64::from_bits(r.results[0]), 5.0);
}

/// A caller without any capability (uid 65534 keeps none) is refused `EPERM`. The other half,
/// a caller with `CAP_BPF` and nothing else loading and running a program, and the refusal of
/// the other commands (run, info, ids, self-test) without it, is `trusted_load.rs`'s
/// `cap_bpf_alone_loads_and_runs_wasm_and_nothing_else`.
#[test]
fn loading_needs_privilege() {
    let dev = device();
    let module = wasm(r#"(module (func (export "f")))"#);
    // SAFETY: fork in a test; the child only makes syscalls before _exit.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let mut attr = kwasm::hooks::attr::ProgLoadAttr {
            size: std::mem::size_of::<kwasm::hooks::attr::ProgLoadAttr>() as u32,
            wasm: module.as_ptr() as u64,
            wasm_len: module.len() as u32,
            ..Default::default()
        };
        // SAFETY: drop privileges, then the ioctl on the fd opened as root.
        unsafe {
            if libc::setresgid(65534, 65534, 65534) != 0
                || libc::setresuid(65534, 65534, 65534) != 0
            {
                libc::_exit(100);
            }
        }
        let code = match dev.raw_ioctl(
            kwasm::hooks::ioctl::KWASM_IOC_PROG_LOAD,
            &mut attr as *mut _ as usize,
        ) {
            Ok(_) => 0,
            Err(e) => errno(&e),
        };
        // SAFETY: leave the child without running Rust destructors.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waiting for our child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert_eq!(libc::WEXITSTATUS(status), libc::EPERM);
}

#[test]
fn debugfs_lists_programs() {
    require_vm();
    let p = LoadOptions::new()
        .name("listed")
        .load_bytes(&wasm(ARITH))
        .unwrap();
    p.test_run("add", &[1, 1], 2, 2, 0).unwrap();
    let id = p.info().unwrap().id;
    let listing = std::fs::read_to_string("/sys/kernel/debug/kwasm/programs").unwrap();
    let line = listing
        .lines()
        .find(|l| l.starts_with(&format!("{id} ")))
        .unwrap_or_else(|| panic!("{listing}"));
    assert!(
        line.contains(" listed ") && line.contains("runs=2") && line.contains("fds=1"),
        "{line}"
    );
    drop(p);
    wait_gone(id);
    let listing = std::fs::read_to_string("/sys/kernel/debug/kwasm/programs").unwrap();
    assert!(
        !listing.lines().any(|l| l.starts_with(&format!("{id} "))),
        "{listing}"
    );
}

#[test]
fn a_long_repeated_run_can_be_killed_and_fuel_is_capped() {
    require_vm();
    let p = load(ARITH);
    let err = p.test_run("spin", &[], 1, 1, 1 << 40).unwrap_err();
    assert!(
        matches!(err, Error::Ioctl { ref source, .. } if source.raw_os_error() == Some(libc::EINVAL)),
        "{err}"
    );
    // Another process (exec'd, so it holds none of our fds) repeats bounded runs forever.
    let path = std::env::temp_dir().join("kwasm-spin.wasm");
    std::fs::write(&path, wat::parse_str(ARITH).unwrap()).unwrap();
    let mut child = std::process::Command::new("/bin/kwasm")
        .args([
            "run",
            path.to_str().unwrap(),
            "--invoke",
            "spin",
            "--fuel",
            "10000000",
            "--repeat",
            "4294967295",
        ])
        .spawn()
        .expect("start /bin/kwasm");
    std::thread::sleep(std::time::Duration::from_millis(500));
    child.kill().unwrap();
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                status.signal(),
                Some(libc::SIGKILL),
                "killed, not finished: {status}"
            );
            break;
        }
        assert!(
            start.elapsed().as_secs() < 30,
            "the killed task is still running its test runs"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn programs_import_from_registered_programs() {
    let dev = device();
    let p = load(
        r#"(module (global $g (export "g") (mut i64) (i64.const 5))
        (func (export "twice") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 2)))
        (func (export "bump") (global.set $g (i64.add (global.get $g) (i64.const 1)))))"#,
    );
    p.register("lib_p").unwrap();
    let q = Program::load_bytes(&wasm(r#"(module (import "lib_p" "twice" (func $t (param i64) (result i64)))
            (import "lib_p" "bump" (func $b))
            (import "lib_p" "g" (global $g (mut i64)))
            (func (export "f") (param i64) (result i64) (call $b) (i64.add (call $t (local.get 0)) (global.get $g))))"#))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(q.test_run("f", &[10], 1, 1, 0).unwrap().results, vec![26]);
    assert_eq!(p.global("g").unwrap().1, 6, "the global is shared");
    dev.unregister("lib_p").unwrap();
}
