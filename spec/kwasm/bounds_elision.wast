;; Bounds checks left out (compiler/src/bounds.rs): constant addresses inside the declared
;; minimum, and accesses through a pinned local after a check that covered them. Every case
;; where leaving a check out would be wrong must still trap.
(module
  (memory 1 3)
  (func (export "const_in") (result i32) (i32.load (i32.const 65532)))
  (func (export "const_out") (result i32) (i32.load (i32.const 65533)))
  (func (export "const_offset_out") (result i32) (i32.load offset=65533 (i32.const 0)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  ;; Two accesses through $p, the second covered by the first.
  (func (export "covered") (param $p i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.add (i32.load offset=4 (local.get $p)) (i32.load8_u offset=1 (local.get $p)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.get $s))
  ;; The second access reaches further than the first: checked again.
  (func (export "further") (param $p i32) (result i32)
    (local $i i32)
    (loop $l
      (drop (i32.load8_u (local.get $p)))
      (drop (i32.load offset=2 (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (i32.const 7))
  ;; $p is written between two accesses: checked again.
  (func (export "rewritten") (param $p i32) (param $q i32) (result i32)
    (local $i i32)
    (loop $l
      (drop (i32.load (local.get $p)))
      (local.set $p (local.get $q))
      (drop (i32.load (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (i32.const 7))
  ;; A check in one branch says nothing about the other, nor after the join.
  (func (export "branches") (param $p i32) (param $c i32) (result i32)
    (local $i i32)
    (loop $l
      (if (local.get $c)
        (then (drop (i32.load (i32.const 0))) (local.set $c (i32.const 1)))
        (else (drop (i32.load (local.get $p)))))
      (drop (i32.load (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (i32.const 7))
  ;; Loop iterations do not inherit the previous iteration's check.
  (func (export "walk") (param $p i32) (param $n i32) (result i32)
    (local $s i32) (local $i i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
      (i32.store8 (local.get $p) (i32.const 1))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  ;; An offset past the minimum takes the ordinary check.
  (func (export "big_offset") (param $p i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.load offset=70000 (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.get $s))
  (data (i32.const 100) "\01\02\03\04\05\06\07\08")
)
(assert_return (invoke "const_in") (i32.const 0))
(assert_trap (invoke "const_out") "out of bounds memory access")
(assert_trap (invoke "const_offset_out") "out of bounds memory access")
(assert_return (invoke "covered" (i32.const 100)) (i32.const 0x18151215))
(assert_return (invoke "covered" (i32.const 65528)) (i32.const 0))
(assert_trap (invoke "covered" (i32.const 65529)) "out of bounds memory access")
(assert_return (invoke "further" (i32.const 65530)) (i32.const 7))
(assert_trap (invoke "further" (i32.const 65533)) "out of bounds memory access")
(assert_return (invoke "rewritten" (i32.const 0) (i32.const 65532)) (i32.const 7))
(assert_trap (invoke "rewritten" (i32.const 0) (i32.const 65533)) "out of bounds memory access")
(assert_trap (invoke "branches" (i32.const 65533) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "branches" (i32.const 65533) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "walk" (i32.const 65530) (i32.const 6)) (i32.const 0))
(assert_trap (invoke "walk" (i32.const 65530) (i32.const 7)) "out of bounds memory access")
(assert_trap (invoke "big_offset" (i32.const 0)) "out of bounds memory access")
;; After growing, the same accesses pass: the checks compare with the size at run time ("walk"
;; above left 1s in the last bytes of the first page).
(assert_return (invoke "grow") (i32.const 1))
(assert_return (invoke "const_out") (i32.const 0x010101))
(assert_return (invoke "covered" (i32.const 65529)) (i32.const 197382))
(assert_return (invoke "walk" (i32.const 65530) (i32.const 7)) (i32.const 6))
(assert_return (invoke "big_offset" (i32.const 0)) (i32.const 0))
