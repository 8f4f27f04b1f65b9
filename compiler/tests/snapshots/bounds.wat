;; Bounds checks left out (bounds.rs): a constant address inside the minimum, and a second
;; access through a pinned local covered by the first one's check. `axpy` is clang's unrolled
;; `c[j] += a * b[j]` (matmul's inner loop): each check leaves its result in a copy register,
;; three at once (rax, rdx, rcx), and no local is clamped in place.
(module
  (memory 1)
  (func (export "sum") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.add (i32.load offset=4 (local.get $p)) (i32.load (local.get $p)))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (i32.add (local.get $s) (i32.load (i32.const 16))))
  (func (export "axpy") (param $c i32) (param $b i32) (param $a f64) (param $n i32)
    (local $i i32) (local $c1 i32)
    (loop $l
      (f64.store (local.get $c)
        (f64.add (f64.mul (local.get $a) (f64.load (local.get $b))) (f64.load (local.get $c))))
      (local.set $c1 (i32.add (local.get $c) (i32.const 8)))
      (f64.store (local.get $c1)
        (f64.add (f64.mul (local.get $a) (f64.load offset=8 (local.get $b)))
          (f64.load (local.get $c1))))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br_if $l (i32.ne (local.get $n)
        (local.tee $i (i32.add (local.get $i) (i32.const 2))))))))
