//! The load log: human-readable reasons written into a caller-sized buffer, truncated (and
//! flagged, so the ioctl can answer `ENOSPC` as bpf(2) does) when it does not fit.

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

#[cfg(test)]
mod tests {
    use super::*;
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
