//! kwasm-compiler: turns a `.wasm` module into a kwasm artifact.
//!
//! Not written yet (issue 3); the crate exists so the workspace has its final shape.
