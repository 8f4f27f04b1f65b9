// SPDX-License-Identifier: GPL-2.0

//! The `LINK_*` commands but `LINK_CREATE` (`hook_link.rs`).

use crate::hook_link::{self, LinkRef};
use crate::hooks::attr::IdAttr;
use crate::hooks::link::{LinkInfoAttr, LinkUpdateAttr};
use crate::ioctl::{read_attr, write_attr};
use crate::objects::Table;
use crate::registry::Registry;
use crate::KwasmState;
use core::ffi::c_long;
use core::sync::atomic::Ordering;
use kernel::prelude::*;

pub(crate) fn link_update(_: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<LinkUpdateAttr>(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    let link = hook_link::from_fd(attr.link_fd)?;
    let prog = Registry::from_fd(attr.prog_fd)?;
    let old = link.update(prog)?;
    drop(old);
    Ok(0)
}

pub(crate) fn link_detach(_: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<LinkUpdateAttr>(arg)?;
    if attr.flags != 0 || attr.prog_fd != 0 {
        return Err(EINVAL);
    }
    let link = hook_link::from_fd(attr.link_fd)?;
    drop(link.detach_by_caller()?);
    Ok(0)
}

pub(crate) fn link_get_info(_: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (mut attr, size) = read_attr::<LinkInfoAttr>(arg)?;
    let link = hook_link::from_fd(attr.link_fd)?;
    fill_info(&link, &mut attr);
    write_attr(arg, &attr, size)?;
    Ok(0)
}

pub(crate) fn fill_info(link: &LinkRef, attr: &mut LinkInfoAttr) {
    let (a, s) = (&link.attr, &link.stats);
    let get = |c: &core::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    attr.id = link.id();
    attr.link_type = a.link_type;
    attr.prog_id = link.prog_id();
    attr.flags = a.flags;
    attr.family = a.family;
    attr.hook = a.hook;
    attr.priority = a.priority;
    attr.attached = u32::from(link.is_attached());
    attr.fuel = a.fuel;
    attr.runs = get(&s.runs);
    attr.accepted = get(&s.accepted);
    attr.dropped = get(&s.dropped);
    for (out, c) in attr.traps.iter_mut().zip(&s.traps) {
        *out = get(c);
    }
    attr.bad_verdicts = get(&s.bad_verdicts);
    attr.skipped = get(&s.skipped);
}

pub(crate) fn link_get_next_id(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (mut attr, size) = read_attr::<IdAttr>(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    attr.next_id = state.hook_links.lock().next_id(attr.id).ok_or(ENOENT)?;
    write_attr(arg, &attr, size)?;
    Ok(0)
}

pub(crate) fn link_get_fd_by_id(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<IdAttr>(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    let link = Table::by_id(&state.hook_links, attr.id)?;
    link.caller_may_hold()?;
    Ok(hook_link::into_fd(link)? as c_long)
}
