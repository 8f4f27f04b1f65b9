//! A hash table: open addressing with linear probing (keys u64, values u32, FxHash-style
//! multiplicative hashing, 2^20 slots), counting `n * 2^16` pseudo-random keys drawn from a set
//! of 2^18, then looking up and removing (with backward shift) every other key drawn again.

use alloc::vec;
use alloc::vec::Vec;

const EMPTY: u64 = u64::MAX;

struct Table {
    keys: Vec<u64>,
    values: Vec<u32>,
    mask: usize,
    len: usize,
}

impl Table {
    fn new(slots: usize) -> Table {
        Table {
            keys: vec![EMPTY; slots],
            values: vec![0; slots],
            mask: slots - 1,
            len: 0,
        }
    }

    fn slot(&self, key: u64) -> usize {
        (key.wrapping_mul(0x517c_c1b7_2722_0a95) >> 44) as usize & self.mask
    }

    fn add(&mut self, key: u64, by: u32) {
        let mut i = self.slot(key);
        loop {
            if self.keys[i] == key {
                self.values[i] += by;
                return;
            }
            if self.keys[i] == EMPTY {
                self.keys[i] = key;
                self.values[i] = by;
                self.len += 1;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn get(&self, key: u64) -> Option<u32> {
        let mut i = self.slot(key);
        loop {
            if self.keys[i] == key {
                return Some(self.values[i]);
            }
            if self.keys[i] == EMPTY {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn remove(&mut self, key: u64) -> Option<u32> {
        let mut i = self.slot(key);
        loop {
            if self.keys[i] == EMPTY {
                return None;
            }
            if self.keys[i] == key {
                break;
            }
            i = (i + 1) & self.mask;
        }
        let value = self.values[i];
        self.len -= 1;
        // Backward shift: move later entries of the run into the hole when their home slot
        // allows it.
        let mut hole = i;
        let mut j = (i + 1) & self.mask;
        while self.keys[j] != EMPTY {
            let home = self.slot(self.keys[j]);
            if (j.wrapping_sub(home) & self.mask) >= (j.wrapping_sub(hole) & self.mask) {
                self.keys[hole] = self.keys[j];
                self.values[hole] = self.values[j];
                hole = j;
            }
            j = (j + 1) & self.mask;
        }
        self.keys[hole] = EMPTY;
        Some(value)
    }
}

fn key(state: &mut u32) -> u64 {
    let r = u64::from(crate::xorshift32(state) & ((1 << 18) - 1));
    r.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xABCD
}

pub fn run(n: u32) -> u32 {
    let mut table = Table::new(1 << 20);
    let mut s = 0x00DD_BA11_u32;
    for _ in 0..(n << 16) {
        table.add(key(&mut s), 1);
    }
    let mut h = crate::mix(2_166_136_261, table.len as u32);
    let mut s = 0x00DD_BA11_u32;
    for i in 0..(n << 16) {
        let k = key(&mut s);
        let v = if i % 2 == 0 {
            table.remove(k)
        } else {
            table.get(k)
        };
        h = crate::mix(h, v.unwrap_or(0xFFFF));
    }
    crate::mix(h, table.len as u32)
}
