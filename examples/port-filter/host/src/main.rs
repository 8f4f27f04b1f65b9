//! `port-filter`: drops TCP connections to one port with the port-filter guest, in the kernel.
//!
//! ```text
//! port-filter --wasm PATH --port N [--family ipv4|ipv6|both] [--pin NAME] [--once SECONDS]
//! ```
//!
//! Loads the guest as a netfilter program, sets `CONFIG[0]` to the port, attaches it at
//! `LOCAL_IN` and prints the drops per source address every second, until Ctrl-C or SIGTERM
//! (or once, after `--once SECONDS`). On exit the links close, which detaches the filter,
//! unless `--pin` pinned them.

use clap::{Parser, ValueEnum};
use kwasm::Family;
use kwasm_port_filter_host::{drops_text, PortFilter};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tokio::signal::unix::{signal, SignalKind};

/// Drop TCP connections to a port with a WebAssembly program in the kernel; print the drops
/// per source address.
#[derive(Parser, Debug)]
#[command(name = "port-filter")]
struct Args {
    /// The port-filter guest (`cargo xtask guest examples/port-filter/guest` prints its path)
    #[arg(long)]
    wasm: PathBuf,
    /// The TCP destination port to drop
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// Which traffic to filter
    #[arg(long, value_enum, default_value = "both")]
    family: FamilyArg,
    /// Pin the links as NAME/ipv4, NAME/ipv6 and the drop counts as NAME/drops: the filter
    /// then stays attached after exit (`kwasm pin unpin NAME/ipv4` removes it)
    #[arg(long, value_name = "NAME")]
    pin: Option<String>,
    /// Print the drops once, after SECONDS, and exit (default: every second until Ctrl-C)
    #[arg(long, value_name = "SECONDS")]
    once: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FamilyArg {
    Ipv4,
    Ipv6,
    Both,
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
            eprintln!("port-filter: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<()> {
    // Registered before anything is attached: a signal from here on ends the loop below (and
    // the links close on the way out) instead of killing the process.
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;

    let mut filter = PortFilter::load(&args.wasm)?;
    filter.set_port(args.port)?;
    filter.attach(args.family.families())?;
    let mut links = Vec::new();
    for (family, link) in filter.links() {
        links.push(format!("{} link {}", family.name(), link.info()?.id));
        if let Some(name) = &args.pin {
            link.pin(&format!("{name}/{}", family.name()))?;
        }
    }
    if let Some(name) = &args.pin {
        filter.drops_map().pin(&format!("{name}/drops"))?;
    }
    println!(
        "port-filter: dropping TCP to port {} (program {}; {})",
        args.port,
        filter.program().info()?.id,
        links.join(", ")
    );

    let start = Instant::now();
    let print = |filter: &PortFilter| -> Result<()> {
        let secs = start.elapsed().as_secs();
        println!("[{secs:>4}s] {}", drops_text(&filter.drops()?));
        Ok(())
    };
    let stopped_by = match args.once {
        Some(secs) => tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(secs)) => None,
            _ = interrupt.recv() => Some("SIGINT"),
            _ = terminate.recv() => Some("SIGTERM"),
        },
        None => {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await; // the first tick is immediate
            loop {
                tokio::select! {
                    _ = tick.tick() => print(&filter)?,
                    _ = interrupt.recv() => break Some("SIGINT"),
                    _ = terminate.recv() => break Some("SIGTERM"),
                }
            }
        }
    };
    if let Some(signal) = stopped_by {
        println!("port-filter: {signal}");
    }
    print(&filter)?;
    // Closing the links detaches the program (pinned links stay: the pins hold them).
    drop(filter.take_links());
    match &args.pin {
        Some(name) => println!(
            "port-filter: still attached through the pins {name}/*; `kwasm pin unpin` removes them"
        ),
        None => println!("port-filter: detached"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments() {
        Args::command().debug_assert();
        let a =
            Args::try_parse_from(["port-filter", "--wasm", "f.wasm", "--port", "8080"]).unwrap();
        assert_eq!((a.port, a.family, a.once), (8080, FamilyArg::Both, None));
        assert_eq!(a.family.families(), &[Family::Ipv4, Family::Ipv6]);
        let a = Args::try_parse_from([
            "port-filter",
            "--wasm",
            "f.wasm",
            "--port",
            "22",
            "--family",
            "ipv6",
            "--once",
            "5",
            "--pin",
            "fw",
        ])
        .unwrap();
        assert_eq!((a.family, a.once), (FamilyArg::Ipv6, Some(5)));
        assert_eq!(a.pin.as_deref(), Some("fw"));
        for bad in [&["--port", "0"][..], &["--port", "65536"], &[]] {
            let argv = [&["port-filter", "--wasm", "f.wasm"][..], bad].concat();
            assert!(Args::try_parse_from(argv).is_err(), "{bad:?}");
        }
    }
}
