//! What the generated code reads of a memory and a table: their base and length in the vmctx.
//! Both runtimes publish through here (the kernel's `Instance::publish` and `grow_memory`, the
//! executor's attach and grow), so that an empty one's base is never its buffer's dangling
//! pointer (`empty`).

use super::empty::base_or_empty;
use super::hooks::vmctx::{VmCtx, PAGE_SIZE};

/// Publishes a memory of `len` bytes whose buffer is at `base`.
pub fn memory(vm: &mut VmCtx, base: u64, len: u64) {
    vm.memory_base = base_or_empty(base, len);
    vm.memory_size = len;
    vm.memory_pages = len / PAGE_SIZE;
}

/// Publishes a table of `len` entries whose buffer is at `base`.
pub fn table(vm: &mut VmCtx, base: u64, len: u64) {
    vm.table_base = base_or_empty(base, len);
    vm.table_len = len;
}
