//! The load log: human-readable reasons written into a caller-sized buffer, truncated (and
//! flagged, so the ioctl can answer `ENOSPC` as bpf(2) does) when it does not fit. And the
//! escaping of what programs print to the kernel log.

use core::fmt;

pub struct LogWriter<'a> {
    buf: &'a mut [u8],
    len: usize,
    truncated: bool,
}

impl<'a> LogWriter<'a> {
    /// A log into `buf`; one byte is kept for the terminating NUL.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self {
            buf,
            len: 0,
            truncated: false,
        }
    }

    /// The text so far, NUL-terminated when the buffer is not empty.
    pub fn finish(self) -> (&'a [u8], bool) {
        let Self {
            buf,
            len,
            truncated,
        } = self;
        if let Some(b) = buf.get_mut(len) {
            *b = 0;
        }
        let end = (len + 1).min(buf.len());
        (&buf[..end], truncated)
    }

    pub fn truncated(&self) -> bool {
        self.truncated
    }
}

impl fmt::Write for LogWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.buf.len().saturating_sub(1).saturating_sub(self.len);
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        if n < s.len() {
            self.truncated = true;
        }
        Ok(())
    }
}

/// Copies `input` to `out` for a kernel log line, escaping what could forge or garble one: every
/// byte outside printable ASCII (`0x20..=0x7e`: control bytes such as newline, carriage return,
/// ESC and NUL, DEL, and every byte `>= 0x80`) and the backslash itself become `\xNN` (two
/// lowercase hex digits), so the output is one line of printable ASCII that reads back
/// unambiguously. Writes whole characters or escapes only, as many as fit, and returns the
/// number of bytes written; it stops at the first one that does not fit, so it reads at most
/// `out.len()` bytes of `input` whatever its length.
pub fn escape_printable(input: &[u8], out: &mut [u8]) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut len = 0;
    for &b in input {
        if (0x20..=0x7e).contains(&b) && b != b'\\' {
            let Some(slot) = out.get_mut(len) else { break };
            *slot = b;
            len += 1;
        } else {
            let Some(slot) = out.get_mut(len..len + 4) else {
                break;
            };
            slot.copy_from_slice(&[
                b'\\',
                b'x',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]);
            len += 4;
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(input: &[u8], room: usize) -> String {
        let mut out = vec![0xffu8; room];
        let n = escape_printable(input, &mut out);
        assert!(
            out[n..].iter().all(|&b| b == 0xff),
            "wrote past its return value"
        );
        String::from_utf8(out[..n].to_vec()).expect("ASCII")
    }

    #[test]
    fn printable_ascii_passes_unchanged() {
        let all: Vec<u8> = (0x20..=0x7eu8).filter(|&b| b != b'\\').collect();
        assert_eq!(escaped(&all, 256).as_bytes(), &all[..]);
        assert_eq!(escaped(b"hello from wasm", 64), "hello from wasm");
        assert_eq!(escaped(b"", 64), "");
    }

    #[test]
    fn control_and_high_bytes_and_backslash_are_escaped() {
        assert_eq!(escaped(b"a\nkwasm: forged", 64), "a\\x0akwasm: forged");
        assert_eq!(escaped(b"\r\0\x1b[2J\t", 64), "\\x0d\\x00\\x1b[2J\\x09");
        assert_eq!(
            escaped(b"\x7f\x80\x9f\xa0\xff", 64),
            "\\x7f\\x80\\x9f\\xa0\\xff"
        );
        assert_eq!(escaped("é".as_bytes(), 64), "\\xc3\\xa9");
        // A literal backslash cannot pass for an escape.
        assert_eq!(escaped(b"\\x0a", 64), "\\x5cx0a");
        // Every byte value: the output is printable ASCII only, no newline in it.
        let every: Vec<u8> = (0..=255u8).collect();
        let out = escaped(&every, 1024);
        assert!(out.bytes().all(|b| (0x20..=0x7e).contains(&b)), "{out}");
        assert_eq!(out.len(), 95 - 1 + (256 - 95 + 1) * 4);
    }

    #[test]
    fn output_is_bounded_and_never_splits_an_escape() {
        assert_eq!(escaped(b"abcdef", 4), "abcd");
        assert_eq!(escaped(b"ab\ncd", 4), "ab");
        assert_eq!(escaped(b"ab\ncd", 6), "ab\\x0a");
        assert_eq!(escaped(b"ab\ncd", 7), "ab\\x0ac");
        assert_eq!(escaped(b"\n", 3), "");
        assert_eq!(escaped(b"abc", 0), "");
        // A huge input costs what the output can hold, not its length.
        let big = vec![b'\n'; 1 << 20];
        assert_eq!(escaped(&big, 256).len(), 256);
    }
    use core::fmt::Write;

    #[test]
    fn writes_terminates_and_flags_truncation() {
        let mut buf = [0xffu8; 8];
        let mut log = LogWriter::new(&mut buf);
        write!(log, "abc").unwrap();
        assert!(!log.truncated());
        write!(log, "defghij").unwrap();
        assert!(log.truncated());
        let (text, truncated) = log.finish();
        assert_eq!(text, b"abcdefg\0");
        assert!(truncated);
        let mut empty = [0u8; 0];
        let mut log = LogWriter::new(&mut empty);
        write!(log, "x").unwrap();
        assert_eq!(log.finish(), (&[][..], true));
    }
}
