//! The reference: the wasmi interpreter, with the features kwasm compiles.

use crate::outcome::{Call, Engine, Failure, TrapKind, Value};
use wasmi::{Config, Linker, Module, Store, TrapCode, Val, F32, F64};

pub struct Wasmi {
    store: Store<()>,
    instance: wasmi::Instance,
}

fn config() -> Config {
    let mut c = Config::default();
    c.consume_fuel(true)
        .wasm_mutable_global(true)
        .wasm_sign_extension(true)
        .wasm_saturating_float_to_int(true)
        .wasm_multi_value(true)
        .wasm_bulk_memory(true)
        .wasm_multi_memory(false)
        .wasm_reference_types(false)
        .wasm_tail_call(false)
        .wasm_extended_const(false)
        .wasm_custom_page_sizes(false)
        .wasm_wide_arithmetic(false);
    c
}

impl Engine for Wasmi {
    fn instantiate(wasm: &[u8], fuel: u64) -> Result<Self, Failure> {
        let engine = wasmi::Engine::new(&config());
        let module = Module::new(&engine, wasm).map_err(|e| Failure::Error(e.to_string()))?;
        let mut store = Store::new(&engine, ());
        store.set_fuel(fuel).expect("fuel metering is on");
        let instance = Linker::<()>::new(&engine)
            .instantiate_and_start(&mut store, &module)
            .map_err(instantiation_failure)?;
        Ok(Wasmi { store, instance })
    }

    fn call(&mut self, name: &str, args: &[Value], results: usize, fuel: u64) -> Call {
        self.store.set_fuel(fuel).expect("fuel metering is on");
        let func = self
            .instance
            .get_func(&self.store, name)
            .unwrap_or_else(|| panic!("wasmi: no exported function {name}"));
        let args: Vec<Val> = args.iter().map(|&v| to_val(v)).collect();
        let mut out = vec![Val::I32(0); results];
        match func.call(&mut self.store, &args, &mut out) {
            Ok(()) => Call::Returned(out.into_iter().map(from_val).collect()),
            Err(e) => match trap_kind(&e) {
                Some(kind) => Call::Trapped(kind),
                None => panic!("wasmi: calling {name:?}: {e}"),
            },
        }
    }

    fn memory(&mut self, export: &str) -> Vec<u8> {
        let memory = self.instance.get_memory(&self.store, export);
        memory.map_or_else(Vec::new, |m| m.data(&self.store).to_vec())
    }

    fn global(&mut self, name: &str) -> Option<Value> {
        let global = self.instance.get_global(&self.store, name)?;
        Some(from_val(global.get(&self.store)))
    }
}

fn instantiation_failure(e: wasmi::Error) -> Failure {
    match trap_kind(&e) {
        Some(kind) => Failure::Trap(kind),
        None => Failure::Error(e.to_string()),
    }
}

/// The trap an error stands for: a trap code, or one of the errors wasmi reports where the
/// spec traps (bulk operations and active segments out of bounds).
fn trap_kind(e: &wasmi::Error) -> Option<TrapKind> {
    use wasmi::errors::{ErrorKind, InstantiationError, MemoryError, TableError};
    Some(match e.kind() {
        ErrorKind::TrapCode(code) => kind(*code),
        ErrorKind::Instantiation(InstantiationError::ElementSegmentDoesNotFit { .. }) => {
            TrapKind::TableOutOfBounds
        }
        ErrorKind::Memory(MemoryError::OutOfBoundsAccess) => TrapKind::MemoryOutOfBounds,
        ErrorKind::Memory(MemoryError::OutOfFuel { .. }) => TrapKind::OutOfFuel,
        ErrorKind::Table(TableError::OutOfFuel { .. }) => TrapKind::OutOfFuel,
        ErrorKind::Table(
            TableError::InitOutOfBounds
            | TableError::FillOutOfBounds
            | TableError::SetOutOfBounds
            | TableError::CopyOutOfBounds,
        ) => TrapKind::TableOutOfBounds,
        _ => return None,
    })
}

fn to_val(v: Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(bits) => Val::F32(F32::from_bits(bits)),
        Value::F64(bits) => Val::F64(F64::from_bits(bits)),
    }
}

fn from_val(v: Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(x),
        Val::I64(x) => Value::I64(x),
        Val::F32(f) => Value::F32(f.to_bits()),
        Val::F64(f) => Value::F64(f.to_bits()),
        other => panic!("wasmi: unexpected value {other:?}"),
    }
}

fn kind(code: TrapCode) -> TrapKind {
    match code {
        TrapCode::UnreachableCodeReached => TrapKind::Unreachable,
        TrapCode::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds => TrapKind::TableOutOfBounds,
        TrapCode::IndirectCallToNull => TrapKind::IndirectCallNull,
        TrapCode::BadSignature => TrapKind::IndirectCallType,
        TrapCode::IntegerDivisionByZero => TrapKind::DivideByZero,
        TrapCode::IntegerOverflow => TrapKind::IntegerOverflow,
        TrapCode::BadConversionToInteger => TrapKind::InvalidConversion,
        TrapCode::StackOverflow => TrapKind::StackExhausted,
        TrapCode::OutOfFuel => TrapKind::OutOfFuel,
        other => TrapKind::Other(1000 + u32::from(u8::from(other))),
    }
}
