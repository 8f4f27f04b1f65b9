// SPDX-License-Identifier: GPL-2.0

//! Owned bytes ordered as byte strings: keys of the kernel's trees (names, signatures).

use core::cmp::Ordering;
use kernel::prelude::*;

pub(crate) struct BytesKey(KVec<u8>);

impl BytesKey {
    /// The concatenation of `parts` (charged to the caller's memory cgroup).
    pub(crate) fn new(parts: &[&[u8]]) -> Result<BytesKey> {
        let mut k = KVec::with_capacity(parts.iter().map(|p| p.len()).sum(), GFP_KERNEL_ACCOUNT)?;
        for p in parts {
            k.extend_from_slice(p, GFP_KERNEL_ACCOUNT)?;
        }
        Ok(BytesKey(k))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Ord for BytesKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0[..].cmp(&other.0[..])
    }
}
impl PartialOrd for BytesKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for BytesKey {
    fn eq(&self, other: &Self) -> bool {
        self.0[..] == other.0[..]
    }
}
impl Eq for BytesKey {}
