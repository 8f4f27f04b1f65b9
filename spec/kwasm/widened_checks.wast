;; Widened checks (compiler/src/widening.rs) and checks through a pinned local plus a constant
;; (compiler/src/bounds.rs, rule 2): one check covers the loads that follow through the same
;; local. Trapping earlier than the program would must never be seen: every case where an
;; effect, another trap or a branch comes between the two loads keeps the program's order,
;; and sums that wrap at 2^32 keep wasm's meaning. Each function reads $p often enough to have it
;; pinned (compiler/src/pinning.rs): `(drop (local.get $p))` twice at its start.
(module
  (memory 1 3)
  (global $g (mut i32) (i32.const 0))
  (data (i32.const 0) "\01\00\00\00")
  (data (i32.const 96) "\02\00\00\00")
  (data (i32.const 65532) "\03\00\00\00")
  (func (export "peek") (result i32) (i32.load (i32.const 200)))
  (func (export "poke") (param i32) (i32.store (i32.const 200) (local.get 0)))
  (func (export "global") (result i32) (global.get $g))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))

  ;; Nothing between the loads: the first check reaches as far as the last load.
  (func (export "pure") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.add (i32.load (local.get $p)) (i32.load offset=40 (local.get $p)))
      (i32.load offset=96 (local.get $p))))
  ;; A store between: it happens before the farther load traps.
  (func (export "store_between") (param $p i32) (result i32)
    (local $x i32)
    (drop (local.get $p)) (drop (local.get $p))
    (local.set $x (i32.load (local.get $p)))
    (i32.store (i32.const 200) (i32.const 42))
    (i32.add (local.get $x) (i32.load offset=96 (local.get $p))))
  ;; A global written between: likewise.
  (func (export "global_between") (param $p i32) (result i32)
    (local $x i32)
    (drop (local.get $p)) (drop (local.get $p))
    (local.set $x (i32.load (local.get $p)))
    (global.set $g (i32.const 7))
    (i32.add (local.get $x) (i32.load offset=96 (local.get $p))))
  ;; A division between: its trap comes first.
  (func (export "div_between") (param $p i32) (param $d i32) (result i32)
    (local $x i32)
    (drop (local.get $p)) (drop (local.get $p))
    (local.set $x (i32.div_u (i32.load (local.get $p)) (local.get $d)))
    (i32.add (local.get $x) (i32.load offset=96 (local.get $p))))
  ;; The local written between: the farther load goes through its new value.
  (func (export "set_between") (param $p i32) (param $q i32) (result i32)
    (local $x i32)
    (drop (local.get $p)) (drop (local.get $p))
    (local.set $x (i32.load (local.get $p)))
    (local.set $p (local.get $q))
    (i32.add (local.get $x) (i32.load offset=96 (local.get $p))))
  ;; A branch between: the farther load may never run.
  (func (export "branch_between") (param $p i32) (param $c i32) (result i32)
    (local $x i32)
    (drop (local.get $p)) (drop (local.get $p))
    (block $out
      (local.set $x (i32.load (local.get $p)))
      (br_if $out (local.get $c))
      (local.set $x (i32.add (local.get $x) (i32.load offset=96 (local.get $p)))))
    (local.get $x))
  ;; memory.grow between: the farther load is inside the grown memory.
  (func (export "grow_between") (param $p i32) (result i32)
    (local $x i32)
    (drop (local.get $p)) (drop (local.get $p))
    (local.set $x (i32.load (local.get $p)))
    (drop (memory.grow (i32.const 1)))
    (i32.add (local.get $x) (i32.load offset=96 (local.get $p))))
  ;; A store is not widened over: the store through $p happens before a load past it traps.
  (func (export "store_first") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.store (local.get $p) (i32.const 5))
    (i32.load offset=96 (local.get $p)))

  ;; The same through sums `$p + k`, as rustc and clang emit them.
  (func (export "sums") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.load (i32.add (local.get $p) (i32.const 4)))
      (i32.load (i32.add (local.get $p) (i32.const 100)))))
  (func (export "sums_store_between") (param $p i32) (result i32)
    (local $x i32)
    (drop (local.get $p)) (drop (local.get $p))
    (local.set $x (i32.load (i32.add (local.get $p) (i32.const 4))))
    (i32.store (i32.const 200) (i32.const 43))
    (i32.add (local.get $x) (i32.load (i32.add (local.get $p) (i32.const 100)))))
  ;; A smaller constant than the first access's: not covered (it may wrap where that did not).
  (func (export "sums_down") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.load (i32.add (local.get $p) (i32.const 4)))
      (i32.load (i32.add (local.get $p) (i32.const 2)))))
  ;; A load through the local itself, then through sums: covered, and widened over.
  (func (export "offset_then_sums") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.add (i32.load offset=8 (local.get $p))
        (i32.load (i32.add (local.get $p) (i32.const 4))))
      (i32.load (i32.add (local.get $p) (i32.const 96)))))
  ;; Negative constants, as clang sums fields before a pointer to a struct's middle: the sum
  ;; wraps below 0 (past the memory) where the pointer is small.
  (func (export "negative") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.load (i32.add (local.get $p) (i32.const -8)))
      (i32.add (i32.load (i32.add (local.get $p) (i32.const -4)))
               (i32.load (local.get $p)))))
  (func (export "negative_store_between") (param $p i32) (result i32)
    (local $x i32)
    (drop (local.get $p)) (drop (local.get $p))
    (local.set $x (i32.load (i32.add (local.get $p) (i32.const -8))))
    (i32.store (i32.const 200) (i32.const 44))
    (i32.add (local.get $x) (i32.load offset=4 (local.get $p))))
  ;; Loads below the first one: the check starts at the lowest (into a copy).
  (func (export "below") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.load offset=8 (local.get $p))
      (i32.add (i32.load (i32.add (local.get $p) (i32.const -8)))
               (i32.load (i32.add (local.get $p) (i32.const 4))))))
  (func (export "sum_then_local") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.load (i32.add (local.get $p) (i32.const 8)))
      (i32.load (local.get $p))))
  (func (export "below_store_between") (param $p i32) (result i32)
    (local $x i32)
    (drop (local.get $p)) (drop (local.get $p))
    (local.set $x (i32.load offset=8 (local.get $p)))
    (i32.store (i32.const 200) (i32.const 45))
    (i32.add (local.get $x) (i32.load (i32.add (local.get $p) (i32.const -8)))))
  ;; A store's address is summed before its value: covered by the check of the load of the
  ;; same field.
  (func (export "increment") (param $p i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.store (i32.add (local.get $p) (i32.const 8))
      (i32.add (i32.load (i32.add (local.get $p) (i32.const 8))) (i32.const 1))))
  ;; The address is summed from $p's old value: a check through its new value says nothing.
  (func (export "store_old_sum") (param $p i32) (param $q i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add (local.get $p) (i32.const 8))
    (local.set $p (local.get $q))
    (drop (i32.load offset=100 (local.get $p)))
    (i32.const 7)
    (i32.store))
  ;; A sum that wraps, summed before the value.
  (func (export "store_wrapped_sum") (param $p i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.store (i32.add (local.get $p) (i32.const 8)) (i32.load (i32.const 96))))
  ;; A sum inside a loop, checked once per iteration and through the fact after.
  (func (export "sum_loop") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (drop (local.get $p)) (drop (local.get $p))
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.add (i32.load8_u (i32.add (local.get $p) (i32.const 1)))
                 (i32.load8_u (i32.add (local.get $p) (i32.const 3))))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
)

(assert_return (invoke "pure" (i32.const 0)) (i32.const 3))
(assert_return (invoke "pure" (i32.const 65436)) (i32.const 3))
(assert_trap (invoke "pure" (i32.const 65437)) "out of bounds memory access")
(assert_trap (invoke "pure" (i32.const -1)) "out of bounds memory access")

(assert_return (invoke "peek") (i32.const 0))
(assert_trap (invoke "store_between" (i32.const 65500)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 42))
(invoke "poke" (i32.const 0))

(assert_trap (invoke "global_between" (i32.const 65500)) "out of bounds memory access")
(assert_return (invoke "global") (i32.const 7))

(assert_trap (invoke "div_between" (i32.const 65500) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div_between" (i32.const 65500) (i32.const 1)) "out of bounds memory access")

(assert_return (invoke "set_between" (i32.const 65500) (i32.const 0)) (i32.const 2))
(assert_trap (invoke "set_between" (i32.const 0) (i32.const 65500)) "out of bounds memory access")

(assert_return (invoke "branch_between" (i32.const 65532) (i32.const 1)) (i32.const 3))
(assert_trap (invoke "branch_between" (i32.const 65532) (i32.const 0)) "out of bounds memory access")

(assert_trap (invoke "store_first" (i32.const 65500)) "out of bounds memory access")
(assert_return (invoke "load" (i32.const 65500)) (i32.const 5))
(assert_trap (invoke "sums_store_between" (i32.const 65433)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 43))
(invoke "poke" (i32.const 0))

;; 0xfffffffc + 4 wraps to 0 and + 100 to 96: in bounds, as wasm's i32.add makes them.
(assert_return (invoke "sums" (i32.const -4)) (i32.const 3))
(assert_return (invoke "sums" (i32.const -4)) (i32.const 3))
(assert_return (invoke "sums" (i32.const 65432)) (i32.const 3))
(assert_trap (invoke "sums" (i32.const 65433)) "out of bounds memory access")
(assert_trap (invoke "sums" (i32.const -104)) "out of bounds memory access")
(assert_trap (invoke "sums" (i32.const -100)) "out of bounds memory access")
;; -4 + 4 wraps to 0, -4 + 2 does not wrap: out of bounds.
(assert_trap (invoke "sums_down" (i32.const -4)) "out of bounds memory access")
(assert_return (invoke "sums_down" (i32.const 0)) (i32.const 0))
(assert_return (invoke "offset_then_sums" (i32.const 0)) (i32.const 2))
(assert_trap (invoke "offset_then_sums" (i32.const -4)) "out of bounds memory access")
(assert_trap (invoke "offset_then_sums" (i32.const 65437)) "out of bounds memory access")
(assert_return (invoke "sum_loop" (i32.const 0) (i32.const 2)) (i32.const 0))
(assert_return (invoke "sum_loop" (i32.const 65528) (i32.const 2)) (i32.const 0))
(assert_trap (invoke "sum_loop" (i32.const 65528) (i32.const 3)) "out of bounds memory access")

;; p - 8, p - 4 and p: 0, 4 and 8 for p = 8; wrapped past the memory for p below 8.
(assert_return (invoke "negative" (i32.const 8)) (i32.const 1))
(assert_return (invoke "negative" (i32.const 104)) (i32.const 2))
(assert_return (invoke "negative" (i32.const 65532)) (i32.const 3))
(assert_trap (invoke "negative" (i32.const 65533)) "out of bounds memory access")
(assert_trap (invoke "negative" (i32.const 7)) "out of bounds memory access")
(assert_trap (invoke "negative" (i32.const 4)) "out of bounds memory access")
(assert_trap (invoke "negative" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "negative_store_between" (i32.const 65532)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 44))
(invoke "poke" (i32.const 0))

;; p + 8, p - 8 and p + 4.
(assert_return (invoke "below" (i32.const 8)) (i32.const 1))
(assert_return (invoke "below" (i32.const 88)) (i32.const 2))
(assert_return (invoke "below" (i32.const 65524)) (i32.const 3))
(assert_trap (invoke "below" (i32.const 65525)) "out of bounds memory access")
;; p + 8 is in bounds, p - 8 wraps past the memory.
(assert_trap (invoke "below" (i32.const 4)) "out of bounds memory access")
(assert_trap (invoke "below" (i32.const 0)) "out of bounds memory access")
;; p + 8 wraps to 0, in bounds; p itself is not.
(assert_trap (invoke "sum_then_local" (i32.const -8)) "out of bounds memory access")
(assert_return (invoke "sum_then_local" (i32.const 65524)) (i32.const 3))
(assert_return (invoke "sum_then_local" (i32.const 88)) (i32.const 2))
(assert_trap (invoke "below_store_between" (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 45))
(invoke "poke" (i32.const 0))

(invoke "increment" (i32.const 192))
(invoke "increment" (i32.const 192))
(assert_return (invoke "peek") (i32.const 2))
(assert_trap (invoke "increment" (i32.const 65528)) "out of bounds memory access")
(invoke "poke" (i32.const 0))
(invoke "store_old_sum" (i32.const 192) (i32.const 1000))
(assert_return (invoke "peek") (i32.const 7))
(assert_return (invoke "load" (i32.const 1008)) (i32.const 0))
(assert_trap (invoke "store_old_sum" (i32.const 65530) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "load" (i32.const 8)) (i32.const 0))
(invoke "poke" (i32.const 0))
;; -4 + 8 wraps to 4: the stores go there.
(invoke "increment" (i32.const -4))
(assert_return (invoke "load" (i32.const 4)) (i32.const 1))
(invoke "store_wrapped_sum" (i32.const -4))
(assert_return (invoke "load" (i32.const 4)) (i32.const 2))
(assert_trap (invoke "store_wrapped_sum" (i32.const -12)) "out of bounds memory access")
(assert_trap (invoke "store_wrapped_sum" (i32.const 65525)) "out of bounds memory access")
(invoke "store_wrapped_sum" (i32.const 65524))
(assert_return (invoke "load" (i32.const 65532)) (i32.const 2))

;; After a grow, the farther load is inside the memory.
(assert_return (invoke "grow_between" (i32.const 65500)) (i32.const 5))
