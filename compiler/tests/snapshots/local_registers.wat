;; A local in memory (used too little to get a register of its own): after local.set stores
;; it, its read copies the register that still holds the value (regalloc.rs, `holds`) instead
;; of loading it.
(module (memory 1)
  (func (export "f") (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.mul (local.get 0) (local.get 1)))
    (i32.store (i32.const 16) (local.get 0))
    (local.get 2)))
