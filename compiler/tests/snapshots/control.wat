;; A loop with a fuel check at its header, br_if, and a block result.
(module
  (func (export "count") (param i32) (result i32) (local i32)
    (block $done (result i32)
      (loop $l
        (br_if $done (local.get 1) (i32.ge_u (local.get 1) (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br $l))
      (i32.const -1))))
