//! [`PerCpuArray`]: an array map with one typed value per CPU at each index.

use super::array::missing;
use super::pod::Pod;
use super::typed::{check, check_cpus, check_index};
use super::{Map, MapSpec, MapType, PerCpuValues};
use crate::Error;
use std::marker::PhantomData;

/// A per-CPU array map: each index holds one `V` per possible CPU.
///
/// ```no_run
/// use kwasm::maps::PerCpuArray;
/// let prog = kwasm::Program::load("counter.wasm")?;
/// let packets: PerCpuArray<u64> = PerCpuArray::try_from(prog.map("packets")?)?;
/// let total: u64 = packets.get(0)?.iter().sum();
/// # Ok::<(), kwasm::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct PerCpuArray<V: Pod> {
    map: Map,
    _types: PhantomData<V>,
}

impl<V: Pod> TryFrom<Map> for PerCpuArray<V> {
    type Error = Error;

    fn try_from(map: Map) -> Result<Self, Error> {
        check(
            &map,
            &[MapType::PerCpuArray],
            "percpu_array",
            4,
            size_of::<V>(),
        )?;
        Ok(PerCpuArray {
            map,
            _types: PhantomData,
        })
    }
}

impl<V: Pod> PerCpuArray<V> {
    pub fn create(name: &str, len: u32) -> Result<Self, Error> {
        Map::create(&MapSpec {
            map_type: MapType::PerCpuArray,
            key_size: 4,
            value_size: size_of::<V>() as u32,
            max_entries: len,
            name: name.into(),
        })?
        .try_into()
    }

    pub fn len(&self) -> u32 {
        self.map.max_entries()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Possible CPUs: how many values each index holds.
    pub fn ncpus(&self) -> usize {
        self.map.ncpus() as usize
    }

    pub fn get(&self, index: u32) -> Result<PerCpuValues<V>, Error> {
        check_index(&self.map, index)?;
        let value = self.map.lookup(&index.to_le_bytes())?;
        value
            .map(|v| PerCpuValues::from_bytes(&v))
            .ok_or_else(missing)
    }

    /// Sets every CPU's value at `index` (exactly [`Self::ncpus`] values).
    pub fn set(&self, index: u32, values: &PerCpuValues<V>, flags: u64) -> Result<(), Error> {
        check_index(&self.map, index)?;
        check_cpus(&self.map, values.len())?;
        self.map
            .update(&index.to_le_bytes(), &values.to_bytes(), flags)
    }

    /// Every `(index, values)`, fetched in batches.
    pub fn iter(&self) -> impl Iterator<Item = Result<(u32, PerCpuValues<V>), Error>> {
        self.map.iter().map(|e| {
            e.map(|(k, v)| {
                let index = u32::from_le_bytes(k[..4].try_into().expect("4-byte key"));
                (index, PerCpuValues::from_bytes(&v))
            })
        })
    }

    pub fn map(&self) -> &Map {
        &self.map
    }
}
