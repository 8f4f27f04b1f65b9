//! Maps: state that hook programs share with each other and with userspace.
//!
//! [`Map`] is any map, with raw byte operations. The typed views ([`HashMap`], [`Array`],
//! [`PerCpuArray`], [`PerCpuHashMap`], [`RingBuf`]) check the map's type and sizes once, when
//! made from a [`Map`], and then read and write [`Pod`] keys and values.

mod array;
mod batch;
mod elem;
mod hash_map;
mod info;
mod mmap;
mod per_cpu_array;
mod per_cpu_hash_map;
pub mod percpu;
mod pod;
mod ringbuf;
mod typed;

pub use array::Array;
pub use batch::{Batch, MapIter};
pub use hash_map::HashMap;
pub use info::{MapInfo, MapSpec, MapType};
pub use per_cpu_array::PerCpuArray;
pub use per_cpu_hash_map::PerCpuHashMap;
pub use percpu::PerCpuValues;
pub use pod::Pod;
pub use ringbuf::RingBuf;

/// Update flags, as bpf(2): create or replace, create only (`EEXIST` if present), replace only
/// (`ENOENT` if absent).
pub use kwasm_hooks::map::{MAP_UPDATE_ANY, MAP_UPDATE_EXIST, MAP_UPDATE_NOEXIST};

use crate::ids::Ids;
use crate::sys::{attr_size, fd_arg};
use crate::{pin, Device, Error};
use kwasm_hooks::attr::IdAttr;
use kwasm_hooks::ioctl::*;
use kwasm_hooks::map::MapInfoAttr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Arc;

/// Any map: an fd and what the kernel said of it when it was opened. Cloning shares the fd;
/// the map goes once no fd, pin or program refers to it.
#[derive(Clone, Debug)]
pub struct Map {
    fd: Arc<OwnedFd>,
    dev: Arc<Device>,
    /// As of opening: type, sizes, name and id never change; counts may be stale.
    info: MapInfo,
}

impl Map {
    /// Creates a map.
    pub fn create(spec: &MapSpec) -> Result<Map, Error> {
        Self::create_on(Device::shared()?, spec)
    }

    /// [`Map::create`] through a given device.
    pub fn create_on(dev: Arc<Device>, spec: &MapSpec) -> Result<Map, Error> {
        let mut attr = spec.to_attr();
        let fd = dev.call_fd(KWASM_IOC_MAP_CREATE, "KWASM_IOC_MAP_CREATE", &mut attr)?;
        Map::open(fd, dev)
    }

    /// Opens the map with `id`.
    pub fn from_id(id: u32) -> Result<Map, Error> {
        Self::from_id_on(Device::shared()?, id)
    }

    /// [`Map::from_id`] through a given device.
    pub fn from_id_on(dev: Arc<Device>, id: u32) -> Result<Map, Error> {
        let mut attr = IdAttr {
            size: attr_size::<IdAttr>(),
            id,
            ..Default::default()
        };
        let fd = dev.call_fd(
            KWASM_IOC_MAP_GET_FD_BY_ID,
            "KWASM_IOC_MAP_GET_FD_BY_ID",
            &mut attr,
        )?;
        Map::open(fd, dev)
    }

    /// Opens the map pinned under `name`.
    ///
    /// ```no_run
    /// let map = kwasm::Map::from_pin("firewall/counts")?;
    /// println!("{} entries", map.info()?.entries);
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn from_pin(name: &str) -> Result<Map, Error> {
        let dev = Device::shared()?;
        let fd = pin::get(&dev, name)?;
        Map::open(fd, dev)
    }

    /// The ids of the maps in the kernel, in increasing order.
    pub fn ids() -> Ids {
        Ids::new(KWASM_IOC_MAP_GET_NEXT_ID, "KWASM_IOC_MAP_GET_NEXT_ID")
    }

    /// Pins the map under `name`.
    pub fn pin(&self, name: &str) -> Result<(), Error> {
        pin::pin(&self.dev, self.as_fd(), name)
    }

    /// The kernel's current view of the map (entries, bytes and drops change).
    pub fn info(&self) -> Result<MapInfo, Error> {
        info(&self.dev, self.as_fd())
    }

    fn open(fd: OwnedFd, dev: Arc<Device>) -> Result<Map, Error> {
        let info = info(&dev, fd.as_fd())?;
        Ok(Map {
            fd: Arc::new(fd),
            dev,
            info,
        })
    }

    pub fn id(&self) -> u32 {
        self.info.id
    }

    pub fn name(&self) -> &str {
        &self.info.name
    }

    pub fn map_type(&self) -> MapType {
        self.info.map_type
    }

    pub fn key_size(&self) -> u32 {
        self.info.key_size
    }

    /// One value's bytes (one CPU's, for per-CPU maps).
    pub fn value_size(&self) -> u32 {
        self.info.value_size
    }

    /// Bytes of a value as [`Map::lookup`] returns it (all CPUs' for per-CPU maps).
    pub fn value_len(&self) -> usize {
        self.info.value_len()
    }

    pub fn max_entries(&self) -> u32 {
        self.info.max_entries
    }

    /// Values per key: possible CPUs for per-CPU maps, else 1.
    pub fn ncpus(&self) -> u32 {
        self.info.ncpus
    }

    /// A map that is not in the kernel: `info` as given, fd and device on `/dev/null`. For
    /// tests of what the library checks before any ioctl.
    #[cfg(test)]
    pub(crate) fn fake(info: MapInfo) -> Map {
        let fd = std::fs::File::open("/dev/null").expect("open /dev/null");
        Map {
            fd: Arc::new(fd.into()),
            dev: Arc::new(Device::fake()),
            info,
        }
    }

    pub(crate) fn dev(&self) -> &Device {
        &self.dev
    }

    pub(crate) fn shared_fd(&self) -> &Arc<OwnedFd> {
        &self.fd
    }
}

impl AsFd for Map {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

fn info(dev: &Device, fd: BorrowedFd<'_>) -> Result<MapInfo, Error> {
    let mut attr = MapInfoAttr {
        size: attr_size::<MapInfoAttr>(),
        map_fd: fd_arg(fd),
        ..Default::default()
    };
    dev.call(KWASM_IOC_MAP_GET_INFO, "KWASM_IOC_MAP_GET_INFO", &mut attr)?;
    Ok(MapInfo::from_attr(&attr))
}
