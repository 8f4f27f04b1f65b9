//! What the library's VM tests (`tests/library_*.rs`) share: the example guests (built by
//! xtask and put into the VM at `/guests`), loading through the library, loopback servers.

#![allow(dead_code)] // each test file uses part of it

use kwasm::{Family, Hook, Link, LoadOptions, Netfilter, Program, ProgramType};
#[allow(unused_imports)]
pub use kwasm_vmtests::pin_to_cpu;
#[allow(unused_imports)]
pub use kwasm_vmtests::traffic::{echo_listener, reachable, unreachable};
use std::net::Ipv4Addr;

pub const PORT_FILTER: &str = "/guests/port-filter.wasm";
pub const PACKET_COUNTER: &str = "/guests/packet-counter.wasm";

/// The bytes of an example guest (`cargo xtask vm` builds them with `cargo xtask guest`).
pub fn guest(path: &str) -> Vec<u8> {
    kwasm_vmtests::require_vm();
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e} (xtask's VM suite puts it there)"))
}

/// Loads `wasm` as a netfilter program through the library.
pub fn load_nf(wasm: &[u8], name: &str) -> Program {
    LoadOptions::new()
        .prog_type(ProgramType::Netfilter)
        .name(name)
        .load_bytes(wasm)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A netfilter program that accepts every packet.
pub fn accept_all() -> Program {
    load_nf(
        &kwasm_vmtests::wasm(&kwasm_vmtests::filters::constant(1)),
        "accept_all",
    )
}

/// Attaches `prog` at `hook` for `family`.
pub fn attach(prog: &Program, family: Family, hook: Hook) -> Link {
    prog.attach(Netfilter {
        family,
        hook,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("attach: {e}"))
}

/// An IPv4 address as the example guests key it: `::ffff:a.b.c.d`.
pub fn v4_mapped(a: Ipv4Addr) -> [u8; 16] {
    a.to_ipv6_mapped().octets()
}
