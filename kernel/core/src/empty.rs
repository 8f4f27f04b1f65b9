//! Where `vmctx.memory_base` and `vmctx.table_base` point while the memory or table is empty.
//!
//! On a bounds check's failing path the generated code clamps the access to an address inside
//! the memory (for a huge static offset: its base) or the table (entry 0), and a mispredicted
//! path reads there before the trap (`compiler/src/bounds.rs`). An empty memory or table has no
//! such address: an empty vec's buffer pointer dangles, and a reserved one's bytes are not
//! initialized. So while empty, the base is this area instead: zeros, as wide as the widest
//! access (8 bytes) and a whole table entry (32), in read-only data that belongs to no
//! instance. Nothing writes it: every access to an empty memory or table traps before it
//! happens, and a mispredicted store never retires.

use super::hooks::vmctx::TableEntry;

/// How many zero bytes [`base_or_empty`] guarantees at the base.
pub const EMPTY_BYTES: usize = 64;

#[repr(C, align(64))]
struct Zeros([u8; EMPTY_BYTES]);

static ZEROS: Zeros = Zeros([0; EMPTY_BYTES]);

const _: () = assert!(EMPTY_BYTES >= 8 && EMPTY_BYTES >= core::mem::size_of::<TableEntry>());

/// The base to publish for a memory of `len` bytes, or a table of `len` entries, whose
/// buffer is at `base`.
pub(crate) fn base_or_empty(base: u64, len: u64) -> u64 {
    if len == 0 {
        core::ptr::addr_of!(ZEROS) as u64
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_buffer_gets_the_zeros_and_others_keep_theirs() {
        let zeros = base_or_empty(1, 0);
        assert_ne!(zeros, 1);
        // SAFETY: `ZEROS` is a static of `EMPTY_BYTES` bytes.
        let bytes = unsafe { core::slice::from_raw_parts(zeros as *const u8, EMPTY_BYTES) };
        assert!(bytes.iter().all(|&b| b == 0));
        assert_eq!(base_or_empty(0x1000, 1), 0x1000);
    }
}
