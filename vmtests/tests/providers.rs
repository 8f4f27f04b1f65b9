//! Host API providers in other modules: a program imports from one, the provider's module is
//! pinned while the program lives, and its functions run (and trap) as the program's own.

use kwasm::hooks::trap::TRAP_HOST_ABORT;
use kwasm::{Error, LoadOptions, Program};
use kwasm_vmtests::{delete_module, errno, finit_module, require_vm, wasm};

const USES_PROVIDER: &str = r#"(module
    (import "testprov" "mul_add" (func $ma (param i64 i64 i64) (result i64)))
    (import "testprov" "fail" (func $fail))
    (func (export "f") (param i64 i64) (result i64) (call $ma (local.get 0) (local.get 1) (i64.const 1)))
    (func (export "boom") (call $fail)))"#;

#[test]
fn provider_module_serves_imports_and_stays_while_used() {
    require_vm();
    let art = wasm(USES_PROVIDER);
    let refused = |e: Error| match e {
        Error::Load { log, .. } => log,
        other => panic!("{other}"),
    };
    // Before the provider is there: an unknown import.
    let log = refused(Program::load_bytes(&art).unwrap_err());
    assert!(log.contains("testprov.mul_add"), "{log}");

    finit_module("/kwasm_testprov.ko").expect("insmod kwasm_testprov");
    // At init the fixture also tried to register a provider without an owner module (nothing
    // would pin it for a program): refused with EINVAL, and nothing of it can be imported.
    let null_owner =
        std::fs::read_to_string("/sys/module/kwasm_testprov/parameters/null_owner_ret")
            .expect("the fixture's null_owner_ret parameter");
    assert_eq!(
        null_owner.trim(),
        (-libc::EINVAL).to_string(),
        "a provider without an owner is refused"
    );
    let no_owner = wasm(r#"(module (import "testprov_no_owner" "fail" (func)))"#);
    let log = refused(Program::load_bytes(&no_owner).unwrap_err());
    assert!(log.contains("testprov_no_owner.fail"), "{log}");
    let p = Program::load_bytes(&art).expect("load with the provider");
    assert_eq!(p.test_run("f", &[6, 7], 2, 1, 0).unwrap().results, vec![43]);
    assert_eq!(
        p.test_run("boom", &[], 1, 1, 0).unwrap().trap,
        TRAP_HOST_ABORT
    );
    let wrong = wasm(r#"(module (import "testprov" "mul_add" (func (param i32) (result i32))))"#);
    let log = refused(Program::load_bytes(&wrong).unwrap_err());
    assert!(log.contains("signature"), "{log}");

    let err = delete_module("kwasm_testprov").unwrap_err();
    assert_eq!(
        errno(&err),
        libc::EWOULDBLOCK,
        "the provider is pinned while a program uses it"
    );
    assert_eq!(p.test_run("f", &[2, 3], 2, 1, 0).unwrap().results, vec![7]);
    drop(p);
    delete_module("kwasm_testprov").expect("rmmod once no program uses it");
    let log = refused(Program::load_bytes(&art).unwrap_err());
    assert!(log.contains("no such host function"), "{log}");
}

/// The kernel log as `dmesg` reads it (`syslog(SYSLOG_ACTION_READ_ALL)`): one line per line of
/// text, each with its prefix, so a newline inside a record shows as a line of its own.
fn kernel_log() -> String {
    // SAFETY: SYSLOG_ACTION_SIZE_BUFFER takes no buffer.
    let size = unsafe { libc::klogctl(10, std::ptr::null_mut(), 0) };
    assert!(size > 0, "syslog size: {}", std::io::Error::last_os_error());
    let mut buf = vec![0u8; size as usize];
    // SAFETY: SYSLOG_ACTION_READ_ALL into a buffer of `size` bytes.
    let n = unsafe { libc::klogctl(3, buf.as_mut_ptr().cast(), size) };
    assert!(n >= 0, "syslog read: {}", std::io::Error::last_os_error());
    buf.truncate(n as usize);
    String::from_utf8_lossy(&buf).into_owned()
}

#[test]
fn env_print_cannot_forge_log_lines() {
    require_vm();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let token = format!("{}x{nanos}", std::process::id());
    // A newline followed by a line of its own, a terminal escape, NUL and a byte outside ASCII;
    // and a program name with a newline and an escape sequence too.
    let mut msg = format!("a{token}\nkwasm: forged{token}\x1b[31m\0").into_bytes();
    msg.extend_from_slice(b"\xffend");
    let data: String = msg.iter().map(|b| format!("\\{b:02x}")).collect();
    let prog = format!(
        r#"(module (import "env" "print" (func $p (param i32 i32))) (memory 1)
        (data (i32.const 0) "{data}")
        (func (export "print") (call $p (i32.const 0) (i32.const {len}))))"#,
        len = msg.len(),
    );
    let opts = LoadOptions {
        name: "p\n\x1b[0m".into(),
        ..Default::default()
    };
    let p = opts.load_bytes(&wasm(&prog)).unwrap();
    let want =
        format!("kwasm: p\\x0a\\x1b[0m: a{token}\\x0akwasm: forged{token}\\x1b[31m\\x00\\xffend");
    // env.print is rate limited (20 lines per 5 s, shared with the suite's other programs):
    // try again after an interval if the line did not make it.
    let mut log = String::new();
    for attempt in 0..3 {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_millis(5500));
        }
        assert_eq!(p.test_run("print", &[], 1, 1, 0).unwrap().trap, 0);
        log = kernel_log();
        if log.contains(&format!("a{token}")) {
            break;
        }
    }
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(&token)).collect();
    assert!(
        !lines.is_empty(),
        "the printed line is not in the kernel log"
    );
    for line in &lines {
        assert!(line.contains(&want), "not one escaped line: {line:?}");
        assert!(
            line.bytes().all(|b| (0x20..=0x7e).contains(&b)),
            "raw control or high bytes in the log: {line:?}"
        );
    }
}
