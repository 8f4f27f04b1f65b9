//! The example guests run in the userspace executor on crafted packets, with the kernel's side
//! (maps, `packet_load`, the hook buffer) faked in `support::host`.

mod support;

use kwasm_guest::{proto, v4_mapped, Pod};
use kwasm_hooks::netfilter::{NFPROTO_IPV4, NFPROTO_IPV6, VERDICT_ACCEPT, VERDICT_DROP};
use kwasm_packet_counter_common::{FlowEvent, FlowKey};
use support::host::{maps_of, Hook};
use support::packets::{buffer, ipv4, ipv6, tcp, udp};
use support::{build, inspect, PACKET_COUNTER, PORT_FILTER};

fn hook(dir: &str) -> Option<Hook> {
    let wasm = build(dir)?;
    let decls = maps_of(inspect(&wasm).maps_section.as_deref().expect("kwasm.maps"));
    Some(Hook::new(&wasm, &decls))
}

/// Runs `packet` of `family` through the hook as the kernel would.
fn run(hook: &Hook, family: u32, packet: &[u8]) -> u32 {
    hook.run(&buffer(family, packet), packet)
}

fn drops(hook: &Hook, addr: [u8; 16]) -> Option<u64> {
    let mut st = hook.state();
    let v = st.map("DROPS").entries.get(&addr[..])?.clone();
    u64::from_bytes(&v)
}

#[test]
fn port_filter_drops_tcp_to_the_configured_port() {
    let Some(hook) = hook(PORT_FILTER) else {
        return;
    };
    let to_22 = ipv4(5, proto::TCP, 0, &tcp(40000, 22, 0x02, 5));
    let v6_to_22 = ipv6(proto::TCP, &tcp(40000, 22, 0x02, 5));
    // No port configured yet: everything passes.
    assert_eq!(run(&hook, NFPROTO_IPV4, &to_22), VERDICT_ACCEPT);

    hook.state()
        .map("CONFIG")
        .entries
        .insert(0u32.to_le_bytes().to_vec(), 22u32.to_le_bytes().to_vec());
    assert_eq!(run(&hook, NFPROTO_IPV4, &to_22), VERDICT_DROP);
    assert_eq!(run(&hook, NFPROTO_IPV4, &to_22), VERDICT_DROP);
    assert_eq!(drops(&hook, v4_mapped([10, 0, 0, 1])), Some(2));
    assert_eq!(run(&hook, NFPROTO_IPV6, &v6_to_22), VERDICT_DROP);
    let mut v6_src = [0u8; 16];
    v6_src[0] = 0x20;
    v6_src[15] = 1;
    assert_eq!(drops(&hook, v6_src), Some(1));
    // IPv4 options move the TCP header; still found.
    assert_eq!(
        run(
            &hook,
            NFPROTO_IPV4,
            &ipv4(15, proto::TCP, 0, &tcp(1, 22, 0x10, 5))
        ),
        VERDICT_DROP
    );

    let accepted = [
        (
            NFPROTO_IPV4,
            ipv4(5, proto::TCP, 0, &tcp(40000, 80, 0x02, 5)),
        ),
        (NFPROTO_IPV4, ipv4(5, proto::UDP, 0, &udp(40000, 22))),
        (NFPROTO_IPV6, ipv6(proto::TCP, &tcp(22, 443, 0x02, 5))),
        (NFPROTO_IPV6, ipv6(proto::UDP, &udp(40000, 22))),
        // A later fragment: its bytes are payload, not a TCP header.
        (
            NFPROTO_IPV4,
            ipv4(5, proto::TCP, 0x0003, &tcp(40000, 22, 0x02, 5)),
        ),
        // A TCP header cut short; an IPv6 extension header in front of TCP.
        (NFPROTO_IPV4, to_22[..30].to_vec()),
        (NFPROTO_IPV6, ipv6(0, &tcp(40000, 22, 0x02, 5))),
    ];
    for (k, (family, packet)) in accepted.iter().enumerate() {
        assert_eq!(run(&hook, *family, packet), VERDICT_ACCEPT, "packet {k}");
    }
    assert_eq!(drops(&hook, v4_mapped([10, 0, 0, 1])), Some(3));
}

#[test]
fn port_filter_reads_headers_past_the_window_with_packet_load() {
    let Some(hook) = hook(PORT_FILTER) else {
        return;
    };
    hook.state()
        .map("CONFIG")
        .entries
        .insert(0u32.to_le_bytes().to_vec(), 22u32.to_le_bytes().to_vec());
    // A TCP header at byte 300 of a 400-byte packet, beyond the 256-byte window: as a
    // kernel that walks IPv6 extension headers would report it.
    let mut packet = ipv6(proto::TCP, &[0u8; 360]);
    packet[300..320].copy_from_slice(&tcp(7, 22, 0x02, 5));
    let mut buf = buffer(NFPROTO_IPV6, &packet);
    buf[28..30].copy_from_slice(&300u16.to_le_bytes());
    assert_eq!(hook.run(&buf, &packet), VERDICT_DROP);
    packet[302..304].copy_from_slice(&80u16.to_be_bytes());
    assert_eq!(hook.run(&buf, &packet), VERDICT_ACCEPT);
}

#[test]
fn packet_counter_counts_and_reports_new_flows() {
    let Some(hook) = hook(PACKET_COUNTER) else {
        return;
    };
    let a = ipv4(5, proto::TCP, 0, &tcp(40000, 80, 0x02, 5));
    let b = ipv6(proto::UDP, &udp(5353, 53));
    let icmp = ipv4(5, proto::ICMP, 0, &[8, 0, 0, 0, 0, 0, 0, 0]);
    for (family, packet) in [
        (NFPROTO_IPV4, &a),
        (NFPROTO_IPV4, &a),
        (NFPROTO_IPV6, &b),
        (NFPROTO_IPV4, &icmp),
        (NFPROTO_IPV4, &a),
    ] {
        assert_eq!(run(&hook, family, packet), VERDICT_ACCEPT);
    }
    let mut st = hook.state();
    let count = |st: &mut support::host::State, p: u8| {
        let v = st.map("COUNTS").entries[&u32::from(p).to_le_bytes()[..]].clone();
        u64::from_bytes(&v).unwrap()
    };
    assert_eq!(
        (
            count(&mut st, proto::TCP),
            count(&mut st, proto::UDP),
            count(&mut st, proto::ICMP)
        ),
        (3, 1, 1)
    );

    let events: Vec<FlowEvent> = st
        .map("EVENTS")
        .records
        .iter()
        .map(|r| FlowEvent::from_bytes(r).expect("record size"))
        .collect();
    assert_eq!(events.len(), 3, "one event per new flow");
    let first = FlowKey {
        src: v4_mapped([10, 0, 0, 1]),
        dst: v4_mapped([192, 168, 1, 2]),
        src_port: 40000,
        dst_port: 80,
        protocol: proto::TCP,
        family: NFPROTO_IPV4 as u8,
        _pad: [0; 2],
    };
    assert_eq!(
        events[0],
        FlowEvent {
            flow: first,
            packet_len: 40,
            ifindex_in: 2
        }
    );
    assert_eq!(
        (
            events[1].flow.src_port,
            events[1].flow.dst_port,
            events[1].flow.family
        ),
        (5353, 53, NFPROTO_IPV6 as u8)
    );
    assert_eq!(
        (events[2].flow.protocol, events[2].flow.src_port),
        (proto::ICMP, 0)
    );
    let packets = st.map("FLOWS").entries[first.as_bytes()].clone();
    assert_eq!(u64::from_bytes(&packets), Some(3));
}
