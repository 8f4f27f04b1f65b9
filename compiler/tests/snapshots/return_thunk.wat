;; options: return_thunk
;; Every `ret` becomes `jmp` to the return thunk (a RELOC_RETURN_THUNK, here unpatched: 0),
;; followed by int3: function epilogues, the import adapter, the trampolines' common exit.
(module
  (import "env" "log" (func $log (param i32)))
  (table 1 funcref)
  (elem (i32.const 0) $log)
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "f") (param i32) (result i32)
    (if (local.get 0) (then (return (call $inc (local.get 0)))))
    (call $log (local.get 0))
    (i32.const 0)))
