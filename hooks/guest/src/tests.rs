//! Header parsing on crafted packets, through the hook buffer as the kernel fills it.

use crate::{proto, v4_mapped, Error, Ip, Packet};
use kwasm_hooks::netfilter::{NFPROTO_IPV4, NFPROTO_IPV6, WINDOW_MAX};

#[path = "../tests/support/packets.rs"]
mod packets;
use packets::{buffer, ipv4, ipv6, tcp, udp};

#[test]
fn ipv4_tcp() {
    let b = buffer(
        NFPROTO_IPV4,
        &ipv4(5, proto::TCP, 0x4000, &tcp(40000, 22, 0x12, 5)),
    );
    let p = Packet::from_buffer(&b).unwrap();
    assert_eq!(
        (p.hook(), p.family(), p.len(), p.mark()),
        (1, NFPROTO_IPV4, 40, 7)
    );
    assert_eq!((p.ifindex_in(), p.ifindex_out()), (2, 0));
    let ip = p.ipv4().unwrap();
    assert_eq!((ip.src, ip.dst), ([10, 0, 0, 1], [192, 168, 1, 2]));
    assert_eq!(ip.src_u32(), 0x0a00_0001);
    assert_eq!(
        (ip.protocol, ip.ttl, ip.tos, ip.header_len),
        (proto::TCP, 64, 0x10, 20)
    );
    assert_eq!((ip.total_len, ip.id), (40, 0x1234));
    assert!(ip.dont_fragment && !ip.is_fragment());
    assert_eq!(p.ipv6(), None);
    let t = p.tcp().unwrap();
    assert_eq!(
        (t.src_port, t.dst_port, t.seq, t.header_len),
        (40000, 22, 1000, 20)
    );
    assert!(t.syn() && t.ack() && !t.fin() && !t.rst());
    assert_eq!(p.udp(), None);
    assert_eq!(p.ports(), Some((40000, 22)));
    assert_eq!(Ip::V4(ip).src16(), v4_mapped([10, 0, 0, 1]));
    assert_eq!(v4_mapped([1, 2, 3, 4])[10..], [0xff, 0xff, 1, 2, 3, 4]);
}

#[test]
fn ipv4_options_move_the_transport_header() {
    let b = buffer(NFPROTO_IPV4, &ipv4(15, proto::UDP, 0, &udp(53, 5353)));
    let p = Packet::from_buffer(&b).unwrap();
    assert_eq!(p.ipv4().unwrap().header_len, 60);
    let u = p.udp().unwrap();
    assert_eq!((u.src_port, u.dst_port, u.len), (53, 5353, 8));
    assert_eq!(p.tcp(), None);
}

#[test]
fn ipv4_short_ihl_is_refused() {
    for ihl in 0..5 {
        let mut pkt = ipv4(5, proto::TCP, 0, &tcp(1, 2, 0, 5));
        pkt[0] = 0x40 | ihl;
        let b = buffer(NFPROTO_IPV4, &pkt);
        let p = Packet::from_buffer(&b).unwrap();
        assert_eq!(p.ipv4(), None, "ihl {ihl}");
        assert_eq!(p.tcp(), None, "ihl {ihl}");
    }
}

#[test]
fn ipv4_fragments_have_no_transport_header() {
    // The first fragment has one; later fragments carry payload bytes, not a header.
    let first = buffer(
        NFPROTO_IPV4,
        &ipv4(5, proto::TCP, 0x2000, &tcp(1, 80, 0, 5)),
    );
    let p = Packet::from_buffer(&first).unwrap();
    assert!(p.ipv4().unwrap().is_fragment());
    assert_eq!(p.tcp().unwrap().dst_port, 80);
    let later = buffer(
        NFPROTO_IPV4,
        &ipv4(5, proto::TCP, 0x0003, &tcp(1, 80, 0, 5)),
    );
    let p = Packet::from_buffer(&later).unwrap();
    assert_eq!(p.ipv4().unwrap().fragment_offset, 24);
    assert_eq!(p.tcp(), None);
    assert_eq!(p.ports(), None);
}

#[test]
fn truncated_packets() {
    let full = ipv4(5, proto::TCP, 0, &tcp(1, 80, 0, 5));
    for cut in [0, 1, 19, 20, 39] {
        let b = buffer(NFPROTO_IPV4, &full[..cut]);
        let p = Packet::from_buffer(&b).unwrap();
        assert_eq!(p.tcp(), None, "cut at {cut}");
        if cut < 20 {
            assert_eq!(p.ipv4(), None, "cut at {cut}");
        }
    }
    // The header claims options the packet does not have.
    let mut pkt = full.clone();
    pkt[0] = 0x4f;
    let b = buffer(NFPROTO_IPV4, &pkt[..40]);
    assert_eq!(Packet::from_buffer(&b).unwrap().ipv4(), None);
    // A total length shorter than the header.
    pkt[0] = 0x45;
    pkt[2..4].copy_from_slice(&10u16.to_be_bytes());
    assert_eq!(
        Packet::from_buffer(&buffer(NFPROTO_IPV4, &pkt))
            .unwrap()
            .ipv4(),
        None
    );
    // A buffer shorter than the context.
    assert!(Packet::from_buffer(&[0u8; 31]).is_none());
}

#[test]
fn hostile_contexts_are_not_trusted() {
    let pkt = ipv4(5, proto::TCP, 0, &tcp(1, 80, 0, 5));
    let mut b = buffer(NFPROTO_IPV4, &pkt);
    // A window longer than the buffer and the packet: cut to what is there.
    b[30..32].copy_from_slice(&u16::MAX.to_le_bytes());
    let p = Packet::from_buffer(&b).unwrap();
    assert_eq!(p.window().len(), 40);
    // A transport offset inside the IP header, or past the packet.
    for offset in [0u16, 19, 4000] {
        b[28..30].copy_from_slice(&offset.to_le_bytes());
        assert_eq!(
            Packet::from_buffer(&b).unwrap().tcp(),
            None,
            "offset {offset}"
        );
    }
    // A family that does not match the bytes.
    let mut b = buffer(NFPROTO_IPV4, &pkt);
    b[4..8].copy_from_slice(&NFPROTO_IPV6.to_le_bytes());
    let p = Packet::from_buffer(&b).unwrap();
    assert_eq!((p.ipv4(), p.ipv6(), p.tcp()), (None, None, None));
    // A context protocol the IP header does not agree with.
    let mut b = buffer(NFPROTO_IPV4, &pkt);
    b[26] = proto::UDP;
    assert_eq!(Packet::from_buffer(&b).unwrap().udp(), None);
}

#[test]
fn tcp_data_offset_below_five_is_refused() {
    let b = buffer(NFPROTO_IPV4, &ipv4(5, proto::TCP, 0, &tcp(1, 80, 0, 4)));
    assert_eq!(Packet::from_buffer(&b).unwrap().tcp(), None);
    let b = buffer(NFPROTO_IPV4, &ipv4(5, proto::TCP, 0, &tcp(1, 80, 0, 15)));
    assert_eq!(
        Packet::from_buffer(&b).unwrap().tcp().unwrap().header_len,
        60
    );
}

#[test]
fn ipv6_tcp_and_udp() {
    let b = buffer(NFPROTO_IPV6, &ipv6(proto::TCP, &tcp(5000, 443, 0x01, 5)));
    let p = Packet::from_buffer(&b).unwrap();
    let ip = p.ipv6().unwrap();
    assert_eq!(
        (ip.src[0], ip.src[15], ip.dst[0], ip.dst[15]),
        (0x20, 1, 0xfe, 2)
    );
    assert_eq!(
        (ip.next_header, ip.hop_limit, ip.payload_len),
        (proto::TCP, 255, 20)
    );
    assert_eq!((ip.traffic_class, ip.flow_label), (0xab, 0x01234));
    assert_eq!(p.ipv4(), None);
    let t = p.tcp().unwrap();
    assert_eq!((t.src_port, t.dst_port), (5000, 443));
    assert!(t.fin() && !t.syn());
    assert_eq!(p.ip().unwrap().src16(), ip.src);
    let b = buffer(NFPROTO_IPV6, &ipv6(proto::UDP, &udp(1, 2)));
    assert_eq!(Packet::from_buffer(&b).unwrap().ports(), Some((1, 2)));
}

#[test]
fn ipv6_extension_headers_and_truncation() {
    // Hop-by-hop options first: the kernel does not walk them, so no transport header.
    let b = buffer(NFPROTO_IPV6, &ipv6(0, &tcp(1, 2, 0, 5)));
    let p = Packet::from_buffer(&b).unwrap();
    assert_eq!(p.ipv6().unwrap().next_header, 0);
    assert_eq!((p.tcp(), p.ports()), (None, None));
    // A TCP header cut short; an IPv6 header cut short; a wrong version.
    let pkt = ipv6(proto::TCP, &tcp(1, 2, 0, 5));
    assert_eq!(
        Packet::from_buffer(&buffer(NFPROTO_IPV6, &pkt[..50]))
            .unwrap()
            .tcp(),
        None
    );
    assert_eq!(
        Packet::from_buffer(&buffer(NFPROTO_IPV6, &pkt[..39]))
            .unwrap()
            .ipv6(),
        None
    );
    let mut bad = pkt.clone();
    bad[0] = 0x45;
    assert_eq!(
        Packet::from_buffer(&buffer(NFPROTO_IPV6, &bad))
            .unwrap()
            .ipv6(),
        None
    );
}

#[test]
fn reads_within_and_past_the_window() {
    let payload = std::vec![0xaa; 400];
    let b = buffer(NFPROTO_IPV4, &ipv4(5, proto::UDP, 0, &payload));
    let p = Packet::from_buffer(&b).unwrap();
    assert_eq!(p.window().len(), WINDOW_MAX as usize);
    assert_eq!(p.bytes::<4>(12), Some([10, 0, 0, 1]));
    // Past the window, inside the packet: packet_load, which host builds do not have.
    let mut dst = [0u8; 8];
    assert_eq!(p.read(300, &mut dst), Err(Error::Unsupported));
    // Past the packet's end.
    assert_eq!(p.read(418, &mut dst), Err(Error::Truncated));
    assert_eq!(p.bytes::<1>(u32::MAX), None);
}
