//! The semantics of memory and table instructions that run as helpers (`memory.grow`,
//! `memory.fill/copy/init`, `table.copy/init`), and of instantiation's segment copies, on plain
//! slices. Both the kernel and the userspace executor call these; they return a trap code on
//! failure and change nothing then.

use super::hooks::trap::{TRAP_MEMORY_OUT_OF_BOUNDS, TRAP_TABLE_OUT_OF_BOUNDS};
use super::hooks::vmctx::TableEntry;

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

#[cfg(test)]
mod tests {
    use super::*;

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
