;; Loads and stores: bounds check against vmctx.memory_size, address clamped on the failing path.
(module (memory 1)
  (func (export "copy") (param i32 i32)
    (i32.store offset=4 (local.get 1) (i32.load8_u (local.get 0)))))
