;; Direct and indirect calls: arguments through the outgoing slot area, call_indirect checks.
(module
  (type $t (func (param i64) (result i64)))
  (table 1 funcref) (elem (i32.const 0) $sq)
  (func $sq (type $t) (i64.mul (local.get 0) (local.get 0)))
  (func (export "f") (param i64) (result i64)
    (i64.add (call $sq (local.get 0)) (call_indirect (type $t) (local.get 0) (i32.const 0)))))
