//! Fuel: what bounds a run in fuel mode. The generated code charges one unit per wasm operator
//! it runs and the bulk helpers charge by length (`kcore::bulk`); see `vmctx.rs` for `fuel` and
//! `fuel_reserve`.

/// Fuel a loop iteration costs beyond its operators (the back edge and the check at the
/// header): a loop of one `br` runs ~0.55 ns an iteration, as long as one of 5 operators.
pub const FUEL_PER_LOOP_ITERATION: u32 = 4;
/// Fuel a call costs beyond its operators (call, prologue with the stack check, return):
/// measured ~2 ns more per call than the same loop without it.
pub const FUEL_PER_CALL: u32 = 16;

/// Fuel units one second of native CPU runs, about. Measured with
/// `cargo run --release -p kwasm --example fuel_calibration` (userspace executor, AMD EPYC,
/// 2 vCPUs shared with other work, best of 5 runs; units per second):
///
/// ```text
/// runaway loop (`loop br`)        9.0 G
/// tight loop (counter, 7 ops)    19.4 G
/// arithmetic (i64 xorshift)      18.4 G
/// memory loads/stores            10.0 G
/// calls                          11.7 G
/// 64 MiB memory.fill + copy       8.7 G
/// ```
///
/// (median 11.7 G; the same programs measured 6-16 G before loop iterations and calls had a
/// price of their own, and varied by up to 2x between runs on this loaded machine). Rounded
/// down toward the slow programs, so that a budget of one second never runs much longer.
/// The kernel's numbers may differ (return thunks, retpolines, a VM).
pub const FUEL_PER_SECOND: u64 = 10_000_000_000;

/// Fuel for a run when the caller gives none: about one second.
pub const DEFAULT_RUN_FUEL: u64 = FUEL_PER_SECOND;

/// The most fuel a run may be given: about ten seconds.
pub const MAX_RUN_FUEL: u64 = 10 * FUEL_PER_SECOND;

/// The most fuel one refill moves from `VmCtx::fuel_reserve` into `VmCtx::fuel`: between two
/// calls of `HELPER_FUEL_EXHAUSTED` a run gets at most about this much (a time slice, ~10 ms).
pub const FUEL_SLICE: i64 = (FUEL_PER_SECOND / 100) as i64;
