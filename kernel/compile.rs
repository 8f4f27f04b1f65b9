// SPDX-License-Identifier: GPL-2.0

//! The first step of `PROG_LOAD`: the kernel compiles the `.wasm` itself, with the compiler
//! linked into this module (`kcompile/`), so the only machine code that ever runs is code this
//! module produced from bytes it validated (design decision 1). The machinery — one compile at a
//! time, its own stack and heap, unwinding on panic — is in `compile_c.c`.

use crate::ffi;
use crate::kcore::compile::{Request, Status, FLAG_RETURN_THUNK};
use crate::refused::Refused;
use core::fmt::Write;
use kernel::prelude::*;

/// Largest `.wasm` `PROG_LOAD` copies.
pub(crate) const WASM_MAX: usize = 16 << 20;
/// Most memory one compile may hold at once (the compiler needs a few times the input: the
/// validator's state, the code buffer and the artifact with the module's data).
pub(crate) const MEMORY_MAX: usize = 128 << 20;

/// A successful compile.
pub(crate) struct Compiled {
    pub(crate) artifact: KVVec<u8>,
    pub(crate) time_ns: u64,
    /// Most bytes the compile's heap held at once.
    pub(crate) peak_bytes: usize,
}

/// Holds the compile lock and the compile's heap; dropping frees both.
struct Session;

impl Drop for Session {
    fn drop(&mut self) {
        // SAFETY: a `Session` exists only after `kwasm_compile_begin` returned 0.
        unsafe { ffi::kwasm_compile_end() };
    }
}

/// Compiles `wasm` into an artifact; a refusal writes the compiler's reason into `log`.
/// `max_code_bytes` bounds the generated code (nothing larger could be installed anyway).
pub(crate) fn compile(wasm: &[u8], max_code_bytes: usize, log: &mut impl Write) -> Result<Compiled, Refused> {
    let start = ffi::now_ns();
    // Returns go through the kernel's return thunk when it has one (retbleed/SRSO), as the
    // kernel's own code and the eBPF JIT do.
    // SAFETY: reads a constant address.
    let flags = if unsafe { ffi::kwasm_return_thunk() } != 0 { FLAG_RETURN_THUNK } else { 0 };
    let mut req = Request::new(wasm, max_code_bytes, flags);
    let mut peak_bytes = 0usize;
    let req_ptr: *mut Request = &mut req;
    // SAFETY: `req`, its `wasm` bytes and `peak_bytes` outlive the call; `status` points into
    // `req`. On success the compile lock is held until `Session` drops.
    let ret = unsafe {
        ffi::kwasm_compile_begin(req_ptr.cast(), &raw mut (*req_ptr).status, MEMORY_MAX, &mut peak_bytes)
    };
    if ret != 0 {
        // The only failure: a fatal signal while waiting for another compile to finish.
        let _ = writeln!(log, "compile: interrupted while waiting for another compile to finish");
        return Err(Refused(Error::from_errno(ret)));
    }
    let session = Session;
    let status = req.status();
    if status != Status::Ok {
        let _ = writeln!(log, "compile: {}: {}", status.describe(), req.message());
        return Err(Refused(Error::from_errno(-status.errno())));
    }
    // SAFETY: the compiler set `artifact`/`artifact_len` to a block of its heap, which lives
    // until `session` drops below.
    let bytes = unsafe { core::slice::from_raw_parts(req.artifact, req.artifact_len) };
    let mut artifact = KVVec::with_capacity(bytes.len(), GFP_KERNEL_ACCOUNT).map_err(|_| Refused(ENOMEM))?;
    artifact.extend_from_slice(bytes, GFP_KERNEL_ACCOUNT).map_err(|_| Refused(ENOMEM))?;
    drop(session);
    Ok(Compiled { artifact, time_ns: ffi::now_ns().saturating_sub(start), peak_bytes })
}
