//! [`RingBuf`]: records from programs, read from a shared mapping of the ring buffer and
//! awaited through the map fd's readiness (the kernel makes it readable while records are
//! pending). The record protocol is `kwasm_kcore::maps::ringbuf::Consumer`, the same code the
//! kernel's tests exercise against its producer.
//!
//! The reader is tested on the host against a memfd ring written by kcore's producer. Checked
//! only in the VM: that the kernel accepts these three mmaps of a map fd and wakes `poll`.

use super::mmap::{page_size, Mapping};
use super::{Map, MapSpec, MapType};
use crate::Error;
use futures_core::Stream;
use kwasm_hooks::ringbuf::{CONSUMER_PAGE, DATA_PAGE, PRODUCER_PAGE};
use kwasm_kcore::maps::ringbuf::Consumer;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
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
    reader: Reader,
    map: Map,
}

/// The mapped ring and the fd whose readiness tells that records are pending (for the kernel's
/// ring buffers, the map fd itself).
#[derive(Debug)]
struct Reader {
    // Declared before the mappings: it points into them, so it must go first.
    consumer: ConsumerCell,
    /// Consumer page (read-write), producer page, data area (read-only).
    _parts: [Mapping; 3],
    fd: AsyncFd<PollFd>,
    /// The map's name, for errors.
    name: String,
}

/// The consumer, wrapped only for `Debug`.
struct ConsumerCell(Consumer);

impl std::fmt::Debug for ConsumerCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Consumer")
    }
}

/// The fd as tokio's reactor watches it.
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
        let size = map.max_entries() as usize;
        let reader = Reader::new(map.as_fd(), map.shared_fd().clone(), size, map.name())?;
        Ok(RingBuf { reader, map })
    }
}

impl Reader {
    /// Maps the ring in `mem` (`size` bytes of data) and watches `poll`.
    fn new(
        mem: BorrowedFd<'_>,
        poll: Arc<OwnedFd>,
        size: usize,
        name: &str,
    ) -> Result<Reader, Error> {
        // AsyncFd panics outside a runtime; say so instead.
        tokio::runtime::Handle::try_current().map_err(|_| Error::NoRuntime)?;
        let parts = map_parts(mem, size, name)?;
        // SAFETY: the consumer page is mapped writable and the producer page and data area
        // readable, page-aligned, for as long as `parts`, which the Reader owns and drops after
        // the consumer; this Reader is the one consumer of this mapping.
        let consumer =
            unsafe { Consumer::new(parts[0].ptr(), parts[1].ptr(), parts[2].ptr(), size) };
        // SAFETY: PollFd owns a reference to the open fd, so it stays open and the same file
        // for as long as the AsyncFd that owns the PollFd.
        let fd = unsafe { AsyncFd::register_with_interest(PollFd(poll), Interest::READABLE) }
            .map_err(|e| Error::Poll {
                map: name.into(),
                source: e.into(),
            })?;
        Ok(Reader {
            consumer: ConsumerCell(consumer),
            _parts: parts,
            fd,
            name: name.into(),
        })
    }

    fn next_record_with<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        self.consumer.0.next_record(f)
    }

    fn poll_record(&mut self, cx: &mut Context<'_>) -> Poll<Result<Vec<u8>, Error>> {
        loop {
            if let Some(record) = self.next_record_with(<[u8]>::to_vec) {
                return Poll::Ready(Ok(record));
            }
            let ready = ready!(self.fd.poll_read_ready(cx));
            let mut guard = ready.map_err(|source| Error::Poll {
                map: self.name.clone(),
                source,
            })?;
            // Forget this readiness and look again: a record published after the look above
            // is found then; one published later wakes the fd anew.
            guard.clear_ready();
        }
    }
}

/// Maps the three parts of the layout (`kwasm_hooks::ringbuf`), each exactly as the kernel
/// allows: only the consumer page writable.
fn map_parts(fd: BorrowedFd<'_>, size: usize, name: &str) -> Result<[Mapping; 3], Error> {
    let page = page_size();
    let part = |page_index: u64, len: usize, write: bool| {
        Mapping::new(fd, page_index as usize * page, len, write).map_err(|source| Error::Mmap {
            map: name.into(),
            source,
        })
    };
    Ok([
        part(CONSUMER_PAGE, page, true)?,
        part(PRODUCER_PAGE, page, false)?,
        part(DATA_PAGE, size, false)?,
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
        self.reader.next_record_with(f)
    }

    /// Waits for the next record.
    pub async fn recv(&mut self) -> Result<Vec<u8>, Error> {
        std::future::poll_fn(|cx| self.reader.poll_record(cx)).await
    }

    /// Records the programs could not write because the buffer was full.
    pub fn dropped(&self) -> u64 {
        self.reader.consumer.0.dropped()
    }

    /// The ring buffer's map (`as_map`, not `map`: `StreamExt::map` would shadow it).
    pub fn as_map(&self) -> &Map {
        &self.map
    }
}

impl Stream for RingBuf {
    type Item = Result<Vec<u8>, Error>;

    /// Never ends: a ring buffer only waits for more.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().reader.poll_record(cx).map(Some)
    }
}

#[cfg(test)]
mod tests {
    //! The reader on the host: a memfd stands in for the kernel's ring pages, kcore's Producer
    //! writes it as the kernel does, and an eventfd stands in for the map fd's readiness.
    use super::*;
    use kwasm_kcore::maps::ringbuf::Producer;
    use std::os::fd::FromRawFd;
    use std::time::Duration;

    const SIZE: usize = 4096;

    fn memfd(len: usize) -> OwnedFd {
        // SAFETY: plain syscalls; the fd is new and ours.
        unsafe {
            let fd = libc::memfd_create(c"ring".as_ptr(), libc::MFD_CLOEXEC);
            assert!(fd >= 0);
            assert_eq!(libc::ftruncate(fd, len as libc::off_t), 0);
            OwnedFd::from_raw_fd(fd)
        }
    }

    fn eventfd() -> OwnedFd {
        // SAFETY: a new eventfd that is ours.
        unsafe {
            let fd = libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK);
            assert!(fd >= 0);
            OwnedFd::from_raw_fd(fd)
        }
    }

    /// The kernel's side: writes records and wakes the reader.
    struct Kernel {
        producer: Producer,
        _ring: Mapping,
        wake: OwnedFd,
    }

    impl Kernel {
        fn new(mem: &OwnedFd, wake: OwnedFd) -> Kernel {
            let page = page_size();
            let ring = Mapping::new(mem.as_fd(), 0, 2 * page + SIZE, true).unwrap();
            // SAFETY: the mapping covers both pages and the data area and lives in `self`
            // with the producer; one producer.
            let producer = unsafe {
                let base = ring.ptr();
                Producer::new(base.add(page), base, base.add(2 * page), SIZE)
            };
            Kernel {
                producer,
                _ring: ring,
                wake,
            }
        }

        /// Writes `record`; `false` if it was dropped (the ring was full).
        fn output(&mut self, record: &[u8]) -> bool {
            let ok = self.producer.output(record).is_ok();
            let one = 1u64.to_ne_bytes();
            // SAFETY: an 8-byte write to our eventfd.
            unsafe { libc::write(self.wake.as_raw_fd(), one.as_ptr().cast(), 8) };
            ok
        }
    }

    fn record(k: usize) -> Vec<u8> {
        vec![k as u8; 1 + (k * 37) % 300]
    }

    fn ring() -> (Reader, Kernel) {
        let mem = memfd(2 * page_size() + SIZE);
        let wake = eventfd();
        let kernel = Kernel::new(&mem, wake.try_clone().unwrap());
        let reader = Reader::new(mem.as_fd(), Arc::new(wake), SIZE, "test").unwrap();
        (reader, kernel)
    }

    #[tokio::test]
    async fn records_arrive_in_order_across_wraparound_and_wake_the_reader() {
        let (mut reader, mut kernel) = ring();
        assert_eq!(reader.next_record_with(<[u8]>::to_vec), None);
        // Ten times the ring's size, from another thread, waiting whenever the ring is full:
        // the reader must be woken for records published while it waits.
        let producer = std::thread::spawn(move || {
            for k in 0..500 {
                while !kernel.output(&record(k)) {
                    std::thread::sleep(Duration::from_micros(200));
                }
                if k % 50 == 0 {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            kernel
        });
        for k in 0..500 {
            let got = std::future::poll_fn(|cx| reader.poll_record(cx)).await;
            assert_eq!(got.unwrap(), record(k), "record {k}");
        }
        let kernel = producer.join().unwrap();
        assert_eq!(reader.next_record_with(<[u8]>::to_vec), None);
        // Every failed output counted a drop, which the reader sees.
        assert_eq!(reader.consumer.0.dropped(), kernel.producer.dropped());
    }

    #[tokio::test]
    async fn a_full_ring_drops_and_counts() {
        let (mut reader, mut kernel) = ring();
        let mut written = 0;
        while kernel.output(&[7u8; 1000]) {
            written += 1;
        }
        assert!(written >= 3, "{written}");
        assert_eq!(reader.consumer.0.dropped(), 1);
        for _ in 0..written {
            assert_eq!(reader.next_record_with(<[u8]>::len), Some(1000));
        }
        assert_eq!(reader.next_record_with(<[u8]>::len), None);
        // The space read is free again.
        assert!(kernel.output(&[1u8; 1000]));
    }

    #[test]
    fn needs_a_runtime() {
        let mem = memfd(2 * page_size() + SIZE);
        let err = Reader::new(mem.as_fd(), Arc::new(eventfd()), SIZE, "test").unwrap_err();
        assert!(matches!(err, Error::NoRuntime), "{err}");
    }
}
