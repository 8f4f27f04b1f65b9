//! A stand-in for the kernel's side of a netfilter hook, for the userspace executor: the
//! `kwasm` host functions over in-process maps (created from the module's `kwasm.maps`
//! declarations, with the kernel's documented semantics), and a runner that writes the hook
//! buffer and calls the entry as the kernel does.

use kwasm::executor::{Caller, Extern, Imports, Instance, Value};
use kwasm_hooks::host_fns;
use kwasm_hooks::map::{self as abi, MapDecl, MAP_DECL_SIZE};
use kwasm_hooks::netfilter::{BUFFER_EXPORT, ENTRY};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

const ENOENT: i32 = 2;
const E2BIG: i32 = 7;
const EBADF: i32 = 9;
const EFAULT: i32 = 14;
const EEXIST: i32 = 17;
const EINVAL: i32 = 22;

/// One map: its declaration, entries (arrays: every index, zeroed) and ring buffer records.
#[derive(Debug)]
pub struct Map {
    pub decl: MapDecl,
    pub entries: HashMap<Vec<u8>, Vec<u8>>,
    pub records: Vec<Vec<u8>>,
}

/// Every map of a program, by `map_id`, and the packet being run.
#[derive(Debug, Default)]
pub struct State {
    pub maps: HashMap<u32, Map>,
    pub packet: Vec<u8>,
}

impl State {
    pub fn map(&mut self, name: &str) -> &mut Map {
        self.maps
            .get_mut(&abi::map_id(name.as_bytes()))
            .expect("no such map")
    }
}

/// The maps a `kwasm.maps` section declares.
pub fn maps_of(section: &[u8]) -> Vec<MapDecl> {
    assert_eq!(
        section.len() % MAP_DECL_SIZE,
        0,
        "kwasm.maps: partial record"
    );
    section
        .chunks(MAP_DECL_SIZE)
        .map(|r| MapDecl::from_bytes(r.try_into().unwrap()).expect("reserved bytes set"))
        .collect()
}

fn is_array(t: u32) -> bool {
    matches!(t, abi::MAP_TYPE_ARRAY | abi::MAP_TYPE_PERCPU_ARRAY)
}

fn span(mem: &[u8], at: u64, len: usize) -> Result<std::ops::Range<usize>, i32> {
    let at = at as u32 as usize;
    let end = at.checked_add(len).ok_or(-EFAULT)?;
    (end <= mem.len()).then_some(at..end).ok_or(-EFAULT)
}

/// A map host call: finds the map, reads the key (and for arrays checks the index).
fn with_map<'s>(
    st: &'s mut State,
    mem: &[u8],
    id: u64,
    key: u64,
) -> Result<(&'s mut Map, Vec<u8>), i32> {
    let map = st.maps.get_mut(&(id as u32)).ok_or(-EBADF)?;
    if map.decl.map_type == abi::MAP_TYPE_RINGBUF {
        return Err(-EINVAL);
    }
    let key = mem[span(mem, key, map.decl.key_size as usize)?].to_vec();
    if is_array(map.decl.map_type) && !map.entries.contains_key(&key) {
        return Err(-ENOENT);
    }
    Ok((map, key))
}

fn lookup(st: &mut State, mem: &mut [u8], s: &[u64]) -> Result<i32, i32> {
    let (map, key) = with_map(st, mem, s[0], s[1])?;
    let value = map.entries.get(&key).ok_or(-ENOENT)?.clone();
    let dst = span(mem, s[2], value.len())?;
    mem[dst].copy_from_slice(&value);
    Ok(0)
}

fn update(st: &mut State, mem: &mut [u8], s: &[u64]) -> Result<i32, i32> {
    let (map, key) = with_map(st, mem, s[0], s[1])?;
    let value = mem[span(mem, s[2], map.decl.value_size as usize)?].to_vec();
    let exists = map.entries.contains_key(&key);
    match s[3] {
        abi::MAP_UPDATE_NOEXIST if exists => return Err(-EEXIST),
        abi::MAP_UPDATE_EXIST if !exists => return Err(-ENOENT),
        abi::MAP_UPDATE_ANY | abi::MAP_UPDATE_NOEXIST | abi::MAP_UPDATE_EXIST => {}
        _ => return Err(-EINVAL),
    }
    let full = map.entries.len() >= map.decl.max_entries as usize;
    if !exists && full && map.decl.map_type != abi::MAP_TYPE_LRU_HASH {
        return Err(-E2BIG);
    }
    map.entries.insert(key, value);
    Ok(0)
}

fn delete(st: &mut State, mem: &mut [u8], s: &[u64]) -> Result<i32, i32> {
    let (map, key) = with_map(st, mem, s[0], s[1])?;
    if is_array(map.decl.map_type) {
        return Err(-EINVAL);
    }
    map.entries.remove(&key).map(|_| 0).ok_or(-ENOENT)
}

fn add(st: &mut State, mem: &mut [u8], s: &[u64]) -> Result<i32, i32> {
    let (map, key) = with_map(st, mem, s[0], s[1])?;
    let (offset, size) = (s[2] as u32 as usize, map.decl.value_size as usize);
    if offset % 8 != 0 || offset + 8 > size {
        return Err(-EINVAL);
    }
    let value = map.entries.entry(key).or_insert_with(|| vec![0; size]);
    let old = u64::from_le_bytes(value[offset..offset + 8].try_into().unwrap());
    value[offset..offset + 8].copy_from_slice(&old.wrapping_add(s[3]).to_le_bytes());
    Ok(0)
}

fn ringbuf_output(st: &mut State, mem: &mut [u8], s: &[u64]) -> Result<i32, i32> {
    let map = st.maps.get_mut(&(s[0] as u32)).ok_or(-EBADF)?;
    if map.decl.map_type != abi::MAP_TYPE_RINGBUF {
        return Err(-EINVAL);
    }
    map.records
        .push(mem[span(mem, s[1], s[2] as u32 as usize)?].to_vec());
    Ok(0)
}

fn packet_load(st: &mut State, mem: &mut [u8], s: &[u64]) -> Result<i32, i32> {
    let at = (s[0] as u32 as usize).min(st.packet.len());
    let len = (s[2] as u32 as usize).min(st.packet.len() - at);
    let dst = span(mem, s[1], len)?;
    mem[dst].copy_from_slice(&st.packet[at..at + len]);
    Ok(len as i32)
}

type Body = fn(&mut State, &mut [u8], &[u64]) -> Result<i32, i32>;

/// A guest instance with the fake kernel around it.
pub struct Hook {
    pub guest: Instance,
    poke: Instance,
    state: Arc<Mutex<State>>,
    buffer: i32,
}

impl Hook {
    /// Compiles `wasm`, creates its declared maps, and instantiates it with every function
    /// of `host_fns::ALL` under the `kwasm` module.
    pub fn new(wasm: &[u8], decls: &[MapDecl]) -> Hook {
        let mut maps = HashMap::new();
        for d in decls {
            let mut entries = HashMap::new();
            if is_array(d.map_type) {
                for i in 0..d.max_entries {
                    entries.insert(i.to_le_bytes().to_vec(), vec![0; d.value_size as usize]);
                }
            }
            let map = Map {
                decl: *d,
                entries,
                records: Vec::new(),
            };
            assert!(
                maps.insert(abi::map_id(d.name()), map).is_none(),
                "map ids clash"
            );
        }
        let state = Arc::new(Mutex::new(State {
            maps,
            packet: Vec::new(),
        }));
        let mut imports = Imports::default();
        let bodies: [(host_fns::HostSig, Body); 6] = [
            (host_fns::MAP_LOOKUP, lookup),
            (host_fns::MAP_UPDATE, update),
            (host_fns::MAP_DELETE, delete),
            (host_fns::MAP_ADD, add),
            (host_fns::RINGBUF_OUTPUT, ringbuf_output),
            (host_fns::PACKET_LOAD, packet_load),
        ];
        assert_eq!(bodies.map(|b| b.0), host_fns::ALL);
        for (sig, body) in bodies {
            let state = state.clone();
            imports.func(
                host_fns::MODULE,
                sig.name,
                sig.params,
                sig.results,
                move |c: &mut Caller<'_>, s: &mut [u64]| {
                    let mut mem = c.memory()?;
                    let mut st = state.lock().unwrap();
                    let r = body(&mut st, &mut mem, s).unwrap_or_else(|errno| errno);
                    s[0] = u64::from(r as u32);
                    Ok(())
                },
            );
        }
        let artifact = kwasm_compiler::compile(wasm, &Default::default()).expect("compile");
        let mut guest = Instance::new(&artifact, &imports).expect("instantiate");
        let Some(Value::I32(buffer)) = guest.global(BUFFER_EXPORT) else {
            panic!("no i32 global {BUFFER_EXPORT}");
        };
        let poke = poker(
            guest
                .export_extern("memory")
                .expect("the guest exports its memory"),
        );
        Hook {
            guest,
            poke,
            state,
            buffer,
        }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// Runs the entry on a hook buffer (`packets::buffer`) of `packet`; the verdict.
    pub fn run(&self, buffer: &[u8], packet: &[u8]) -> u32 {
        self.state().packet = packet.to_vec();
        for (k, &b) in buffer.iter().enumerate() {
            let at = Value::I32(self.buffer + k as i32);
            self.poke
                .invoke("store8", &[at, Value::I32(b.into())])
                .expect("poke");
        }
        match self
            .guest
            .invoke(ENTRY, &[Value::I32(self.buffer)])
            .expect("run")
        {
            v if v == [Value::I32(0)] => 0,
            v if v == [Value::I32(1)] => 1,
            other => panic!("verdict {other:?}"),
        }
    }
}

/// A module sharing the guest's memory that writes bytes into it, as the kernel writes the
/// hook buffer (the executor offers no other way in from outside).
fn poker(memory: Extern) -> Instance {
    let wat = r#"(module
        (import "guest" "memory" (memory 1))
        (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let artifact = kwasm_compiler::compile(&wasm, &Default::default()).unwrap();
    let mut imports = Imports::default();
    imports.define("guest", "memory", memory);
    Instance::new(&artifact, &imports).expect("poker")
}
