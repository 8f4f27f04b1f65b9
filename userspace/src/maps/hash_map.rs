//! [`HashMap`]: a hash or LRU hash map with typed keys and values.

use super::pod::{bytes_of, from_bytes, Pod};
use super::typed::check;
use super::{Map, MapSpec, MapType};
use crate::Error;
use std::borrow::Borrow;
use std::marker::PhantomData;

/// A hash map (or an LRU hash map) with keys `K` and values `V`.
///
/// ```no_run
/// use kwasm::maps::{HashMap, MAP_UPDATE_ANY};
/// let prog = kwasm::Program::load("counter.wasm")?;
/// let counts: HashMap<u32, u64> = HashMap::try_from(prog.map("counts")?)?;
/// counts.insert(5, 0, MAP_UPDATE_ANY)?;
/// for entry in counts.iter() {
///     let (port, n) = entry?;
///     println!("{port}: {n}");
/// }
/// # Ok::<(), kwasm::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct HashMap<K: Pod, V: Pod> {
    map: Map,
    _types: PhantomData<(K, V)>,
}

impl<K: Pod, V: Pod> TryFrom<Map> for HashMap<K, V> {
    type Error = Error;

    fn try_from(map: Map) -> Result<Self, Error> {
        let types = [MapType::Hash, MapType::LruHash];
        check(
            &map,
            &types,
            "hash or lru_hash",
            size_of::<K>(),
            size_of::<V>(),
        )?;
        Ok(HashMap {
            map,
            _types: PhantomData,
        })
    }
}

impl<K: Pod, V: Pod> HashMap<K, V> {
    /// Creates a hash map (`lru`: evicting its least recently used entry when full).
    pub fn create(name: &str, max_entries: u32, lru: bool) -> Result<Self, Error> {
        Map::create(&MapSpec {
            map_type: if lru { MapType::LruHash } else { MapType::Hash },
            key_size: size_of::<K>() as u32,
            value_size: size_of::<V>() as u32,
            max_entries,
            name: name.into(),
        })?
        .try_into()
    }

    pub fn get(&self, key: &K) -> Result<Option<V>, Error> {
        Ok(self.map.lookup(bytes_of(key))?.map(|v| from_bytes(&v)))
    }

    /// `flags`: `MAP_UPDATE_ANY`, `MAP_UPDATE_NOEXIST` or `MAP_UPDATE_EXIST`.
    pub fn insert(
        &self,
        key: impl Borrow<K>,
        value: impl Borrow<V>,
        flags: u64,
    ) -> Result<(), Error> {
        self.map
            .update(bytes_of(key.borrow()), bytes_of(value.borrow()), flags)
    }

    /// Removes `key` (`ENOENT` if absent).
    pub fn remove(&self, key: &K) -> Result<(), Error> {
        self.map.delete(bytes_of(key))
    }

    /// Every entry, fetched in batches.
    pub fn iter(&self) -> impl Iterator<Item = Result<(K, V), Error>> {
        self.map
            .iter()
            .map(|e| e.map(|(k, v)| (from_bytes(&k), from_bytes(&v))))
    }

    pub fn keys(&self) -> impl Iterator<Item = Result<K, Error>> {
        self.map.keys().map(|k| k.map(|k| from_bytes(&k)))
    }

    /// The untyped map.
    pub fn map(&self) -> &Map {
        &self.map
    }
}
