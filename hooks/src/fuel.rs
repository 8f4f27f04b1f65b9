//! Fuel: what bounds a run in fuel mode. The generated code charges one unit per wasm operator
//! it runs and the bulk helpers charge by length (`kcore::bulk`); see `vmctx.rs` for `fuel` and
//! `fuel_reserve`.

/// The most fuel one refill moves from `VmCtx::fuel_reserve` into `VmCtx::fuel`: between two
/// calls of `HELPER_FUEL_EXHAUSTED` a run gets at most about this much (a time slice).
pub const FUEL_SLICE: i64 = 10_000_000;
