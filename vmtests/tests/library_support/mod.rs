//! What the library's VM tests (`tests/library_*.rs`) share: the example guests (built by
//! xtask and put into the VM at `/guests`), loading through the library, loopback servers.

#![allow(dead_code)] // each test file uses part of it

use kwasm::{Family, Hook, Link, LoadOptions, Netfilter, Program, ProgramType};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

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

/// A TCP listener on `addr` that echoes one byte per connection, forever (in a thread).
pub fn echo_listener(addr: &str) -> SocketAddr {
    let l = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
    let at = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            let mut b = [0u8; 1];
            if s.read_exact(&mut b).is_ok() {
                let _ = s.write_all(&b);
            }
        }
    });
    at
}

/// Whether a TCP exchange with `at` works: connect within 400 ms (one SYN: the first
/// retransmission comes after a second), then a byte there and back.
pub fn reachable(at: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&at, Duration::from_millis(400)) else {
        return false;
    };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut b = [0u8; 1];
    s.write_all(b"x").is_ok() && s.read_exact(&mut b).is_ok() && b == *b"x"
}

/// An IPv4 address as the example guests key it: `::ffff:a.b.c.d`.
pub fn v4_mapped(a: Ipv4Addr) -> [u8; 16] {
    a.to_ipv6_mapped().octets()
}

/// Runs the calling thread on CPU `cpu` only.
pub fn pin_to_cpu(cpu: usize) {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; CPU_SET and sched_setaffinity on it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        let ret = libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
        assert_eq!(
            ret,
            0,
            "sched_setaffinity: {}",
            std::io::Error::last_os_error()
        );
    }
}
