//! Ordinary Rust, compiled by today's rustc for wasm32 with default settings: the kwasm
//! compiler must run it and agree with the native build on every result.
#![no_std]

extern crate alloc;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

#[cfg(target_arch = "wasm32")]
mod wasm_runtime;

fn xorshift(state: &mut u32) -> u32 {
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    *state
}

fn fnv(hash: &mut u32, bytes: &[u8]) {
    for &b in bytes {
        *hash ^= u32::from(b);
        *hash = hash.wrapping_mul(16_777_619);
    }
}

/// Number of primes below `n` (sieve of Eratosthenes).
#[no_mangle]
pub extern "C" fn sieve(n: u32) -> u32 {
    let n = n as usize;
    let mut composite = alloc::vec![false; n.max(2)];
    let mut count = 0;
    for i in 2..n {
        if !composite[i] {
            count += 1;
            let mut j = i * i;
            while j < n {
                composite[j] = true;
                j += i;
            }
        }
    }
    count
}

/// Sorts `n` pseudo-random 64-bit values and folds them into a checksum.
#[no_mangle]
pub extern "C" fn sort_checksum(n: u32, seed: u32) -> u64 {
    let mut s = seed | 1;
    let mut v: Vec<u64> = (0..n)
        .map(|_| (u64::from(xorshift(&mut s)) << 32) | u64::from(xorshift(&mut s)))
        .collect();
    v.sort_unstable();
    v.iter().enumerate().fold(0u64, |acc, (i, x)| {
        acc.rotate_left(5) ^ x.wrapping_mul(i as u64 + 1)
    })
}

/// Counts pseudo-random words in a BTreeMap and hashes the formatted table.
#[no_mangle]
pub extern "C" fn word_table(words: u32, seed: u32) -> u32 {
    let mut s = seed | 1;
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for _ in 0..words {
        let len = 1 + xorshift(&mut s) % 4;
        let w: String = (0..len)
            .map(|_| char::from(b'a' + (xorshift(&mut s) % 6) as u8))
            .collect();
        *counts.entry(w).or_default() += 1;
    }
    let mut h = 2_166_136_261;
    for (w, c) in &counts {
        fnv(&mut h, format!("{w}={c};").as_bytes());
    }
    h
}

/// Float arithmetic and formatting: a few steps of a logistic map and Newton square roots,
/// printed with `{:e}` and `{:.9}`, hashed.
#[no_mangle]
pub extern "C" fn float_format(steps: u32) -> u32 {
    let mut x = 0.123_456_789_f64;
    let mut h = 2_166_136_261;
    for i in 0..steps {
        x = 3.9 * x * (1.0 - x);
        let mut r = x * 10.0 + 1.0;
        for _ in 0..6 {
            r = 0.5 * (r + (x * 100.0 + i as f64) / r);
        }
        let f = (x as f32) * 2.5 - 1.0;
        fnv(
            &mut h,
            format!("{x:e} {r:.9} {f} {}", (r as i64) % 7).as_bytes(),
        );
    }
    h
}
