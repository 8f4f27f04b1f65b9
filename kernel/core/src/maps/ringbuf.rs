//! The ring buffer's producer (the kernel, under the map's lock) and consumer (userspace, over
//! its mmap of the same pages); layout and protocol in `hooks::ringbuf`.
//!
//! The two sides run in different address spaces at the same time, so neither holds a Rust
//! reference to bytes the other may write: positions are atomics, record bytes are copied with
//! raw pointer operations, and the only slice handed out is a record the consumer owns until
//! it releases it. Neither side trusts the positions or headers the other wrote beyond what
//! keeps its own accesses inside the data area.

use core::ptr;
use core::sync::atomic::{AtomicU64, Ordering};

use super::super::errno::{E2BIG, EINVAL, ENOSPC};
use super::super::hooks::ringbuf::{
    record_space, DROPPED_OFFSET, FLAG_PAD, PRODUCER_POS_OFFSET, RECORD_HEADER, RECORD_MAX,
};

const HEADER: usize = RECORD_HEADER as usize;

/// Writes records; one at a time (the caller's lock).
pub struct Producer {
    producer_page: *mut u8,
    consumer_page: *const u8,
    data: *mut u8,
    size: usize,
}

// SAFETY: the pointers name shared pages that stay valid as long as the Producer (new()'s
// contract) whatever thread owns it; all accesses are atomic or to bytes the protocol gives to
// the producer alone, so moving the owner to another thread changes nothing.
unsafe impl Send for Producer {}

impl Producer {
    /// # Safety
    /// `producer_page` and `consumer_page` point to 8-aligned pages (>= 16 bytes) and `data` to
    /// `size` bytes (a power of two), valid as long as the Producer; only one Producer at a time
    /// (the caller's lock); userspace may write the consumer position and read everything
    /// concurrently, with atomic accesses to the positions.
    pub unsafe fn new(
        producer_page: *mut u8,
        consumer_page: *const u8,
        data: *mut u8,
        size: usize,
    ) -> Producer {
        Producer {
            producer_page,
            consumer_page,
            data,
            size,
        }
    }

    /// Writes one record (`len` 1..=RECORD_MAX, else `EINVAL` / `E2BIG`); `ENOSPC` and
    /// dropped += 1 when it does not fit in the free space (never waits). A record that does
    /// not fit before the end of the data area is preceded by a `FLAG_PAD` record to the end.
    pub fn output(&mut self, bytes: &[u8]) -> Result<(), i32> {
        let space = u64::from(record_space(record_len(bytes)?));
        let prod = self.producer_pos().load(Ordering::Relaxed);
        if !size_ok(self.size) || !prod.is_multiple_of(8) {
            return Err(EINVAL);
        }
        // Acquire: the consumer's reads of what it released happen before we overwrite it.
        let cons = self.consumer_pos().load(Ordering::Acquire);
        let off = offset(prod, self.size);
        let to_end = (self.size - off) as u64;
        let pad = if space > to_end { to_end } else { 0 };
        if pad + space > free_space(prod, cons, self.size) {
            self.dropped_count().fetch_add(1, Ordering::Relaxed);
            return Err(ENOSPC);
        }
        if pad > 0 {
            // pad <= size <= u32::MAX (size_ok), and >= 8 as both are multiples of 8.
            self.write_header(off, (pad - 8) as u32, FLAG_PAD);
        }
        let at = if pad > 0 { 0 } else { off };
        self.write_record(at, bytes, space as usize);
        // Release: the record's bytes are visible before the position that publishes them.
        self.producer_pos()
            .store(prod.wrapping_add(pad + space), Ordering::Release);
        Ok(())
    }

    /// Records dropped because the buffer was full.
    pub fn dropped(&self) -> u64 {
        self.dropped_count().load(Ordering::Relaxed)
    }

    /// Header and data at `at`, zero padding after them. `at + space` is inside the data area
    /// and free (output() checked both).
    fn write_record(&mut self, at: usize, bytes: &[u8], space: usize) {
        self.write_header(at, bytes.len() as u32, 0);
        let tail = space - HEADER - bytes.len();
        // SAFETY: at + HEADER + bytes.len() + tail == at + space <= size, so every byte written
        // is in the data area; the range is free space, which the consumer does not read until
        // the producer position is published; `bytes` is our own memory, not the data area.
        unsafe {
            let dst = self.data.add(at + HEADER);
            ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len());
            ptr::write_bytes(dst.add(bytes.len()), 0, tail);
        }
    }

    /// A record header at `at` (8-aligned and below size, so `at + 8 <= size`).
    fn write_header(&mut self, at: usize, len: u32, flags: u32) {
        let header = header_bytes(len, flags);
        // SAFETY: at is a multiple of 8 below size, a multiple of 8, so the 8 bytes are in the
        // data area, in free space the consumer does not read yet.
        unsafe { ptr::copy_nonoverlapping(header.as_ptr(), self.data.add(at), HEADER) };
    }

    fn producer_pos(&self) -> &AtomicU64 {
        // SAFETY: new()'s contract: 8-aligned, valid while self lives, accessed atomically.
        unsafe { atomic_at(self.producer_page, PRODUCER_POS_OFFSET) }
    }

    fn dropped_count(&self) -> &AtomicU64 {
        // SAFETY: as producer_pos: DROPPED_OFFSET + 8 <= 16 bytes of the page.
        unsafe { atomic_at(self.producer_page, DROPPED_OFFSET) }
    }

    fn consumer_pos(&self) -> &AtomicU64 {
        // SAFETY: new()'s contract for the consumer page; userspace writes it atomically.
        unsafe { atomic_at(self.consumer_page, 0) }
    }
}

/// Reads records; one at a time (`&mut self`).
pub struct Consumer {
    consumer_page: *mut u8,
    producer_page: *const u8,
    data: *const u8,
    size: usize,
}

// SAFETY: as for Producer: valid shared pages whatever thread owns the Consumer, accessed
// atomically or (records) only while the protocol gives them to the consumer.
unsafe impl Send for Consumer {}

/// A record header the consumer has checked against the producer position and the data area.
struct Next {
    pos: u64,
    off: usize,
    len: usize,
    space: u64,
    pad: bool,
}

impl Consumer {
    /// # Safety
    /// As [`Producer::new`], from the consumer's side: the consumer page writable, `data` valid
    /// for reads of `size` bytes; only one Consumer at a time.
    pub unsafe fn new(
        consumer_page: *mut u8,
        producer_page: *const u8,
        data: *const u8,
        size: usize,
    ) -> Consumer {
        Consumer {
            consumer_page,
            producer_page,
            data,
            size,
        }
    }

    /// Calls `f` with the next record's bytes (skipping pad records), then releases it. `None`
    /// when no record is ready, or when the producer's position or a header is impossible
    /// (a length past the producer position or the data area): nothing is read then.
    pub fn next_record<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        loop {
            let next = self.peek()?;
            if next.pad {
                self.release(next.pos.wrapping_add(next.space));
                continue;
            }
            // SAFETY: peek() checked off + HEADER + len <= off + space <= size; the producer
            // writes only free space, and these bytes stay ours until release() below; the
            // slice cannot outlive `f`.
            let record =
                unsafe { core::slice::from_raw_parts(self.data.add(next.off + HEADER), next.len) };
            let result = f(record);
            self.release(next.pos.wrapping_add(next.space));
            return Some(result);
        }
    }

    /// Records the producer dropped because the buffer was full.
    pub fn dropped(&self) -> u64 {
        self.atomic(self.producer_page, DROPPED_OFFSET)
            .load(Ordering::Relaxed)
    }

    /// The header at the consumer position, if a record is ready and fits where it claims.
    fn peek(&self) -> Option<Next> {
        let pos = self.atomic(self.consumer_page, 0).load(Ordering::Relaxed);
        // Acquire: the producer's record bytes are visible once its position is.
        let prod = self
            .atomic(self.producer_page, PRODUCER_POS_OFFSET)
            .load(Ordering::Acquire);
        let ready = prod.wrapping_sub(pos);
        if !size_ok(self.size) || !pos.is_multiple_of(8) || ready == 0 || ready > self.size as u64 {
            return None;
        }
        let off = offset(pos, self.size);
        let (len, flags) = self.read_header(off);
        let space = (u64::from(len) + HEADER as u64 + 7) & !7;
        if space > ready || off as u64 + space > self.size as u64 {
            return None;
        }
        Some(Next {
            pos,
            off,
            len: len as usize,
            space,
            pad: flags & FLAG_PAD != 0,
        })
    }

    /// The header at `off` (8-aligned, below size).
    fn read_header(&self, off: usize) -> (u32, u32) {
        let mut header = [0u8; HEADER];
        // SAFETY: off is a multiple of 8 below size (a multiple of 8): in the data area; the
        // bytes are below the producer position, which the producer does not rewrite before
        // we release them.
        unsafe { ptr::copy_nonoverlapping(self.data.add(off), header.as_mut_ptr(), HEADER) };
        let [l0, l1, l2, l3, f0, f1, f2, f3] = header;
        (
            u32::from_ne_bytes([l0, l1, l2, l3]),
            u32::from_ne_bytes([f0, f1, f2, f3]),
        )
    }

    /// Hands the bytes before `pos` back to the producer.
    fn release(&mut self, pos: u64) {
        // Release: our reads of the record happen before the producer may overwrite it.
        self.atomic(self.consumer_page, 0)
            .store(pos, Ordering::Release);
    }

    fn atomic(&self, page: *const u8, offset: usize) -> &AtomicU64 {
        // SAFETY: new()'s contract: both pages 8-aligned, >= 16 bytes, valid while self
        // lives; offset is 0 or 8; the kernel accesses the words atomically.
        unsafe { atomic_at(page, offset) }
    }
}

/// The u64 at `page + offset` as an atomic.
///
/// # Safety
/// `page + offset` is 8-aligned, valid for 8 bytes as long as the returned reference, and
/// every concurrent access to it is atomic.
unsafe fn atomic_at<'a>(page: *const u8, offset: usize) -> &'a AtomicU64 {
    // SAFETY: the caller's contract; AtomicU64 has the size of u64 and alignment 8.
    unsafe { &*(page.add(offset) as *const AtomicU64) }
}

fn record_len(bytes: &[u8]) -> Result<u32, i32> {
    match bytes.len() {
        0 => Err(EINVAL),
        n if n > RECORD_MAX as usize => Err(E2BIG),
        n => Ok(n as u32),
    }
}

/// Sizes the offset arithmetic relies on: a power of two (so masking finds the offset), a
/// multiple of 8 (headers never straddle the end) and lengths that fit a header's u32.
fn size_ok(size: usize) -> bool {
    size.is_power_of_two() && size >= 8 && size <= u32::MAX as usize
}

fn offset(pos: u64, size: usize) -> usize {
    (pos & (size as u64 - 1)) as usize
}

/// Bytes the producer may write: none when the consumer position is ahead of the producer's
/// or more than the buffer behind it (only a broken consumer does that).
fn free_space(prod: u64, cons: u64, size: usize) -> u64 {
    (size as u64).saturating_sub(prod.wrapping_sub(cons))
}

fn header_bytes(len: u32, flags: u32) -> [u8; HEADER] {
    let [l0, l1, l2, l3] = len.to_ne_bytes();
    let [f0, f1, f2, f3] = flags.to_ne_bytes();
    [l0, l1, l2, l3, f0, f1, f2, f3]
}
