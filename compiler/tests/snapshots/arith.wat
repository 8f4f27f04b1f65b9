;; Integer arithmetic with constants folded into immediates, values kept in registers.
(module
  (func (export "add_mul") (param i32 i32) (result i32)
    (i32.mul (i32.add (local.get 0) (local.get 1)) (i32.const 3)))
  (func (export "div") (param i64 i64) (result i64)
    (i64.div_s (local.get 0) (local.get 1)))
  (func (export "shift") (param i32 i32) (result i32)
    (i32.shl (local.get 0) (local.get 1))))
