// SPDX-License-Identifier: GPL-2.0

//! Program ids and file descriptors, as bpf(2) does them: every program has a global id while
//! any fd refers to it; `GET_NEXT_ID` walks the ids, `GET_FD_BY_ID` opens another fd.
//!
//! Each fd owns one `Arc<Program>` (its raw pointer is the file's private data). The registry
//! holds one more and counts the fds; it lets go when the last fd closes. Both happen under the
//! registry's mutex, so an id is never opened while its program is going away.

use crate::ffi;
use crate::program::Program;
use core::ffi::c_void;
use core::sync::atomic::Ordering;
use kernel::prelude::*;
use kernel::sync::Arc;

struct Entry {
    id: u32,
    prog: Arc<Program>,
    fds: usize,
}

/// Ids are never reused while the module is loaded (they wrap after 2^31 loads).
pub(crate) struct Registry {
    entries: KVec<Option<Entry>>,
    last_id: u32,
}

impl Registry {
    pub(crate) fn new() -> Self {
        Registry { entries: KVec::new(), last_id: 0 }
    }

    /// Registers a new program and returns its first fd.
    pub(crate) fn install(prog: Arc<Program>) -> Result<i32> {
        let state = prog.state;
        let mut reg = state.programs.lock();
        reg.last_id = if reg.last_id >= i32::MAX as u32 { 1 } else { reg.last_id + 1 };
        let id = reg.last_id;
        prog.id.store(id, Ordering::Relaxed);
        let entry = Entry { id, prog: prog.clone(), fds: 1 };
        match reg.entries.iter().position(|e| e.is_none()) {
            Some(free) => reg.entries[free] = Some(entry),
            None => reg.entries.push(Some(entry), GFP_KERNEL)?,
        }
        Self::new_fd(&mut reg, prog)
    }

    /// Makes an fd owning `prog`; on failure undoes the fd count taken for it.
    fn new_fd(reg: &mut Registry, prog: Arc<Program>) -> Result<i32> {
        let raw = Arc::into_raw(prog);
        // SAFETY: hands the reference to the new file; `kwasm_rust_prog_release` takes it back.
        let fd = unsafe { ffi::kwasm_prog_fd_new(raw.cast()) };
        if fd < 0 {
            // SAFETY: the file was not created, so the reference is still ours.
            let prog = unsafe { Arc::from_raw(raw) };
            reg.fd_closed(&prog);
            return Err(Error::from_errno(fd));
        }
        Ok(fd)
    }

    fn fd_closed(&mut self, prog: &Arc<Program>) {
        for slot in self.entries.iter_mut() {
            if let Some(e) = slot {
                if Arc::ptr_eq(&e.prog, prog) {
                    e.fds -= 1;
                    if e.fds == 0 {
                        *slot = None;
                    }
                    return;
                }
            }
        }
    }

    /// The smallest id above `after`.
    pub(crate) fn next_id(state: &crate::KwasmState, after: u32) -> Option<u32> {
        let reg = state.programs.lock();
        reg.entries.iter().flatten().map(|e| e.id).filter(|&id| id > after).min()
    }

    /// A new fd for the program with `id`.
    pub(crate) fn fd_by_id(state: &crate::KwasmState, id: u32) -> Result<i32> {
        let mut reg = state.programs.lock();
        let prog = {
            let e = reg.entries.iter_mut().flatten().find(|e| e.id == id).ok_or(ENOENT)?;
            e.fds += 1;
            e.prog.clone()
        };
        Self::new_fd(&mut reg, prog)
    }

    /// The program behind `fd`, or `EBADF` (not a program fd).
    pub(crate) fn from_fd(fd: u32) -> Result<Arc<Program>> {
        let fd = i32::try_from(fd).map_err(|_| EBADF)?;
        // SAFETY: returns a new reference (from `kwasm_rust_prog_get`) or NULL.
        let raw = unsafe { ffi::kwasm_prog_fd_get(fd) };
        if raw.is_null() {
            return Err(EBADF);
        }
        // SAFETY: the reference was made for us by `kwasm_rust_prog_get`.
        Ok(unsafe { Arc::from_raw(raw.cast::<Program>()) })
    }
}

/// Called by the fd's `release`: the fd's reference goes.
#[no_mangle]
extern "C" fn kwasm_rust_prog_release(raw: *const c_void) {
    // SAFETY: the file owned this reference (made by `Registry::new_fd`).
    let prog = unsafe { Arc::from_raw(raw.cast::<Program>()) };
    let state = prog.state;
    state.programs.lock().fd_closed(&prog);
}

/// Called with the file held: one more reference for the caller of `kwasm_prog_fd_get`.
#[no_mangle]
extern "C" fn kwasm_rust_prog_get(raw: *const c_void) -> *const c_void {
    // SAFETY: the file (held by our caller) owns a reference, so the program is alive; we
    // borrow it without taking that reference over.
    let prog = core::mem::ManuallyDrop::new(unsafe { Arc::from_raw(raw.cast::<Program>()) });
    Arc::into_raw(Arc::clone(&*prog)).cast()
}

/// A line of the debugfs listing, formatted without allocating.
struct Line {
    buf: [u8; 160],
    len: usize,
}

impl core::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// debugfs `kwasm/programs`: one line per program, like `kwasm prog list`.
#[no_mangle]
extern "C" fn kwasm_rust_list_programs(ctx: *const c_void, seq: *mut c_void) {
    use core::fmt::Write;
    // SAFETY: `ctx` is the module's state, registered with the debugfs file and removed before
    // the state is freed.
    let state = unsafe { &*ctx.cast::<crate::KwasmState>() };
    let reg = state.programs.lock();
    for e in reg.entries.iter().flatten() {
        let p = &e.prog;
        let name_len = p.name.iter().position(|&b| b == 0).unwrap_or(p.name.len());
        let name = core::str::from_utf8(&p.name[..name_len]).unwrap_or("?");
        let traps: u64 = p.stats.traps.iter().map(|t| t.load(Ordering::Relaxed)).sum();
        let mut line = Line { buf: [0; 160], len: 0 };
        let _ = writeln!(
            line,
            "{} {} type={} code={} runs={} run_ns={} traps={} fds={}",
            e.id,
            name,
            p.prog_type,
            p.code_size,
            p.stats.run_count.load(Ordering::Relaxed),
            p.stats.run_time_ns.load(Ordering::Relaxed),
            traps,
            e.fds
        );
        // SAFETY: `seq` is the seq_file of this show call; the buffer is valid for `len`.
        unsafe { ffi::kwasm_seq_write(seq, line.buf.as_ptr(), line.len) };
    }
}
