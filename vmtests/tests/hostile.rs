//! Hostile input: thousands of corrupted artifacts and malformed attrs. Every one is refused
//! with an error (and a log line when a log was asked for), or — for damage the checks cannot
//! see, such as a flipped byte in a name — loaded without harm; the harness then checks the
//! kernel log for oops, WARN and leaks.

use kwasm::hooks::artifact::*;
use kwasm::hooks::attr::{Attr, ProgLoadAttr};
use kwasm::hooks::ioctl::KWASM_IOC_PROG_LOAD;
use kwasm::{Device, Error, LoadOptions, Program};
use kwasm_kcore::artifact::Artifact;
use kwasm_vmtests::{artifact, errno, require_vm};
use std::mem::size_of;

const BASE: &str = r#"(module
    (import "env" "print" (func $print (param i32 i32)))
    (import "env" "time_ns" (func $t (result i64)))
    (memory 1 4) (table 4 funcref) (global $g (mut i64) (i64.const 5))
    (type $u (func (param i32) (result i32)))
    (elem (i32.const 0) $a $b)
    (data (i32.const 16) "data segment")
    (func $a (type $u) (i32.add (local.get 0) (i32.const 1)))
    (func $b (type $u) (call_indirect (type $u) (local.get 0) (i32.const 0)))
    (func (export "run") (param i32) (result i32)
      (call $print (i32.const 16) (i32.const 12))
      (drop (call $t))
      (global.set $g (i64.add (global.get $g) (i64.const 1)))
      (call $b (local.get 0))))"#;

fn device() -> Device {
    require_vm();
    Device::open().expect("open /dev/kwasm")
}

/// Tries to load; `Ok(true)` if loaded, `Ok(false)` if refused with a log line.
fn try_load(dev: &Device, bytes: &[u8]) -> Result<bool, String> {
    match Program::load(
        dev,
        bytes,
        &LoadOptions {
            log_size: 4096,
            ..Default::default()
        },
    ) {
        Ok(_) => Ok(true),
        Err(Error::Load { source, log }) => {
            let e = errno(&source);
            if ![libc::EINVAL, libc::E2BIG].contains(&e) {
                return Err(format!("unexpected errno {e}: {log}"));
            }
            if log.is_empty() {
                return Err(format!("refused (errno {e}) without a log line"));
            }
            Ok(false)
        }
        Err(other) => Err(other.to_string()),
    }
}

fn header(bytes: &[u8]) -> Header {
    *Artifact::parse(bytes)
        .expect("base artifact is valid")
        .header()
}

fn write_header(bytes: &mut [u8], h: &Header) {
    // SAFETY: Header is repr(C) without padding.
    let raw = unsafe {
        std::slice::from_raw_parts((h as *const Header).cast::<u8>(), size_of::<Header>())
    };
    bytes[..size_of::<Header>()].copy_from_slice(raw);
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn corrupted_artifacts_are_refused() {
    let dev = device();
    let base = artifact(BASE);
    assert!(try_load(&dev, &base).unwrap(), "the base artifact loads");
    let h = header(&base);
    let mut refused = 0;

    // Truncations.
    for len in (1..base.len()).step_by(7) {
        assert!(!try_load(&dev, &base[..len]).unwrap(), "truncated to {len}");
        refused += 1;
    }
    // Lying lengths and offsets in the header.
    for s in 0..SECTION_COUNT {
        if h.sections[s].len == 0 {
            continue;
        }
        for lie in [
            |sp: &mut Span| sp.len += 8,
            |sp: &mut Span| sp.offset += 4,
            |sp: &mut Span| sp.offset = u32::MAX - 3,
            |sp: &mut Span| sp.len = u32::MAX,
        ] {
            let mut b = base.clone();
            let mut hh = h;
            lie(&mut hh.sections[s]);
            write_header(&mut b, &hh);
            assert!(!try_load(&dev, &b).unwrap(), "section {s} lie");
            refused += 1;
        }
    }
    let mut b = base.clone();
    let mut hh = h;
    hh.total_size += 1;
    write_header(&mut b, &hh);
    assert!(!try_load(&dev, &b).unwrap());
    // Relocations out of range, of unknown kinds, to unknown helpers.
    let relocs = h.sections[Section::Relocs as usize];
    assert!(relocs.len >= 12);
    for (field, value) in [
        (0, u32::MAX),
        (0, h.sections[Section::Code as usize].len),
        (4, 77),
        (8, 9999),
    ] {
        for k in 0..(relocs.len / 12) {
            let mut b = base.clone();
            let at = (relocs.offset + 12 * k + field) as usize;
            b[at..at + 4].copy_from_slice(&value.to_le_bytes());
            assert!(
                !try_load(&dev, &b).unwrap(),
                "reloc {k} field {field} = {value}"
            );
            refused += 1;
        }
    }
    // Unknown host functions and wrong signatures.
    let strings = h.sections[Section::Strings as usize];
    let mut b = base.clone();
    let s = &mut b[strings.offset as usize..(strings.offset + strings.len) as usize];
    let pos = s.windows(5).position(|w| w == b"print").unwrap();
    s[pos] = b'q';
    assert!(!try_load(&dev, &b).unwrap(), "unknown host function");
    let imports = h.sections[Section::Imports as usize];
    for k in 0..(imports.len / 32) {
        let mut b = base.clone();
        let at = (imports.offset + 32 * k + 20) as usize; // desc: the type index
        let ty = u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        b[at..at + 4].copy_from_slice(&(ty ^ 1).to_le_bytes());
        assert!(
            !try_load(&dev, &b).unwrap(),
            "import {k} with another signature"
        );
        refused += 1;
    }
    // Random damage outside the code (the code itself cannot be judged, see the design).
    let code = h.sections[Section::Code as usize];
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut loaded = 0;
    for _ in 0..2000 {
        let mut b = base.clone();
        for _ in 0..1 + rng.next() % 3 {
            let mut i = (rng.next() as usize) % b.len();
            if (code.offset as usize..(code.offset + code.len) as usize).contains(&i) {
                i %= size_of::<Header>();
            }
            b[i] ^= 1 << (rng.next() % 8);
        }
        if try_load(&dev, &b).unwrap() {
            loaded += 1;
        } else {
            refused += 1;
        }
    }
    assert!(refused > 1500, "{refused} refused, {loaded} loaded");
}

fn raw_load(dev: &Device, attr: &mut ProgLoadAttr) -> i32 {
    match dev.raw_ioctl(KWASM_IOC_PROG_LOAD, attr as *mut _ as usize) {
        Ok(fd) => {
            // SAFETY: closing the fd the kernel just gave us.
            unsafe { libc::close(fd as i32) };
            0
        }
        Err(e) => errno(&e),
    }
}

#[test]
fn malformed_load_attrs_are_refused() {
    let dev = device();
    let art = artifact(r#"(module (func (export "f")))"#);
    let mut log = vec![0u8; 256];
    let good = ProgLoadAttr {
        size: ProgLoadAttr::MIN_SIZE,
        artifact: art.as_ptr() as u64,
        artifact_len: art.len() as u32,
        ..Default::default()
    };
    assert_eq!(raw_load(&dev, &mut good.clone()), 0);
    let cases: Vec<(&str, ProgLoadAttr, i32)> = vec![
        ("flags", ProgLoadAttr { flags: 1, ..good }, libc::EINVAL),
        (
            "prog_type",
            ProgLoadAttr {
                prog_type: 99,
                ..good
            },
            libc::EINVAL,
        ),
        (
            "no artifact",
            ProgLoadAttr {
                artifact: 0,
                ..good
            },
            libc::EINVAL,
        ),
        (
            "empty artifact",
            ProgLoadAttr {
                artifact_len: 0,
                ..good
            },
            libc::EINVAL,
        ),
        (
            "huge artifact",
            ProgLoadAttr {
                artifact_len: 1 << 30,
                ..good
            },
            libc::E2BIG,
        ),
        (
            "bad artifact pointer",
            ProgLoadAttr {
                artifact: 0x10,
                ..good
            },
            libc::EFAULT,
        ),
        (
            "log level without buffer",
            ProgLoadAttr {
                log_level: 1,
                ..good
            },
            libc::EINVAL,
        ),
        (
            "buffer without level",
            ProgLoadAttr {
                log_buf: log.as_mut_ptr() as u64,
                log_size: 256,
                ..good
            },
            libc::EINVAL,
        ),
        (
            "log level 9",
            ProgLoadAttr {
                log_level: 9,
                log_buf: log.as_mut_ptr() as u64,
                log_size: 256,
                ..good
            },
            libc::EINVAL,
        ),
        (
            "huge log",
            ProgLoadAttr {
                log_level: 1,
                log_buf: log.as_mut_ptr() as u64,
                log_size: 1 << 30,
                ..good
            },
            libc::E2BIG,
        ),
        (
            "bad log pointer",
            ProgLoadAttr {
                log_level: 2,
                log_buf: 0x10,
                log_size: 256,
                ..good
            },
            libc::EFAULT,
        ),
    ];
    for (what, mut attr, want) in cases {
        assert_eq!(raw_load(&dev, &mut attr), want, "{what}");
    }
}
