;; Bounds checks left out (bounds.rs): a constant address inside the minimum, and a second
;; access through a pinned local covered by the first one's check.
(module
  (memory 1)
  (func (export "sum") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.add (i32.load offset=4 (local.get $p)) (i32.load (local.get $p)))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (i32.add (local.get $s) (i32.load (i32.const 16)))))
