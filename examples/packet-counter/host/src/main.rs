//! `packet-counter`: counts packets per transport protocol with the packet-counter guest, in the
//! kernel, and prints each new flow as it is seen.
//!
//! ```text
//! packet-counter --wasm PATH [--family ipv4|ipv6|both] [--hook local_in|...] [--seconds N]
//! ```
//!
//! Loads the guest as a netfilter program and attaches it; a tokio task reads the guest's
//! `EVENTS` ring buffer (an async `Stream`) and prints each new flow as it arrives, while the
//! main task prints the per-protocol counts (`COUNTS`, one value per CPU, summed) every second
//! when they changed. Stops after `--seconds N` or on Ctrl-C / SIGTERM; closing the links on
//! exit detaches the program.

use clap::{Parser, ValueEnum};
use kwasm::maps::{PerCpuArray, RingBuf};
use kwasm::{Family, Hook, LoadOptions, Netfilter, ProgramType};
use kwasm_packet_counter_common::{FlowEvent, Pod, COUNTS, EVENTS};
use std::net::{IpAddr, Ipv6Addr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use tokio::signal::unix::{signal, SignalKind};
use tokio_stream::StreamExt;

/// Count packets per protocol and report new flows, with a WebAssembly program in the kernel.
#[derive(Parser, Debug)]
#[command(name = "packet-counter")]
struct Args {
    /// The packet-counter guest (`cargo xtask guest examples/packet-counter/guest` prints its
    /// path)
    #[arg(long)]
    wasm: PathBuf,
    /// Which traffic to count
    #[arg(long, value_enum, default_value = "both")]
    family: FamilyArg,
    /// The netfilter hook to attach to
    #[arg(long, value_enum, default_value = "local_in")]
    hook: HookArg,
    /// Stop after N seconds (default: at Ctrl-C)
    #[arg(long, value_name = "N")]
    seconds: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FamilyArg {
    Ipv4,
    Ipv6,
    Both,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum HookArg {
    #[value(name = "pre_routing")]
    PreRouting,
    #[value(name = "local_in")]
    LocalIn,
    #[value(name = "forward")]
    Forward,
    #[value(name = "local_out")]
    LocalOut,
    #[value(name = "post_routing")]
    PostRouting,
}

impl From<HookArg> for Hook {
    fn from(h: HookArg) -> Hook {
        match h {
            HookArg::PreRouting => Hook::PreRouting,
            HookArg::LocalIn => Hook::LocalIn,
            HookArg::Forward => Hook::Forward,
            HookArg::LocalOut => Hook::LocalOut,
            HookArg::PostRouting => Hook::PostRouting,
        }
    }
}

impl FamilyArg {
    fn families(self) -> &'static [Family] {
        match self {
            FamilyArg::Ipv4 => &[Family::Ipv4],
            FamilyArg::Ipv6 => &[Family::Ipv6],
            FamilyArg::Both => &[Family::Ipv4, Family::Ipv6],
        }
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("packet-counter: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<()> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;

    let prog = LoadOptions::new()
        .prog_type(ProgramType::Netfilter)
        .name("packet_counter")
        .load(&args.wasm)?;
    let counts: PerCpuArray<u64> = PerCpuArray::try_from(prog.map(COUNTS)?)?;
    let mut events = RingBuf::try_from(prog.map(EVENTS)?)?;
    // Held until the end of `run`: dropping a link detaches it.
    let mut links = Vec::new();
    let mut names = Vec::new();
    for &family in args.family.families() {
        let link = prog.attach(Netfilter {
            family,
            hook: args.hook.into(),
            ..Default::default()
        })?;
        names.push(format!("{} link {}", family.name(), link.info()?.id));
        links.push(link);
    }
    println!(
        "packet-counter: program {} attached at {} ({})",
        prog.info()?.id,
        Hook::from(args.hook).name(),
        names.join(", ")
    );

    // The flow events, printed as they come by a task of their own.
    let reader = tokio::spawn(async move {
        while let Some(record) = events.next().await {
            match record {
                Ok(bytes) => match FlowEvent::from_bytes(&bytes) {
                    Some(event) => println!("new flow: {}", flow_text(&event)),
                    None => eprintln!("packet-counter: a record of {} bytes?", bytes.len()),
                },
                Err(e) => {
                    eprintln!("packet-counter: {e}");
                    break;
                }
            }
        }
        events.dropped()
    });

    let until = async {
        match args.seconds {
            Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(until);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut shown = Vec::new();
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let now = protocol_counts(&counts)?;
                if now != shown {
                    println!("counts: {}", counts_text(&now));
                    shown = now;
                }
            }
            _ = &mut until => break,
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
        }
    }
    // Let the reader print what is already in the ring, then stop it.
    tokio::time::sleep(Duration::from_millis(100)).await;
    reader.abort();
    println!(
        "counts at exit: {}",
        counts_text(&protocol_counts(&counts)?)
    );
    let dropped = prog.map(EVENTS)?.info()?.dropped;
    if dropped > 0 {
        println!("packet-counter: {dropped} flow events dropped (the ring buffer was full)");
    }
    drop(links);
    println!("packet-counter: detached");
    Ok(())
}

/// Packets per protocol number, summed over the CPUs; only protocols seen.
fn protocol_counts(
    counts: &PerCpuArray<u64>,
) -> std::result::Result<Vec<(u32, u64)>, kwasm::Error> {
    let mut out = Vec::new();
    for entry in counts.iter() {
        let (proto, per_cpu) = entry?;
        let total: u64 = per_cpu.iter().sum();
        if total > 0 {
            out.push((proto, total));
        }
    }
    Ok(out)
}

fn protocol_name(proto: u32) -> String {
    match proto {
        0 => "other".into(),
        1 => "icmp".into(),
        2 => "igmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        58 => "icmpv6".into(),
        132 => "sctp".into(),
        n => format!("proto {n}"),
    }
}

fn counts_text(counts: &[(u32, u64)]) -> String {
    if counts.is_empty() {
        return "no packets yet".into();
    }
    counts
        .iter()
        .map(|(p, n)| format!("{} {n}", protocol_name(*p)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An address of a flow key: IPv4 is stored as `::ffff:a.b.c.d`.
fn addr(bytes: [u8; 16]) -> IpAddr {
    let v6 = Ipv6Addr::from(bytes);
    v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)
}

fn endpoint(a: IpAddr, port: u16, has_ports: bool) -> String {
    match (a, has_ports) {
        (_, false) => a.to_string(),
        (IpAddr::V4(_), true) => format!("{a}:{port}"),
        (IpAddr::V6(_), true) => format!("[{a}]:{port}"),
    }
}

/// `tcp 127.0.0.1:40000 -> 127.0.0.1:8080 (60 bytes, ifindex 1)`.
fn flow_text(e: &FlowEvent) -> String {
    let f = &e.flow;
    let ports = matches!(f.protocol, 6 | 17 | 132);
    format!(
        "{} {} -> {} ({} bytes, ifindex {})",
        protocol_name(u32::from(f.protocol)),
        endpoint(addr(f.src), f.src_port, ports),
        endpoint(addr(f.dst), f.dst_port, ports),
        e.packet_len,
        e.ifindex_in
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use kwasm_packet_counter_common::FlowKey;

    #[test]
    fn arguments() {
        Args::command().debug_assert();
        let a = Args::try_parse_from(["packet-counter", "--wasm", "p.wasm"]).unwrap();
        assert_eq!(
            (a.family, a.hook, a.seconds),
            (FamilyArg::Both, HookArg::LocalIn, None)
        );
        let a = Args::try_parse_from([
            "packet-counter",
            "--wasm",
            "p.wasm",
            "--family",
            "ipv4",
            "--hook",
            "local_out",
            "--seconds",
            "3",
        ])
        .unwrap();
        assert_eq!(
            (a.family, a.hook, a.seconds),
            (FamilyArg::Ipv4, HookArg::LocalOut, Some(3))
        );
    }

    #[test]
    fn texts() {
        let mut src = [0u8; 16];
        src[10..12].copy_from_slice(&[0xff, 0xff]);
        src[12..].copy_from_slice(&[127, 0, 0, 1]);
        let e = FlowEvent {
            flow: FlowKey {
                src,
                dst: src,
                src_port: 40000,
                dst_port: 8080,
                protocol: 6,
                family: 2,
                _pad: [0; 2],
            },
            packet_len: 60,
            ifindex_in: 1,
        };
        assert_eq!(
            flow_text(&e),
            "tcp 127.0.0.1:40000 -> 127.0.0.1:8080 (60 bytes, ifindex 1)"
        );
        let mut v6 = e;
        v6.flow.src = Ipv6Addr::LOCALHOST.octets();
        v6.flow.dst = Ipv6Addr::LOCALHOST.octets();
        v6.flow.protocol = 58;
        assert_eq!(flow_text(&v6), "icmpv6 ::1 -> ::1 (60 bytes, ifindex 1)");
        assert_eq!(counts_text(&[(6, 3), (17, 1)]), "tcp 3, udp 1");
        assert_eq!(counts_text(&[]), "no packets yet");
    }
}
