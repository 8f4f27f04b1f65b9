//! Size-prefixed attr structs, the bpf(2) convention for extensible ioctl arguments.
//!
//! Every attr starts with `size: u32`, the size of the struct as the caller knows it. The kernel
//! copies `size` bytes: a caller with an older, shorter struct gets zeroes for the missing
//! fields; a caller with a newer, longer struct is accepted only if every byte the kernel does
//! not know is zero (otherwise `E2BIG`), so new fields can never be silently ignored.

/// Largest attr the kernel copies from userspace; anything larger is `E2BIG` at once.
pub const ATTR_SIZE_MAX: u32 = 4096;

/// Marker for attr structs that may be read from and written to raw bytes.
///
/// # Safety
///
/// Implementors must be `#[repr(C)]`, contain only integer fields (every bit pattern valid)
/// with no padding, and start with `size: u32`.
pub unsafe trait Attr: Copy + Default {
    /// The smallest `size` the kernel accepts: the struct as it was in ABI version 1.
    const MIN_SIZE: u32;
}

/// Argument of [`crate::ioctl::KWASM_IOC_SELFTEST`].
///
/// The module installs a small code sequence in its executable arena, calls it with `input`
/// through the same entry path as compiled programs, frees it again, and writes the result.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct SelftestAttr {
    /// Size of this struct as the caller knows it.
    pub size: u32,
    /// Must be zero.
    pub flags: u32,
    /// Argument passed to the installed code.
    pub input: u64,
    /// Out: what the installed code returned (`input * 3 + 7`).
    pub output: u64,
    /// Out: bytes of the arena in use after the test (0 unless programs are loaded).
    pub arena_used: u64,
    /// Out: total bytes of the arena.
    pub arena_size: u64,
}

// SAFETY: repr(C), only u32/u64 fields laid out without padding, starts with `size: u32`.
unsafe impl Attr for SelftestAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<SelftestAttr>() as u32;
}

/// What the self-test code computes; userspace checks the module's answer against this.
pub const fn selftest_expected(input: u64) -> u64 {
    input.wrapping_mul(3).wrapping_add(7)
}
