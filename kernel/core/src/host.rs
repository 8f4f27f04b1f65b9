//! Host functions: what a platform offers programs to import, and resolving an artifact's
//! imports against it by (module, name, signature).

use super::artifact::Artifact;
use super::hooks::artifact::IMPORT_FUNC;
use core::fmt;

/// One host function: `extern "C" fn(vmctx, slots) -> trap code` at `addr`.
#[derive(Clone, Copy, Debug)]
pub struct HostFn {
    pub module: &'static str,
    pub name: &'static str,
    pub params: &'static [u8],
    pub results: &'static [u8],
    pub addr: usize,
}

/// Why an import could not be resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkError<'a> {
    /// Only functions can be imported (programs own their memory, table and globals).
    NotAFunction {
        module: &'a str,
        name: &'a str,
    },
    Unknown {
        module: &'a str,
        name: &'a str,
    },
    Signature {
        module: &'a str,
        name: &'a str,
    },
    TooMany,
}

impl fmt::Display for LinkError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAFunction { module, name } => {
                write!(f, "import {module}.{name}: only functions can be imported")
            }
            Self::Unknown { module, name } => {
                write!(f, "import {module}.{name}: no such host function")
            }
            Self::Signature { module, name } => {
                write!(
                    f,
                    "import {module}.{name}: signature differs from the host function's"
                )
            }
            Self::TooMany => write!(f, "too many imports"),
        }
    }
}

/// Resolves every import of `art` with `lookup(module, name)`, writing host function addresses
/// into `out` (indexed by import index).
pub fn resolve<'a>(
    art: &Artifact<'a>,
    lookup: impl Fn(&str, &str) -> Option<HostFn>,
    out: &mut [usize],
) -> Result<(), LinkError<'a>> {
    if art.imports().len() > out.len() {
        return Err(LinkError::TooMany);
    }
    for (i, imp) in art.imports().iter().enumerate() {
        let module = art.string(imp.module).unwrap_or("");
        let name = art.string(imp.name).unwrap_or("");
        if imp.kind != IMPORT_FUNC {
            return Err(LinkError::NotAFunction { module, name });
        }
        let host = lookup(module, name).ok_or(LinkError::Unknown { module, name })?;
        let ty = art
            .types()
            .get(imp.desc as usize)
            .ok_or(LinkError::Signature { module, name })?;
        let (params, results) = art.signature(ty);
        if params != host.params || results != host.results {
            return Err(LinkError::Signature { module, name });
        }
        out[i] = host.addr;
    }
    Ok(())
}
