//! [`PerCpuHashMap`]: a hash map with one typed value per CPU for each key.

use super::pod::{bytes_of, from_bytes, Pod};
use super::typed::{check, check_cpus};
use super::{Map, MapSpec, MapType, PerCpuValues};
use crate::Error;
use std::borrow::Borrow;
use std::marker::PhantomData;

/// A per-CPU hash map with keys `K`, each holding one `V` per possible CPU.
///
/// ```no_run
/// use kwasm::maps::{PerCpuHashMap, PerCpuValues, MAP_UPDATE_ANY};
/// let bytes: PerCpuHashMap<u32, u64> = PerCpuHashMap::create("bytes", 128)?;
/// let zero = PerCpuValues::splat(0u64, bytes.ncpus());
/// bytes.insert(80, &zero, MAP_UPDATE_ANY)?;
/// # Ok::<(), kwasm::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct PerCpuHashMap<K: Pod, V: Pod> {
    map: Map,
    _types: PhantomData<(K, V)>,
}

impl<K: Pod, V: Pod> TryFrom<Map> for PerCpuHashMap<K, V> {
    type Error = Error;

    fn try_from(map: Map) -> Result<Self, Error> {
        let types = [MapType::PerCpuHash];
        check(&map, &types, "percpu_hash", size_of::<K>(), size_of::<V>())?;
        Ok(PerCpuHashMap {
            map,
            _types: PhantomData,
        })
    }
}

impl<K: Pod, V: Pod> PerCpuHashMap<K, V> {
    pub fn create(name: &str, max_entries: u32) -> Result<Self, Error> {
        Map::create(&MapSpec {
            map_type: MapType::PerCpuHash,
            key_size: size_of::<K>() as u32,
            value_size: size_of::<V>() as u32,
            max_entries,
            name: name.into(),
        })?
        .try_into()
    }

    /// Possible CPUs: how many values each key holds.
    pub fn ncpus(&self) -> usize {
        self.map.ncpus() as usize
    }

    pub fn get(&self, key: &K) -> Result<Option<PerCpuValues<V>>, Error> {
        let value = self.map.lookup(bytes_of(key))?;
        Ok(value.map(|v| PerCpuValues::from_bytes(&v)))
    }

    /// Sets every CPU's value of `key` (exactly [`Self::ncpus`] values).
    pub fn insert(
        &self,
        key: impl Borrow<K>,
        values: &PerCpuValues<V>,
        flags: u64,
    ) -> Result<(), Error> {
        check_cpus(&self.map, values.len())?;
        self.map
            .update(bytes_of(key.borrow()), &values.to_bytes(), flags)
    }

    pub fn remove(&self, key: &K) -> Result<(), Error> {
        self.map.delete(bytes_of(key))
    }

    pub fn iter(&self) -> impl Iterator<Item = Result<(K, PerCpuValues<V>), Error>> {
        self.map
            .iter()
            .map(|e| e.map(|(k, v)| (from_bytes(&k), PerCpuValues::from_bytes(&v))))
    }

    pub fn keys(&self) -> impl Iterator<Item = Result<K, Error>> {
        self.map.keys().map(|k| k.map(|k| from_bytes(&k)))
    }

    pub fn map(&self) -> &Map {
        &self.map
    }
}
