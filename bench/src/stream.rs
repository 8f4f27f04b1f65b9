//! A loopback TCP stream: a sender writing fixed-size buffers for a fixed time to a receiver
//! in another thread, over 127.0.0.1.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// What one stream moved.
pub struct Stream {
    pub bytes: u64,
    pub seconds: f64,
}

impl Stream {
    /// Megabytes (10^6 bytes) per second.
    pub fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / self.seconds / 1e6
    }
}

/// Streams `buffer`-byte writes for `duration`; the time runs from the connect to the
/// receiver's end of file, and every byte sent must arrive.
pub fn run(duration: Duration, buffer: usize) -> io::Result<Stream> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let receiver = std::thread::spawn(move || -> io::Result<(u64, Instant)> {
        let (mut s, _) = listener.accept()?;
        let mut buf = vec![0u8; buffer];
        let mut n = 0u64;
        loop {
            match s.read(&mut buf)? {
                0 => return Ok((n, Instant::now())),
                k => n += k as u64,
            }
        }
    });
    let start = Instant::now();
    let mut s = TcpStream::connect(addr)?;
    let data = vec![0x5au8; buffer];
    let mut sent = 0u64;
    while start.elapsed() < duration {
        s.write_all(&data)?;
        sent += buffer as u64;
    }
    s.shutdown(Shutdown::Write)?;
    let (received, end) = receiver
        .join()
        .map_err(|_| io::Error::other("the receiver panicked"))??;
    if received != sent {
        return Err(io::Error::other(format!(
            "sent {sent} bytes, received {received}"
        )));
    }
    Ok(Stream {
        bytes: received,
        seconds: end.duration_since(start).as_secs_f64(),
    })
}

/// A listener on a fresh port of 127.0.0.1, for the live drop check.
pub fn listener() -> io::Result<TcpListener> {
    TcpListener::bind("127.0.0.1:0")
}

/// Tries to connect to `listener` within `wait`: `Ok(true)` if connected, `Ok(false)` if the
/// attempt timed out (the SYN was dropped).
pub fn connects(listener: &TcpListener, wait: Duration) -> io::Result<bool> {
    match TcpStream::connect_timeout(&listener.local_addr()?, wait) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::TimedOut => Ok(false),
        Err(e) => Err(e),
    }
}
