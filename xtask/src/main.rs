//! `cargo xtask`: everything that is not a plain `cargo build`.
//!
//! setup  → Debian packages + bindgen-cli (idempotent)
//! kernel → Rust-enabled 6.12 test kernel, cached outside the repo by its inputs
//! module → kwasm.ko against that kernel
//! vm     → initramfs + QEMU: run a command or the VM suite inside, fail on kernel complaints
//! guests → the wasm32 guest programs (Rust via build-std, C via clang + wasi-libc)
//! test   → host tests, guest-program tests, the VM suite, the harness's own canaries
//! demo   → all of the above that the demo needs, then the demo in the VM

mod cmd;
mod cpio;
mod demo;
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
  test                  host tests, guest programs, then the VM suite (what CI runs)
  demo                  set everything up, boot the VM, print the ABI version, run the self-test";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(),
        Some("kernel") if args.get(1).map(String::as_str) == Some("--kasan") => {
            kernel::build_variant(kernel::Variant::Kasan).map(|_| ())
        }
        Some("kernel") => kernel::build().map(|_| ()),
        Some("module") => kernel::build().and_then(|k| module::build(&k).map(|_| ())),
        Some("vm") => vm::cli(&args[1..]),
        Some("guests") => setup::run().and_then(|()| guests::build().map(|_| ())),
        Some("test") => test::run(),
        Some("demo") => demo::run(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
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

/// xtask's error type: a message that says what failed and why.
pub type Result<T> = std::result::Result<T, String>;
