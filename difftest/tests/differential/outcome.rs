//! What running a module gives, in terms common to both engines.

pub use kwasm::executor::Value;

/// Why a run stopped, where the two engines' codes map onto each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallNull,
    IndirectCallType,
    DivideByZero,
    IntegerOverflow,
    InvalidConversion,
    /// Call depths differ between engines: never compared.
    StackExhausted,
    /// Fuel is counted differently: never compared.
    OutOfFuel,
    /// An engine-specific code.
    Other(u32),
}

impl TrapKind {
    /// A trap after which the engines' states may differ for reasons that are no bug.
    pub fn is_resource_limit(self) -> bool {
        matches!(self, TrapKind::StackExhausted | TrapKind::OutOfFuel)
    }
}

/// One call of an exported function.
#[derive(Clone, Debug, PartialEq)]
pub enum Call {
    Returned(Vec<Value>),
    Trapped(TrapKind),
}

/// Why a module could not be instantiated.
#[derive(Clone, Debug)]
pub enum Failure {
    /// Instantiation trapped (an active segment out of bounds).
    Trap(TrapKind),
    /// Compile or link error.
    Error(String),
}

/// An engine running one module instance.
pub trait Engine: Sized {
    fn instantiate(wasm: &[u8], fuel: u64) -> Result<Self, Failure>;
    fn call(&mut self, name: &str, args: &[Value], results: usize, fuel: u64) -> Call;
    /// The bytes of the linear memory, exported as `export` (the module's only memory).
    fn memory(&mut self, export: &str) -> Vec<u8>;
    fn global(&mut self, name: &str) -> Option<Value>;
}
