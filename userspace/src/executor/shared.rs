//! Memories, tables and global cells that several instances can share (one exports, others
//! import), as the spec's linking rules require. Instances hold them by `Rc`; everything here is
//! single-threaded, like the instances themselves.
//!
//! Access rule for a memory's bytes (what its `unsafe` code relies on). They are reached by
//! - the generated code of the instances attached to it, through `vmctx.memory_base`;
//! - the executor's helpers and instantiation, through [`SharedMemory::bytes_mut`], for one step
//!   that runs no wasm or host code;
//! - a host function, through the [`MemoryRef`] its [`Caller`](super::Caller) lends it.
//!
//! While a `MemoryRef` is out the memory is *lent*: `bytes_mut` gives nothing, `grow` fails, and
//! no code of an instance using the memory can start (`instance::enter` traps). Code that was
//! running already is suspended below the host function for as long as the `MemoryRef` lives (it
//! borrows the host function's `Caller`), and the executor is single-threaded: so the host's
//! slice is the only way to the bytes while it lives, and they do not move under it.

use kwasm_hooks::vmctx::{TableEntry, VmCtx, MEMORY_PAGES_LIMIT, PAGE_SIZE};
use std::cell::{Cell, RefCell, UnsafeCell};
use std::ops::{Deref, DerefMut};

/// A linear memory and the vmctxs that must learn about its base and size when it grows.
pub struct SharedMemory {
    bytes: UnsafeCell<Vec<u8>>,
    /// A [`MemoryRef`] is out (see the module docs).
    lent: Cell<bool>,
    max_pages: u32,
    users: RefCell<Vec<*mut VmCtx>>,
}

impl SharedMemory {
    /// A zeroed memory of `min` pages that may grow to `max` (at most 65536).
    pub fn new(min: u32, max: Option<u32>) -> Result<Self, String> {
        let max_pages = max.unwrap_or(65536).min(65536);
        if min > max_pages {
            return Err(format!("memory minimum {min} above maximum {max_pages}"));
        }
        if min > MEMORY_PAGES_LIMIT {
            return Err(format!(
                "memory minimum {min} above the limit of {MEMORY_PAGES_LIMIT} pages"
            ));
        }
        let len = (u64::from(min) * PAGE_SIZE) as usize;
        let mut v = Vec::new();
        v.try_reserve_exact(len).map_err(|e| e.to_string())?;
        v.resize(len, 0);
        Ok(Self {
            bytes: UnsafeCell::new(v),
            lent: Cell::new(false),
            max_pages,
            users: RefCell::new(Vec::new()),
        })
    }

    pub fn pages(&self) -> u32 {
        (self.len() as u64 / PAGE_SIZE) as u32
    }

    /// The declared maximum (what linking compares).
    pub fn max_pages(&self) -> u32 {
        self.max_pages
    }

    /// The most pages a grow may reach: the declared maximum, never past the limit the
    /// compiled code relies on (`MEMORY_PAGES_LIMIT`).
    pub fn grow_limit(&self) -> u32 {
        self.max_pages.min(MEMORY_PAGES_LIMIT)
    }

    fn len(&self) -> usize {
        // SAFETY: reads the vec's header (its length), never the bytes a slice may cover; the
        // header is written only inside `grow`, which calls nothing that could come here.
        unsafe { (*self.bytes.get()).len() }
    }

    /// A host function holds the bytes (see the module docs).
    pub(super) fn is_lent(&self) -> bool {
        self.lent.get()
    }

    /// The memory's bytes, `None` while lent.
    ///
    /// # Safety
    ///
    /// The caller holds the slice for one step that runs no wasm or host code and does not
    /// reach this memory otherwise (a grow, another `bytes_mut`, a lend).
    #[allow(clippy::mut_from_ref)]
    pub(super) unsafe fn bytes_mut(&self) -> Option<&mut [u8]> {
        if self.lent.get() {
            return None;
        }
        // SAFETY: not lent, so no host function holds a slice; the caller's promise covers the
        // other paths (module docs).
        Some(unsafe { (*self.bytes.get()).as_mut_slice() })
    }

    /// Lends the bytes to a host function until the `MemoryRef` drops; `None` if they are lent
    /// already (to an outer host function).
    pub(super) fn lend(&self) -> Option<MemoryRef<'_>> {
        if self.lent.replace(true) {
            return None;
        }
        // SAFETY: the flag was clear: no `MemoryRef` is out, and no `bytes_mut` slice is live
        // (those last one step that runs no host code, and a host function is what asks);
        // until the flag clears, every other path refuses (module docs).
        let bytes = unsafe { (*self.bytes.get()).as_mut_slice() };
        Some(MemoryRef {
            lent: Some(&self.lent),
            bytes,
        })
    }

    /// Publishes base and size to `vmctx` and keeps it informed of growth until `detach`.
    ///
    /// # Safety
    ///
    /// `vmctx` is valid for writes until it is detached, and no reference to it is live when
    /// this memory grows.
    pub(super) unsafe fn attach(&self, vmctx: *mut VmCtx) {
        self.users.borrow_mut().push(vmctx);
        // SAFETY: per the contract.
        unsafe { self.publish(vmctx) };
    }

    pub(super) fn detach(&self, vmctx: *mut VmCtx) {
        self.users.borrow_mut().retain(|&v| v != vmctx);
    }

    /// # Safety
    ///
    /// As for [`Self::attach`].
    unsafe fn publish(&self, vmctx: *mut VmCtx) {
        // SAFETY: per the contract; `as_mut_ptr` takes the vec's header, not the bytes, so a
        // slice a host function holds is not disturbed (the address is all that is copied).
        unsafe {
            let v = &mut *self.bytes.get();
            kwasm_kcore::publish::memory(&mut *vmctx, v.as_mut_ptr() as u64, v.len() as u64);
        }
    }

    /// `memory.grow`: the old size in pages, or `None` (the instruction then returns -1). Also
    /// `None` while the memory is lent to a host function (its slice must not move).
    pub fn grow(&self, delta: u32) -> Option<u32> {
        if self.lent.get() {
            return None;
        }
        let old = self.pages();
        let new = kwasm_kcore::bulk::grow_pages(old, delta, self.grow_limit())?;
        // SAFETY: not lent, and `bytes_mut` slices are not held across anything that could call
        // this (module docs): no slice of the bytes is live while they move.
        let v = unsafe { &mut *self.bytes.get() };
        let add = (u64::from(new - old) * PAGE_SIZE) as usize;
        v.try_reserve_exact(add).ok()?;
        v.resize(v.len() + add, 0);
        for &u in self.users.borrow().iter() {
            // SAFETY: attached vmctxs stay valid until detached (`attach`'s contract: their
            // instances' parts detach when freed), and no reference to one lives across a
            // call that can reach a grow (`instance.rs`'s access rule).
            unsafe { self.publish(u) };
        }
        Some(old)
    }
}

/// A host function's hold on its caller's linear memory ([`Caller::memory`](super::Caller)):
/// the bytes, which cannot change or move until it drops (see [`super::Caller::memory`]).
pub struct MemoryRef<'a> {
    /// The memory's `lent` flag (cleared on drop); `None` for a caller without memory.
    lent: Option<&'a Cell<bool>>,
    bytes: &'a mut [u8],
}

impl MemoryRef<'_> {
    /// What a caller without memory sees: no bytes.
    pub(super) fn empty() -> MemoryRef<'static> {
        MemoryRef {
            lent: None,
            bytes: &mut [],
        }
    }
}

impl Deref for MemoryRef<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.bytes
    }
}

impl DerefMut for MemoryRef<'_> {
    fn deref_mut(&mut self) -> &mut [u8] {
        self.bytes
    }
}

impl Drop for MemoryRef<'_> {
    fn drop(&mut self) {
        // A `MemoryRef` that is forgotten instead leaves the memory lent for good: code using
        // it then traps, which is safe.
        if let Some(lent) = self.lent {
            lent.set(false);
        }
    }
}

/// A funcref table. It cannot grow (`table.grow` needs reference types), so its base is fixed.
///
/// Its entries are read by generated code (`call_indirect`) and `call_foreign`, and written by
/// the table helpers and instantiation through [`SharedTable::entries_mut`], for one step that
/// runs no wasm or host code. Host code has no way to them.
pub struct SharedTable {
    entries: UnsafeCell<Vec<TableEntry>>,
    max: Option<u32>,
    /// Running parts of dropped instances whose functions may still be in the table.
    kept: RefCell<Vec<Box<dyn std::any::Any>>>,
}

impl SharedTable {
    pub fn new(min: u32, max: Option<u32>) -> Self {
        Self {
            entries: UnsafeCell::new(vec![TableEntry::default(); min as usize]),
            max,
            kept: RefCell::new(Vec::new()),
        }
    }

    /// Keeps `parts` alive as long as the table.
    pub(super) fn keep_alive(&self, parts: Box<dyn std::any::Any>) {
        self.kept.borrow_mut().push(parts);
    }

    pub fn len(&self) -> u32 {
        // SAFETY: reads the header of a vec that never changes length (not the entries).
        unsafe { (*self.entries.get()).len() as u32 }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn max(&self) -> Option<u32> {
        self.max
    }

    /// Where the entries are, for `vmctx.table_base`: the vec's own buffer pointer
    /// (`as_mut_ptr` makes no slice), so slices of the entries made later leave it valid.
    pub(super) fn base(&self) -> *mut TableEntry {
        // SAFETY: takes the vec's header only, never the entries.
        unsafe { (*self.entries.get()).as_mut_ptr() }
    }

    /// # Safety
    ///
    /// The caller holds the slice for one step that runs no wasm or host code and makes no
    /// other slice of this table.
    #[allow(clippy::mut_from_ref)]
    pub(super) unsafe fn entries_mut(&self) -> &mut [TableEntry] {
        // SAFETY: exclusivity is the caller's promise.
        unsafe { (*self.entries.get()).as_mut_slice() }
    }
}

/// An instance's global slots (`vmctx.globals_base`): values for its own globals, cell
/// addresses for imported ones. Cells are only ever reached through raw pointers (generated
/// code, [`GlobalRef::get`](super::GlobalRef), `Instance::global`), never through references.
pub struct GlobalSlots(pub Box<[UnsafeCell<u64>]>);

impl GlobalSlots {
    pub fn base(&self) -> u64 {
        self.0.as_ptr() as u64
    }

    pub fn cell(&self, index: usize) -> *mut u64 {
        self.0[index].get()
    }
}
