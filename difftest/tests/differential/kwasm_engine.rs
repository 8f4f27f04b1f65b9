//! kwasm: the compiler's artifact run by the userspace executor.

use crate::outcome::{Call, Engine, Failure, TrapKind, Value};
use kwasm::executor::{Imports, Instance, InstantiateError, InvokeError};
use kwasm::hooks::trap as t;

pub struct Kwasm {
    instance: Instance,
}

impl Engine for Kwasm {
    fn instantiate(wasm: &[u8], fuel: u64) -> Result<Self, Failure> {
        let artifact = kwasm_compiler::compile(wasm, &Default::default())
            .map_err(|e| Failure::Error(format!("compile: {e}")))?;
        let mut instance = match Instance::new(&artifact, &Imports::default()) {
            Ok(i) => i,
            Err(InstantiateError::Trap(trap)) => return Err(Failure::Trap(kind(trap.0))),
            Err(e) => return Err(Failure::Error(e.to_string())),
        };
        instance.set_fuel(fuel as i64);
        Ok(Kwasm { instance })
    }

    fn call(&mut self, name: &str, args: &[Value], _results: usize, fuel: u64) -> Call {
        self.instance.set_fuel(fuel as i64);
        match self.instance.invoke(name, args) {
            Ok(values) => Call::Returned(values),
            Err(InvokeError::Trap(trap)) => Call::Trapped(kind(trap.0)),
            Err(e) => panic!("kwasm: invoking {name}: {e}"),
        }
    }

    fn memory(&mut self, _export: &str) -> Vec<u8> {
        self.instance.memory()
    }

    fn global(&mut self, name: &str) -> Option<Value> {
        self.instance.global(name)
    }
}

fn kind(code: u32) -> TrapKind {
    match code {
        t::TRAP_UNREACHABLE => TrapKind::Unreachable,
        t::TRAP_MEMORY_OUT_OF_BOUNDS => TrapKind::MemoryOutOfBounds,
        t::TRAP_TABLE_OUT_OF_BOUNDS => TrapKind::TableOutOfBounds,
        t::TRAP_INDIRECT_CALL_NULL => TrapKind::IndirectCallNull,
        t::TRAP_INDIRECT_CALL_TYPE => TrapKind::IndirectCallType,
        t::TRAP_INTEGER_DIVIDE_BY_ZERO => TrapKind::DivideByZero,
        t::TRAP_INTEGER_OVERFLOW => TrapKind::IntegerOverflow,
        t::TRAP_INVALID_CONVERSION => TrapKind::InvalidConversion,
        t::TRAP_STACK_EXHAUSTED => TrapKind::StackExhausted,
        t::TRAP_OUT_OF_FUEL => TrapKind::OutOfFuel,
        other => TrapKind::Other(other),
    }
}
