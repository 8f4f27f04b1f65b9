//! Attaching to netfilter: where ([`Family`], [`Hook`], priority) and how ([`Netfilter`]).

use kwasm_hooks::netfilter::*;
use serde::Serialize;

/// A protocol family (`NFPROTO_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    #[default]
    Ipv4,
    Ipv6,
}

impl Family {
    pub fn raw(self) -> u32 {
        match self {
            Family::Ipv4 => NFPROTO_IPV4,
            Family::Ipv6 => NFPROTO_IPV6,
        }
    }

    /// "ipv4" or "ipv6".
    pub fn name(self) -> &'static str {
        match self {
            Family::Ipv4 => "ipv4",
            Family::Ipv6 => "ipv6",
        }
    }

    pub fn from_raw(raw: u32) -> Option<Family> {
        match raw {
            NFPROTO_IPV4 => Some(Family::Ipv4),
            NFPROTO_IPV6 => Some(Family::Ipv6),
            _ => None,
        }
    }
}

/// A netfilter hook (`NF_INET_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hook {
    PreRouting,
    #[default]
    LocalIn,
    Forward,
    LocalOut,
    PostRouting,
}

impl Hook {
    pub fn raw(self) -> u32 {
        match self {
            Hook::PreRouting => NF_INET_PRE_ROUTING,
            Hook::LocalIn => NF_INET_LOCAL_IN,
            Hook::Forward => NF_INET_FORWARD,
            Hook::LocalOut => NF_INET_LOCAL_OUT,
            Hook::PostRouting => NF_INET_POST_ROUTING,
        }
    }

    /// "pre_routing", "local_in", "forward", "local_out" or "post_routing".
    pub fn name(self) -> &'static str {
        match self {
            Hook::PreRouting => "pre_routing",
            Hook::LocalIn => "local_in",
            Hook::Forward => "forward",
            Hook::LocalOut => "local_out",
            Hook::PostRouting => "post_routing",
        }
    }

    pub fn from_raw(raw: u32) -> Option<Hook> {
        match raw {
            NF_INET_PRE_ROUTING => Some(Hook::PreRouting),
            NF_INET_LOCAL_IN => Some(Hook::LocalIn),
            NF_INET_FORWARD => Some(Hook::Forward),
            NF_INET_LOCAL_OUT => Some(Hook::LocalOut),
            NF_INET_POST_ROUTING => Some(Hook::PostRouting),
            _ => None,
        }
    }
}

/// Where and how to attach a netfilter program ([`crate::Program::attach`]), in the caller's
/// network namespace.
///
/// ```
/// use kwasm::{Family, Hook, Netfilter, Verdict};
/// let at = Netfilter {
///     family: Family::Ipv6,
///     hook: Hook::PreRouting,
///     priority: -100,
///     default_verdict: Verdict::Drop,
///     ..Default::default()
/// };
/// assert_eq!(at.fuel, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Netfilter {
    pub family: Family,
    pub hook: Hook,
    /// Lower runs first, as `nf_hook_ops.priority`.
    pub priority: i32,
    /// What a packet gets when the program traps, runs out of fuel or returns something else
    /// than a verdict.
    pub default_verdict: crate::Verdict,
    /// Fuel per run (0: the program's default).
    pub fuel: u64,
}
