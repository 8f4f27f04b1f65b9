//! `kwasm prog`: load, list, show, test-run, pin, unpin.

use super::bytes::parse_hex;
use super::input::Input;
use super::link::{FamilyArg, HookArg};
use super::output::{infos, print_json, traps_text};
use super::refs::{open_map, open_prog, ObjRef};
use super::wasm_value::{format_results, parse_args, parse_type};
use super::Result;
use clap::{Args, Subcommand, ValueEnum};
use kwasm::hooks::trap::trap_name;
use kwasm::{LoadOptions, PacketOptions, ProgInfo, Program, ProgramType};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum ProgCommand {
    /// Load a module into the kernel (it stays loaded after kwasm exits only if pinned)
    Load(LoadArgs),
    /// List the loaded programs
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one program: ID, pin:NAME or NAME
    Show {
        prog: ObjRef,
        #[arg(long)]
        json: bool,
    },
    /// Run an export of a loaded program, or a hook program on a packet
    TestRun(TestRunArgs),
    /// Pin a program under a name
    Pin { prog: ObjRef, name: String },
    /// Remove a pin
    Unpin { name: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TypeArg {
    Test,
    Netfilter,
}

impl From<TypeArg> for ProgramType {
    fn from(t: TypeArg) -> Self {
        match t {
            TypeArg::Test => ProgramType::Test,
            TypeArg::Netfilter => ProgramType::Netfilter,
        }
    }
}

#[derive(Args, Debug)]
pub struct LoadArgs {
    /// The WebAssembly module
    pub file: PathBuf,
    /// Program type
    #[arg(long = "type", value_enum, default_value = "test")]
    pub prog_type: TypeArg,
    /// Name in the kernel (16 bytes at most; default: the file's stem)
    #[arg(long)]
    pub name: Option<String>,
    /// Pin it under this name, so that it stays loaded
    #[arg(long)]
    pub pin: Option<String>,
    /// Fuel per run (default: the program type's)
    #[arg(long)]
    pub fuel: Option<u64>,
    /// Hook programs: linear memory per instance, in bytes (suffixes K, M, G)
    #[arg(long, value_parser = parse_size)]
    pub memory_max: Option<u64>,
    /// Bind a declared map to an existing one: NAME=MAP (MAP: ID, pin:NAME or NAME)
    #[arg(long = "map", value_name = "NAME=MAP", value_parser = parse_bind)]
    pub maps: Vec<(String, ObjRef)>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct TestRunArgs {
    /// The program: ID, pin:NAME or NAME
    pub prog: ObjRef,
    /// The export to run (not with --packet)
    #[arg(required_unless_present = "packet", conflicts_with = "packet")]
    pub export: Option<String>,
    /// Arguments: i32:5, i64:-1, f32:1.5, f64:2, or bare integers
    #[arg(allow_negative_numbers = true, value_name = "ARGS")]
    pub args: Vec<String>,
    /// Result types to print them as (e.g. i32,f64); default: raw 64-bit slots
    #[arg(long, value_delimiter = ',', value_parser = parse_type)]
    pub results: Vec<u8>,
    /// Run a hook program on this packet (hex bytes from the network header)
    #[arg(long, value_parser = parse_packet)]
    pub packet: Option<Packet>,
    // The packet's surroundings conflict with an export; they have no clap defaults, so that
    // clap sees whether they were given.
    /// The packet's family [default: ipv4]
    #[arg(long, value_enum, conflicts_with = "export")]
    pub family: Option<FamilyArg>,
    /// The hook it runs at [default: local_in]
    #[arg(long, value_enum, conflicts_with = "export")]
    pub hook: Option<HookArg>,
    /// Interface the packet came in on [default: 0, none]
    #[arg(long, conflicts_with = "export")]
    pub ifindex_in: Option<u32>,
    /// Interface it goes out on [default: 0, none]
    #[arg(long, conflicts_with = "export")]
    pub ifindex_out: Option<u32>,
    /// skb->mark [default: 0]
    #[arg(long, conflicts_with = "export")]
    pub mark: Option<u32>,
    /// Fuel per run (0: the program's default)
    #[arg(long, default_value_t = 0)]
    pub fuel: u64,
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    #[arg(long)]
    pub json: bool,
}

pub fn run(cmd: ProgCommand) -> Result<()> {
    match cmd {
        ProgCommand::Load(args) => load(&args),
        ProgCommand::List { json } => list(json),
        ProgCommand::Show { prog, json } => show(&open_prog(&prog)?.info()?, json),
        ProgCommand::TestRun(args) => test_run(&args),
        ProgCommand::Pin { prog, name } => Ok(open_prog(&prog)?.pin(&name)?),
        ProgCommand::Unpin { name } => Ok(kwasm::pin::unpin(&name)?),
    }
}

fn load(args: &LoadArgs) -> Result<()> {
    let wasm = Input::read(&args.file)?.into_wasm(&args.file)?;
    let stem = args.file.file_stem().and_then(|s| s.to_str());
    let mut opts = LoadOptions::new()
        .prog_type(args.prog_type.into())
        .name(args.name.as_deref().or(stem).unwrap_or("prog"))
        .fuel(args.fuel.unwrap_or(0))
        .memory_max(args.memory_max.unwrap_or(0));
    for (name, map) in &args.maps {
        opts = opts.bind_map(name, &open_map(map)?);
    }
    let prog = opts.load_bytes(&wasm)?;
    if let Some(pin) = &args.pin {
        prog.pin(pin)?;
    }
    let info = prog.info()?;
    if args.json {
        return print_json(&info);
    }
    match &args.pin {
        Some(pin) => println!("loaded program {} as pin:{pin}", info.id),
        None => println!(
            "loaded program {} (not pinned: it unloads as kwasm exits)",
            info.id
        ),
    }
    Ok(())
}

fn list(json: bool) -> Result<()> {
    let all = infos(Program::ids(), |id| Program::from_id(id)?.info())?;
    if json {
        return print_json(&all);
    }
    for info in &all {
        println!("{}", summary(info));
    }
    Ok(())
}

/// One line per program.
fn summary(i: &ProgInfo) -> String {
    format!(
        "{}: {}  name {}  code {}B  memory {}B  runs {}  run_time {}ns  traps {}{}",
        i.id,
        i.prog_type.name(),
        i.name,
        i.code_size,
        i.memory_size,
        i.run_count,
        i.run_time_ns,
        i.traps_total(),
        map_ids_text(&i.map_ids),
    )
}

fn map_ids_text(ids: &[u32]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let ids: Vec<String> = ids.iter().map(u32::to_string).collect();
    format!("  maps {}", ids.join(","))
}

fn show(i: &ProgInfo, json: bool) -> Result<()> {
    if json {
        return print_json(i);
    }
    println!("{}: {}  name {}", i.id, i.prog_type.name(), i.name);
    println!(
        "\tcode {}B  memory {}B  instances {}  stack used {}B",
        i.code_size, i.memory_size, i.instances, i.stack_max_bytes
    );
    println!(
        "\truns {}  run_time {}ns  traps {}",
        i.run_count,
        i.run_time_ns,
        traps_text(&i.traps)
    );
    println!(
        "\tloaded in {}us (compile {}us, peak {}KiB){}",
        i.load_duration_ns / 1000,
        i.compile_time_ns / 1000,
        i.compile_peak_bytes / 1024,
        map_ids_text(&i.map_ids)
    );
    Ok(())
}

fn test_run(args: &TestRunArgs) -> Result<()> {
    let prog = open_prog(&args.prog)?;
    match (&args.packet, &args.export) {
        (Some(packet), _) => run_packet(&prog, &packet.0, args),
        (None, Some(export)) => run_export(&prog, export, args),
        (None, None) => unreachable!("clap requires an export or --packet"),
    }
}

/// What `prog test-run --json` prints for an export.
#[derive(Serialize)]
struct ExportRunJson {
    trap: u32,
    trap_name: &'static str,
    results: Vec<u64>,
    duration_ns: u64,
}

fn run_export(prog: &Program, export: &str, args: &TestRunArgs) -> Result<()> {
    let values = parse_args(&args.args, None)?;
    let slots: Vec<u64> = values.iter().map(|v| v.to_slot()).collect();
    // The kernel does not tell an export's signature: room for any result count it may have.
    let nslots = slots.len().max(args.results.len()).max(16);
    let run = prog.test_run(export, &slots, nslots, args.repeat, args.fuel)?;
    if args.json {
        return print_json(&ExportRunJson {
            trap: run.trap,
            trap_name: trap_name(run.trap),
            results: run.results,
            duration_ns: run.duration_ns,
        });
    }
    if run.trap != 0 {
        return Err(format!("trap {}: {}", run.trap, trap_name(run.trap)).into());
    }
    let types = (!args.results.is_empty()).then_some(&args.results[..]);
    println!(
        "{}  ({} ns per run)",
        format_results(&run.results, types),
        run.duration_ns
    );
    Ok(())
}

fn run_packet(prog: &Program, packet: &[u8], args: &TestRunArgs) -> Result<()> {
    let opts = PacketOptions {
        family: args.family.unwrap_or(FamilyArg::Ipv4).into(),
        hook: args.hook.unwrap_or(HookArg::LocalIn).into(),
        ifindex_in: args.ifindex_in.unwrap_or(0),
        ifindex_out: args.ifindex_out.unwrap_or(0),
        mark: args.mark.unwrap_or(0),
        repeat: args.repeat,
        fuel: args.fuel,
    };
    let run = prog.test_run_packet(packet, &opts)?;
    if args.json {
        return print_json(&packet_json(&run));
    }
    let verdict = run.verdict().map_or("unknown", kwasm::Verdict::name);
    let trap = if run.trap == 0 {
        String::new()
    } else {
        format!("  (trap {}: {})", run.trap, trap_name(run.trap))
    };
    println!("verdict {verdict}{trap}  ({} ns per run)", run.duration_ns);
    Ok(())
}

/// What `prog test-run --packet --json` prints.
fn packet_json(run: &kwasm::PacketRun) -> serde_json::Value {
    serde_json::json!({
        "verdict": run.verdict(),
        "retval": run.retval,
        "trap": run.trap,
        "trap_name": trap_name(run.trap),
        "duration_ns": run.duration_ns,
    })
}

/// The bytes of `--packet` (a newtype: clap reads `Option<Vec<u8>>` as a list of numbers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet(pub Vec<u8>);

fn parse_packet(s: &str) -> std::result::Result<Packet, String> {
    parse_hex(s).map(Packet)
}

/// Bytes with an optional K, M or G suffix (powers of 1024).
fn parse_size(s: &str) -> std::result::Result<u64, String> {
    let (digits, shift) = match s.as_bytes().last() {
        Some(b'K' | b'k') => (&s[..s.len() - 1], 10),
        Some(b'M' | b'm') => (&s[..s.len() - 1], 20),
        Some(b'G' | b'g') => (&s[..s.len() - 1], 30),
        _ => (s, 0),
    };
    let n: u64 = digits.parse().map_err(|_| format!("bad size {s:?}"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("size {s:?} too large"))
}

/// `NAME=MAP` of `--map`.
fn parse_bind(s: &str) -> std::result::Result<(String, ObjRef), String> {
    let (name, map) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected NAME=MAP"))?;
    Ok((name.to_string(), map.parse()?))
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use super::*;
    use clap::Parser;
    use kwasm::hooks::artifact::{VAL_F64, VAL_I32};

    fn parse(args: &[&str]) -> ProgCommand {
        match Cli::try_parse_from(args).unwrap().command {
            Command::Prog(cmd) => cmd,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn load_takes_type_name_pin_fuel_memory_and_binds() {
        let ProgCommand::Load(a) = parse(&[
            "kwasm",
            "prog",
            "load",
            "fw.wasm",
            "--type",
            "netfilter",
            "--name",
            "fw",
            "--pin",
            "fw/prog",
            "--fuel",
            "5000",
            "--memory-max",
            "64K",
            "--map",
            "counts=pin:fw/c",
        ]) else {
            panic!()
        };
        assert_eq!(a.prog_type, TypeArg::Netfilter);
        assert_eq!(
            (a.name.as_deref(), a.pin.as_deref()),
            (Some("fw"), Some("fw/prog"))
        );
        assert_eq!((a.fuel, a.memory_max), (Some(5000), Some(65536)));
        assert_eq!(a.maps, [("counts".into(), ObjRef::Pin("fw/c".into()))]);
        assert!(Cli::try_parse_from(["kwasm", "prog", "load", "f.wasm", "--type", "xdp"]).is_err());
    }

    #[test]
    fn show_list_pin_unpin() {
        assert!(matches!(
            parse(&["kwasm", "prog", "show", "pin:fw/prog", "--json"]),
            ProgCommand::Show {
                prog: ObjRef::Pin(_),
                json: true
            }
        ));
        assert!(matches!(
            parse(&["kwasm", "prog", "list"]),
            ProgCommand::List { json: false }
        ));
        assert!(matches!(
            parse(&["kwasm", "prog", "pin", "5", "keep"]),
            ProgCommand::Pin {
                prog: ObjRef::Id(5),
                ..
            }
        ));
        assert!(matches!(
            parse(&["kwasm", "prog", "unpin", "keep"]),
            ProgCommand::Unpin { .. }
        ));
    }

    #[test]
    fn test_run_an_export_or_a_packet() {
        let ProgCommand::TestRun(a) = parse(&[
            "kwasm",
            "prog",
            "test-run",
            "7",
            "hyp",
            "f64:3",
            "f64:4",
            "--results",
            "f64,i32",
        ]) else {
            panic!()
        };
        assert_eq!(a.export.as_deref(), Some("hyp"));
        assert_eq!(a.args, ["f64:3", "f64:4"]);
        assert_eq!(a.results, [VAL_F64, VAL_I32]);
        let ProgCommand::TestRun(a) = parse(&[
            "kwasm",
            "prog",
            "test-run",
            "pin:fw",
            "--packet",
            "45 00 00 1c",
            "--hook",
            "pre_routing",
            "--family",
            "ipv6",
            "--mark",
            "3",
        ]) else {
            panic!()
        };
        assert_eq!(a.packet, Some(Packet(vec![0x45, 0, 0, 0x1c])));
        assert_eq!(
            (a.hook, a.family, a.mark),
            (Some(HookArg::PreRouting), Some(FamilyArg::Ipv6), Some(3))
        );
        // Neither, or both, is refused; packet options need a packet.
        assert!(Cli::try_parse_from(["kwasm", "prog", "test-run", "7"]).is_err());
        assert!(
            Cli::try_parse_from(["kwasm", "prog", "test-run", "7", "f", "--packet", "00"]).is_err()
        );
        assert!(
            Cli::try_parse_from(["kwasm", "prog", "test-run", "7", "f", "--mark", "1"]).is_err()
        );
    }

    #[test]
    fn hex_sizes_and_binds() {
        assert_eq!(parse_packet("0xff"), Ok(Packet(vec![255])));
        assert!(parse_packet("abc").is_err());
        assert_eq!(parse_size("1M"), Ok(1 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("1T").is_err());
        assert!(parse_bind("counts").is_err());
    }

    #[test]
    fn packet_json_shape() {
        let run = kwasm::PacketRun {
            retval: 0,
            trap: 10,
            duration_ns: 5,
        };
        assert_eq!(
            packet_json(&run),
            serde_json::json!({
                "verdict": "drop", "retval": 0, "trap": 10,
                "trap_name": "out of fuel", "duration_ns": 5
            })
        );
    }
}
