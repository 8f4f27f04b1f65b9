//! Links: a program attached to a hook. A link is an fd; closing its last reference (fds and
//! pins) detaches the program. `LINK_UPDATE` swaps the program atomically: every packet sees
//! the old program or the new one, never none.

use super::attr::Attr;
use super::trap::TRAP_COUNT;

pub const LINK_TYPE_NETFILTER: u32 = 1;
pub const LINK_TYPE_COUNT: u32 = 2;

/// `LinkCreateAttr::flags`: packets whose run fails get `VERDICT_DROP` instead of the default
/// `VERDICT_ACCEPT`.
pub const LINK_DEFAULT_DROP: u32 = 1;

/// Argument of `KWASM_IOC_LINK_CREATE`: attaches a program in the caller's network namespace;
/// returns a link fd.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct LinkCreateAttr {
    pub size: u32,
    pub prog_fd: u32,
    pub link_type: u32,
    /// `LINK_DEFAULT_DROP` or 0.
    pub flags: u32,
    /// Netfilter: `NFPROTO_IPV4` / `NFPROTO_IPV6`, a hook `NF_INET_*` and a priority (lower
    /// runs first, as `nf_hook_ops.priority`).
    pub family: u32,
    pub hook: u32,
    pub priority: i32,
    pub _reserved: u32,
    /// Fuel of one run; 0: the program's default (at most the program type's maximum).
    pub fuel: u64,
}

// SAFETY: repr(C), integer fields only, no padding, starts with `size: u32`.
unsafe impl Attr for LinkCreateAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<LinkCreateAttr>() as u32;
}

/// Argument of `KWASM_IOC_LINK_UPDATE` (`prog_fd` is the new program) and
/// `KWASM_IOC_LINK_DETACH` (`prog_fd` must be 0).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct LinkUpdateAttr {
    pub size: u32,
    pub link_fd: u32,
    pub prog_fd: u32,
    /// Must be zero.
    pub flags: u32,
}

// SAFETY: repr(C), integer fields only, no padding, starts with `size: u32`.
unsafe impl Attr for LinkUpdateAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<LinkUpdateAttr>() as u32;
}

/// Argument of `KWASM_IOC_LINK_GET_INFO`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct LinkInfoAttr {
    pub size: u32,
    pub link_fd: u32,
    /// Out from here on.
    pub id: u32,
    pub link_type: u32,
    /// The attached program's id (0 once detached).
    pub prog_id: u32,
    pub flags: u32,
    pub family: u32,
    pub hook: u32,
    pub priority: i32,
    /// 1 while attached.
    pub attached: u32,
    pub fuel: u64,
    /// Packets the program ran on, and the verdicts it gave.
    pub runs: u64,
    pub accepted: u64,
    pub dropped: u64,
    /// Packets that got the default verdict, by trap code (`traps[0]`: none, counted in
    /// `bad_verdicts` or `skipped`).
    pub traps: [u64; TRAP_COUNT as usize],
    /// Runs that returned neither `VERDICT_DROP` nor `VERDICT_ACCEPT`.
    pub bad_verdicts: u64,
    /// Packets that got the default verdict without a run: this CPU's instance was busy (a
    /// nested call) or the FPU was not usable.
    pub skipped: u64,
}

// SAFETY: repr(C), integer fields and an array, no padding, starts with `size: u32`.
unsafe impl Attr for LinkInfoAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<LinkInfoAttr>() as u32;
}

const _: () = {
    assert!(core::mem::size_of::<LinkCreateAttr>() == 40);
    assert!(core::mem::size_of::<LinkUpdateAttr>() == 16);
    assert!(core::mem::size_of::<LinkInfoAttr>() == 72 + 8 * TRAP_COUNT as usize + 16);
};
