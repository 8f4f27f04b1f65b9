//! Runs the spec scripts' modules in the kernel: `PROG_LOAD` (the kernel compiles the wasm) and
//! `PROG_TEST_RUN` on `/dev/kwasm` (inside the test VM); invalid and malformed modules must be
//! refused by the kernel's own validation too. `register` names programs in the kernel, whose later
//! programs then import their functions and globals; memories and tables are not shared between
//! programs, which the kernel's expected-failures list records.

use crate::backend::{Backend, InstantiateFailure};
use kwasm::executor::{Imports, Value};
use kwasm::hooks::artifact::EXPORT_FUNC;
use kwasm::{Device, Error, LoadOptions, Program};
use kwasm_kcore::artifact::Artifact;
use std::sync::Arc;

pub struct KernelBackend {
    dev: Arc<Device>,
    /// Names registered during the current script.
    registered: Vec<String>,
}

impl KernelBackend {
    pub fn new() -> Result<Self, Error> {
        Ok(Self {
            dev: Arc::new(Device::open()?),
            registered: Vec::new(),
        })
    }

    /// Loads through this backend's own device.
    fn load(&self, wasm: &[u8]) -> Result<Program, Error> {
        LoadOptions::new().device(self.dev.clone()).load_bytes(wasm)
    }
}

/// A loaded program and its exports' signatures (read from the artifact).
pub struct KernelInstance {
    prog: Program,
    funcs: Vec<(String, Vec<u8>, Vec<u8>)>,
}

/// A trap code in a load log line ("... (trap N)").
fn trap_in(log: &str) -> Option<u32> {
    let at = log.rfind("(trap ")?;
    log[at + 6..].split(')').next()?.trim().parse().ok()
}

impl Backend for KernelBackend {
    type Instance = KernelInstance;

    fn instantiate(
        &mut self,
        wasm: &[u8],
        artifact: &[u8],
        _imports: &Imports,
    ) -> Result<KernelInstance, InstantiateFailure> {
        // The exports' signatures come from the userspace compile of the same module; the kernel
        // is given the wasm and compiles it itself.
        let art =
            Artifact::parse(artifact).map_err(|e| InstantiateFailure::Other(e.to_string()))?;
        let imported = art.imported(kwasm::hooks::artifact::IMPORT_FUNC);
        let mut funcs = Vec::new();
        for e in art.exports().iter().filter(|e| e.kind == EXPORT_FUNC) {
            let ty = if e.index < imported {
                art.import_of_kind(kwasm::hooks::artifact::IMPORT_FUNC, e.index)
                    .map(|(_, i)| i.desc)
            } else {
                art.funcs()
                    .get((e.index - imported) as usize)
                    .map(|f| f.type_index)
            };
            let Some(ty) = ty.and_then(|t| art.types().get(t as usize)) else {
                continue;
            };
            let (p, r) = art.signature(ty);
            funcs.push((
                art.string(e.name).unwrap_or("").to_string(),
                p.to_vec(),
                r.to_vec(),
            ));
        }
        match self.load(wasm) {
            Ok(prog) => Ok(KernelInstance { prog, funcs }),
            Err(Error::Load { log, .. }) if log.contains("import") => {
                Err(InstantiateFailure::Link(log))
            }
            Err(Error::Load { log, .. }) => match trap_in(&log) {
                Some(code) => Err(InstantiateFailure::Trap(code)),
                None => Err(InstantiateFailure::Other(log)),
            },
            Err(e) => Err(InstantiateFailure::Other(e.to_string())),
        }
    }

    /// The kernel's own validation must refuse it too, with `EINVAL` and a log line.
    fn check_refused(&mut self, wasm: &[u8]) -> Result<(), String> {
        match self.load(wasm) {
            Ok(_) => Err("the kernel accepted it".into()),
            // An empty module is refused with the attr, before the compiler sees it.
            Err(Error::Load { source, log })
                if source.kind() == std::io::ErrorKind::InvalidInput
                    && (log.contains("invalid module") || wasm.is_empty()) =>
            {
                Ok(())
            }
            Err(e) => Err(format!("the kernel refused it with {e}")),
        }
    }

    fn invoke(
        &mut self,
        inst: &mut KernelInstance,
        name: &str,
        args: &[Value],
    ) -> Result<Vec<Value>, Result<u32, String>> {
        let (_, params, results) = inst
            .funcs
            .iter()
            .find(|f| f.0 == name)
            .ok_or_else(|| Err(format!("no export {name}")))?;
        if params.len() != args.len() {
            return Err(Err(format!("{name}: wrong number of arguments")));
        }
        let slots: Vec<u64> = args.iter().map(|a| a.to_slot()).collect();
        let nslots = params.len().max(results.len()).max(1);
        let run = inst
            .prog
            .test_run(name, &slots, nslots, 1, 0)
            .map_err(|e| Err(e.to_string()))?;
        if run.trap != 0 {
            return Err(Ok(run.trap));
        }
        Ok(results
            .iter()
            .zip(&run.results)
            .map(|(&t, &s)| Value::from_slot(t, s))
            .collect())
    }

    fn global(&mut self, inst: &mut KernelInstance, name: &str) -> Option<Value> {
        let (ty, bits) = inst.prog.global(name).ok()?;
        Some(Value::from_slot(ty, bits))
    }

    /// Names the program in the kernel (`KWASM_IOC_PROG_REGISTER`): later programs import from
    /// it there.
    fn register(&mut self, inst: &mut KernelInstance, module_name: &str, _imports: &mut Imports) {
        match inst.prog.register(module_name) {
            Ok(()) => self.registered.push(module_name.to_string()),
            // Later imports from it fail and are reported there.
            Err(e) => eprintln!("register {module_name}: {e}"),
        }
    }

    fn end_script(&mut self) {
        for name in self.registered.drain(..) {
            let _ = self.dev.unregister(&name);
        }
    }
}
