;; A free register keeps the value a `local.set`/`local.tee` stored to an unpinned local, and
;; reads of the local copy it (compiler/src/regalloc.rs, `holds`) until the register is
;; allocated again, control flow joins or a call returns. Each case would read a stale
;; register if one of those were missed. Locals read or written three times or more get a
;; register of their own (compiler/src/pinning.rs): where that would hide the case, a loop
;; first gives the four pins to busier locals ($a to $d).
(module
  (memory 1)
  (func $clobber (param i32) (result i32)
    (i32.shl (i32.div_u (i32.const -1) (i32.or (local.get 0) (i32.const 1))) (local.get 0)))
  ;; The tee'd value changes in place on the stack; the local keeps the old one.
  (func (export "tee_then_add") (param i32) (result i32) (local i32)
    (i32.add (local.tee 1 (i32.mul (local.get 0) (i32.const 3))) (i32.const 1))
    (i32.mul (local.get 1) (i32.const 1000))
    (i32.add))
  ;; Many values at once: the register holding the local is allocated for one of them, and
  ;; freed again before the read.
  (func (export "pressure") (param i32) (result i32) (local i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (local.set $b (local.get $a)) (local.set $c (local.get $b)) (local.set $d (local.get $c))
      (br_if $l (i32.lt_u (local.get $a) (i32.const 2))))
    (local.set 1 (i32.add (local.get 0) (i32.const 11)))
    (drop (i32.add (i32.mul (local.get 0) (i32.const 2))
      (i32.add (i32.mul (local.get 0) (i32.const 3))
        (i32.add (i32.mul (local.get 0) (i32.const 5))
          (i32.add (i32.mul (local.get 0) (i32.const 7))
            (i32.add (i32.mul (local.get 0) (i32.const 11))
              (i32.add (i32.mul (local.get 0) (i32.const 13))
                (i32.add (i32.mul (local.get 0) (i32.const 17))
                  (i32.add (i32.mul (local.get 0) (i32.const 19))
                    (i32.mul (local.get 0) (i32.const 23)))))))))))
    (i32.add (local.get 1) (local.get $a)))
  ;; Division and shifts use rax, rdx and rcx whatever holds them.
  (func (export "div_shift") (param i32 i32) (result i32) (local i32 i32 i32)
    (local.set 2 (i32.add (local.get 0) (i32.const 1)))
    (local.set 3 (i32.add (local.get 0) (i32.const 2)))
    (local.set 4 (i32.add (local.get 0) (i32.const 3)))
    (i32.add
      (i32.add (i32.div_u (local.get 0) (local.get 1)) (i32.rotl (local.get 0) (local.get 1)))
      (i32.add (local.get 2) (i32.add (local.get 3) (local.get 4)))))
  ;; A call clobbers every register.
  (func (export "across_call") (param i32) (result i32) (local i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (local.set $b (local.get $a)) (local.set $c (local.get $b)) (local.set $d (local.get $c))
      (br_if $l (i32.lt_u (local.get $a) (i32.const 2))))
    (local.set 1 (i32.xor (local.get 0) (i32.const 0x5555)))
    (drop (call $clobber (local.get 0)))
    (local.get 1))
  ;; Set on one path only: after the join the local is read from memory.
  (func (export "join") (param i32 i32) (result i32) (local i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (local.set $b (local.get $a)) (local.set $c (local.get $b)) (local.set $d (local.get $c))
      (br_if $l (i32.lt_u (local.get $a) (i32.const 2))))
    (local.set 2 (i32.add (local.get 0) (i32.const 5)))
    (if (local.get 1) (then (local.set 2 (i32.add (local.get 0) (i32.const 100)))))
    (local.get 2))
  (func (export "join_else") (param i32 i32) (result i32) (local i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (local.set $b (local.get $a)) (local.set $c (local.get $b)) (local.set $d (local.get $c))
      (br_if $l (i32.lt_u (local.get $a) (i32.const 2))))
    (local.set 2 (i32.add (local.get 0) (i32.const 5)))
    (if (local.get 1)
      (then (local.set 2 (i32.add (local.get 0) (i32.const 100))))
      (else (drop (local.get 2)) (local.set 2 (i32.add (local.get 0) (i32.const 200)))))
    (local.get 2))
  ;; A compare's result stored, then read twice.
  (func (export "cond") (param i32 i32) (result i32) (local i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (local.set $b (local.get $a)) (local.set $c (local.get $b)) (local.set $d (local.get $c))
      (br_if $l (i32.lt_u (local.get $a) (i32.const 2))))
    (local.set 2 (i32.lt_u (local.get 0) (local.get 1)))
    (i32.add (i32.mul (local.get 2) (i32.const 10)) (local.get 2)))
  ;; A local copied to another, and a tee'd address.
  (func (export "copies") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 4)))
    (local.set 2 (local.get 1))
    (local.set 1 (i32.const 9))
    (i32.store (local.tee 1 (i32.and (local.get 2) (i32.const 0xfffc))) (local.get 2))
    (i32.add (i32.load (local.get 1)) (local.get 1)))
  ;; In a loop (pinned or not, the reads after the back edge see the new value).
  (func (export "loop") (param i32) (result i32) (local i32 i32 i32 i32 i32 i32)
    (loop $l
      (local.set 2 (i32.add (local.get 1) (local.get 0)))
      (local.set 3 (i32.mul (local.get 2) (i32.const 3)))
      (local.set 4 (i32.xor (local.get 3) (local.get 2)))
      (local.set 5 (i32.add (local.get 4) (local.get 5)))
      (local.set 6 (i32.add (local.get 5) (local.get 4)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (i32.const 10))))
    (i32.add (local.get 6) (local.get 2)))
  ;; The same for floats (XMM registers), with the six float pins given away ($e to $m).
  (func $fclobber (param f64) (result f64)
    (f64.sqrt (f64.mul (local.get 0) (f64.add (local.get 0) (f64.const 3)))))
  (func (export "float_cases") (param f64 i32) (result f64) (local f64 f64)
    (local $e f64) (local $f f64) (local $g f64) (local $h f64) (local $k f64) (local $m f64)
    (loop $outer (loop $lf
      (local.set $e (f64.add (local.get $e) (f64.const 1)))
      (local.set $f (local.get $e)) (local.set $g (local.get $f)) (local.set $h (local.get $g))
      (local.set $k (local.get $h)) (local.set $m (local.get $k))
      (br_if $lf (f64.lt (local.get $e) (f64.const 2)))))
    ;; tee, then an in-place add on the stack
    (local.set 3 (f64.add (local.tee 2 (f64.mul (local.get 0) (f64.const 3))) (f64.const 1)))
    (local.set 3 (f64.add (local.get 3) (f64.mul (local.get 2) (f64.const 1000))))
    ;; set, then a call, then a read
    (local.set 2 (f64.sub (local.get 0) (f64.const 0.5)))
    (local.set 3 (f64.add (local.get 3) (call $fclobber (local.get 3))))
    (local.set 3 (f64.add (local.get 3) (local.get 2)))
    ;; set, then more values at once than free XMM registers, then a read
    (local.set 2 (f64.mul (local.get 0) (f64.const 0.25)))
    (drop (f64.add (f64.mul (local.get 0) (f64.const 31)) (f64.add (f64.mul (local.get 0) (f64.const 29)) (f64.add (f64.mul (local.get 0) (f64.const 2)) (f64.add (f64.mul (local.get 0) (f64.const 3)) (f64.add (f64.mul (local.get 0) (f64.const 5)) (f64.add (f64.mul (local.get 0) (f64.const 7)) (f64.add (f64.mul (local.get 0) (f64.const 11)) (f64.add (f64.mul (local.get 0) (f64.const 13)) (f64.add (f64.mul (local.get 0) (f64.const 17)) (f64.add (f64.mul (local.get 0) (f64.const 19)) (f64.mul (local.get 0) (f64.const 23)))))))))))))
    (local.set 3 (f64.add (local.get 3) (local.get 2)))
    ;; set on one path only, read after the join
    (if (local.get 1) (then (local.set 2 (f64.const 77))))
    (f64.add (f64.add (local.get 3) (local.get 2)) (local.get $m)))

)
(assert_return (invoke "tee_then_add" (i32.const 7)) (i32.const 21022))
(assert_return (invoke "pressure" (i32.const 3)) (i32.const 16))
(assert_return (invoke "div_shift" (i32.const 100) (i32.const 7)) (i32.const 13120))
(assert_return (invoke "across_call" (i32.const 1234)) (i32.const 20871))
(assert_return (invoke "join" (i32.const 1) (i32.const 0)) (i32.const 6))
(assert_return (invoke "join" (i32.const 1) (i32.const 1)) (i32.const 101))
(assert_return (invoke "join_else" (i32.const 1) (i32.const 0)) (i32.const 201))
(assert_return (invoke "join_else" (i32.const 1) (i32.const 1)) (i32.const 101))
(assert_return (invoke "cond" (i32.const 1) (i32.const 2)) (i32.const 11))
(assert_return (invoke "cond" (i32.const 3) (i32.const 2)) (i32.const 0))
(assert_return (invoke "copies" (i32.const 100)) (i32.const 208))
(assert_return (invoke "loop" (i32.const 3)) (i32.const 254))
(assert_return (invoke "float_cases" (f64.const 2.5) (i32.const 0)) (f64.const 15023.749850199732))
(assert_return (invoke "float_cases" (f64.const 2.5) (i32.const 1)) (f64.const 15100.124850199732))
(assert_return (invoke "float_cases" (f64.const -7.25) (i32.const 0)) (f64.const -10.87505167839845))
