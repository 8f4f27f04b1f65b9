// SPDX-License-Identifier: GPL-2.0

//! Programs importing from programs: `KWASM_IOC_PROG_REGISTER` names a program; a later program
//! that imports `name.f` calls the named program's export `f` through a bridge, `name.g` reads
//! and writes its global `g` in place, and `name.mem` / `name.tab` use its memory or table.
//! Any such import puts the importer in the exporter's link group (`group.rs`), so a bridge
//! call takes no lock: the run already holds the group's.

use crate::hooks::artifact::IMPORT_FUNC;
use crate::hooks::vmctx::VmCtx;
use crate::instance::Instance;
use crate::kcore::artifact::Artifact;
use crate::kcore::host::Lookup;
use crate::program::Program;
use crate::registry::{ProgRef, Registry};
use crate::bytes_key::BytesKey;
use kernel::prelude::*;
use kernel::rbtree::{RBTree, RBTreeNode};
use kernel::sync::Arc;

/// Most names registered at once, and the longest name.
pub(crate) const NAMES_MAX: usize = 1024;
pub(crate) const NAME_LEN_MAX: usize = 256;

/// The names programs registered under; each name holds a reference to its program.
pub(crate) struct Links {
    names: RBTree<BytesKey, ProgRef>,
    count: usize,
}

/// A name and its program, allocated before the links lock is taken (registering then cannot
/// fail half-way, nor drop a reference under the lock).
pub(crate) struct NewName {
    node: RBTreeNode<BytesKey, ProgRef>,
    /// The name again, to look it up under the lock without allocating there.
    probe: BytesKey,
}

impl NewName {
    pub(crate) fn new(name: &[u8], prog: ProgRef) -> Result<NewName> {
        if RESERVED_NAMES.contains(&name) || name.is_empty() || name.len() > NAME_LEN_MAX {
            return Err(EINVAL);
        }
        let probe = BytesKey::new(&[name])?;
        Ok(NewName { node: RBTreeNode::new(BytesKey::new(&[name])?, prog, GFP_KERNEL_ACCOUNT)?, probe })
    }
}

impl Links {
    pub(crate) fn new() -> Self {
        Links { names: RBTree::new(), count: 0 }
    }

    /// Adds a name, or gives it to another program: the earlier program's reference comes back
    /// to be dropped after the lock. `Err` (with the name, to drop after the lock) when
    /// [`NAMES_MAX`] are registered.
    pub(crate) fn register(&mut self, new: NewName) -> core::result::Result<Option<ProgRef>, NewName> {
        if self.count >= NAMES_MAX && self.names.get(&new.probe).is_none() {
            return Err(new);
        }
        match self.names.insert(new.node) {
            Some(old) => Ok(Some(old.to_key_value().1)),
            None => {
                self.count += 1;
                Ok(None)
            }
        }
    }

    /// Removes a name; its reference comes back to be dropped after the lock.
    pub(crate) fn remove(&mut self, name: &[u8]) -> Result<ProgRef> {
        let removed = self.names.remove(&BytesKey::new(&[name])?).ok_or(ENOENT)?;
        self.count -= 1;
        Ok(removed)
    }

    fn find(&self, name: &[u8]) -> Option<&ProgRef> {
        self.names.get(&BytesKey::new(&[name]).ok()?)
    }
}

/// The registered programs an artifact's imports name, each with a reference held for the
/// load (its group joins the importer's).
pub(crate) struct Imported {
    programs: KVec<(KVec<u8>, ProgRef)>,
    /// Function imports from them: each needs a bridge stub in the code region.
    pub(crate) funcs: usize,
}

impl Imported {
    /// Looks the artifact's import modules up among the registered names (briefly under the
    /// links lock: nothing here waits for a run).
    pub(crate) fn resolve(state: &crate::KwasmState, art: &Artifact<'_>) -> Result<Imported> {
        let links = state.links.lock();
        let mut imported = Imported { programs: KVec::new(), funcs: 0 };
        for imp in art.imports().iter() {
            let module = art.string(imp.module).unwrap_or("");
            let Some(prog) = links.find(module.as_bytes()) else { continue };
            // A function the built-ins or a provider serve links to nothing: it must not pull
            // the program into the group of a program registered under the same module name.
            if imp.kind == IMPORT_FUNC && serves_function(art, &imp) {
                continue;
            }
            let module = module.as_bytes();
            imported.funcs += usize::from(imp.kind == IMPORT_FUNC);
            if imported.get(module).is_none() {
                let mut name = KVec::new();
                name.extend_from_slice(module, GFP_KERNEL_ACCOUNT)?;
                imported.programs.push((name, Registry::another(prog)), GFP_KERNEL_ACCOUNT)?;
            }
        }
        Ok(imported)
    }

    pub(crate) fn get(&self, module: &[u8]) -> Option<&ProgRef> {
        self.programs.iter().find(|(n, _)| &n[..] == module).map(|(_, p)| p)
    }

    /// The references, for joining their groups.
    pub(crate) fn refs(&self) -> impl Iterator<Item = &ProgRef> + Clone {
        self.programs.iter().map(|(_, p)| p)
    }
}

/// Whether a function import is served by the built-ins or a provider (resolved before
/// registered programs, as `load::link` does).
fn serves_function(art: &Artifact<'_>, imp: &crate::hooks::artifact::Import) -> bool {
    let Some(ty) = art.types().get(imp.desc as usize) else { return false };
    let (params, results) = art.signature(ty);
    crate::providers::serves(art.string(imp.module).unwrap_or(""), art.string(imp.name).unwrap_or(""), params, results)
}

/// Module names the kernel itself answers for: a program cannot be registered under them.
pub(crate) const RESERVED_NAMES: [&[u8]; 3] = [b"env", b"spectest", b"kwasm"];

/// What a bridge stub hands to [`bridge_entry`]: the callee and its trampoline.
pub(crate) struct Bridge {
    prog: Arc<Program>,
    tramp: usize,
    /// Address of this bridge's stub in the importer's code.
    stub: usize,
}

impl Bridge {
    /// The bridge whose stub is at `addr` among `bridges`.
    pub(crate) fn at(bridges: &[KBox<Bridge>], addr: usize) -> Option<&Bridge> {
        bridges.iter().map(|b| &**b).find(|b| b.stub == addr)
    }
}

/// Bytes of one stub: `endbr64; mov rdx, imm64; jmp rel32`, padded with `int3`. The endbr64:
/// a re-exported import is entered indirectly, through its stub.
pub(crate) const STUB_LEN: usize = 32;

/// Calls from one program into another's export (the host-call convention, with the bridge in
/// rdx as a third argument). The callee is in the caller's group, whose lock the run holds.
unsafe extern "C" fn bridge_entry(vmctx: *mut VmCtx, slots: *mut u64, bridge: *const Bridge) -> u32 {
    // SAFETY: the stub passes the calling program's vmctx and slot area (sized for the import,
    // whose signature equals the export's: checked when the bridge was made), and a bridge
    // owned by the calling program (alive while its code runs). The caller's instance is read
    // here and not referenced during the call (the callee may call back into it).
    let (uses_float, depth, bridge) = unsafe {
        let caller = (*vmctx).instance as *const Instance;
        ((*caller).uses_float, (*caller).depth, &*bridge)
    };
    crate::runtime::call_in_group(vmctx, uses_float, |meter| {
        // SAFETY: the run holds the group lock (the callee is in the caller's group) and no
        // reference into the callee's instance; the trampoline is the callee's export of this
        // signature; `slots` as above.
        unsafe { bridge.prog.run(bridge.tramp, slots, meter, depth + 1) }
    })
}

/// Resolves function and global imports from registered programs, making a bridge and a stub
/// per function.
pub(crate) struct Linker<'a> {
    imported: &'a Imported,
    /// Where the stubs go: address of the first, and their bytes so far.
    stubs_base: usize,
    pub(crate) stubs: KVVec<u8>,
    pub(crate) bridges: KVec<KBox<Bridge>>,
}

impl<'a> Linker<'a> {
    pub(crate) fn new(imported: &'a Imported, stubs_base: usize) -> Self {
        Linker { imported, stubs_base, stubs: KVVec::new(), bridges: KVec::new() }
    }

    /// The registered program named `module`.
    pub(crate) fn program(&self, module: &str) -> Option<&'a ProgRef> {
        self.imported.get(module.as_bytes())
    }

    /// A function `module.name` exported by a registered program.
    pub(crate) fn lookup(&mut self, module: &str, name: &str, params: &[u8], results: &[u8]) -> Lookup {
        let Some(prog) = self.program(module) else { return Lookup::Unknown };
        let Some(export) = prog.export(name.as_bytes()) else { return Lookup::Unknown };
        if prog.signature(export) != (params, results) {
            return Lookup::Signature;
        }
        // An export that re-exports another program's function is called where that one is:
        // chains of re-exports stay one bridge long (each hop would run on the same stack).
        let (callee, tramp) = match Bridge::at(&prog._bridges, export.trampoline) {
            Some(b) => (b.prog.clone(), b.tramp),
            None => (prog.arc(), export.trampoline),
        };
        let at = self.stubs_base + self.stubs.len();
        let Ok(bridge) = KBox::new(Bridge { prog: callee, tramp, stub: at }, GFP_KERNEL_ACCOUNT) else {
            return Lookup::Unknown;
        };
        let mut stub = [0xccu8; STUB_LEN];
        stub[..4].copy_from_slice(&[0xf3, 0x0f, 0x1e, 0xfa]); // endbr64
        stub[4] = 0x48; // mov rdx, imm64
        stub[5] = 0xba;
        stub[6..14].copy_from_slice(&(&*bridge as *const Bridge as u64).to_le_bytes());
        stub[14] = 0xe9; // jmp rel32
        let target = bridge_entry as *const () as usize as i64;
        let Ok(rel) = i32::try_from(target - (at as i64 + 19)) else { return Lookup::Unknown };
        stub[15..19].copy_from_slice(&rel.to_le_bytes());
        if self.stubs.extend_from_slice(&stub, GFP_KERNEL_ACCOUNT).is_err() || self.bridges.push(bridge, GFP_KERNEL_ACCOUNT).is_err() {
            return Lookup::Unknown;
        }
        Lookup::Found(at)
    }

    /// The cell of global `module.name` exported by a registered program, if its type and
    /// mutability match.
    pub(crate) fn global(&self, module: &str, name: &str, valtype: u32, mutable: bool) -> Option<*mut u64> {
        self.program(module)?.global_cell(name.as_bytes(), valtype, mutable)
    }
}
