//! The spec-suite runner: executes `.wast` scripts (assert_return, assert_trap, assert_invalid,
//! assert_malformed, assert_exhaustion, assert_unlinkable, register) through the kwasm compiler
//! and a [`Backend`] that installs and runs the artifacts.

mod backend;
mod kernel_backend;
mod script;
mod spectest;
mod suite;

pub use backend::{Backend, UserspaceBackend};
pub use kernel_backend::KernelBackend;
pub use script::{run_file, FileReport};
pub use suite::{check_expected, run_suite, V2_OUT_OF_SCOPE};
