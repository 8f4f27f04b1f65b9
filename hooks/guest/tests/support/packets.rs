//! Crafted packets and the hook buffer the kernel would write for them (shared by the unit
//! tests, through `#[path]`, and the guest tests).

use kwasm_hooks::netfilter::{parse_l3, NfCtx, WINDOW_MAX};
use std::vec::Vec;

/// A hook buffer as the kernel writes it for `packet`: context (transport found with
/// `parse_l3`, as the kernel does), then the window.
pub fn buffer(family: u32, packet: &[u8]) -> Vec<u8> {
    let window = &packet[..packet.len().min(WINDOW_MAX as usize)];
    let (l3_proto, l4_proto, l4_offset) = parse_l3(family, window);
    let ctx = NfCtx {
        hook: 1,
        family,
        ifindex_in: 2,
        ifindex_out: 0,
        len: packet.len() as u32,
        mark: 7,
        l3_proto,
        l4_proto,
        _reserved: 0,
        l4_offset,
        window_len: window.len() as u16,
    };
    let mut b = ctx.to_bytes().to_vec();
    b.extend_from_slice(window);
    b
}

/// An IPv4 header of `ihl` words (options zero) carrying `payload`.
pub fn ipv4(ihl: u8, protocol: u8, frag: u16, payload: &[u8]) -> Vec<u8> {
    let hlen = usize::from(ihl) * 4;
    let mut p = std::vec![0u8; hlen.max(20)];
    p[0] = 0x40 | ihl;
    p[1] = 0x10;
    let total = (hlen.max(20) + payload.len()) as u16;
    p[2..4].copy_from_slice(&total.to_be_bytes());
    p[4..6].copy_from_slice(&0x1234u16.to_be_bytes());
    p[6..8].copy_from_slice(&frag.to_be_bytes());
    p[8] = 64;
    p[9] = protocol;
    p[12..16].copy_from_slice(&[10, 0, 0, 1]);
    p[16..20].copy_from_slice(&[192, 168, 1, 2]);
    p.extend_from_slice(payload);
    p
}

pub fn ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = std::vec![0u8; 40];
    p[0..4].copy_from_slice(&0x6ab0_1234u32.to_be_bytes()); // class 0xab, flow 0x01234
    p[4..6].copy_from_slice(&(payload.len() as u16).to_be_bytes());
    p[6] = next;
    p[7] = 255;
    p[8] = 0x20;
    p[23] = 1;
    p[24] = 0xfe;
    p[39] = 2;
    p.extend_from_slice(payload);
    p
}

pub fn tcp(src: u16, dst: u16, flags: u8, doff: u8) -> Vec<u8> {
    let mut t = std::vec![0u8; 20];
    t[0..2].copy_from_slice(&src.to_be_bytes());
    t[2..4].copy_from_slice(&dst.to_be_bytes());
    t[4..8].copy_from_slice(&1000u32.to_be_bytes());
    t[12] = doff << 4;
    t[13] = flags;
    t
}

pub fn udp(src: u16, dst: u16) -> Vec<u8> {
    let mut u = std::vec![0u8; 8];
    u[0..2].copy_from_slice(&src.to_be_bytes());
    u[2..4].copy_from_slice(&dst.to_be_bytes());
    u[4..6].copy_from_slice(&8u16.to_be_bytes());
    u
}
