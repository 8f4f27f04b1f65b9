;; Address registers tagged as a pinned local plus a constant (compiler/src/ops_mem.rs,
;; tagged_sum_address): a register that an operation reuses for its result in place (a load
;; into its address's register, an add, select, a block's result) holds another value from then
;; on, and the tag must not outlive it. Each case reads or writes through the new value.
;; (Found by review: the tag used to be cleared only when the register was allocated again.)
(module
  (memory 1)
  (data (i32.const 8) "\40\00\00\00")
  (data (i32.const 12) "\0c\00\00\00")
  (data (i32.const 64) "\07\00\00\00")
  (data (i32.const 100) "\09\00\00\00")
  (data (i32.const 16) "\00\00\01\00")
  ;; in-place add on a tagged register
  (func (export "addk") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.load (i32.add (local.get $p) (i32.const 8)))
      (i32.load (i32.add (i32.add (local.get $p) (i32.const 8)) (i32.const 4)))))
  ;; store to a pointer loaded through a sum
  (func (export "store_chase") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.store (i32.load (i32.add (local.get $p) (i32.const 8))) (i32.const 55))
    (i32.load (i32.const 64)))
  ;; select between a tagged sum and another value
  (func (export "sel") (param $p i32) (param $q i32) (param $c i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.load (i32.add (local.get $p) (i32.const 8)))
      (i32.load (select (i32.add (local.get $p) (i32.const 8)) (local.get $q) (local.get $c)))))
  ;; mask in place
  (func (export "andk") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.load (i32.add (local.get $p) (i32.const 100)))
      (i32.load (i32.and (i32.add (local.get $p) (i32.const 100)) (i32.const 8)))))
  ;; block result
  (func (export "blk") (param $p i32) (param $q i32) (param $c i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.add
      (i32.load (i32.add (local.get $p) (i32.const 8)))
      (i32.load
        (block (result i32)
          (i32.add (local.get $p) (i32.const 8))
          (br_if 0 (local.get $c))
          (drop)
          (local.get $q)))))
  ;; missing trap: loaded pointer out of bounds
  (func (export "chase_oob") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.load (i32.load (i32.add (local.get $p) (i32.const 12)))))
)
(assert_return (invoke "addk" (i32.const 0)) (i32.const 76))
(assert_return (invoke "store_chase" (i32.const 0)) (i32.const 55))
(assert_return (invoke "sel" (i32.const 0) (i32.const 100) (i32.const 0)) (i32.const 73))
(assert_return (invoke "sel" (i32.const 0) (i32.const 100) (i32.const 1)) (i32.const 128))
(assert_return (invoke "andk" (i32.const 0)) (i32.const 9))
(assert_return (invoke "blk" (i32.const 0) (i32.const 100) (i32.const 0)) (i32.const 73))
(assert_return (invoke "blk" (i32.const 0) (i32.const 100) (i32.const 1)) (i32.const 128))
(assert_trap (invoke "chase_oob" (i32.const 4)) "out of bounds")
(module
  (memory 1)
  (data (i32.const 8) "\40\00\00\00")
  (data (i32.const 64) "\07\00\00\00")
  (func (export "chase") (param $p i32) (result i32)
    (drop (local.get $p)) (drop (local.get $p))
    (i32.load (i32.load (i32.add (local.get $p) (i32.const 8))))))
(assert_return (invoke "chase" (i32.const 0)) (i32.const 7))
