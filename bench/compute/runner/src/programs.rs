//! The programs: what each computes, its size parameter, and its native build.

use kwasm_bench_compute_rs as rs;

/// One program of the suite.
pub struct Program {
    pub name: &'static str,
    /// "C" or "Rust".
    pub lang: &'static str,
    pub what: &'static str,
    /// `run(n)` for a full run (one native run ~50–200 ms on the reference machine) and for
    /// `--quick`.
    pub n: u32,
    pub n_quick: u32,
    pub native: fn(u32) -> u32,
}

macro_rules! c_programs {
    ($($name:ident),*) => {
        mod c {
            extern "C" {
                $(pub fn $name(n: u32) -> u32;)*
            }
        }
    };
}

c_programs!(
    qsort_run,
    sha256_run,
    lz_run,
    matmul_run,
    dijkstra_run,
    vm_run,
    nbody_run,
    crc32_run,
    strsearch_run
);

macro_rules! c_fn {
    ($name:ident) => {{
        fn f(n: u32) -> u32 {
            // SAFETY: the C programs' `run` takes and returns a plain integer and touches only
            // their own static buffers; the runner calls them from one thread.
            unsafe { c::$name(n) }
        }
        f
    }};
}

pub const ALL: &[Program] = &[
    Program {
        name: "qsort",
        lang: "C",
        what: "quicksort of n pseudo-random ints",
        n: 1_000_000,
        n_quick: 100_000,
        native: c_fn!(qsort_run),
    },
    Program {
        name: "sha256",
        lang: "C",
        what: "SHA-256 of a 64 KiB buffer, n times",
        n: 200,
        n_quick: 20,
        native: c_fn!(sha256_run),
    },
    Program {
        name: "lz",
        lang: "C",
        what: "LZ77 (LZ4-style) compress + decompress of 256 KiB of text, n times",
        n: 40,
        n_quick: 4,
        native: c_fn!(lz_run),
    },
    Program {
        name: "matmul",
        lang: "C",
        what: "n x n double matrix multiply",
        n: 512,
        n_quick: 160,
        native: c_fn!(matmul_run),
    },
    Program {
        name: "dijkstra",
        lang: "C",
        what: "Dijkstra with a binary heap on a 16384-node graph, n sources",
        n: 20,
        n_quick: 2,
        native: c_fn!(dijkstra_run),
    },
    Program {
        name: "vm",
        lang: "C",
        what: "bytecode VM (switch dispatch) running Collatz + Fibonacci for 0..n",
        n: 20_000,
        n_quick: 2_000,
        native: c_fn!(vm_run),
    },
    Program {
        name: "nbody",
        lang: "C",
        what: "n-body simulation (Benchmarks Game), n steps",
        n: 1_000_000,
        n_quick: 100_000,
        native: c_fn!(nbody_run),
    },
    Program {
        name: "crc32",
        lang: "C",
        what: "CRC-32 (slicing by 4) of a 64 KiB buffer, n times",
        n: 1_000,
        n_quick: 100,
        native: c_fn!(crc32_run),
    },
    Program {
        name: "strsearch",
        lang: "C",
        what: "Boyer-Moore-Horspool, 16 patterns in 1 MiB of text, n times",
        n: 3,
        n_quick: 1,
        native: c_fn!(strsearch_run),
    },
    Program {
        name: "sieve",
        lang: "Rust",
        what: "bit sieve of Eratosthenes below n * 2^20",
        n: 64,
        n_quick: 8,
        native: rs::sieve::run,
    },
    Program {
        name: "mandelbrot",
        lang: "Rust",
        what: "Mandelbrot set, n x n points, 50 iterations",
        n: 1_000,
        n_quick: 300,
        native: rs::mandelbrot::run,
    },
    Program {
        name: "hashtab",
        lang: "Rust",
        what: "open-addressing hash table: n * 2^16 inserts, lookups and removals",
        n: 24,
        n_quick: 2,
        native: rs::hashtab::run,
    },
    Program {
        name: "brainfuck",
        lang: "Rust",
        what: "Brainfuck interpreter running a squares program, n times",
        n: 40,
        n_quick: 4,
        native: rs::brainfuck::run,
    },
];

/// Size of each C program's native machine code (its object's .text), from build.rs.
pub fn native_code_bytes(name: &str) -> Option<u64> {
    include_str!(concat!(env!("OUT_DIR"), "/native_sizes.txt"))
        .lines()
        .filter_map(|l| l.split_once(' '))
        .find(|(n, _)| *n == name)
        .and_then(|(_, s)| s.parse().ok())
}
