//! The netfilter hook: what a program attached to it receives and returns.
//!
//! A netfilter program exports an immutable i32 global [`BUFFER_EXPORT`], the address of
//! [`BUFFER_SIZE`] bytes of its linear memory, and a function [`ENTRY`]`(ctx: i32) -> i32`.
//! For each packet the kernel writes an [`NfCtx`] at the buffer and the first
//! `NfCtx::window_len` bytes of the packet (from its network header) right after it, calls
//! `ENTRY` with the buffer's address, and reads the verdict. More bytes: the host function
//! `kwasm.packet_load` (`super::host_fns`). A trap, running out of fuel or a verdict other than
//! [`VERDICT_DROP`] / [`VERDICT_ACCEPT`] gives the link's default verdict, counted per link.

/// The entry export: `(ctx: i32) -> i32` verdict.
pub const ENTRY: &str = "kwasm_netfilter";
/// The immutable i32 global export holding the buffer's address.
pub const BUFFER_EXPORT: &str = "kwasm_hook_buffer";
/// Most packet bytes copied after the context (the rest through `packet_load`).
pub const WINDOW_MAX: u32 = 256;
/// Bytes the buffer must have: the context and the packet window.
pub const BUFFER_SIZE: u32 = core::mem::size_of::<NfCtx>() as u32 + WINDOW_MAX;

/// Verdicts, as the kernel's `NF_DROP` / `NF_ACCEPT`.
pub const VERDICT_DROP: u32 = 0;
pub const VERDICT_ACCEPT: u32 = 1;

/// Protocol families (`NFPROTO_*`).
pub const NFPROTO_IPV4: u32 = 2;
pub const NFPROTO_IPV6: u32 = 10;

/// Hook numbers (`NF_INET_*`).
pub const NF_INET_PRE_ROUTING: u32 = 0;
pub const NF_INET_LOCAL_IN: u32 = 1;
pub const NF_INET_FORWARD: u32 = 2;
pub const NF_INET_LOCAL_OUT: u32 = 3;
pub const NF_INET_POST_ROUTING: u32 = 4;
pub const NF_INET_NUMHOOKS: u32 = 5;

/// `NfCtx::l4_offset` when the transport header is not known (a fragment, an unparsed header).
pub const L4_OFFSET_NONE: u16 = u16::MAX;

/// What the program learns of a packet, at the start of its buffer (little-endian, as wasm).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NfCtx {
    /// `NF_INET_*`.
    pub hook: u32,
    /// `NFPROTO_IPV4` or `NFPROTO_IPV6`.
    pub family: u32,
    /// Interface the packet came in on / goes out on (0: none).
    pub ifindex_in: u32,
    pub ifindex_out: u32,
    /// Bytes of the packet from its network header.
    pub len: u32,
    /// `skb->mark`.
    pub mark: u32,
    /// Ethertype of the network header (0x0800, 0x86dd).
    pub l3_proto: u16,
    /// `IPPROTO_*` of the transport header (0 when unknown).
    pub l4_proto: u8,
    pub _reserved: u8,
    /// Offset of the transport header from the network header, or [`L4_OFFSET_NONE`].
    pub l4_offset: u16,
    /// Packet bytes copied after this struct.
    pub window_len: u16,
}

const _: () = assert!(core::mem::size_of::<NfCtx>() == 32);

impl NfCtx {
    /// The struct as the bytes written into the program's memory.
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut b = [0u8; 32];
        let words = [
            self.hook,
            self.family,
            self.ifindex_in,
            self.ifindex_out,
            self.len,
            self.mark,
        ];
        for (k, w) in words.iter().enumerate() {
            b[4 * k..4 * k + 4].copy_from_slice(&w.to_le_bytes());
        }
        b[24..26].copy_from_slice(&self.l3_proto.to_le_bytes());
        b[26] = self.l4_proto;
        b[27] = self._reserved;
        b[28..30].copy_from_slice(&self.l4_offset.to_le_bytes());
        b[30..32].copy_from_slice(&self.window_len.to_le_bytes());
        b
    }

    /// Parses the bytes [`Self::to_bytes`] writes.
    pub fn from_bytes(b: &[u8; 32]) -> NfCtx {
        let w = |k: usize| u32::from_le_bytes([b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3]]);
        NfCtx {
            hook: w(0),
            family: w(1),
            ifindex_in: w(2),
            ifindex_out: w(3),
            len: w(4),
            mark: w(5),
            l3_proto: u16::from_le_bytes([b[24], b[25]]),
            l4_proto: b[26],
            _reserved: b[27],
            l4_offset: u16::from_le_bytes([b[28], b[29]]),
            window_len: u16::from_le_bytes([b[30], b[31]]),
        }
    }
}

/// Where the transport header of a packet starts, from its first bytes (`window`, from the
/// network header) and its family: `(l3_proto ethertype, l4_proto, l4_offset)`. Used by the
/// kernel for every packet and by tests; IPv6 extension headers are not walked (the
/// `l4_proto` is then the first next-header value and `l4_offset` is `L4_OFFSET_NONE` unless
/// it is TCP, UDP or ICMPv6). IPv4 non-first fragments have no transport header.
pub fn parse_l3(family: u32, window: &[u8]) -> (u16, u8, u16) {
    match family {
        NFPROTO_IPV4 => {
            if window.len() < 20 || window[0] >> 4 != 4 {
                return (0x0800, 0, L4_OFFSET_NONE);
            }
            let ihl = u16::from(window[0] & 0x0f) * 4;
            let frag_offset = u16::from_be_bytes([window[6], window[7]]) & 0x1fff;
            let offset = if ihl >= 20 && frag_offset == 0 {
                ihl
            } else {
                L4_OFFSET_NONE
            };
            (0x0800, window[9], offset)
        }
        NFPROTO_IPV6 => {
            if window.len() < 40 || window[0] >> 4 != 6 {
                return (0x86dd, 0, L4_OFFSET_NONE);
            }
            let next = window[6];
            let offset = if matches!(next, 6 | 17 | 58) {
                40
            } else {
                L4_OFFSET_NONE
            };
            (0x86dd, next, offset)
        }
        _ => (0, 0, L4_OFFSET_NONE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctx_bytes_round_trip() {
        let c = NfCtx {
            hook: 1,
            family: 2,
            ifindex_in: 3,
            ifindex_out: 4,
            len: 60,
            mark: 7,
            l3_proto: 0x0800,
            l4_proto: 6,
            _reserved: 0,
            l4_offset: 20,
            window_len: 60,
        };
        assert_eq!(NfCtx::from_bytes(&c.to_bytes()), c);
        assert_eq!(&c.to_bytes()[24..26], &[0x00, 0x08]);
    }

    #[test]
    fn l3_parsing() {
        let mut v4 = [0u8; 40];
        v4[0] = 0x46; // IPv4, 24-byte header
        v4[9] = 6;
        assert_eq!(parse_l3(NFPROTO_IPV4, &v4), (0x0800, 6, 24));
        v4[7] = 1; // a non-first fragment
        assert_eq!(parse_l3(NFPROTO_IPV4, &v4), (0x0800, 6, L4_OFFSET_NONE));
        assert_eq!(
            parse_l3(NFPROTO_IPV4, &v4[..10]),
            (0x0800, 0, L4_OFFSET_NONE)
        );
        let mut v6 = [0u8; 40];
        v6[0] = 0x60;
        v6[6] = 17;
        assert_eq!(parse_l3(NFPROTO_IPV6, &v6), (0x86dd, 17, 40));
        v6[6] = 0; // hop-by-hop options: not walked
        assert_eq!(parse_l3(NFPROTO_IPV6, &v6), (0x86dd, 0, L4_OFFSET_NONE));
    }
}
