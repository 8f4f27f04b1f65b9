// SPDX-License-Identifier: GPL-2.0

//! Signature ids, what `call_indirect` compares (`RELOC_TYPE_ID`): a table can hold functions of
//! several programs, so equal signatures get equal ids across programs. Ids are interned with a
//! count of the programs using them and freed (and reused) with the last one, so the table holds
//! only live signatures; lookups are a tree search.

use crate::bytes_key::BytesKey;
use kernel::prelude::*;
use kernel::rbtree::{RBTree, RBTreeNodeReservation};

/// A signature's key: its parameter types, a separator no value type uses, its result types.
fn signature_key(params: &[u8], results: &[u8]) -> Result<BytesKey> {
    BytesKey::new(&[params, &[0xff], results])
}

pub(crate) struct Signatures {
    ids: RBTree<BytesKey, u32>,
    /// Per id: how many programs use it, and its key (to remove it at zero).
    users: KVec<(usize, Option<BytesKey>)>,
    free: KVec<u32>,
}

impl Signatures {
    pub(crate) fn new() -> Self {
        Signatures { ids: RBTree::new(), users: KVec::new(), free: KVec::new() }
    }

    /// The id of a signature, counted once more (pair with [`Self::release`]).
    pub(crate) fn acquire(&mut self, params: &[u8], results: &[u8]) -> Result<u32> {
        let key = signature_key(params, results)?;
        if let Some(&id) = self.ids.get(&key) {
            self.users[id as usize].0 += 1;
            return Ok(id);
        }
        // Every allocation first, so that a failure changes nothing; `release` then never
        // allocates (the free list has room for every id).
        let node = RBTreeNodeReservation::new(GFP_KERNEL_ACCOUNT)?;
        let stored = signature_key(params, results)?;
        self.users.reserve(1, GFP_KERNEL_ACCOUNT)?;
        self.free.reserve(self.users.len() + 1 - self.free.len(), GFP_KERNEL_ACCOUNT)?;
        let id = match self.free.last().copied() {
            Some(id) => {
                // SAFETY: shrinks by one: the rest stays initialised, and a u32 needs no drop.
                unsafe { self.free.set_len(self.free.len() - 1) };
                id
            }
            None => {
                self.users.push((0, None), GFP_KERNEL_ACCOUNT)?;
                (self.users.len() - 1) as u32
            }
        };
        self.users[id as usize] = (1, Some(stored));
        self.ids.insert(node.into_node(key, id));
        Ok(id)
    }

    /// Signatures some program uses now.
    pub(crate) fn live(&self) -> usize {
        self.users.iter().filter(|(n, _)| *n > 0).count()
    }

    /// One program less uses `id`.
    pub(crate) fn release(&mut self, id: u32) {
        // An id nobody uses is never released twice onto the free list (two signatures would
        // then share an id: a type confusion in `call_indirect`).
        let Some(entry) = self.users.get_mut(id as usize).filter(|e| e.0 > 0) else { return };
        entry.0 -= 1;
        if entry.0 == 0 {
            if let Some(key) = entry.1.take() {
                self.ids.remove(&key);
            }
            // Cannot fail: `acquire` made room for every id.
            let _ = self.free.push(id, GFP_NOWAIT);
        }
    }
}

/// The signature ids of one program's types, in type order; released when dropped.
pub(crate) struct TypeIds {
    state: &'static crate::KwasmState,
    ids: KVVec<u32>,
}

impl TypeIds {
    pub(crate) fn new(state: &'static crate::KwasmState) -> Self {
        TypeIds { state, ids: KVVec::new() }
    }

    /// Appends the id of the next type's signature.
    pub(crate) fn acquire(&mut self, params: &[u8], results: &[u8]) -> Result {
        self.ids.reserve(1, GFP_KERNEL_ACCOUNT)?;
        let id = self.state.signatures.lock().acquire(params, results)?;
        self.ids.push(id, GFP_KERNEL_ACCOUNT)?;
        Ok(())
    }

    /// The id of type `index`.
    pub(crate) fn get(&self, index: usize) -> Option<u32> {
        self.ids.get(index).copied()
    }
}

impl Drop for TypeIds {
    fn drop(&mut self) {
        let mut signatures = self.state.signatures.lock();
        for &id in self.ids.iter() {
            signatures.release(id);
        }
    }
}
