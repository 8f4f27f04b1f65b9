//! Plain old data: the types typed maps read and write as raw key and value bytes.

/// Types whose bytes are their value: any byte pattern of the right length is a valid value,
/// and a value has no padding bytes (like aya's `Pod`).
///
/// # Safety
///
/// Implement it only for `Copy` types with no padding, no pointers or references, and no
/// invalid bit patterns (`#[repr(C)]` structs of integers whose fields leave no gaps, for
/// example). Not `bool`, `char` or enums.
pub unsafe trait Pod: Copy + 'static {}

macro_rules! pod {
    ($($t:ty),*) => {
        // SAFETY: integers and floats: no padding, every bit pattern valid.
        $(unsafe impl Pod for $t {})*
    };
}

pod!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128, f32, f64);

// SAFETY: an array of Pod values has no padding between elements and no invalid patterns.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}

/// The bytes of a value.
pub(crate) fn bytes_of<T: Pod>(value: &T) -> &[u8] {
    // SAFETY: `T: Pod` has no padding, so all `size_of::<T>()` bytes are initialised.
    unsafe { std::slice::from_raw_parts((value as *const T).cast(), std::mem::size_of::<T>()) }
}

/// The value in `bytes` (exactly `size_of::<T>()` of them).
pub(crate) fn from_bytes<T: Pod>(bytes: &[u8]) -> T {
    assert_eq!(bytes.len(), std::mem::size_of::<T>());
    // SAFETY: the length is checked; any bit pattern is a valid `T: Pod`; unaligned read.
    unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(bytes_of(&0x0102_0304u32), &[4, 3, 2, 1]);
        assert_eq!(from_bytes::<u32>(&[4, 3, 2, 1]), 0x0102_0304);
        let a = [1u16, 2, 3];
        assert_eq!(from_bytes::<[u16; 3]>(bytes_of(&a)), a);
        // Unaligned input is fine.
        let buf = [0u8, 1, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(from_bytes::<u64>(&buf[1..]), 1);
    }
}
