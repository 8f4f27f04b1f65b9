;; A local that holds a pinned local plus a constant (clang's field pointer, nbody's
;; `t = p - 24`): the accesses through it use the check of the fields read through the local
;; (bounds.rs, aliases); no check of their own.
(module
  (memory 1)
  (func (param $p i32) (result f64) (local $t i32) (local $acc f64)
    (local.set $acc (f64.add (f64.load (i32.add (local.get $p) (i32.const -48)))
                             (f64.load (local.get $p))))
    (local.set $t (i32.add (local.get $p) (i32.const -24)))
    (f64.store (local.get $t) (f64.add (f64.load (local.get $t)) (local.get $acc)))
    (local.set $t (i32.add (local.get $p) (i32.const -16)))
    (f64.store (local.get $t) (f64.add (f64.load (local.get $t)) (local.get $acc)))
    (f64.load (local.get $t))))
