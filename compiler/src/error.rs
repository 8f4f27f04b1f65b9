//! Compile errors: what was wrong, in which function, at which byte of the module.

use alloc::string::{String, ToString};
use core::fmt;

/// What kind of refusal an error is: the kernel answers them with different errnos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorKind {
    /// Malformed, invalid, or using what kwasm does not support.
    #[default]
    Invalid,
    /// The generated code would exceed `Options::max_code_bytes`.
    CodeBudget,
    /// The code buffer could not grow.
    OutOfMemory,
}

/// Why a module could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub kind: ErrorKind,
    /// Index of the function being compiled (in the function index space), if any.
    pub func: Option<u32>,
    /// Byte offset in the module.
    pub offset: u64,
    pub message: String,
}

impl CompileError {
    pub fn new(offset: u64, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Invalid,
            func: None,
            offset,
            message: message.into(),
        }
    }

    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    pub fn in_func(mut self, func: u32) -> Self {
        self.func.get_or_insert(func);
        self
    }
}

impl From<wasmparser::BinaryReaderError> for CompileError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        Self::new(e.offset(), e.message().to_string())
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.func {
            Some(func) => write!(
                f,
                "function {func}, byte offset {:#x}: {}",
                self.offset, self.message
            ),
            None => write!(f, "byte offset {:#x}: {}", self.offset, self.message),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CompileError {}

pub type Result<T> = core::result::Result<T, CompileError>;
