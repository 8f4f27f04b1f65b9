//! The eBPF side through bpf(2) directly: the object `bench/bpf/hook.bpf.c` compiles to (ELF,
//! no BTF: `clang -g0`), its maps, its netfilter programs, links and test runs.
//!
//! Why not a library: aya has no netfilter program or link type, and libbpf (libbpf-rs) needs
//! the object's own BTF for maps (`.maps`, legacy `maps` sections are gone since 1.0) and for
//! kfunc externs, which a `-g0` object does not have. What the object needs is small: create
//! the maps it declares, point its `ld_imm64` map references at them, resolve its two kfunc
//! calls by name in the kernel's BTF, and load.

use crate::btf;
use object::{Object as _, ObjectSection, ObjectSymbol, RelocationTarget};
use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

// bpf(2) commands and constants (include/uapi/linux/bpf.h, 6.12).
const BPF_MAP_CREATE: i32 = 0;
const BPF_MAP_LOOKUP_ELEM: i32 = 1;
const BPF_MAP_UPDATE_ELEM: i32 = 2;
const BPF_PROG_LOAD: i32 = 5;
const BPF_PROG_TEST_RUN: i32 = 10;
const BPF_BTF_LOAD: i32 = 18;
const BPF_LINK_CREATE: i32 = 28;
const BPF_PROG_TYPE_NETFILTER: u32 = 32;
const BPF_NETFILTER: u32 = 45;
const BPF_PSEUDO_MAP_FD: u8 = 1;
const BPF_PSEUDO_KFUNC_CALL: u8 = 2;
const BPF_JMP_CALL: u8 = 0x85;
const BPF_LD_IMM64: u8 = 0x18;

/// `union bpf_attr` for BPF_MAP_CREATE, up to the BTF type ids.
#[repr(C)]
#[derive(Default)]
struct MapCreateAttr {
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    map_flags: u32,
    inner_map_fd: u32,
    numa_node: u32,
    map_name: [u8; 16],
    map_ifindex: u32,
    btf_fd: u32,
    btf_key_type_id: u32,
    btf_value_type_id: u32,
}

/// `union bpf_attr` for BPF_BTF_LOAD.
#[repr(C)]
#[derive(Default)]
struct BtfLoadAttr {
    btf: u64,
    btf_log_buf: u64,
    btf_size: u32,
    btf_log_size: u32,
    btf_log_level: u32,
}

/// A map definition's sixth word (`struct map_def` `value_btf` in hook.bpf.c): the value is
/// `struct { struct bpf_spin_lock lock; int n; }`, described to the kernel by BTF.
const VALUE_BTF_SPIN_LOCK: u32 = 1;

/// `union bpf_attr` for the element commands.
#[repr(C)]
#[derive(Default)]
struct ElemAttr {
    map_fd: u32,
    _pad: u32,
    key: u64,
    value: u64,
    flags: u64,
}

/// `union bpf_attr` for BPF_PROG_LOAD, up to `expected_attach_type`.
#[repr(C)]
#[derive(Default)]
struct ProgLoadAttr {
    prog_type: u32,
    insn_cnt: u32,
    insns: u64,
    license: u64,
    log_level: u32,
    log_size: u32,
    log_buf: u64,
    kern_version: u32,
    prog_flags: u32,
    prog_name: [u8; 16],
    prog_ifindex: u32,
    expected_attach_type: u32,
}

/// `union bpf_attr` for BPF_PROG_TEST_RUN.
#[repr(C)]
#[derive(Default)]
struct TestRunAttr {
    prog_fd: u32,
    retval: u32,
    data_size_in: u32,
    data_size_out: u32,
    data_in: u64,
    data_out: u64,
    repeat: u32,
    duration: u32,
    ctx_size_in: u32,
    ctx_size_out: u32,
    ctx_in: u64,
    ctx_out: u64,
    flags: u32,
    cpu: u32,
    batch_size: u32,
    _pad: u32,
}

/// `union bpf_attr` for BPF_LINK_CREATE with the netfilter options.
#[repr(C)]
#[derive(Default)]
struct LinkCreateAttr {
    prog_fd: u32,
    target_fd: u32,
    attach_type: u32,
    flags: u32,
    pf: u32,
    hooknum: u32,
    priority: i32,
    nf_flags: u32,
}

const _: () = {
    assert!(std::mem::size_of::<MapCreateAttr>() == 60);
    assert!(std::mem::size_of::<ProgLoadAttr>() == 72);
    assert!(std::mem::size_of::<TestRunAttr>() == 80);
    assert!(std::mem::size_of::<LinkCreateAttr>() == 32);
};

fn bpf<T>(cmd: i32, attr: &mut T) -> io::Result<i64> {
    // SAFETY: bpf(2) with a live attr of the size passed; the kernel reads and writes only that.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            attr as *mut T,
            std::mem::size_of::<T>() as u32,
        )
    };
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn bpf_fd<T>(cmd: i32, attr: &mut T) -> io::Result<OwnedFd> {
    // SAFETY: a new fd from the kernel, owned from here.
    bpf(cmd, attr).map(|fd| unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

fn name16(name: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (o, b) in out.iter_mut().zip(name.bytes().take(15)) {
        *o = b;
    }
    out
}

const BPF_MAP_TYPE_PERCPU_HASH: u32 = 5;
const BPF_MAP_TYPE_PERCPU_ARRAY: u32 = 6;

/// A map the object declared, created.
pub struct Map {
    pub fd: OwnedFd,
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
}

/// The number of possible CPUs (`/sys/devices/system/cpu/possible`, e.g. `0-1` or `0,2-3`):
/// per-CPU maps hold one value for each.
pub fn possible_cpus() -> io::Result<usize> {
    let text = std::fs::read_to_string("/sys/devices/system/cpu/possible")?;
    parse_cpu_list(text.trim())
        .ok_or_else(|| io::Error::other(format!("possible CPUs: cannot read {text:?}")))
}

fn parse_cpu_list(list: &str) -> Option<usize> {
    list.split(',').try_fold(0, |n, part| {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
        Some(n + b.checked_sub(a)? + 1)
    })
}

impl Map {
    pub fn update(&self, key: &[u8], value: &[u8]) -> io::Result<()> {
        assert_eq!(
            (key.len(), value.len()),
            (self.key_size as usize, self.value_size as usize)
        );
        let mut a = ElemAttr {
            map_fd: self.fd.as_raw_fd() as u32,
            key: key.as_ptr() as u64,
            value: value.as_ptr() as u64,
            ..ElemAttr::default()
        };
        bpf(BPF_MAP_UPDATE_ELEM, &mut a).map(drop)
    }

    /// The value of `key`, `None` if absent. For per-CPU maps every possible CPU's value, each
    /// padded to 8 bytes, as bpf(2) gives them.
    pub fn lookup(&self, key: &[u8]) -> io::Result<Option<Vec<u8>>> {
        assert_eq!(key.len(), self.key_size as usize);
        let len = match self.map_type {
            BPF_MAP_TYPE_PERCPU_HASH | BPF_MAP_TYPE_PERCPU_ARRAY => {
                possible_cpus()? * (self.value_size as usize).next_multiple_of(8)
            }
            _ => self.value_size as usize,
        };
        let mut value = vec![0u8; len];
        let mut a = ElemAttr {
            map_fd: self.fd.as_raw_fd() as u32,
            key: key.as_ptr() as u64,
            value: value.as_mut_ptr() as u64,
            ..ElemAttr::default()
        };
        match bpf(BPF_MAP_LOOKUP_ELEM, &mut a) {
            Ok(_) => Ok(Some(value)),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// BPF_BTF_LOAD of `blob`; the verifier's log in the error.
fn load_btf(blob: &[u8]) -> Result<OwnedFd, String> {
    let mut log = vec![0u8; 64 << 10];
    let mut a = BtfLoadAttr {
        btf: blob.as_ptr() as u64,
        btf_size: blob.len() as u32,
        btf_log_buf: log.as_mut_ptr() as u64,
        btf_log_size: log.len() as u32,
        btf_log_level: 1,
    };
    bpf_fd(BPF_BTF_LOAD, &mut a).map_err(|e| {
        let end = log.iter().position(|&b| b == 0).unwrap_or(0);
        format!(
            "BPF_BTF_LOAD: {e}; log: {}",
            String::from_utf8_lossy(&log[..end]).trim()
        )
    })
}

/// The object: its maps, created, and what loading a program needs.
pub struct Object {
    data: Vec<u8>,
    pub maps: HashMap<String, Map>,
    license: Vec<u8>,
    vmlinux_btf: Vec<u8>,
}

/// A loaded program.
pub struct Prog {
    pub fd: OwnedFd,
    pub insns: usize,
}

/// One test run: the verdict of the last run and the mean ns of one.
pub struct TestRun {
    pub retval: u32,
    pub duration_ns: u32,
}

fn elf_err(e: object::Error) -> String {
    format!("ELF: {e}")
}

impl Object {
    /// Reads the object and creates the maps it declares in its `maps` section.
    pub fn open(data: Vec<u8>) -> Result<Object, String> {
        let vmlinux_btf = std::fs::read("/sys/kernel/btf/vmlinux").map_err(|e| {
            format!("/sys/kernel/btf/vmlinux: {e} (netfilter eBPF programs need the kernel's BTF)")
        })?;
        let file = object::File::parse(&*data).map_err(elf_err)?;
        let license = file
            .section_by_name("license")
            .ok_or("no license section")?
            .data()
            .map_err(elf_err)?
            .to_vec();
        let mut maps = HashMap::new();
        if let Some(section) = file.section_by_name("maps") {
            let bytes = section.data().map_err(elf_err)?;
            for sym in file.symbols() {
                if sym.section_index() != Some(section.index()) || sym.size() == 0 {
                    continue;
                }
                let name = sym.name().map_err(elf_err)?.to_string();
                let at = sym.address() as usize;
                let def = bytes
                    .get(at..at + 24)
                    .ok_or_else(|| format!("map {name}: definition out of its section"))?;
                let w = |k: usize| u32::from_le_bytes(def[4 * k..4 * k + 4].try_into().unwrap());
                let mut a = MapCreateAttr {
                    map_type: w(0),
                    key_size: w(1),
                    value_size: w(2),
                    max_entries: w(3),
                    map_flags: w(4),
                    map_name: name16(&name),
                    ..MapCreateAttr::default()
                };
                // The BTF stays referenced by the map; its fd may go.
                let _btf = match w(5) {
                    0 => None,
                    VALUE_BTF_SPIN_LOCK => {
                        let (blob, key, value) = btf::spin_lock_value();
                        let fd = load_btf(&blob).map_err(|e| format!("map {name}: {e}"))?;
                        a.btf_fd = fd.as_raw_fd() as u32;
                        (a.btf_key_type_id, a.btf_value_type_id) = (key, value);
                        Some(fd)
                    }
                    other => return Err(format!("map {name}: value BTF kind {other} unknown")),
                };
                let fd = bpf_fd(BPF_MAP_CREATE, &mut a)
                    .map_err(|e| format!("BPF_MAP_CREATE {name}: {e}"))?;
                let map = Map {
                    fd,
                    map_type: a.map_type,
                    key_size: a.key_size,
                    value_size: a.value_size,
                };
                maps.insert(name, map);
            }
        }
        Ok(Object {
            data,
            maps,
            license,
            vmlinux_btf,
        })
    }

    /// Loads the program in section `netfilter/<name>` as a netfilter program.
    pub fn load(&self, name: &str) -> Result<Prog, String> {
        let file = object::File::parse(&*self.data).map_err(elf_err)?;
        let section = file
            .section_by_name(&format!("netfilter/{name}"))
            .ok_or_else(|| format!("no section netfilter/{name}"))?;
        let mut insns = section.data().map_err(elf_err)?.to_vec();
        for (offset, rel) in section.relocations() {
            let RelocationTarget::Symbol(index) = rel.target() else {
                return Err(format!(
                    "{name}: relocation at {offset} not against a symbol"
                ));
            };
            let sym = file.symbol_by_index(index).map_err(elf_err)?;
            let target = sym.name().map_err(elf_err)?;
            let at = offset as usize;
            let insn = insns
                .get_mut(at..at + 8)
                .ok_or_else(|| format!("{name}: relocation at {offset} out of the program"))?;
            if let Some(map) = self.maps.get(target) {
                // ld_imm64 rX, map: the map's fd with src_reg BPF_PSEUDO_MAP_FD.
                if insn[0] != BPF_LD_IMM64 {
                    return Err(format!("{name}: map {target} not loaded by ld_imm64"));
                }
                insn[1] = (insn[1] & 0x0f) | (BPF_PSEUDO_MAP_FD << 4);
                insn[4..8].copy_from_slice(&map.fd.as_raw_fd().to_le_bytes());
            } else if sym.is_undefined() && insn[0] == BPF_JMP_CALL {
                // A kfunc: its vmlinux BTF id with src_reg BPF_PSEUDO_KFUNC_CALL, off 0.
                let id = btf::func_id(&self.vmlinux_btf, target)?;
                insn[1] = BPF_PSEUDO_KFUNC_CALL << 4;
                insn[2..4].copy_from_slice(&0i16.to_le_bytes());
                insn[4..8].copy_from_slice(&id.to_le_bytes());
            } else {
                return Err(format!("{name}: cannot relocate against {target}"));
            }
        }
        let load = |log: &mut [u8], level: u32| {
            let mut a = ProgLoadAttr {
                prog_type: BPF_PROG_TYPE_NETFILTER,
                insn_cnt: (insns.len() / 8) as u32,
                insns: insns.as_ptr() as u64,
                license: self.license.as_ptr() as u64,
                log_level: level,
                log_size: log.len() as u32,
                log_buf: log.as_mut_ptr() as u64,
                prog_name: name16(name),
                expected_attach_type: BPF_NETFILTER,
                ..ProgLoadAttr::default()
            };
            if level == 0 {
                (a.log_size, a.log_buf) = (0, 0);
            }
            bpf_fd(BPF_PROG_LOAD, &mut a)
        };
        match load(&mut [], 0) {
            Ok(fd) => Ok(Prog {
                fd,
                insns: insns.len() / 8,
            }),
            Err(e) => {
                // Again with the verifier's log, for the message.
                let mut log = vec![0u8; 4 << 20];
                let _ = load(&mut log, 1);
                let end = log.iter().position(|&b| b == 0).unwrap_or(0);
                let text = String::from_utf8_lossy(&log[..end]);
                let tail: Vec<&str> = text.lines().rev().take(12).collect();
                Err(format!(
                    "BPF_PROG_LOAD {name}: {e}; verifier log (end):\n  {}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n  ")
                ))
            }
        }
    }
}

impl Prog {
    /// BPF_PROG_TEST_RUN on `packet` (from its IP header) `repeat` times. With no context the
    /// kernel runs it as at NF_INET_LOCAL_OUT for IPv4 (net/bpf/test_run.c,
    /// bpf_prog_test_run_nf), with `skb->data` at the IP header as on the real hooks.
    pub fn test_run(&self, packet: &[u8], repeat: u32) -> io::Result<TestRun> {
        let mut a = TestRunAttr {
            prog_fd: self.fd.as_raw_fd() as u32,
            data_size_in: packet.len() as u32,
            data_in: packet.as_ptr() as u64,
            repeat,
            ..TestRunAttr::default()
        };
        bpf(BPF_PROG_TEST_RUN, &mut a)?;
        Ok(TestRun {
            retval: a.retval,
            duration_ns: a.duration,
        })
    }

    /// Attaches the program at a netfilter hook (BPF_LINK_CREATE); closing the fd detaches.
    pub fn attach(&self, pf: u32, hooknum: u32, priority: i32) -> io::Result<OwnedFd> {
        let mut a = LinkCreateAttr {
            prog_fd: self.fd.as_raw_fd() as u32,
            attach_type: BPF_NETFILTER,
            pf,
            hooknum,
            priority,
            ..LinkCreateAttr::default()
        };
        bpf_fd(BPF_LINK_CREATE, &mut a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0"), Some(1));
        assert_eq!(parse_cpu_list("0-1"), Some(2));
        assert_eq!(parse_cpu_list("0,2-3"), Some(3));
        assert_eq!(parse_cpu_list("3-1"), None);
        assert_eq!(parse_cpu_list(""), None);
    }
}
