//! The compute benchmark's Rust programs (`cargo xtask bench compute`). Each module's
//! `run(n) -> u32` does deterministic work scaled by `n` and returns a checksum that every engine
//! must reproduce. Natively they are plain functions; a wasm32 build with feature `<program>`
//! exports that program's `run` as the module's only export besides its memory.
#![no_std]

extern crate alloc;

pub mod brainfuck;
pub mod hashtab;
pub mod mandelbrot;
pub mod sieve;

// The same allocator and panic handler as the guest programs' tests use (one copy).
#[cfg(target_arch = "wasm32")]
#[path = "../../../../examples/guests/algos-rs/src/wasm_runtime.rs"]
mod wasm_runtime;

/// Marsaglia's xorshift32, as in the C programs.
fn xorshift32(state: &mut u32) -> u32 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    x
}

/// Mixes a value into a checksum, as `mix` in the C programs.
fn mix(h: u32, v: u32) -> u32 {
    (h ^ v).wrapping_mul(16_777_619)
}

macro_rules! export {
    ($feature:literal, $module:ident) => {
        #[cfg(all(target_arch = "wasm32", feature = $feature))]
        #[no_mangle]
        pub extern "C" fn run(n: u32) -> u32 {
            $module::run(n)
        }
    };
}

export!("brainfuck", brainfuck);
export!("hashtab", hashtab);
export!("mandelbrot", mandelbrot);
export!("sieve", sieve);
