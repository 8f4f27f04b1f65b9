//! The kwasm side through `/dev/kwasm` at the ioctl level (vmtests' `raw::Dev`), as the eBPF
//! side goes through bpf(2): load a netfilter program, find its maps, test-run, attach.

use kwasm_hooks::attr::{IdAttr, ProgInfoAttr, TestRunAttr};
use kwasm_hooks::ioctl::{
    KWASM_IOC_MAP_GET_FD_BY_ID, KWASM_IOC_MAP_GET_INFO, KWASM_IOC_PROG_GET_INFO,
    KWASM_IOC_PROG_TEST_RUN,
};
use kwasm_hooks::map::{is_percpu, name_bytes, padded_name, MapInfoAttr};
use kwasm_hooks::netfilter::{NFPROTO_IPV4, NF_INET_LOCAL_IN};
use kwasm_hooks::prog_type::PROG_TYPE_NETFILTER;
use kwasm_vmtests::raw::{sized, Dev};
use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};

/// A map of a loaded program, opened by id.
pub struct Map {
    pub fd: OwnedFd,
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    /// Values per key: possible CPUs for per-CPU maps, else 1.
    pub ncpus: u32,
}

/// A loaded netfilter program and its maps by declared name.
pub struct Prog {
    pub fd: OwnedFd,
    pub maps: HashMap<String, Map>,
    pub code_size: u64,
}

/// One test run: verdict and trap of the last run, mean ns of one.
pub struct TestRun {
    pub verdict: u32,
    pub trap: u32,
    pub duration_ns: u64,
}

fn os(e: io::Error, what: &str) -> String {
    format!("{what}: {e}")
}

/// Loads `wasm` as a netfilter program named `name` and opens its maps.
pub fn load(dev: &Dev, name: &str, wasm: &[u8]) -> Result<Prog, String> {
    let fd = dev
        .load(wasm, PROG_TYPE_NETFILTER, |a| a.name = padded_name(name))
        .map_err(|(errno, log)| {
            format!(
                "PROG_LOAD (netfilter): {}; load log: {}",
                io::Error::from_raw_os_error(errno),
                log.trim()
            )
        })?;
    let mut ids = [0u32; 64];
    let mut info: ProgInfoAttr = sized();
    info.prog_fd = fd.as_raw_fd() as u32;
    info.map_ids = ids.as_mut_ptr() as u64;
    info.nr_map_ids = ids.len() as u32;
    dev.call(KWASM_IOC_PROG_GET_INFO, &mut info)
        .map_err(|e| os(e, "PROG_GET_INFO"))?;
    let mut maps = HashMap::new();
    for &id in &ids[..(info.nr_map_ids as usize).min(ids.len())] {
        let mut a: IdAttr = sized();
        a.id = id;
        let map_fd = dev
            .call_fd(KWASM_IOC_MAP_GET_FD_BY_ID, &mut a)
            .map_err(|e| os(e, "MAP_GET_FD_BY_ID"))?;
        let mut mi: MapInfoAttr = sized();
        mi.map_fd = map_fd.as_raw_fd() as u32;
        dev.call(KWASM_IOC_MAP_GET_INFO, &mut mi)
            .map_err(|e| os(e, "MAP_GET_INFO"))?;
        let map = Map {
            fd: map_fd,
            map_type: mi.map_type,
            key_size: mi.key_size,
            value_size: mi.value_size,
            ncpus: mi.ncpus,
        };
        maps.insert(
            String::from_utf8_lossy(name_bytes(&mi.name)).into_owned(),
            map,
        );
    }
    Ok(Prog {
        fd,
        maps,
        code_size: info.code_size,
    })
}

impl Prog {
    /// `PROG_TEST_RUN` on `packet` (from its IP header), `repeat` times, with the default
    /// context (NF_INET_LOCAL_IN, the family of the packet's version).
    pub fn test_run(&self, dev: &Dev, packet: &[u8], repeat: u32) -> io::Result<TestRun> {
        let mut a: TestRunAttr = sized();
        a.prog_fd = self.fd.as_raw_fd() as u32;
        a.data_in = packet.as_ptr() as u64;
        a.data_len = packet.len() as u32;
        a.repeat = repeat;
        dev.call(KWASM_IOC_PROG_TEST_RUN, &mut a)?;
        Ok(TestRun {
            verdict: a.retval,
            trap: a.trap,
            duration_ns: a.duration_ns,
        })
    }

    /// Attaches the program at IPv4 LOCAL_IN with `priority` (`LINK_CREATE`).
    pub fn attach(&self, dev: &Dev, priority: i32) -> io::Result<OwnedFd> {
        dev.attach_nf(&self.fd, NFPROTO_IPV4, NF_INET_LOCAL_IN, priority, 0)
    }

    pub fn map(&self, name: &str) -> Result<&Map, String> {
        self.maps
            .get(name)
            .ok_or_else(|| format!("the program has no map {name}"))
    }
}

impl Map {
    pub fn update(&self, dev: &Dev, key: &[u8], value: &[u8]) -> io::Result<()> {
        dev.map_update(&self.fd, key, value, 0)
    }

    /// The value of `key`, `None` if absent. For per-CPU maps every possible CPU's value, each
    /// padded to 8 bytes, as userspace sees them.
    pub fn lookup(&self, dev: &Dev, key: &[u8]) -> io::Result<Option<Vec<u8>>> {
        let len = if is_percpu(self.map_type) {
            self.ncpus as usize * (self.value_size as usize).next_multiple_of(8)
        } else {
            self.value_size as usize
        };
        match dev.map_lookup(&self.fd, key, len) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
