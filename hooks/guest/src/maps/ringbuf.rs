//! The ring buffer: records from the program to userspace (`kwasm_hooks::ringbuf`).

use super::Def;
use crate::error::{check, Error};
use crate::{sys, Pod};
use kwasm_hooks::map::{limits, MAP_TYPE_RINGBUF};
use kwasm_hooks::ringbuf::RECORD_MAX;

/// A ring buffer map. Its declaration has key and value size 0 and `max_entries` = its size
/// in bytes.
pub struct RingBuf {
    def: Def,
}

impl RingBuf {
    /// A buffer of `size` bytes: a power of two from 4096 (a page) up to 64 MiB.
    pub const fn with_byte_size(size: u32) -> Self {
        assert!(
            size.is_power_of_two()
                && size >= limits::RINGBUF_SIZE_MIN
                && size <= limits::RINGBUF_SIZE_MAX,
            "ring buffer size: a power of two from 4096 to 64 MiB"
        );
        RingBuf {
            def: Def::new(MAP_TYPE_RINGBUF, 0, 0, size),
        }
    }

    #[doc(hidden)]
    pub const fn __named(mut map: Self, name: &str) -> Self {
        map.def = map.def.named(name);
        map
    }

    #[doc(hidden)]
    pub const fn __decl(&self, name: &str) -> [u8; kwasm_hooks::map::MAP_DECL_SIZE] {
        self.def.decl(name)
    }

    #[cfg(test)]
    pub(crate) fn def(&self) -> Def {
        self.def
    }

    /// Sends `record` as one record; [`Error::NoSpace`] (and counted) when the buffer is full.
    /// A record type larger than `RECORD_MAX` bytes does not compile.
    pub fn output<T: Pod>(&self, record: &T) -> Result<(), Error> {
        const {
            assert!(
                core::mem::size_of::<T>() <= RECORD_MAX as usize,
                "record too large"
            )
        };
        self.output_bytes(record.as_bytes())
    }

    /// Sends `data` as one record (at most `RECORD_MAX` bytes, else [`Error::Invalid`]).
    pub fn output_bytes(&self, data: &[u8]) -> Result<(), Error> {
        if data.len() > RECORD_MAX as usize {
            return Err(Error::Invalid);
        }
        // SAFETY: the host only reads the record.
        check(unsafe { sys::ringbuf_output(self.def.id, data.as_ptr(), data.len() as u32) })
            .map(drop)
    }
}
