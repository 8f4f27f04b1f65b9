// SPDX-License-Identifier: GPL-2.0

//! ioctl dispatch for `/dev/kwasm` and the commands' implementations.

use crate::hooks::attr::{
    Attr, GlobalGetAttr, ProgIdAttr, ProgRegisterAttr, REGISTER_REMOVE, ProgInfoAttr, ProgLoadAttr, SelftestAttr, TestRunAttr,
    TEST_RUN_SLOTS_MAX,
};
use crate::hooks::ioctl::*;
use crate::kcore::log::LogWriter;
use crate::refused::Refused;
use crate::program::FUEL_MAX;
use crate::links::NewName;
use crate::registry::{ProgRef, Registry};
use core::sync::atomic::Ordering;
use crate::kcore::attr as kattr;
use crate::{arena, compile, host_access, link_commands, map_commands, pins, KwasmState};
use core::ffi::c_long;
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

/// A command's implementation.
type Command = fn(&'static KwasmState, usize) -> Result<c_long>;

/// The implementation of `cmd`, if it is one of ours.
fn command(cmd: u32) -> Option<Command> {
    let run: Command = match cmd {
        KWASM_IOC_SELFTEST => selftest,
        KWASM_IOC_PROG_LOAD => prog_load,
        KWASM_IOC_PROG_TEST_RUN => |_, arg| prog_test_run(arg),
        KWASM_IOC_PROG_GET_INFO => |_, arg| prog_get_info(arg),
        KWASM_IOC_PROG_GET_NEXT_ID => prog_get_next_id,
        KWASM_IOC_PROG_GET_FD_BY_ID => prog_get_fd_by_id,
        KWASM_IOC_PROG_GET_GLOBAL => |_, arg| prog_get_global(arg),
        KWASM_IOC_PROG_REGISTER => prog_register,
        KWASM_IOC_MAP_CREATE => map_commands::map_create,
        KWASM_IOC_MAP_LOOKUP_ELEM => map_commands::map_lookup,
        KWASM_IOC_MAP_UPDATE_ELEM => map_commands::map_update,
        KWASM_IOC_MAP_DELETE_ELEM => map_commands::map_delete,
        KWASM_IOC_MAP_GET_NEXT_KEY => map_commands::map_get_next_key,
        KWASM_IOC_MAP_LOOKUP_BATCH => map_commands::map_lookup_batch,
        KWASM_IOC_MAP_GET_INFO => map_commands::map_get_info,
        KWASM_IOC_MAP_GET_NEXT_ID => map_commands::map_get_next_id,
        KWASM_IOC_MAP_GET_FD_BY_ID => map_commands::map_get_fd_by_id,
        KWASM_IOC_LINK_CREATE => crate::hook_link::link_create,
        KWASM_IOC_LINK_UPDATE => link_commands::link_update,
        KWASM_IOC_LINK_DETACH => link_commands::link_detach,
        KWASM_IOC_LINK_GET_INFO => link_commands::link_get_info,
        KWASM_IOC_LINK_GET_NEXT_ID => link_commands::link_get_next_id,
        KWASM_IOC_LINK_GET_FD_BY_ID => link_commands::link_get_fd_by_id,
        KWASM_IOC_OBJ_PIN => pins::obj_pin,
        KWASM_IOC_OBJ_GET => pins::obj_get,
        KWASM_IOC_OBJ_UNPIN => pins::obj_unpin,
        KWASM_IOC_PIN_GET_NEXT => pins::pin_get_next,
        _ => return None,
    };
    Some(run)
}

/// Runs one ioctl; unknown commands are `ENOTTY`. Every command but `VERSION` needs CAP_BPF or
/// CAP_SYS_ADMIN, checked at each call (as bpf(2) with unprivileged bpf disabled, the
/// distributions' default): an fd handed to an unprivileged process gives it nothing.
pub(crate) fn dispatch(state: &'static KwasmState, cmd: u32, arg: usize) -> Result<c_long> {
    if cmd == KWASM_IOC_VERSION {
        return Ok(crate::hooks::ABI_VERSION as c_long);
    }
    let run = command(cmd).ok_or(ENOTTY)?;
    require_capable()?;
    run(state, arg)
}

fn require_capable() -> Result {
    // SAFETY: checks the current task's capabilities.
    if unsafe { crate::ffi::kwasm_capable_load() } {
        Ok(())
    } else {
        Err(EPERM)
    }
}

/// Longest export name a run or a global read may name (wasm sets no limit; the artifact does).
const NAME_MAX: u32 = 1 << 16;

/// Log buffers are capped like bpf(2)'s verifier log.
const LOG_MAX: u32 = 1 << 20;

fn prog_load(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<ProgLoadAttr>(arg)?;
    if attr.log_level > 2 || (attr.log_level == 0) != (attr.log_buf == 0 || attr.log_size == 0) {
        return Err(EINVAL);
    }
    if attr.log_size > LOG_MAX {
        return Err(E2BIG);
    }
    let len = attr.wasm_len as usize;
    if len == 0 || attr.wasm == 0 {
        return Err(EINVAL);
    }
    if len > compile::WASM_MAX {
        return Err(E2BIG);
    }
    let mut wasm = VVec::from_elem(0u8, len, GFP_KERNEL_ACCOUNT)?;
    UserSlice::new(attr.wasm as usize, len).reader().read_slice(&mut wasm)?;
    let mut log_bytes = KVVec::from_elem(0u8, if attr.log_level > 0 { attr.log_size as usize } else { 0 }, GFP_KERNEL_ACCOUNT)?;
    let mut log = LogWriter::new(&mut log_bytes);
    let result = compile_and_load(state, &attr, wasm, &mut log);
    let (text, truncated) = log.finish();
    if attr.log_level > 0 && !text.is_empty() {
        UserSlice::new(attr.log_buf as usize, text.len()).writer().write_slice(text)?;
    }
    let prog = result.map_err(|r| r.0)?;
    if truncated {
        return Err(ENOSPC);
    }
    Ok(Registry::into_fd(prog)? as c_long)
}

/// The kernel compiles the module itself, then checks and installs its own output like any
/// artifact (the second line of defence); machine code never comes from userspace.
fn compile_and_load(
    state: &'static KwasmState,
    attr: &ProgLoadAttr,
    wasm: VVec<u8>,
    log: &mut LogWriter<'_>,
) -> core::result::Result<ProgRef, Refused> {
    use core::fmt::Write;
    let start = crate::ffi::now_ns();
    let compiled = compile::compile(&wasm, arena::size(), log);
    let compiled = compiled?;
    // The maps it declares, created or bound (after the compile: the wasm is valid).
    let maps = crate::prog_maps::for_load(state, &wasm, attr, log)?;
    drop(wasm);
    let prog = crate::load::load(state, attr, &compiled, maps, start, log)?;
    prog.load_duration_ns.store(crate::ffi::now_ns().saturating_sub(start), Ordering::Relaxed);
    if attr.log_level >= 2 {
        let _ = writeln!(
            log,
            "compiled in {} us (peak {} KiB of memory); loaded: {} bytes of code, {} exports",
            compiled.time_ns / 1000,
            compiled.peak_bytes / 1024,
            prog.code_size,
            prog.exports.len()
        );
    }
    Ok(prog)
}

fn prog_test_run(arg: usize) -> Result<c_long> {
    let (mut attr, size) = read_attr::<TestRunAttr>(arg)?;
    if attr.flags != 0 || attr.nslots > TEST_RUN_SLOTS_MAX || attr.name_len > NAME_MAX || attr.fuel > FUEL_MAX {
        return Err(EINVAL);
    }
    let prog = Registry::from_fd(attr.prog_fd)?;
    if prog.hook.is_some() {
        return hook_test_run(arg, attr, size, &prog);
    }
    if attr.data_in != 0 || attr.data_len != 0 || attr.ctx_in != 0 || attr.ctx_in_len != 0 {
        return Err(EINVAL);
    }
    let mut name = KVec::from_elem(0u8, attr.name_len as usize, GFP_KERNEL)?;
    UserSlice::new(attr.name as usize, name.len()).reader().read_slice(&mut name)?;
    let export = prog.export(&name).ok_or(ENOENT)?;
    let (params, results) = prog.signature(export);
    let need = params.len().max(results.len());
    if (attr.nslots as usize) < need {
        return Err(EINVAL);
    }
    let mut slots = [0u64; TEST_RUN_SLOTS_MAX as usize];
    let n = attr.nslots as usize;
    let mut raw = [0u8; 8 * TEST_RUN_SLOTS_MAX as usize];
    UserSlice::new(attr.slots as usize, 8 * n).reader().read_slice(&mut raw[..8 * n])?;
    for (i, s) in slots[..n].iter_mut().enumerate() {
        *s = u64::from_ne_bytes(raw[8 * i..8 * i + 8].try_into().map_err(|_| EINVAL)?);
    }
    let args: [u64; TEST_RUN_SLOTS_MAX as usize] = slots;
    let repeat = attr.repeat.max(1);
    let start = crate::ffi::now_ns();
    let mut trap = 0;
    for i in 0..repeat {
        slots = args;
        trap = host_access::run(&prog, export.trampoline, &mut slots[..need.max(1)], &mut prog.budget(attr.fuel))?;
        // A fatal signal stopped the run (between two fuel slices).
        if crate::program::killed(trap) {
            return Err(EINTR);
        }
        if i + 1 < repeat {
            // SAFETY: process context.
            unsafe { crate::ffi::kwasm_cond_resched() };
            // A killed task stops repeating (each run is bounded by its fuel).
            // SAFETY: reads the current task's signal state.
            if unsafe { crate::ffi::kwasm_fatal_signal_pending() } {
                return Err(EINTR);
            }
        }
    }
    attr.duration_ns = crate::ffi::now_ns().saturating_sub(start) / u64::from(repeat);
    attr.trap = trap;
    attr.nresults = if trap == 0 { results.len() as u32 } else { 0 };
    for (i, s) in slots[..n].iter().enumerate() {
        raw[8 * i..8 * i + 8].copy_from_slice(&s.to_ne_bytes());
    }
    if trap == 0 && !results.is_empty() {
        let len = 8 * results.len();
        UserSlice::new(attr.slots as usize, len).writer().write_slice(&raw[..len])?;
    }
    write_attr(arg, &attr, size)?;
    Ok(0)
}

/// Most packet bytes a test run takes (an IPv4 packet's largest size).
const TEST_PACKET_MAX: u32 = 65535;

/// `PROG_TEST_RUN` of a hook program: the packet through the hook's own entry path, `repeat`
/// times; the verdict of the last run in `retval`.
fn hook_test_run(arg: usize, mut attr: TestRunAttr, size: usize, prog: &ProgRef) -> Result<c_long> {
    use crate::hooks::netfilter::NfCtx;
    let ctx_len = core::mem::size_of::<NfCtx>() as u32;
    let bad_ctx = attr.ctx_in_len != 0 && attr.ctx_in_len != ctx_len;
    if attr.name_len != 0 || attr.nslots != 0 || attr.data_len == 0 || attr.data_len > TEST_PACKET_MAX || bad_ctx {
        return Err(EINVAL);
    }
    let policy = crate::hooks::prog_type::policy(prog.prog_type).ok_or(EINVAL)?;
    if attr.fuel > policy.fuel_max {
        return Err(EINVAL);
    }
    let mut data = KVVec::from_elem(0u8, attr.data_len as usize, GFP_KERNEL_ACCOUNT)?;
    UserSlice::new(attr.data_in as usize, data.len()).reader().read_slice(&mut data)?;
    let ctx = if attr.ctx_in_len == 0 {
        None
    } else {
        let mut raw = [0u8; 32];
        UserSlice::new(attr.ctx_in as usize, raw.len()).reader().read_slice(&mut raw)?;
        Some(NfCtx::from_bytes(&raw))
    };
    let pkt = crate::netfilter::test_packet(ctx, &data);
    let fuel = if attr.fuel == 0 { prog.default_fuel } else { attr.fuel };
    let repeat = attr.repeat.max(1);
    let batch = crate::netfilter::test_batch(fuel);
    let start = crate::ffi::now_ns();
    let (mut verdict, mut trap) = (0, 0);
    let mut left = repeat;
    while left > 0 {
        let runs = left.min(batch);
        (verdict, trap) = crate::netfilter::test_runs(prog, &pkt, &data, fuel, runs);
        left -= runs;
        // SAFETY: process context.
        unsafe { crate::ffi::kwasm_cond_resched() };
        // SAFETY: reads the current task's signal state.
        if unsafe { crate::ffi::kwasm_fatal_signal_pending() } {
            return Err(EINTR);
        }
    }
    attr.duration_ns = crate::ffi::now_ns().saturating_sub(start) / u64::from(repeat);
    attr.trap = trap;
    attr.retval = verdict;
    attr.nresults = 0;
    write_attr(arg, &attr, size)?;
    Ok(0)
}

fn prog_get_info(arg: usize) -> Result<c_long> {
    let (mut attr, size) = read_attr::<ProgInfoAttr>(arg)?;
    let prog = Registry::from_fd(attr.prog_fd)?;
    attr.id = prog.id.load(Ordering::Relaxed);
    attr.prog_type = prog.prog_type;
    attr.name = prog.name;
    attr.code_size = prog.code_size as u64;
    attr.memory_size = host_access::memory_size(&prog)?;
    attr.run_count = prog.stats.run_count.load(Ordering::Relaxed);
    attr.run_time_ns = prog.stats.run_time_ns.load(Ordering::Relaxed);
    attr.load_time_ns = prog.load_time_ns;
    attr.load_duration_ns = prog.load_duration_ns.load(Ordering::Relaxed);
    attr.compile_time_ns = prog.compile_time_ns;
    attr.compile_peak_bytes = prog.compile_peak_bytes as u64;
    attr.stack_max_bytes = host_access::stack_high_water(&prog)? as u64;
    for (out, counter) in attr.traps.iter_mut().zip(&prog.stats.traps) {
        *out = counter.load(Ordering::Relaxed);
    }
    attr.instances = prog.instances.len() as u32;
    write_map_ids(&prog, &mut attr)?;
    write_attr(arg, &attr, size)?;
    Ok(0)
}

/// The ids of the program's maps, as many as fit at `attr.map_ids`; how many it has.
fn write_map_ids(prog: &ProgRef, attr: &mut ProgInfoAttr) -> Result {
    let n = prog.maps.len().min(attr.nr_map_ids as usize);
    if attr.map_ids != 0 && n > 0 {
        let mut ids = KVec::with_capacity(4 * n, GFP_KERNEL_ACCOUNT)?;
        for (_, m) in prog.maps.iter().take(n) {
            ids.extend_from_slice(&m.id().to_ne_bytes(), GFP_KERNEL_ACCOUNT)?;
        }
        UserSlice::new(attr.map_ids as usize, ids.len()).writer().write_slice(&ids)?;
    }
    attr.nr_map_ids = prog.maps.len() as u32;
    Ok(())
}

fn prog_get_next_id(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (mut attr, size) = read_attr::<ProgIdAttr>(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    attr.next_id = Registry::next_id(state, attr.id).ok_or(ENOENT)?;
    write_attr(arg, &attr, size)?;
    Ok(0)
}

fn prog_get_fd_by_id(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<ProgIdAttr>(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    Ok(Registry::fd_by_id(state, attr.id)? as c_long)
}

pub(crate) fn errno(e: i32) -> Error {
    Error::from_errno(-e)
}

/// Copies a size-prefixed attr from userspace (see `hooks::attr`); returns it and its size.
pub(crate) fn read_attr<T: Attr>(arg: usize) -> Result<(T, usize)> {
    let size: u32 = UserSlice::new(arg, 4).reader().read()?;
    let len = kattr::check_size::<T>(size).map_err(errno)?;
    let mut bytes = KVec::new();
    UserSlice::new(arg, len).read_all(&mut bytes, GFP_KERNEL)?;
    let attr = kattr::decode::<T>(&bytes).map_err(errno)?;
    Ok((attr, len))
}

pub(crate) fn write_attr<T: Attr>(arg: usize, attr: &T, len: usize) -> Result {
    UserSlice::new(arg, len).writer().write_slice(kattr::encode(attr, len))
}

/// `u64 f(u64 x) { return x * 3 + 7; }`, as an indirect-branch target.
const SELFTEST_CODE: [u8; 11] = [
    0xf3, 0x0f, 0x1e, 0xfa, // endbr64
    0x48, 0x8d, 0x44, 0x7f, 0x07, // lea rax, [rdi + rdi*2 + 7]
    0xc3, // ret
    0xcc, // int3: no straight-line speculation past the ret
];

fn selftest(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (mut attr, len) = read_attr::<SelftestAttr>(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    let code = arena::Code::install(state, &SELFTEST_CODE)?;
    // SAFETY: SELFTEST_CODE starts with endbr64, is a leaf function of the C ABI and touches
    // only rax.
    attr.output = unsafe { code.call1(0, attr.input) }?;
    drop(code);
    let book = state.arena.lock();
    attr.arena_used = book.used() as u64;
    attr.arena_size = book.size() as u64;
    drop(book);
    write_attr(arg, &attr, len)?;
    Ok(0)
}

fn prog_get_global(arg: usize) -> Result<c_long> {
    let (mut attr, size) = read_attr::<GlobalGetAttr>(arg)?;
    if attr.name_len > NAME_MAX {
        return Err(EINVAL);
    }
    let prog = Registry::from_fd(attr.prog_fd)?;
    let mut name = KVec::from_elem(0u8, attr.name_len as usize, GFP_KERNEL)?;
    UserSlice::new(attr.name as usize, name.len()).reader().read_slice(&mut name)?;
    let (valtype, value) = host_access::global(&prog, &name)?.ok_or(ENOENT)?;
    attr.valtype = valtype;
    attr.value = value;
    write_attr(arg, &attr, size)?;
    Ok(0)
}

fn prog_register(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<ProgRegisterAttr>(arg)?;
    if attr.flags & !REGISTER_REMOVE != 0 || attr.name_len == 0 || attr.name_len > NAME_MAX {
        return Err(EINVAL);
    }
    let mut name = KVec::from_elem(0u8, attr.name_len as usize, GFP_KERNEL)?;
    UserSlice::new(attr.name as usize, name.len()).reader().read_slice(&mut name)?;
    // A reference a name lets go of is dropped after the links lock (it may free its group).
    if attr.flags & REGISTER_REMOVE != 0 {
        let old = state.links.lock().remove(&name)?;
        drop(old);
    } else {
        let prog = Registry::from_fd(attr.prog_fd)?;
        // A hook program's instances are its hooks': no program may import from it (that
        // would run them under a group lock, beside the hooks).
        if prog.hook.is_some() {
            return Err(EINVAL);
        }
        let new = NewName::new(&name, prog)?;
        let registered = state.links.lock().register(new);
        match registered {
            Ok(old) => drop(old),
            Err(refused) => {
                drop(refused);
                return Err(ENOSPC);
            }
        }
    }
    Ok(0)
}
