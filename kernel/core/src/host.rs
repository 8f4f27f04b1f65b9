//! Host functions: what a platform offers programs to import, and resolving an artifact's
//! imports by (module, name, signature).

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

/// What a platform's lookup found for one import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The host function's address.
    Found(usize),
    Unknown,
    /// The name exists with another signature.
    Signature,
}

impl HostFn {
    /// Matches this function against an import's (module, name, signature).
    pub fn lookup(
        &self,
        module: &str,
        name: &str,
        params: &[u8],
        results: &[u8],
    ) -> Option<Lookup> {
        if self.module != module || self.name != name {
            return None;
        }
        Some(if self.params == params && self.results == results {
            Lookup::Found(self.addr)
        } else {
            Lookup::Signature
        })
    }
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

/// Resolves every import of `art` with `lookup(module, name, params, results)`, writing host
/// function addresses into `out` (indexed by import index). Only functions can be imported.
pub fn resolve<'a>(
    art: &Artifact<'a>,
    lookup: impl FnMut(&str, &str, &[u8], &[u8]) -> Lookup,
    out: &mut [usize],
) -> Result<(), LinkError<'a>> {
    if let Some(imp) = art.imports().iter().find(|i| i.kind != IMPORT_FUNC) {
        let module = art.string(imp.module).unwrap_or("");
        let name = art.string(imp.name).unwrap_or("");
        return Err(LinkError::NotAFunction { module, name });
    }
    resolve_functions(art, lookup, out)
}

/// Like [`resolve`], for functions only: other imports are left to the platform (`out[i]`
/// stays 0 for them).
pub fn resolve_functions<'a>(
    art: &Artifact<'a>,
    mut lookup: impl FnMut(&str, &str, &[u8], &[u8]) -> Lookup,
    out: &mut [usize],
) -> Result<(), LinkError<'a>> {
    if art.imports().len() > out.len() {
        return Err(LinkError::TooMany);
    }
    for (i, imp) in art.imports().iter().enumerate() {
        if imp.kind != IMPORT_FUNC {
            continue;
        }
        let module = art.string(imp.module).unwrap_or("");
        let name = art.string(imp.name).unwrap_or("");
        let ty = art
            .types()
            .get(imp.desc as usize)
            .ok_or(LinkError::Signature { module, name })?;
        let (params, results) = art.signature(ty);
        out[i] = match lookup(module, name, params, results) {
            Lookup::Found(addr) => addr,
            Lookup::Unknown => return Err(LinkError::Unknown { module, name }),
            Lookup::Signature => return Err(LinkError::Signature { module, name }),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::artifact::{VAL_I32, VAL_I64};

    #[test]
    fn lookup_matches_name_and_signature() {
        let f = HostFn {
            module: "env",
            name: "t",
            params: &[],
            results: &[VAL_I64],
            addr: 7,
        };
        assert_eq!(
            f.lookup("env", "t", &[], &[VAL_I64]),
            Some(Lookup::Found(7))
        );
        assert_eq!(
            f.lookup("env", "t", &[], &[VAL_I32]),
            Some(Lookup::Signature)
        );
        assert_eq!(f.lookup("env", "u", &[], &[VAL_I64]), None);
        assert_eq!(f.lookup("x", "t", &[], &[VAL_I64]), None);
    }
}
