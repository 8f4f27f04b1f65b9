//! The `kwasm` library against the real module with the port-filter example guest (Rust, built
//! for wasm32 by xtask): attach, real loopback connections dropped and counted (the typed
//! `HashMap` and the link's counters agree), `Link::update` without detaching, detaching by
//! dropping the `Link`; pins that outlive the objects and the process that made them.

mod library_support;

use kwasm::maps::{Array, HashMap, MAP_UPDATE_ANY};
use kwasm::pin::ObjectKind;
use kwasm::{Family, Hook, Link, Map, Program};
use kwasm_vmtests::one_at_a_time;
use library_support::*;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

/// The port-filter guest loaded through the library, dropping TCP to `port`.
fn port_filter(port: u16) -> (Program, HashMap<[u8; 16], u64>) {
    let prog = load_nf(&guest(PORT_FILTER), "port_filter");
    let config: Array<u32> = Array::try_from(prog.map("CONFIG").unwrap()).unwrap();
    config.set(0, u32::from(port), MAP_UPDATE_ANY).unwrap();
    assert_eq!(config.get(0).unwrap(), u32::from(port));
    let drops = HashMap::try_from(prog.map("DROPS").unwrap()).unwrap();
    (prog, drops)
}

fn count(drops: &HashMap<[u8; 16], u64>, source: [u8; 16]) -> u64 {
    drops.get(&source).unwrap().unwrap_or(0)
}

/// A listener on 127.0.0.1 and one on ::1 with the same port.
fn listeners_v4_v6() -> (SocketAddr, SocketAddr) {
    let v4 = echo_listener("127.0.0.1:0");
    let v6 = echo_listener(&format!("[::1]:{}", v4.port()));
    (v4, v6)
}

#[test]
fn the_port_filter_drops_real_connections_and_counts_each_dropped_syn() {
    let _serial = one_at_a_time();
    let (filtered4, filtered6) = listeners_v4_v6();
    let other = echo_listener("127.0.0.1:0");
    assert!(reachable(filtered4) && reachable(filtered6) && reachable(other));
    let (prog, drops) = port_filter(filtered4.port());
    let link4 = attach(&prog, Family::Ipv4, Hook::LocalIn);
    let link6 = attach(&prog, Family::Ipv6, Hook::LocalIn);

    for _ in 0..3 {
        assert!(
            unreachable(filtered4),
            "the filtered port answered on 127.0.0.1"
        );
    }
    assert!(unreachable(filtered6), "the filtered port answered on ::1");
    assert!(reachable(other), "another port stopped working");

    let prog_id = prog.info().unwrap().id;
    let (info4, info6) = (link4.info().unwrap(), link6.info().unwrap());
    for (info, family) in [(&info4, Family::Ipv4), (&info6, Family::Ipv6)] {
        assert!(info.attached, "{info:?}");
        assert_eq!(info.prog_id, prog_id);
        assert_eq!(
            (info.family, info.hook),
            (Some(family), Some(Hook::LocalIn))
        );
        assert_eq!(info.runs, info.accepted + info.dropped, "{info:?}");
        assert_eq!(
            (info.traps_total(), info.bad_verdicts, info.skipped),
            (0, 0, 0)
        );
    }
    // Only SYNs reach the filtered port (no connection gets further), so the links' drops are
    // the SYNs, one (at least: a retransmission may come) per attempt.
    let from4 = count(&drops, v4_mapped(Ipv4Addr::LOCALHOST));
    let from6 = count(&drops, Ipv6Addr::LOCALHOST.octets());
    assert!(from4 >= 3 && from6 >= 1, "{from4} {from6}");
    assert_eq!(
        from4, info4.dropped,
        "DROPS[127.0.0.1] and the IPv4 link's drops"
    );
    assert_eq!(from6, info6.dropped, "DROPS[::1] and the IPv6 link's drops");
    let all: Vec<([u8; 16], u64)> = drops.iter().map(Result::unwrap).collect();
    assert_eq!(
        all.len(),
        2,
        "sources other than the loopback addresses: {all:?}"
    );
    println!(
        "dropped SYNs: DROPS[127.0.0.1] = {from4} = the IPv4 link's dropped ({} runs); \
         DROPS[::1] = {from6} = the IPv6 link's dropped ({} runs)",
        info4.runs, info6.runs
    );

    // Another program through the same links: no detach, the port answers, nothing is counted.
    let accept = accept_all();
    link4.update(&accept).unwrap();
    link6.update(&accept).unwrap();
    assert!(reachable(filtered4) && reachable(filtered6));
    let (after4, after6) = (link4.info().unwrap(), link6.info().unwrap());
    assert_eq!(after4.id, info4.id);
    assert_eq!(after4.prog_id, accept.info().unwrap().id);
    assert!(after4.attached && after6.attached);
    assert_eq!(
        (after4.dropped, after6.dropped),
        (info4.dropped, info6.dropped)
    );
    assert!(after4.accepted > info4.accepted);
    assert_eq!(count(&drops, v4_mapped(Ipv4Addr::LOCALHOST)), from4);
    // And back: dropping again.
    link4.update(&prog).unwrap();
    assert!(unreachable(filtered4));
    assert_eq!(
        count(&drops, v4_mapped(Ipv4Addr::LOCALHOST)),
        link4.info().unwrap().dropped
    );

    // Dropping a Link closes its fd: it detaches, and the kernel forgets it.
    let ids = (info4.id, info6.id);
    drop((link4, link6));
    assert!(reachable(filtered4) && reachable(filtered6));
    let live: Vec<u32> = Link::ids().map(Result::unwrap).collect();
    assert!(!live.contains(&ids.0) && !live.contains(&ids.1), "{live:?}");
}

#[test]
fn a_detached_link_stays_open_but_filters_nothing() {
    let _serial = one_at_a_time();
    let at = echo_listener("127.0.0.1:0");
    let (prog, _drops) = port_filter(at.port());
    let link = attach(&prog, Family::Ipv4, Hook::LocalIn);
    assert!(unreachable(at));
    link.detach().unwrap();
    assert!(reachable(at));
    let info = link.info().unwrap();
    assert_eq!((info.attached, info.prog_id), (false, 0));
    let err = link.update(&prog).unwrap_err();
    assert_eq!(err.errno(), Some(libc::ENOLINK), "{err}");
}

#[test]
fn a_pinned_link_outlives_the_objects_that_made_it() {
    let _serial = one_at_a_time();
    let at = echo_listener("127.0.0.1:0");
    let name = "lib-test/port-filter/link";
    let (link_id, prog_id) = {
        let (prog, drops) = port_filter(at.port());
        let link = attach(&prog, Family::Ipv4, Hook::LocalIn);
        link.pin(name).unwrap();
        assert!(unreachable(at));
        assert_eq!(
            count(&drops, v4_mapped(Ipv4Addr::LOCALHOST)),
            link.info().unwrap().dropped
        );
        (link.info().unwrap().id, prog.info().unwrap().id)
        // The program, its maps, the link and the process's device handle go here.
    };
    assert!(unreachable(at), "the pinned link stopped dropping");
    let pins = kwasm::pin::list().unwrap();
    assert!(
        pins.iter()
            .any(|p| p.name == name && p.kind == ObjectKind::Link && p.id == link_id),
        "{pins:?}"
    );
    // The pin names a link: the other kinds refuse it.
    assert!(Program::from_pin(name).is_err());
    assert!(Map::from_pin(name).is_err());
    let link = Link::from_pin(name).unwrap();
    let info = link.info().unwrap();
    assert_eq!(
        (info.id, info.prog_id, info.attached),
        (link_id, prog_id, true)
    );
    assert!(info.dropped >= 2, "{info:?}");
    // The pin goes; our fd still holds the link.
    kwasm::pin::unpin(name).unwrap();
    assert_eq!(
        Link::from_pin(name).unwrap_err().errno(),
        Some(libc::ENOENT)
    );
    assert!(unreachable(at), "our fd still holds the link");
    drop(link);
    assert!(reachable(at));
}

/// `KWASM_PIN_CHILD=PORT`: the worker of the next test: loads the filter for PORT, attaches it,
/// pins the link and the drop counts, and exits.
#[test]
#[ignore = "a worker process of `a_pin_outlives_the_process_that_made_it`"]
fn pin_maker() {
    let Ok(port) = std::env::var("KWASM_PIN_CHILD") else {
        return;
    };
    let (prog, drops) = port_filter(port.parse().unwrap());
    let link = attach(&prog, Family::Ipv4, Hook::LocalIn);
    link.pin("lib-test/child/link").unwrap();
    drops.map().pin("lib-test/child/drops").unwrap();
}

#[test]
fn a_pin_outlives_the_process_that_made_it() {
    let _serial = one_at_a_time();
    let at = echo_listener("127.0.0.1:0");
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "pin_maker",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("KWASM_PIN_CHILD", at.port().to_string())
        .status()
        .unwrap();
    assert!(status.success(), "the pinning process failed: {status}");
    // Nothing of this process refers to the link: the pin alone keeps it attached.
    assert!(
        unreachable(at),
        "the pinned link from the exited process does not drop"
    );
    assert!(unreachable(at));
    let link = Link::from_pin("lib-test/child/link").unwrap();
    let drops: HashMap<[u8; 16], u64> =
        HashMap::try_from(Map::from_pin("lib-test/child/drops").unwrap()).unwrap();
    let info = link.info().unwrap();
    assert!(info.attached);
    assert!(info.dropped >= 2, "{info:?}");
    assert_eq!(count(&drops, v4_mapped(Ipv4Addr::LOCALHOST)), info.dropped);
    // Unpinning while no fd holds it detaches at once.
    drop(link);
    kwasm::pin::unpin("lib-test/child/link").unwrap();
    assert!(reachable(at), "unpinning did not detach");
    kwasm::pin::unpin("lib-test/child/drops").unwrap();
    assert!(!kwasm::pin::list()
        .unwrap()
        .iter()
        .any(|p| p.name.starts_with("lib-test/")));
}
