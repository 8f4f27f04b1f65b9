//! What the packet-counter guest writes and its host program reads: map names, key and record
//! layouts. Both sides build this crate (the guest for wasm32, the host natively); the structs
//! are `#[repr(C)]` without padding and every integer is little-endian on both.
//!
//! Maps:
//! - [`COUNTS`]: `PerCpuArray<u64>`, 256 entries: packets per `IPPROTO_*` (index = the kernel's
//!   `l4_proto`, 0 when unknown), one value per CPU.
//! - [`FLOWS`]: `LruHashMap<FlowKey, u64>`, [`FLOWS_MAX`] entries: packets per flow seen.
//! - [`EVENTS`]: `RingBuf` of [`EVENTS_SIZE`] bytes: one [`FlowEvent`] per new flow.
#![no_std]

pub use kwasm_guest::Pod;

pub const COUNTS: &str = "COUNTS";
pub const FLOWS: &str = "FLOWS";
pub const EVENTS: &str = "EVENTS";
pub const FLOWS_MAX: u32 = 4096;
pub const EVENTS_SIZE: u32 = 64 << 10;

kwasm_guest::pod! {
    /// A flow's 5-tuple. Addresses in network order, IPv4 as `::ffff:a.b.c.d`; ports in host
    /// order (0 for protocols without ports); `family` is `NFPROTO_IPV4` (2) or `NFPROTO_IPV6`
    /// (10).
    #[derive(Debug, PartialEq, Eq, Hash)]
    pub struct FlowKey {
        pub src: [u8; 16],
        pub dst: [u8; 16],
        pub src_port: u16,
        pub dst_port: u16,
        pub protocol: u8,
        pub family: u8,
        pub _pad: [u8; 2],
    }

    /// The record sent when a flow is seen first.
    #[derive(Debug, PartialEq, Eq)]
    pub struct FlowEvent {
        pub flow: FlowKey,
        /// Bytes of the first packet from its network header.
        pub packet_len: u32,
        /// Interface the first packet came in on (0: none).
        pub ifindex_in: u32,
    }
}

const _: () = assert!(core::mem::size_of::<FlowKey>() == 40);
const _: () = assert!(core::mem::size_of::<FlowEvent>() == 48);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_decode_from_their_bytes() {
        let e = FlowEvent {
            flow: FlowKey {
                src: [1; 16],
                dst: [2; 16],
                src_port: 0x1234,
                dst_port: 80,
                protocol: 6,
                family: 2,
                _pad: [0; 2],
            },
            packet_len: 60,
            ifindex_in: 3,
        };
        let b = e.as_bytes();
        assert_eq!(&b[32..34], &[0x34, 0x12]);
        assert_eq!((b[36], b[37], b[40]), (6, 2, 60));
        assert_eq!(FlowEvent::from_bytes(b), Some(e));
    }
}
