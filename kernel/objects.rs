// SPDX-License-Identifier: GPL-2.0

//! Maps and links as the registry sees them: an id each (as bpf(2): `GET_NEXT_ID`,
//! `GET_FD_BY_ID`) and a count of who refers to them: fds, pins, the programs that use a map,
//! the links that run a program. When the count reaches zero the object leaves its table and
//! [`Object::released`] runs (a link detaches), after the table's lock.
//!
//! Tables are leaves in the lock order: nothing else is taken while one is held, and references
//! are only ever dropped in process context (fd release, ioctls, a program's or a link's drop),
//! never on a hook's path.

use crate::kcore::ids::IdCounter;
use core::ffi::c_void;
use core::ops::Deref;
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};

/// A kind of object with a table of its own.
pub(crate) trait Object: Send + Sync + Sized + 'static {
    /// The table this object lives in.
    fn table(&self) -> &'static Mutex<Table<Self>>;
    /// The last counted reference went (called without the table lock held).
    fn released(&self) {}
}

struct Slot<T> {
    id: u32,
    obj: Arc<T>,
    refs: usize,
}

pub(crate) struct Table<T> {
    slots: KVec<Option<Slot<T>>>,
    ids: IdCounter,
    max: usize,
}

/// A counted reference to a live object.
pub(crate) struct ObjRef<T: Object>(Arc<T>);

impl<T: Object> Deref for ObjRef<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Object> Drop for ObjRef<T> {
    fn drop(&mut self) {
        Table::release(&self.0);
    }
}

impl<T: Object> ObjRef<T> {
    /// Another counted reference to the same object.
    pub(crate) fn another(&self) -> ObjRef<T> {
        if let Some(s) = self.table().lock().slot(&self.0) {
            s.refs += 1;
        }
        ObjRef(self.0.clone())
    }

    /// Whether both are references to the same object.
    pub(crate) fn is(&self, other: &ObjRef<T>) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The object's id.
    pub(crate) fn id(&self) -> u32 {
        self.table().lock().slot(&self.0).map_or(0, |s| s.id)
    }
}

impl<T: Object> Table<T> {
    pub(crate) fn new(max: usize) -> Self {
        Table { slots: KVec::new(), ids: IdCounter::new(), max }
    }

    fn slot(&mut self, obj: &T) -> Option<&mut Slot<T>> {
        self.slots.iter_mut().flatten().find(|s| core::ptr::eq(&*s.obj, obj))
    }

    /// Gives a new object an id and its first reference; `ENOSPC` when the table is full.
    pub(crate) fn add(obj: Arc<T>) -> Result<ObjRef<T>> {
        let mut t = obj.table().lock();
        if t.slots.iter().flatten().count() >= t.max {
            return Err(ENOSPC);
        }
        let Table { slots, ids, .. } = &mut *t;
        let id = ids.next(|id| slots.iter().flatten().any(|s| s.id == id));
        let slot = Slot { id, obj: obj.clone(), refs: 1 };
        match t.slots.iter().position(Option::is_none) {
            Some(free) => t.slots[free] = Some(slot),
            None => t.slots.push(Some(slot), GFP_KERNEL_ACCOUNT)?,
        }
        Ok(ObjRef(obj))
    }

    fn release(obj: &Arc<T>) {
        let mut t = obj.table().lock();
        let Some(k) = t.slots.iter().position(|s| s.as_ref().is_some_and(|s| Arc::ptr_eq(&s.obj, obj))) else { return };
        let last = t.slots[k].as_mut().is_some_and(|s| {
            s.refs -= 1;
            s.refs == 0
        });
        if !last {
            return;
        }
        let gone = t.slots[k].take();
        drop(t);
        obj.released();
        drop(gone);
    }

    /// The smallest id above `after`.
    pub(crate) fn next_id(&self, after: u32) -> Option<u32> {
        self.slots.iter().flatten().map(|s| s.id).filter(|&id| id > after).min()
    }

    /// A new reference to the object with `id`.
    pub(crate) fn by_id(table: &Mutex<Table<T>>, id: u32) -> Result<ObjRef<T>> {
        let mut t = table.lock();
        let s = t.slots.iter_mut().flatten().find(|s| s.id == id).ok_or(ENOENT)?;
        s.refs += 1;
        Ok(ObjRef(s.obj.clone()))
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.iter().flatten().count()
    }
}

/// An fd that takes over reference `r`; `new_fd` is the C constructor of this kind's fds.
pub(crate) fn into_fd<T: Object>(r: ObjRef<T>, new_fd: unsafe extern "C" fn(*mut c_void) -> i32) -> Result<i32> {
    let r = core::mem::ManuallyDrop::new(r);
    // SAFETY: `r` is never dropped, so its Arc (and the counted reference) moves out once.
    let raw = Arc::into_raw(unsafe { core::ptr::read(&r.0) });
    // SAFETY: hands the reference to the new file; the file's release gives it back.
    let fd = unsafe { new_fd(raw.cast_mut().cast()) };
    if fd < 0 {
        // SAFETY: the file was not made, so the reference is still ours.
        drop(ObjRef(unsafe { Arc::from_raw(raw) }));
        return Err(Error::from_errno(fd));
    }
    Ok(fd)
}

/// The object behind `fd`, or `EBADF`; `get` is the C lookup of this kind's fds.
pub(crate) fn from_fd<T: Object>(fd: u32, get: unsafe extern "C" fn(i32) -> *mut c_void) -> Result<ObjRef<T>> {
    let fd = i32::try_from(fd).map_err(|_| EBADF)?;
    // SAFETY: returns a new counted reference (from `get_raw`) or NULL.
    let raw = unsafe { get(fd) };
    if raw.is_null() {
        return Err(EBADF);
    }
    // SAFETY: the reference was made for us by `get_raw`.
    Ok(ObjRef(unsafe { Arc::from_raw(raw.cast::<T>()) }))
}

/// The file's `release`: its reference goes.
///
/// # Safety
///
/// `raw` is the reference `into_fd` gave the file, released once.
pub(crate) unsafe fn release_raw<T: Object>(raw: *const c_void) {
    // SAFETY: per the contract.
    drop(ObjRef(unsafe { Arc::from_raw(raw.cast::<T>()) }));
}

/// One more counted reference for a caller holding the file (`raw` is the file's reference).
///
/// # Safety
///
/// The file owning `raw` is held by the caller for the duration of the call.
pub(crate) unsafe fn get_raw<T: Object>(raw: *const c_void) -> *mut c_void {
    // SAFETY: the file owns a reference, so the object is alive; borrowed, not taken over.
    let obj = core::mem::ManuallyDrop::new(unsafe { Arc::from_raw(raw.cast::<T>()) });
    let r = ObjRef((*obj).clone());
    if let Some(s) = obj.table().lock().slot(&obj) {
        s.refs += 1;
    }
    let r = core::mem::ManuallyDrop::new(r);
    // SAFETY: the reference counted above moves to the caller.
    Arc::into_raw(unsafe { core::ptr::read(&r.0) }).cast_mut().cast()
}
