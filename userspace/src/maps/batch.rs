//! Many entries per call: `MAP_LOOKUP_BATCH`, and iteration built on it, so that dumping a
//! large map takes a few calls rather than two per key.
//!
//! Checked only in the VM: the kernel's batches (cursor keys, `ENOENT` at the end with the
//! last entries copied); the iteration over them is plain code.

use super::Map;
use crate::sys::{attr_size, fd_arg, user_ptr, user_ptr_mut};
use crate::Error;
use kwasm_hooks::ioctl::KWASM_IOC_MAP_LOOKUP_BATCH;
use kwasm_hooks::map::{MapBatchAttr, BATCH_MAX};
use std::os::fd::AsFd;

/// Most bytes of keys and values one batch asks for (per-CPU values of many CPUs are large).
const BATCH_BYTES: usize = 1 << 20;

/// How many entries one batch asks for: as many as fit in [`BATCH_BYTES`], at most the map's
/// entries and the kernel's [`BATCH_MAX`], at least one.
pub(crate) fn batch_capacity(key_size: usize, value_len: usize, max_entries: u32) -> u32 {
    let per_entry = (key_size + value_len).max(1);
    let fit = (BATCH_BYTES / per_entry).max(1);
    (fit.min(BATCH_MAX as usize) as u32).min(max_entries.max(1))
}

/// Entries copied by one [`Map::lookup_batch`].
#[derive(Clone, Debug)]
pub struct Batch {
    keys: Vec<u8>,
    values: Vec<u8>,
    key_size: usize,
    value_len: usize,
    count: usize,
    last_key: Vec<u8>,
    done: bool,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The `k`-th entry: its key and value bytes.
    pub fn entry(&self, k: usize) -> (&[u8], &[u8]) {
        assert!(k < self.count, "entry {k} of a batch of {}", self.count);
        (
            &self.keys[k * self.key_size..][..self.key_size],
            &self.values[k * self.value_len..][..self.value_len],
        )
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        (0..self.count).map(|k| self.entry(k))
    }

    /// The key to continue after (`None` if the batch is empty).
    pub fn last_key(&self) -> Option<&[u8]> {
        (self.count > 0).then_some(&self.last_key[..])
    }

    /// Whether the map has no entries after this batch.
    pub fn is_last(&self) -> bool {
        self.done
    }
}

impl Map {
    /// Up to `max` entries after the key `after` (`None`: from the first); continue with the
    /// batch's [`Batch::last_key`] until [`Batch::is_last`].
    pub fn lookup_batch(&self, after: Option<&[u8]>, max: u32) -> Result<Batch, Error> {
        let key_size = self.key_size() as usize;
        if let Some(key) = after {
            self.check_len("key", key.len(), key_size)?;
        }
        let (value_len, room) = (self.value_len(), max.clamp(1, BATCH_MAX) as usize);
        let mut batch = Batch {
            keys: vec![0u8; room * key_size],
            values: vec![0u8; room * value_len],
            key_size,
            value_len,
            count: 0,
            last_key: vec![0u8; key_size],
            done: false,
        };
        let mut attr = MapBatchAttr {
            size: attr_size::<MapBatchAttr>(),
            map_fd: fd_arg(self.as_fd()),
            in_batch: after.map_or(0, user_ptr),
            out_batch: user_ptr_mut(&mut batch.last_key),
            keys: user_ptr_mut(&mut batch.keys),
            values: user_ptr_mut(&mut batch.values),
            count: room as u32,
            flags: 0,
        };
        let called = self.dev().call(
            KWASM_IOC_MAP_LOOKUP_BATCH,
            "KWASM_IOC_MAP_LOOKUP_BATCH",
            &mut attr,
        );
        // ENOENT is the end of the map, with the entries before it copied (as bpf(2)).
        batch.done = match called {
            Ok(_) => false,
            Err(e) if e.errno() == Some(libc::ENOENT) => true,
            Err(e) => return Err(e),
        };
        batch.count = (attr.count as usize).min(room);
        // A batch that copied nothing without reaching the end would loop forever.
        batch.done |= batch.count == 0;
        Ok(batch)
    }

    /// Every entry as `(key, value)` bytes, fetched in batches.
    ///
    /// ```no_run
    /// let map = kwasm::Map::from_pin("firewall/counts")?;
    /// for entry in map.iter() {
    ///     let (key, value) = entry?;
    ///     println!("{key:02x?} = {value:02x?}");
    /// }
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn iter(&self) -> MapIter {
        MapIter {
            capacity: batch_capacity(
                self.key_size() as usize,
                self.value_len(),
                self.max_entries(),
            ),
            map: self.clone(),
            batch: None,
            pos: 0,
            failed: false,
        }
    }

    /// Every key, fetched in batches.
    pub fn keys(&self) -> impl Iterator<Item = Result<Vec<u8>, Error>> {
        self.iter().map(|e| e.map(|(k, _)| k))
    }
}

/// Iterator of [`Map::iter`].
#[derive(Debug)]
pub struct MapIter {
    map: Map,
    capacity: u32,
    batch: Option<Batch>,
    pos: usize,
    failed: bool,
}

impl MapIter {
    /// The next batch, unless the last one was the end.
    fn refill(&mut self) -> Option<Result<(), Error>> {
        let after = match &self.batch {
            Some(b) if b.is_last() => return None,
            Some(b) => b.last_key().map(<[u8]>::to_vec),
            None => None,
        };
        match self.map.lookup_batch(after.as_deref(), self.capacity) {
            Ok(b) => {
                self.batch = Some(b);
                self.pos = 0;
                Some(Ok(()))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

impl Iterator for MapIter {
    type Item = Result<(Vec<u8>, Vec<u8>), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.failed {
                return None;
            }
            if let Some(b) = &self.batch {
                if self.pos < b.len() {
                    let (k, v) = b.entry(self.pos);
                    self.pos += 1;
                    return Some(Ok((k.to_vec(), v.to_vec())));
                }
            }
            if let Err(e) = self.refill()? {
                self.failed = true;
                return Some(Err(e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_bounded_by_bytes_entries_and_the_kernel() {
        assert_eq!(batch_capacity(4, 8, 1 << 20), BATCH_MAX);
        assert_eq!(batch_capacity(4, 8, 10), 10);
        assert_eq!(batch_capacity(4, 8, 0), 1);
        // 64 CPUs of 4 KiB values: 256 KiB and a key an entry, so 3 fit in the byte budget.
        assert_eq!(batch_capacity(4, 64 * 4096, 1000), 3);
        assert_eq!(batch_capacity(256, 8 << 20, 1000), 1);
    }
}
