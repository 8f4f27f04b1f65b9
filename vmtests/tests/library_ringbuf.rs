//! The library's ring buffer (`kwasm::maps::RingBuf`, an async `Stream`) against the real
//! module, with the packet-counter example guest: its flow events reach a tokio task in order
//! and intact; a reader that falls behind sees the events that did not fit counted as drops,
//! while the hook never waits for it (traffic keeps flowing).

mod library_support;

use kwasm::hooks::ringbuf::record_space;
use kwasm::maps::{PerCpuArray, RingBuf};
use kwasm::{Family, Hook};
use kwasm_packet_counter_common::{FlowEvent, Pod, COUNTS, EVENTS, EVENTS_SIZE};
use kwasm_vmtests::one_at_a_time;
use library_support::*;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::time::Duration;
use tokio_stream::StreamExt;

const UDP: u8 = 17;
const NFPROTO_IPV4: u8 = 2;

/// Sends one datagram to `to` from 127.0.0.1:`port` for each of `ports`, in order, from a
/// thread that runs on CPU 0 only (loopback packets are then handled in the order sent).
fn send_flows(to: SocketAddr, ports: Vec<u16>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        pin_to_cpu(0);
        for port in ports {
            send_from(port, to);
        }
    })
}

fn send_from(port: u16, to: SocketAddr) {
    let s = UdpSocket::bind(("127.0.0.1", port)).unwrap_or_else(|e| panic!("bind {port}: {e}"));
    s.send_to(b"x", to).unwrap();
}

fn decode(record: &[u8]) -> FlowEvent {
    FlowEvent::from_bytes(record).unwrap_or_else(|| panic!("a record of {} bytes", record.len()))
}

fn lo_ifindex() -> u32 {
    // SAFETY: a NUL-terminated name.
    let index = unsafe { libc::if_nametoindex(c"lo".as_ptr()) };
    assert_ne!(index, 0);
    index
}

/// A tokio runtime for one test (the tests are synchronous so that their `one_at_a_time`
/// guard is not held across awaits).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn flow_events_reach_a_tokio_task_in_order() {
    let _serial = one_at_a_time();
    runtime().block_on(flow_events_in_order());
}

async fn flow_events_in_order() {
    let prog = load_nf(&guest(PACKET_COUNTER), "packet_counter");
    let mut events = RingBuf::try_from(prog.map(EVENTS).unwrap()).unwrap();
    let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = sink.local_addr().unwrap();
    let _link = attach(&prog, Family::Ipv4, Hook::LocalIn);

    const N: usize = 300;
    let ports: Vec<u16> = (0..N as u16).map(|k| 21000 + k).collect();
    // The reader: a tokio task awaiting the stream, keeping the events of our flows.
    let reader = tokio::spawn(async move {
        let mut ours = Vec::new();
        while ours.len() < N {
            let record = events.next().await.expect("the stream never ends");
            let event = decode(&record.expect("a record"));
            if event.flow.protocol == UDP && event.flow.dst_port == to.port() {
                ours.push(event);
            }
        }
        (ours, events)
    });
    let sender = send_flows(to, ports.clone());
    let (ours, events) = tokio::time::timeout(Duration::from_secs(120), reader)
        .await
        .expect("the events did not all arrive within 120 s")
        .unwrap();
    sender.join().unwrap();

    let src_ports: Vec<u16> = ours.iter().map(|e| e.flow.src_port).collect();
    assert_eq!(
        src_ports, ports,
        "the events' order is not the flows' order"
    );
    let localhost = v4_mapped(Ipv4Addr::LOCALHOST);
    for e in &ours {
        assert_eq!((e.flow.src, e.flow.dst), (localhost, localhost), "{e:?}");
        assert_eq!(
            (e.flow.family, e.flow._pad),
            (NFPROTO_IPV4, [0; 2]),
            "{e:?}"
        );
        // IPv4 header, UDP header, one byte.
        assert_eq!(e.packet_len, 20 + 8 + 1, "{e:?}");
        assert_eq!(e.ifindex_in, lo_ifindex(), "{e:?}");
    }
    assert_eq!(events.dropped(), 0);
    assert_eq!(events.as_map().info().unwrap().dropped, 0);
    // The per-protocol counts, one value per CPU, summed: one UDP packet per flow.
    let counts: PerCpuArray<u64> = PerCpuArray::try_from(prog.map(COUNTS).unwrap()).unwrap();
    let udp = counts.get(u32::from(UDP)).unwrap();
    assert_eq!(udp.len(), counts.ncpus());
    assert_eq!(udp.iter().sum::<u64>(), N as u64);
}

#[test]
fn a_slow_reader_sees_drops_and_the_hook_never_waits_for_it() {
    let _serial = one_at_a_time();
    runtime().block_on(slow_reader());
}

async fn slow_reader() {
    let prog = load_nf(&guest(PACKET_COUNTER), "packet_counter");
    let mut events = RingBuf::try_from(prog.map(EVENTS).unwrap()).unwrap();
    let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = sink.local_addr().unwrap();
    let tcp = echo_listener("127.0.0.1:0");
    let link = attach(&prog, Family::Ipv4, Hook::LocalIn);

    // More new flows than the ring holds events, with nobody reading.
    let fit = (EVENTS_SIZE / record_space(size_of::<FlowEvent>() as u32)) as usize;
    let n = fit + 400;
    let ports: Vec<u16> = (0..n as u16).map(|k| 23000 + k).collect();
    send_flows(to, ports.clone()).join().unwrap();
    let dropped = events.dropped();
    assert!(dropped >= 400, "{dropped} events dropped of {n}, {fit} fit");
    assert_eq!(events.as_map().info().unwrap().dropped, dropped);

    // The hook did not wait for the reader: connections work while the ring is full, and
    // every packet got the program's verdict.
    for _ in 0..3 {
        assert!(
            reachable(tcp),
            "a connection failed while the ring buffer was full"
        );
    }
    let info = link.info().unwrap();
    assert!(info.accepted >= n as u64, "{info:?}");
    assert_eq!(info.runs, info.accepted, "{info:?}");
    assert_eq!((info.dropped, info.traps_total(), info.skipped), (0, 0, 0));
    // The connections' new flows found no room either.
    assert!(events.dropped() > dropped);

    // What did fit is there, in order: the first flows.
    let mut received = Vec::new();
    while let Some(record) = events.next_record() {
        let e = decode(&record);
        if e.flow.protocol == UDP && e.flow.dst_port == to.port() {
            received.push(e.flow.src_port);
        }
    }
    assert!(!received.is_empty() && received.len() <= fit);
    assert_eq!(received.len() as u64 + dropped, n as u64);
    println!(
        "{n} new flows with nobody reading: {} events kept ({fit} fit), {dropped} dropped; \
         {} more dropped during 3 connections",
        received.len(),
        events.as_map().info().unwrap().dropped - dropped
    );
    assert_eq!(received, ports[..received.len()]);

    // Once read, the space is free again: the next flow's event arrives.
    send_flows(to, vec![22999]).join().unwrap();
    let next = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let e = decode(&events.next().await.unwrap().unwrap());
            if e.flow.protocol == UDP && e.flow.dst_port == to.port() {
                return e;
            }
        }
    })
    .await
    .expect("no event after the reader caught up");
    assert_eq!(next.flow.src_port, 22999);
}
