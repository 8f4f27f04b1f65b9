;; What free registers hold across joins (compiler/src/func.rs, `join`): a local in memory that
;; every branch to a block's end left in the same register is still read from it after the
;; end; the path falling through loads it there if it does not hold it; `else` starts with what
;; the condition's branch held; a loop's end keeps everything (only its body falls through to
;; it). Each function returns values that differ when a path's register held a stale value.
;; Each first runs a loop over four decoy locals (six more float ones in `table`), which take
;; the registers for pinned locals, so that the locals under test live in memory.
(module
  (memory 1)
  ;; The branch holds $a; the fall-through path writes $a again (and $b between).
  (func (export "rewritten") (param $c i32) (param $x i32) (result i32)
    (local $a i32) (local $b i32)
    (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (loop $decoys
      (local.set $d0 (i32.add (local.get $d0) (local.get $d1)))
      (local.set $d1 (i32.add (local.get $d1) (local.get $d2)))
      (local.set $d2 (i32.add (local.get $d2) (local.get $d3)))
      (local.set $d3 (i32.add (local.get $d3) (i32.const 1)))
      (br_if $decoys (i32.lt_u (local.get $d3) (i32.const 2))))
    (local.set $a (i32.mul (local.get $x) (i32.const 3)))
    (block
      (br_if 0 (local.get $c))
      (local.set $b (i32.add (local.get $a) (i32.const 100)))
      (local.set $a (i32.mul (local.get $b) (i32.const 7))))
    (i32.add (i32.mul (local.get $a) (i32.const 1000)) (local.get $b)))
  ;; The fall-through path uses every register before the end: $a is loaded back into the
  ;; branch's register.
  (func (export "pressure") (param $c i32) (param $x i32) (result i32)
    (local $a i32)
    (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (loop $decoys
      (local.set $d0 (i32.add (local.get $d0) (local.get $d1)))
      (local.set $d1 (i32.add (local.get $d1) (local.get $d2)))
      (local.set $d2 (i32.add (local.get $d2) (local.get $d3)))
      (local.set $d3 (i32.add (local.get $d3) (i32.const 1)))
      (br_if $decoys (i32.lt_u (local.get $d3) (i32.const 2))))
    (local.set $a (i32.add (local.get $x) (i32.const 11)))
    (block
      (br_if 0 (local.get $c))
      (local.set $x
        (i32.add (i32.add (i32.add (local.get $x) (i32.mul (local.get $x) (i32.const 3)))
                          (i32.add (i32.mul (local.get $x) (i32.const 5)) (i32.mul (local.get $x) (i32.const 7))))
                 (i32.add (i32.add (i32.mul (local.get $x) (i32.const 9)) (i32.mul (local.get $x) (i32.const 13)))
                          (i32.add (i32.mul (local.get $x) (i32.const 17)) (i32.mul (local.get $x) (i32.const 19)))))))
    (i32.add (i32.mul (local.get $a) (i32.const 1000)) (local.get $x)))
  ;; if/else: the else path starts with what the condition's branch held, although the then
  ;; path wrote $a; after the end, either path's value.
  (func (export "if_else") (param $c i32) (param $x i32) (result i32)
    (local $a i32) (local $r i32)
    (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (loop $decoys
      (local.set $d0 (i32.add (local.get $d0) (local.get $d1)))
      (local.set $d1 (i32.add (local.get $d1) (local.get $d2)))
      (local.set $d2 (i32.add (local.get $d2) (local.get $d3)))
      (local.set $d3 (i32.add (local.get $d3) (i32.const 1)))
      (br_if $decoys (i32.lt_u (local.get $d3) (i32.const 2))))
    (local.set $a (i32.sub (local.get $x) (i32.const 1)))
    (if (local.get $c)
      (then (local.set $a (i32.mul (local.get $a) (i32.const 10))) (local.set $r (local.get $a)))
      (else (local.set $r (i32.add (local.get $a) (i32.const 1)))))
    (i32.add (i32.mul (local.get $a) (i32.const 1000)) (local.get $r)))
  ;; if without else: the condition-false path joins the then path at the end.
  (func (export "if_only") (param $c i32) (param $x i32) (result i32)
    (local $a i32)
    (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (loop $decoys
      (local.set $d0 (i32.add (local.get $d0) (local.get $d1)))
      (local.set $d1 (i32.add (local.get $d1) (local.get $d2)))
      (local.set $d2 (i32.add (local.get $d2) (local.get $d3)))
      (local.set $d3 (i32.add (local.get $d3) (i32.const 1)))
      (br_if $decoys (i32.lt_u (local.get $d3) (i32.const 2))))
    (local.set $a (i32.add (local.get $x) (i32.const 2)))
    (if (local.get $c) (then (local.set $a (i32.mul (local.get $a) (local.get $a)))))
    (local.get $a))
  ;; Floats, and a br_table to three ends.
  (func (export "table") (param $k i32) (param $x f64) (result f64)
    (local $a f64) (local $b f64)
    (local $f0 f64) (local $f1 f64) (local $f2 f64) (local $f3 f64) (local $f4 f64) (local $f5 f64)
    (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (loop $decoys
      (local.set $d0 (i32.add (local.get $d0) (local.get $d1)))
      (local.set $d1 (i32.add (local.get $d1) (local.get $d2)))
      (local.set $d2 (i32.add (local.get $d2) (local.get $d3)))
      (local.set $d3 (i32.add (local.get $d3) (i32.const 1)))
      (br_if $decoys (i32.lt_u (local.get $d3) (i32.const 2))))
    (loop $fdecoys
      (local.set $f0 (f64.add (local.get $f0) (local.get $f1)))
      (local.set $f1 (f64.add (local.get $f1) (local.get $f2)))
      (local.set $f2 (f64.add (local.get $f2) (local.get $f3)))
      (local.set $f3 (f64.add (local.get $f3) (local.get $f4)))
      (local.set $f4 (f64.add (local.get $f4) (local.get $f5)))
      (local.set $f5 (f64.add (local.get $f5) (f64.const 1)))
      (br_if $fdecoys (f64.lt (local.get $f5) (f64.const 2))))
    (local.set $a (f64.mul (local.get $x) (f64.const 2)))
    (local.set $b (f64.add (local.get $x) (f64.const 1)))
    (block $two
      (block $one
        (block $zero
          (br_table $zero $one $two (local.get $k)))
        (local.set $a (f64.add (local.get $a) (f64.const 0.5)))
        (br $two))
      (local.set $b (f64.add (local.get $b) (local.get $a))))
    (f64.add (f64.mul (local.get $a) (f64.const 1000)) (local.get $b)))
  ;; A branch out of a loop, and a loop's end: $s and a bounds check through pinned $p are
  ;; known after it.
  (func (export "loop_exit") (param $p i32) (param $n i32) (result i32)
    (local $s i32) (local $last i32)
    (block $out
      (loop $l
        (local.set $last (i32.load8_u (local.get $p)))
        (local.set $s (i32.add (local.get $s) (local.get $last)))
        (br_if $out (i32.eq (local.get $last) (i32.const 0xff)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (i32.add (i32.mul (local.get $s) (i32.const 1000))
             (i32.add (local.get $last) (i32.load8_u (local.get $p)))))
  ;; A bounds check at the end of a loop's body covers a read through the same pinned local
  ;; after the loop.
  (func (export "loop_end_fact") (param $p i32) (param $n i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (i32.mul (local.get $s) (i32.const 1000)) (i32.load8_u (local.get $p))))
  ;; A compare reads a held local's register in place (`cond.rs`, `pop_compared`): consumed
  ;; as flags (br_if, select, a discarded compare) the register holds the local again; made a
  ;; 0/1 it does not.
  (func (export "compares") (param $x i32) (result i32)
    (local $a i32) (local $r i32)
    (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (loop $decoys
      (local.set $d0 (i32.add (local.get $d0) (local.get $d1)))
      (local.set $d1 (i32.add (local.get $d1) (local.get $d2)))
      (local.set $d2 (i32.add (local.get $d2) (local.get $d3)))
      (local.set $d3 (i32.add (local.get $d3) (i32.const 1)))
      (br_if $decoys (i32.lt_u (local.get $d3) (i32.const 2))))
    (local.set $a (i32.add (local.get $x) (i32.const 1)))
    (block
      (br_if 0 (i32.eq (local.get $a) (i32.const 5)))
      (local.set $r (i32.eq (local.get $a) (i32.const 6)))
      (local.set $r (i32.add (local.get $r) (i32.shl (i32.eqz (local.get $a)) (i32.const 1))))
      (local.set $r (i32.add (local.get $r)
        (select (i32.const 100) (i32.const 200) (i32.lt_u (local.get $a) (i32.const 3)))))
      (drop (i32.ne (local.get $a) (local.get $r))))
    (i32.add (i32.mul (local.get $a) (i32.const 1000)) (local.get $r)))
  (data (i32.const 0) "\01\02\03\ff\05\06")
  (data (i32.const 65535) "\07")
)

(assert_return (invoke "rewritten" (i32.const 1) (i32.const 4)) (i32.const 12000))
(assert_return (invoke "rewritten" (i32.const 0) (i32.const 4)) (i32.const 784112))
(assert_return (invoke "pressure" (i32.const 1) (i32.const 2)) (i32.const 13002))
(assert_return (invoke "pressure" (i32.const 0) (i32.const 2)) (i32.const 13148))
(assert_return (invoke "if_else" (i32.const 1) (i32.const 5)) (i32.const 40040))
(assert_return (invoke "if_else" (i32.const 0) (i32.const 5)) (i32.const 4005))
(assert_return (invoke "if_only" (i32.const 1) (i32.const 5)) (i32.const 49))
(assert_return (invoke "if_only" (i32.const 0) (i32.const 5)) (i32.const 7))
(assert_return (invoke "table" (i32.const 0) (f64.const 1)) (f64.const 2502))
(assert_return (invoke "table" (i32.const 1) (f64.const 1)) (f64.const 2004))
(assert_return (invoke "table" (i32.const 2) (f64.const 1)) (f64.const 2002))
(assert_return (invoke "table" (i32.const 7) (f64.const 1)) (f64.const 2002))
(assert_return (invoke "loop_exit" (i32.const 0) (i32.const 6)) (i32.const 261510))
(assert_return (invoke "loop_exit" (i32.const 0) (i32.const 2)) (i32.const 3005))
(assert_return (invoke "loop_exit" (i32.const 4) (i32.const 2)) (i32.const 11006))
(assert_trap (invoke "loop_exit" (i32.const 65535) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "loop_end_fact" (i32.const 0) (i32.const 3)) (i32.const 260255))
(assert_return (invoke "loop_end_fact" (i32.const 65534) (i32.const 1)) (i32.const 7007))
(assert_trap (invoke "loop_end_fact" (i32.const 65535) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "compares" (i32.const 4)) (i32.const 5000))
(assert_return (invoke "compares" (i32.const 5)) (i32.const 6201))
(assert_return (invoke "compares" (i32.const -1)) (i32.const 102))
(assert_return (invoke "compares" (i32.const 1)) (i32.const 2100))
