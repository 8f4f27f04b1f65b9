//! Host functions, provider functions and runtime helpers run on the program's wasm stack,
//! below the frame that called them, where generated code never goes (its stack check stops
//! `HOST_STACK_HEADROOM` above the bottom). This measures the deepest stack use of runs that
//! call every kind of host code (on both test kernels: the VM suite runs on the KASAN kernel
//! too) and checks that the headroom holds it.

use kwasm::hooks::vmctx::HOST_STACK_HEADROOM;
use kwasm::Program;
use kwasm_vmtests::{delete_module, finit_module, require_vm, wasm};

const HOST_CALLS: &str = r#"(module
    (import "env" "print" (func $print (param i32 i32)))
    (import "env" "time_ns" (func $time (result i64)))
    (import "env" "random" (func $random (param i32 i32) (result i32)))
    (import "testprov" "mul_add" (func $mul_add (param i64 i64 i64) (result i64)))
    (memory 1 2048)
    (data (i32.const 0) "host stack probe")
    (func (export "print") (call $print (i32.const 0) (i32.const 16)))
    (func (export "time") (result i64) (call $time))
    (func (export "random") (result i32) (call $random (i32.const 64) (i32.const 4096)))
    (func (export "provider") (result i64)
      (call $mul_add (i64.const 6) (i64.const 7) (i64.const 1)))
    (func (export "grow") (result i32) (memory.grow (i32.const 512)))
    (func (export "bulk")
      (memory.fill (i32.const 0) (i32.const 7) (i32.const 0x100000))
      (memory.copy (i32.const 0x100000) (i32.const 0) (i32.const 0x100000)))
    ;; Long enough to use several fuel slices (the refill path may reschedule).
    (func (export "spin") (param i32) (result i32)
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 0))
    (func $deep (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))))
    (func (export "deep") (param i32) (result i32) (call $deep (local.get 0))))"#;

#[test]
fn host_calls_fit_in_the_stack_headroom() {
    require_vm();
    finit_module("/kwasm_testprov.ko").expect("insmod kwasm_testprov");
    let p = Program::load_bytes(&wasm(HOST_CALLS)).unwrap();
    let run = |name: &str, args: &[u64]| {
        let r = p.test_run(name, args, 1.max(args.len()), 1, 0).unwrap();
        assert_eq!(r.trap, 0, "{name}");
        r.results
    };
    assert_eq!(run("grow", &[]), [1]);
    for _ in 0..3 {
        run("print", &[]);
        run("time", &[]);
        run("random", &[]);
        assert_eq!(run("provider", &[]), [43]);
        run("bulk", &[]);
        run("spin", &[50_000_000]);
    }
    let host = p.info().unwrap().stack_max_bytes;
    println!("deepest stack use with host calls: {host} bytes (headroom {HOST_STACK_HEADROOM})");
    assert!(host > 0, "the runs left a trace");
    assert!(
        host < HOST_STACK_HEADROOM,
        "host code used {host} bytes of stack, more than the {HOST_STACK_HEADROOM} bytes kept for it"
    );

    // The measurement measures: 2000 wasm frames go far deeper.
    assert_eq!(run("deep", &[2000]), [2000]);
    let deep = p.info().unwrap().stack_max_bytes;
    assert!(
        deep > host + 2000 * 16,
        "{deep} after deep recursion, {host} before"
    );
    drop(p);
    delete_module("kwasm_testprov").expect("rmmod kwasm_testprov");
}
