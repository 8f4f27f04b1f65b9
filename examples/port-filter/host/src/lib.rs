//! The host side of the port-filter guest (`examples/port-filter/guest`), on the `kwasm`
//! library: load the guest as a netfilter program, write the port into its `CONFIG` map,
//! attach it at `LOCAL_IN`, and read its per-source drop counts from `DROPS`.
//!
//! Used by the `port-filter` program and by `port-filter-demo` (what `cargo xtask demo` runs).

use kwasm::maps::{Array, HashMap, MAP_UPDATE_ANY};
use kwasm::{Error, Family, Hook, Link, LoadOptions, Netfilter, Program, ProgramType};
use std::net::{IpAddr, Ipv6Addr};
use std::path::Path;

/// The guest's maps and the `CONFIG` index of the port (see the guest's docs).
pub const CONFIG: &str = "CONFIG";
pub const DROPS: &str = "DROPS";
pub const PORT_INDEX: u32 = 0;

/// The loaded filter, its two maps as typed views, and its links.
pub struct PortFilter {
    prog: Program,
    config: Array<u32>,
    drops: HashMap<[u8; 16], u64>,
    links: Vec<(Family, Link)>,
}

impl PortFilter {
    /// Loads the guest at `wasm` as a netfilter program (the kernel compiles it) and finds its
    /// maps. Nothing is dropped until [`PortFilter::set_port`] and [`PortFilter::attach`].
    pub fn load(wasm: &Path) -> Result<PortFilter, Error> {
        let prog = LoadOptions::new()
            .prog_type(ProgramType::Netfilter)
            .name("port_filter")
            .load(wasm)?;
        let config = Array::try_from(prog.map(CONFIG)?)?;
        let drops = HashMap::try_from(prog.map(DROPS)?)?;
        Ok(PortFilter {
            prog,
            config,
            drops,
            links: Vec::new(),
        })
    }

    /// The TCP destination port to drop (0: none).
    pub fn set_port(&self, port: u16) -> Result<(), Error> {
        self.config.set(PORT_INDEX, u32::from(port), MAP_UPDATE_ANY)
    }

    /// Attaches the program at `LOCAL_IN` for each of `families` (one link each).
    pub fn attach(&mut self, families: &[Family]) -> Result<(), Error> {
        for &family in families {
            let link = self.prog.attach(Netfilter {
                family,
                hook: Hook::LocalIn,
                ..Default::default()
            })?;
            self.links.push((family, link));
        }
        Ok(())
    }

    /// Drops per source address, largest first (then by address).
    pub fn drops(&self) -> Result<Vec<(IpAddr, u64)>, Error> {
        let mut out = self
            .drops
            .iter()
            .map(|e| e.map(|(addr, n)| (source_addr(addr), n)))
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(out)
    }

    /// The links, with the family each was attached for.
    pub fn links(&self) -> &[(Family, Link)] {
        &self.links
    }

    /// Removes the links (closing a link's last fd detaches it, unless it is pinned).
    pub fn take_links(&mut self) -> Vec<(Family, Link)> {
        std::mem::take(&mut self.links)
    }

    pub fn program(&self) -> &Program {
        &self.prog
    }

    /// The `DROPS` map, for pinning.
    pub fn drops_map(&self) -> &kwasm::Map {
        self.drops.map()
    }
}

/// A `DROPS` key as an address: IPv4 sources are stored as `::ffff:a.b.c.d`.
pub fn source_addr(key: [u8; 16]) -> IpAddr {
    let v6 = Ipv6Addr::from(key);
    match v6.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(v6),
    }
}

/// `127.0.0.1: 3 drops, ::1: 1 drop`, or `no drops`.
pub fn drops_text(drops: &[(IpAddr, u64)]) -> String {
    if drops.is_empty() {
        return "no drops".into();
    }
    drops
        .iter()
        .map(|(addr, n)| format!("{addr}: {n} drop{}", if *n == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_as_addresses() {
        let mut v4 = [0u8; 16];
        v4[10..12].copy_from_slice(&[0xff, 0xff]);
        v4[12..].copy_from_slice(&[127, 0, 0, 1]);
        assert_eq!(source_addr(v4).to_string(), "127.0.0.1");
        assert_eq!(source_addr(Ipv6Addr::LOCALHOST.octets()).to_string(), "::1");
    }

    #[test]
    fn drop_lines() {
        assert_eq!(drops_text(&[]), "no drops");
        let d = [
            ("127.0.0.1".parse().unwrap(), 3),
            ("::1".parse().unwrap(), 1),
        ];
        assert_eq!(drops_text(&d), "127.0.0.1: 3 drops, ::1: 1 drop");
    }
}
