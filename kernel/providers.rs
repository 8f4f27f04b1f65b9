// SPDX-License-Identifier: GPL-2.0

//! Host functions programs can import, resolved at load by (module, name, signature): the
//! built-in providers below, then those other modules registered (`kwasm_provider.h`).
//!
//! `env`: `print(ptr, len)` to the kernel log (rate limited, non-printable bytes escaped),
//! `time_ns() -> i64` (monotonic), `random(ptr, len) -> i32` (kernel randomness; 0 or -1).
//! `spectest`: the print functions the spec suite imports (they print nothing).

use crate::ffi;
use crate::hooks::artifact::{VAL_F32, VAL_F64, VAL_I32, VAL_I64};
use crate::hooks::attr::PROG_NAME_LEN;
use crate::hooks::trap::TRAP_NONE;
use crate::hooks::vmctx::VmCtx;
use crate::instance::Instance;
use crate::kcore::host::{HostFn, Lookup};
use crate::kcore::log::escape_printable;
use crate::runtime::parts;
use kernel::prelude::*;

type HostCall = unsafe extern "C" fn(*mut VmCtx, *mut u64) -> u32;

/// Most bytes `env.random` fills in one call.
const RANDOM_MAX: u32 = 4096;

/// Fuel per KiB `env.random` fills, on top of the host call's price: the kernel's ChaCha20
/// generator gave ~210 MB/s (~4.7 ns a byte, 47 units) through getrandom(2) in 4 KiB reads on
/// the machine `hooks::fuel` was measured on; rounded up. Unpaid, a hook's 1 ms of fuel filled
/// random bytes for seconds.
const RANDOM_FUEL_PER_KIB: u64 = 48 << 10;

/// `[ptr, ptr + len)` of the instance's memory, if inside it.
fn span(inst: &mut Instance, ptr: u64, len: u64) -> Option<&mut [u8]> {
    let (ptr, len) = (ptr as u32 as usize, len as u32 as usize);
    inst.memory_mut().get_mut(ptr..ptr.checked_add(len)?)
}

/// Most bytes of one `env.print` message in the log, once escaped (longer ones are cut).
const PRINT_MAX: usize = 256;

unsafe extern "C" fn env_print(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: entered for an import of this signature: by generated code, or by the host or a
    // foreign call when an export or table entry is this import itself; either way with the
    // importing program's vmctx and a slot area of at least two values, under its group lock.
    let (inst, s) = unsafe { parts::<2>(vmctx, slots) };
    let raw_name = inst.name;
    if let Some(msg) = span(inst, s[0], s[1]) {
        // The program chooses both its name (at load, unchecked) and the message: escaped, so
        // that neither can forge kernel log lines (newlines, terminal escapes, NUL, bytes
        // outside ASCII). On the stack (bounded, no allocation: this may run in the program's
        // FPU section, with preemption off).
        let raw_name = &raw_name[..raw_name.iter().position(|&b| b == 0).unwrap_or(raw_name.len())];
        let mut name = [0u8; 4 * PROG_NAME_LEN + 1];
        escape_printable(raw_name, &mut name[..4 * PROG_NAME_LEN]);
        let mut text = [0u8; PRINT_MAX];
        let len = escape_printable(msg, &mut text);
        // SAFETY: `name` is NUL-terminated (its last byte is never written); `text[..len]` is
        // a valid slice.
        unsafe { ffi::kwasm_print_ratelimited(name.as_ptr(), text.as_ptr(), len) };
    }
    TRAP_NONE
}

unsafe extern "C" fn env_time_ns(_vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: a slot area of one value.
    unsafe { *slots = ffi::now_ns() };
    TRAP_NONE
}

unsafe extern "C" fn env_random(vmctx: *mut VmCtx, slots: *mut u64) -> u32 {
    // SAFETY: as in `env_print`.
    let (inst, s) = unsafe { parts::<2>(vmctx, slots) };
    let uses_float = inst.uses_float;
    let ok = s[1] as u32 <= RANDOM_MAX && {
        match span(inst, s[0], s[1]) {
            Some(buf) => {
                // SAFETY: the vmctx of the code that called us, a separate allocation from the
                // instance and the slots, not referenced elsewhere during the call.
                if let Err(trap) = unsafe { crate::runtime::charge_bytes(vmctx, uses_float, buf.len() as u64, RANDOM_FUEL_PER_KIB) } {
                    return trap;
                }
                // SAFETY: fills a valid slice.
                unsafe { ffi::kwasm_random_bytes(buf.as_mut_ptr().cast(), buf.len()) };
                true
            }
            None => false,
        }
    };
    s[0] = if ok { 0 } else { u64::from(u32::MAX) };
    TRAP_NONE
}

unsafe extern "C" fn nop(_vmctx: *mut VmCtx, _slots: *mut u64) -> u32 {
    TRAP_NONE
}

fn host(module: &'static str, name: &'static str, params: &'static [u8], results: &'static [u8], f: HostCall) -> HostFn {
    HostFn { module, name, params, results, addr: f as usize }
}

/// The built-in host function `module.name` with this signature.
pub(crate) fn lookup_builtin(module: &str, name: &str, params: &[u8], results: &[u8]) -> Option<Lookup> {
    let all = [
        host("env", "print", &[VAL_I32, VAL_I32], &[], env_print),
        host("env", "time_ns", &[], &[VAL_I64], env_time_ns),
        host("env", "random", &[VAL_I32, VAL_I32], &[VAL_I32], env_random),
        host("spectest", "print", &[], &[], nop),
        host("spectest", "print_i32", &[VAL_I32], &[], nop),
        host("spectest", "print_i64", &[VAL_I64], &[], nop),
        host("spectest", "print_f32", &[VAL_F32], &[], nop),
        host("spectest", "print_f64", &[VAL_F64], &[], nop),
        host("spectest", "print_i32_f32", &[VAL_I32, VAL_F32], &[], nop),
        host("spectest", "print_f64_f64", &[VAL_F64, VAL_F64], &[], nop),
    ];
    let kernel = Iterator::chain(crate::map_fns::host_fns().into_iter(), crate::netfilter::host_fns());
    Iterator::chain(all.into_iter(), kernel).find_map(|h| h.lookup(module, name, params, results))
}

/// Whether the built-ins or a registered provider answer for `module.name` (with this
/// signature or another): such an import never links to a registered program.
pub(crate) fn serves(module: &str, name: &str, params: &[u8], results: &[u8]) -> bool {
    let mut probe = ProviderRefs::new();
    !matches!(probe.lookup(module, name, params, results), Lookup::Unknown)
}

/// Modules of registered providers a program holds; released when it is dropped.
pub(crate) struct ProviderRefs(KVec<usize>);

impl ProviderRefs {
    pub(crate) fn new() -> Self {
        ProviderRefs(KVec::new())
    }

    /// Looks `module.name` up among the built-ins, then the registered providers; a registered
    /// provider's module is pinned for as long as `self` lives.
    pub(crate) fn lookup(&mut self, module: &str, name: &str, params: &[u8], results: &[u8]) -> Lookup {
        if let Some(found) = lookup_builtin(module, name, params, results) {
            return found;
        }
        if self.0.push(0, GFP_KERNEL_ACCOUNT).is_err() {
            return Lookup::Unknown;
        }
        let (mut addr, mut owner) = (0usize, core::ptr::null_mut::<core::ffi::c_void>());
        // SAFETY: all slices are valid for their lengths; on success the C side took a module
        // reference that we store and release in `Drop`.
        let ret = unsafe {
            ffi::kwasm_provider_lookup(
                module.as_ptr(),
                module.len(),
                name.as_ptr(),
                name.len(),
                params.as_ptr(),
                params.len(),
                results.as_ptr(),
                results.len(),
                &mut addr,
                &mut owner,
            )
        };
        let last = self.0.len() - 1;
        match ret {
            0 => {
                self.0[last] = owner as usize;
                Lookup::Found(addr)
            }
            r if r == -(EINVAL.to_errno().unsigned_abs() as i32) => Lookup::Signature,
            _ => Lookup::Unknown,
        }
    }
}

impl Drop for ProviderRefs {
    fn drop(&mut self) {
        for &owner in self.0.iter().filter(|&&o| o != 0) {
            // SAFETY: a reference taken by `kwasm_provider_lookup`, released once.
            unsafe { ffi::kwasm_provider_put(owner as *mut core::ffi::c_void) };
        }
    }
}

/// A non-function import the kernel can satisfy.
pub(crate) enum Extern {
    Global(u64),
    Memory { pages: u32, max: u32 },
    Table { len: u32 },
}

/// spectest's globals, memory (1 to 2 pages) and table (10 to 20 entries), if the import's
/// declared type matches (the spec's import-matching rules).
pub(crate) fn spectest_extern(name: &str, kind: u32, desc: u32, h: &crate::hooks::artifact::Header) -> Option<Extern> {
    use crate::hooks::artifact::{IMPORT_GLOBAL, IMPORT_MEMORY, IMPORT_TABLE, NONE};
    let limits_ok = |min: u32, max: u32, have: u32, have_max: u32| min <= have && (max == NONE || max >= have_max);
    match (kind, name) {
        (IMPORT_GLOBAL, "global_i32") if desc == u32::from(VAL_I32) => Some(Extern::Global(666)),
        (IMPORT_GLOBAL, "global_i64") if desc == u32::from(VAL_I64) => Some(Extern::Global(666)),
        (IMPORT_GLOBAL, "global_f32") if desc == u32::from(VAL_F32) => Some(Extern::Global(u64::from(666.6f32.to_bits()))),
        (IMPORT_GLOBAL, "global_f64") if desc == u32::from(VAL_F64) => Some(Extern::Global(666.6f64.to_bits())),
        (IMPORT_MEMORY, "memory") if limits_ok(h.memory_min, h.memory_max, 1, 2) => Some(Extern::Memory { pages: 1, max: 2 }),
        (IMPORT_TABLE, "table") if limits_ok(h.table_min, h.table_max, 10, 20) => Some(Extern::Table { len: 10 }),
        _ => None,
    }
}
