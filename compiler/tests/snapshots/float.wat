;; Floats: min with NaN and signed-zero handling, trapping conversion; pinned locals read in
;; place (`axpy`: `mulsd` into the loaded value's register from $a's, `addsd` from the sum's).
(module
  (func (export "min") (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))
  (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func (export "axpy") (param $a f64) (param $p i32) (param $n i32) (result f64) (local $s f64)
    (loop $l
      (local.set $s (f64.add (local.get $s) (f64.mul (local.get $a) (f64.load (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  (memory 1))
