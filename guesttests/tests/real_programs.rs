//! Programs built by today's toolchains with their default settings — Rust (rustc for wasm32,
//! `-Zbuild-std=core,alloc`) and C (clang + wasi-libc) — give the same results through kwasm as
//! their native builds.

use kwasm::executor::Value;
use kwasm_guesttests::instantiate;

extern "C" {
    fn c_sort_checksum(n: u32, seed: u32) -> u32;
    fn c_strings(rounds: u32) -> u32;
}

const RUST: &str = "rust/wasm32-unknown-unknown/release/kwasm_guest_algos.wasm";
const C: &str = "c/algos.wasm";

fn i32_of(v: &[Value]) -> u32 {
    match v {
        [Value::I32(x)] => *x as u32,
        other => panic!("expected one i32, got {other:?}"),
    }
}

#[test]
fn rust_guest_matches_native() {
    let g = instantiate(RUST);
    for n in [0, 2, 3, 100, 10_007, 200_000] {
        assert_eq!(
            i32_of(&g.invoke("sieve", &[Value::I32(n as i32)]).unwrap()),
            kwasm_guest_algos::sieve(n),
            "sieve({n})"
        );
    }
    for (n, seed) in [(0, 1), (1, 2), (1000, 7), (20_000, 99)] {
        let got = g
            .invoke("sort_checksum", &[Value::I32(n), Value::I32(seed)])
            .unwrap();
        assert_eq!(
            got,
            vec![Value::I64(
                kwasm_guest_algos::sort_checksum(n as u32, seed as u32) as i64
            )],
            "sort_checksum({n}, {seed})"
        );
    }
    for (n, seed) in [(0, 1), (500, 3), (5000, 11)] {
        let got = i32_of(
            &g.invoke("word_table", &[Value::I32(n), Value::I32(seed)])
                .unwrap(),
        );
        assert_eq!(
            got,
            kwasm_guest_algos::word_table(n as u32, seed as u32),
            "word_table({n}, {seed})"
        );
    }
    for steps in [0, 1, 50, 400] {
        let got = i32_of(&g.invoke("float_format", &[Value::I32(steps)]).unwrap());
        assert_eq!(
            got,
            kwasm_guest_algos::float_format(steps as u32),
            "float_format({steps})"
        );
    }
}

#[test]
fn c_guest_matches_native() {
    let g = instantiate(C);
    for (n, seed) in [(0, 1), (1, 5), (1000, 7), (30_000, 1234)] {
        let got = i32_of(
            &g.invoke("c_sort_checksum", &[Value::I32(n), Value::I32(seed)])
                .unwrap(),
        );
        // SAFETY: plain C function over its own allocations.
        let want = unsafe { c_sort_checksum(n as u32, seed as u32) };
        assert_eq!(got, want, "c_sort_checksum({n}, {seed})");
    }
    for rounds in [0, 10, 3000] {
        let got = i32_of(&g.invoke("c_strings", &[Value::I32(rounds)]).unwrap());
        // SAFETY: as above.
        let want = unsafe { c_strings(rounds as u32) };
        assert_eq!(got, want, "c_strings({rounds})");
    }
}
