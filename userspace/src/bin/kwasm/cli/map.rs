//! `kwasm map`: create, list, show, dump, lookup, update, delete, watch (ring buffers), pin,
//! unpin. Per-CPU values are shown and given per CPU.

use super::bytes::{self, Format};
use super::output::{infos, print_json};
use super::refs::{open_map, ObjRef};
use super::Result;
use clap::{Args, Subcommand, ValueEnum};
use kwasm::maps::{percpu, MapSpec, RingBuf};
use kwasm::{Map, MapInfo, MapType};
use serde_json::{json, Value};

#[derive(Subcommand, Debug)]
pub enum MapCommand {
    /// Create a map and pin it
    Create(CreateArgs),
    /// List the maps
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one map: ID, pin:NAME or NAME
    Show {
        map: ObjRef,
        #[arg(long)]
        json: bool,
    },
    /// Print every entry
    Dump {
        map: ObjRef,
        #[command(flatten)]
        format: Formats,
        #[arg(long)]
        json: bool,
    },
    /// Print the value of one key
    Lookup {
        map: ObjRef,
        /// hex:0a000001, u32:5, i64:-1, ... or a bare integer
        #[arg(long, allow_negative_numbers = true)]
        key: String,
        #[command(flatten)]
        format: Formats,
        #[arg(long)]
        json: bool,
    },
    /// Set the value of a key (per-CPU maps: one value for every CPU, or one per CPU)
    Update {
        map: ObjRef,
        #[arg(long, allow_negative_numbers = true)]
        key: String,
        #[arg(long, required = true, allow_negative_numbers = true)]
        value: Vec<String>,
        #[arg(long, value_enum, default_value = "any")]
        flags: UpdateFlag,
    },
    /// Remove a key
    Delete {
        map: ObjRef,
        #[arg(long, allow_negative_numbers = true)]
        key: String,
    },
    /// Print a ring buffer's records as they come (hex, one per line)
    Watch {
        map: ObjRef,
        /// Stop after this many records
        #[arg(long)]
        count: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Pin a map under a name
    Pin { map: ObjRef, name: String },
    /// Remove a pin
    Unpin { name: String },
}

#[derive(Args, Debug)]
pub struct CreateArgs {
    #[arg(long = "type", value_enum)]
    pub map_type: MapTypeArg,
    /// Bytes of a key (4 for arrays, 0 for ring buffers)
    #[arg(long, default_value_t = 0)]
    pub key_size: u32,
    /// Bytes of a value (of one CPU's value; 0 for ring buffers)
    #[arg(long, default_value_t = 0)]
    pub value_size: u32,
    /// Entries, or a ring buffer's size in bytes
    #[arg(long)]
    pub max_entries: u32,
    #[arg(long)]
    pub name: String,
    /// Where to pin it (an unpinned map would go as kwasm exits)
    #[arg(long)]
    pub pin: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MapTypeArg {
    Hash,
    Array,
    #[value(name = "percpu_hash", alias = "percpu-hash")]
    PerCpuHash,
    #[value(name = "percpu_array", alias = "percpu-array")]
    PerCpuArray,
    #[value(name = "lru_hash", alias = "lru-hash")]
    LruHash,
    Ringbuf,
}

impl From<MapTypeArg> for MapType {
    fn from(t: MapTypeArg) -> Self {
        match t {
            MapTypeArg::Hash => MapType::Hash,
            MapTypeArg::Array => MapType::Array,
            MapTypeArg::PerCpuHash => MapType::PerCpuHash,
            MapTypeArg::PerCpuArray => MapType::PerCpuArray,
            MapTypeArg::LruHash => MapType::LruHash,
            MapTypeArg::Ringbuf => MapType::RingBuf,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UpdateFlag {
    /// Create or replace
    Any,
    /// Create only
    Noexist,
    /// Replace only
    Exist,
}

impl UpdateFlag {
    fn raw(self) -> u64 {
        match self {
            UpdateFlag::Any => kwasm::maps::MAP_UPDATE_ANY,
            UpdateFlag::Noexist => kwasm::maps::MAP_UPDATE_NOEXIST,
            UpdateFlag::Exist => kwasm::maps::MAP_UPDATE_EXIST,
        }
    }
}

/// How to show keys and values.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct Formats {
    #[arg(long, value_enum, default_value = "hex")]
    pub key_type: Format,
    #[arg(long, value_enum, default_value = "hex")]
    pub value_type: Format,
}

pub fn run(cmd: MapCommand) -> Result<()> {
    match cmd {
        MapCommand::Create(args) => create(&args),
        MapCommand::List { json } => list(json),
        MapCommand::Show { map, json } => show(&open_map(&map)?.info()?, json),
        MapCommand::Dump { map, format, json } => dump(&open_map(&map)?, format, json),
        MapCommand::Lookup {
            map,
            key,
            format,
            json,
        } => lookup(&open_map(&map)?, &key, format, json),
        MapCommand::Update {
            map,
            key,
            value,
            flags,
        } => update(&open_map(&map)?, &key, &value, flags),
        MapCommand::Delete { map, key } => {
            let map = open_map(&map)?;
            Ok(map.delete(&bytes::parse(&key, map.key_size() as usize)?)?)
        }
        MapCommand::Watch { map, count, json } => watch(open_map(&map)?, count, json),
        MapCommand::Pin { map, name } => Ok(open_map(&map)?.pin(&name)?),
        MapCommand::Unpin { name } => Ok(kwasm::pin::unpin(&name)?),
    }
}

fn create(args: &CreateArgs) -> Result<()> {
    let map = Map::create(&MapSpec {
        map_type: args.map_type.into(),
        key_size: args.key_size,
        value_size: args.value_size,
        max_entries: args.max_entries,
        name: args.name.clone(),
    })?;
    map.pin(&args.pin)?;
    println!("created map {} as pin:{}", map.id(), args.pin);
    Ok(())
}

fn list(json: bool) -> Result<()> {
    let all = infos(Map::ids(), |id| Map::from_id(id)?.info())?;
    if json {
        return print_json(&all);
    }
    for info in &all {
        println!("{}", summary(info));
    }
    Ok(())
}

/// One line per map.
fn summary(i: &MapInfo) -> String {
    let shape = match i.map_type {
        MapType::RingBuf => format!("size {}B  dropped {}", i.max_entries, i.dropped),
        _ => format!(
            "key {}B  value {}B  max_entries {}  entries {}",
            i.key_size, i.value_size, i.max_entries, i.entries
        ),
    };
    format!(
        "{}: {}  name {}  {shape}  memory {}B",
        i.id,
        i.map_type.name(),
        i.name,
        i.bytes
    )
}

fn show(i: &MapInfo, json: bool) -> Result<()> {
    if json {
        return print_json(i);
    }
    println!("{}", summary(i));
    if i.map_type.is_percpu() {
        println!("\tvalues per key: {} (one per CPU)", i.ncpus);
    }
    Ok(())
}

/// What the entry printers need to know of a map.
#[derive(Clone, Copy, Debug)]
struct Layout {
    percpu: bool,
    value_size: usize,
}

impl Layout {
    fn of(map: &Map) -> Layout {
        Layout {
            percpu: map.map_type().is_percpu(),
            value_size: map.value_size() as usize,
        }
    }
}

fn dump(map: &Map, f: Formats, json: bool) -> Result<()> {
    let layout = Layout::of(map);
    let mut entries = Vec::new();
    for entry in map.iter() {
        let (key, value) = entry?;
        if json {
            entries.push(entry_json(&key, &value, layout, f));
        } else {
            println!("{}", entry_text(&key, &value, layout, f));
        }
    }
    if json {
        return print_json(&entries);
    }
    Ok(())
}

fn lookup(map: &Map, key: &str, f: Formats, json: bool) -> Result<()> {
    let key = bytes::parse(key, map.key_size() as usize)?;
    let Some(value) = map.lookup(&key)? else {
        return Err(format!("no entry for key {}", bytes::format(&key, f.key_type)).into());
    };
    if json {
        return print_json(&entry_json(&key, &value, Layout::of(map), f));
    }
    println!("{}", entry_text(&key, &value, Layout::of(map), f));
    Ok(())
}

/// An entry as JSON: `{"key", "value"}`, or `{"key", "values": [{"cpu", "value"}]}`.
fn entry_json(key: &[u8], value: &[u8], layout: Layout, f: Formats) -> Value {
    let key = bytes::to_json(key, f.key_type);
    if !layout.percpu {
        return json!({ "key": key, "value": bytes::to_json(value, f.value_type) });
    }
    let values: Vec<Value> = percpu::split(value, layout.value_size)
        .enumerate()
        .map(|(cpu, v)| json!({ "cpu": cpu, "value": bytes::to_json(v, f.value_type) }))
        .collect();
    json!({ "key": key, "values": values })
}

/// An entry as text: `key: K  value: V`, or the key and then one `cpuN: V` line per CPU.
fn entry_text(key: &[u8], value: &[u8], layout: Layout, f: Formats) -> String {
    let key = bytes::format(key, f.key_type);
    if !layout.percpu {
        return format!("key: {key}  value: {}", bytes::format(value, f.value_type));
    }
    let mut text = format!("key: {key}");
    for (cpu, v) in percpu::split(value, layout.value_size).enumerate() {
        text += &format!("\n\tcpu{cpu}: {}", bytes::format(v, f.value_type));
    }
    text
}

fn update(map: &Map, key: &str, values: &[String], flags: UpdateFlag) -> Result<()> {
    let key = bytes::parse(key, map.key_size() as usize)?;
    let value = value_bytes(values, Layout::of(map), map.ncpus() as usize)?;
    Ok(map.update(&key, &value, flags.raw())?)
}

/// The value bytes of `update`: per-CPU maps take one value for every CPU, or one per CPU.
fn value_bytes(values: &[String], layout: Layout, ncpus: usize) -> Result<Vec<u8>> {
    let parsed = values
        .iter()
        .map(|v| bytes::parse(v, layout.value_size))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if !layout.percpu {
        return match &parsed[..] {
            [one] => Ok(one.clone()),
            _ => Err("one --value for a map that is not per-CPU".into()),
        };
    }
    let each: Vec<&[u8]> = match parsed.len() {
        1 => vec![&parsed[0][..]; ncpus],
        n if n == ncpus => parsed.iter().map(Vec::as_slice).collect(),
        n => return Err(format!("{n} values for {ncpus} CPUs: give one, or one per CPU").into()),
    };
    Ok(percpu::join(each, layout.value_size))
}

fn watch(map: Map, count: Option<u64>, json: bool) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        let mut ring = RingBuf::try_from(map)?;
        let mut seen = 0;
        while count.is_none_or(|c| seen < c) {
            let record = ring.recv().await?;
            let hex = bytes::format(&record, Format::Hex);
            if json {
                print_json(&json!({ "record": hex, "dropped": ring.dropped() }))?;
            } else {
                println!("{hex}");
            }
            seen += 1;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> MapCommand {
        match Cli::try_parse_from(args).unwrap().command {
            Command::Map(cmd) => cmd,
            other => panic!("{other:?}"),
        }
    }

    const PERCPU: Layout = Layout {
        percpu: true,
        value_size: 4,
    };
    const PLAIN: Layout = Layout {
        percpu: false,
        value_size: 8,
    };

    #[test]
    fn commands_parse() {
        let MapCommand::Lookup { key, format, .. } = parse(&[
            "kwasm",
            "map",
            "lookup",
            "pin:c",
            "--key",
            "u32:5",
            "--value-type",
            "u64",
        ]) else {
            panic!()
        };
        assert_eq!((key.as_str(), format.value_type), ("u32:5", Format::U64));
        let MapCommand::Update { value, flags, .. } = parse(&[
            "kwasm", "map", "update", "3", "--key", "-1", "--value", "1", "--value", "2",
            "--flags", "noexist",
        ]) else {
            panic!()
        };
        assert_eq!(
            (value, flags),
            (vec!["1".into(), "2".into()], UpdateFlag::Noexist)
        );
        assert!(matches!(
            parse(&["kwasm", "map", "dump", "counts", "--json"]),
            MapCommand::Dump { json: true, .. }
        ));
        let MapCommand::Create(c) = parse(&[
            "kwasm",
            "map",
            "create",
            "--type",
            "percpu_array",
            "--key-size",
            "4",
            "--value-size",
            "8",
            "--max-entries",
            "16",
            "--name",
            "n",
            "--pin",
            "p",
        ]) else {
            panic!()
        };
        assert_eq!(c.map_type, MapTypeArg::PerCpuArray);
        assert!(Cli::try_parse_from(["kwasm", "map", "update", "3", "--key", "1"]).is_err());
        assert!(Cli::try_parse_from(["kwasm", "map", "lookup", "3"]).is_err());
    }

    #[test]
    fn per_cpu_entries_show_each_cpu() {
        let value = percpu::join([&[1u8, 0, 0, 0][..], &[2, 0, 0, 0]], 4);
        let f = Formats {
            key_type: Format::U32,
            value_type: Format::U32,
        };
        assert_eq!(
            entry_json(&[5, 0, 0, 0], &value, PERCPU, f),
            json!({"key": 5, "values": [{"cpu": 0, "value": 1}, {"cpu": 1, "value": 2}]})
        );
        assert_eq!(
            entry_text(&[5, 0, 0, 0], &value, PERCPU, f),
            "key: 5\n\tcpu0: 1\n\tcpu1: 2"
        );
        let hex = Formats::default();
        assert_eq!(
            entry_json(&[5, 0, 0, 0], &[7, 0, 0, 0, 0, 0, 0, 0], PLAIN, hex),
            json!({"key": "05000000", "value": "0700000000000000"})
        );
        assert_eq!(
            entry_text(&[1], &[2, 0, 0, 0, 0, 0, 0, 0], PLAIN, hex),
            "key: 01  value: 0200000000000000"
        );
    }

    #[test]
    fn per_cpu_updates_take_one_or_one_per_cpu() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let all = value_bytes(&s(&["u32:7"]), PERCPU, 3).unwrap();
        assert_eq!(all, percpu::join([&[7u8, 0, 0, 0][..]; 3], 4));
        assert_eq!(all.len(), 24);
        let each = value_bytes(&s(&["1", "2"]), PERCPU, 2).unwrap();
        assert_eq!(&each[8..12], &[2, 0, 0, 0]);
        assert!(value_bytes(&s(&["1", "2"]), PERCPU, 3).is_err());
        assert!(value_bytes(&s(&["1", "2"]), PLAIN, 1).is_err());
        assert_eq!(
            value_bytes(&s(&["9"]), PLAIN, 1).unwrap(),
            [9, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn summary_line() {
        let info = MapInfo {
            id: 3,
            map_type: MapType::Hash,
            key_size: 4,
            value_size: 8,
            max_entries: 1024,
            flags: 0,
            name: "counts".into(),
            ncpus: 1,
            entries: 2,
            bytes: 4096,
            dropped: 0,
        };
        assert_eq!(
            summary(&info),
            "3: hash  name counts  key 4B  value 8B  max_entries 1024  entries 2  memory 4096B"
        );
    }
}
