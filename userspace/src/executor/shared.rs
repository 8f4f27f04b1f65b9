//! Memories, tables and global cells that several instances can share (one exports, others
//! import), as the spec's linking rules require. Instances hold them by `Rc`; everything here is
//! single-threaded, like the instances themselves.

use kwasm_hooks::vmctx::{TableEntry, VmCtx, PAGE_SIZE};
use std::cell::{RefCell, UnsafeCell};

/// A linear memory and the vmctxs that must learn about its base and size when it grows.
pub struct SharedMemory {
    bytes: UnsafeCell<Vec<u8>>,
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
        let len = (u64::from(min) * PAGE_SIZE) as usize;
        let mut v = Vec::new();
        v.try_reserve_exact(len).map_err(|e| e.to_string())?;
        v.resize(len, 0);
        Ok(Self {
            bytes: UnsafeCell::new(v),
            max_pages,
            users: RefCell::new(Vec::new()),
        })
    }

    pub fn pages(&self) -> u32 {
        (self.len() as u64 / PAGE_SIZE) as u32
    }

    pub fn max_pages(&self) -> u32 {
        self.max_pages
    }

    fn len(&self) -> usize {
        // SAFETY: reading the length; no `&mut` to the vec is alive outside `bytes_mut` callers,
        // which do not hold it across calls into other instances.
        unsafe { (*self.bytes.get()).len() }
    }

    /// The memory's bytes.
    ///
    /// # Safety
    ///
    /// The caller must not hold the slice across anything that can reach this memory again
    /// (a call into wasm, a host function, a grow).
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn bytes_mut(&self) -> &mut [u8] {
        // SAFETY: exclusivity is the caller's promise (above).
        unsafe { &mut *self.bytes.get() }
    }

    /// Publishes base and size to `vmctx` and keeps it informed of growth until `detach`.
    pub fn attach(&self, vmctx: *mut VmCtx) {
        self.users.borrow_mut().push(vmctx);
        self.publish(vmctx);
    }

    pub fn detach(&self, vmctx: *mut VmCtx) {
        self.users.borrow_mut().retain(|&v| v != vmctx);
    }

    fn publish(&self, vmctx: *mut VmCtx) {
        // SAFETY: attached vmctxs belong to live instances (they detach on drop); the vec is
        // only read here.
        unsafe {
            let v = &mut *self.bytes.get();
            (*vmctx).memory_base = v.as_mut_ptr() as u64;
            (*vmctx).memory_size = v.len() as u64;
            (*vmctx).memory_pages = v.len() as u64 / PAGE_SIZE;
        }
    }

    /// `memory.grow`: the old size in pages, or `None` (the instruction then returns -1).
    pub fn grow(&self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = kwasm_kcore::bulk::grow_pages(old, delta, self.max_pages)?;
        // SAFETY: no slice of the memory is alive during a grow (see `bytes_mut`).
        let v = unsafe { &mut *self.bytes.get() };
        let add = (u64::from(new - old) * PAGE_SIZE) as usize;
        v.try_reserve_exact(add).ok()?;
        v.resize(v.len() + add, 0);
        for &u in self.users.borrow().iter() {
            self.publish(u);
        }
        Some(old)
    }
}

/// A funcref table. It cannot grow (`table.grow` needs reference types), so its base is fixed.
pub struct SharedTable {
    entries: UnsafeCell<Vec<TableEntry>>,
    max: Option<u32>,
    /// Code and state of dropped instances whose functions are still in the table.
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
    pub fn keep_alive(&self, parts: Box<dyn std::any::Any>) {
        self.kept.borrow_mut().push(parts);
    }

    pub fn len(&self) -> u32 {
        // SAFETY: reading the length of a vec that never changes length.
        unsafe { (*self.entries.get()).len() as u32 }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn max(&self) -> Option<u32> {
        self.max
    }

    /// # Safety
    ///
    /// As [`SharedMemory::bytes_mut`].
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn entries_mut(&self) -> &mut [TableEntry] {
        // SAFETY: exclusivity is the caller's promise.
        unsafe { &mut *self.entries.get() }
    }
}

/// An instance's global slots (`vmctx.globals_base`): values for its own globals, cell
/// addresses for imported ones.
pub struct GlobalSlots(pub Box<[UnsafeCell<u64>]>);

impl GlobalSlots {
    pub fn base(&self) -> u64 {
        self.0.as_ptr() as u64
    }

    pub fn cell(&self, index: usize) -> *mut u64 {
        self.0[index].get()
    }
}
