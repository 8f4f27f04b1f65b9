//! Malformed input never panics the compiler: truncated and bit-flipped modules (thousands,
//! generated from real ones) get clean errors, or compile if the damage happens to be valid.

const SEEDS: &[&str] = &[
    r#"(module (memory 1) (global $g (mut i32) (i32.const 0))
        (table 2 funcref) (elem (i32.const 0) $a $b) (type $t (func (param i32) (result i32)))
        (func $a (type $t) (i32.add (local.get 0) (global.get $g)))
        (func $b (type $t) (call_indirect (type $t) (local.get 0) (i32.const 0)))
        (func (export "f") (param i32 f64) (result i32) (local i64 f32)
          (block $x (loop $l (br_if $x (i32.eqz (local.get 0)))
            (i32.store offset=4 (local.get 0) (i32.load8_s (local.get 0)))
            (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br $l)))
          (drop (f64.sqrt (local.get 1)))
          (i32.trunc_sat_f64_s (local.get 1)))
        (data (i32.const 8) "hello"))"#,
    r#"(module (func (export "g") (param i64) (result i64 i32)
        (local.get 0) (i64.const 3) (i64.div_s) (i32.const 7)
        (block (param i64 i32) (result i64 i32) (br 0))))"#,
];

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn truncations_and_bit_flips_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut ok, mut refused) = (0, 0);
    for seed in SEEDS {
        let wasm = wat::parse_str(seed).unwrap();
        kwasm_compiler::compile(&wasm, &Default::default()).expect("seed compiles");
        // A cut at a section boundary leaves a valid (smaller) module; anywhere else it is an
        // error. Either way: no panic.
        let mut cut_ok = 0;
        for len in 0..wasm.len() {
            match kwasm_compiler::compile(&wasm[..len], &Default::default()) {
                Ok(_) => cut_ok += 1,
                Err(_) => refused += 1,
            }
        }
        assert!(cut_ok < 12, "{cut_ok} truncations compiled");
        for _ in 0..3000 {
            let mut m = wasm.clone();
            for _ in 0..1 + rng.next() % 3 {
                let i = (rng.next() as usize) % m.len();
                m[i] ^= 1 << (rng.next() % 8);
            }
            match kwasm_compiler::compile(&m, &Default::default()) {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert!(!e.message.is_empty());
                    refused += 1;
                }
            }
        }
    }
    assert!(refused > 1000, "{refused} refused, {ok} compiled");
}

#[test]
fn errors_name_the_feature_function_and_offset() {
    let simd = wat::parse_str(r#"(module (func (drop (v128.const i64x2 0 0))))"#).unwrap();
    let e = kwasm_compiler::compile(&simd, &Default::default()).unwrap_err();
    assert!(e.to_string().contains("SIMD"), "{e}");
    assert_eq!(e.func, Some(0));
    assert!(e.offset > 0);
    let threads = wat::parse_str(r#"(module (memory 1 1 shared))"#).unwrap();
    assert!(kwasm_compiler::compile(&threads, &Default::default()).is_err());
}
