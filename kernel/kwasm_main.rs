// SPDX-License-Identifier: GPL-2.0

//! kwasm: WebAssembly programs in the Linux kernel.
//!
//! This crate root is the kernel glue. Logic that needs no kernel API lives in `core/` and the
//! ABI in `../hooks/`; both are included here as modules (Kbuild builds one crate per module).

// pin_init! of `Program` (many fields) needs more than the default macro recursion.
#![recursion_limit = "256"]

use core::ffi::{c_long, c_uint, c_ulong, c_void};
use kernel::prelude::*;
use kernel::sync::Mutex;

use kernel::new_mutex;

// The shared crates are libraries: the module uses part of their public API.
#[allow(dead_code, unreachable_pub)]
#[path = "../hooks/src/lib.rs"]
mod hooks;
#[allow(dead_code, unreachable_pub)]
#[path = "core/src/lib.rs"]
mod kcore;

// In the order a program flows through them: compile → load (links, group, signatures,
// arena) → instance/program → runtime (helpers, providers) → registry (ids, fds, lifetime).
mod refused;
mod compile;
mod load;
mod links;
mod group;
mod signatures;
mod arena;
mod budget;
mod bytes_key;
mod instance;
mod program;
mod host_access;
mod runtime;
mod providers;
mod registry;
mod objects;
mod maps;
mod array_map;
mod ringbuf;
mod prog_maps;
mod map_fns;
mod map_commands;
mod hook_load;
mod hook_run;
mod netfilter;
mod hook_link;
mod link_commands;
mod pins;
mod ioctl;
mod ffi;

module! {
    type: KwasmModule,
    name: "kwasm",
    author: "kwasm developers",
    description: "WebAssembly programs in the Linux kernel",
    license: "GPL",
}

/// State shared by every open `/dev/kwasm`, owned by the module and pinned for its lifetime.
#[pin_data]
pub(crate) struct KwasmState {
    /// Registered names; each holds a reference to its program (dropped before `programs`).
    #[pin]
    pub(crate) links: Mutex<links::Links>,
    /// Programs, ids, link groups and references (`registry.rs`).
    #[pin]
    pub(crate) programs: Mutex<registry::Registry>,
    #[pin]
    pub(crate) signatures: Mutex<signatures::Signatures>,
    /// Kernel memory held by all programs' instances (`budget.rs`).
    pub(crate) budget: budget::Budget,
    /// Pinned programs, maps and links (dropped first: they hold the others).
    #[pin]
    pub(crate) pins: Mutex<pins::Pins>,
    /// Maps and links, with ids (`objects.rs`).
    #[pin]
    pub(crate) maps: Mutex<objects::Table<maps::KMap>>,
    #[pin]
    pub(crate) hook_links: Mutex<objects::Table<hook_link::HookLink>>,
    /// Last: fields drop in order, and programs dropped with the fields above free their code
    /// into the arena.
    #[pin]
    pub(crate) arena: Mutex<arena::ArenaBook>,
}

/// Most links at once.
const LINKS_MAX: usize = 4096;

struct KwasmModule {
    /// Freed only after the device is deregistered (see `Drop`).
    _state: Pin<KBox<KwasmState>>,
}

impl kernel::Module for KwasmModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let state = KBox::pin_init(
            pin_init!(KwasmState {
                arena <- new_mutex!(arena::ArenaBook::new(arena::size()), "kwasm_arena"),
                programs <- new_mutex!(registry::Registry::new(), "kwasm_programs"),
                links <- new_mutex!(links::Links::new(), "kwasm_links"),
                signatures <- new_mutex!(signatures::Signatures::new(), "kwasm_signatures"),
                budget: budget::Budget::new(),
                pins <- new_mutex!(pins::Pins::new(), "kwasm_pins"),
                maps <- new_mutex!(objects::Table::new(hooks::map::limits::MAPS_MAX as usize), "kwasm_maps"),
                hook_links <- new_mutex!(objects::Table::new(LINKS_MAX), "kwasm_hook_links"),
            }),
            GFP_KERNEL,
        )?;
        // SAFETY: allocates the compile stack; freed in `Drop`.
        let ret = unsafe { ffi::kwasm_compile_init() };
        if ret != 0 {
            return Err(Error::from_errno(ret));
        }
        let ctx: *const KwasmState = &*state;
        // SAFETY: `ctx` points to the pinned state, which outlives the registration: `Drop`
        // deregisters the device before the state is freed, and the device's file operations
        // hold a module reference, so no ioctl runs after deregistration.
        let ret = unsafe { ffi::kwasm_misc_register(ctx.cast()) };
        if ret != 0 {
            // SAFETY: allocated above; no compile can run without the device.
            unsafe { ffi::kwasm_compile_exit() };
            return Err(Error::from_errno(ret));
        }
        // SAFETY: as above; removed in `Drop` before the state goes.
        unsafe { ffi::kwasm_debugfs_init(ctx.cast()) };
        pr_info!(
            "loaded: ABI version {}, arena of {} KiB\n",
            hooks::ABI_VERSION,
            arena::size() / 1024
        );
        Ok(KwasmModule { _state: state })
    }
}

impl Drop for KwasmModule {
    fn drop(&mut self) {
        // SAFETY: created in `init`; removing waits for readers of the file.
        unsafe { ffi::kwasm_debugfs_exit() };
        // SAFETY: registered in `init`, which returned Ok only after a successful registration.
        unsafe { ffi::kwasm_misc_deregister() };
        // SAFETY: no ioctl runs after deregistration (see `init`), so no compile uses it.
        unsafe { ffi::kwasm_compile_exit() };
        // Registered names are the last references (no fd is open: each holds the module).
        // Dropping them frees their groups while the registry is still whole.
        let names = core::mem::replace(&mut *self._state.links.lock(), links::Links::new());
        drop(names);
        pr_info!("unloaded\n");
    }
}

/// Entry from the C `unlocked_ioctl` of `/dev/kwasm`.
#[no_mangle]
extern "C" fn kwasm_rust_ioctl(ctx: *const c_void, cmd: c_uint, arg: c_ulong) -> c_long {
    // SAFETY: `ctx` is the pointer registered in `KwasmModule::init`; the state lives until
    // the module unloads, which cannot happen while any file of the device or any program fd
    // is open (both hold the module), so for every caller it is as good as 'static.
    let state: &'static KwasmState = unsafe { &*ctx.cast::<KwasmState>() };
    match ioctl::dispatch(state, cmd, arg as usize) {
        Ok(ret) => ret,
        Err(e) => e.to_errno() as c_long,
    }
}
