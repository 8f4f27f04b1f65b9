;; An address summed by the `i32.add` right before a load is summed again by the load's check,
;; exactly (compiler/src/address_sum.rs): when wasm's sum wraps at 2^32 the exact one fails the
;; check, and the slow path must then find the wrapped address (in bounds: no trap) or trap.
;; Every form of sum: register + constant, pinned local + constant, register + register,
;; shifted index + constant, base + shifted index; with the memarg's offset on top.
(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14")
  (data (i32.const 64) "\41\42\43\44\45\46\47\48")
  (data (i32.const 65528) "\f1\f2\f3\f4\f5\f6\f7\f8")

  ;; A parameter (loaded into a register) plus a constant.
  (func (export "reg_imm") (param i32) (result i32)
    (i32.load8_u (i32.add (local.get 0) (i32.const 16))))
  (func (export "reg_imm_offset") (param i32) (result i32)
    (i32.load offset=4 (i32.add (local.get 0) (i32.const 8))))
  (func (export "reg_imm_i64") (param i32) (result i64)
    (i64.load (i32.add (local.get 0) (i32.const 0x7fffffff))))
  (func (export "reg_imm_f64") (param i32) (result f64)
    (f64.load (i32.add (local.get 0) (i32.const 64))))
  ;; Two registers.
  (func (export "reg_reg") (param i32 i32) (result i32)
    (i32.load16_u offset=2 (i32.add (local.get 0) (local.get 1))))
  ;; A shifted index plus a constant, and a base plus a shifted index.
  (func (export "scaled_imm") (param i32) (result i32)
    (i32.load8_s (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 64))))
  (func (export "base_scaled") (param i32 i32) (result i64)
    (i64.load8_u offset=1 (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3)))))
  ;; A pinned local (read in a loop) plus a constant: the sum of n bytes from p + 1055 on.
  (func (export "pinned_imm") (param $p i32) (param $n i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.load8_u (i32.add (local.get $p) (i32.const 1055)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
)

;; No wrap: the fast path.
(assert_return (invoke "reg_imm" (i32.const 0)) (i32.const 0x11))
(assert_return (invoke "reg_imm" (i32.const 65519)) (i32.const 0xf8))
(assert_trap (invoke "reg_imm" (i32.const 65520)) "out of bounds memory access")
;; The sum wraps to an address in bounds: the slow path's access.
(assert_return (invoke "reg_imm" (i32.const -16)) (i32.const 0x01))
(assert_return (invoke "reg_imm" (i32.const -1)) (i32.const 0x10))
;; The sum wraps to an address out of bounds.
(assert_trap (invoke "reg_imm" (i32.const -17)) "out of bounds memory access")
(assert_trap (invoke "reg_imm" (i32.const 0x7fffffff)) "out of bounds memory access")

;; The memarg's offset does not wrap: only the i32 sum does.
(assert_return (invoke "reg_imm_offset" (i32.const 0)) (i32.const 0x100f0e0d))
(assert_return (invoke "reg_imm_offset" (i32.const -8)) (i32.const 0x08070605))
(assert_trap (invoke "reg_imm_offset" (i32.const -9)) "out of bounds memory access")
(assert_trap (invoke "reg_imm_offset" (i32.const -12)) "out of bounds memory access")
(assert_trap (invoke "reg_imm_offset" (i32.const 65524)) "out of bounds memory access")
(assert_return (invoke "reg_imm_offset" (i32.const 65516)) (i32.const 0xf4f3f2f1))

;; The largest constant.
(assert_return (invoke "reg_imm_i64" (i32.const 0x80000001)) (i64.const 0x0807060504030201))
(assert_return (invoke "reg_imm_i64" (i32.const 0x8000fff9)) (i64.const 0xf8f7f6f5f4f3f2f1))
(assert_trap (invoke "reg_imm_i64" (i32.const 0x8000fffa)) "out of bounds memory access")
(assert_trap (invoke "reg_imm_i64" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "reg_imm_f64" (i32.const -64)) (f64.const 0x1.7060504030201p-895))

(assert_return (invoke "reg_reg" (i32.const 4) (i32.const 8)) (i32.const 0x100f))
(assert_return (invoke "reg_reg" (i32.const -4) (i32.const 8)) (i32.const 0x0807))
(assert_return (invoke "reg_reg" (i32.const -1) (i32.const 1)) (i32.const 0x0403))
(assert_trap (invoke "reg_reg" (i32.const -1) (i32.const -2)) "out of bounds memory access")
(assert_trap (invoke "reg_reg" (i32.const 65530) (i32.const 3)) "out of bounds memory access")

;; (x << 2) + 64: x << 2 loses its top bits before the add, and the add wraps.
(assert_return (invoke "scaled_imm" (i32.const 1)) (i32.const 0x45))
(assert_return (invoke "scaled_imm" (i32.const 0x40000001)) (i32.const 0x45))
(assert_return (invoke "scaled_imm" (i32.const 0x3ffffff1)) (i32.const 0x05))
(assert_return (invoke "scaled_imm" (i32.const 0xfffffff1)) (i32.const 0x05))
(assert_trap (invoke "scaled_imm" (i32.const 0x3fffffef)) "out of bounds memory access")
(assert_trap (invoke "scaled_imm" (i32.const 0x3ff0)) "out of bounds memory access")

(assert_return (invoke "base_scaled" (i32.const 64) (i32.const 0)) (i64.const 0x42))
(assert_return (invoke "base_scaled" (i32.const 64) (i32.const 0x20000000)) (i64.const 0x42))
(assert_return (invoke "base_scaled" (i32.const -8) (i32.const 1)) (i64.const 0x02))
(assert_return (invoke "base_scaled" (i32.const 16) (i32.const 0x3ffffffe)) (i64.const 0x02))
(assert_trap (invoke "base_scaled" (i32.const -10) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "base_scaled" (i32.const 65528) (i32.const 1)) "out of bounds memory access")

;; p + 1055 from -1055 on wraps to 0 on: 1 + 2 + 3 + 4; from -1057: two bytes past the
;; memory's end, then 1 + 2 (both traps: the first byte already is out of bounds).
(assert_return (invoke "pinned_imm" (i32.const -1055) (i32.const 4)) (i32.const 10))
(assert_return (invoke "pinned_imm" (i32.const 0) (i32.const 3)) (i32.const 0))
(assert_trap (invoke "pinned_imm" (i32.const -1057) (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "pinned_imm" (i32.const 64473) (i32.const 8)) (i32.const 0x07a4))
(assert_trap (invoke "pinned_imm" (i32.const 64473) (i32.const 9)) "out of bounds memory access")
