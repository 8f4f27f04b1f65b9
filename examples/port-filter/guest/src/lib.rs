//! Drops TCP packets to one port and counts the drops per source address; accepts the rest.
//!
//! Maps (what a host program reads and writes, by name):
//! - `CONFIG`: `Array<u32>`, 1 entry. Index 0 ([`PORT`]) holds the TCP destination port to
//!   drop, in host order; 0 (the initial value) drops nothing.
//! - `DROPS`: `HashMap<[u8; 16], u64>`, 1024 entries: drops per source address, IPv6 as is and
//!   IPv4 as `::ffff:a.b.c.d` (`kwasm_guest::v4_mapped`); the value is a little-endian u64.
#![no_std]

use kwasm_guest::maps::{Array, HashMap};
use kwasm_guest::{map, netfilter, Packet, Verdict};

/// The `CONFIG` index of the port to drop.
pub const PORT: u32 = 0;

map! {
    static CONFIG: Array<u32> = Array::with_max_entries(1);
    static DROPS: HashMap<[u8; 16], u64> = HashMap::with_max_entries(1024);
}

fn filter(pkt: &Packet) -> Verdict {
    let port = CONFIG.get(PORT).unwrap_or(0);
    if port == 0 {
        return Verdict::Accept;
    }
    match (pkt.ip(), pkt.tcp()) {
        (Some(ip), Some(tcp)) if u32::from(tcp.dst_port) == port => {
            // A full map only loses the count, never the drop.
            let _ = DROPS.add(&ip.src16(), 1);
            Verdict::Drop
        }
        _ => Verdict::Accept,
    }
}

netfilter!(filter);
