// SPDX-License-Identifier: GPL-2.0

//! Every loaded program, its id, its link group and who refers to it.
//!
//! Ids work as in bpf(2): `GET_NEXT_ID` walks them, `GET_FD_BY_ID` opens another fd. A program
//! keeps its id for as long as it lives, which is as long as its link group (`group`): a member
//! nobody refers to directly stays listed, with `refs=0`, until the whole group goes.
//!
//! References from outside a group are [`ProgRef`]s: one per fd, per registered name, per run or
//! load in progress. They are counted here, under the registry's mutex, and when a group's count
//! reaches zero the group is torn down: its entries leave and its programs are freed. The same
//! mutex guards which group a program is in (groups merge, see [`Registry::join`]).
//!
//! Lock order: links → group → registry → arena. The registry lock is taken last, except for
//! the group locks a merge *tries* while holding it (never waiting).

use crate::ffi;
use crate::group::{Group, GroupGuard};
use crate::kcore::ids::IdCounter;
use crate::program::Program;
use core::ffi::c_void;
use core::ops::Deref;
use core::sync::atomic::Ordering;
use kernel::prelude::*;
use kernel::sync::Arc;

/// Most programs loaded at once (each costs at least a stack and a slot of the arena).
pub(crate) const PROGRAMS_MAX: usize = 1024;

/// Where a program's load is: only a live program can be opened (by id, so by name too).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loaded {
    /// Instantiating and starting: only the loader refers to it.
    Loading,
    Live,
    /// Its load failed after its functions went into a shared table: its group keeps it.
    Failed,
}

struct Entry {
    id: u32,
    prog: Arc<Program>,
    group: Arc<Group>,
    state: Loaded,
    /// Counted references from outside the group; `fds` of them are file descriptors.
    refs: usize,
    fds: usize,
}

pub(crate) struct Registry {
    entries: KVec<Option<Entry>>,
    ids: IdCounter,
}

/// How a merge of groups went.
enum Merge {
    Done,
    /// A group was merged elsewhere meanwhile: look the groups up again.
    Restart,
    /// A group is running: wait for it, then look again.
    Busy(Arc<Group>),
}

/// A counted reference to a live program (see the module docs); dropping it may free the
/// program's whole group.
pub(crate) struct ProgRef(Arc<Program>);

impl Deref for ProgRef {
    type Target = Program;
    fn deref(&self) -> &Program {
        &self.0
    }
}

impl ProgRef {
    /// The program itself, without a counted reference (for what lives inside its group).
    pub(crate) fn arc(&self) -> Arc<Program> {
        self.0.clone()
    }
}

impl Drop for ProgRef {
    fn drop(&mut self) {
        Registry::release(&self.0, false);
    }
}

impl Registry {
    pub(crate) fn new() -> Self {
        Registry { entries: KVec::new(), ids: IdCounter::new() }
    }

    /// The slot holding `prog`'s entry.
    fn slot(&mut self, prog: &Program) -> Option<&mut Option<Entry>> {
        self.entries.iter_mut().find(|e| e.as_ref().is_some_and(|e| core::ptr::eq(&*e.prog, prog)))
    }

    fn entry(&mut self, prog: &Program) -> Option<&mut Entry> {
        self.slot(prog)?.as_mut()
    }

    /// Adds a program being loaded to `group` with an id and one reference, the loader's
    /// (it becomes the first fd). `ENOSPC` when [`PROGRAMS_MAX`] are loaded.
    pub(crate) fn add(prog: Arc<Program>, group: &Arc<Group>) -> Result<ProgRef> {
        let mut reg = prog.state.programs.lock();
        if reg.entries.iter().flatten().count() >= PROGRAMS_MAX {
            return Err(ENOSPC);
        }
        let Registry { entries, ids } = &mut *reg;
        let id = ids.next(|id| entries.iter().flatten().any(|e| e.id == id));
        prog.id.store(id, Ordering::Relaxed);
        let entry = Entry { id, prog: prog.clone(), group: group.clone(), state: Loaded::Loading, refs: 1, fds: 0 };
        match reg.entries.iter().position(|e| e.is_none()) {
            Some(free) => reg.entries[free] = Some(entry),
            None => reg.entries.push(Some(entry), GFP_KERNEL_ACCOUNT)?,
        }
        Ok(ProgRef(prog))
    }

    /// One more reference to a program the caller already holds one to.
    pub(crate) fn another(r: &ProgRef) -> ProgRef {
        let mut reg = r.state.programs.lock();
        if let Some(e) = reg.entry(r) {
            e.refs += 1;
        }
        ProgRef(r.0.clone())
    }

    /// Drops one reference (and an fd's count with `fd`); tears the group down at zero.
    fn release(prog: &Arc<Program>, fd: bool) {
        let state = prog.state;
        let mut reg = state.programs.lock();
        let Some(e) = reg.entry(prog) else { return };
        e.refs -= 1;
        e.fds -= usize::from(fd);
        let group = e.group.clone();
        let in_group = |e: &&mut Option<Entry>| e.as_ref().is_some_and(|e| Arc::ptr_eq(&e.group, &group));
        if reg.entries.iter_mut().filter(in_group).any(|e| e.as_ref().is_some_and(|e| e.refs > 0)) {
            return;
        }
        // Nothing refers to the group: its programs go, after the lock (freeing code takes the
        // arena lock; a program's drop must not run under ours).
        let mut gone = KVec::new();
        for e in reg.entries.iter_mut().filter(in_group).filter_map(Option::take) {
            // Without room to defer it, the drop happens here: still correct (the arena lock
            // comes after ours), only longer under the lock.
            let _ = gone.push(e.prog, GFP_KERNEL);
        }
        drop(reg);
        drop(gone);
    }

    /// Records where the load of `r` is (the loader's call).
    pub(crate) fn set_state(r: &ProgRef, state: Loaded) {
        if let Some(e) = r.state.programs.lock().entry(r) {
            e.state = state;
        }
    }

    /// Takes a program whose load failed out of the registry (its group no longer has it): it
    /// goes with the loader's reference, the only one.
    pub(crate) fn forget(r: &ProgRef) {
        if let Some(slot) = r.state.programs.lock().slot(r) {
            *slot = None;
        }
    }

    /// The group `prog` is in now.
    fn group_of(prog: &Program) -> Option<Arc<Group>> {
        prog.state.programs.lock().entry(prog).map(|e| e.group.clone())
    }

    /// Locks the group of `prog` for a run the host starts (or a read of its instance):
    /// killable, `EINTR` on a fatal signal.
    pub(crate) fn lock_group(prog: &ProgRef) -> Result<GroupGuard> {
        loop {
            let group = Self::group_of(prog).ok_or(ENOENT)?;
            if let Some(guard) = group.lock()? {
                // Still a member (a failed load leaves its group while others may wait).
                if !Self::is_member(prog, guard.group()) {
                    return Err(ENOENT);
                }
                return Ok(guard);
            }
        }
    }

    /// Whether `prog` is (still) in `group`.
    fn is_member(prog: &Program, group: &Arc<Group>) -> bool {
        prog.state.programs.lock().entry(prog).is_some_and(|e| Arc::ptr_eq(&e.group, group))
    }

    /// The group a program importing from `imports` joins, locked: a new one without imports,
    /// their group if they are all in one, else their groups merged into one. Waits for runs in
    /// progress holding nothing (see `group`), killable.
    pub(crate) fn join<'a>(state: &crate::KwasmState, imports: impl Iterator<Item = &'a ProgRef> + Clone) -> Result<GroupGuard> {
        if imports.clone().next().is_none() {
            return Group::new()?.lock()?.ok_or(EINVAL);
        }
        loop {
            let groups = Self::groups_of(state, imports.clone())?;
            let (first, rest) = groups.split_first().ok_or(EINVAL)?;
            // The first group is waited for holding nothing; it becomes the merged one.
            let Some(target) = first.lock()? else { continue };
            match Self::merge_free(state, &target, rest) {
                // Every import is still a member (none left with a failed load meanwhile).
                Merge::Done if imports.clone().all(|p| Self::is_member(p, target.group())) => return Ok(target),
                Merge::Done => return Err(ENOENT),
                Merge::Restart => continue,
                Merge::Busy(busy) => {
                    // Wait for the busy group's run holding nothing, then start over (the
                    // merges done so far stay: groups only grow).
                    drop(target);
                    drop(busy.lock()?);
                }
            }
        }
    }

    /// The distinct groups of `imports`, in import order.
    fn groups_of<'a>(state: &crate::KwasmState, imports: impl Iterator<Item = &'a ProgRef>) -> Result<KVec<Arc<Group>>> {
        let mut reg = state.programs.lock();
        let mut groups: KVec<Arc<Group>> = KVec::new();
        for p in imports {
            let g = reg.entry(p).map(|e| e.group.clone()).ok_or(ENOENT)?;
            if !groups.iter().any(|h| Arc::ptr_eq(h, &g)) {
                groups.push(g, GFP_KERNEL)?;
            }
        }
        Ok(groups)
    }

    /// Merges `groups` into `target` (locked) one at a time, each only if its lock is free now
    /// (tried, never waited for: we hold `target` and the registry lock). At most two group
    /// locks are held at once.
    fn merge_free(state: &crate::KwasmState, target: &GroupGuard, groups: &[Arc<Group>]) -> Merge {
        let mut reg = state.programs.lock();
        for g in groups {
            let Some(guard) = g.try_lock() else { return Merge::Busy(g.clone()) };
            // Merged elsewhere since we looked: its programs are in another group now.
            if guard.group().is_retired() {
                return Merge::Restart;
            }
            for e in reg.entries.iter_mut().flatten().filter(|e| Arc::ptr_eq(&e.group, g)) {
                e.group = target.group().clone();
            }
            guard.retire();
        }
        Merge::Done
    }

    /// Makes an fd that takes over reference `r`.
    pub(crate) fn into_fd(r: ProgRef) -> Result<i32> {
        let prog = r.0.clone();
        if let Some(e) = prog.state.programs.lock().entry(&prog) {
            e.fds += 1;
        }
        let r = core::mem::ManuallyDrop::new(r);
        // SAFETY: `r` is never dropped, so its Arc (and the counted reference) is moved out
        // once, to the file.
        let raw = Arc::into_raw(unsafe { core::ptr::read(&r.0) });
        drop(prog);
        // SAFETY: hands the reference to the new file; `kwasm_rust_prog_release` takes it back.
        let fd = unsafe { ffi::kwasm_prog_fd_new(raw.cast()) };
        if fd < 0 {
            // SAFETY: the file was not created, so the reference is still ours.
            let prog = unsafe { Arc::from_raw(raw) };
            Self::release(&prog, true);
            return Err(Error::from_errno(fd));
        }
        Ok(fd)
    }

    /// The smallest id above `after`.
    pub(crate) fn next_id(state: &crate::KwasmState, after: u32) -> Option<u32> {
        let reg = state.programs.lock();
        reg.entries.iter().flatten().map(|e| e.id).filter(|&id| id > after).min()
    }

    /// A new fd for the program with `id`.
    pub(crate) fn fd_by_id(state: &crate::KwasmState, id: u32) -> Result<i32> {
        let r = {
            let mut reg = state.programs.lock();
            // A program still loading, or whose load failed, cannot be opened.
            let e = reg.entries.iter_mut().flatten().find(|e| e.id == id && e.state == Loaded::Live).ok_or(ENOENT)?;
            e.refs += 1;
            ProgRef(e.prog.clone())
        };
        Self::into_fd(r)
    }

    /// The program behind `fd`, or `EBADF` (not a program fd).
    pub(crate) fn from_fd(fd: u32) -> Result<ProgRef> {
        let fd = i32::try_from(fd).map_err(|_| EBADF)?;
        // SAFETY: returns a new counted reference (from `kwasm_rust_prog_get`) or NULL.
        let raw = unsafe { ffi::kwasm_prog_fd_get(fd) };
        if raw.is_null() {
            return Err(EBADF);
        }
        // SAFETY: the reference was made for us by `kwasm_rust_prog_get`.
        Ok(ProgRef(unsafe { Arc::from_raw(raw.cast::<Program>()) }))
    }
}

/// Called by the fd's `release`: the fd's reference goes.
#[no_mangle]
extern "C" fn kwasm_rust_prog_release(raw: *const c_void) {
    // SAFETY: the file owned this reference (made by `Registry::into_fd`).
    let prog = unsafe { Arc::from_raw(raw.cast::<Program>()) };
    Registry::release(&prog, true);
}

/// Called with the file held: one more counted reference for the caller of
/// `kwasm_prog_fd_get`.
#[no_mangle]
extern "C" fn kwasm_rust_prog_get(raw: *const c_void) -> *const c_void {
    // SAFETY: the file (held by our caller) owns a reference, so the program is alive and in
    // the registry; we borrow the file's Arc without taking it over.
    let prog = core::mem::ManuallyDrop::new(unsafe { Arc::from_raw(raw.cast::<Program>()) });
    if let Some(e) = prog.state.programs.lock().entry(&prog) {
        e.refs += 1;
    }
    Arc::into_raw(Arc::clone(&*prog)).cast()
}

impl Registry {
    /// Programs, and link groups, loaded now.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let entries = || self.entries.iter().flatten();
        // A group is counted at its first-listed member.
        let groups = entries()
            .enumerate()
            .filter(|(k, e)| !entries().take(*k).any(|o| Arc::ptr_eq(&o.group, &e.group)))
            .count();
        (entries().count(), groups)
    }
}

/// debugfs `kwasm/state`: what the module holds, one `key=value` per line.
#[no_mangle]
extern "C" fn kwasm_rust_show_state(ctx: *const c_void, seq: *mut c_void) {
    use core::fmt::Write;
    // SAFETY: as for `kwasm_rust_list_programs`.
    let state = unsafe { &*ctx.cast::<crate::KwasmState>() };
    let (programs, groups) = state.programs.lock().counts();
    let signatures = state.signatures.lock().live();
    let maps = state.maps.lock().len();
    let links = state.hook_links.lock().len();
    let pins = state.pins.lock().len();
    let mut line = Line { buf: [0; 160], len: 0 };
    let _ = write!(
        line,
        "programs={}\ngroups={}\nsignatures={}\nmemory_bytes={}\nmaps={}\nlinks={}\npins={}\n",
        programs,
        groups,
        signatures,
        state.budget.used(),
        maps,
        links,
        pins
    );
    // SAFETY: `seq` is the seq_file of this show call; the buffer is valid for `len`.
    unsafe { ffi::kwasm_seq_write(seq, line.buf.as_ptr(), line.len) };
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

/// debugfs `kwasm/programs`: one line per program, like `kwasm prog list`, with its group (the
/// id of the group's first-listed member) and how many references and fds keep it.
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
        let group = reg.entries.iter().flatten().find(|o| Arc::ptr_eq(&o.group, &e.group)).map_or(0, |o| o.id);
        let mut line = Line { buf: [0; 160], len: 0 };
        let _ = writeln!(
            line,
            "{} {} type={} code={} runs={} run_ns={} traps={} fds={} refs={} group={}{}",
            e.id,
            name,
            p.prog_type,
            p.code_size,
            p.stats.run_count.load(Ordering::Relaxed),
            p.stats.run_time_ns.load(Ordering::Relaxed),
            traps,
            e.fds,
            e.refs,
            group,
            match e.state {
                Loaded::Loading => " loading",
                Loaded::Live => "",
                Loaded::Failed => " failed",
            }
        );
        // SAFETY: `seq` is the seq_file of this show call; the buffer is valid for `len`.
        unsafe { ffi::kwasm_seq_write(seq, line.buf.as_ptr(), line.len) };
    }
}
