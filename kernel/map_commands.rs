// SPDX-License-Identifier: GPL-2.0

//! The `MAP_*` commands. Keys and values are copied from and to userspace outside the map's
//! lock; the operation itself runs under it (`maps.rs`). A wrong size, flag or fd is an errno
//! with nothing changed.

use crate::hooks::attr::IdAttr;
use crate::hooks::map::{MapBatchAttr, MapCreateAttr, MapElemAttr, MapInfoAttr, BATCH_MAX, MAP_UPDATE_EXIST};
use crate::ioctl::{errno, read_attr, write_attr};
use crate::maps::{self, KMap, MapRef};
use crate::objects::Table;
use crate::KwasmState;
use core::ffi::c_long;
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

pub(crate) fn map_create(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<MapCreateAttr>(arg)?;
    let map = KMap::create(state, &attr).map_err(|(e, why)| {
        pr_debug!("map create refused: {}\n", why);
        e
    })?;
    Ok(maps::into_fd(map)? as c_long)
}

/// Reads `len` bytes from user pointer `ptr`.
fn read_user(ptr: u64, len: usize) -> Result<KVVec<u8>> {
    let mut v = KVVec::from_elem(0u8, len, GFP_KERNEL_ACCOUNT)?;
    UserSlice::new(ptr as usize, len).reader().read_slice(&mut v)?;
    Ok(v)
}

fn read_copy(bytes: &[u8]) -> Result<KVVec<u8>> {
    let mut v = KVVec::with_capacity(bytes.len(), GFP_KERNEL_ACCOUNT)?;
    v.extend_from_slice(bytes, GFP_KERNEL_ACCOUNT)?;
    Ok(v)
}

fn write_user(ptr: u64, bytes: &[u8]) -> Result {
    UserSlice::new(ptr as usize, bytes.len()).writer().write_slice(bytes)
}

/// The map and the key of an element command.
fn elem(arg: usize) -> Result<(MapElemAttr, MapRef, KVVec<u8>)> {
    let (attr, _) = read_attr::<MapElemAttr>(arg)?;
    let map = maps::from_fd(attr.map_fd)?;
    if map.ring().is_some() {
        return Err(EINVAL);
    }
    let key = read_user(attr.key, map.def.key_size as usize)?;
    Ok((attr, map, key))
}

pub(crate) fn map_lookup(_: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, map, key) = elem(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    let mut value = KVVec::from_elem(0u8, map.def.user_value_size(), GFP_KERNEL_ACCOUNT)?;
    map.lookup_user(&key, &mut value).map_err(errno)?;
    write_user(attr.value, &value)?;
    Ok(0)
}

pub(crate) fn map_update(_: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, map, key) = elem(arg)?;
    if attr.flags > MAP_UPDATE_EXIST {
        return Err(EINVAL);
    }
    let value = read_user(attr.value, map.def.user_value_size())?;
    map.update_user(&key, &value, attr.flags).map_err(errno)?;
    Ok(0)
}

pub(crate) fn map_delete(_: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, map, key) = elem(arg)?;
    if attr.flags != 0 || attr.value != 0 {
        return Err(EINVAL);
    }
    map.delete(&key).map_err(errno)?;
    Ok(0)
}

pub(crate) fn map_get_next_key(_: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<MapElemAttr>(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    let map = maps::from_fd(attr.map_fd)?;
    let key_size = map.def.key_size as usize;
    let key = if attr.key == 0 { None } else { Some(read_user(attr.key, key_size)?) };
    let mut next = KVVec::from_elem(0u8, key_size, GFP_KERNEL_ACCOUNT)?;
    map.next_key(key.as_deref(), &mut next).map_err(errno)?;
    write_user(attr.value, &next)?;
    Ok(0)
}

/// Copies up to `count` entries after the cursor key, one lock hold per entry (a batch never
/// keeps hooks waiting for long); ends with `ENOENT` at the map's end, as bpf(2).
pub(crate) fn map_lookup_batch(_: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (mut attr, size) = read_attr::<MapBatchAttr>(arg)?;
    if attr.flags != 0 || attr.count == 0 || attr.count > BATCH_MAX {
        return Err(EINVAL);
    }
    let map = maps::from_fd(attr.map_fd)?;
    let (key_size, value_size) = (map.def.key_size as usize, map.def.user_value_size());
    // The key to continue after (none: from the first).
    let mut cursor = if attr.in_batch == 0 { None } else { Some(read_user(attr.in_batch, key_size)?) };
    let mut key = KVVec::from_elem(0u8, key_size, GFP_KERNEL_ACCOUNT)?;
    let mut value = KVVec::from_elem(0u8, value_size, GFP_KERNEL_ACCOUNT)?;
    let mut copied = 0u32;
    let mut end = false;
    while copied < attr.count {
        // The next key and its value in one hold: a key deleted between two holds is skipped
        // (as bpf's batch lookup over a changing map), never returned without its value.
        let found = map.next_entry(cursor.as_deref(), &mut key, &mut value);
        match found {
            Ok(()) => {}
            Err(e) if e == crate::kcore::errno::ENOENT => {
                end = true;
                break;
            }
            Err(e) => return Err(errno(e)),
        }
        let at = u64::from(copied);
        write_user(attr.keys + at * key_size as u64, &key)?;
        write_user(attr.values + at * value_size as u64, &value)?;
        copied += 1;
        match cursor.as_mut() {
            Some(c) => c.copy_from_slice(&key),
            None => cursor = Some(read_copy(&key)?),
        }
    }
    if let Some(c) = cursor.as_ref().filter(|_| copied > 0) {
        write_user(attr.out_batch, c)?;
    }
    attr.count = copied;
    write_attr(arg, &attr, size)?;
    if end {
        return Err(ENOENT);
    }
    Ok(0)
}

pub(crate) fn map_get_info(_: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (mut attr, size) = read_attr::<MapInfoAttr>(arg)?;
    let map = maps::from_fd(attr.map_fd)?;
    fill_info(&map, &mut attr);
    write_attr(arg, &attr, size)?;
    Ok(0)
}

pub(crate) fn fill_info(map: &MapRef, attr: &mut MapInfoAttr) {
    attr.id = map.id();
    attr.map_type = map.def.map_type;
    attr.key_size = map.def.key_size;
    attr.value_size = map.def.value_size;
    attr.max_entries = map.def.max_entries;
    attr.flags = 0;
    attr.name = map.name;
    attr.ncpus = map.def.ncpus;
    attr.entries = map.entries();
    attr.bytes = map.bytes as u64;
    attr.dropped = map.dropped();
}

pub(crate) fn map_get_next_id(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (mut attr, size) = read_attr::<IdAttr>(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    attr.next_id = state.maps.lock().next_id(attr.id).ok_or(ENOENT)?;
    write_attr(arg, &attr, size)?;
    Ok(0)
}

pub(crate) fn map_get_fd_by_id(state: &'static KwasmState, arg: usize) -> Result<c_long> {
    let (attr, _) = read_attr::<IdAttr>(arg)?;
    if attr.flags != 0 {
        return Err(EINVAL);
    }
    Ok(maps::into_fd(Table::by_id(&state.maps, attr.id)?)? as c_long)
}
