;; Branches that move values share code: br_table searches the runs of cases with the same
;; target (a binary search, one compare per run) and jumps to one stub per distinct target (none
;; when nothing moves: $c); br_if and br to the same target from the same stack height share one
;; stub (the first br_if's, inline). Stubs charge the fuel for the values they move.
(module
  (func (export "table") (param i32) (result i32)
    i32.const 1
    (block $a (result i32)
      i32.const 2
      (block $b (result i32)
        i32.const 3
        (block $c (result i32)
          i32.const 4
          local.get 0
          br_table $c $c $b $a $a $b 3 3 $c $c $c)
        i32.add)
      i32.add)
    i32.add)
  (func (export "ifs") (param i32) (result i32)
    (block $out (result i32)
      i32.const 7
      i32.const 1
      (i32.eq (local.get 0) (i32.const 1))
      br_if $out
      drop
      i32.const 2
      (i32.eq (local.get 0) (i32.const 2))
      br_if $out
      drop
      i32.const 3
      (i32.eq (local.get 0) (i32.const 3))
      br_if 1
      drop
      i32.const 4
      (i32.eq (local.get 0) (i32.const 4))
      br_if 1
      drop
      i32.const 9
      br $out)))
