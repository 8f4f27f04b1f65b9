// SPDX-License-Identifier: GPL-2.0

//! ioctl dispatch for `/dev/kwasm` and the commands' implementations.

use crate::hooks::attr::{Attr, SelftestAttr};
use crate::hooks::ioctl::{KWASM_IOC_SELFTEST, KWASM_IOC_VERSION};
use crate::kcore::attr as kattr;
use crate::{arena, KwasmState};
use core::ffi::c_long;
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

/// Runs one ioctl; unknown commands are `ENOTTY`.
pub(crate) fn dispatch(state: &KwasmState, cmd: u32, arg: usize) -> Result<c_long> {
    match cmd {
        KWASM_IOC_VERSION => Ok(crate::hooks::ABI_VERSION as c_long),
        KWASM_IOC_SELFTEST => selftest(state, arg),
        _ => Err(ENOTTY),
    }
}

fn errno(e: i32) -> Error {
    Error::from_errno(-e)
}

/// Copies a size-prefixed attr from userspace (see `hooks::attr`); returns it and its size.
fn read_attr<T: Attr>(arg: usize) -> Result<(T, usize)> {
    let size: u32 = UserSlice::new(arg, 4).reader().read()?;
    let len = kattr::check_size::<T>(size).map_err(errno)?;
    let mut bytes = KVec::new();
    UserSlice::new(arg, len).read_all(&mut bytes, GFP_KERNEL)?;
    let attr = kattr::decode::<T>(&bytes).map_err(errno)?;
    Ok((attr, len))
}

fn write_attr<T: Attr>(arg: usize, attr: &T, len: usize) -> Result {
    UserSlice::new(arg, len).writer().write_slice(kattr::encode(attr, len))
}

/// `u64 f(u64 x) { return x * 3 + 7; }`, as an indirect-branch target.
const SELFTEST_CODE: [u8; 11] = [
    0xf3, 0x0f, 0x1e, 0xfa, // endbr64
    0x48, 0x8d, 0x44, 0x7f, 0x07, // lea rax, [rdi + rdi*2 + 7]
    0xc3, // ret
    0xcc, // int3: no straight-line speculation past the ret
];

fn selftest(state: &KwasmState, arg: usize) -> Result<c_long> {
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
