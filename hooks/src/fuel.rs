//! Fuel: what bounds a run in fuel mode. The generated code charges one unit per wasm operator
//! it runs, more for the operators that do more (below: calls, loop iterations, `br_table`,
//! zeroing locals, moving branch values, host and helper calls), and the bulk helpers charge
//! by length (`kcore::bulk`); see `vmctx.rs` for `fuel` and `fuel_reserve`.

/// Fuel a loop iteration costs beyond its operators (the back edge and the check at the
/// header): a loop of one `br` runs ~0.55 ns an iteration, as long as one of 5 operators.
pub const FUEL_PER_LOOP_ITERATION: u32 = 4;
/// Fuel a call costs beyond its operators (call, prologue with the stack check, return):
/// measured ~2 ns more per call than the same loop without it.
pub const FUEL_PER_CALL: u32 = 16;

// What some operators do beyond one operator's work, priced where they run. Measured with
// `cargo run --release -p kwasm --example fuel_calibration -- --work` (userspace executor, the
// machine below, best of 5, beyond the same loop without the work; 1 unit = 0.1 ns), two runs:
//
// ```text
// br_table, compare chain (before), per case     0.14-0.20 ns    1.4-2.0 units
// br_table, binary search, per level:
//   index above all cases (predicted)           0.06-0.11 ns    0.6-1.1
//   random index (half the levels mispredicted) 2.7-3.2 ns      27-32
// br_if on a random condition, for comparison   2.8-3.9 ns      28-39
// zeroing locals, per local:  8 (stores)        0.06-0.11 ns    0.6-1.1
//                             9, 32 (rep stos)  0.42, 0.31 ns   (3.8 ns, 10 ns a call)
//                             100, 1000, 50000  0.12, 0.07, 0.07-0.09 ns
// a value a branch moves (1000 a branch)        0.19-0.20 ns    1.9-2.0
// host call (a Rust closure doing nothing)      5.3-6.2 ns      53-62
// helper: data.drop                             3.0-3.7 ns      30-37
//         memory.grow by 0                      7.0-9.1 ns      70-91
//         memory.fill of nothing                7.6-9.5 ns      76-95
// ```
//
// Mispredicted branches are not priced, here as anywhere (a `br_if` costs 1 unit): a run of
// unpredictable branches spends ~30 times its fuel's time, as cache misses can; nothing
// multiplies that by the size of an operator any more.

/// Fuel per level of a `br_table`'s binary search over its cases (a compare and a jump;
/// rounded up from the predicted case, which also pays for the final jump).
pub const FUEL_PER_BR_TABLE_LEVEL: u32 = 2;
/// Fuel per non-parameter local the prologue zeroes (8 bytes each).
pub const FUEL_PER_ZEROED_LOCAL: u32 = 1;
/// Fuel for starting the bulk zeroing (`rep stosq`) of more than 8 locals: 9 locals take
/// ~3.8 ns a call, 32 ~10 ns, 100 ~13 ns.
pub const FUEL_PER_BULK_ZEROING: u32 = 64;
/// Fuel per value a branch or a return copies into place (a load and a store), and per
/// argument and result of a host or helper call.
pub const FUEL_PER_VALUE_MOVED: u32 = 2;
/// Fuel a call to a host function or a runtime helper costs beyond its operators and its
/// values (the calls out and back, the dispatch, the helper's own checks), and a
/// `call_indirect` into another instance beyond the call itself. Bulk helpers charge their
/// length on top (`kcore::bulk`). Rounded up from the slowest measured (95); the kernel's host
/// calls also pass a retpoline and the provider's dispatch.
pub const FUEL_PER_HOST_CALL: u32 = 100;

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
