//! Hostile input: thousands of corrupted modules and malformed attrs. Every one is refused with
//! an error (and a log line when a log was asked for), or — for damage that leaves a valid
//! module — loaded without harm; the harness then checks the kernel log for oops, WARN and
//! leaks.

use kwasm::hooks::attr::{Attr, ProgLoadAttr};
use kwasm::hooks::ioctl::KWASM_IOC_PROG_LOAD;
use kwasm::{Device, Error, LoadOptions};
use kwasm_vmtests::{errno, require_vm, wasm};

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
fn try_load(bytes: &[u8]) -> Result<bool, String> {
    match LoadOptions::new().log_size(4096).load_bytes(bytes) {
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

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Truncated and bit-flipped modules reach the kernel's own parser, validator and compiler:
/// each is refused with a log line, or (when the damage happens to leave a valid module) loads.
#[test]
fn corrupted_modules_are_refused() {
    require_vm();
    let base = wasm(BASE);
    assert!(try_load(&base).unwrap(), "the base module loads");
    let mut refused = 0;
    for len in 1..base.len() {
        if !try_load(&base[..len]).unwrap() {
            refused += 1;
        }
    }
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut loaded = 0;
    for _ in 0..2000 {
        let mut b = base.clone();
        for _ in 0..1 + rng.next() % 3 {
            let i = (rng.next() as usize) % b.len();
            b[i] ^= 1 << (rng.next() % 8);
        }
        if try_load(&b).unwrap() {
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
    let module = wasm(r#"(module (func (export "f")))"#);
    let mut log = vec![0u8; 256];
    let good = ProgLoadAttr {
        size: ProgLoadAttr::MIN_SIZE,
        wasm: module.as_ptr() as u64,
        wasm_len: module.len() as u32,
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
        ("no module", ProgLoadAttr { wasm: 0, ..good }, libc::EINVAL),
        (
            "empty module",
            ProgLoadAttr {
                wasm_len: 0,
                ..good
            },
            libc::EINVAL,
        ),
        (
            "huge module",
            ProgLoadAttr {
                wasm_len: 1 << 30,
                ..good
            },
            libc::E2BIG,
        ),
        (
            "bad module pointer",
            ProgLoadAttr { wasm: 0x10, ..good },
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
