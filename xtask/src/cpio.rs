//! A writer for the `newc` cpio format, the format of an initramfs.

/// An initramfs being assembled in memory.
#[derive(Default)]
pub struct Cpio {
    out: Vec<u8>,
    ino: u32,
}

const S_IFDIR: u32 = 0o040000;
const S_IFREG: u32 = 0o100000;
const S_IFCHR: u32 = 0o020000;

impl Cpio {
    fn entry(&mut self, name: &str, mode: u32, data: &[u8], rdev: (u32, u32)) {
        self.ino += 1;
        let fields = [
            self.ino,
            mode,
            0, // uid
            0, // gid
            if mode & S_IFDIR == S_IFDIR { 2 } else { 1 },
            0, // mtime: reproducible images
            data.len() as u32,
            0,
            0,
            rdev.0,
            rdev.1,
            name.len() as u32 + 1,
            0, // checksum (unused in newc)
        ];
        self.out.extend_from_slice(b"070701");
        for f in fields {
            self.out.extend_from_slice(format!("{f:08x}").as_bytes());
        }
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(0);
        self.pad();
        self.out.extend_from_slice(data);
        self.pad();
    }

    fn pad(&mut self) {
        while !self.out.len().is_multiple_of(4) {
            self.out.push(0);
        }
    }

    pub fn dir(&mut self, name: &str) {
        self.entry(name, S_IFDIR | 0o755, &[], (0, 0));
    }

    pub fn file(&mut self, name: &str, mode: u32, data: &[u8]) {
        self.entry(name, S_IFREG | mode, data, (0, 0));
    }

    pub fn char_dev(&mut self, name: &str, mode: u32, major: u32, minor: u32) {
        self.entry(name, S_IFCHR | mode, &[], (major, minor));
    }

    /// Finishes the archive with the trailer entry.
    pub fn finish(mut self) -> Vec<u8> {
        self.entry("TRAILER!!!", 0, &[], (0, 0));
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_aligned_and_well_formed() {
        let mut c = Cpio::default();
        c.dir("bin");
        c.file("bin/x", 0o755, b"hello");
        let out = c.finish();
        assert_eq!(out.len() % 4, 0);
        assert_eq!(&out[..6], b"070701");
        // The file entry: header (110 bytes) + "bin/x\0" padded, then the data.
        let pos = out.windows(5).position(|w| w == b"bin/x").unwrap();
        let header = &out[pos - 110..pos];
        let size = u32::from_str_radix(std::str::from_utf8(&header[54..62]).unwrap(), 16).unwrap();
        assert_eq!(size, 5);
        let mode = u32::from_str_radix(std::str::from_utf8(&header[14..22]).unwrap(), 16).unwrap();
        assert_eq!(mode, S_IFREG | 0o755);
        assert!(out.windows(10).any(|w| w == b"TRAILER!!!"));
    }
}
