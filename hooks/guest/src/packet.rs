//! A packet as a netfilter program sees it: the kernel's [`NfCtx`] at the start of the hook
//! buffer, then the first `window_len` bytes of the packet (from its network header).
//! Reads past the window go through the `packet_load` host function.

use crate::error::{check, Error};
use crate::headers::{proto, Ip, Ipv4, Ipv6, Tcp, Udp};
use crate::sys;
use kwasm_hooks::netfilter::{NfCtx, L4_OFFSET_NONE, WINDOW_MAX};

const CTX_SIZE: usize = core::mem::size_of::<NfCtx>();

/// What [`Packet::hook`] and [`Packet::family`] return (`NF_INET_*`, `NFPROTO_*`).
pub use kwasm_hooks::netfilter::{
    NFPROTO_IPV4, NFPROTO_IPV6, NF_INET_FORWARD, NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT,
    NF_INET_POST_ROUTING, NF_INET_PRE_ROUTING,
};

/// One packet at a netfilter hook.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    ctx: NfCtx,
    window: &'a [u8],
}

impl<'a> Packet<'a> {
    /// The packet described by a hook buffer (context, then window); `None` if `buf` cannot
    /// hold the context. The window is cut to what `buf` holds, the packet's length and
    /// `WINDOW_MAX`, whatever the context claims.
    pub fn from_buffer(buf: &'a [u8]) -> Option<Packet<'a>> {
        let ctx = NfCtx::from_bytes(buf.get(..CTX_SIZE)?.try_into().ok()?);
        let rest = &buf[CTX_SIZE..];
        let window_len = u32::from(ctx.window_len).min(ctx.len).min(WINDOW_MAX) as usize;
        let window = &rest[..window_len.min(rest.len())];
        Some(Packet { ctx, window })
    }

    /// The context the kernel wrote.
    pub fn ctx(&self) -> &NfCtx {
        &self.ctx
    }

    /// The hook (`NF_INET_*`).
    pub fn hook(&self) -> u32 {
        self.ctx.hook
    }

    /// `NFPROTO_IPV4` or `NFPROTO_IPV6`.
    pub fn family(&self) -> u32 {
        self.ctx.family
    }

    /// Bytes of the packet from its network header.
    pub fn len(&self) -> u32 {
        self.ctx.len
    }

    pub fn is_empty(&self) -> bool {
        self.ctx.len == 0
    }

    /// `skb->mark`.
    pub fn mark(&self) -> u32 {
        self.ctx.mark
    }

    /// Interface the packet came in on (0: none).
    pub fn ifindex_in(&self) -> u32 {
        self.ctx.ifindex_in
    }

    /// Interface the packet goes out on (0: none).
    pub fn ifindex_out(&self) -> u32 {
        self.ctx.ifindex_out
    }

    /// The transport protocol the kernel found (`IPPROTO_*`; IPv6: the first next header;
    /// 0 when unknown).
    pub fn l4_proto(&self) -> u8 {
        self.ctx.l4_proto
    }

    /// The packet bytes copied into the buffer, from the network header.
    pub fn window(&self) -> &'a [u8] {
        self.window
    }

    /// The IPv4 header, if this is a well-formed IPv4 packet.
    pub fn ipv4(&self) -> Option<Ipv4> {
        if self.ctx.family != NFPROTO_IPV4 {
            return None;
        }
        Ipv4::parse(self.window)
    }

    /// The IPv6 fixed header, if this is an IPv6 packet.
    pub fn ipv6(&self) -> Option<Ipv6> {
        if self.ctx.family != NFPROTO_IPV6 {
            return None;
        }
        Ipv6::parse(self.window)
    }

    /// Either IP header.
    pub fn ip(&self) -> Option<Ip> {
        match self.ctx.family {
            NFPROTO_IPV4 => self.ipv4().map(Ip::V4),
            NFPROTO_IPV6 => self.ipv6().map(Ip::V6),
            _ => None,
        }
    }

    /// The TCP header, if the packet carries one the kernel located (not in a non-first
    /// fragment, not behind IPv6 extension headers).
    pub fn tcp(&self) -> Option<Tcp> {
        let at = self.transport(proto::TCP)?;
        Tcp::parse(&self.bytes::<20>(at)?)
    }

    /// The UDP header, as [`Self::tcp`].
    pub fn udp(&self) -> Option<Udp> {
        let at = self.transport(proto::UDP)?;
        Udp::parse(&self.bytes::<8>(at)?)
    }

    /// The source and destination ports of a TCP or UDP packet.
    pub fn ports(&self) -> Option<(u16, u16)> {
        match self.ctx.l4_proto {
            proto::TCP => self.tcp().map(|t| (t.src_port, t.dst_port)),
            proto::UDP => self.udp().map(|u| (u.src_port, u.dst_port)),
            _ => None,
        }
    }

    /// Offset of a `protocol` transport header, if the context names one that the IP header
    /// agrees with: the kernel's offset is taken only when it lies past the IP header and the
    /// packet is not a non-first fragment (the context could be stale or crafted in tests).
    fn transport(&self, protocol: u8) -> Option<u32> {
        if self.ctx.l4_proto != protocol || self.ctx.l4_offset == L4_OFFSET_NONE {
            return None;
        }
        let at = u32::from(self.ctx.l4_offset);
        let ip_len = match self.ip()? {
            Ip::V4(h) if h.protocol != protocol || h.fragment_offset != 0 => return None,
            Ip::V4(h) => u32::from(h.header_len),
            Ip::V6(_) => 40,
        };
        (at >= ip_len).then_some(at)
    }

    /// Copies packet bytes from `offset` (from the network header) into `dst`: from the
    /// window where it holds them, else through `packet_load`. [`Error::Truncated`] if the
    /// packet ends first.
    pub fn read(&self, offset: u32, dst: &mut [u8]) -> Result<(), Error> {
        let start = offset as usize;
        if let Some(src) = self.window.get(start..start.saturating_add(dst.len())) {
            dst.copy_from_slice(src);
            return Ok(());
        }
        let len = u32::try_from(dst.len()).map_err(|_| Error::Invalid)?;
        if u64::from(offset) + u64::from(len) > u64::from(self.ctx.len) {
            return Err(Error::Truncated);
        }
        // SAFETY: the host writes at most `len` bytes to `dst`.
        let copied = check(unsafe { sys::packet_load(offset, dst.as_mut_ptr(), len) })?;
        if copied == len {
            Ok(())
        } else {
            Err(Error::Truncated)
        }
    }

    /// `N` packet bytes from `offset` (see [`Self::read`]), `None` past the packet's end.
    pub fn bytes<const N: usize>(&self, offset: u32) -> Option<[u8; N]> {
        let mut out = [0u8; N];
        self.read(offset, &mut out).ok().map(|()| out)
    }
}
