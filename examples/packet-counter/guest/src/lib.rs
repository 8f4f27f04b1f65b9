//! Counts packets per transport protocol and per flow, and reports each new flow; accepts
//! every packet. Map names and layouts: `kwasm_packet_counter_common`.
#![no_std]

use kwasm_guest::maps::{LruHashMap, PerCpuArray, RingBuf, NOEXIST};
use kwasm_guest::{map, netfilter, Error, Packet, Verdict};
use kwasm_packet_counter_common::{FlowEvent, FlowKey, EVENTS_SIZE, FLOWS_MAX};

map! {
    static COUNTS: PerCpuArray<u64> = PerCpuArray::with_max_entries(256);
    static FLOWS: LruHashMap<FlowKey, u64> = LruHashMap::with_max_entries(FLOWS_MAX);
    static EVENTS: RingBuf = RingBuf::with_byte_size(EVENTS_SIZE);
}

fn count(pkt: &Packet) -> Verdict {
    let _ = COUNTS.add(u32::from(pkt.l4_proto()), 1);
    let Some(ip) = pkt.ip() else {
        return Verdict::Accept;
    };
    let (src_port, dst_port) = pkt.ports().unwrap_or((0, 0));
    let flow = FlowKey {
        src: ip.src16(),
        dst: ip.dst16(),
        src_port,
        dst_port,
        protocol: pkt.l4_proto(),
        family: pkt.family() as u8,
        _pad: [0; 2],
    };
    // NOEXIST: of several CPUs seeing a new flow at once, exactly one creates it and reports.
    match FLOWS.insert_with_flags(&flow, &1, NOEXIST) {
        Ok(()) => {
            let event = FlowEvent {
                flow,
                packet_len: pkt.len(),
                ifindex_in: pkt.ifindex_in(),
            };
            // A full ring buffer drops the event and counts it; the packet still passes.
            let _ = EVENTS.output(&event);
        }
        Err(Error::Exists) => {
            let _ = FLOWS.add(&flow, 1);
        }
        Err(_) => {}
    }
    Verdict::Accept
}

netfilter!(count);
