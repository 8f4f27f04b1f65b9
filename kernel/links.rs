// SPDX-License-Identifier: GPL-2.0

//! Programs importing from programs: `KWASM_IOC_PROG_REGISTER` names a program; a later program
//! that imports `name.f` calls the named program's export `f` through a bridge, and `name.g`
//! reads and writes its global `g` in place.
//!
//! Calls only follow imports, and a program can only import from programs loaded before it, so
//! the calls between programs form no cycle and taking the callee's instance lock cannot
//! deadlock. Memories and tables are not shared (each program owns its own).

use crate::hooks::vmctx::VmCtx;
use crate::instance::Instance;
use crate::kcore::fuel::Meter;
use crate::kcore::host::Lookup;
use crate::program::Program;
use kernel::prelude::*;
use kernel::sync::Arc;

/// The names programs registered under.
pub(crate) struct Links {
    entries: KVec<Option<(KVec<u8>, Arc<Program>)>>,
}

impl Links {
    pub(crate) fn new() -> Self {
        Links { entries: KVec::new() }
    }

    /// Names `prog` (replacing an earlier program of that name).
    pub(crate) fn register(&mut self, name: &[u8], prog: Arc<Program>) -> Result {
        let mut owned = KVec::new();
        owned.extend_from_slice(name, GFP_KERNEL)?;
        if let Some(slot) = self.entries.iter_mut().find(|e| e.as_ref().is_some_and(|(n, _)| &n[..] == name)) {
            *slot = Some((owned, prog));
            return Ok(());
        }
        match self.entries.iter().position(|e| e.is_none()) {
            Some(free) => self.entries[free] = Some((owned, prog)),
            None => self.entries.push(Some((owned, prog)), GFP_KERNEL)?,
        }
        Ok(())
    }

    pub(crate) fn remove(&mut self, name: &[u8]) -> Result {
        let slot = self.entries.iter_mut().find(|e| e.as_ref().is_some_and(|(n, _)| &n[..] == name)).ok_or(ENOENT)?;
        *slot = None;
        Ok(())
    }

    pub(crate) fn find(&self, name: &[u8]) -> Option<Arc<Program>> {
        self.entries.iter().flatten().find(|(n, _)| &n[..] == name).map(|(_, p)| p.clone())
    }
}

/// What a bridge stub hands to [`bridge_entry`]: the callee and its trampoline.
pub(crate) struct Bridge {
    prog: Arc<Program>,
    tramp: usize,
}

/// Bytes of one stub: `endbr64; mov rdx, imm64; jmp rel32`, padded with `int3`. The endbr64:
/// a re-exported import is entered indirectly, through its stub.
pub(crate) const STUB_LEN: usize = 32;

/// Calls from one program into another's export (the host-call convention, with the bridge in
/// rdx as a third argument).
unsafe extern "C" fn bridge_entry(vmctx: *mut VmCtx, slots: *mut u64, bridge: *const Bridge) -> u32 {
    // SAFETY: the stub passes the calling program's vmctx and slot area (sized for the import,
    // whose signature equals the export's: checked when the bridge was made), and a bridge
    // owned by the calling program (alive while its code runs).
    let (caller, bridge) = unsafe { (&*((*vmctx).instance as *const Instance), &*bridge) };
    // Taking the callee's lock may sleep: outside the caller's FPU section.
    crate::runtime::may_sleep(caller, || {
        // The callee spends the caller's fuel (no fresh budget through a call).
        // SAFETY: the caller's vmctx, as above; the caller is suspended in this call.
        let vm = unsafe { &mut *vmctx };
        let mut meter = Meter::of(vm);
        let trap = bridge.prog.enter_raw(bridge.tramp, slots, &mut meter, caller.depth + 1);
        meter.load_into(vm);
        trap
    })
}

/// Resolves imports from registered programs, making a bridge and a stub per function.
pub(crate) struct Linker<'a> {
    links: &'a Links,
    /// Where the stubs go: address of the first, and their bytes so far.
    stubs_base: usize,
    pub(crate) stubs: KVVec<u8>,
    pub(crate) bridges: KVec<KBox<Bridge>>,
    /// Programs this one imports from (kept loaded while it is).
    pub(crate) used: KVec<Arc<Program>>,
}

impl<'a> Linker<'a> {
    pub(crate) fn new(links: &'a Links, stubs_base: usize) -> Self {
        Linker { links, stubs_base, stubs: KVVec::new(), bridges: KVec::new(), used: KVec::new() }
    }

    /// Whether `module` names a registered program (its function imports need stubs).
    pub(crate) fn is_linked(links: &Links, module: &str) -> bool {
        links.find(module.as_bytes()).is_some()
    }

    fn keep(&mut self, prog: &Arc<Program>) -> Result {
        if !self.used.iter().any(|p| Arc::ptr_eq(p, prog)) {
            self.used.push(prog.clone(), GFP_KERNEL)?;
        }
        Ok(())
    }

    /// The registered program named `module` (kept loaded while this one is).
    pub(crate) fn program(&mut self, module: &str) -> Option<Arc<Program>> {
        let prog = self.links.find(module.as_bytes())?;
        self.keep(&prog).ok()?;
        Some(prog)
    }

    /// A function `module.name` exported by a registered program.
    pub(crate) fn lookup(&mut self, module: &str, name: &str, params: &[u8], results: &[u8]) -> Lookup {
        let Some(prog) = self.links.find(module.as_bytes()) else { return Lookup::Unknown };
        let Some(export) = prog.export(name.as_bytes()) else { return Lookup::Unknown };
        if &export.params[..] != params || &export.results[..] != results {
            return Lookup::Signature;
        }
        let tramp = export.trampoline;
        let Ok(bridge) = KBox::new(Bridge { prog: prog.clone(), tramp }, GFP_KERNEL) else {
            return Lookup::Unknown;
        };
        let at = self.stubs_base + self.stubs.len();
        let mut stub = [0xccu8; STUB_LEN];
        stub[..4].copy_from_slice(&[0xf3, 0x0f, 0x1e, 0xfa]); // endbr64
        stub[4] = 0x48; // mov rdx, imm64
        stub[5] = 0xba;
        stub[6..14].copy_from_slice(&(&*bridge as *const Bridge as u64).to_le_bytes());
        stub[14] = 0xe9; // jmp rel32
        let target = bridge_entry as *const () as usize as i64;
        let Ok(rel) = i32::try_from(target - (at as i64 + 19)) else { return Lookup::Unknown };
        stub[15..19].copy_from_slice(&rel.to_le_bytes());
        if self.stubs.extend_from_slice(&stub, GFP_KERNEL).is_err()
            || self.bridges.push(bridge, GFP_KERNEL).is_err()
            || self.keep(&prog).is_err()
        {
            return Lookup::Unknown;
        }
        Lookup::Found(at)
    }

    /// The cell of global `module.name` exported by a registered program, if its type and
    /// mutability match.
    pub(crate) fn global(&mut self, module: &str, name: &str, valtype: u32, mutable: bool) -> Option<u64> {
        let prog = self.links.find(module.as_bytes())?;
        let cell = prog.global_cell(name.as_bytes(), valtype, mutable)?;
        self.keep(&prog).ok()?;
        Some(cell)
    }
}

/// Signature ids shared by every program, what `call_indirect` compares (`RELOC_TYPE_ID`): a
/// table can hold functions of several programs.
pub(crate) struct Signatures(KVec<(KVec<u8>, KVec<u8>)>);

impl Signatures {
    pub(crate) fn new() -> Self {
        Signatures(KVec::new())
    }

    pub(crate) fn id(&mut self, params: &[u8], results: &[u8]) -> Result<u32, kernel::alloc::AllocError> {
        if let Some(i) = self.0.iter().position(|(p, r)| &p[..] == params && &r[..] == results) {
            return Ok(i as u32);
        }
        let (mut p, mut r) = (KVec::new(), KVec::new());
        p.extend_from_slice(params, GFP_KERNEL)?;
        r.extend_from_slice(results, GFP_KERNEL)?;
        self.0.push((p, r), GFP_KERNEL)?;
        Ok((self.0.len() - 1) as u32)
    }
}
