//! The spec-suite runner: executes `.wast` scripts (assert_return, assert_trap, assert_invalid,
//! assert_malformed, assert_exhaustion, assert_unlinkable, register) through the kwasm compiler
//! and a [`Backend`] that installs and runs the artifacts.

mod backend;
mod script;
mod spectest;

pub use backend::{Backend, UserspaceBackend};
pub use script::{run_file, FileReport};
