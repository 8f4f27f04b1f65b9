// SPDX-License-Identifier: GPL-2.0

//! Link groups: programs that import from each other (functions, memories, tables or globals of
//! a registered program) form one group, with one lock.
//!
//! Everything a run can reach is in its group: a call follows an import, and a table or memory
//! is shared only through imports, so a table entry, a bridge or a memory always belongs to a
//! program of the caller's group. So a run takes its group's lock once, when the host starts
//! it, and calls inside the group (bridges, `call_indirect` through shared tables, nested
//! activations) take no lock at all.
//!
//! Why this cannot deadlock (the design notes have the long form):
//! - A run holds one group lock and, while holding it, waits for no other kwasm lock: it may
//!   allocate, reschedule or take the arena and registry locks, which are leaves.
//! - A load that links to one group waits for that group's lock holding nothing.
//! - A load that merges groups (it imports from several) waits for the first group holding
//!   nothing, then, holding it and the registry lock, only *tries* the others' locks, one at a
//!   time; if one is busy it lets go of everything, waits for that group alone, and starts over.
//!   Nobody waits for a group lock while holding another, and at most two are held at once.
//!
//! Groups grow by merging and never split. Their programs live as long as the group: a table
//! can keep a function of any member, so a member is freed only with all the others, when no
//! fd, name, run or load refers to any of them (`registry`).

use crate::ffi;
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::types::Opaque;

#[pin_data]
pub(crate) struct Group {
    /// Serialises the runs of the group's programs and guards their instances.
    #[pin]
    lock: Opaque<kernel::bindings::mutex>,
    /// Set, under `lock` and the registry lock, when the group was merged into another: a run
    /// that waited for `lock` starts over with its program's new group.
    merged: AtomicBool,
}

impl Group {
    pub(crate) fn new() -> Result<Arc<Group>> {
        Arc::pin_init(
            pin_init!(Group {
                // SAFETY: initialises the mutex in place; it never moves (pinned in the Arc).
                lock <- Opaque::ffi_init(|slot| unsafe { ffi::kwasm_group_lock_init(slot) }),
                merged: AtomicBool::new(false),
            }),
            GFP_KERNEL,
        )
    }

    /// Waits for the lock (killable): `None` when the group was merged meanwhile (look the
    /// program's group up again), `EINTR` on a fatal signal.
    pub(crate) fn lock(self: &Arc<Self>) -> Result<Option<GroupGuard>> {
        // SAFETY: the mutex was initialised in `new` and lives as long as `self`.
        let ret = unsafe { ffi::kwasm_group_lock_killable(self.lock.get()) };
        if ret != 0 {
            return Err(EINTR);
        }
        let guard = GroupGuard { group: self.clone(), _not_send: core::marker::PhantomData };
        Ok((!self.merged.load(Ordering::Acquire)).then_some(guard))
    }

    /// Whether the group was merged into another (its programs are elsewhere now).
    pub(crate) fn is_retired(&self) -> bool {
        self.merged.load(Ordering::Acquire)
    }

    /// The lock if it is free now (merging takes groups only this way).
    pub(crate) fn try_lock(self: &Arc<Self>) -> Option<GroupGuard> {
        // SAFETY: as in `lock`.
        unsafe { ffi::kwasm_group_trylock(self.lock.get()) }.then(|| GroupGuard { group: self.clone(), _not_send: core::marker::PhantomData })
    }
}

/// A held group lock (released by the task that took it: not `Send`).
pub(crate) struct GroupGuard {
    group: Arc<Group>,
    _not_send: core::marker::PhantomData<*mut ()>,
}

impl GroupGuard {
    pub(crate) fn group(&self) -> &Arc<Group> {
        &self.group
    }

    /// Marks the group as merged into another: runs waiting for it start over. The caller holds
    /// the registry lock and moves the members (`Registry::merge`).
    pub(crate) fn retire(self) {
        self.group.merged.store(true, Ordering::Release);
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        // SAFETY: this guard's task took the lock (`lock` or `try_lock`).
        unsafe { ffi::kwasm_group_unlock(self.group.lock.get()) };
    }
}

// SAFETY: the mutex is meant to be shared between tasks; `merged` is atomic.
unsafe impl Sync for Group {}
// SAFETY: as above; nothing in a group is tied to a task.
unsafe impl Send for Group {}
