//! How many cases a test runs, from which seeds: a time budget by default, longer on demand.
//!
//! - `KWASM_DIFF_SECONDS=N`: run each differential test for N seconds (default
//!   [`DEFAULT_SECONDS`]).
//! - `KWASM_DIFF_CASES=N`: run exactly N cases (no time limit).
//! - `KWASM_DIFF_SEED=S`: the first case's seed (decimal or `0x` hex), `random` for a seed from
//!   the clock. Case `i` uses seed `S + i`, so a failing case reruns alone with
//!   `KWASM_DIFF_SEED=<its seed> KWASM_DIFF_CASES=1`.

use std::time::{Duration, Instant};

/// Wall time per test by default: the two tests run in parallel within `cargo test`.
pub const DEFAULT_SECONDS: f64 = 5.0;
/// The default first seed: fixed, so that a plain `cargo test` is reproducible.
const DEFAULT_SEED: u64 = 0x6b77_6173_6d00_0000;

pub struct Budget {
    pub first_seed: u64,
    max_cases: Option<u64>,
    deadline: Option<Instant>,
}

impl Budget {
    pub fn from_env() -> Budget {
        let max_cases = env("KWASM_DIFF_CASES").map(|v| parse_u64(&v, "KWASM_DIFF_CASES"));
        let seconds = env("KWASM_DIFF_SECONDS").map(|v| {
            v.parse::<f64>()
                .unwrap_or_else(|_| panic!("KWASM_DIFF_SECONDS={v}: not a number"))
        });
        let seconds = seconds.or(if max_cases.is_some() {
            None
        } else {
            Some(DEFAULT_SECONDS)
        });
        Budget {
            first_seed: env("KWASM_DIFF_SEED").map_or(DEFAULT_SEED, |v| seed(&v)),
            max_cases,
            deadline: seconds.map(|s| Instant::now() + Duration::from_secs_f64(s)),
        }
    }

    /// Whether case number `done` (counting from 0) may still run.
    pub fn allows(&self, done: u64) -> bool {
        self.max_cases.is_none_or(|m| done < m) && self.deadline.is_none_or(|d| Instant::now() < d)
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn seed(v: &str) -> u64 {
    if v == "random" {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        return Rng::new(nanos).next();
    }
    parse_u64(v, "KWASM_DIFF_SEED")
}

fn parse_u64(v: &str, name: &str) -> u64 {
    let parsed = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => v.parse(),
    };
    parsed.unwrap_or_else(|_| panic!("{name}={v}: not a number"))
}

/// SplitMix64: small, fast, and enough for choosing test programs.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}
