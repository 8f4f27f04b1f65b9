//! Host API providers in other modules: a program imports from one, the provider's module is
//! pinned while the program lives, and its functions run (and trap) as the program's own.

use kwasm::hooks::trap::TRAP_HOST_ABORT;
use kwasm::{Device, Error, LoadOptions, Program};
use kwasm_vmtests::{delete_module, errno, finit_module, require_vm, wasm};

const USES_PROVIDER: &str = r#"(module
    (import "testprov" "mul_add" (func $ma (param i64 i64 i64) (result i64)))
    (import "testprov" "fail" (func $fail))
    (func (export "f") (param i64 i64) (result i64) (call $ma (local.get 0) (local.get 1) (i64.const 1)))
    (func (export "boom") (call $fail)))"#;

#[test]
fn provider_module_serves_imports_and_stays_while_used() {
    require_vm();
    let dev = Device::open().unwrap();
    let art = wasm(USES_PROVIDER);
    let refused = |e: Error| match e {
        Error::Load { log, .. } => log,
        other => panic!("{other}"),
    };
    // Before the provider is there: an unknown import.
    let log = refused(Program::load(&dev, &art, &LoadOptions::default()).unwrap_err());
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
    let log = refused(Program::load(&dev, &no_owner, &LoadOptions::default()).unwrap_err());
    assert!(log.contains("testprov_no_owner.fail"), "{log}");
    let p = Program::load(&dev, &art, &LoadOptions::default()).expect("load with the provider");
    assert_eq!(
        p.test_run(&dev, "f", &[6, 7], 2, 1, 0).unwrap().results,
        vec![43]
    );
    assert_eq!(
        p.test_run(&dev, "boom", &[], 1, 1, 0).unwrap().trap,
        TRAP_HOST_ABORT
    );
    let wrong = wasm(r#"(module (import "testprov" "mul_add" (func (param i32) (result i32))))"#);
    let log = refused(Program::load(&dev, &wrong, &LoadOptions::default()).unwrap_err());
    assert!(log.contains("signature"), "{log}");

    let err = delete_module("kwasm_testprov").unwrap_err();
    assert_eq!(
        errno(&err),
        libc::EWOULDBLOCK,
        "the provider is pinned while a program uses it"
    );
    assert_eq!(
        p.test_run(&dev, "f", &[2, 3], 2, 1, 0).unwrap().results,
        vec![7]
    );
    drop(p);
    delete_module("kwasm_testprov").expect("rmmod once no program uses it");
    let log = refused(Program::load(&dev, &art, &LoadOptions::default()).unwrap_err());
    assert!(log.contains("no such host function"), "{log}");
}
