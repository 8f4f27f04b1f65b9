;; A local in memory (used too little to get a register of its own): after local.set stores
;; it, its read copies the register that still holds the value (regalloc.rs, `holds`) instead
;; of loading it. Across a join (func.rs, `join`): `g` reads $a from the register that both
;; the branch and the path falling through left it in. `h`: a pinned local set to the sum of
;; two other values is one `lea` (ops_int.rs, `lea_sum_into`).
(module (memory 1)
  (func (export "f") (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.mul (local.get 0) (local.get 1)))
    (i32.store (i32.const 16) (local.get 0))
    (local.get 2))
  (func (export "g") (param $c i32) (param $x i32) (result i32) (local $a i32)
    (local.set $a (i32.mul (local.get $x) (i32.const 3)))
    (block
      (br_if 0 (local.get $c))
      (local.set $x (i32.const 5)))
    (i32.add (local.get $a) (local.get $x)))
  (func (export "h") (param $a i32) (param $b i32) (result i32) (local $s i32) (local $i i32)
    (loop $l
      (local.set $s (i32.add (i32.mul (local.get $a) (local.get $i)) (local.get $b)))
      (local.set $a (i32.add (local.get $s) (local.get $b)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $b))))
    (local.get $s)))
