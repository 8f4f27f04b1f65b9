//! Maps in userspace (`kwasm_kcore::maps`): hash, LRU, per-CPU and array maps against models
//! built on std collections (random operations with every flag, small maps so "full" happens,
//! colliding keys), corrupted regions, `MapDef::check`, the ring buffer (wraparound, full,
//! a concurrent producer and consumer, a hostile producer) and map declarations.

use std::collections::{HashMap, HashSet};

use kwasm_hooks::map::*;
use kwasm_kcore::errno::*;
use kwasm_kcore::maps::hash::{bucket_count, key_hash};
use kwasm_kcore::maps::{Map, MapDef};

/// splitmix64: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn def(map_type: u32, key_size: u32, value_size: u32, max_entries: u32, ncpus: u32) -> MapDef {
    MapDef {
        map_type,
        key_size,
        value_size,
        max_entries,
        ncpus,
    }
}

// ---------------------------------------------------------------------------------------------
// The model: what a map must hold after any sequence of operations.
// ---------------------------------------------------------------------------------------------

/// How an operation reaches a key's values (mirrors the map's rules).
#[derive(Clone, Copy, Debug)]
enum Reach {
    Find,
    Update(u64),
    Create,
}

struct Model {
    def: MapDef,
    /// Key -> one value per slot (value_size bytes each).
    entries: HashMap<Vec<u8>, Vec<Vec<u8>>>,
    /// LRU maps: keys from least to most recently used.
    recency: Vec<Vec<u8>>,
}

impl Model {
    fn new(def: MapDef) -> Model {
        let mut model = Model {
            def,
            entries: HashMap::new(),
            recency: Vec::new(),
        };
        if model.is_array() {
            for i in 0..def.max_entries {
                let zero = model.zero_values();
                model.entries.insert(i.to_ne_bytes().to_vec(), zero);
            }
        }
        model
    }

    fn is_array(&self) -> bool {
        matches!(self.def.map_type, MAP_TYPE_ARRAY | MAP_TYPE_PERCPU_ARRAY)
    }

    fn is_lru(&self) -> bool {
        self.def.map_type == MAP_TYPE_LRU_HASH
    }

    fn slots(&self) -> usize {
        if is_percpu(self.def.map_type) {
            self.def.ncpus as usize
        } else {
            1
        }
    }

    fn stride(&self) -> usize {
        (self.def.value_size as usize + 7) & !7
    }

    fn zero_values(&self) -> Vec<Vec<u8>> {
        vec![vec![0; self.def.value_size as usize]; self.slots()]
    }

    fn user_size(&self) -> usize {
        if is_percpu(self.def.map_type) {
            self.slots() * self.stride()
        } else {
            self.def.value_size as usize
        }
    }

    fn check_key(&self, key: &[u8]) -> Result<(), i32> {
        match key.len() == self.def.key_size as usize {
            true => Ok(()),
            false => Err(EINVAL),
        }
    }

    fn slot(&self, cpu: u32) -> Result<usize, i32> {
        match (is_percpu(self.def.map_type), cpu < self.def.ncpus) {
            (false, _) => Ok(0),
            (true, true) => Ok(cpu as usize),
            (true, false) => Err(EINVAL),
        }
    }

    fn touch(&mut self, key: &[u8]) {
        if self.is_lru() {
            self.recency.retain(|k| k != key);
            self.recency.push(key.to_vec());
        }
    }

    fn forget(&mut self, key: &[u8]) {
        self.entries.remove(key);
        self.recency.retain(|k| k != key);
    }

    fn insert_zeroed(&mut self, key: &[u8]) -> Result<(), i32> {
        if self.entries.len() == self.def.max_entries as usize {
            if !self.is_lru() {
                return Err(E2BIG);
            }
            let oldest = self.recency[0].clone();
            self.forget(&oldest);
        }
        let zero = self.zero_values();
        self.entries.insert(key.to_vec(), zero);
        Ok(())
    }

    fn reach(&mut self, key: &[u8], how: Reach) -> Result<(), i32> {
        let exists = self.entries.contains_key(key);
        if self.is_array() {
            let in_range = exists;
            return match how {
                Reach::Find if !in_range => Err(ENOENT),
                Reach::Update(_) | Reach::Create if !in_range => Err(E2BIG),
                Reach::Update(MAP_UPDATE_NOEXIST) => Err(EEXIST),
                _ => Ok(()),
            };
        }
        match how {
            Reach::Find | Reach::Update(MAP_UPDATE_EXIST) if !exists => return Err(ENOENT),
            Reach::Update(MAP_UPDATE_NOEXIST) if exists => return Err(EEXIST),
            _ if !exists => self.insert_zeroed(key)?,
            _ => {}
        }
        self.touch(key);
        Ok(())
    }

    fn update(
        &mut self,
        key: &[u8],
        value: &[u8],
        flags: u64,
        cpu: Option<u32>,
    ) -> Result<(), i32> {
        if flags > MAP_UPDATE_EXIST {
            return Err(EINVAL);
        }
        self.check_key(key)?;
        let slot = cpu.map(|c| self.slot(c)).transpose()?;
        let want = match slot {
            Some(_) => self.def.value_size as usize,
            None => self.user_size(),
        };
        if value.len() != want {
            return Err(EINVAL);
        }
        self.reach(key, Reach::Update(flags))?;
        let (vs, stride) = (self.def.value_size as usize, self.stride());
        let values = self.entries.get_mut(key).unwrap();
        match slot {
            Some(s) => values[s] = value.to_vec(),
            None => {
                for (s, v) in values.iter_mut().enumerate() {
                    *v = value[s * stride..s * stride + vs].to_vec();
                }
            }
        }
        Ok(())
    }

    fn lookup_user(&mut self, key: &[u8]) -> Result<Vec<u8>, i32> {
        self.check_key(key)?;
        self.reach(key, Reach::Find)?;
        let percpu = is_percpu(self.def.map_type);
        let stride = self.stride();
        let mut out = Vec::new();
        for v in &self.entries[key] {
            out.extend_from_slice(v);
            if percpu {
                out.resize(out.len() + stride - v.len(), 0);
            }
        }
        Ok(out)
    }

    fn value(&mut self, key: &[u8], cpu: u32) -> Result<&mut Vec<u8>, i32> {
        self.check_key(key)?;
        let slot = self.slot(cpu)?;
        self.reach(key, Reach::Find)?;
        Ok(&mut self.entries.get_mut(key).unwrap()[slot])
    }

    fn add(&mut self, key: &[u8], offset: u32, delta: u64, cpu: u32) -> Result<(), i32> {
        self.check_key(key)?;
        let slot = self.slot(cpu)?;
        if !offset.is_multiple_of(8) || offset as u64 + 8 > self.def.value_size as u64 {
            return Err(EINVAL);
        }
        self.reach(key, Reach::Create)?;
        let v = &mut self.entries.get_mut(key).unwrap()[slot];
        let at = offset as usize;
        let old = u64::from_ne_bytes(v[at..at + 8].try_into().unwrap());
        v[at..at + 8].copy_from_slice(&old.wrapping_add(delta).to_ne_bytes());
        Ok(())
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), i32> {
        self.check_key(key)?;
        if self.is_array() {
            return Err(EINVAL);
        }
        if !self.entries.contains_key(key) {
            return Err(ENOENT);
        }
        self.forget(key);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Driving a map and its model with the same random operations.
// ---------------------------------------------------------------------------------------------

/// Every key of the map through next_key, checking each comes once and the end is ENOENT.
fn all_keys(map: &mut Map<'_>, key_size: usize, bound: usize) -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut out = vec![0u8; key_size];
    loop {
        let prev = keys.last().cloned();
        match map.next_key(prev.as_deref(), &mut out) {
            Ok(()) => keys.push(out.clone()),
            Err(e) => {
                assert_eq!(e, ENOENT, "next_key ends with ENOENT");
                return keys;
            }
        }
        assert!(keys.len() <= bound, "next_key does not end: {keys:?}");
    }
}

fn check_iteration(map: &mut Map<'_>, model: &Model, pool: &[Vec<u8>]) {
    let ks = model.def.key_size as usize;
    let keys = all_keys(map, ks, model.def.max_entries as usize);
    let unique: HashSet<_> = keys.iter().cloned().collect();
    assert_eq!(unique.len(), keys.len(), "a key visited twice: {keys:?}");
    let expected: HashSet<_> = model.entries.keys().cloned().collect();
    assert_eq!(unique, expected, "next_key visits exactly the keys");
    assert_eq!(keys, all_keys(map, ks, keys.len()), "order is stable");
    if model.is_array() {
        let indexes: Vec<u32> = keys
            .iter()
            .map(|k| u32::from_ne_bytes(k[..].try_into().unwrap()))
            .collect();
        assert_eq!(indexes, (0..model.def.max_entries).collect::<Vec<_>>());
        return;
    }
    // A key that is not in the map restarts from the first key (bpf's behaviour).
    if let Some(absent) = pool.iter().find(|k| !model.entries.contains_key(*k)) {
        let mut out = vec![0u8; ks];
        let first = map.next_key(Some(absent), &mut out).map(|_| out.clone());
        let expected_first = keys.first().cloned().ok_or(ENOENT);
        assert_eq!(first, expected_first);
    }
}

struct Driver<'p> {
    rng: Rng,
    pool: &'p [Vec<u8>],
    step: usize,
}

impl Driver<'_> {
    fn key(&mut self, key_size: u32) -> Vec<u8> {
        if self.rng.one_in(50) {
            return self.rng.bytes(key_size as usize + 1); // wrong size
        }
        self.pool[self.rng.below(self.pool.len() as u64) as usize].clone()
    }

    fn cpu(&mut self, ncpus: u32) -> u32 {
        self.rng.below(ncpus as u64 + 1) as u32
    }

    fn flags(&mut self) -> u64 {
        [MAP_UPDATE_ANY, MAP_UPDATE_NOEXIST, MAP_UPDATE_EXIST, 4][self.rng.below(4) as usize]
    }

    /// Bytes of a value: usually `right`, sometimes a wrong length.
    fn value(&mut self, right: usize) -> Vec<u8> {
        let len = match self.rng.one_in(40) {
            true => right + 1 + self.rng.below(8) as usize,
            false => right,
        };
        self.rng.bytes(len)
    }

    fn one_op(&mut self, map: &mut Map<'_>, model: &mut Model) {
        let d = model.def;
        let key = self.key(d.key_size);
        let step = self.step;
        match self.rng.below(9) {
            0 | 1 => {
                let value = self.value(model.user_size());
                let flags = self.flags();
                let got = map.update(&key, &value, flags, None);
                let want = model.update(&key, &value, flags, None);
                assert_eq!(got, want, "step {step}: user update {key:?} flags {flags}");
            }
            2 | 3 => {
                let value = self.value(d.value_size as usize);
                let (flags, cpu) = (self.flags(), self.cpu(d.ncpus));
                let got = map.update(&key, &value, flags, Some(cpu));
                let want = model.update(&key, &value, flags, Some(cpu));
                assert_eq!(
                    got, want,
                    "step {step}: cpu {cpu} update {key:?} flags {flags}"
                );
            }
            4 => {
                let got = map.delete(&key);
                assert_eq!(got, model.delete(&key), "step {step}: delete {key:?}");
            }
            5 => {
                let mut out = vec![0xaa; model.user_size()];
                let got = map.lookup_user(&key, &mut out).map(|_| out);
                assert_eq!(got, model.lookup_user(&key), "step {step}: lookup {key:?}");
            }
            6 => self.value_mut(map, model, &key),
            7 => {
                let offsets = [0, 8, d.value_size.saturating_sub(8), 4, d.value_size];
                let offset = offsets[self.rng.below(offsets.len() as u64) as usize];
                let (delta, cpu) = (self.rng.next(), self.cpu(d.ncpus));
                let got = map.add(&key, offset, delta, cpu);
                let want = model.add(&key, offset, delta, cpu);
                assert_eq!(got, want, "step {step}: add {key:?} at {offset} cpu {cpu}");
            }
            _ => {
                if self.rng.one_in(8) {
                    check_iteration(map, model, self.pool);
                }
            }
        }
        assert_eq!(map.entries() as usize, model.entries.len(), "step {step}");
    }

    /// The hook's view: read the slot, sometimes write through it.
    fn value_mut(&mut self, map: &mut Map<'_>, model: &mut Model, key: &[u8]) {
        let cpu = self.cpu(model.def.ncpus);
        let step = self.step;
        let write = self
            .rng
            .one_in(2)
            .then(|| self.rng.bytes(model.def.value_size as usize));
        let got = map.value_mut(key, cpu).map(|v| {
            let before = v.to_vec();
            if let Some(w) = &write {
                v.copy_from_slice(w);
            }
            before
        });
        let want = model.value(key, cpu).map(|v| {
            let before = v.clone();
            if let Some(w) = &write {
                *v = w.clone();
            }
            before
        });
        assert_eq!(got, want, "step {step}: value_mut {key:?} cpu {cpu}");
    }
}

/// `ops` random operations on a fresh map and its model; keys from `pool`.
fn run_model(d: MapDef, pool: &[Vec<u8>], ops: usize, seed: u64) {
    d.check().expect("valid test map");
    let mut mem = vec![0u8; d.bytes()];
    let mut map = Map::init(&d, &mut mem, seed as u32).expect("init");
    let mut model = Model::new(d);
    let mut driver = Driver {
        rng: Rng(seed),
        pool,
        step: 0,
    };
    for step in 0..ops {
        driver.step = step;
        driver.one_op(&mut map, &mut model);
    }
    check_iteration(&mut map, &model, pool);
    for key in model.entries.keys().cloned().collect::<Vec<_>>() {
        let mut out = vec![0; model.user_size()];
        map.lookup_user(&key, &mut out).unwrap();
        assert_eq!(Ok(out), model.lookup_user(&key), "final value of {key:?}");
    }
}

/// `n` distinct random keys of `size` bytes.
fn random_keys(n: usize, size: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    let mut keys: Vec<Vec<u8>> = Vec::new();
    while keys.len() < n {
        let k = rng.bytes(size);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// Array indexes 0..max_entries + 3 (the last three out of range).
fn index_keys(max_entries: u32) -> Vec<Vec<u8>> {
    (0..max_entries + 3)
        .map(|i| i.to_ne_bytes().to_vec())
        .collect()
}

const OPS: usize = 20_000;

#[test]
fn hash_map_matches_its_model() {
    for (seed, max) in [(1, 16), (2, 1), (3, 5), (4, 64)] {
        let d = def(MAP_TYPE_HASH, 6, 12, max, 4);
        run_model(d, &random_keys(2 * max as usize + 2, 6, seed), OPS, seed);
    }
}

#[test]
fn hash_map_with_large_keys_and_values_matches_its_model() {
    let d = def(MAP_TYPE_HASH, 33, 40, 24, 1);
    run_model(d, &random_keys(40, 33, 7), OPS, 7);
}

#[test]
fn lru_hash_map_matches_its_model() {
    for (seed, max) in [(11, 16), (12, 1), (13, 3), (14, 40)] {
        let d = def(MAP_TYPE_LRU_HASH, 3, 16, max, 2);
        run_model(d, &random_keys(2 * max as usize + 2, 3, seed), OPS, seed);
    }
}

#[test]
fn percpu_hash_map_matches_its_model() {
    for (seed, max, ncpus) in [(21, 8, 3), (22, 1, 1), (23, 12, 5)] {
        let d = def(MAP_TYPE_PERCPU_HASH, 8, 12, max, ncpus);
        run_model(d, &random_keys(2 * max as usize + 2, 8, seed), OPS, seed);
    }
}

#[test]
fn array_map_matches_its_model() {
    for (seed, max) in [(31, 10), (32, 1)] {
        let d = def(MAP_TYPE_ARRAY, 4, 20, max, 4);
        run_model(d, &index_keys(max), OPS, seed);
    }
}

#[test]
fn percpu_array_map_matches_its_model() {
    for (seed, max, ncpus) in [(41, 5, 4), (42, 3, 1), (43, 7, 3)] {
        let d = def(MAP_TYPE_PERCPU_ARRAY, 4, 8, max, ncpus);
        run_model(d, &index_keys(max), OPS, seed);
    }
}

/// Keys whose hashes (with `seed`) all land in bucket 0 of `buckets`.
fn same_bucket_keys(n: usize, seed: u32, buckets: u32) -> Vec<Vec<u8>> {
    (0u32..)
        .map(|i| i.to_ne_bytes().to_vec())
        .filter(|k| key_hash(k, seed) & (buckets - 1) == 0)
        .take(n)
        .collect()
}

#[test]
fn keys_in_one_bucket_chain_correctly() {
    let seed = 0x5eed;
    for map_type in [MAP_TYPE_HASH, MAP_TYPE_LRU_HASH, MAP_TYPE_PERCPU_HASH] {
        let d = def(map_type, 4, 8, 32, 2);
        let keys = same_bucket_keys(48, seed, bucket_count(32).unwrap());
        // The map's seed is the low half of the run's seed.
        run_model(d, &keys, OPS, u64::from(seed));
    }
}

/// Pairs of distinct 8-byte keys with the same full 32-bit hash (a birthday search over random
/// keys: sequential ones never collide, since the hash of a 4-byte word is a bijection).
fn equal_hash_keys(pairs: usize, seed: u32) -> Vec<Vec<u8>> {
    let mut seen: HashMap<u32, u64> = HashMap::new();
    let mut keys = Vec::new();
    let mut rng = Rng(seed.into());
    for _ in 0..4_000_000 {
        let i = rng.next();
        let h = key_hash(&i.to_ne_bytes(), seed);
        match seen.insert(h, i) {
            Some(j) if j != i => {
                keys.push(j.to_ne_bytes().to_vec());
                keys.push(i.to_ne_bytes().to_vec());
            }
            _ => {}
        }
        if keys.len() == 2 * pairs {
            return keys;
        }
    }
    panic!("no {pairs} collisions in 4M random keys: the hash is suspiciously uneven")
}

#[test]
fn keys_with_equal_hashes_stay_apart() {
    let seed = 77;
    let keys = equal_hash_keys(6, seed);
    for pair in keys.chunks(2) {
        assert_eq!(key_hash(&pair[0], seed), key_hash(&pair[1], seed));
    }
    for map_type in [MAP_TYPE_HASH, MAP_TYPE_LRU_HASH] {
        run_model(def(map_type, 8, 8, 8, 1), &keys, OPS, u64::from(seed));
    }
}

#[test]
fn a_full_hash_map_refuses_and_an_lru_map_evicts_the_oldest() {
    let keys = random_keys(4, 4, 5);
    let d = def(MAP_TYPE_HASH, 4, 8, 3, 1);
    let mut mem = vec![0u8; d.bytes()];
    let mut map = Map::init(&d, &mut mem, 1).unwrap();
    for k in &keys[..3] {
        map.update(k, &[1; 8], MAP_UPDATE_ANY, None).unwrap();
    }
    assert_eq!(
        map.update(&keys[3], &[1; 8], MAP_UPDATE_ANY, None),
        Err(E2BIG)
    );
    assert_eq!(map.add(&keys[3], 0, 1, 0), Err(E2BIG));
    assert_eq!(map.entries(), 3);

    let d = def(MAP_TYPE_LRU_HASH, 4, 8, 3, 1);
    let mut mem = vec![0u8; d.bytes()];
    let mut map = Map::init(&d, &mut mem, 1).unwrap();
    for k in &keys[..3] {
        map.update(k, &[1; 8], MAP_UPDATE_ANY, None).unwrap();
    }
    map.value_mut(&keys[0], 0).unwrap(); // keys[1] is now the least recently used
    map.add(&keys[3], 0, 5, 0).unwrap();
    assert_eq!(map.value_mut(&keys[1], 0), Err(ENOENT));
    assert_eq!(map.value_mut(&keys[3], 0).unwrap(), &5u64.to_ne_bytes());
    assert_eq!(map.entries(), 3);
}

#[test]
fn percpu_updates_touch_one_cpu_and_userspace_sees_padded_values() {
    let d = def(MAP_TYPE_PERCPU_HASH, 4, 4, 4, 3);
    assert_eq!((d.value_stride(), d.user_value_size()), (8, 24));
    let mut mem = vec![0u8; d.bytes()];
    let mut map = Map::init(&d, &mut mem, 9).unwrap();
    map.update(b"key1", &[7; 4], MAP_UPDATE_NOEXIST, Some(1))
        .unwrap();
    let mut out = [0xffu8; 24];
    map.lookup_user(b"key1", &mut out).unwrap();
    assert_eq!(out, [[0; 8], [7, 7, 7, 7, 0, 0, 0, 0], [0; 8]].concat()[..]);
    // Userspace's padding bytes are not stored.
    map.update(b"key1", &[9; 24], MAP_UPDATE_EXIST, None)
        .unwrap();
    map.lookup_user(b"key1", &mut out).unwrap();
    assert_eq!(out, [[9, 9, 9, 9, 0, 0, 0, 0]; 3].concat()[..]);
    assert_eq!(map.value_mut(b"key1", 3), Err(EINVAL));
    assert_eq!(map.lookup_user(b"key1", &mut [0; 12]), Err(EINVAL));
}

#[test]
fn arrays_follow_bpf_rules() {
    let d = def(MAP_TYPE_ARRAY, 4, 8, 4, 1);
    let mut mem = vec![0u8; d.bytes()];
    let mut map = Map::init(&d, &mut mem, 0).unwrap();
    let idx = |i: u32| i.to_ne_bytes();
    assert_eq!(
        map.update(&idx(1), &[1; 8], MAP_UPDATE_NOEXIST, None),
        Err(EEXIST)
    );
    assert_eq!(
        map.update(&idx(4), &[1; 8], MAP_UPDATE_ANY, None),
        Err(E2BIG)
    );
    assert_eq!(map.update(&idx(3), &[1; 8], MAP_UPDATE_EXIST, None), Ok(()));
    assert_eq!(map.delete(&idx(3)), Err(EINVAL));
    assert_eq!(map.value_mut(&idx(4), 0), Err(ENOENT));
    assert_eq!(map.value_mut(&idx(2), 0).unwrap(), &[0; 8]);
    assert_eq!(map.entries(), 4);
    let mut out = [0u8; 4];
    map.next_key(Some(&idx(99)), &mut out).unwrap();
    assert_eq!(out, idx(0));
    map.next_key(Some(&idx(2)), &mut out).unwrap();
    assert_eq!(out, idx(3));
    assert_eq!(map.next_key(Some(&idx(3)), &mut out), Err(ENOENT));
}

#[test]
fn add_checks_offset_and_wraps() {
    let d = def(MAP_TYPE_HASH, 1, 16, 2, 1);
    let mut mem = vec![0u8; d.bytes()];
    let mut map = Map::init(&d, &mut mem, 0).unwrap();
    assert_eq!(map.add(b"k", 4, 1, 0), Err(EINVAL));
    assert_eq!(map.add(b"k", 16, 1, 0), Err(EINVAL));
    assert_eq!(map.add(b"k", u32::MAX - 7, 1, 0), Err(EINVAL));
    assert_eq!(map.entries(), 0, "a refused add creates nothing");
    map.add(b"k", 8, u64::MAX, 0).unwrap();
    map.add(b"k", 8, 2, 0).unwrap();
    let v = map.value_mut(b"k", 0).unwrap();
    assert_eq!(v[..8], [0; 8]);
    assert_eq!(v[8..], 1u64.to_ne_bytes());
}

#[test]
fn open_sees_what_init_formatted_and_refuses_what_does_not_fit() {
    let d = def(MAP_TYPE_HASH, 4, 8, 8, 1);
    let mut mem = vec![0u8; d.bytes()];
    Map::init(&d, &mut mem, 3)
        .unwrap()
        .update(b"abcd", &[5; 8], MAP_UPDATE_ANY, None)
        .unwrap();
    let mut map = Map::open(&d, &mut mem, 3);
    assert_eq!(map.entries(), 1);
    assert_eq!(map.value_mut(b"abcd", 0).unwrap(), &[5; 8]);

    let short = d.bytes() - 1;
    assert!(Map::init(&d, &mut vec![0; short], 3).is_err());
    let mut mem = vec![0u8; short];
    let mut map = Map::open(&d, &mut mem, 3);
    assert_eq!(
        map.update(b"abcd", &[5; 8], MAP_UPDATE_ANY, None),
        Err(EINVAL)
    );
    assert_eq!(map.entries(), 0);
    let ring = def(MAP_TYPE_RINGBUF, 0, 0, 4096, 1);
    assert!(Map::init(&ring, &mut vec![0; 4096], 0).is_err());
    let bad = def(MAP_TYPE_HASH, 0, 8, 8, 1);
    assert_eq!(
        Map::open(&bad, &mut vec![0; 4096], 0).delete(&[]),
        Err(EINVAL)
    );
}

// ---------------------------------------------------------------------------------------------
// Corrupted regions: any result, but no panic (index out of bounds, overflow) and no hang.
// ---------------------------------------------------------------------------------------------

fn random_ops_on(map: &mut Map<'_>, d: MapDef, rng: &mut Rng, pool: &[Vec<u8>]) {
    let mut out = vec![0u8; d.user_value_size()];
    let mut key_out = vec![0u8; d.key_size as usize];
    for _ in 0..300 {
        let key = &pool[rng.below(pool.len() as u64) as usize];
        let cpu = rng.below(d.ncpus as u64) as u32;
        let _ = match rng.below(6) {
            0 => map.update(key, &out.clone(), rng.below(3), None),
            1 => map.delete(key),
            2 => map.lookup_user(key, &mut out),
            3 => map.add(key, 0, 1, cpu),
            4 => map.value_mut(key, cpu).map(|_| ()),
            _ => map.next_key(Some(key), &mut key_out),
        };
    }
    let mut prev: Option<Vec<u8>> = None;
    for _ in 0..=d.max_entries * 2 {
        if map.next_key(prev.as_deref(), &mut key_out).is_err() {
            break;
        }
        prev = Some(key_out.clone());
    }
    let _ = map.entries();
}

#[test]
fn corrupted_regions_never_panic_or_hang() {
    let mut rng = Rng(99);
    for map_type in [
        MAP_TYPE_HASH,
        MAP_TYPE_LRU_HASH,
        MAP_TYPE_PERCPU_HASH,
        MAP_TYPE_ARRAY,
    ] {
        let d = def(map_type, 4, 8, 16, 2);
        let pool = index_keys(20);
        for round in 0..300 {
            let mut mem = vec![0u8; d.bytes()];
            random_ops_on(&mut Map::init(&d, &mut mem, 1).unwrap(), d, &mut rng, &pool);
            // Links in range make cycles and shared entries likely; random bytes the rest.
            let small = round % 2 == 0;
            for word in mem.chunks_exact_mut(4) {
                if rng.one_in(3) {
                    let v = match small {
                        true => rng.below(d.max_entries as u64 + 2) as u32,
                        false => rng.next() as u32,
                    };
                    word.copy_from_slice(&v.to_ne_bytes());
                }
            }
            random_ops_on(&mut Map::open(&d, &mut mem, 1), d, &mut rng, &pool);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// MapDef::check and sizes.
// ---------------------------------------------------------------------------------------------

#[test]
fn map_defs_are_checked() {
    let ok = [
        def(MAP_TYPE_HASH, 1, 1, 1, 1),
        def(MAP_TYPE_LRU_HASH, 256, 4096, 1000, 64),
        def(MAP_TYPE_PERCPU_HASH, 8, 8, 1024, 256),
        def(MAP_TYPE_ARRAY, 4, 256, 1 << 20, 1),
        def(MAP_TYPE_PERCPU_ARRAY, 4, 8, 100, 4096),
        def(MAP_TYPE_RINGBUF, 0, 0, 4096, 1),
        def(MAP_TYPE_RINGBUF, 0, 0, 64 << 20, 8),
    ];
    for d in ok {
        assert_eq!(d.check(), Ok(()), "{d:?}");
    }
    let refused = [
        (def(MAP_TYPE_HASH, 0, 8, 8, 1), EINVAL),
        (def(MAP_TYPE_HASH, 4, 0, 8, 1), EINVAL),
        (def(MAP_TYPE_HASH, 4, 8, 0, 1), EINVAL),
        (def(MAP_TYPE_HASH, 4, 8, 8, 0), EINVAL),
        (def(0, 4, 8, 8, 1), EINVAL),
        (def(MAP_TYPE_COUNT, 4, 8, 8, 1), EINVAL),
        (def(MAP_TYPE_ARRAY, 8, 8, 8, 1), EINVAL),
        (def(MAP_TYPE_PERCPU_ARRAY, 2, 8, 8, 1), EINVAL),
        (def(MAP_TYPE_HASH, 257, 8, 8, 1), E2BIG),
        (def(MAP_TYPE_HASH, 4, 4097, 8, 1), E2BIG),
        (def(MAP_TYPE_HASH, 4, 8, (1 << 20) + 1, 1), E2BIG),
        // Exactly MAP_BYTES_MAX passes (above); 8 more bytes per entry do not.
        (def(MAP_TYPE_ARRAY, 4, 264, 1 << 20, 1), E2BIG),
        (def(MAP_TYPE_HASH, 256, 4096, 1 << 20, 1), E2BIG),
        (
            def(MAP_TYPE_PERCPU_ARRAY, 4, 4096, 1 << 20, u32::MAX),
            E2BIG,
        ),
        (
            def(MAP_TYPE_PERCPU_HASH, 256, 4096, 1 << 20, u32::MAX),
            E2BIG,
        ),
        (
            def(MAP_TYPE_PERCPU_HASH, u32::MAX, u32::MAX, u32::MAX, u32::MAX),
            E2BIG,
        ),
        (def(MAP_TYPE_RINGBUF, 0, 0, 2048, 1), EINVAL),
        (def(MAP_TYPE_RINGBUF, 0, 0, 12288, 1), EINVAL),
        (def(MAP_TYPE_RINGBUF, 4, 0, 4096, 1), EINVAL),
        (def(MAP_TYPE_RINGBUF, 0, 8, 4096, 1), EINVAL),
        (def(MAP_TYPE_RINGBUF, 0, 0, 128 << 20, 1), E2BIG),
        (def(MAP_TYPE_RINGBUF, 0, 0, u32::MAX, 1), E2BIG),
        (def(MAP_TYPE_RINGBUF, 0, 0, 4096, 0), EINVAL),
    ];
    for (d, errno) in refused {
        assert_eq!(d.check(), Err(errno), "{d:?}");
        let _ = (d.bytes(), d.user_value_size(), d.value_stride()); // no overflow panic
    }
}

#[test]
fn map_sizes() {
    // Hash: header 24, 16 buckets (64 bytes), entries of 24 + key 8 + value 16.
    let d = def(MAP_TYPE_HASH, 6, 12, 16, 4);
    assert_eq!(d.bytes(), 24 + 64 + 16 * 48);
    assert_eq!((d.value_stride(), d.user_value_size()), (16, 12));
    // Per-CPU hash: 3 buckets round up to 4 (16 bytes), entries 24 + 8 + 3 * 16.
    let d = def(MAP_TYPE_PERCPU_HASH, 8, 12, 3, 3);
    assert_eq!(d.bytes(), 24 + 16 + 3 * 80);
    assert_eq!(d.user_value_size(), 48);
    // Arrays hold values only.
    assert_eq!(def(MAP_TYPE_PERCPU_ARRAY, 4, 5, 10, 3).bytes(), 10 * 3 * 8);
    assert_eq!(def(MAP_TYPE_RINGBUF, 0, 0, 8192, 1).bytes(), 8192);
    let huge = def(MAP_TYPE_PERCPU_HASH, u32::MAX, u32::MAX, u32::MAX, u32::MAX);
    assert_eq!(huge.bytes(), usize::MAX);
    let stride = (u32::MAX as usize + 7) & !7;
    assert_eq!(huge.value_stride(), stride);
    assert_eq!(huge.user_value_size(), u32::MAX as usize * stride);
}

// ---------------------------------------------------------------------------------------------
// Ring buffer.
// ---------------------------------------------------------------------------------------------

mod ring {
    use super::Rng;
    use kwasm_hooks::ringbuf::{record_space, DROPPED_OFFSET, FLAG_PAD, RECORD_MAX};
    use kwasm_kcore::errno::{E2BIG, EINVAL, ENOSPC};
    use kwasm_kcore::maps::ringbuf::{Consumer, Producer};
    use std::alloc::{alloc_zeroed, dealloc, Layout};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    const PAGE: usize = 4096;

    /// Consumer page, producer page and data area, page-aligned as the mmap is.
    pub struct Ring {
        base: *mut u8,
        layout: Layout,
        size: usize,
    }

    // SAFETY: the memory is owned by the Ring and only reached through raw pointers under the
    // ring buffer protocol (or after the threads using it are joined).
    unsafe impl Send for Ring {}
    unsafe impl Sync for Ring {}

    impl Ring {
        pub fn new(size: usize) -> Ring {
            let layout = Layout::from_size_align(2 * PAGE + size, PAGE).unwrap();
            // SAFETY: the layout has a nonzero size.
            let base = unsafe { alloc_zeroed(layout) };
            assert!(!base.is_null());
            Ring { base, layout, size }
        }

        fn consumer_page(&self) -> *mut u8 {
            self.base
        }

        fn producer_page(&self) -> *mut u8 {
            // SAFETY: inside the allocation.
            unsafe { self.base.add(PAGE) }
        }

        fn data(&self) -> *mut u8 {
            // SAFETY: inside the allocation.
            unsafe { self.base.add(2 * PAGE) }
        }

        pub fn producer(&self) -> Producer {
            // SAFETY: page-aligned pages and a data area of `size` bytes owned by self, which
            // the tests keep alive longer than the producer.
            unsafe {
                Producer::new(
                    self.producer_page(),
                    self.consumer_page(),
                    self.data(),
                    self.size,
                )
            }
        }

        pub fn consumer(&self) -> Consumer {
            self.consumer_of_size(self.size)
        }

        pub fn consumer_of_size(&self, size: usize) -> Consumer {
            // SAFETY: as producer(); `size` is never more than the allocated data area.
            unsafe {
                Consumer::new(
                    self.consumer_page(),
                    self.producer_page(),
                    self.data(),
                    size,
                )
            }
        }

        fn word(&self, page: *mut u8, offset: usize) -> &AtomicU64 {
            // SAFETY: 8-aligned words inside the allocation, accessed atomically by all.
            unsafe { &*(page.add(offset) as *const AtomicU64) }
        }

        pub fn producer_pos(&self) -> u64 {
            self.word(self.producer_page(), 0).load(Ordering::Acquire)
        }

        pub fn set_producer_pos(&self, pos: u64) {
            self.word(self.producer_page(), 0)
                .store(pos, Ordering::Release)
        }

        pub fn consumer_pos(&self) -> u64 {
            self.word(self.consumer_page(), 0).load(Ordering::Acquire)
        }

        pub fn set_consumer_pos(&self, pos: u64) {
            self.word(self.consumer_page(), 0)
                .store(pos, Ordering::Release)
        }

        /// A copy of the data area (single-threaded tests only).
        pub fn data_bytes(&self) -> Vec<u8> {
            // SAFETY: no other thread uses the ring in the tests that call this.
            unsafe { std::slice::from_raw_parts(self.data(), self.size) }.to_vec()
        }

        pub fn write_data(&self, at: usize, bytes: &[u8]) {
            assert!(at + bytes.len() <= self.size);
            // SAFETY: inside the data area (asserted); single-threaded callers.
            unsafe {
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.data().add(at), bytes.len())
            }
        }
    }

    impl Drop for Ring {
        fn drop(&mut self) {
            // SAFETY: allocated in new() with this layout.
            unsafe { dealloc(self.base, self.layout) }
        }
    }

    fn header(len: u32, flags: u32) -> Vec<u8> {
        [len.to_ne_bytes(), flags.to_ne_bytes()].concat()
    }

    fn read(c: &mut Consumer) -> Option<Vec<u8>> {
        c.next_record(|r| r.to_vec())
    }

    /// Record `seq`'s bytes: a length from `seq`, contents from `seq` and the position.
    pub fn record(seq: u64) -> Vec<u8> {
        let mut rng = Rng(seq);
        let len = match rng.below(10) {
            0 => 1 + rng.below(RECORD_MAX as u64) as usize,
            _ => 1 + rng.below(64) as usize,
        };
        rng.bytes(len)
    }

    #[test]
    fn records_come_back_in_order() {
        let ring = Ring::new(4096);
        let (mut p, mut c) = (ring.producer(), ring.consumer());
        assert_eq!(read(&mut c), None);
        for seq in 0..20 {
            p.output(&record(seq)).unwrap();
        }
        for seq in 0..20 {
            assert_eq!(read(&mut c), Some(record(seq)));
        }
        assert_eq!(read(&mut c), None);
        assert_eq!(ring.consumer_pos(), ring.producer_pos());
        assert_eq!(p.output(&[]), Err(EINVAL));
        assert_eq!(p.output(&vec![0; RECORD_MAX as usize + 1]), Err(E2BIG));
        assert_eq!(
            (p.dropped(), c.dropped()),
            (0, 0),
            "refused records are not drops"
        );
    }

    #[test]
    fn a_record_that_does_not_fit_before_the_end_follows_a_pad() {
        let ring = Ring::new(4096);
        let (mut p, mut c) = (ring.producer(), ring.consumer());
        for seq in 0..4u8 {
            p.output(&[seq; 1000]).unwrap(); // 1008 bytes each: 4032 in all
        }
        assert_eq!(p.output(&[9; 1000]), Err(ENOSPC), "64 bytes left");
        assert_eq!(read(&mut c), Some(vec![0; 1000]));
        assert_eq!(read(&mut c), Some(vec![1; 1000]));
        p.output(&[4; 1000]).unwrap();
        let data = ring.data_bytes();
        assert_eq!(data[4032..4040], header(56, FLAG_PAD)[..]);
        assert_eq!(data[..8], header(1000, 0)[..]);
        assert_eq!(ring.producer_pos(), 4096 + 1008);
        for seq in [2u8, 3, 4] {
            assert_eq!(read(&mut c), Some(vec![seq; 1000]));
        }
        assert_eq!(read(&mut c), None);
        assert_eq!(ring.consumer_pos(), 4096 + 1008);
    }

    #[test]
    fn a_full_buffer_drops_and_counts() {
        let ring = Ring::new(4096);
        let (mut p, mut c) = (ring.producer(), ring.consumer());
        let mut written = 0;
        while p.output(&[1; 100]).is_ok() {
            written += 1;
        }
        assert_eq!(written, 4096 / 112);
        assert_eq!(p.output(&[1; 8]), Ok(()), "a smaller one still fits");
        assert_eq!(p.output(&[1; 100]), Err(ENOSPC));
        assert_eq!((p.dropped(), c.dropped()), (2, 2));
        assert!(read(&mut c).is_some());
        assert_eq!(p.output(&[1; 100]), Ok(()));
        assert_eq!(c.dropped(), 2);
    }

    /// Random interleaving of output and reads over many wraps, against the exact free space.
    #[test]
    fn many_wraps_keep_order_and_space_accounting() {
        let size = 4096u64;
        let ring = Ring::new(size as usize);
        let (mut p, mut c) = (ring.producer(), ring.consumer());
        let mut rng = Rng(5);
        let (mut next_out, mut next_in, mut drops) = (0u64, 0u64, 0u64);
        let (mut prod, mut cons) = (0u64, 0u64);
        let mut pending = std::collections::VecDeque::new();
        for _ in 0..50_000 {
            if rng.one_in(2) {
                let bytes = record(next_out);
                let space = u64::from(record_space(bytes.len() as u32));
                let to_end = size - prod % size;
                let pad = if space > to_end { to_end } else { 0 };
                let fits = prod + pad + space - cons <= size;
                assert_eq!(p.output(&bytes).is_ok(), fits, "record {next_out}");
                if fits {
                    prod += pad + space;
                    pending.push_back((prod, space));
                    next_out += 1;
                } else {
                    drops += 1;
                }
            } else if let Some(got) = read(&mut c) {
                assert_eq!(got, record(next_in));
                let (end, _) = pending.pop_front().unwrap();
                cons = end;
                next_in += 1;
            } else {
                assert!(pending.is_empty());
            }
            assert_eq!(ring.producer_pos(), prod);
        }
        assert!(
            next_in > 10_000 && drops > 100,
            "{next_in} read, {drops} dropped"
        );
        assert_eq!(p.dropped(), drops);
    }

    /// Panics once `deadline` has passed: a lost record must fail the test, not hang it.
    fn wait(deadline: Instant, what: &str) {
        assert!(
            Instant::now() < deadline,
            "{what}: no progress for a minute"
        );
        std::thread::yield_now();
    }

    #[test]
    fn a_producer_and_a_consumer_thread_agree_on_200k_records() {
        const RECORDS: u64 = 200_000;
        let ring = Ring::new(16384);
        let deadline = Instant::now() + Duration::from_secs(60);
        std::thread::scope(|s| {
            let producer = s.spawn(|| {
                let mut p = ring.producer();
                let mut full = 0u64;
                for seq in 0..RECORDS {
                    let bytes = record(seq);
                    while p.output(&bytes) == Err(ENOSPC) {
                        full += 1;
                        wait(deadline, "producer");
                    }
                }
                assert_eq!(p.dropped(), full);
                full
            });
            let consumer = s.spawn(|| {
                let mut c = ring.consumer();
                let mut seq = 0u64;
                while seq < RECORDS {
                    match c.next_record(|r| r == record(seq)) {
                        Some(same) => {
                            assert!(same, "record {seq} differs");
                            seq += 1;
                        }
                        None => wait(deadline, "consumer"),
                    }
                }
                assert_eq!(read(&mut c), None);
                c.dropped()
            });
            let full = producer.join().unwrap();
            let seen_dropped = consumer.join().unwrap();
            assert!(seen_dropped <= full);
        });
        assert_eq!(ring.producer_pos(), ring.consumer_pos());
    }

    /// A producer page or header that lies: the consumer reads nothing and does not move.
    #[test]
    fn a_hostile_producer_cannot_make_the_consumer_read_out_of_bounds() {
        let ring = Ring::new(4096);
        let mut c = ring.consumer();
        let never = |_: &[u8]| panic!("handed out a record it should not have");
        let cases: [(u64, u64, usize, Vec<u8>); 8] = [
            (0, 16, 0, header(1000, 0)),        // length past the producer position
            (0, 4096, 0, header(u32::MAX, 0)),  // length past everything
            (0, 4096, 0, header(4089, 0)),      // one byte past the data area
            (4088, 5000, 4088, header(100, 0)), // past the end of the data area
            (4088, 5000, 4088, header(100, FLAG_PAD)), // a pad past the end
            (0, 8192, 0, header(8, 0)),         // producer more than the buffer ahead
            (64, 8, 64, header(8, 0)),          // producer behind the consumer
            (4, 100, 4, header(8, 0)),          // consumer position not 8-aligned
        ];
        for (cons, prod, at, bytes) in cases {
            ring.set_consumer_pos(cons);
            ring.set_producer_pos(prod);
            ring.write_data(at & !7, &bytes);
            assert_eq!(c.next_record(never), None, "cons {cons} prod {prod}");
            assert_eq!(ring.consumer_pos(), cons, "the consumer did not move");
        }
        // A size that is not a power of two is refused as a whole.
        ring.set_consumer_pos(0);
        ring.set_producer_pos(16);
        ring.write_data(0, &header(8, 0));
        assert_eq!(ring.consumer_of_size(3000).next_record(never), None);
        assert_eq!(
            c.next_record(|r| r.len()),
            Some(8),
            "the same record is fine"
        );
    }

    /// A consumer position that lies (userspace writes it): the producer writes nothing.
    #[test]
    fn a_hostile_consumer_position_only_stops_the_producer() {
        let ring = Ring::new(4096);
        let mut p = ring.producer();
        for cons in [64u64, u64::MAX / 2, 1 << 40] {
            ring.set_consumer_pos(cons);
            assert_eq!(p.output(&[1; 8]), Err(ENOSPC));
        }
        assert!(ring.data_bytes().iter().all(|&b| b == 0));
        assert_eq!(ring.producer_pos(), 0);
        // Reading the drop count through the page works as userspace does.
        let dropped = ring
            .word(ring.producer_page(), DROPPED_OFFSET)
            .load(Ordering::Relaxed);
        assert_eq!(dropped, 3);
    }
}

// ---------------------------------------------------------------------------------------------
// Map declarations and custom sections.
// ---------------------------------------------------------------------------------------------

mod decls {
    use kwasm_hooks::map::*;
    use kwasm_kcore::maps::decl::{custom_section, parse_decls, DeclError};

    fn decl(name: &str, map_type: u32) -> MapDecl {
        MapDecl {
            name: padded_name(name),
            map_type,
            key_size: 4,
            value_size: 8,
            max_entries: 16,
            flags: 0,
            _reserved: [0; 3],
        }
    }

    fn section(decls: &[MapDecl]) -> Vec<u8> {
        decls.iter().flat_map(|d| d.to_bytes()).collect()
    }

    fn parse(bytes: &[u8]) -> Result<Vec<MapDecl>, DeclError> {
        let mut out = [MapDecl::default(); 64];
        let n = parse_decls(bytes, &mut out)?;
        Ok(out[..n].to_vec())
    }

    #[test]
    fn declarations_parse() {
        let decls = [
            decl("drops", MAP_TYPE_HASH),
            decl("0123456789abcdef", MAP_TYPE_ARRAY),
            decl("events", MAP_TYPE_RINGBUF),
        ];
        assert_eq!(parse(&section(&decls)), Ok(decls.to_vec()));
        assert_eq!(parse(&[]), Ok(vec![]));
        let many: Vec<_> = (0..64)
            .map(|i| decl(&format!("m{i}"), MAP_TYPE_LRU_HASH))
            .collect();
        assert_eq!(parse(&section(&many)).map(|d| d.len()), Ok(64));
    }

    fn refused(bytes: &[u8]) -> DeclError {
        let err = parse(bytes).expect_err("refused");
        assert_eq!(err.errno(), kwasm_kcore::errno::EINVAL);
        err
    }

    #[test]
    fn bad_declarations_are_refused_naming_the_record() {
        let good = decl("first", MAP_TYPE_HASH);
        let with = |d: MapDecl| section(&[good, d]);
        let mut b = with(decl("x", MAP_TYPE_HASH));
        b.pop();
        assert_eq!(refused(&b), DeclError::Length { len: 95 });

        let mut b = with(decl("resv", MAP_TYPE_HASH));
        b[48 + 44] = 1;
        let e = refused(&b);
        assert!(matches!(e, DeclError::Reserved { index: 1, .. }));
        assert!(e.to_string().contains("map 1 \"resv\""), "{e}");

        let mut d = decl("flagged", MAP_TYPE_HASH);
        d.flags = 2;
        assert!(refused(&with(d)).to_string().contains("flags 0x2"));

        for t in [0, MAP_TYPE_COUNT, u32::MAX] {
            let e = refused(&with(decl("odd", t)));
            assert!(
                matches!(e, DeclError::UnknownType { index: 1, map_type, .. } if map_type == t)
            );
        }

        assert!(matches!(
            refused(&with(decl("", MAP_TYPE_HASH))),
            DeclError::Name { index: 1, .. }
        ));
        let mut d = decl("a", MAP_TYPE_HASH);
        d.name[2] = b'b';
        let e = refused(&with(d));
        assert!(matches!(e, DeclError::Name { index: 1, .. }));
        assert!(e.to_string().contains("\"a\""), "{e}");

        let e = refused(&with(decl("first", MAP_TYPE_ARRAY)));
        assert_eq!(
            e,
            DeclError::DuplicateName {
                index: 1,
                first: 0,
                name: padded_name("first")
            }
        );
        assert!(e.to_string().contains("same name as map 0"), "{e}");
    }

    #[test]
    fn too_many_declarations_are_refused() {
        let many: Vec<_> = (0..65)
            .map(|i| decl(&format!("m{i}"), MAP_TYPE_HASH))
            .collect();
        assert_eq!(
            refused(&section(&many)),
            DeclError::TooMany { count: 65, max: 64 }
        );
        let mut out = [MapDecl::default(); 2];
        let three = section(&many[..3]);
        assert_eq!(
            parse_decls(&three, &mut out),
            Err(DeclError::TooMany { count: 3, max: 2 })
        );
    }

    /// Two distinct names with the same FNV-1a hash (a birthday search over random names).
    fn names_with_equal_ids() -> (String, String) {
        let mut seen = std::collections::HashMap::new();
        let mut rng = super::Rng(3);
        for _ in 0..4_000_000 {
            let name: String = (0..10)
                .map(|_| (b'a' + rng.below(26) as u8) as char)
                .collect();
            match seen.insert(map_id(name.as_bytes()), name.clone()) {
                Some(other) if other != name => return (other, name),
                _ => {}
            }
        }
        panic!("no FNV-1a collision among 4M random names")
    }

    #[test]
    fn equal_map_ids_are_refused() {
        let (a, b) = names_with_equal_ids();
        assert!(a.len() <= 16 && b.len() <= 16 && a != b);
        let e = refused(&section(&[
            decl(&a, MAP_TYPE_HASH),
            decl(&b, MAP_TYPE_HASH),
        ]));
        assert!(matches!(
            e,
            DeclError::DuplicateId {
                index: 1,
                first: 0,
                ..
            }
        ));
        assert!(e.to_string().contains("map id"), "{e}");
    }

    fn leb(mut v: u32) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return out;
            }
            out.push(byte | 0x80);
        }
    }

    fn custom(name: &str, payload: &[u8]) -> Vec<u8> {
        let body = [
            leb(name.len() as u32),
            name.as_bytes().to_vec(),
            payload.to_vec(),
        ]
        .concat();
        [vec![0], leb(body.len() as u32), body].concat()
    }

    const HEADER: &[u8] = b"\0asm\x01\0\0\0";

    fn module(sections: &[Vec<u8>]) -> Vec<u8> {
        [HEADER.to_vec(), sections.concat()].concat()
    }

    #[test]
    fn custom_sections_are_found() {
        let decls = section(&[decl("drops", MAP_TYPE_HASH), decl("ev", MAP_TYPE_RINGBUF)]);
        let type_section = vec![1, 4, 1, 0x60, 0, 0]; // one type: [] -> []
        let wasm = module(&[
            type_section,
            custom("name", &[1, 2, 3]),
            custom(MAPS_SECTION, &decls),
            custom(MAPS_SECTION, b"second"),
        ]);
        assert_eq!(custom_section(&wasm, MAPS_SECTION), Some(&decls[..]));
        assert_eq!(custom_section(&wasm, "name"), Some(&[1u8, 2, 3][..]));
        assert_eq!(custom_section(&wasm, "kwasm"), None);
        assert_eq!(custom_section(&module(&[]), MAPS_SECTION), None);
        assert_eq!(
            custom_section(&module(&[custom("e", &[])]), "e"),
            Some(&[][..])
        );
    }

    #[test]
    fn malformed_binaries_give_none() {
        let good = module(&[custom("a", &[1; 200])]); // a two-byte section size
        assert_eq!(custom_section(&good, "a"), Some(&[1u8; 200][..]));
        let cases: Vec<Vec<u8>> = vec![
            good[..good.len() - 1].to_vec(),                  // truncated payload
            good[..9].to_vec(),                               // truncated size
            [&b"\0asn\x01\0\0\0"[..], &good[8..]].concat(),   // bad magic
            [&b"\0asm\x02\0\0\0"[..], &good[8..]].concat(),   // other version
            module(&[vec![0, 0x80, 0x80, 0x80, 0x80, 0x10]]), // size beyond 32 bits
            module(&[vec![0, 0xff, 0xff, 0xff, 0xff, 0x0f]]), // size past the end
            module(&[vec![0, 2, 5, b'a']]),                   // name past its section
            module(&[vec![1, 0], custom("a", &[]), vec![3]]), // junk after the match
        ];
        for (i, wasm) in cases.iter().enumerate().take(7) {
            assert_eq!(custom_section(wasm, "a"), None, "case {i}");
        }
        // The first match is returned before anything malformed after it is seen.
        assert_eq!(custom_section(&cases[7], "a"), Some(&[][..]));
    }
}

#[test]
fn array_layouts_place_every_cpus_value_and_follow_the_operations_rules() {
    use kwasm_hooks::map::{
        MAP_TYPE_ARRAY, MAP_TYPE_HASH, MAP_TYPE_PERCPU_ARRAY, MAP_UPDATE_EXIST, MAP_UPDATE_NOEXIST,
    };
    use kwasm_kcore::maps::array::ArrayLayout;
    use kwasm_kcore::maps::MapDef;
    let def = |map_type, ncpus| MapDef {
        map_type,
        key_size: 4,
        value_size: 12,
        max_entries: 5,
        ncpus,
    };
    let percpu = ArrayLayout::of(&def(MAP_TYPE_PERCPU_ARRAY, 3)).unwrap();
    assert_eq!(
        (percpu.value_size(), percpu.stride(), percpu.slots()),
        (12, 16, 3)
    );
    // Index 2, CPU 1: two blocks of three 16-byte values, then one value.
    assert_eq!(
        percpu.value_at(&2u32.to_ne_bytes(), 1, None),
        Ok(2 * 48 + 16)
    );
    assert_eq!(percpu.value_at(&2u32.to_ne_bytes(), 3, None), Err(22));
    assert_eq!(percpu.value_at(&5u32.to_ne_bytes(), 0, None), Err(2));
    assert_eq!(percpu.value_at(&5u32.to_ne_bytes(), 0, Some(0)), Err(7));
    assert_eq!(
        percpu.value_at(&1u32.to_ne_bytes(), 0, Some(MAP_UPDATE_NOEXIST)),
        Err(17)
    );
    assert_eq!(
        percpu.value_at(&1u32.to_ne_bytes(), 0, Some(MAP_UPDATE_EXIST)),
        Ok(48)
    );
    assert_eq!(percpu.value_at(&[1, 0], 0, None), Err(22));
    // One value per index: the CPU does not matter.
    let plain = ArrayLayout::of(&def(MAP_TYPE_ARRAY, 1)).unwrap();
    assert_eq!(plain.value_at(&4u32.to_ne_bytes(), 7, None), Ok(4 * 16));
    let mut next = [0u8; 4];
    plain
        .next_key(Some(&3u32.to_ne_bytes()), &mut next)
        .unwrap();
    assert_eq!(u32::from_ne_bytes(next), 4);
    assert_eq!(plain.next_key(Some(&4u32.to_ne_bytes()), &mut next), Err(2));
    assert!(ArrayLayout::of(&def(MAP_TYPE_HASH, 1)).is_none());
}
