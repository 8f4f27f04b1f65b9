//! What a caller can make the kernel hold is bounded: the number of programs and the memory all
//! programs hold together. Each limit answers with a clear errno and a log line, and the module
//! works again once the programs go. A binary of its own: these tests fill the module.

use kwasm::{Device, Error, Program};
use kwasm_vmtests::{errno, one_at_a_time, require_vm, wasm};
use std::sync::MutexGuard;

fn device() -> (Device, MutexGuard<'static, ()>) {
    require_vm();
    let serial = one_at_a_time();
    // Room for an fd per program beyond the kernel's limit (the default soft limit is 1024).
    let limit = libc::rlimit {
        rlim_cur: 4096,
        rlim_max: 4096,
    };
    // SAFETY: setrlimit(2) with a valid struct.
    assert_eq!(
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) },
        0,
        "setrlimit"
    );
    (Device::open().expect("open /dev/kwasm"), serial)
}

/// Loads `module` until the kernel refuses: the programs, and the refusal's errno and log.
fn fill(module: &[u8], most: usize) -> (Vec<Program>, i32, String) {
    let mut programs = Vec::new();
    loop {
        match Program::load_bytes(module) {
            Ok(p) => programs.push(p),
            Err(Error::Load { source, log }) => return (programs, errno(&source), log),
            Err(e) => panic!("expected a load refusal, got {e}"),
        }
        assert!(
            programs.len() <= most,
            "no limit after {} programs",
            programs.len()
        );
    }
}

#[test]
fn the_number_of_programs_is_limited() {
    let (_, _serial) = device();
    let tiny = wasm(r#"(module (func (export "f") (result i32) (i32.const 1)))"#);
    let (programs, code, log) = fill(&tiny, 1024);
    assert_eq!(code, libc::ENOSPC, "{log}");
    assert!(log.contains("too many programs"), "{log}");
    assert!(
        programs.len() > 900,
        "only {} programs before the limit",
        programs.len()
    );
    drop(programs);
    let p = Program::load_bytes(&tiny).expect("loads again once they went");
    assert_eq!(p.test_run("f", &[], 1, 1, 0).unwrap().results, vec![1]);
}

#[test]
fn the_memory_all_programs_hold_is_limited_and_growth_answers_minus_one() {
    let (_, _serial) = device();
    // 64 MiB of linear memory each: the budget (512 MiB) runs out after a few.
    let big = wasm(
        r#"(module (memory 1024) (func (export "grow") (result i32) (memory.grow (i32.const 1))))"#,
    );
    let (programs, code, log) = fill(&big, 16);
    assert_eq!(code, libc::ENOMEM, "{log}");
    assert!(log.contains("programs hold"), "{log}");
    assert!(
        programs.len() >= 4,
        "only {} programs of 64 MiB fit",
        programs.len()
    );
    drop(programs);
    // A program that grows its memory past the budget gets -1, like any failed memory.grow.
    let small = wasm(
        r#"(module (memory 1 1024) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let p = Program::load_bytes(&small).unwrap();
    let (hogs, _, _) = fill(&big, 16);
    let r = p.test_run("grow", &[1000], 1, 1, 0).unwrap();
    assert_eq!(
        r.results,
        vec![u32::MAX as u64],
        "growth past the budget fails"
    );
    drop(hogs);
    let r = p.test_run("grow", &[1000], 1, 1, 0).unwrap();
    assert_eq!(r.results, vec![1], "and succeeds once memory is free again");
}

/// A value of debugfs `kwasm/state`.
fn state(key: &str) -> u64 {
    let text = std::fs::read_to_string("/sys/kernel/debug/kwasm/state").unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("no {key} in kwasm/state:\n{text}"))
        .parse()
        .unwrap()
}

#[test]
fn signature_ids_and_memory_are_given_back_with_their_programs() {
    let (_, _serial) = device();
    let (signatures, memory) = (state("signatures"), state("memory_bytes"));
    // 300 programs, each with a signature no other has.
    let programs: Vec<Program> = (1..=300)
        .map(|k| {
            let params = "i32 ".repeat(k);
            let module = wasm(&format!(
                "(module (memory 1) (func (export \"f\") (param {params})))"
            ));
            Program::load_bytes(&module).unwrap()
        })
        .collect();
    assert!(state("signatures") >= signatures + 300);
    assert!(state("memory_bytes") >= memory + 300 * 65536);
    drop(programs);
    assert_eq!(state("signatures"), signatures, "signature ids freed");
    assert_eq!(state("memory_bytes"), memory, "memory budget given back");
}
