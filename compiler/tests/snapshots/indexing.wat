;; Array indexing: `i32.add` right after `i32.shl` by 1 to 3 is one `lea` (ops_int.rs,
;; `scaled_add`), with a constant base (a static array) or a register one.
(module (memory 1)
  (func (export "static") (param i32) (result i64)
    (i64.load (i32.add (i32.shl (local.get 0) (i32.const 3)) (i32.const 1024))))
  (func (export "based") (param i32 i32) (result i32)
    (i32.load (i32.add (local.get 1) (i32.shl (local.get 0) (i32.const 2))))))
