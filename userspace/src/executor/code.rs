//! Executable memory for the userspace executor: the artifact's code followed by veneers for
//! imports, helpers and the indirect-branch thunk, mapped writable, patched, then made
//! read+execute (W^X: never both).

use std::io;
use std::ptr::NonNull;

/// An mmap'd region that is first writable, then only executable.
pub struct CodeMemory {
    ptr: NonNull<u8>,
    len: usize,
    /// Made read+execute: no longer writable.
    executable: bool,
}

// SAFETY: the mapping is owned by this value and immutable once executable.
unsafe impl Send for CodeMemory {}
// SAFETY: as above; nothing mutates it through `&self`.
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// A writable, not executable mapping of at least `len` bytes, filled with `int3`.
    pub fn new(len: usize) -> io::Result<Self> {
        let len = len.max(1).next_multiple_of(4096);
        // SAFETY: anonymous private mapping; the result is checked.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let mut mem = CodeMemory {
            ptr: NonNull::new(ptr.cast()).expect("mmap returned null"),
            len,
            executable: false,
        };
        mem.bytes_mut().fill(0xcc);
        Ok(mem)
    }

    pub fn base(&self) -> u64 {
        self.ptr.as_ptr() as u64
    }

    /// The bytes, while the mapping is still writable.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        assert!(!self.executable, "code memory is no longer writable");
        // SAFETY: the mapping is `len` bytes, ours, and writable (checked above); nothing else
        // reaches it before it is executable, and the slice borrows `self` mutably.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }

    /// Flips the mapping to read+execute.
    pub fn make_executable(&mut self) -> io::Result<()> {
        // SAFETY: our own mapping.
        let ret = unsafe {
            libc::mprotect(
                self.ptr.as_ptr().cast(),
                self.len,
                libc::PROT_READ | libc::PROT_EXEC,
            )
        };
        if ret != 0 {
            return Err(io::Error::last_os_error());
        }
        self.executable = true;
        Ok(())
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: unmapping our own mapping; no code runs from it any more: it belongs to an
        // instance's core, freed only when none of its code can run (`instance.rs`).
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

/// A stack for wasm code: `len` usable bytes above a guard page.
pub struct Stack {
    ptr: NonNull<u8>,
    len: usize,
}

impl Stack {
    pub fn new(len: usize) -> io::Result<Self> {
        let len = len.next_multiple_of(4096) + 4096;
        // SAFETY: anonymous private mapping; the result is checked.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // Owned (and unmapped on drop) from here.
        let stack = Stack {
            ptr: NonNull::new(ptr.cast()).expect("mmap returned null"),
            len,
        };
        // SAFETY: the lowest page of our mapping becomes the guard; nothing uses it yet.
        if unsafe { libc::mprotect(ptr, 4096, libc::PROT_NONE) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(stack)
    }

    /// Lowest usable address (above the guard page).
    pub fn bottom(&self) -> u64 {
        self.ptr.as_ptr() as u64 + 4096
    }

    /// Highest address, 16-byte aligned.
    pub fn top(&self) -> u64 {
        (self.ptr.as_ptr() as u64 + self.len as u64) & !15
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: our own mapping; no code runs on it any more (it belongs to an instance's
        // core or state, freed only when none of its code can run: `instance.rs`).
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}
