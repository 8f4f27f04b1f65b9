;; Float operations read a pinned local's XMM register in place (compiler/src/ops_float.rs,
;; `fbin_operands`): on the right of any operation but copysign (which writes its right
;; operand), and on the left of + and * by taking the other operand's register for the result;
;; `local.set $s (op (local.get $s) x)` computes in $s's register, unless another read of $s
;; is pending on the stack (it must see the old value).
;; Non-commutative operations keep their order; min/max keep their -0/+0 and NaN rules; the
;; pinned locals keep their values (each function returns one of them, scaled, in its result).
(module
  ;; $x and $y are read in a loop: pinned to XMM registers. Each operation with the pinned local
  ;; on the left, on the right, on both sides, and none.
  (func (export "ops64") (param $x f64) (param $y f64) (result f64)
    (local $r f64) (local $i i32)
    (loop $l
      (local.set $r (f64.add (local.get $r) (f64.sub (local.get $x) (local.get $y))))
      (local.set $r (f64.add (local.get $r) (f64.div (f64.const 1) (local.get $x))))
      (local.set $r (f64.add (local.get $r) (f64.div (local.get $y) (f64.const 4))))
      (local.set $r (f64.add (local.get $r) (f64.mul (local.get $x) (local.get $x))))
      (local.set $r (f64.sub (local.get $r) (f64.mul (f64.const 3) (local.get $y))))
      (local.set $r (f64.add (local.get $x) (local.get $r)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
    (f64.add (local.get $r) (f64.mul (local.get $y) (f64.const 1000))))
  (func (export "ops32") (param $x f32) (param $y f32) (result f32)
    (local $r f32) (local $i i32)
    (loop $l
      (local.set $r (f32.add (local.get $r) (f32.sub (local.get $y) (local.get $x))))
      (local.set $r (f32.add (local.get $r) (f32.div (f32.const 1) (local.get $y))))
      (local.set $r (f32.mul (local.get $y) (local.get $r)))
      (local.set $r (f32.sub (local.get $r) (local.get $x)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
    (f32.add (local.get $r) (f32.mul (local.get $x) (f32.const 1000))))
  ;; min, max and copysign with the pinned local on the right: the local keeps its value.
  (func (export "minmax") (param $a f64) (param $b f64) (param $op i32) (result f64)
    (local $r f64) (local $i i32)
    (loop $l
      (local.set $r (if (result f64) (local.get $op)
        (then (f64.min (local.get $a) (local.get $b)))
        (else (f64.max (local.get $a) (local.get $b)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
    (local.get $r))
  (func (export "min_keeps") (param $a f64) (param $b f64) (result f64)
    (local $r f64) (local $i i32)
    (loop $l
      (local.set $r (f64.add (local.get $r) (f64.min (local.get $a) (local.get $b))))
      (local.set $r (f64.add (local.get $r) (f64.max (local.get $a) (local.get $b))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
    (f64.add (local.get $r) (f64.mul (local.get $b) (f64.const 1000))))
  (func (export "copysign_keeps") (param $a f32) (param $b f32) (result f32)
    (local $r f32) (local $i i32)
    (loop $l
      (local.set $r (f32.add (local.get $r) (f32.copysign (local.get $a) (local.get $b))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
    (f32.add (local.get $r) (f32.mul (local.get $b) (f32.const 1000))))
  ;; Accumulators set from themselves by every operation.
  (func (export "accumulate") (param $x f64) (param $s f64) (result f64)
    (local $i i32)
    (loop $l
      (local.set $s (f64.add (local.get $s) (local.get $x)))
      (local.set $s (f64.mul (local.get $s) (f64.const 3)))
      (local.set $s (f64.sub (local.get $s) (local.get $x)))
      (local.set $s (f64.div (local.get $s) (f64.const 2)))
      (local.set $s (f64.max (local.get $s) (f64.neg (local.get $s))))
      (local.set $s (f64.min (local.get $s) (f64.const 1e6)))
      (local.set $s (f64.copysign (local.get $s) (local.get $x)))
      (local.set $s (f64.sub (local.get $s) (local.get $s)))
      (local.set $s (f64.add (local.get $x) (local.get $s)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (f64.add (local.get $s) (f64.mul (local.get $x) (f64.const 1000))))
  (func (export "accumulate32") (param $x f32) (param $s f32) (result f32)
    (local $i i32)
    (loop $l
      (local.set $s (f32.add (local.get $s) (local.get $x)))
      (local.set $s (f32.mul (local.get $s) (local.get $x)))
      (local.set $s (f32.sub (local.get $s) (f32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.get $s))
  ;; A read of $s pending below the operation that sets it: the sum sees the old $s.
  (func (export "pending_read") (param $x f64) (param $s f64) (result f64)
    (local $r f64) (local $i i32)
    (loop $l
      local.get $r
      local.get $s
      local.get $s
      local.get $x
      f64.add
      local.set $s
      local.get $s
      f64.sub
      f64.add
      local.set $r
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (f64.add (local.get $r) (f64.mul (local.get $s) (f64.const 1000))))
  ;; The left operand in a slot (a block's result) when the result goes to a pinned local.
  (func (export "slot_left") (param $x f64) (param $s f64) (result f64)
    (local $i i32)
    (loop $l
      (local.set $s (f64.add (block (result f64) (local.get $x)) (local.get $s)))
      (local.set $s (f64.sub (block (result f64) (local.get $s)) (local.get $x)))
      (local.set $s (f64.mul (block (result f64) (local.get $x)) (local.get $s)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
    (local.get $s))
)

(assert_return (invoke "ops64" (f64.const 3) (f64.const 0.5)) (f64.const 526.9166666666666))
(assert_return (invoke "ops64" (f64.const -2) (f64.const 8)) (f64.const 7939))
(assert_return (invoke "ops32" (f32.const 3) (f32.const 0.5)) (f32.const 2995.125))
(assert_return (invoke "ops32" (f32.const -2) (f32.const 8)) (f32.const -1253))
(assert_return (invoke "minmax" (f64.const 0) (f64.const -0) (i32.const 1)) (f64.const -0))
(assert_return (invoke "minmax" (f64.const -0) (f64.const 0) (i32.const 1)) (f64.const -0))
(assert_return (invoke "minmax" (f64.const -0) (f64.const 0) (i32.const 0)) (f64.const 0))
(assert_return (invoke "minmax" (f64.const 0) (f64.const -0) (i32.const 0)) (f64.const 0))
(assert_return (invoke "minmax" (f64.const 1) (f64.const 2) (i32.const 1)) (f64.const 1))
(assert_return (invoke "minmax" (f64.const 1) (f64.const 2) (i32.const 0)) (f64.const 2))
(assert_return (invoke "minmax" (f64.const 1) (f64.const nan) (i32.const 1)) (f64.const nan:arithmetic))
(assert_return (invoke "minmax" (f64.const nan) (f64.const 1) (i32.const 0)) (f64.const nan:arithmetic))
(assert_return (invoke "min_keeps" (f64.const 3) (f64.const -5)) (f64.const -5004))
(assert_return (invoke "min_keeps" (f64.const -0) (f64.const 0)) (f64.const 0))
(assert_return (invoke "copysign_keeps" (f32.const 3) (f32.const -2)) (f32.const -2006))
(assert_return (invoke "copysign_keeps" (f32.const -3) (f32.const 2)) (f32.const 2006))
(assert_return (invoke "accumulate" (f64.const 2) (f64.const 1)) (f64.const 2002))
(assert_return (invoke "accumulate" (f64.const -0.5) (f64.const 7)) (f64.const -500.5))
(assert_return (invoke "accumulate32" (f32.const 2) (f32.const 1)) (f32.const 29))
(assert_return (invoke "pending_read" (f64.const 2) (f64.const 1)) (f64.const 6994))
(assert_return (invoke "slot_left" (f64.const 3) (f64.const 1)) (f64.const 9))

;; The operator after a float operation is read ahead before it is validated: an index past
;; the locals is the validator's to refuse, not a panic (found by review).
(assert_invalid
  (module (func (param $a f64) (result f64)
    (local.set 99 (f64.add (local.get $a) (local.get $a)))
    (local.get $a)))
  "unknown local")
(assert_invalid
  (module (func (param $a f32) (result f32)
    (local.tee 7 (f32.mul (local.get $a) (local.get $a)))
    (local.get $a)))
  "unknown local")
