//! Loopback traffic for the netfilter tests: echo servers, and whether a port answers.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

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

/// Whether a TCP exchange with `at` (connect within `wait`, a byte there and back) works.
pub fn exchange(at: SocketAddr, wait: Duration) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&at, wait) else {
        return false;
    };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut b = [0u8; 1];
    s.write_all(b"x").is_ok() && s.read_exact(&mut b).is_ok() && b == *b"x"
}

/// `at` answers (given time enough for a slow, emulated, KASAN kernel).
pub fn reachable(at: SocketAddr) -> bool {
    exchange(at, Duration::from_secs(5))
}

/// `at` does not answer: its SYN is dropped. A dropped SYN is retried after a second, so half
/// a second sees one SYN; an accepted one would have been answered long before.
pub fn unreachable(at: SocketAddr) -> bool {
    !exchange(at, Duration::from_millis(500))
}
