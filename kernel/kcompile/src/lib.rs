// SPDX-License-Identifier: GPL-2.0

//! `kwasm-compiler` as the kwasm module runs it: the entry [`kwasm_compile_wasm`], a global
//! allocator over the module's per-compile heap, and a panic handler that abandons the compile.
//!
//! The module (`kernel/compile_c.c`) calls the entry on a stack of its own, one compile at a time
//! (its compile mutex). Nothing here returns through the compiler's frames after a panic: the
//! handler records the message and calls `kwasm_compile_abort`, which frees every allocation of
//! the compile and returns from the entry's call on the original stack. No lock or other kernel
//! state is held in those frames (the compiler only computes and allocates), so skipping them
//! leaks nothing.

#![no_std]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::fmt::Write;
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicPtr, Ordering};
use kwasm_compiler::{Bound, CompileError, ErrorKind, Options};
use kwasm_kcore::compile::{MessageWriter, Request, Status, FLAG_RETURN_THUNK, FLAG_YIELD};

/// What `kwasm_compile_progress` answers.
const PROGRESS_GO_ON: i32 = 0;
const PROGRESS_FATAL_SIGNAL: i32 = 1;
/// Fault injection (debugfs `kwasm/compile_fail_panic`): panic here.
const PROGRESS_INJECT_PANIC: i32 = 2;

extern "C" {
    /// Allocates from the current compile's heap (charged to the caller, within its budget).
    fn kwasm_compile_alloc(size: usize, align: usize) -> *mut u8;
    fn kwasm_compile_free(ptr: *mut u8);
    /// Abandons the compile: frees its heap and returns from the entry with the status set.
    /// It does not return; declared as returning so that the call is followed by `ud2`, which
    /// tells objtool the path ends even when it checks this object alone (rustc emits no trap
    /// after a call to a `-> !` function).
    fn kwasm_compile_abort();
    /// Called before each function body: reschedules, checks for fatal signals.
    fn kwasm_compile_progress(func: u32) -> i32;
}

struct CompileHeap;

// SAFETY: `kwasm_compile_alloc` returns null or a block of at least `size` bytes aligned to
// `align` that stays valid until `kwasm_compile_free`; every allocation is made during a compile,
// while the module's compile heap exists.
unsafe impl GlobalAlloc for CompileHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe { kwasm_compile_alloc(layout.size(), layout.align()) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from `alloc` of this compile (the caller's contract).
        unsafe { kwasm_compile_free(ptr) }
    }
}

#[global_allocator]
static HEAP: CompileHeap = CompileHeap;

/// The request being compiled, for the panic handler. The module runs one compile at a time.
static CURRENT: AtomicPtr<Request> = AtomicPtr::new(core::ptr::null_mut());

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    let req = CURRENT.swap(core::ptr::null_mut(), Ordering::Relaxed);
    if !req.is_null() {
        // SAFETY: set by the entry for the duration of the compile; the module keeps the request
        // alive until the entry (or this abort) has returned.
        let req = unsafe { &mut *req };
        req.message_len = 0;
        let _ = write!(MessageWriter { request: req }, "{info}");
        req.status = Status::Panic as u32;
    }
    // SAFETY: called on the compile's own stack, inside the entry (CURRENT was set); the abort
    // never returns, and `ud2` ends the path for objtool.
    unsafe {
        kwasm_compile_abort();
        core::arch::asm!("ud2", options(noreturn));
    }
}

/// Compiles `req.wasm`; writes the status, the artifact (in the compile heap) or a message.
///
/// # Safety
///
/// `req` points to a valid request whose `wasm` is readable for `wasm_len` bytes; called by the
/// module (one compile at a time, heap set up).
#[no_mangle]
pub unsafe extern "C" fn kwasm_compile_wasm(req: *mut Request) {
    CURRENT.store(req, Ordering::Relaxed);
    // SAFETY: the caller's contract.
    let req = unsafe { &mut *req };
    // SAFETY: the caller's contract.
    let wasm = unsafe { core::slice::from_raw_parts(req.wasm, req.wasm_len) };
    let options = Options {
        bound: if req.flags & FLAG_YIELD != 0 {
            Bound::Yield
        } else {
            Bound::Fuel
        },
        max_code_bytes: req.max_code_bytes,
        return_thunk: req.flags & FLAG_RETURN_THUNK != 0,
    };
    let mut interrupted = false;
    let mut progress = |func: u32| -> kwasm_compiler::Result<()> {
        // SAFETY: inside a compile, as the module requires.
        match unsafe { kwasm_compile_progress(func) } {
            PROGRESS_GO_ON => Ok(()),
            PROGRESS_FATAL_SIGNAL => {
                interrupted = true;
                Err(CompileError::new(0, "a fatal signal is pending").in_func(func))
            }
            PROGRESS_INJECT_PANIC => panic!("injected panic before function {func}"),
            other => panic!("unknown progress answer {other}"),
        }
    };
    match kwasm_compiler::compile_with(wasm, &options, &mut progress) {
        Ok(artifact) => {
            req.artifact = artifact.as_ptr();
            req.artifact_len = artifact.len();
            // The module copies it out, then frees the whole heap.
            core::mem::forget(artifact);
            req.status = Status::Ok as u32;
        }
        Err(e) => {
            req.status = if interrupted {
                Status::Interrupted
            } else if e.kind == ErrorKind::CodeBudget {
                Status::CodeBudget
            } else if e.kind == ErrorKind::OutOfMemory {
                // The module knows whether that was the budget or the kernel (and says so).
                Status::Memory
            } else {
                Status::Invalid
            } as u32;
            req.message_len = 0;
            let _ = write!(MessageWriter { request: req }, "{e}");
        }
    }
    CURRENT.store(core::ptr::null_mut(), Ordering::Relaxed);
}
