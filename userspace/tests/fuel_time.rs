//! The default run fuel (`kwasm_hooks::fuel::DEFAULT_RUN_FUEL`, ~1 s) stops runaway programs in
//! about that much wall time: bulk memory work and a tight loop.

use kwasm::executor::{Imports, Instance, InvokeError, Trap};
use kwasm::hooks::fuel::DEFAULT_RUN_FUEL;
use kwasm::hooks::trap::TRAP_OUT_OF_FUEL;
use std::time::{Duration, Instant};

/// The bound on the wall time: ~2 s (2.5 s: the test machines are shared). The generated code
/// is the same in every build, but a debug build of this test runs the helpers unoptimised, so
/// there the bound is loosened to 4 s (measured: ~1.1 s for both tests in either build).
fn bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(4)
    } else {
        Duration::from_millis(2500)
    }
}

fn runs_out_of_fuel_in_time(wat: &str) -> Duration {
    let wasm = wat::parse_str(wat).unwrap();
    let artifact = kwasm_compiler::compile(&wasm, &Default::default()).unwrap();
    let mut i = Instance::new(&artifact, &Imports::default()).unwrap();
    i.set_fuel(DEFAULT_RUN_FUEL as i64);
    let t = Instant::now();
    let r = i.invoke("f", &[]);
    let elapsed = t.elapsed();
    assert!(
        matches!(r, Err(InvokeError::Trap(Trap(TRAP_OUT_OF_FUEL)))),
        "{r:?}"
    );
    assert!(elapsed < bound(), "ran {elapsed:?} on the default fuel");
    elapsed
}

#[test]
fn bulk_memory_work_runs_out_of_the_default_fuel_in_time() {
    // 64 MiB fill then 64 MiB copy, forever (128 MiB and a page of memory).
    let t = runs_out_of_fuel_in_time(
        r#"(module (memory 2049) (func (export "f")
        (loop $l
          (memory.fill (i32.const 0) (i32.const 1) (i32.const 0x4000000))
          (memory.copy (i32.const 0x4000000) (i32.const 0) (i32.const 0x4000000))
          (br $l))))"#,
    );
    println!("bulk: out of fuel after {t:?}");
}

#[test]
fn a_tight_loop_runs_out_of_the_default_fuel_in_time() {
    let t = runs_out_of_fuel_in_time(r#"(module (func (export "f") (loop $l (br $l))))"#);
    println!("tight loop: out of fuel after {t:?}");
}
