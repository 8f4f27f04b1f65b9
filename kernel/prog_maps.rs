// SPDX-License-Identifier: GPL-2.0

//! The maps a program declares (its `kwasm.maps` custom section, `hooks::map`): at `PROG_LOAD`
//! each is bound to the existing map the attr names for it, or created. The program keeps a
//! counted reference to each and finds them by `map_id` (sorted).

use crate::hooks::attr::ProgLoadAttr;
use crate::hooks::map::{map_id, MapBind, MapCreateAttr, MapDecl, MAPS_SECTION, limits::PROG_MAPS_MAX};
use crate::kcore::maps::decl::{custom_section, parse_decls};
use crate::maps::{self, KMap, MapRef};
use crate::refused::{alloc_err, refuse, Refused};
use crate::KwasmState;
use core::fmt::Write;
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

/// The program's maps by id, sorted.
pub(crate) type ProgMaps = KVec<(u32, MapRef)>;

pub(crate) fn for_load(state: &'static KwasmState, wasm: &[u8], attr: &ProgLoadAttr, log: &mut impl Write) -> Result<ProgMaps, Refused> {
    let decls = declared(wasm, log)?;
    let binds = binds(attr, log)?;
    for b in binds.iter() {
        if !decls.iter().any(|d| d.name == b.name) {
            refuse!(log, EINVAL, "map bind {}: the program declares no such map", Name(&b.name));
        }
    }
    let mut out = KVec::with_capacity(decls.len(), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    for d in decls.iter() {
        let map = match binds.iter().find(|b| b.name == d.name) {
            Some(b) => bound(d, b, log)?,
            None => created(state, d, log)?,
        };
        out.push((map_id(&d.name), map), GFP_KERNEL_ACCOUNT).map_err(alloc_err)?;
    }
    out.sort_unstable_by_key(|(id, _)| *id);
    Ok(out)
}

/// A name for the log (up to its NUL, non-UTF-8 as `?`).
struct Name<'a>(&'a [u8]);

impl core::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let n = crate::hooks::map::name_bytes(self.0);
        f.write_str(core::str::from_utf8(n).unwrap_or("?"))
    }
}

fn declared(wasm: &[u8], log: &mut impl Write) -> Result<KVec<MapDecl>, Refused> {
    let Some(section) = custom_section(wasm, MAPS_SECTION) else { return Ok(KVec::new()) };
    let mut all = KVec::from_elem(MapDecl::default(), PROG_MAPS_MAX as usize, GFP_KERNEL).map_err(alloc_err)?;
    let n = match parse_decls(section, &mut all) {
        Ok(n) => n,
        Err(e) => refuse!(log, EINVAL, "section {}: {}", MAPS_SECTION, e),
    };
    let mut decls = KVec::with_capacity(n, GFP_KERNEL).map_err(alloc_err)?;
    decls.extend_from_slice(all.get(..n).unwrap_or(&[]), GFP_KERNEL).map_err(alloc_err)?;
    Ok(decls)
}

fn binds(attr: &ProgLoadAttr, log: &mut impl Write) -> Result<KVec<MapBind>, Refused> {
    let n = attr.nmap_binds as usize;
    if n > PROG_MAPS_MAX as usize {
        refuse!(log, E2BIG, "{} map binds, at most {}", n, PROG_MAPS_MAX);
    }
    if (n == 0) != (attr.map_binds == 0) {
        refuse!(log, EINVAL, "map_binds and nmap_binds must both be set or both be zero");
    }
    let size = core::mem::size_of::<MapBind>();
    let mut raw = KVec::from_elem(0u8, n * size, GFP_KERNEL).map_err(alloc_err)?;
    if n > 0 {
        UserSlice::new(attr.map_binds as usize, raw.len()).reader().read_slice(&mut raw).map_err(Refused)?;
    }
    let mut out = KVec::with_capacity(n, GFP_KERNEL).map_err(alloc_err)?;
    for chunk in raw.chunks_exact(size) {
        let mut b = MapBind::default();
        b.name.copy_from_slice(&chunk[..16]);
        b.map_fd = u32::from_ne_bytes([chunk[16], chunk[17], chunk[18], chunk[19]]);
        b._reserved = u32::from_ne_bytes([chunk[20], chunk[21], chunk[22], chunk[23]]);
        if b._reserved != 0 {
            refuse!(log, EINVAL, "map bind {}: reserved bytes must be zero", Name(&b.name));
        }
        out.push(b, GFP_KERNEL).map_err(alloc_err)?;
    }
    Ok(out)
}

fn bound(d: &MapDecl, b: &MapBind, log: &mut impl Write) -> Result<MapRef, Refused> {
    let Ok(map) = maps::from_fd(b.map_fd) else {
        refuse!(log, EBADF, "map bind {}: fd {} is not a map", Name(&b.name), b.map_fd);
    };
    let def = &map.def;
    if (def.map_type, def.key_size, def.value_size, def.max_entries) != (d.map_type, d.key_size, d.value_size, d.max_entries) {
        refuse!(log, EINVAL, "map bind {}: the map's type or sizes differ from the declaration", Name(&b.name));
    }
    Ok(map)
}

fn created(state: &'static KwasmState, d: &MapDecl, log: &mut impl Write) -> Result<MapRef, Refused> {
    let attr = MapCreateAttr {
        size: core::mem::size_of::<MapCreateAttr>() as u32,
        map_type: d.map_type,
        key_size: d.key_size,
        value_size: d.value_size,
        max_entries: d.max_entries,
        flags: d.flags,
        name: d.name,
    };
    match KMap::create(state, &attr) {
        Ok(m) => Ok(m),
        Err((e, why)) => refuse!(log, e, "map {}: {}", Name(&d.name), why),
    }
}
