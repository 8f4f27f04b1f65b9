//! Helpers for the tests in `tests/`, which run inside the test VM as root with the kwasm module
//! loaded (`cargo xtask vm`). On the host they refuse to run rather than pass vacuously:
//! `cargo xtask test` excludes this crate from the host run.

pub mod filters;
pub mod raw;
pub mod traffic;

use std::io;

/// Panics unless the test runs where `/dev/kwasm` is meant to exist (set by the VM's init).
pub fn require_vm() {
    assert!(
        std::env::var_os("KWASM_IN_VM").is_some(),
        "this test talks to the real kwasm module: run it with `cargo xtask vm`"
    );
}

/// The errno of a failed call, for asserting on the exact error the kernel returned.
pub fn errno(err: &io::Error) -> i32 {
    err.raw_os_error().expect("an OS error")
}

/// The binary of a text-format module: what `PROG_LOAD` takes (the kernel compiles it).
pub fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).expect("valid wat")
}

/// `delete_module(2)` with `O_NONBLOCK`: a module in use answers `EWOULDBLOCK`.
pub fn delete_module(name: &str) -> io::Result<()> {
    let name = std::ffi::CString::new(name).expect("no NUL in module names");
    // SAFETY: delete_module(2) with a NUL-terminated name and flags.
    let ret = unsafe { libc::syscall(libc::SYS_delete_module, name.as_ptr(), libc::O_NONBLOCK) };
    if ret == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `finit_module(2)` of the module file at `path`.
pub fn finit_module(path: &str) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(path)?;
    // SAFETY: finit_module(2) on an open fd with an empty parameter string.
    let ret = unsafe { libc::syscall(libc::SYS_finit_module, file.as_raw_fd(), c"".as_ptr(), 0) };
    if ret == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Runs the calling test alone among the tests of its binary that call this too (held until the
/// guard drops): tests that count the module's programs, arena or memory must not see others'.
pub fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs the calling thread on CPU `cpu` only.
pub fn pin_to_cpu(cpu: usize) {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; one CPU is set in it, for this thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        assert_eq!(
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set),
            0
        );
    }
}

/// Runs `child` in a forked process (which must only make syscalls) and returns its exit code.
pub fn in_child(child: impl FnOnce() -> i32) -> i32 {
    // SAFETY: fork in a test; the child only makes syscalls on memory prepared before the fork,
    // then leaves with _exit.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let code = child();
        // SAFETY: leave without running destructors or atexit handlers.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status), "child status {status:#x}");
    libc::WEXITSTATUS(status)
}
