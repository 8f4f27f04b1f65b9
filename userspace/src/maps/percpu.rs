//! The per-CPU value layout, as bpf(2): userspace reads and writes every CPU's value of a key
//! at once, `ncpus` values each padded to 8 bytes (`ncpus * round_up(value_size, 8)` bytes).

use super::pod::{bytes_of, from_bytes, Pod};
use std::ops::{Deref, DerefMut};

/// Bytes one CPU's value takes in the layout.
pub fn stride(value_size: usize) -> usize {
    value_size.next_multiple_of(8)
}

/// Bytes of all CPUs' values of one key.
pub fn len(value_size: usize, ncpus: usize) -> usize {
    stride(value_size) * ncpus
}

/// Each CPU's value in `bytes` (`ncpus * stride(value_size)` bytes), without its padding.
pub fn split(bytes: &[u8], value_size: usize) -> impl Iterator<Item = &[u8]> {
    bytes
        .chunks_exact(stride(value_size))
        .map(move |c| &c[..value_size])
}

/// The layout of `values` (each `value_size` bytes), zero padded.
pub fn join<'a>(values: impl IntoIterator<Item = &'a [u8]>, value_size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        debug_assert_eq!(v.len(), value_size);
        out.extend_from_slice(v);
        out.resize(out.len().next_multiple_of(8), 0);
    }
    out
}

/// One value per possible CPU, as [`crate::maps::PerCpuArray`] and
/// [`crate::maps::PerCpuHashMap`] read and write them.
///
/// ```
/// use kwasm::maps::PerCpuValues;
/// let values = PerCpuValues::from(vec![1u32, 2, 3]);
/// let bytes = values.to_bytes();
/// assert_eq!(bytes.len(), 3 * 8); // each u32 padded to 8 bytes
/// assert_eq!(PerCpuValues::<u32>::from_bytes(&bytes), values);
/// assert_eq!(values.iter().sum::<u32>(), 6);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PerCpuValues<V: Pod>(Box<[V]>);

impl<V: Pod> PerCpuValues<V> {
    /// Reads the layout; `bytes` must be a whole number of padded values.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let size = std::mem::size_of::<V>();
        assert_eq!(bytes.len() % stride(size), 0, "not a per-CPU layout");
        PerCpuValues(split(bytes, size).map(from_bytes).collect())
    }

    /// The layout of these values.
    pub fn to_bytes(&self) -> Vec<u8> {
        join(self.0.iter().map(bytes_of), std::mem::size_of::<V>())
    }

    /// The same value on `ncpus` CPUs.
    pub fn splat(value: V, ncpus: usize) -> Self {
        PerCpuValues(vec![value; ncpus].into())
    }
}

impl<V: Pod> From<Vec<V>> for PerCpuValues<V> {
    fn from(values: Vec<V>) -> Self {
        PerCpuValues(values.into())
    }
}

impl<V: Pod> Deref for PerCpuValues<V> {
    type Target = [V];
    fn deref(&self) -> &[V] {
        &self.0
    }
}

impl<V: Pod> DerefMut for PerCpuValues<V> {
    fn deref_mut(&mut self) -> &mut [V] {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_sizes_are_padded_to_8() {
        let values = PerCpuValues::from(vec![[1u8, 2, 3], [4, 5, 6]]);
        let bytes = values.to_bytes();
        assert_eq!(bytes, [1, 2, 3, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0]);
        assert_eq!(PerCpuValues::<[u8; 3]>::from_bytes(&bytes), values);
        let split: Vec<&[u8]> = split(&bytes, 3).collect();
        assert_eq!(split, [&[1u8, 2, 3][..], &[4, 5, 6][..]]);
    }

    #[test]
    fn eight_byte_values_have_no_padding_and_larger_ones_round_up() {
        let v = PerCpuValues::from(vec![u64::MAX, 7]);
        assert_eq!(v.to_bytes().len(), 16);
        assert_eq!(PerCpuValues::<u64>::from_bytes(&v.to_bytes()), v);
        assert_eq!(len(12, 4), 64);
        assert_eq!(len(16, 2), 32);
        assert_eq!(stride(1), 8);
        let v = PerCpuValues::from(vec![[7u32; 3]; 2]);
        let b = v.to_bytes();
        assert_eq!(b.len(), 32);
        assert_eq!(&b[12..16], &[0; 4]);
        assert_eq!(PerCpuValues::<[u32; 3]>::from_bytes(&b), v);
    }

    #[test]
    fn join_inverts_split() {
        let bytes = join([&[9u8; 5][..], &[8; 5], &[7; 5]], 5);
        assert_eq!(bytes.len(), 24);
        let back: Vec<Vec<u8>> = split(&bytes, 5).map(<[u8]>::to_vec).collect();
        assert_eq!(back, [vec![9; 5], vec![8; 5], vec![7; 5]]);
    }
}
