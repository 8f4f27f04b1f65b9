//! Where compiled modules run: the userspace executor here; the kernel (through `/dev/kwasm`)
//! implements the same trait.

use kwasm::executor::{Caller, Extern, HostFunc, Imports, Instance, InvokeError, Value};
use kwasm::hooks::artifact::EXPORT_FUNC;
use std::sync::Arc;

/// Why instantiation failed: a link error (unknown or mismatched import) or a trap.
#[derive(Debug)]
pub enum InstantiateFailure {
    Link(String),
    Trap(u32),
    Other(String),
}

pub trait Backend {
    type Instance;
    /// How the runner compiles the modules it gives [`Backend::instantiate`].
    fn options(&self) -> kwasm_compiler::Options {
        Default::default()
    }
    /// Instantiates a module: `wasm` is its binary, `artifact` what the userspace compiler made
    /// of it (a backend that compiles for itself, like the kernel, loads `wasm`).
    fn instantiate(
        &mut self,
        wasm: &[u8],
        artifact: &[u8],
        imports: &Imports,
    ) -> Result<Self::Instance, InstantiateFailure>;
    /// An invalid or malformed module that the userspace compiler refused: `Err` if this
    /// backend accepts it anyway.
    fn check_refused(&mut self, _wasm: &[u8]) -> Result<(), String> {
        Ok(())
    }
    /// Runs an export: results, or a trap code (inner `Ok`), or another error.
    fn invoke(
        &mut self,
        instance: &mut Self::Instance,
        name: &str,
        args: &[Value],
    ) -> Result<Vec<Value>, Result<u32, String>>;
    fn global(&mut self, instance: &mut Self::Instance, name: &str) -> Option<Value>;
    /// Offers `instance`'s exports to later modules as `module_name.*`.
    fn register(&mut self, instance: &mut Self::Instance, module_name: &str, imports: &mut Imports);
    /// Called after each script (to drop what `register` kept).
    fn end_script(&mut self) {}
}

/// Runs modules in this process with `kwasm::executor`.
#[derive(Default)]
pub struct UserspaceBackend {
    /// Compile with `Options::return_thunk` (every `ret` through the executor's stand-in
    /// return thunk).
    pub return_thunk: bool,
}

/// A pointer to an instance the runner keeps alive (boxed, never moved) for the whole script,
/// so that another instance's imports can call into it.
struct InstancePtr(*mut Instance);
// SAFETY: the spec runner is single-threaded; the pointer is only used on its thread.
unsafe impl Send for InstancePtr {}
// SAFETY: as above.
unsafe impl Sync for InstancePtr {}

impl InstancePtr {
    fn get(&self) -> *mut Instance {
        self.0
    }
}

impl Backend for UserspaceBackend {
    type Instance = Box<Instance>;

    fn options(&self) -> kwasm_compiler::Options {
        kwasm_compiler::Options {
            return_thunk: self.return_thunk,
            ..Default::default()
        }
    }

    fn instantiate(
        &mut self,
        _wasm: &[u8],
        artifact: &[u8],
        imports: &Imports,
    ) -> Result<Self::Instance, InstantiateFailure> {
        use kwasm::executor::InstantiateError as E;
        match Instance::new(artifact, imports) {
            Ok(i) => Ok(Box::new(i)),
            Err(E::UnknownImport(m, n)) => {
                Err(InstantiateFailure::Link(format!("unknown import {m}.{n}")))
            }
            Err(E::IncompatibleImport(m, n)) => Err(InstantiateFailure::Link(format!(
                "incompatible import type {m}.{n}"
            ))),
            Err(E::Trap(t)) => Err(InstantiateFailure::Trap(t.0)),
            Err(e) => Err(InstantiateFailure::Other(e.to_string())),
        }
    }

    fn invoke(
        &mut self,
        instance: &mut Self::Instance,
        name: &str,
        args: &[Value],
    ) -> Result<Vec<Value>, Result<u32, String>> {
        instance.invoke(name, args).map_err(|e| match e {
            InvokeError::Trap(t) => Ok(t.0),
            other => Err(other.to_string()),
        })
    }

    fn global(&mut self, instance: &mut Self::Instance, name: &str) -> Option<Value> {
        instance.global(name)
    }

    fn register(
        &mut self,
        instance: &mut Self::Instance,
        module_name: &str,
        imports: &mut Imports,
    ) {
        for (name, kind) in instance.export_list() {
            if kind != EXPORT_FUNC {
                if let Some(ext) = instance.export_extern(&name) {
                    imports.define(module_name, &name, ext);
                }
                continue;
            }
            let (params, results) = instance.func_type(&name).expect("exported function");
            let (params, results) = (params.to_vec(), results.to_vec());
            let ptr = InstancePtr(&mut **instance);
            let export = name.clone();
            let param_types = params.clone();
            let body = move |_: &mut Caller<'_>, slots: &mut [u64]| {
                let args: Vec<Value> = param_types
                    .iter()
                    .zip(slots.iter())
                    .map(|(&t, &s)| Value::from_slot(t, s))
                    .collect();
                // SAFETY: the runner keeps every instance alive until the script ends; see
                // `InstancePtr`.
                let target = unsafe { &mut *ptr.get() };
                match target.invoke(&export, &args) {
                    Ok(values) => {
                        for (s, v) in slots.iter_mut().zip(values) {
                            *s = v.to_slot();
                        }
                        Ok(())
                    }
                    Err(InvokeError::Trap(t)) => Err(t.0),
                    Err(_) => Err(kwasm::hooks::trap::TRAP_HOST_ABORT),
                }
            };
            imports.define(
                module_name,
                &name,
                Extern::Func(HostFunc {
                    params,
                    results,
                    body: Arc::new(body),
                }),
            );
        }
    }
}
