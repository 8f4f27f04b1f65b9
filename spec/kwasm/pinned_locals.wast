;; Locals kept in registers for the whole function (compiler/src/pinning.rs): reads pending on
;; the stack when the local is written, tee, set from itself, values across calls (wasm, host
;; helper, indirect), loops and branches, floats, and more hot locals than pinned registers.
(module
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $id $sum_to)
  (type $ii (func (param i32) (result i32)))
  (func $id (param i32) (result i32) (local.get 0))
  ;; Loop-heavy: i, acc and n are pinned.
  (func $sum_to (export "sum_to") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  ;; A read of $x pending on the stack when $x is written: the old value must be used.
  (func (export "pending") (param $x i32) (result i32)
    (local $k i32)
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $k) (i32.const 3))))
    (i32.sub (local.get $x) (local.tee $x (i32.add (local.get $x) (local.get $k)))))
  ;; local.set x (local.get x), tee chains, set from another pinned local.
  (func (export "shuffle") (param $a i32) (param $b i32) (result i32)
    (local $t i32) (local $i i32)
    (loop $l
      (local.set $a (local.get $a))
      (local.set $t (local.get $a))
      (local.set $a (local.get $b))
      (local.set $b (local.get $t))
      (local.set $i (local.tee $t (i32.add (local.get $i) (i32.const 1))))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (i32.add (i32.mul (local.get $a) (i32.const 1000)) (local.get $b)))
  ;; Pinned locals live across direct, indirect and helper calls in a loop.
  (func (export "across_calls") (param $n i32) (result i32)
    (local $i i32) (local $acc i32) (local $f f64)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $id (local.get $i))))
      (local.set $acc (i32.add (local.get $acc)
        (call_indirect (type $ii) (local.get $i) (i32.const 0))))
      (drop (memory.grow (i32.const 0)))
      (local.set $f (f64.add (local.get $f) (f64.convert_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $acc) (i32.trunc_f64_u (local.get $f))))
  ;; Recursion: every frame's pinned locals survive the calls below it.
  (func $fib (export "fib") (param $n i32) (result i32)
    (local $a i32) (local $b i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (local.set $a (call $fib (i32.sub (local.get $n) (i32.const 1))))
        (local.set $b (call $fib (i32.sub (local.get $n) (i32.const 2))))
        (local.set $n (i32.const 99))
        (i32.add (local.get $a) (local.get $b)))))
  ;; Pinned locals as conditions of br_if, if and select, and updated in place.
  (func (export "countdown") (param $n i32) (param $c i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (select (i32.const 3) (i32.const 5) (local.get $c))))
      (if (local.get $c) (then (local.set $s (i32.mul (local.get $s) (i32.const 2)))))
      (local.set $c (i32.xor (local.get $c) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $s))
  ;; An in-place update must not change a read of the same local pending on the stack.
  (func (export "pending_in_place") (param $x i32) (result i32)
    (local $k i32)
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $k) (i32.const 3))))
    (local.get $x)
    (local.set $x (i32.add (local.get $x) (local.get $k)))
    (local.get $x)
    (i32.sub))
  ;; Results computed straight into the pinned local the next operator sets: from another
  ;; local (lea), with the destination as the right operand, with a read of the destination
  ;; pending, sub of the most negative immediate, i64.
  (func (export "dest") (param $a i32) (param $b i32) (result i32)
    (local $i i32) (local $x i32) (local $y i32) (local $z i32) (local $w i64)
    (loop $l
      (local.set $x (i32.add (local.get $a) (i32.const 5)))
      (local.set $y (i32.sub (local.get $x) (i32.const -2147483648)))
      (local.set $x (i32.sub (local.get $b) (local.get $x)))
      local.get $y
      local.get $x
      local.get $a
      i32.xor
      local.set $y
      local.set $z
      (local.set $a (i32.add (local.get $y) (i32.sub (local.get $a) (local.get $y))))
      (local.set $w (i64.add (local.get $w) (i64.extend_i32_u (local.get $y))))
      (local.set $w (i64.sub (local.get $w) (i64.const 3)))
      (local.set $b (i32.add (i32.wrap_i64 (local.get $w)) (local.get $b)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4))))
    (i32.add (i32.add (local.get $x) (local.get $y))
      (i32.add (i32.add (local.get $b) (local.get $z)) (i32.wrap_i64 (local.get $w)))))
  ;; More hot locals (i64 and f32/f64) than there are pinned registers.
  (func (export "many") (param $n i32) (result i64)
    (local $i i32) (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64)
    (local $f i64) (local $g i64) (local $x f32) (local $y f64) (local $z f64) (local $w f32)
    (loop $l
      (local.set $a (i64.add (local.get $a) (i64.const 1)))
      (local.set $b (i64.add (local.get $b) (local.get $a)))
      (local.set $c (i64.xor (local.get $c) (i64.shl (local.get $b) (i64.extend_i32_u (local.get $i)))))
      (local.set $d (i64.add (local.get $d) (i64.div_u (local.get $c) (i64.add (local.get $a) (i64.const 1)))))
      (local.set $e (i64.rotl (local.get $e) (local.get $a)))
      (local.set $e (i64.add (local.get $e) (local.get $d)))
      (local.set $f (i64.rem_s (local.get $e) (i64.const 1000003)))
      (local.set $g (i64.add (local.get $g) (local.get $f)))
      (local.set $x (f32.add (local.get $x) (f32.const 0.5)))
      (local.set $y (f64.add (local.get $y) (f64.promote_f32 (local.get $x))))
      (local.set $z (f64.mul (local.get $y) (f64.const 2)))
      (local.set $w (f32.demote_f64 (local.get $z)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (i64.add (local.get $g) (local.get $c))
      (i64.trunc_f64_s (f64.add (local.get $z) (f64.promote_f32 (local.get $w))))))
  ;; Compares of a pinned local use its register in place; when such a compare becomes a 0/1
  ;; (stored, added, or written back to the same local) the 0/1 goes elsewhere, and a tee of a
  ;; pinned local leaves a read of it that an in-place operation must not change.
  (func (export "compare_in_place") (param $p i32) (param $q i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.lt_u (local.get $p) (local.get $q))))
      (local.set $s (i32.add (local.get $s) (i32.mul (i32.eqz (local.get $p)) (i32.const 10))))
      (local.set $s (i32.add (local.get $s)
        (select (i32.const 100) (i32.const 1000) (i32.gt_s (local.get $q) (local.get $p)))))
      (local.set $p (i32.eqz (local.get $p)))
      (local.set $q (i32.ge_u (local.get $q) (local.get $i)))
      (local.set $s (i32.add (local.get $s)
        (i32.add (local.tee $p (i32.add (local.get $p) (i32.const 5))) (i32.const 1))))
      (local.set $s (i32.xor (local.get $s) (local.get $p)))
      (local.set $p (i32.add (local.tee $p (i32.mul (local.get $p) (i32.const 3))) (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4))))
    (i32.add (i32.mul (local.get $s) (i32.const 7)) (local.get $p)))
  ;; A pinned local set to the sum of two other values, one `lea` (ops_int.rs, `lea_sum_into`):
  ;; two pinned locals, a value and a pinned local, a value and a constant (wrapping at 2^32
  ;; for i32, not for i64), and a value and a read of the local itself pending on the stack.
  (func (export "sum_into") (param $a i32) (param $b i32) (result i64)
    (local $s i32) (local $i i32)
    (loop $l
      (local.set $s (i32.add (local.get $a) (local.get $b)))
      (local.set $b (i32.add (i32.mul (local.get $s) (i32.const 3)) (local.get $i)))
      (local.set $a (i32.add (i32.xor (local.get $b) (local.get $s)) (i32.const 0x7fffffff)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
    ;; Zero-extended: an i32 in a register has its upper half clear.
    (i64.add (i64.extend_i32_u (local.get $a)) (i64.extend_i32_u (local.get $s))))
  ;; The sums wrap to small addresses: an i32 sum with its upper half set would fail the
  ;; bounds checks, which sum the register in 64 bits.
  (func (export "sum_address") (param $a i32) (param $b i32) (result i32)
    (local $s i32) (local $i i32)
    (i32.store (i32.const 0) (local.get $a))
    (loop $l
      (local.set $s (i32.add (i32.load (i32.const 0)) (local.get $b)))
      (i32.store (local.get $s) (i32.add (local.get $i) (i32.const 100)))
      (local.set $s (i32.add (i32.or (i32.shl (local.get $i) (i32.const 2)) (i32.const 0xf0000000))
        (i32.const 0x10000010)))
      (i32.store (i32.const 4)
        (i32.add (i32.mul (i32.load (i32.const 4)) (i32.const 7)) (i32.load (local.get $s))))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4))))
    (i32.load (i32.const 4)))
  (func (export "sum_into64") (param $a i64) (param $b i64) (result i64)
    (local $s i64) (local $i i32)
    (loop $l
      (local.set $s (i64.add (local.get $a) (local.get $b)))
      (local.set $b (i64.add (i64.mul (local.get $s) (i64.const 3)) (local.get $a)))
      (local.set $a (i64.add (i64.xor (local.get $b) (local.get $s)) (i64.const 0x7fffffff)))
      (local.get $s)
      (local.set $s (i64.add (i64.shl (local.get $a) (i64.const 1)) (i64.const -5)))
      (local.set $s (i64.sub (local.get $s)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
    (i64.add (local.get $a) (i64.mul (local.get $s) (i64.const 5))))

)
(assert_return (invoke "sum_to" (i32.const 0)) (i32.const 0))
(assert_return (invoke "sum_to" (i32.const 10)) (i32.const 45))
(assert_return (invoke "sum_to" (i32.const 1000)) (i32.const 499500))
(assert_return (invoke "pending" (i32.const 10)) (i32.const -3))
(assert_return (invoke "shuffle" (i32.const 1) (i32.const 2)) (i32.const 2001))
(assert_return (invoke "across_calls" (i32.const 10)) (i32.const 135))
(assert_return (invoke "fib" (i32.const 20)) (i32.const 6765))
(assert_return (invoke "many" (i32.const 1)) (i64.const 3))
(assert_return (invoke "many" (i32.const 5)) (i64.const 14295))
(assert_return (invoke "many" (i32.const 100)) (i64.const -1314163864748918872))
(assert_return (invoke "countdown" (i32.const 4) (i32.const 1)) (i32.const 33))
(assert_return (invoke "countdown" (i32.const 3) (i32.const 0)) (i32.const 21))
(assert_return (invoke "pending_in_place" (i32.const 10)) (i32.const -3))
(assert_return (invoke "dest" (i32.const 7) (i32.const 100)) (i32.const -2147476329))
(assert_return (invoke "dest" (i32.const -9) (i32.const 3)) (i32.const 2147483638))
(assert_return (invoke "compare_in_place" (i32.const 0) (i32.const 5)) (i32.const 21975))
(assert_return (invoke "compare_in_place" (i32.const 3) (i32.const 2)) (i32.const 28198))
(assert_return (invoke "compare_in_place" (i32.const -1) (i32.const 7)) (i32.const 21898))
(assert_return (invoke "sum_into64" (i64.const 1) (i64.const 2)) (i64.const -1673214606221494384))
(assert_return (invoke "sum_into64" (i64.const -7) (i64.const 0x123456789abc)) (i64.const 8539050960307776762))
(assert_return (invoke "sum_into" (i32.const 1) (i32.const 2)) (i64.const 4358923134))
(assert_return (invoke "sum_into" (i32.const -7) (i32.const 0x12345678)) (i64.const 2597934668))
(assert_return (invoke "sum_address" (i32.const 0xfffffff0) (i32.const 0x20)) (i32.const 40066))
