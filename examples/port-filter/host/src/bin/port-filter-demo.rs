//! `port-filter-demo`: the walkthrough `cargo xtask demo` runs in the VM. Two TCP servers on
//! 127.0.0.1; the port-filter guest, loaded and attached through the `kwasm` library, makes
//! one of them unreachable while the other still answers; the drop counters are read back
//! through the library; the links are detached and the port answers again.
//!
//! ```text
//! port-filter-demo --wasm PATH [--port 8080] [--other-port 9090]
//! ```
//!
//! It fails (non-zero exit) when anything does not happen as it says.

use clap::Parser;
use kwasm::Family;
use kwasm_port_filter_host::{drops_text, PortFilter};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Show the port-filter guest dropping connections to one port, through the kwasm library.
#[derive(Parser, Debug)]
#[command(name = "port-filter-demo")]
struct Args {
    /// The port-filter guest
    #[arg(long)]
    wasm: PathBuf,
    /// The port to filter
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// A port that stays open
    #[arg(long, default_value_t = 9090)]
    other_port: u16,
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// How long a connection attempt waits for an answer.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(1500);

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("port-filter-demo: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A TCP server on 127.0.0.1:`port` that echoes one line per connection (in a thread).
fn echo_server(port: u16) -> Result<SocketAddr> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut b = [0u8; 64];
            if let Ok(n) = stream.read(&mut b) {
                let _ = stream.write_all(&b[..n]);
            }
        }
    });
    Ok(addr)
}

/// Connects to `addr`, sends a line and waits for its echo; prints what happened and says
/// whether the exchange worked.
fn try_connect(addr: SocketAddr) -> bool {
    print!("    connect {addr:<16} ... ");
    let _ = std::io::stdout().flush();
    let start = Instant::now();
    let exchange = || -> std::io::Result<()> {
        let mut s = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)?;
        s.set_read_timeout(Some(CONNECT_TIMEOUT))?;
        s.write_all(b"hello\n")?;
        let mut b = [0u8; 6];
        s.read_exact(&mut b)?;
        Ok(())
    };
    match exchange() {
        Ok(()) => {
            println!("connected, echoed (in {} ms)", start.elapsed().as_millis());
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            println!(
                "no answer after {} ms (the SYN was dropped)",
                start.elapsed().as_millis()
            );
            false
        }
        Err(e) => {
            println!("failed: {e}");
            false
        }
    }
}

fn expect(what: &str, ok: bool) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(format!("expected: {what}").into())
    }
}

fn run(args: &Args) -> Result<()> {
    println!("=== A WebAssembly packet filter in the kernel, through the kwasm library ===");
    println!();
    let filtered = echo_server(args.port)?;
    let open = echo_server(args.other_port)?;
    println!(
        "1. Two TCP echo servers listen on 127.0.0.1:{} and 127.0.0.1:{}; both answer:",
        args.port, args.other_port
    );
    expect("port reachable before filtering", try_connect(filtered))?;
    expect("other port reachable", try_connect(open))?;
    println!();

    println!("2. Load the port-filter guest: the kernel validates and compiles the wasm itself.");
    let wasm_len = std::fs::metadata(&args.wasm)?.len();
    let mut filter = PortFilter::load(&args.wasm)?;
    let info = filter.program().info()?;
    println!(
        "    {}: {} bytes of wasm -> program {} {:?} ({} program, {} instances: one per CPU, \
         {} KiB of x86-64 code, compiled in {} ms)",
        args.wasm.display(),
        wasm_len,
        info.id,
        info.name,
        info.prog_type.name(),
        info.instances,
        info.code_size / 1024,
        info.compile_time_ns / 1_000_000
    );
    for map in filter.program().maps()? {
        let n = map.max_entries();
        println!(
            "    map {} {:?}: {}, {n} entr{}",
            map.id(),
            map.name(),
            map.map_type().name(),
            if n == 1 { "y" } else { "ies" }
        );
    }
    println!();

    println!("3. Write the port into its CONFIG map and attach it at netfilter's LOCAL_IN:");
    filter.set_port(args.port)?;
    println!("    CONFIG[0] = {}", args.port);
    filter.attach(&[Family::Ipv4, Family::Ipv6])?;
    for (family, link) in filter.links() {
        let l = link.info()?;
        println!(
            "    link {}: program {} attached to {} {}",
            l.id,
            l.prog_id,
            family.name(),
            l.hook.map_or("?", |h| h.name())
        );
    }
    println!();

    println!(
        "4. Now port {} is filtered and port {} is not:",
        args.port, args.other_port
    );
    expect("the filtered port to stay silent", !try_connect(filtered))?;
    expect("the filtered port to stay silent", !try_connect(filtered))?;
    expect("the other port to answer", try_connect(open))?;
    println!();

    println!("5. The drop counters, read through the library:");
    let drops = filter.drops()?;
    println!(
        "    DROPS map (HashMap<[u8; 16], u64>, by source): {}",
        drops_text(&drops)
    );
    let mut link_dropped = 0;
    for (family, link) in filter.links() {
        let l = link.info()?;
        link_dropped += l.dropped;
        println!(
            "    link {} ({}): {} packets seen, {} accepted, {} dropped, {} traps",
            l.id,
            family.name(),
            l.runs,
            l.accepted,
            l.dropped,
            l.traps_total()
        );
    }
    let counted: u64 = drops.iter().map(|(_, n)| n).sum();
    expect("drops counted", counted >= 2)?;
    expect(
        "the map's count to equal the links'",
        counted == link_dropped,
    )?;
    println!();

    if let Ok(out) = std::process::Command::new("kwasm")
        .args(["link", "list"])
        .output()
    {
        println!("    (the kwasm CLI sees the same links: `kwasm link list`)");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            println!("    {line}");
        }
        println!();
    }

    println!("6. Detach: link.detach(), then drop the Link (closing its fd would detach it too):");
    let links = filter.take_links();
    for (_, link) in &links {
        link.detach()?;
        let l = link.info()?;
        println!(
            "    link {}: attached = {}, program {}",
            l.id, l.attached, l.prog_id
        );
        expect("the link detached", !l.attached)?;
    }
    drop(links);
    println!("    port {} answers again:", args.port);
    expect("the port to answer after detaching", try_connect(filtered))?;
    expect("the other port to answer", try_connect(open))?;
    println!(
        "    the drops stay counted in the loaded program's map: {}",
        drops_text(&filter.drops()?)
    );
    println!();
    println!(
        "=== done: {counted} SYNs to port {} dropped in the kernel while attached ===",
        args.port
    );
    Ok(())
}
