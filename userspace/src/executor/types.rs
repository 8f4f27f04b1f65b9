//! The process-wide signature ids that `call_indirect` compares (`RELOC_TYPE_ID`): two
//! functions have the same id exactly when their signatures are equal, whichever module
//! declared them.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// A signature: (params, results) value-type codes.
type Signature = (Vec<u8>, Vec<u8>);

/// Signature → id, ids numbered in order of first use. A tree, not a list searched per type: a
/// module declaring many types would make the loader quadratic.
static SIGNATURES: Mutex<BTreeMap<Signature, u32>> = Mutex::new(BTreeMap::new());

/// The id of the signature `params -> results` (value-type codes).
pub fn signature_id(params: &[u8], results: &[u8]) -> u32 {
    let mut sigs = SIGNATURES.lock().unwrap_or_else(|e| e.into_inner());
    let next = sigs.len() as u32;
    *sigs
        .entry((params.to_vec(), results.to_vec()))
        .or_insert(next)
}
