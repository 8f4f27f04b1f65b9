;; One check for a run of loads through a pinned local (widening.rs): through the local with
;; offsets, and through the local plus constants (with the slow path for a sum that wraps).
(module
  (memory 1)
  (func (param $p i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i)
        (i32.add (i32.load (local.get $p)) (i32.load offset=12 (local.get $p)))))
      (br_if $l (i32.lt_u (local.get $i) (local.get $p))))
    (local.get $i))
  (func (param $p i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i)
        (i32.xor (i32.load (i32.add (local.get $p) (i32.const 4)))
                 (i32.load (i32.add (local.get $p) (i32.const 36))))))
      (br_if $l (i32.lt_u (local.get $i) (local.get $p))))
    (local.get $i)))
