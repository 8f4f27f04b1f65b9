// SPDX-License-Identifier: GPL-2.0

//! What a program type asks of a program at load (`hooks::prog_type::Policy`): how many
//! instances it gets and their shape, and for hook programs the rules that let a hook run it
//! in atomic context: only the kernel's host functions that never sleep, fuel within the type's
//! bound, a memory of its own no larger than the limit (reserved whole, so `memory.grow` never
//! allocates in a hook), and the hook's entry and buffer (`hooks::netfilter`).

use crate::hook_run::HookEntry;
use crate::hooks::artifact::{IMPORT_FUNC, NONE, VAL_I32};
use crate::hooks::attr::ProgLoadAttr;
use crate::hooks::host_fns;
use crate::hooks::netfilter::{BUFFER_EXPORT, BUFFER_SIZE};
use crate::hooks::prog_type::{policy, Policy};
use crate::hooks::vmctx::PAGE_SIZE;
use crate::instance::{Instance, STACK_HEADROOM};
use crate::kcore::artifact::Artifact;
use crate::kcore::host::Lookup;
use crate::program::{Export, GlobalExport, Signature};
use crate::refused::{refuse, Refused};
use core::fmt::Write;
use kernel::prelude::*;

/// The instances a program gets.
#[derive(Clone, Copy)]
pub(crate) struct Layout {
    pub(crate) policy: &'static Policy,
    /// One, or one per possible CPU.
    pub(crate) instances: usize,
    pub(crate) stack_size: usize,
    /// Hook programs: bytes of memory reserved (and charged) per instance up front.
    pub(crate) memory_reserve: usize,
    /// Instances run in atomic context (hook programs).
    pub(crate) atomic: bool,
}

/// The layout of `attr`'s program type, after its policy's checks.
pub(crate) fn check(attr: &ProgLoadAttr, art: &Artifact<'_>, log: &mut impl Write) -> Result<Layout, Refused> {
    let Some(policy) = policy(attr.prog_type) else { refuse!(log, EINVAL, "unknown program type {}", attr.prog_type) };
    let h = art.header();
    if u64::from(h.min_stack) + STACK_HEADROOM > policy.stack_size {
        refuse!(log, E2BIG, "the code needs {} bytes of stack, {} programs get {}", h.min_stack, policy.name, policy.stack_size - STACK_HEADROOM);
    }
    check_type_only_imports(attr.prog_type, policy, art, log)?;
    if !policy.hook {
        if attr.memory_max != 0 {
            refuse!(log, EINVAL, "memory_max applies to hook program types only");
        }
        return Ok(Layout { policy, instances: 1, stack_size: policy.stack_size as usize, memory_reserve: 0, atomic: false });
    }
    if attr.fuel > policy.fuel_max {
        refuse!(log, EINVAL, "fuel {} is above the {} maximum of {} (about 1 ms)", attr.fuel, policy.name, policy.fuel_max);
    }
    check_imports(policy, art, log)?;
    let reserve = memory_reserve(attr, policy, art, log)?;
    Ok(Layout {
        policy,
        instances: crate::maps::ncpus() as usize,
        stack_size: policy.stack_size as usize,
        memory_reserve: reserve,
        atomic: true,
    })
}

/// Hook programs import only the kernel's own host functions that never sleep (`env.*` and
/// `kwasm.*`); providers' may sleep, other programs' need a group lock.
fn check_imports(policy: &Policy, art: &Artifact<'_>, log: &mut impl Write) -> Result<(), Refused> {
    for imp in art.imports().iter() {
        let module = art.string(imp.module).unwrap_or("");
        let name = art.string(imp.name).unwrap_or("");
        let sig = art.types().get(imp.desc as usize).map(|t| art.signature(t));
        let builtin = match (imp.kind, sig) {
            (IMPORT_FUNC, Some((p, r))) if module == "env" || module == host_fns::MODULE => crate::providers::lookup_builtin(module, name, p, r),
            _ => None,
        };
        if !matches!(builtin, Some(Lookup::Found(_))) {
            refuse!(
                log,
                EINVAL,
                "import {}.{}: {} programs run in atomic context and may import only the kernel's host functions that never sleep (env.*, kwasm.*)",
                module,
                name,
                policy.name
            );
        }
    }
    Ok(())
}

/// Host functions of one program type (`packet_load` is netfilter's) for that type only.
fn check_type_only_imports(prog_type: u32, policy: &Policy, art: &Artifact<'_>, log: &mut impl Write) -> Result<(), Refused> {
    for imp in art.imports().iter() {
        let (module, name) = (art.string(imp.module).unwrap_or(""), art.string(imp.name).unwrap_or(""));
        let only = host_fns::ALL.iter().find(|s| module == host_fns::MODULE && s.name == name).and_then(|s| s.hook_only);
        if only.is_some_and(|t| t != prog_type) {
            refuse!(log, EINVAL, "import {}.{}: not available to {} programs", module, name, policy.name);
        }
    }
    Ok(())
}

/// Bytes of memory each instance reserves: the program's maximum, at most the limit.
fn memory_reserve(attr: &ProgLoadAttr, policy: &Policy, art: &Artifact<'_>, log: &mut impl Write) -> Result<usize, Refused> {
    let limit = if attr.memory_max == 0 { policy.memory_default } else { attr.memory_max };
    if limit > policy.memory_max {
        refuse!(log, E2BIG, "memory_max {} KiB is above the {} maximum of {} KiB", limit / 1024, policy.name, policy.memory_max / 1024);
    }
    let h = art.header();
    if h.has_memory != 1 {
        refuse!(log, EINVAL, "{} programs need a linear memory of their own (the hook writes its context there)", policy.name);
    }
    let limit_pages = (limit / PAGE_SIZE) as u32;
    if h.memory_min > limit_pages {
        refuse!(
            log,
            E2BIG,
            "its memory starts at {} KiB per instance (one per CPU); the limit is {} KiB (memory_max)",
            u64::from(h.memory_min) * PAGE_SIZE / 1024,
            limit / 1024
        );
    }
    let max = if h.memory_max == NONE { limit_pages } else { h.memory_max.min(limit_pages) };
    Ok((u64::from(max) * PAGE_SIZE) as usize)
}

/// The hook's entry and buffer: the entry export with signature `(i32) -> i32`, and the
/// immutable i32 global export holding the buffer's address, inside the initial memory.
pub(crate) fn entry(
    layout: &Layout,
    exports: &[Export],
    signatures: &[Signature],
    globals: &[GlobalExport],
    inst: &mut Instance,
    log: &mut impl Write,
) -> Result<Option<HookEntry>, Refused> {
    let Some(entry) = layout.policy.entry else { return Ok(None) };
    let Some(export) = exports.iter().find(|e| &e.name[..] == entry.as_bytes()) else {
        refuse!(log, EINVAL, "{} programs export their entry `{}`", layout.policy.name, entry);
    };
    let sig = signatures.get(export.type_index as usize);
    if !sig.is_some_and(|(p, r)| p[..] == [VAL_I32] && r[..] == [VAL_I32]) || export.trampoline == 0 {
        refuse!(log, EINVAL, "the entry `{}` must have type (i32) -> i32", entry);
    }
    let Some(g) = globals.iter().find(|g| &g.name[..] == BUFFER_EXPORT.as_bytes()) else {
        refuse!(log, EINVAL, "{} programs export the immutable i32 global `{}` (the hook buffer's address)", layout.policy.name, BUFFER_EXPORT);
    };
    if g.valtype != u32::from(VAL_I32) || g.mutable {
        refuse!(log, EINVAL, "`{}` must be an immutable i32 global", BUFFER_EXPORT);
    }
    // SAFETY: the cell is this instance's global slot (hook programs import no globals); we
    // hold the only reference to the instance (the load).
    let buffer = unsafe { *g.cell } as u32;
    let fits = u64::from(buffer) + u64::from(BUFFER_SIZE) <= inst.memory_mut().len() as u64;
    if !fits {
        refuse!(log, EINVAL, "the hook buffer at {:#x} ({} bytes) is not inside the initial memory", buffer, BUFFER_SIZE);
    }
    Ok(Some(HookEntry { trampoline: export.trampoline, buffer, memory_reserve: layout.memory_reserve }))
}
