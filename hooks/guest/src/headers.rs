//! Network and transport headers parsed from bytes, checked field by field: every parser
//! returns `None` for anything too short or inconsistent rather than reading past it.
//! Addresses stay in network order (`[u8; N]`); numbers are converted to host values.

/// IANA protocol numbers (`IPPROTO_*`) of the headers parsed here.
pub mod proto {
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const ICMPV6: u8 = 58;
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn array<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&b[at..at + N]);
    out
}

/// An IPv4 address in the IPv4-mapped IPv6 form `::ffff:a.b.c.d`, so one 16-byte key covers
/// both families.
pub fn v4_mapped(addr: [u8; 4]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[10] = 0xff;
    out[11] = 0xff;
    out[12..].copy_from_slice(&addr);
    out
}

/// An IPv4 header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4 {
    pub src: [u8; 4],
    pub dst: [u8; 4],
    /// `IPPROTO_*` of the payload.
    pub protocol: u8,
    pub ttl: u8,
    pub tos: u8,
    /// Bytes of the header, options included (20..=60).
    pub header_len: u8,
    /// Bytes of the datagram (header and payload), as the header says.
    pub total_len: u16,
    pub id: u16,
    pub dont_fragment: bool,
    pub more_fragments: bool,
    /// Offset of this fragment's payload in the datagram, in bytes.
    pub fragment_offset: u16,
}

impl Ipv4 {
    /// Parses the header at the start of `b`: version 4, a header length of at least 20 bytes
    /// that `b` holds (options included) and that `total_len` covers.
    pub fn parse(b: &[u8]) -> Option<Ipv4> {
        if b.len() < 20 || b[0] >> 4 != 4 {
            return None;
        }
        let header_len = (b[0] & 0x0f) * 4;
        let total_len = be16(b, 2);
        if header_len < 20 || b.len() < usize::from(header_len) || total_len < header_len.into() {
            return None;
        }
        let frag = be16(b, 6);
        Some(Ipv4 {
            src: array(b, 12),
            dst: array(b, 16),
            protocol: b[9],
            ttl: b[8],
            tos: b[1],
            header_len,
            total_len,
            id: be16(b, 4),
            dont_fragment: frag & 0x4000 != 0,
            more_fragments: frag & 0x2000 != 0,
            fragment_offset: (frag & 0x1fff) * 8,
        })
    }

    /// The source address as a number (`a.b.c.d` is `a << 24 | ...`).
    pub fn src_u32(&self) -> u32 {
        u32::from_be_bytes(self.src)
    }

    pub fn dst_u32(&self) -> u32 {
        u32::from_be_bytes(self.dst)
    }

    /// Part of a fragmented datagram (first fragment included).
    pub fn is_fragment(&self) -> bool {
        self.more_fragments || self.fragment_offset != 0
    }
}

/// An IPv6 fixed header (extension headers are not walked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv6 {
    pub src: [u8; 16],
    pub dst: [u8; 16],
    /// The first next-header value (`IPPROTO_*` or an extension header).
    pub next_header: u8,
    pub hop_limit: u8,
    pub traffic_class: u8,
    pub flow_label: u32,
    /// Bytes after the fixed header.
    pub payload_len: u16,
}

impl Ipv6 {
    /// Parses the 40-byte fixed header at the start of `b` (version 6).
    pub fn parse(b: &[u8]) -> Option<Ipv6> {
        if b.len() < 40 || b[0] >> 4 != 6 {
            return None;
        }
        let first = be32(b, 0);
        Some(Ipv6 {
            src: array(b, 8),
            dst: array(b, 24),
            next_header: b[6],
            hop_limit: b[7],
            traffic_class: (first >> 20) as u8,
            flow_label: first & 0x000f_ffff,
            payload_len: be16(b, 4),
        })
    }
}

/// Either IP header, for code that handles both families alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ip {
    V4(Ipv4),
    V6(Ipv6),
}

impl Ip {
    /// The source address, IPv4 as [`v4_mapped`].
    pub fn src16(&self) -> [u8; 16] {
        match self {
            Ip::V4(h) => v4_mapped(h.src),
            Ip::V6(h) => h.src,
        }
    }

    pub fn dst16(&self) -> [u8; 16] {
        match self {
            Ip::V4(h) => v4_mapped(h.dst),
            Ip::V6(h) => h.dst,
        }
    }

    /// The payload's protocol (IPv6: the first next-header value).
    pub fn protocol(&self) -> u8 {
        match self {
            Ip::V4(h) => h.protocol,
            Ip::V6(h) => h.next_header,
        }
    }
}

/// A TCP header (options are not parsed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tcp {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack_seq: u32,
    /// Bytes of the header, options included (20..=60).
    pub header_len: u8,
    /// The flag bits of byte 13 (FIN 0x01 … CWR 0x80).
    pub flags: u8,
    pub window: u16,
}

impl Tcp {
    /// Parses the first 20 bytes of `b` (a data offset below 5 words is refused).
    pub fn parse(b: &[u8]) -> Option<Tcp> {
        if b.len() < 20 || b[12] >> 4 < 5 {
            return None;
        }
        Some(Tcp {
            src_port: be16(b, 0),
            dst_port: be16(b, 2),
            seq: be32(b, 4),
            ack_seq: be32(b, 8),
            header_len: (b[12] >> 4) * 4,
            flags: b[13],
            window: be16(b, 14),
        })
    }

    pub fn fin(&self) -> bool {
        self.flags & 0x01 != 0
    }

    pub fn syn(&self) -> bool {
        self.flags & 0x02 != 0
    }

    pub fn rst(&self) -> bool {
        self.flags & 0x04 != 0
    }

    pub fn psh(&self) -> bool {
        self.flags & 0x08 != 0
    }

    pub fn ack(&self) -> bool {
        self.flags & 0x10 != 0
    }
}

/// A UDP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Udp {
    pub src_port: u16,
    pub dst_port: u16,
    /// Bytes of header and payload, as the header says.
    pub len: u16,
    pub checksum: u16,
}

impl Udp {
    /// Parses the first 8 bytes of `b`.
    pub fn parse(b: &[u8]) -> Option<Udp> {
        if b.len() < 8 {
            return None;
        }
        Some(Udp {
            src_port: be16(b, 0),
            dst_port: be16(b, 2),
            len: be16(b, 4),
            checksum: be16(b, 6),
        })
    }
}
