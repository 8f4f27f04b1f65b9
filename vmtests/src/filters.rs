//! Netfilter programs in the text format, for the VM tests (the Rust SDK's guests are tested
//! apart: these pin down the kernel's ABI without a toolchain in between).

use crate::raw::{decl, id, nf_wat};
use kwasm_hooks::map::{MAP_TYPE_ARRAY, MAP_TYPE_HASH};

/// Drops TCP to the port in `CONFIG[0]`; counts drops per IPv4 source address in `DROPS`
/// (u32 address → u64). Accepts the rest, and IPv6.
pub fn port_filter() -> String {
    let maps = [
        decl("CONFIG", MAP_TYPE_ARRAY, 4, 4, 1),
        decl("DROPS", MAP_TYPE_HASH, 4, 8, 1024),
    ];
    let body = format!(
        r#"
    ;; TCP over IPv4 with a transport header in the window
    (if (i32.ne (i32.load offset=4 (local.get $ctx)) (i32.const 2)) (then (return (i32.const 1))))
    (if (i32.ne (i32.load8_u offset=26 (local.get $ctx)) (i32.const 6)) (then (return (i32.const 1))))
    (local.set $a (i32.load16_u offset=28 (local.get $ctx)))
    (if (i32.gt_u (i32.add (local.get $a) (i32.const 4)) (i32.load16_u offset=30 (local.get $ctx)))
      (then (return (i32.const 1))))
    ;; destination port, big-endian
    (local.set $b (i32.add (i32.add (local.get $ctx) (i32.const 32)) (local.get $a)))
    (local.set $c (i32.or (i32.shl (i32.load8_u offset=2 (local.get $b)) (i32.const 8))
                          (i32.load8_u offset=3 (local.get $b))))
    (i32.store (i32.const 512) (i32.const 0))
    (i32.store (i32.const 520) (i32.const 0))
    (drop (call $map_lookup (i32.const {config}) (i32.const 512) (i32.const 520)))
    (if (i32.ne (local.get $c) (i32.load (i32.const 520))) (then (return (i32.const 1))))
    ;; count by source address
    (i32.store (i32.const 528) (i32.load offset=44 (local.get $ctx)))
    (drop (call $map_add (i32.const {drops}) (i32.const 528) (i32.const 0) (i64.const 1)))
    (i32.const 0)"#,
        config = id("CONFIG"),
        drops = id("DROPS"),
    );
    nf_wat(&maps, &body)
}

/// Returns `verdict` for every packet.
pub fn constant(verdict: i32) -> String {
    nf_wat(&[], &format!("(i32.const {verdict})"))
}

/// Traps on every packet.
pub fn trapping() -> String {
    nf_wat(&[], "unreachable")
}

/// Never returns.
pub fn looping() -> String {
    nf_wat(&[], "(loop $l (br $l)) (i32.const 1)")
}
