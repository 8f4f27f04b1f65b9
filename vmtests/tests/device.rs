//! `/dev/kwasm` basics: version, ioctl argument checking, the arena self-test, permissions.

use kwasm::hooks::attr::{selftest_expected, Attr, SelftestAttr, ATTR_SIZE_MAX};
use kwasm::hooks::ioctl::{io, KWASM_IOC_SELFTEST, KWASM_IOC_VERSION};
use kwasm::Device;
use kwasm_vmtests::{errno, require_vm};

fn device() -> Device {
    require_vm();
    Device::open().expect("open /dev/kwasm")
}

#[test]
fn version_ioctl_returns_the_abi_version() {
    let dev = device();
    assert_eq!(
        dev.raw_ioctl(KWASM_IOC_VERSION, 0).unwrap(),
        kwasm::hooks::ABI_VERSION as i64
    );
}

#[test]
fn unknown_ioctls_are_enotty() {
    let dev = device();
    for cmd in [io(0x7f), io(0xff), 0x5401 /* TCGETS */, 0] {
        let err = dev.raw_ioctl(cmd, 0).unwrap_err();
        assert_eq!(errno(&err), libc::ENOTTY, "cmd {cmd:#x}");
    }
}

#[test]
fn selftest_runs_code_from_the_arena() {
    let dev = device();
    for input in [0, 1, 0x1234, u64::MAX, 0x8000_0000_0000_0000] {
        let report = dev.selftest(input).expect("selftest");
        assert_eq!(report.output, selftest_expected(input));
        assert!(
            report.arena_size >= 1 << 20,
            "arena of {} bytes",
            report.arena_size
        );
        assert_eq!(
            report.arena_used, 0,
            "the self-test frees what it allocated"
        );
    }
}

/// An attr buffer of `len` bytes whose size field says `len`, with `input` set.
fn attr_bytes(len: usize) -> Vec<u64> {
    let mut buf = vec![0u64; len.div_ceil(8)];
    let attr = SelftestAttr {
        size: len as u32,
        input: 20,
        ..Default::default()
    };
    // SAFETY: the buffer holds at least `size_of::<SelftestAttr>()` bytes (len >= MIN_SIZE in
    // every caller) and is 8-byte aligned.
    unsafe { buf.as_mut_ptr().cast::<SelftestAttr>().write(attr) };
    buf
}

fn selftest_raw(dev: &Device, buf: &mut [u64]) -> std::io::Result<i64> {
    dev.raw_ioctl(KWASM_IOC_SELFTEST, buf.as_mut_ptr() as usize)
}

#[test]
fn larger_attr_with_zero_tail_is_accepted() {
    let dev = device();
    let mut buf = attr_bytes(SelftestAttr::MIN_SIZE as usize + 256);
    selftest_raw(&dev, &mut buf).expect("zero tail accepted");
    assert_eq!(buf[2], selftest_expected(20), "output field written back");
}

#[test]
fn oversized_attr_with_garbage_tail_is_e2big() {
    let dev = device();
    let len = SelftestAttr::MIN_SIZE as usize + 256;
    let mut buf = attr_bytes(len);
    *buf.last_mut().unwrap() = 0xdead_beef;
    let err = selftest_raw(&dev, &mut buf).unwrap_err();
    assert_eq!(errno(&err), libc::E2BIG);
    assert_eq!(buf[2], 0, "nothing written back on error");
}

#[test]
fn attr_beyond_the_size_limit_is_e2big() {
    let dev = device();
    let mut buf = attr_bytes(ATTR_SIZE_MAX as usize + 8);
    assert_eq!(
        errno(&selftest_raw(&dev, &mut buf).unwrap_err()),
        libc::E2BIG
    );
}

#[test]
fn truncated_attr_is_einval_and_bad_pointer_is_efault() {
    let dev = device();
    let mut buf = attr_bytes(SelftestAttr::MIN_SIZE as usize);
    // SAFETY: the buffer starts with the u32 size field.
    unsafe { buf.as_mut_ptr().cast::<u32>().write(8) };
    assert_eq!(
        errno(&selftest_raw(&dev, &mut buf).unwrap_err()),
        libc::EINVAL
    );
    let err = dev.raw_ioctl(KWASM_IOC_SELFTEST, 0x10).unwrap_err();
    assert_eq!(errno(&err), libc::EFAULT);
    let mut flags = attr_bytes(SelftestAttr::MIN_SIZE as usize);
    flags[0] |= 1 << 32; // flags field
    assert_eq!(
        errno(&selftest_raw(&dev, &mut flags).unwrap_err()),
        libc::EINVAL
    );
}

#[test]
fn non_root_open_is_refused() {
    require_vm();
    // Fork so that dropping privileges affects only the child; the child calls only
    // async-signal-safe functions before `_exit`.
    // SAFETY: fork in a test process; the child does not touch Rust state.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork");
    if pid == 0 {
        // SAFETY: plain syscalls in the forked child, then _exit with the observed errno.
        unsafe {
            if libc::setgroups(0, std::ptr::null()) != 0
                || libc::setresgid(65534, 65534, 65534) != 0
                || libc::setresuid(65534, 65534, 65534) != 0
            {
                libc::_exit(100);
            }
            let fd = libc::open(c"/dev/kwasm".as_ptr(), libc::O_RDWR);
            libc::_exit(if fd >= 0 {
                0
            } else {
                *libc::__errno_location()
            });
        }
    }
    let mut status = 0;
    // SAFETY: waiting for the child we forked.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status));
    assert_eq!(
        libc::WEXITSTATUS(status),
        libc::EACCES,
        "nobody opening /dev/kwasm"
    );
}
