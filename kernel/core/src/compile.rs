//! The call between the kernel module and the compiler linked into it (`kernel/kcompile/`).
//!
//! The module fills a [`Request`] and enters the compiler on a stack of its own (`compile_c.c`);
//! the compiler writes its outcome back into the same struct. A panic or an allocation failure
//! inside the compiler never returns through the compiler's frames: the module unwinds to the
//! entry, frees every allocation of that compile and reports [`Status::Panic`] or
//! [`Status::Memory`]. The layout is shared by two separately built objects, hence `repr(C)`.

use super::errno::{E2BIG, EFAULT, EINTR, EINVAL, ENOMEM};

/// Longest message the compiler reports (the rest is cut).
pub const MESSAGE_MAX: usize = 240;

/// Compile in yield mode (servers) instead of fuel mode (hooks, test runs).
pub const FLAG_YIELD: u32 = 1;
/// Return through the kernel's return thunk (`RELOC_RETURN_THUNK`) instead of `ret`.
pub const FLAG_RETURN_THUNK: u32 = 2;

/// How a compile ended.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// `artifact` holds the result.
    Ok = 0,
    /// The module is malformed, invalid or uses what kwasm does not support.
    Invalid = 1,
    /// The generated code would exceed the code budget.
    CodeBudget = 2,
    /// The compile needed more memory than its budget allows.
    MemoryBudget = 3,
    /// The kernel could not allocate memory.
    Memory = 4,
    /// A fatal signal arrived.
    Interrupted = 5,
    /// The compiler panicked (a compiler bug): refused, nothing leaked.
    Panic = 6,
}

impl Status {
    /// The status the compiler or the module wrote (anything unknown counts as a panic).
    pub fn from_raw(raw: u32) -> Status {
        match raw {
            0 => Status::Ok,
            1 => Status::Invalid,
            2 => Status::CodeBudget,
            3 => Status::MemoryBudget,
            4 => Status::Memory,
            5 => Status::Interrupted,
            _ => Status::Panic,
        }
    }

    /// The errno `PROG_LOAD` returns for this outcome (positive; 0 for `Ok`).
    pub fn errno(self) -> i32 {
        match self {
            Status::Ok => 0,
            Status::Invalid => EINVAL,
            Status::CodeBudget | Status::MemoryBudget => E2BIG,
            Status::Memory => ENOMEM,
            Status::Interrupted => EINTR,
            // As bpf(2) reports verifier bugs.
            Status::Panic => EFAULT,
        }
    }

    /// What the load log says before the compiler's own message.
    pub fn describe(self) -> &'static str {
        match self {
            Status::Ok => "compiled",
            Status::Invalid => "invalid module",
            Status::CodeBudget => "refused by the code budget",
            Status::MemoryBudget => "refused by the compile memory budget",
            Status::Memory => "out of memory while compiling",
            Status::Interrupted => "compile interrupted by a fatal signal",
            Status::Panic => "compiler bug (panic), compile abandoned",
        }
    }
}

/// One compile: inputs set by the module, outputs by the compiler (or by the module's unwind
/// path for `Panic` and the memory statuses).
#[repr(C)]
pub struct Request {
    /// In: the `.wasm` bytes.
    pub wasm: *const u8,
    pub wasm_len: usize,
    /// In: most bytes of generated code.
    pub max_code_bytes: usize,
    /// In: `FLAG_*`.
    pub flags: u32,
    /// Out: a [`Status`] as `u32`.
    pub status: u32,
    /// Out: the artifact, in the compile's heap (valid until the module frees that heap).
    pub artifact: *const u8,
    pub artifact_len: usize,
    /// Out: why the compile failed (UTF-8, `message_len` bytes).
    pub message_len: usize,
    pub message: [u8; MESSAGE_MAX],
}

impl Request {
    pub fn new(wasm: &[u8], max_code_bytes: usize, flags: u32) -> Request {
        Request {
            wasm: wasm.as_ptr(),
            wasm_len: wasm.len(),
            max_code_bytes,
            flags,
            status: Status::Panic as u32,
            artifact: core::ptr::null(),
            artifact_len: 0,
            message_len: 0,
            message: [0; MESSAGE_MAX],
        }
    }

    /// Sets the message, cut at `MESSAGE_MAX` bytes on a character boundary.
    pub fn set_message(&mut self, text: &str) {
        let mut n = text.len().min(MESSAGE_MAX);
        while !text.is_char_boundary(n) {
            n -= 1;
        }
        self.message[..n].copy_from_slice(&text.as_bytes()[..n]);
        self.message_len = n;
    }

    pub fn message(&self) -> &str {
        let n = self.message_len.min(MESSAGE_MAX);
        core::str::from_utf8(&self.message[..n]).unwrap_or("(message not UTF-8)")
    }

    pub fn status(&self) -> Status {
        Status::from_raw(self.status)
    }
}

/// A `core::fmt::Write` into a request's message buffer that cuts instead of failing (the
/// panic path formats its message without allocating).
pub struct MessageWriter<'a> {
    pub request: &'a mut Request,
}

impl core::fmt::Write for MessageWriter<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let start = self.request.message_len.min(MESSAGE_MAX);
        let mut n = s.len().min(MESSAGE_MAX - start);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        self.request.message[start..start + n].copy_from_slice(&s.as_bytes()[..n]);
        self.request.message_len = start + n;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn messages_are_cut_on_character_boundaries() {
        let mut r = Request::new(&[], 0, 0);
        let long = "é".repeat(MESSAGE_MAX);
        r.set_message(&long);
        assert!(r.message_len <= MESSAGE_MAX && r.message_len.is_multiple_of(2));
        assert_eq!(r.message(), &long[..r.message_len]);

        let mut r = Request::new(&[], 0, 0);
        let mut w = MessageWriter { request: &mut r };
        for _ in 0..100 {
            write!(w, "panicked at é{}", 12345).unwrap();
        }
        assert!(r.message().starts_with("panicked at é12345"));
        assert!(r.message_len <= MESSAGE_MAX);
    }

    #[test]
    fn unknown_statuses_count_as_panics() {
        assert_eq!(Status::from_raw(99), Status::Panic);
        assert_eq!(
            Status::from_raw(Status::Interrupted as u32),
            Status::Interrupted
        );
        assert_eq!(Status::CodeBudget.errno(), E2BIG);
        assert_eq!(Status::Panic.errno(), EFAULT);
    }
}
