//! The ring buffer map's shared layout: userspace maps it (`mmap` of the map fd) and reads
//! records without a copy per record or a syscall per record; `poll`/epoll on the fd wakes a
//! reader when records arrive.
//!
//! Mapping (page offsets of the fd): page 0 holds the consumer position (the only page userspace
//! may map writable), page 1 the producer position and the drop count, and from page 2 the data
//! area of `max_entries` bytes (a power of two). Positions are byte counts that only grow; a
//! record is at `pos & (size - 1)`. A record is an 8-byte header ([`RECORD_HEADER`]: length,
//! flags) and its bytes, padded to 8. Records never wrap: when one does not fit before the end,
//! the producer writes a [`FLAG_PAD`] record to the end and starts again at offset 0. The
//! producer writes the record, then publishes the producer position (release); the consumer
//! reads up to it (acquire), then stores its new position (release). A record that does not
//! fit in the free space is dropped and counted; the producer never waits.

/// Page offsets (in units of the page size) of the three parts.
pub const CONSUMER_PAGE: u64 = 0;
pub const PRODUCER_PAGE: u64 = 1;
pub const DATA_PAGE: u64 = 2;

/// Byte offsets inside the producer page.
pub const PRODUCER_POS_OFFSET: usize = 0;
pub const DROPPED_OFFSET: usize = 8;

/// Bytes of a record's header: `len: u32` (of the data) then `flags: u32`.
pub const RECORD_HEADER: u32 = 8;
/// The record only fills the space to the end of the data area; skip it.
pub const FLAG_PAD: u32 = 1;

/// Most bytes of one record's data (a quarter of the smallest buffer).
pub const RECORD_MAX: u32 = 1024;

/// Space a record of `len` data bytes takes: header and data, rounded up to 8.
pub const fn record_space(len: u32) -> u32 {
    (RECORD_HEADER + len + 7) & !7
}
