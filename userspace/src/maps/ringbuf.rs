//! [`RingBuf`]: records from programs, read from a shared mapping of the ring buffer and
//! awaited through the map fd's readiness (the kernel makes it readable while records are
//! pending). The record protocol is `kwasm_kcore::maps::ringbuf::Consumer`, the same code the
//! kernel's tests exercise against its producer.

use super::mmap::{page_size, Mapping};
use super::{Map, MapSpec, MapType};
use crate::Error;
use futures_core::Stream;
use kwasm_hooks::ringbuf::{CONSUMER_PAGE, DATA_PAGE, PRODUCER_PAGE};
use kwasm_kcore::maps::ringbuf::Consumer;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

/// A ring buffer map's reader: an async [`Stream`] of records, each an owned `Vec<u8>` (records
/// are at most `kwasm_hooks::ringbuf::RECORD_MAX` bytes, so a copy is cheap and frees the
/// space for the producer at once). [`RingBuf::next_record_with`] reads one in place instead.
///
/// Made inside a tokio runtime with I/O enabled. One reader per ring buffer: two would each
/// take records from the other.
///
/// ```no_run
/// # async fn f() -> Result<(), kwasm::Error> {
/// use kwasm::maps::RingBuf;
/// let prog = kwasm::Program::load("events.wasm")?;
/// let mut events = RingBuf::try_from(prog.map("events")?)?;
/// loop {
///     let record = events.recv().await?;
///     println!("{} bytes ({} dropped so far)", record.len(), events.dropped());
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct RingBuf {
    // Declared before the mappings: it points into them, so it must go first.
    consumer: ConsumerCell,
    /// Consumer page (read-write), producer page, data area (read-only).
    _parts: [Mapping; 3],
    fd: AsyncFd<PollFd>,
    map: Map,
}

/// The consumer, wrapped only for `Debug`.
struct ConsumerCell(Consumer);

impl std::fmt::Debug for ConsumerCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Consumer")
    }
}

/// The map fd as tokio's reactor watches it.
#[derive(Debug)]
struct PollFd(Arc<OwnedFd>);

impl AsRawFd for PollFd {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

impl TryFrom<Map> for RingBuf {
    type Error = Error;

    fn try_from(map: Map) -> Result<Self, Error> {
        if map.map_type() != MapType::RingBuf {
            return Err(Error::MapType {
                map: map.name().into(),
                found: map.map_type().name(),
                expected: "ringbuf",
            });
        }
        // AsyncFd panics outside a runtime; say so instead.
        tokio::runtime::Handle::try_current().map_err(|_| Error::NoRuntime)?;
        let parts = map_parts(&map)?;
        // SAFETY: the consumer page is mapped writable and the producer page and data area
        // readable, page-aligned, for as long as `parts`, which the RingBuf owns and drops
        // after the consumer; this RingBuf is the one consumer of this mapping.
        let consumer = unsafe {
            Consumer::new(
                parts[0].ptr(),
                parts[1].ptr(),
                parts[2].ptr(),
                map.max_entries() as usize,
            )
        };
        let poll_fd = PollFd(map.shared_fd().clone());
        // SAFETY: PollFd owns a reference to the open fd, so it stays open and the same file
        // for as long as the AsyncFd that owns the PollFd.
        let fd = unsafe { AsyncFd::register_with_interest(poll_fd, Interest::READABLE) }.map_err(
            |e| Error::Poll {
                map: map.name().into(),
                source: e.into(),
            },
        )?;
        Ok(RingBuf {
            consumer: ConsumerCell(consumer),
            _parts: parts,
            fd,
            map,
        })
    }
}

/// Maps the three parts of the layout (`kwasm_hooks::ringbuf`), each exactly as the kernel
/// allows: only the consumer page writable.
fn map_parts(map: &Map) -> Result<[Mapping; 3], Error> {
    let page = page_size();
    let part = |page_index: u64, len: usize, write: bool| {
        Mapping::new(map.as_fd(), page_index as usize * page, len, write).map_err(|source| {
            Error::Mmap {
                map: map.name().into(),
                source,
            }
        })
    };
    Ok([
        part(CONSUMER_PAGE, page, true)?,
        part(PRODUCER_PAGE, page, false)?,
        part(DATA_PAGE, map.max_entries() as usize, false)?,
    ])
}

impl RingBuf {
    /// Creates a ring buffer of `size` bytes (a power of two, at least a page).
    pub fn create(name: &str, size: u32) -> Result<Self, Error> {
        Map::create(&MapSpec {
            map_type: MapType::RingBuf,
            key_size: 0,
            value_size: 0,
            max_entries: size,
            name: name.into(),
        })?
        .try_into()
    }

    /// The next record if one is ready (never waits).
    pub fn next_record(&mut self) -> Option<Vec<u8>> {
        self.next_record_with(<[u8]>::to_vec)
    }

    /// Calls `f` with the next ready record in place, then gives its space back.
    pub fn next_record_with<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        self.consumer.0.next_record(f)
    }

    /// Waits for the next record.
    pub async fn recv(&mut self) -> Result<Vec<u8>, Error> {
        std::future::poll_fn(|cx| self.poll_record(cx)).await
    }

    /// Records the programs could not write because the buffer was full.
    pub fn dropped(&self) -> u64 {
        self.consumer.0.dropped()
    }

    pub fn map(&self) -> &Map {
        &self.map
    }

    fn poll_record(&mut self, cx: &mut Context<'_>) -> Poll<Result<Vec<u8>, Error>> {
        loop {
            if let Some(record) = self.next_record() {
                return Poll::Ready(Ok(record));
            }
            let ready = ready!(self.fd.poll_read_ready(cx));
            let mut guard = ready.map_err(|source| Error::Poll {
                map: self.map.name().into(),
                source,
            })?;
            // Forget this readiness and look again: a record published after the look above
            // is found then; one published later wakes the fd anew.
            guard.clear_ready();
        }
    }
}

impl Stream for RingBuf {
    type Item = Result<Vec<u8>, Error>;

    /// Never ends: a ring buffer only waits for more.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_record(cx).map(Some)
    }
}
