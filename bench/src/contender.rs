//! The contenders: a program on either side behind one interface (test run, attach, the
//! port filter's maps).

use crate::{ebpf, kwasm};
use kwasm_hooks::link::LinkInfoAttr;
use kwasm_vmtests::raw::Dev;
use std::os::fd::OwnedFd;

/// Netfilter priority of both sides' links (the filter table's, NF_IP_PRI_FILTER).
pub const PRIORITY: i32 = 0;

/// A program under test.
pub enum Prog<'a> {
    Ebpf {
        prog: ebpf::Prog,
        obj: &'a ebpf::Object,
    },
    Kwasm {
        prog: kwasm::Prog,
        dev: &'a Dev,
    },
}

/// One test run's outcome: verdict, trap (kwasm), mean ns of one run.
pub struct Run {
    pub verdict: u32,
    pub trap: u32,
    pub ns: f64,
}

/// A DROPS key for an IPv4 source: the address's bytes, or `::ffff:a.b.c.d` for maps keyed
/// by 16-byte addresses (the Rust guest's).
fn drops_key(key_size: u32, src: [u8; 4]) -> Vec<u8> {
    if key_size == 16 {
        let mut k = vec![0u8; 16];
        k[10..12].copy_from_slice(&[0xff, 0xff]);
        k[12..].copy_from_slice(&src);
        k
    } else {
        src.to_vec()
    }
}

fn u64_of(bytes: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(b)
}

impl Prog<'_> {
    pub fn test_run(&self, packet: &[u8], repeat: u32) -> Result<Run, String> {
        match self {
            Prog::Ebpf { prog, .. } => prog
                .test_run(packet, repeat)
                .map(|r| Run {
                    verdict: r.retval,
                    trap: 0,
                    ns: f64::from(r.duration_ns),
                })
                .map_err(|e| format!("BPF_PROG_TEST_RUN: {e}")),
            Prog::Kwasm { prog, dev } => prog
                .test_run(dev, packet, repeat)
                .map(|r| Run {
                    verdict: r.verdict,
                    trap: r.trap,
                    ns: r.duration_ns as f64,
                })
                .map_err(|e| format!("KWASM_IOC_PROG_TEST_RUN: {e}")),
        }
    }

    pub fn attach(&self) -> Result<OwnedFd, String> {
        use kwasm_hooks::netfilter::{NFPROTO_IPV4, NF_INET_LOCAL_IN};
        match self {
            Prog::Ebpf { prog, .. } => prog
                .attach(NFPROTO_IPV4, NF_INET_LOCAL_IN, PRIORITY)
                .map_err(|e| format!("BPF_LINK_CREATE: {e}")),
            Prog::Kwasm { prog, dev } => prog
                .attach(dev, PRIORITY)
                .map_err(|e| format!("KWASM_IOC_LINK_CREATE: {e}")),
        }
    }

    /// CONFIG[0] = `port`.
    pub fn set_port(&self, port: u16) -> Result<(), String> {
        let (key, value) = (0u32.to_le_bytes(), u32::from(port).to_le_bytes());
        match self {
            Prog::Ebpf { obj, .. } => obj
                .maps
                .get("CONFIG")
                .ok_or("no CONFIG map")?
                .update(&key, &value)
                .map_err(|e| format!("BPF_MAP_UPDATE_ELEM CONFIG: {e}")),
            Prog::Kwasm { prog, dev } => prog
                .map("CONFIG")?
                .update(dev, &key, &value)
                .map_err(|e| format!("MAP_UPDATE_ELEM CONFIG: {e}")),
        }
    }

    /// DROPS[`src`], `None` when absent.
    pub fn drops(&self, src: [u8; 4]) -> Result<Option<u64>, String> {
        let value = match self {
            Prog::Ebpf { obj, .. } => {
                let map = obj.maps.get("DROPS").ok_or("no DROPS map")?;
                map.lookup(&drops_key(map.key_size, src))
                    .map_err(|e| format!("BPF_MAP_LOOKUP_ELEM DROPS: {e}"))?
            }
            Prog::Kwasm { prog, dev } => {
                let map = prog.map("DROPS")?;
                map.lookup(dev, &drops_key(map.key_size, src))
                    .map_err(|e| format!("MAP_LOOKUP_ELEM DROPS: {e}"))?
            }
        };
        Ok(value.map(|v| u64_of(&v)))
    }

    /// `map`[`key`] = `value` (the map's value size).
    pub fn map_update(&self, map: &str, key: &[u8], value: &[u8]) -> Result<(), String> {
        match self {
            Prog::Ebpf { obj, .. } => obj
                .maps
                .get(map)
                .ok_or_else(|| format!("no {map} map"))?
                .update(key, value)
                .map_err(|e| format!("BPF_MAP_UPDATE_ELEM {map}: {e}")),
            Prog::Kwasm { prog, dev } => prog
                .map(map)?
                .update(dev, key, value)
                .map_err(|e| format!("MAP_UPDATE_ELEM {map}: {e}")),
        }
    }

    /// `map`[`key`]'s value as userspace reads it (every CPU's, each padded to 8 bytes, for
    /// per-CPU maps); `None` when the key is absent.
    pub fn map_value(&self, map: &str, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        match self {
            Prog::Ebpf { obj, .. } => obj
                .maps
                .get(map)
                .ok_or_else(|| format!("no {map} map"))?
                .lookup(key)
                .map_err(|e| format!("BPF_MAP_LOOKUP_ELEM {map}: {e}")),
            Prog::Kwasm { prog, dev } => prog
                .map(map)?
                .lookup(dev, key)
                .map_err(|e| format!("MAP_LOOKUP_ELEM {map}: {e}")),
        }
    }

    pub fn kwasm_link_info(&self, link: &OwnedFd) -> Option<LinkInfoAttr> {
        match self {
            Prog::Kwasm { dev, .. } => Some(dev.link_info(link)),
            Prog::Ebpf { .. } => None,
        }
    }
}

/// A contender: a name in the results and its program.
pub struct Contender<'a> {
    pub name: &'static str,
    pub prog: Prog<'a>,
}
