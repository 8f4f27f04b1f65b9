//! A large real module for the compute benchmark's compile-speed measurement (`cargo xtask
//! bench compute` builds it for wasm32; nothing runs it): the wasmi WebAssembly interpreter,
//! whole — parser, validator, translator, executor — kept alive by one export that runs a
//! module's `run(n)`.
#![no_std]

extern crate alloc;

#[cfg(target_arch = "wasm32")]
#[path = "../../../examples/guests/algos-rs/src/wasm_runtime.rs"]
mod wasm_runtime;

/// Runs `run(n)` of the module in `wasm`: its result, or `u32::MAX` if anything fails.
pub fn interpret(wasm: &[u8], n: u32) -> u32 {
    let engine = wasmi::Engine::default();
    let Ok(module) = wasmi::Module::new(&engine, wasm) else {
        return u32::MAX;
    };
    let mut store = wasmi::Store::new(&engine, ());
    let linker = wasmi::Linker::<()>::new(&engine);
    let Ok(instance) = linker.instantiate_and_start(&mut store, &module) else {
        return u32::MAX;
    };
    let Ok(run) = instance.get_typed_func::<u32, u32>(&store, "run") else {
        return u32::MAX;
    };
    run.call(&mut store, n).unwrap_or(u32::MAX)
}

/// A buffer of `len` bytes for the module the caller writes into it.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn buffer(len: usize) -> *mut u8 {
    let v = alloc::vec![0u8; len];
    v.leak().as_mut_ptr()
}

/// `interpret` on the `len` bytes at `ptr` (from `buffer`).
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn run(ptr: *const u8, len: usize, n: u32) -> u32 {
    // SAFETY: the caller wrote `len` bytes at `ptr`, a buffer from `buffer`.
    interpret(unsafe { core::slice::from_raw_parts(ptr, len) }, n)
}
