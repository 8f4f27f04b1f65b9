//! The trusted load path: the kernel compiles every program itself. A CAP_BPF-only caller loads
//! and runs `.wasm`; machine code is refused whatever it looks like; every way a compile can
//! fail (invalid input, budget, compiler panic, allocation failure, fatal signal) gives an errno
//! and a log line and leaves the module working (kmemleak and lockdep are checked by the harness
//! after the run).

use kwasm::hooks::attr::{Attr, ProgIdAttr, ProgLoadAttr, SelftestAttr, TestRunAttr};
use kwasm::hooks::ioctl::*;
use kwasm::{Device, Error, Program};
use kwasm_vmtests::{errno, in_child, require_vm, wasm};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Fault injection is global to the module: the tests of this file compile one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const ADD: &str = r#"(module (func (export "add") (param i64 i64) (result i64)
    (i64.add (local.get 0) (local.get 1))))"#;

fn device() -> Device {
    require_vm();
    Device::open().expect("open /dev/kwasm")
}

fn load(module: &[u8]) -> Result<Program, Error> {
    Program::load_bytes(module)
}

/// The errno and the log of a refused load.
fn refused(result: Result<Program, Error>) -> (i32, String) {
    match result {
        Err(Error::Load { source, log }) => (errno(&source), log),
        Err(e) => panic!("expected a load refusal, got {e}"),
        Ok(_) => panic!("expected a load refusal, the program loaded"),
    }
}

/// A module with one page of memory and `funcs` functions `(param i32)` whose bodies are the
/// encoded instructions `body` (no locals), exporting `f0`. Encoded directly: the text parser
/// is too slow for megabyte modules in a debug build under emulation.
fn many_functions(funcs: u32, body: &[u8]) -> Vec<u8> {
    fn leb(out: &mut Vec<u8>, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            out.push(if v == 0 { byte } else { byte | 0x80 });
            if v == 0 {
                return;
            }
        }
    }
    fn section(out: &mut Vec<u8>, id: u8, content: &[u8]) {
        out.push(id);
        leb(out, content.len() as u64);
        out.extend_from_slice(content);
    }
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(&mut m, 1, &[1, 0x60, 1, 0x7f, 0]); // type 0: (i32) -> ()
    let mut f = Vec::new();
    leb(&mut f, funcs.into());
    f.extend(std::iter::repeat_n(0u8, funcs as usize));
    section(&mut m, 3, &f);
    section(&mut m, 5, &[1, 0, 1]); // memory 1
    section(&mut m, 7, &[1, 2, b'f', b'0', 0, 0]); // export "f0" = func 0
    let mut entry = vec![0u8]; // no locals
    entry.extend_from_slice(body);
    entry.push(0x0b); // end
    let mut code = Vec::new();
    leb(&mut code, funcs.into());
    for _ in 0..funcs {
        leb(&mut code, entry.len() as u64);
        code.extend_from_slice(&entry);
    }
    section(&mut m, 10, &code);
    m
}

/// `(drop (i64.load offset=8 (i32.add (local.get 0) (local.get 0))))`, encoded: an access
/// whose bounds check no rule of the compiler's `bounds.rs` can leave out (a sum of unbounded
/// values), so its code stays ~30 bytes however many there are.
const LOAD_AND_DROP: [u8; 9] = [0x20, 0x00, 0x20, 0x00, 0x6a, 0x29, 0x03, 0x08, 0x1a];
const NOP: u8 = 0x01;

fn write_debugfs(name: &str, value: u32) {
    std::fs::write(format!("/sys/kernel/debug/kwasm/{name}"), value.to_string())
        .unwrap_or_else(|e| panic!("debugfs {name}: {e}"));
}

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

const CAPABILITY_VERSION_3: u32 = 0x2008_0522;
const CAP_BPF: u32 = 39;

/// In a forked child: become uid/gid 1000 with only `cap` (or none). Syscalls only.
fn drop_to_user_with(cap: Option<u32>) -> bool {
    let header = CapHeader {
        version: CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut data = [CapData::default(); 2];
    if let Some(c) = cap {
        let d = &mut data[(c / 32) as usize];
        d.effective = 1 << (c % 32);
        d.permitted = 1 << (c % 32);
    }
    // SAFETY: prctl/setres*id/capset with valid arguments; they change only this process.
    unsafe {
        libc::prctl(libc::PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0
            && libc::setresgid(1000, 1000, 1000) == 0
            && libc::setresuid(1000, 1000, 1000) == 0
            && libc::syscall(libc::SYS_capset, &header, data.as_ptr()) == 0
            && libc::getuid() == 1000
    }
}

fn ioctl_errno<T: Attr>(dev: &Device, cmd: u32, attr: &mut T) -> i32 {
    match dev.raw_ioctl(cmd, attr as *mut T as usize) {
        Ok(_) => 0,
        Err(e) => errno(&e),
    }
}

#[test]
fn cap_bpf_alone_loads_and_runs_wasm_and_nothing_else() {
    let _serial = SERIAL.lock().unwrap();
    let dev = device();
    let module = wasm(ADD);
    let artifact = kwasm_compiler::compile(&module, &Default::default()).unwrap();
    let mut load_attr = ProgLoadAttr {
        size: ProgLoadAttr::MIN_SIZE,
        wasm: module.as_ptr() as u64,
        wasm_len: module.len() as u32,
        ..Default::default()
    };
    let mut load_artifact = ProgLoadAttr {
        wasm: artifact.as_ptr() as u64,
        wasm_len: artifact.len() as u32,
        ..load_attr
    };
    let name = "add";
    let mut slots = [2u64, 3];
    let mut run = TestRunAttr {
        size: TestRunAttr::MIN_SIZE,
        name: name.as_ptr() as u64,
        name_len: name.len() as u32,
        nslots: 2,
        slots: slots.as_mut_ptr() as u64,
        ..Default::default()
    };
    let code = in_child(|| {
        if !drop_to_user_with(Some(CAP_BPF)) {
            return 10;
        }
        let fd = match dev.raw_ioctl(KWASM_IOC_PROG_LOAD, &mut load_attr as *mut _ as usize) {
            Ok(fd) => fd as u32,
            Err(_) => return 11,
        };
        run.prog_fd = fd;
        if ioctl_errno(&dev, KWASM_IOC_PROG_TEST_RUN, &mut run) != 0 || slots[0] != 5 {
            return 12;
        }
        // Machine code is not a program: the bytes are not wasm.
        if ioctl_errno(&dev, KWASM_IOC_PROG_LOAD, &mut load_artifact) != libc::EINVAL {
            return 13;
        }
        0
    });
    assert_eq!(code, 0, "CAP_BPF-only child failed at step {code}");

    // Without CAP_BPF: nothing but VERSION, not even with a program fd handed over (as bpf(2)
    // with unprivileged bpf disabled).
    let prog = load(&module).unwrap();
    let mut info = kwasm::hooks::attr::ProgInfoAttr {
        size: kwasm::hooks::attr::ProgInfoAttr::MIN_SIZE,
        prog_fd: prog.fd() as u32,
        ..Default::default()
    };
    run.prog_fd = prog.fd() as u32;
    let mut selftest = SelftestAttr {
        size: SelftestAttr::MIN_SIZE,
        ..Default::default()
    };
    let mut next_id = ProgIdAttr {
        size: ProgIdAttr::MIN_SIZE,
        ..Default::default()
    };
    let code = in_child(|| {
        if !drop_to_user_with(None) {
            return 10;
        }
        for (i, e) in [
            ioctl_errno(&dev, KWASM_IOC_PROG_LOAD, &mut load_attr),
            ioctl_errno(&dev, KWASM_IOC_SELFTEST, &mut selftest),
            ioctl_errno(&dev, KWASM_IOC_PROG_GET_NEXT_ID, &mut next_id),
            ioctl_errno(&dev, KWASM_IOC_PROG_TEST_RUN, &mut run),
            ioctl_errno(&dev, KWASM_IOC_PROG_GET_INFO, &mut info),
        ]
        .into_iter()
        .enumerate()
        {
            if e != libc::EPERM {
                return 20 + i as i32;
            }
        }
        0
    });
    assert_eq!(code, 0, "unprivileged child failed at step {code}");
}

/// The attack from the issue: a compiled artifact of `(i64.load (local.get 0))` with its
/// bounds check replaced by NOPs. No variant of it is accepted: the kernel takes wasm only.
#[test]
fn machine_code_is_never_accepted() {
    let _serial = SERIAL.lock().unwrap();
    require_vm();
    let module = wasm(
        r#"(module (memory 1) (func (export "peek") (param i32) (result i64)
        (i64.load (local.get 0))))"#,
    );
    let artifact = kwasm_compiler::compile(&module, &Default::default()).unwrap();
    let mut patched = artifact.clone();
    // `cmp r11, [r15 + ...]` .. `ja`: wherever the check is, NOP out every `ja rel32`.
    for w in 0..patched.len() - 1 {
        if patched[w] == 0x0f && patched[w + 1] == 0x87 {
            patched[w..w + 6].fill(0x90);
        }
    }
    for bytes in [&artifact, &patched] {
        let (e, log) = refused(load(bytes));
        assert_eq!(e, libc::EINVAL, "{log}");
        assert!(log.contains("invalid module"), "{log}");
    }
    // The wasm itself loads, and its bounds check holds.
    let p = load(&module).unwrap();
    let r = p.test_run("peek", &[1 << 20], 1, 1, 0).unwrap();
    assert_eq!(r.trap, kwasm::hooks::trap::TRAP_MEMORY_OUT_OF_BOUNDS);
}

#[test]
fn compile_failures_give_an_errno_and_a_log_line() {
    let _serial = SERIAL.lock().unwrap();
    require_vm();

    // Invalid: a type error (`wat` encodes without validating).
    let invalid = wasm(r#"(module (func (result i32) (i64.const 1)))"#);
    let (e, log) = refused(load(&invalid));
    assert_eq!(e, libc::EINVAL, "{log}");
    assert!(
        log.contains("invalid module") && log.contains("type mismatch"),
        "{log}"
    );

    // Code budget: more code than the executable arena could ever hold.
    let huge = many_functions(600, &LOAD_AND_DROP.repeat(200));
    let start = Instant::now();
    let (e, log) = refused(load(&huge));
    assert_eq!(e, libc::E2BIG, "{log}");
    assert!(log.contains("code budget"), "{log}");
    println!("code budget refusal after {:?}", start.elapsed());

    // A panic inside the compiler (injected before the first function): abandoned, not an oops.
    write_debugfs("compile_fail_panic_nth", 1);
    let (e, log) = refused(load(&wasm(ADD)));
    assert_eq!(e, libc::EFAULT, "{log}");
    assert!(
        log.contains("compiler bug") && log.contains("injected panic"),
        "{log}"
    );

    // An allocation failure deep inside the compile.
    for nth in [1, 7, 40] {
        write_debugfs("compile_fail_alloc_nth", nth);
        let (e, log) = refused(load(&wasm(ADD)));
        assert_eq!(e, libc::ENOMEM, "allocation {nth}: {log}");
        assert!(log.contains("out of memory while compiling"), "{log}");
    }
    write_debugfs("compile_fail_alloc_nth", 0);

    // The compiler still works after every way out.
    let p = load(&wasm(ADD)).unwrap();
    assert_eq!(p.test_run("add", &[40, 2], 2, 1, 0).unwrap().results, [42]);
}

/// The amplifier from the issue, in its worst remaining form: 1000 nested blocks that each
/// carry 1000 values and one `br_table` to all of them, each branch moving every value (8 KB of
/// wasm, megabytes of code: one move stub per distinct target); the kernel refuses it by the
/// code budget, quickly.
#[test]
fn an_amplifying_module_is_refused_by_the_code_budget() {
    let _serial = SERIAL.lock().unwrap();
    require_vm();
    let n = 1000;
    let results = " i32".repeat(n);
    let mut wat =
        format!("(module (type $t (func (result{results}))) (func (export \"f\") (type $t)");
    wat += &"(block (type $t)".repeat(n);
    // One value more than the blocks carry: every branch must move all of them down a slot.
    wat += &"(i32.const 0)".repeat(n + 1);
    let labels: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    wat += &format!("(br_table {} (i32.const 0))", labels.join(" "));
    wat += &")".repeat(n);
    wat += "))";
    let module = wasm(&wat);
    let start = Instant::now();
    let (e, log) = refused(load(&module));
    let took = start.elapsed();
    assert_eq!(e, libc::E2BIG, "{log}");
    assert!(log.contains("code budget"), "{log}");
    println!(
        "{} bytes of amplifying wasm refused after {took:?}",
        module.len()
    );
    assert!(took < Duration::from_secs(20), "{took:?}");
}

/// A fatal signal stops a long compile between functions: the killed loader is gone long before
/// the compile could have finished.
#[test]
fn a_fatal_signal_interrupts_a_long_compile() {
    let _serial = SERIAL.lock().unwrap();
    require_vm();
    let slow = many_functions(400, &[NOP; 4000]);
    let start = Instant::now();
    drop(load(&slow).expect("loads when not interrupted"));
    let full = start.elapsed();
    println!(
        "uninterrupted compile + load of {} bytes: {full:?}",
        slow.len()
    );
    assert!(
        full > Duration::from_millis(200),
        "too fast to interrupt: {full:?}"
    );

    let path = std::env::temp_dir().join("kwasm-slow.wasm");
    std::fs::write(&path, &slow).unwrap();
    let mut child = std::process::Command::new("/bin/kwasm")
        .args(["run", path.to_str().unwrap(), "--invoke", "f0", "0"])
        .spawn()
        .expect("start /bin/kwasm");
    std::thread::sleep(full / 5);
    let killed_at = Instant::now();
    child.kill().unwrap();
    let status = child.wait().unwrap();
    let took = killed_at.elapsed();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGKILL), "{status}");
    assert!(
        took < full / 2,
        "the killed loader lived on for {took:?} (a full load: {full:?})"
    );
}

/// A real program (the Rust guest, built for wasm32 by rustc) loads and computes in the kernel;
/// reports what the load cost and how much of it was the compile.
#[test]
fn a_real_program_loads_and_its_load_time_is_reported() {
    let _serial = SERIAL.lock().unwrap();
    require_vm();
    let path = "/guests/algos-rs.wasm";
    let module = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e} (built by xtask)"));
    let p = load(&module).unwrap_or_else(|e| panic!("{e}"));
    let run = p.test_run("sieve", &[1000], 1, 1, 0).unwrap();
    assert_eq!(
        (run.trap, run.results.as_slice()),
        (0, &[168][..]),
        "primes below 1000"
    );
    let info = p.info().unwrap();
    assert!(info.compile_time_ns > 0 && info.load_duration_ns >= info.compile_time_ns);
    assert!(info.compile_peak_bytes > 0);
    println!(
        "{path}: {} bytes of wasm, {} bytes of code; load {} us, of which compile {} us ({:.0} %); \
         compile peak {} KiB",
        module.len(),
        info.code_size,
        info.load_duration_ns / 1000,
        info.compile_time_ns / 1000,
        100.0 * info.compile_time_ns as f64 / info.load_duration_ns as f64,
        info.compile_peak_bytes / 1024
    );
}
