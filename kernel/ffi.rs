// SPDX-License-Identifier: GPL-2.0

//! Prototypes of `helpers.c` used by the program runtime (mirrors `helpers.h`).

use crate::hooks::vmctx::VmCtx;
use core::ffi::c_void;

extern "C" {
    pub(crate) fn kwasm_misc_register(ctx: *const c_void) -> core::ffi::c_int;
    pub(crate) fn kwasm_misc_deregister();
    pub(crate) fn kwasm_prog_fd_new(prog: *const c_void) -> i32;
    pub(crate) fn kwasm_prog_fd_get(fd: i32) -> *const c_void;
    pub(crate) fn kwasm_enter(tramp: usize, vmctx: *mut VmCtx, slots: *mut u64) -> u32;
    pub(crate) fn kwasm_indirect_thunk_r11() -> usize;
    pub(crate) fn kwasm_return_thunk() -> usize;
    pub(crate) fn kwasm_capable_load() -> bool;
    pub(crate) fn kwasm_ktime_ns() -> u64;
    pub(crate) fn kwasm_fpu_begin();
    pub(crate) fn kwasm_fpu_end();
    pub(crate) fn kwasm_random_bytes(buf: *mut c_void, len: usize);
    pub(crate) fn kwasm_print_ratelimited(prog: *const u8, msg: *const u8, len: usize);
    pub(crate) fn kwasm_cpu_has(features: u64) -> bool;
    pub(crate) fn kwasm_cond_resched();
    pub(crate) fn kwasm_fatal_signal_pending() -> bool;
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn kwasm_provider_lookup(
        module: *const u8,
        module_len: usize,
        name: *const u8,
        name_len: usize,
        params: *const u8,
        nparams: usize,
        results: *const u8,
        nresults: usize,
        addr: *mut usize,
        owner: *mut *mut c_void,
    ) -> i32;
    pub(crate) fn kwasm_provider_put(owner: *mut c_void);
    pub(crate) fn kwasm_group_lock_init(lock: *mut kernel::bindings::mutex);
    pub(crate) fn kwasm_group_lock_killable(lock: *mut kernel::bindings::mutex) -> i32;
    pub(crate) fn kwasm_group_trylock(lock: *mut kernel::bindings::mutex) -> bool;
    pub(crate) fn kwasm_group_unlock(lock: *mut kernel::bindings::mutex);
    pub(crate) fn kwasm_debugfs_init(ctx: *const c_void);
    pub(crate) fn kwasm_debugfs_exit();
    pub(crate) fn kwasm_seq_write(seq: *mut c_void, text: *const u8, len: usize);
}

// Maps, links and hooks (objects_c.c, netfilter_c.c; see helpers.h).
extern "C" {
    pub(crate) fn kwasm_ring_new(data_size: usize) -> *mut c_void;
    pub(crate) fn kwasm_ring_free(ring: *mut c_void);
    pub(crate) fn kwasm_ring_vaddr(ring: *mut c_void) -> *mut c_void;
    pub(crate) fn kwasm_ring_wake(ring: *mut c_void);
    pub(crate) fn kwasm_map_fd_new(map: *mut c_void) -> i32;
    pub(crate) fn kwasm_link_fd_new(link: *mut c_void) -> i32;
    pub(crate) fn kwasm_map_fd_get(fd: i32) -> *mut c_void;
    pub(crate) fn kwasm_link_fd_get(fd: i32) -> *mut c_void;
    pub(crate) fn kwasm_spinlock_new() -> *mut c_void;
    pub(crate) fn kwasm_spinlock_free(lock: *mut c_void);
    pub(crate) fn kwasm_spin_lock_irqsave(lock: *mut c_void) -> core::ffi::c_ulong;
    pub(crate) fn kwasm_spin_unlock_irqrestore(lock: *mut c_void, flags: core::ffi::c_ulong);
    pub(crate) fn kwasm_nr_cpu_ids() -> u32;
    pub(crate) fn kwasm_this_cpu() -> u32;
    pub(crate) fn kwasm_get_cpu() -> u32;
    pub(crate) fn kwasm_put_cpu();
    pub(crate) fn kwasm_bh_disable();
    pub(crate) fn kwasm_bh_enable();
    pub(crate) fn kwasm_irq_fpu_usable() -> bool;
    pub(crate) fn kwasm_module_get() -> bool;
    pub(crate) fn kwasm_module_put();
    pub(crate) fn kwasm_capable_net_admin() -> bool;
    pub(crate) fn kwasm_nf_attach(link: *const c_void, prog: *const c_void, family: u32, hook: u32, priority: i32, err: *mut i32) -> *mut c_void;
    pub(crate) fn kwasm_nf_swap(nf: *mut c_void, prog: *const c_void) -> *const c_void;
    pub(crate) fn kwasm_nf_detach(nf: *mut c_void);
    pub(crate) fn kwasm_nf_capable(nf: *const c_void) -> bool;
    pub(crate) fn kwasm_skb_copy(skb: *const c_void, offset: u32, dst: *mut u8, len: u32) -> u32;
}

/// Nanoseconds of the monotonic clock.
pub(crate) fn now_ns() -> u64 {
    // SAFETY: reads the clock; no preconditions.
    unsafe { kwasm_ktime_ns() }
}

// The in-kernel compiler (compile_c.c; see helpers.h).
extern "C" {
    pub(crate) fn kwasm_compile_begin(req: *mut c_void, status: *mut u32, memory_limit: usize, peak: *mut usize) -> i32;
    pub(crate) fn kwasm_compile_end();
    pub(crate) fn kwasm_compile_init() -> i32;
    pub(crate) fn kwasm_compile_exit();
}
