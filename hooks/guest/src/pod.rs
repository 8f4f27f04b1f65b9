//! Plain old data: the only types that cross the host boundary as map keys, values and ring
//! buffer records.
//!
//! The host copies raw bytes into and out of them, so a [`Pod`] type must have
//! - a fixed layout (`#[repr(C)]`, or a primitive), the same on wasm32 and on the host;
//! - no padding (padding bytes are uninitialised: handing them to the host reads uninit memory,
//!   and two equal keys could hash differently);
//! - no invalid bit patterns (so any bytes the host writes are a valid value: no `bool`,
//!   `char`, enums, references or pointers);
//! - no pointer-sized fields (`usize` is 4 bytes in the guest and 8 on the host).
//!
//! The trait is sealed: it is implemented here for fixed-size integers and arrays of `Pod`, and
//! for user structs only through [`pod!`](crate::pod!), which checks those rules at compile time.

/// A type any bytes of its size are a valid value of, with no padding (see the module docs).
///
/// # Safety
///
/// Implement it only through [`pod!`](crate::pod!) (or for types that meet the module docs'
/// rules exactly as the macro checks them).
pub unsafe trait Pod: Copy + 'static + crate::__private::Sealed {
    /// The value's bytes, as the host sees them.
    fn as_bytes(&self) -> &[u8] {
        // SAFETY: `Pod` types have no padding, so all `size_of::<Self>()` bytes are initialised.
        unsafe {
            core::slice::from_raw_parts(
                (self as *const Self).cast::<u8>(),
                core::mem::size_of::<Self>(),
            )
        }
    }

    /// A value from exactly `size_of::<Self>()` bytes (any alignment); `None` for another length.
    /// What a host program uses to decode map values and ring buffer records.
    fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != core::mem::size_of::<Self>() {
            return None;
        }
        // SAFETY: the length matches and every bit pattern is a valid `Self` (`Pod`).
        Some(unsafe { core::ptr::read_unaligned(bytes.as_ptr().cast::<Self>()) })
    }
}

macro_rules! primitive_pod {
    ($($t:ty),*) => {$(
        impl crate::__private::Sealed for $t {}
        // SAFETY: fixed-size integers: no padding, every bit pattern valid.
        unsafe impl Pod for $t {}
    )*};
}

primitive_pod!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128);

impl<T: Pod, const N: usize> crate::__private::Sealed for [T; N] {}
// SAFETY: an array has no padding between elements (a size is a multiple of its alignment)
// and is valid whenever every element is.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}

/// Declares `#[repr(C)]` structs usable as map keys, values and records: it adds `#[repr(C)]`
/// and `#[derive(Clone, Copy)]` (do not derive those yourself) and implements [`Pod`] after
/// checking at compile time that every field is `Pod` and that the fields add up to the
/// struct's size (no padding: add explicit `_pad: [u8; N]` fields where alignment needs them).
/// Generic structs are not supported.
///
/// ```
/// kwasm_guest::pod! {
///     /// A flow's addresses and ports.
///     #[derive(Debug, PartialEq)]
///     pub struct Flow {
///         pub src: [u8; 16],
///         pub dst: [u8; 16],
///         pub src_port: u16,
///         pub dst_port: u16,
///         pub protocol: u8,
///         pub _pad: [u8; 3],
///     }
/// }
/// ```
///
/// Padding does not compile:
///
/// ```compile_fail
/// kwasm_guest::pod! {
///     struct Padded {
///         counter: u64,
///         flag: u8, // 7 bytes of padding follow
///     }
/// }
/// ```
#[macro_export]
macro_rules! pod {
    ($(
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $($(#[$fattr:meta])* $fvis:vis $field:ident : $fty:ty),* $(,)?
        }
    )+) => {$(
        $(#[$attr])*
        #[repr(C)]
        #[derive(Clone, Copy)]
        $vis struct $name { $($(#[$fattr])* $fvis $field: $fty),* }

        const _: () = {
            const fn field_is_pod<T: $crate::Pod>() {}
            $(field_is_pod::<$fty>();)*
            assert!(
                ::core::mem::size_of::<$name>() == 0 $(+ ::core::mem::size_of::<$fty>())*,
                concat!(
                    "kwasm_guest::pod!: `", stringify!($name),
                    "` has padding bytes; add explicit padding fields"
                ),
            );
        };
        impl $crate::__private::Sealed for $name {}
        // SAFETY: repr(C), every field is Pod and there is no padding (both checked above).
        unsafe impl $crate::Pod for $name {}
    )+};
}

#[cfg(test)]
mod tests {
    use super::Pod;

    crate::pod! {
        #[derive(Debug, PartialEq)]
        struct Pair {
            a: u32,
            b: [u16; 2],
        }
    }

    #[test]
    fn bytes_round_trip() {
        let p = Pair {
            a: 0x0403_0201,
            b: [0x0605, 0x0807],
        };
        assert_eq!(p.as_bytes(), &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(Pair::from_bytes(p.as_bytes()), Some(p));
        assert_eq!(Pair::from_bytes(&[0; 7]), None);
        assert_eq!(u16::from_bytes(&[1, 2]), Some(0x0201));
    }
}
