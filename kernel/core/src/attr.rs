//! Decoding and encoding of size-prefixed attrs (see `kwasm_hooks::attr`).
//!
//! The kernel copies `size` bytes from userspace (after [`check_size`]) and hands them to
//! [`decode`]; results go back with [`encode`], which never writes past the caller's `size`.

use super::errno::{E2BIG, EINVAL};
use super::hooks::attr::{Attr, ATTR_SIZE_MAX};
use core::mem::size_of;

/// Checks the `size` field that userspace claims, before anything else is copied.
pub fn check_size<T: Attr>(user_size: u32) -> Result<usize, i32> {
    if user_size > ATTR_SIZE_MAX {
        return Err(E2BIG);
    }
    if user_size < T::MIN_SIZE {
        return Err(EINVAL);
    }
    Ok(user_size as usize)
}

/// Builds a `T` from the bytes userspace passed, `bytes.len()` being the checked size.
///
/// Fields beyond `bytes` read as zero; bytes beyond `size_of::<T>()` must all be zero (`E2BIG`),
/// as `bpf_check_uarg_tail_zero` does. The size field inside the bytes must match their length
/// (it is read again from the copy, so a racing writer cannot make the two disagree).
pub fn decode<T: Attr>(bytes: &[u8]) -> Result<T, i32> {
    let len = check_size::<T>(u32::try_from(bytes.len()).map_err(|_| E2BIG)?)?;
    let size_field = u32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if size_field as usize != len {
        return Err(EINVAL);
    }
    let known = len.min(size_of::<T>());
    if bytes[known..].iter().any(|&b| b != 0) {
        return Err(E2BIG);
    }
    let mut value = T::default();
    // SAFETY: `T: Attr` is repr(C) with only integer fields, so any bytes are a valid `T`;
    // `known <= size_of::<T>()` and `known <= bytes.len()`, and the two buffers do not overlap.
    unsafe {
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), (&mut value as *mut T).cast::<u8>(), known);
    }
    Ok(value)
}

/// The bytes of `value` to copy back to a caller whose attr is `user_size` bytes long.
pub fn encode<T: Attr>(value: &T, user_size: usize) -> &[u8] {
    let len = user_size.min(size_of::<T>());
    // SAFETY: `T: Attr` has no padding, so all `size_of::<T>()` bytes are initialised, and
    // `len <= size_of::<T>()`; the slice borrows `value`.
    unsafe { core::slice::from_raw_parts((value as *const T).cast::<u8>(), len) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kwasm_hooks::attr::SelftestAttr;

    fn bytes_of(attr: &SelftestAttr, extra: &[u8]) -> Vec<u8> {
        let mut v = encode(attr, usize::MAX).to_vec();
        v.extend_from_slice(extra);
        let size = v.len() as u32;
        v[..4].copy_from_slice(&size.to_ne_bytes());
        v
    }

    #[test]
    fn exact_size_round_trips() {
        let attr = SelftestAttr {
            input: 5,
            output: 9,
            ..Default::default()
        };
        let got: SelftestAttr = decode(&bytes_of(&attr, &[])).unwrap();
        assert_eq!(got.input, 5);
        assert_eq!(got.output, 9);
        assert_eq!(got.size as usize, size_of::<SelftestAttr>());
    }

    #[test]
    fn zero_tail_is_accepted_and_nonzero_tail_is_e2big() {
        let attr = SelftestAttr {
            input: 1,
            ..Default::default()
        };
        assert!(decode::<SelftestAttr>(&bytes_of(&attr, &[0; 64])).is_ok());
        let mut tail = [0u8; 64];
        tail[63] = 1;
        assert_eq!(decode::<SelftestAttr>(&bytes_of(&attr, &tail)), Err(E2BIG));
    }

    #[test]
    fn sizes_are_bounded() {
        assert_eq!(check_size::<SelftestAttr>(ATTR_SIZE_MAX + 1), Err(E2BIG));
        assert_eq!(check_size::<SelftestAttr>(3), Err(EINVAL));
        assert_eq!(
            check_size::<SelftestAttr>(SelftestAttr::MIN_SIZE - 1),
            Err(EINVAL)
        );
        assert!(check_size::<SelftestAttr>(ATTR_SIZE_MAX).is_ok());
    }

    #[test]
    fn size_field_must_match_copied_length() {
        let mut b = bytes_of(&SelftestAttr::default(), &[0; 8]);
        b[0] ^= 1;
        assert_eq!(decode::<SelftestAttr>(&b), Err(EINVAL));
    }

    #[test]
    fn encode_never_exceeds_user_size() {
        let attr = SelftestAttr::default();
        assert_eq!(encode(&attr, 8).len(), 8);
        assert_eq!(encode(&attr, 10_000).len(), size_of::<SelftestAttr>());
    }
}
