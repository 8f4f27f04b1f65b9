//! The process-wide signature ids that `call_indirect` compares (`RELOC_TYPE_ID`): two
//! functions have the same id exactly when their signatures are equal, whichever module
//! declared them.

use std::sync::Mutex;

static SIGNATURES: Mutex<Vec<(Vec<u8>, Vec<u8>)>> = Mutex::new(Vec::new());

/// The id of the signature `params -> results` (value-type codes).
pub fn signature_id(params: &[u8], results: &[u8]) -> u32 {
    let mut sigs = SIGNATURES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(i) = sigs.iter().position(|(p, r)| p == params && r == results) {
        return i as u32;
    }
    sigs.push((params.to_vec(), results.to_vec()));
    (sigs.len() - 1) as u32
}
