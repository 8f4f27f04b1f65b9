//! `cargo xtask`: everything that is not a plain `cargo build`.
//!
//! setup  → Debian packages + bindgen-cli (idempotent)
//! kernel → Rust-enabled 6.12 test kernel, cached outside the repo by its inputs
//! module → kwasm.ko against that kernel
//! vm     → initramfs + QEMU: run a command or the VM suite inside, fail on kernel complaints
//! guests → the wasm32 guest programs (Rust via build-std, C via clang + wasi-libc)
//! guest  → one hook guest crate for wasm32 (`cargo xtask guest <dir>` prints its .wasm)
//! test   → host tests, guest-program tests, the VM suite, the harness's own canaries
//! demo   → all of the above that the demo needs, then the demo in the VM
//! bench  → benchmarks: `bench hook` in the VM (kwasm hook programs against eBPF), `bench
//!          compute` on the host (compute programs: native, kwasm, wasmtime, wasmer)

mod bench;
mod bench_compute;
mod bench_large;
mod cache_entry;
mod cmd;
mod cpio;
mod demo;
mod flock;
mod guest;
mod guests;
mod kcompile;
mod kernel;
mod kernel_log;
mod module;
mod paths;
mod setup;
mod summary;
mod test;
mod vm;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup                 install the Debian packages and bindgen-cli the build needs
  kernel [--kasan]      build (or reuse from cache) the Rust-enabled test kernel (or its
                        KASAN variant)
  module                build kernel/ as kwasm.ko against the test kernel
  vm [--kasan] [--timeout S] [-- CMD...]
                        boot the test VM with the module loaded; run CMD (default: the VM suite)
  guests                build the wasm32 guest programs (Rust and C) into target/xtask/guests
  guest DIR             build the hook guest crate in DIR for wasm32; print its .wasm path
  test                  host tests, guest programs, then the VM suite (what CI runs)
  demo                  set everything up, boot the VM, print the ABI version, run the self-test
  bench hook            kwasm netfilter programs against the same eBPF programs, in one VM
                        boot; results in bench/results/
  bench compute [--quick] [--rounds N] [--engines ID,..] [--programs P,..]
                        compute programs natively, through kwasm, wasmtime and wasmer (on
                        the host, no VM); results in bench/results/compute.md (a narrowed
                        run: in target/xtask/bench)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some("setup" | "kernel" | "module" | "vm" | "guests" | "test" | "demo") => run(&args),
        Some("guest") => guest::cli(&args[1..]),
        Some("bench") => bench::cli(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a known command.
fn run(args: &[String]) -> Result<()> {
    let command = args[0].as_str();
    // These write the shared scratch files in target/xtask (module staging, kcompile objects,
    // initramfs, console log, guests): two runs at once would overwrite each other's, so the
    // second waits for the first.
    let _target_lock = match command {
        "module" | "vm" | "guests" | "test" | "demo" => Some(lock_target()?),
        _ => None,
    };
    match command {
        "setup" => setup::run(),
        "kernel" if args.get(1).map(String::as_str) == Some("--kasan") => {
            kernel::build_variant(kernel::Variant::Kasan).map(|_| ())
        }
        "kernel" => kernel::build().map(|_| ()),
        "module" => kernel::build().and_then(|k| module::build(&k).map(|_| ())),
        "vm" => vm::cli(&args[1..]),
        "guests" => setup::run().and_then(|()| guests::build().map(|_| ())),
        "test" => test::run(),
        "demo" => demo::run(),
        _ => unreachable!("main only passes known commands"),
    }
}

/// The lock on `target/xtask` (the file `target/xtask.lock`).
fn lock_target() -> Result<flock::FileLock> {
    let dir = paths::target();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    flock::FileLock::acquire(&flock::lock_path(&dir))
}

/// xtask's error type: a message that says what failed and why.
pub type Result<T> = std::result::Result<T, String>;
