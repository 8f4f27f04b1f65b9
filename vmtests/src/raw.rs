//! `/dev/kwasm` at the ioctl level, for tests of the kernel's ABI itself (attrs, errnos,
//! sizes) without the library in between, the way bpf's selftests call bpf(2).

use kwasm_hooks::attr::{Attr, ProgInfoAttr, ProgLoadAttr, TestRunAttr};
use kwasm_hooks::ioctl::*;
use kwasm_hooks::link::{LinkCreateAttr, LinkInfoAttr, LINK_TYPE_NETFILTER};
use kwasm_hooks::map::{padded_name, MapBind, MapCreateAttr, MapElemAttr, MapInfoAttr};
use kwasm_hooks::prog_type::PROG_TYPE_NETFILTER;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// An open `/dev/kwasm`.
pub struct Dev(File);

/// An attr with its `size` set to the whole struct.
pub fn sized<T: Attr>() -> T {
    let mut t = T::default();
    // SAFETY: `Attr` structs are repr(C) and start with `size: u32`.
    unsafe { *(&mut t as *mut T).cast::<u32>() = std::mem::size_of::<T>() as u32 };
    t
}

impl Dev {
    pub fn open() -> Dev {
        crate::require_vm();
        Dev(OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/kwasm")
            .expect("open /dev/kwasm"))
    }

    /// The device's fd, for hand-made attrs.
    pub fn raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }

    /// One ioctl with `attr`; its return value (an fd for the commands that make one).
    pub fn call<T: Attr>(&self, cmd: u32, attr: &mut T) -> io::Result<i32> {
        // SAFETY: `attr` is a live, writable attr struct of the size it declares.
        let ret = unsafe { libc::ioctl(self.0.as_raw_fd(), cmd as _, attr as *mut T) };
        if ret < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(ret)
        }
    }

    /// `call` for the commands that return an fd.
    pub fn call_fd<T: Attr>(&self, cmd: u32, attr: &mut T) -> io::Result<OwnedFd> {
        // SAFETY: a new fd from the kernel, owned from here.
        self.call(cmd, attr)
            .map(|fd| unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// Loads `wasm` as `prog_type`; the fd, or the errno and the load log.
    pub fn load(
        &self,
        wasm: &[u8],
        prog_type: u32,
        tweak: impl FnOnce(&mut ProgLoadAttr),
    ) -> Result<OwnedFd, (i32, String)> {
        let mut log = vec![0u8; 1 << 16];
        let mut a: ProgLoadAttr = sized();
        a.prog_type = prog_type;
        a.wasm = wasm.as_ptr() as u64;
        a.wasm_len = wasm.len() as u32;
        a.name = *b"vmtest\0\0\0\0\0\0\0\0\0\0";
        a.log_buf = log.as_mut_ptr() as u64;
        a.log_size = log.len() as u32;
        a.log_level = 1;
        tweak(&mut a);
        self.call_fd(KWASM_IOC_PROG_LOAD, &mut a).map_err(|e| {
            let end = log.iter().position(|&b| b == 0).unwrap_or(0);
            (
                crate::errno(&e),
                String::from_utf8_lossy(&log[..end]).into_owned(),
            )
        })
    }

    /// Loads a netfilter program, panicking with the log if refused.
    pub fn load_nf(&self, wasm: &[u8]) -> OwnedFd {
        self.load(wasm, PROG_TYPE_NETFILTER, |_| {})
            .unwrap_or_else(|(e, log)| panic!("load: errno {e}: {log}"))
    }

    /// Loads a netfilter program with some of its declared maps bound to existing ones.
    pub fn load_nf_bound(&self, wasm: &[u8], binds: &[(&str, &OwnedFd)]) -> OwnedFd {
        let binds: Vec<MapBind> = binds
            .iter()
            .map(|(n, fd)| MapBind {
                name: padded_name(n),
                map_fd: fd.as_raw_fd() as u32,
                _reserved: 0,
            })
            .collect();
        self.load(wasm, PROG_TYPE_NETFILTER, |a| {
            a.map_binds = binds.as_ptr() as u64;
            a.nmap_binds = binds.len() as u32;
        })
        .unwrap_or_else(|(e, log)| panic!("load: errno {e}: {log}"))
    }

    /// `PROG_TEST_RUN` of a hook program on a packet: `(verdict, trap)`.
    pub fn run_packet(&self, prog: &OwnedFd, packet: &[u8], repeat: u32) -> io::Result<(u32, u32)> {
        let mut a: TestRunAttr = sized();
        a.prog_fd = prog.as_raw_fd() as u32;
        a.data_in = packet.as_ptr() as u64;
        a.data_len = packet.len() as u32;
        a.repeat = repeat;
        self.call(KWASM_IOC_PROG_TEST_RUN, &mut a)?;
        Ok((a.retval, a.trap))
    }

    pub fn prog_info(&self, prog: &OwnedFd, map_ids: &mut [u32]) -> ProgInfoAttr {
        let mut a: ProgInfoAttr = sized();
        a.prog_fd = prog.as_raw_fd() as u32;
        a.map_ids = map_ids.as_mut_ptr() as u64;
        a.nr_map_ids = map_ids.len() as u32;
        self.call(KWASM_IOC_PROG_GET_INFO, &mut a)
            .expect("PROG_GET_INFO");
        a
    }

    pub fn map_create(
        &self,
        map_type: u32,
        key_size: u32,
        value_size: u32,
        max_entries: u32,
    ) -> io::Result<OwnedFd> {
        let mut a: MapCreateAttr = sized();
        (a.map_type, a.key_size, a.value_size, a.max_entries) =
            (map_type, key_size, value_size, max_entries);
        a.name = padded_name("vmtest");
        self.call_fd(KWASM_IOC_MAP_CREATE, &mut a)
    }

    fn elem(
        &self,
        cmd: u32,
        map: RawFd,
        key: Option<&[u8]>,
        value: u64,
        flags: u64,
    ) -> io::Result<()> {
        let mut a: MapElemAttr = sized();
        a.map_fd = map as u32;
        a.key = key.map_or(0, |k| k.as_ptr() as u64);
        a.value = value;
        a.flags = flags;
        self.call(cmd, &mut a).map(drop)
    }

    pub fn map_update(
        &self,
        map: &impl AsRawFd,
        key: &[u8],
        value: &[u8],
        flags: u64,
    ) -> io::Result<()> {
        self.elem(
            KWASM_IOC_MAP_UPDATE_ELEM,
            map.as_raw_fd(),
            Some(key),
            value.as_ptr() as u64,
            flags,
        )
    }

    /// The value of `key` (`len` bytes: the map's value size as userspace sees it).
    pub fn map_lookup(&self, map: &impl AsRawFd, key: &[u8], len: usize) -> io::Result<Vec<u8>> {
        let mut v = vec![0u8; len];
        self.elem(
            KWASM_IOC_MAP_LOOKUP_ELEM,
            map.as_raw_fd(),
            Some(key),
            v.as_mut_ptr() as u64,
            0,
        )?;
        Ok(v)
    }

    pub fn map_delete(&self, map: &impl AsRawFd, key: &[u8]) -> io::Result<()> {
        self.elem(KWASM_IOC_MAP_DELETE_ELEM, map.as_raw_fd(), Some(key), 0, 0)
    }

    /// The key after `key` (None: the first).
    pub fn map_next_key(
        &self,
        map: &impl AsRawFd,
        key: Option<&[u8]>,
        key_size: usize,
    ) -> io::Result<Vec<u8>> {
        let mut next = vec![0u8; key_size];
        self.elem(
            KWASM_IOC_MAP_GET_NEXT_KEY,
            map.as_raw_fd(),
            key,
            next.as_mut_ptr() as u64,
            0,
        )?;
        Ok(next)
    }

    pub fn map_info(&self, map: &impl AsRawFd) -> MapInfoAttr {
        let mut a: MapInfoAttr = sized();
        a.map_fd = map.as_raw_fd() as u32;
        self.call(KWASM_IOC_MAP_GET_INFO, &mut a)
            .expect("MAP_GET_INFO");
        a
    }

    /// Attaches a netfilter program (in this process's network namespace).
    pub fn attach_nf(
        &self,
        prog: &OwnedFd,
        family: u32,
        hook: u32,
        priority: i32,
        flags: u32,
    ) -> io::Result<OwnedFd> {
        let mut a: LinkCreateAttr = sized();
        a.prog_fd = prog.as_raw_fd() as u32;
        a.link_type = LINK_TYPE_NETFILTER;
        (a.family, a.hook, a.priority, a.flags) = (family, hook, priority, flags);
        self.call_fd(KWASM_IOC_LINK_CREATE, &mut a)
    }

    pub fn link_info(&self, link: &OwnedFd) -> LinkInfoAttr {
        let mut a: LinkInfoAttr = sized();
        a.link_fd = link.as_raw_fd() as u32;
        self.call(KWASM_IOC_LINK_GET_INFO, &mut a)
            .expect("LINK_GET_INFO");
        a
    }
}

/// A wasm netfilter program: `body` is the entry's body (param `$ctx`, result i32; locals
/// `$a $b $c` i32), with the kwasm host functions imported and `maps` declared.
pub fn nf_wat(maps: &[kwasm_hooks::map::MapDecl], body: &str) -> String {
    let decls: String = maps
        .iter()
        .flat_map(|d| d.to_bytes())
        .map(|b| format!("\\{b:02x}"))
        .collect();
    format!(
        r#"(module
  (import "kwasm" "map_lookup" (func $map_lookup (param i32 i32 i32) (result i32)))
  (import "kwasm" "map_update" (func $map_update (param i32 i32 i32 i32) (result i32)))
  (import "kwasm" "map_delete" (func $map_delete (param i32 i32) (result i32)))
  (import "kwasm" "map_add" (func $map_add (param i32 i32 i32 i64) (result i32)))
  (import "kwasm" "ringbuf_output" (func $ringbuf_output (param i32 i32 i32) (result i32)))
  (import "kwasm" "packet_load" (func $packet_load (param i32 i32 i32) (result i32)))
  (memory 1)
  (global (export "kwasm_hook_buffer") i32 (i32.const 1024))
  (@custom "kwasm.maps" "{decls}")
  (func (export "kwasm_netfilter") (param $ctx i32) (result i32) (local $a i32) (local $b i32) (local $c i32)
    {body}))"#
    )
}

/// A map declaration.
pub fn decl(
    name: &str,
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
) -> kwasm_hooks::map::MapDecl {
    kwasm_hooks::map::MapDecl {
        name: padded_name(name),
        map_type,
        key_size,
        value_size,
        max_entries,
        flags: 0,
        _reserved: [0; 3],
    }
}

/// The map id a program passes for map `name`.
pub fn id(name: &str) -> i32 {
    kwasm_hooks::map::map_id(name.as_bytes()) as i32
}

/// An IPv4 TCP segment from `src` to 127.0.0.1:`dport` with `flags` (SYN: 0x02).
pub fn tcp4(src: [u8; 4], dport: u16, flags: u8, payload: usize) -> Vec<u8> {
    let total = 40 + payload;
    let mut p = vec![0u8; total];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    p[8] = 64;
    p[9] = 6;
    p[12..16].copy_from_slice(&src);
    p[16..20].copy_from_slice(&[127, 0, 0, 1]);
    p[20..22].copy_from_slice(&40000u16.to_be_bytes());
    p[22..24].copy_from_slice(&dport.to_be_bytes());
    p[32] = 0x50;
    p[33] = flags;
    p
}

/// An IPv4 UDP datagram to `dport`.
pub fn udp4(dport: u16) -> Vec<u8> {
    let mut p = tcp4([10, 0, 0, 1], 0, 0, 0);
    p.truncate(28);
    p[2..4].copy_from_slice(&28u16.to_be_bytes());
    p[9] = 17;
    p[22..24].copy_from_slice(&dport.to_be_bytes());
    p
}
