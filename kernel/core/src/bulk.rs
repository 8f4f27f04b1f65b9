//! The semantics of memory and table instructions that run as helpers (`memory.grow`,
//! `memory.fill/copy/init`, `table.copy/init`), and of instantiation's segment copies, on plain
//! slices. Both the kernel and the userspace executor call these; they return a trap code on
//! failure and change nothing then.
//!
//! The runtime helpers call the `*_charged` versions, which also charge the run's fuel in
//! proportion to the length (after the bounds checks, before doing anything): a bulk operation
//! costs about what the same time of wasm code would. Instantiation's segment copies are not
//! charged.

use super::fuel::Pay;
use super::hooks::trap::{TRAP_MEMORY_OUT_OF_BOUNDS, TRAP_TABLE_OUT_OF_BOUNDS};
use super::hooks::vmctx::{TableEntry, PAGE_SIZE};

// Fuel prices. One fuel unit is meant to cost about the time of one simple wasm operator run
// natively. Measured with `cargo run --release -p kwasm --example fuel_calibration` (userspace
// executor, AMD EPYC, 2 vCPUs, best of 5): a tight loop runs 6.2-7.8 G operators/s (so ~7 G
// fuel/s); `memory.fill` of 64 MiB 21.4-21.8 GB/s (of 4 KiB, in cache, 69-93 GB/s);
// `memory.copy` of 64 MiB 7.3-8.7 GB/s (4 KiB: 58-62 GB/s); `memory.grow` by 64 MiB from 0
// (allocating and zeroing fresh pages) 1.6-1.9 GB/s; `table.copy` 1.4 G entries/s;
// `table.init` 0.64 G entries/s. Prices follow the slow (out-of-cache) rates, rounded up, so
// that bulk work never burns fuel slower than code does: 7 / 21.6 = 0.32 units per filled
// byte, 7 / 7.3 = 0.96 per copied byte, 7 / 1.6 = 4.4 per grown byte, 7 / 1.4 = 5 per copied
// entry, 7 / 0.64 = 11 per initialised entry.

/// Fuel per KiB of `memory.fill` (0.34 per byte).
pub const FILL_FUEL_PER_KIB: u64 = 352;
/// Fuel per KiB of `memory.copy` and `memory.init` (1 per byte).
pub const COPY_FUEL_PER_KIB: u64 = 1024;
/// Fuel per KiB that `memory.grow` adds (and zeroes) (4.5 per byte).
pub const GROW_FUEL_PER_KIB: u64 = 4608;
/// Fuel per entry of `table.copy`.
pub const TABLE_COPY_FUEL_PER_ENTRY: u64 = 5;
/// Fuel per entry of `table.init`.
pub const TABLE_INIT_FUEL_PER_ENTRY: u64 = 11;

/// Fuel for `bytes` bytes at `per_kib` units per KiB (rounded up; at most 2^32 · 2^13 here, no
/// overflow).
pub const fn bytes_fuel(bytes: u64, per_kib: u64) -> u64 {
    bytes.saturating_mul(per_kib).div_ceil(1024)
}

/// Charges `units` to `meter` (fuel mode) or to nobody (`None`: yield mode, whose code is not
/// metered either).
fn charge<P: Pay + ?Sized>(meter: Option<&mut P>, units: u64) -> Result<(), u32> {
    match meter {
        Some(m) => m.pay(units),
        None => Ok(()),
    }
}

/// `[start, start + len)` inside a buffer of `size`, with no overflow.
fn range(start: u32, len: u32, size: usize) -> Option<core::ops::Range<usize>> {
    let end = u64::from(start) + u64::from(len);
    (end <= size as u64).then_some(start as usize..end as usize)
}

/// New page count for `memory.grow(delta)`, or `None` (the instruction then returns -1).
pub fn grow_pages(current: u32, delta: u32, max: u32) -> Option<u32> {
    let new = current.checked_add(delta)?;
    (new <= max).then_some(new)
}

pub fn memory_fill(mem: &mut [u8], dst: u32, value: u8, len: u32) -> Result<(), u32> {
    let r = range(dst, len, mem.len()).ok_or(TRAP_MEMORY_OUT_OF_BOUNDS)?;
    mem[r].fill(value);
    Ok(())
}

pub fn memory_copy(mem: &mut [u8], dst: u32, src: u32, len: u32) -> Result<(), u32> {
    let d = range(dst, len, mem.len()).ok_or(TRAP_MEMORY_OUT_OF_BOUNDS)?;
    let s = range(src, len, mem.len()).ok_or(TRAP_MEMORY_OUT_OF_BOUNDS)?;
    mem.copy_within(s, d.start);
    Ok(())
}

/// `memory.init` and active data segments: copy `data[src..src+len]` to `mem[dst..]`.
pub fn memory_init(mem: &mut [u8], data: &[u8], dst: u32, src: u32, len: u32) -> Result<(), u32> {
    let d = range(dst, len, mem.len()).ok_or(TRAP_MEMORY_OUT_OF_BOUNDS)?;
    let s = range(src, len, data.len()).ok_or(TRAP_MEMORY_OUT_OF_BOUNDS)?;
    mem[d].copy_from_slice(&data[s]);
    Ok(())
}

pub fn table_copy(table: &mut [TableEntry], dst: u32, src: u32, len: u32) -> Result<(), u32> {
    let d = range(dst, len, table.len()).ok_or(TRAP_TABLE_OUT_OF_BOUNDS)?;
    let s = range(src, len, table.len()).ok_or(TRAP_TABLE_OUT_OF_BOUNDS)?;
    table.copy_within(s, d.start);
    Ok(())
}

/// `table.init` and active elem segments: `entry(i)` gives the table entry for element `i`
/// of the segment, which has `seg_len` elements.
pub fn table_init(
    table: &mut [TableEntry],
    seg_len: u32,
    dst: u32,
    src: u32,
    len: u32,
    mut entry: impl FnMut(u32) -> TableEntry,
) -> Result<(), u32> {
    let d = range(dst, len, table.len()).ok_or(TRAP_TABLE_OUT_OF_BOUNDS)?;
    range(src, len, seg_len as usize).ok_or(TRAP_TABLE_OUT_OF_BOUNDS)?;
    for (i, slot) in table[d].iter_mut().enumerate() {
        *slot = entry(src + i as u32);
    }
    Ok(())
}

/// `memory.fill` as the helper runs it: bounds, then fuel ([`FILL_FUEL_PER_KIB`]), then the
/// fill. `meter` is the running vmctx in fuel mode, `None` in yield mode.
pub fn memory_fill_charged<P: Pay + ?Sized>(
    meter: Option<&mut P>,
    mem: &mut [u8],
    dst: u32,
    value: u8,
    len: u32,
) -> Result<(), u32> {
    range(dst, len, mem.len()).ok_or(TRAP_MEMORY_OUT_OF_BOUNDS)?;
    charge(meter, bytes_fuel(u64::from(len), FILL_FUEL_PER_KIB))?;
    memory_fill(mem, dst, value, len)
}

/// `memory.copy` as the helper runs it (see [`memory_fill_charged`]).
pub fn memory_copy_charged<P: Pay + ?Sized>(
    meter: Option<&mut P>,
    mem: &mut [u8],
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), u32> {
    range(dst, len, mem.len()).ok_or(TRAP_MEMORY_OUT_OF_BOUNDS)?;
    range(src, len, mem.len()).ok_or(TRAP_MEMORY_OUT_OF_BOUNDS)?;
    charge(meter, bytes_fuel(u64::from(len), COPY_FUEL_PER_KIB))?;
    memory_copy(mem, dst, src, len)
}

/// `memory.init` as the helper runs it (see [`memory_fill_charged`]).
pub fn memory_init_charged<P: Pay + ?Sized>(
    meter: Option<&mut P>,
    mem: &mut [u8],
    data: &[u8],
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), u32> {
    range(dst, len, mem.len()).ok_or(TRAP_MEMORY_OUT_OF_BOUNDS)?;
    range(src, len, data.len()).ok_or(TRAP_MEMORY_OUT_OF_BOUNDS)?;
    charge(meter, bytes_fuel(u64::from(len), COPY_FUEL_PER_KIB))?;
    memory_init(mem, data, dst, src, len)
}

/// `table.copy` as the helper runs it (see [`memory_fill_charged`]).
pub fn table_copy_charged<P: Pay + ?Sized>(
    meter: Option<&mut P>,
    table: &mut [TableEntry],
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), u32> {
    range(dst, len, table.len()).ok_or(TRAP_TABLE_OUT_OF_BOUNDS)?;
    range(src, len, table.len()).ok_or(TRAP_TABLE_OUT_OF_BOUNDS)?;
    charge(meter, u64::from(len) * TABLE_COPY_FUEL_PER_ENTRY)?;
    table_copy(table, dst, src, len)
}

/// `table.init` as the helper runs it (see [`memory_fill_charged`] and [`table_init`]).
pub fn table_init_charged<P: Pay + ?Sized>(
    meter: Option<&mut P>,
    table: &mut [TableEntry],
    seg_len: u32,
    dst: u32,
    src: u32,
    len: u32,
    entry: impl FnMut(u32) -> TableEntry,
) -> Result<(), u32> {
    range(dst, len, table.len()).ok_or(TRAP_TABLE_OUT_OF_BOUNDS)?;
    range(src, len, seg_len as usize).ok_or(TRAP_TABLE_OUT_OF_BOUNDS)?;
    charge(meter, u64::from(len) * TABLE_INIT_FUEL_PER_ENTRY)?;
    table_init(table, seg_len, dst, src, len, entry)
}

/// `memory.grow(delta)` from `current` pages (maximum `max`) as the helper runs it: when the
/// grow would succeed, charges the bytes it adds and zeroes ([`GROW_FUEL_PER_KIB`]); call it
/// before growing (a failing grow does no work and costs nothing here).
pub fn memory_grow_charge<P: Pay + ?Sized>(
    meter: Option<&mut P>,
    current: u32,
    delta: u32,
    max: u32,
) -> Result<(), u32> {
    match grow_pages(current, delta, max) {
        Some(new) => charge(
            meter,
            bytes_fuel(u64::from(new - current) * PAGE_SIZE, GROW_FUEL_PER_KIB),
        ),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::vmctx::VmCtx;

    #[test]
    fn memory_ops_check_bounds_and_change_nothing_on_failure() {
        let mut mem = [0u8; 16];
        memory_fill(&mut mem, 4, 7, 4).unwrap();
        assert_eq!(mem[3..9], [0, 7, 7, 7, 7, 0]);
        assert_eq!(
            memory_fill(&mut mem, 14, 1, 3),
            Err(TRAP_MEMORY_OUT_OF_BOUNDS)
        );
        assert_eq!(
            memory_fill(&mut mem, u32::MAX, 1, 2),
            Err(TRAP_MEMORY_OUT_OF_BOUNDS)
        );
        assert!(
            memory_fill(&mut mem, 16, 1, 0).is_ok(),
            "zero length at the end is fine"
        );
        assert_eq!(
            memory_fill(&mut mem, 17, 1, 0),
            Err(TRAP_MEMORY_OUT_OF_BOUNDS)
        );
        memory_copy(&mut mem, 5, 4, 4).unwrap(); // overlapping
        assert_eq!(mem[4..9], [7, 7, 7, 7, 7]);
        assert_eq!(
            memory_init(&mut mem, b"abc", 0, 1, 3),
            Err(TRAP_MEMORY_OUT_OF_BOUNDS)
        );
        memory_init(&mut mem, b"abc", 0, 1, 2).unwrap();
        assert_eq!(&mem[..2], b"bc");
    }

    fn vm(fuel: i64, reserve: i64) -> VmCtx {
        VmCtx {
            fuel,
            fuel_reserve: reserve,
            ..Default::default()
        }
    }

    #[test]
    fn bulk_memory_ops_charge_by_length_before_doing_anything() {
        use crate::hooks::trap::TRAP_OUT_OF_FUEL;
        let mut mem = [0u8; 4096];
        // 4096 filled bytes: 4 KiB at 352 per KiB.
        let mut v = vm(1408, 0);
        memory_fill_charged(Some(&mut v), &mut mem, 0, 1, 4096).unwrap();
        assert_eq!(v.fuel, 0);
        assert_eq!(mem[4095], 1);
        // Not enough fuel: trap, memory untouched, the fuel overdrawn (the run is over).
        let mut v = vm(1407, 0);
        assert_eq!(
            memory_fill_charged(Some(&mut v), &mut mem, 0, 2, 4096),
            Err(TRAP_OUT_OF_FUEL)
        );
        assert!(mem.iter().all(|&b| b == 1));
        // ... unless the reserve can refill it (to positive fuel).
        let mut v = vm(1407, 1);
        assert_eq!(
            memory_fill_charged(Some(&mut v), &mut mem, 0, 2, 4096),
            Err(TRAP_OUT_OF_FUEL)
        );
        let mut v = vm(1407, 2);
        memory_fill_charged(Some(&mut v), &mut mem, 0, 2, 4096).unwrap();
        assert_eq!((v.fuel, v.fuel_reserve, mem[0]), (1, 0, 2));
        // Copies and inits: one unit per byte, rounded up.
        let mut v = vm(10, 0);
        memory_copy_charged(Some(&mut v), &mut mem, 100, 0, 7).unwrap();
        memory_init_charged(Some(&mut v), &mut mem, b"abc", 0, 0, 3).unwrap();
        assert_eq!(v.fuel, 0);
        assert_eq!(&mem[..3], b"abc");
        assert_eq!(
            memory_copy_charged(Some(&mut v), &mut mem, 0, 1, 1),
            Err(TRAP_OUT_OF_FUEL)
        );
        assert_eq!(&mem[..3], b"abc", "nothing copied");
        // Zero lengths are free; yield mode (no meter) is never charged.
        let mut v = vm(0, 0);
        memory_fill_charged(Some(&mut v), &mut mem, 0, 9, 0).unwrap();
        memory_fill_charged(None::<&mut VmCtx>, &mut mem, 0, 9, 4096).unwrap();
        assert_eq!((v.fuel, mem[0]), (0, 9));
    }

    #[test]
    fn out_of_bounds_wins_over_out_of_fuel_and_costs_nothing() {
        let mut mem = [0u8; 16];
        let mut v = vm(0, 0);
        assert_eq!(
            memory_fill_charged(Some(&mut v), &mut mem, 0, 1, u32::MAX),
            Err(TRAP_MEMORY_OUT_OF_BOUNDS)
        );
        assert_eq!(
            memory_copy_charged(Some(&mut v), &mut mem, 0, 8, 9),
            Err(TRAP_MEMORY_OUT_OF_BOUNDS)
        );
        let mut t = [TableEntry::default(); 4];
        assert_eq!(
            table_copy_charged(Some(&mut v), &mut t, 0, 1, 4),
            Err(TRAP_TABLE_OUT_OF_BOUNDS)
        );
        assert_eq!(v.fuel, 0);
    }

    #[test]
    fn table_ops_and_grow_charge_per_entry_and_per_byte_added() {
        use crate::hooks::trap::TRAP_OUT_OF_FUEL;
        let mut t = [TableEntry::default(); 4];
        let mut v = vm(3 * 5 + 2 * 11, 0);
        table_copy_charged(Some(&mut v), &mut t, 0, 1, 3).unwrap();
        table_init_charged(Some(&mut v), &mut t, 2, 0, 0, 2, |_| TableEntry::default()).unwrap();
        assert_eq!(v.fuel, 0);
        assert_eq!(
            table_copy_charged(Some(&mut v), &mut t, 0, 1, 1),
            Err(TRAP_OUT_OF_FUEL)
        );
        // Growing by 2 pages adds 128 KiB: 128 × 4608 units.
        let mut v = vm(128 * 4608, 0);
        memory_grow_charge(Some(&mut v), 1, 2, 10).unwrap();
        assert_eq!(v.fuel, 0);
        // A grow that fails (past the maximum) costs nothing.
        memory_grow_charge(Some(&mut v), 1, 20, 10).unwrap();
        assert_eq!(v.fuel, 0);
        assert_eq!(
            memory_grow_charge(Some(&mut v), 1, 1, 10),
            Err(TRAP_OUT_OF_FUEL)
        );
    }

    #[test]
    fn grow_respects_max_and_overflow() {
        assert_eq!(grow_pages(1, 1, 2), Some(2));
        assert_eq!(grow_pages(1, 2, 2), None);
        assert_eq!(grow_pages(u32::MAX, 1, u32::MAX), None);
    }

    #[test]
    fn table_ops_check_bounds() {
        let e = |i: u64| TableEntry {
            code: i,
            ..Default::default()
        };
        let mut t = [e(0); 4];
        table_init(&mut t, 3, 1, 0, 3, |i| e(u64::from(i) + 10)).unwrap();
        assert_eq!(t.map(|x| x.code), [0, 10, 11, 12]);
        assert_eq!(
            table_init(&mut t, 3, 2, 0, 3, |_| e(0)),
            Err(TRAP_TABLE_OUT_OF_BOUNDS)
        );
        assert_eq!(
            table_init(&mut t, 3, 0, 2, 2, |_| e(0)),
            Err(TRAP_TABLE_OUT_OF_BOUNDS)
        );
        table_copy(&mut t, 0, 1, 3).unwrap();
        assert_eq!(t.map(|x| x.code), [10, 11, 12, 12]);
    }
}
