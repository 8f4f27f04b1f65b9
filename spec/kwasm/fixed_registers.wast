;; The registers with fixed roles (docs/design-notes.md, "Generated code"): the memory size in
;; r10 and the fuel in r13 must be right in a function entered through call_indirect, after a
;; call_indirect returns, and after host calls (memory.grow).
(module
  (type $t (func (result f64)))
  (type $u (func (param i32) (result i32)))
  (table 3 funcref)
  (elem (i32.const 0) $oob $load $grow)
  (memory 1 2)
  (func $oob (result f64) (f64.load (i32.const 65532)))
  (func $load (param i32) (result i32) (i32.load (local.get 0)))
  (func $grow (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "indirect_oob") (result f64) (call_indirect (type $t) (i32.const 0)))
  (func (export "indirect_load") (param i32) (result i32)
    (call_indirect (type $u) (local.get 0) (i32.const 1)))
  ;; After a call_indirect, this function's own checks use the size again.
  (func (export "after_indirect") (param i32) (result i32)
    (drop (call_indirect (type $u) (i32.const 0) (i32.const 1)))
    (i32.load (local.get 0)))
  ;; Grow through an indirect call, then access the new page here and in a callee.
  (func (export "grow_then_load") (param i32) (result i32)
    (drop (call_indirect (type $u) (i32.const 1) (i32.const 2)))
    (i32.add (i32.load (local.get 0))
      (call_indirect (type $u) (local.get 0) (i32.const 1))))
)
(assert_trap (invoke "indirect_oob") "out of bounds memory access")
(assert_return (invoke "indirect_load" (i32.const 65532)) (i32.const 0))
(assert_trap (invoke "indirect_load" (i32.const 65533)) "out of bounds memory access")
(assert_trap (invoke "after_indirect" (i32.const 65533)) "out of bounds memory access")
(assert_trap (invoke "grow_then_load" (i32.const 131069)) "out of bounds memory access")
(assert_return (invoke "grow_then_load" (i32.const 131068)) (i32.const 0))
