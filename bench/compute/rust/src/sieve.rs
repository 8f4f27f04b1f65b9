//! Sieve of Eratosthenes over odd numbers, one bit each, below `n * 2^20`; the result mixes the
//! prime count and the largest prime found.

use alloc::vec;

pub fn run(n: u32) -> u32 {
    let limit = (n as usize) << 20;
    if limit < 3 {
        return 0;
    }
    // Bit i stands for the odd number 2i + 1.
    let odd = limit / 2;
    let mut composite = vec![0u64; odd.div_ceil(64)];
    let mut i = 1;
    while (2 * i + 1) * (2 * i + 1) < limit {
        if composite[i / 64] & (1 << (i % 64)) == 0 {
            let p = 2 * i + 1;
            let mut j = p * p / 2;
            while j < odd {
                composite[j / 64] |= 1 << (j % 64);
                j += p;
            }
        }
        i += 1;
    }
    let mut count = 1u32; // 2
    let mut largest = 2u32;
    for i in 1..odd {
        if composite[i / 64] & (1 << (i % 64)) == 0 {
            count += 1;
            largest = (2 * i + 1) as u32;
        }
    }
    crate::mix(crate::mix(2_166_136_261, count), largest)
}
