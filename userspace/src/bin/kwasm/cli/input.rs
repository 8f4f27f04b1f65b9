//! Reading a program file and telling what it is by its first bytes, not its name.

use super::Result;
use std::path::Path;

/// A program file's contents.
#[derive(Debug, PartialEq, Eq)]
pub enum Input {
    /// A WebAssembly module (`\0asm`): what the kernel loads.
    Wasm(Vec<u8>),
    /// A kwasm artifact (`KWSM`, from `kwasm compile`): only the userspace executor runs it.
    Artifact(Vec<u8>),
}

impl Input {
    pub fn read(path: &Path) -> Result<Input> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Input::classify(bytes).map_err(|e| format!("{}: {e}", path.display()).into())
    }

    pub fn classify(bytes: Vec<u8>) -> std::result::Result<Input, &'static str> {
        if bytes.starts_with(b"\0asm") {
            Ok(Input::Wasm(bytes))
        } else if bytes.starts_with(&kwasm::hooks::artifact::MAGIC) {
            Ok(Input::Artifact(bytes))
        } else {
            Err("neither a WebAssembly module (\\0asm) nor a kwasm artifact (KWSM)")
        }
    }

    /// The WebAssembly module, or why the kernel cannot load this.
    pub fn into_wasm(self, path: &Path) -> Result<Vec<u8>> {
        match self {
            Input::Wasm(bytes) => Ok(bytes),
            // There is no way to hand the kernel machine code: it compiles every program.
            Input::Artifact(_) => Err(format!(
                "{}: a compiled kwasm artifact, not a .wasm module (the kernel loads WebAssembly \
                 only; run artifacts with --userspace)",
                path.display()
            )
            .into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_magic() {
        assert!(matches!(
            Input::classify(b"\0asm\x01\0\0\0".to_vec()),
            Ok(Input::Wasm(_))
        ));
        assert!(matches!(
            Input::classify(b"KWSMjunk".to_vec()),
            Ok(Input::Artifact(_))
        ));
        let err = Input::classify(b"(module)".to_vec()).unwrap_err();
        assert!(err.contains("neither"), "{err}");
        let err = Input::Artifact(vec![])
            .into_wasm(Path::new("p.kwo"))
            .unwrap_err();
        assert!(err.to_string().contains("WebAssembly only"), "{err}");
    }
}
