//! The default run fuel (`kwasm_hooks::fuel::DEFAULT_RUN_FUEL`, ~1 s) stops runaway programs
//! after about that much time: bulk memory work and a tight loop.

use kwasm::executor::{Imports, Instance, InvokeError, Trap};
use kwasm::hooks::fuel::DEFAULT_RUN_FUEL;
use kwasm::hooks::trap::TRAP_OUT_OF_FUEL;
use std::time::{Duration, Instant};

/// The bound on the time: ~2 s (2.5 s). The generated code is the same in every build, but a
/// debug build of this test runs the helpers unoptimised, so there the bound is loosened to
/// 4 s (measured: ~1.1-1.2 s for both tests in either build, on an idle CPU).
fn bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(4)
    } else {
        Duration::from_millis(2500)
    }
}

/// CPU time of this thread (user and system).
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a timespec to write.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0);
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The tests one at a time: they measure time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` on the default fuel; it must run out of fuel within [`bound`] of CPU time (wall
/// time is what the machine's other load makes it: on a shared 2-CPU test machine it was seen
/// at 4 s while the CPU time stayed ~1.2 s, so wall time only gets a loose bound against hangs).
fn runs_out_of_fuel_in_time(wat: &str) -> (Duration, Duration) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let wasm = wat::parse_str(wat).unwrap();
    let artifact = kwasm_compiler::compile(&wasm, &Default::default()).unwrap();
    let mut i = Instance::new(&artifact, &Imports::default()).unwrap();
    i.set_fuel(DEFAULT_RUN_FUEL as i64);
    let (wall, cpu) = (Instant::now(), thread_cpu_time());
    let r = i.invoke("f", &[]);
    let (wall, cpu) = (wall.elapsed(), thread_cpu_time() - cpu);
    assert!(
        matches!(r, Err(InvokeError::Trap(Trap(TRAP_OUT_OF_FUEL)))),
        "{r:?}"
    );
    assert!(cpu < bound(), "ran {cpu:?} of CPU time on the default fuel");
    assert!(wall < 10 * bound(), "ran {wall:?} on the default fuel");
    (cpu, wall)
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
    println!("bulk: out of fuel after {t:?} (CPU, wall)");
}

#[test]
fn a_tight_loop_runs_out_of_the_default_fuel_in_time() {
    let t = runs_out_of_fuel_in_time(r#"(module (func (export "f") (loop $l (br $l))))"#);
    println!("tight loop: out of fuel after {t:?} (CPU, wall)");
}
