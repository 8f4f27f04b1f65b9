//! Bad input to every command of maps, links and pins (and the new fields of the program
//! commands): truncated, oversized and nonsense attrs give an errno, and leave nothing behind.

use kwasm_hooks::attr::ATTR_SIZE_MAX;
use kwasm_hooks::ioctl::*;
use kwasm_vmtests::raw::Dev;
use std::os::fd::FromRawFd;

const COMMANDS: [(u32, &str, usize); 20] = [
    (KWASM_IOC_PROG_LOAD, "PROG_LOAD", 88),
    (KWASM_IOC_PROG_TEST_RUN, "PROG_TEST_RUN", 96),
    (KWASM_IOC_MAP_CREATE, "MAP_CREATE", 40),
    (KWASM_IOC_MAP_LOOKUP_ELEM, "MAP_LOOKUP_ELEM", 32),
    (KWASM_IOC_MAP_UPDATE_ELEM, "MAP_UPDATE_ELEM", 32),
    (KWASM_IOC_MAP_DELETE_ELEM, "MAP_DELETE_ELEM", 32),
    (KWASM_IOC_MAP_GET_NEXT_KEY, "MAP_GET_NEXT_KEY", 32),
    (KWASM_IOC_MAP_LOOKUP_BATCH, "MAP_LOOKUP_BATCH", 48),
    (KWASM_IOC_MAP_GET_INFO, "MAP_GET_INFO", 72),
    (KWASM_IOC_MAP_GET_NEXT_ID, "MAP_GET_NEXT_ID", 16),
    (KWASM_IOC_MAP_GET_FD_BY_ID, "MAP_GET_FD_BY_ID", 16),
    (KWASM_IOC_LINK_CREATE, "LINK_CREATE", 40),
    (KWASM_IOC_LINK_UPDATE, "LINK_UPDATE", 16),
    (KWASM_IOC_LINK_DETACH, "LINK_DETACH", 16),
    (KWASM_IOC_LINK_GET_INFO, "LINK_GET_INFO", 184),
    (KWASM_IOC_LINK_GET_NEXT_ID, "LINK_GET_NEXT_ID", 16),
    (KWASM_IOC_LINK_GET_FD_BY_ID, "LINK_GET_FD_BY_ID", 16),
    (KWASM_IOC_OBJ_PIN, "OBJ_PIN", 24),
    (KWASM_IOC_OBJ_GET, "OBJ_GET", 24),
    (KWASM_IOC_PIN_GET_NEXT, "PIN_GET_NEXT", 40),
];

/// What the module holds (debugfs `kwasm/state`).
fn state() -> String {
    std::fs::read_to_string("/sys/kernel/debug/kwasm/state").unwrap()
}

/// An ioctl on a raw buffer: the errno, or `Ok` with what it returned.
fn raw(dev: &Dev, cmd: u32, buf: &mut [u8]) -> Result<i32, i32> {
    // SAFETY: the kernel reads and writes at most `size` bytes of the buffer, which is at least
    // that long (or the call fails before touching more than the size field).
    let ret = unsafe { libc::ioctl(dev.raw_fd(), cmd as _, buf.as_mut_ptr()) };
    if ret < 0 {
        Err(std::io::Error::last_os_error().raw_os_error().unwrap())
    } else {
        Ok(ret)
    }
}

fn with_size(size: u32, len: usize) -> Vec<u8> {
    let mut b = vec![0u8; len.max(4)];
    b[..4].copy_from_slice(&size.to_ne_bytes());
    b
}

#[test]
fn sizes_out_of_bounds_are_refused() {
    let _serial = kwasm_vmtests::one_at_a_time();
    let dev = Dev::open();
    let before = state();
    for (cmd, name, size) in COMMANDS {
        assert_eq!(
            raw(&dev, cmd, &mut with_size(0, 8)),
            Err(libc::EINVAL),
            "{name}: size 0"
        );
        assert_eq!(
            raw(&dev, cmd, &mut with_size(4, 8)),
            Err(libc::EINVAL),
            "{name}: truncated"
        );
        assert_eq!(
            raw(&dev, cmd, &mut with_size(ATTR_SIZE_MAX + 1, 8)),
            Err(libc::E2BIG),
            "{name}: oversized"
        );
        let mut tail = with_size(size as u32 + 8, size + 8);
        tail[size + 3] = 1;
        assert_eq!(
            raw(&dev, cmd, &mut tail),
            Err(libc::E2BIG),
            "{name}: unknown non-zero tail"
        );
        // SAFETY: a pointer to nothing the process owns.
        let ret = unsafe { libc::ioctl(dev.raw_fd(), cmd as _, 16usize) };
        assert_eq!(
            (ret, std::io::Error::last_os_error().raw_os_error()),
            (-1, Some(libc::EFAULT)),
            "{name}: bad pointer"
        );
    }
    assert_eq!(state(), before);
}

/// xorshift64*: deterministic nonsense.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn nonsense_attrs_give_errnos_and_leave_nothing_behind() {
    let _serial = kwasm_vmtests::one_at_a_time();
    let dev = Dev::open();
    let before = state();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (cmd, name, size) in COMMANDS {
        for round in 0..2000 {
            let mut buf = vec![0u8; size];
            for b in buf.iter_mut() {
                *b = rng.next() as u8;
            }
            buf[..4].copy_from_slice(&(size as u32).to_ne_bytes());
            // Half the rounds with small fields (fds, sizes, flags near zero), half wild.
            if round % 2 == 0 {
                for w in buf[4..].chunks_mut(4) {
                    let v = (rng.next() % 8) as u32;
                    w.copy_from_slice(&v.to_ne_bytes()[..w.len()]);
                }
            }
            match raw(&dev, cmd, &mut buf) {
                // A command that made an fd from nonsense: close it.
                // SAFETY: a new fd the kernel just gave us.
                Ok(fd) if fd > 2 => drop(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) }),
                Ok(_) => {}
                Err(e) => assert!(e > 0 && e < 200, "{name}: errno {e}"),
            }
        }
    }
    // Pins made by chance are undone; then the module holds what it held before.
    let mut pinned = vec![];
    let mut prev: Vec<u8> = vec![];
    loop {
        let mut next = [0u8; 256];
        let mut a: kwasm_hooks::pin::PinNextAttr = kwasm_vmtests::raw::sized();
        (a.name, a.name_len, a.next, a.next_size) = (
            prev.as_ptr() as u64,
            prev.len() as u32,
            next.as_mut_ptr() as u64,
            256,
        );
        if dev.call(KWASM_IOC_PIN_GET_NEXT, &mut a).is_err() {
            break;
        }
        prev = next[..a.next_size as usize].to_vec();
        pinned.push(prev.clone());
    }
    for p in pinned {
        let mut a: kwasm_hooks::pin::PinAttr = kwasm_vmtests::raw::sized();
        (a.name, a.name_len) = (p.as_ptr() as u64, p.len() as u32);
        dev.call(KWASM_IOC_OBJ_UNPIN, &mut a).unwrap();
    }
    assert_eq!(state(), before);
}
