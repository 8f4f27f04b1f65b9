//! `LINK_GET_INFO`: where a link is and what its program did with the packets.

use super::{Family, Hook};
use crate::Verdict;
use kwasm_hooks::link::{LinkInfoAttr, LINK_DEFAULT_DROP, LINK_TYPE_NETFILTER};
use serde::Serialize;

/// What `KWASM_IOC_LINK_GET_INFO` reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkInfo {
    pub id: u32,
    /// "netfilter" (or "unknown").
    #[serde(rename = "type")]
    pub link_type: &'static str,
    /// The attached program's id (0 once detached).
    pub prog_id: u32,
    /// `None` for a family or hook this library does not know.
    pub family: Option<Family>,
    pub hook: Option<Hook>,
    pub priority: i32,
    pub default_verdict: Verdict,
    pub attached: bool,
    pub fuel: u64,
    /// Packets the program ran on, and the verdicts it gave.
    pub runs: u64,
    pub accepted: u64,
    pub dropped: u64,
    /// Packets that got the default verdict, by trap code (`traps[0]` unused).
    pub traps: Vec<u64>,
    /// Runs that returned neither drop nor accept.
    pub bad_verdicts: u64,
    /// Packets that got the default verdict without a run (this CPU's instance was busy, or
    /// the FPU was not usable).
    pub skipped: u64,
}

impl LinkInfo {
    pub(crate) fn from_attr(a: &LinkInfoAttr) -> LinkInfo {
        LinkInfo {
            id: a.id,
            link_type: match a.link_type {
                LINK_TYPE_NETFILTER => "netfilter",
                _ => "unknown",
            },
            prog_id: a.prog_id,
            family: Family::from_raw(a.family),
            hook: Hook::from_raw(a.hook),
            priority: a.priority,
            default_verdict: if a.flags & LINK_DEFAULT_DROP != 0 {
                Verdict::Drop
            } else {
                Verdict::Accept
            },
            attached: a.attached != 0,
            fuel: a.fuel,
            runs: a.runs,
            accepted: a.accepted,
            dropped: a.dropped,
            traps: a.traps.to_vec(),
            bad_verdicts: a.bad_verdicts,
            skipped: a.skipped,
        }
    }

    /// Packets that got the default verdict after a trap.
    pub fn traps_total(&self) -> u64 {
        self.traps.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape() {
        let attr = LinkInfoAttr {
            id: 2,
            link_type: LINK_TYPE_NETFILTER,
            prog_id: 9,
            flags: LINK_DEFAULT_DROP,
            family: 10,
            hook: 4,
            priority: -5,
            attached: 1,
            runs: 100,
            accepted: 90,
            dropped: 10,
            ..Default::default()
        };
        let json = serde_json::to_value(LinkInfo::from_attr(&attr)).unwrap();
        assert_eq!(json["type"], "netfilter");
        assert_eq!(json["family"], "ipv6");
        assert_eq!(json["hook"], "post_routing");
        assert_eq!(json["default_verdict"], "drop");
        assert_eq!(json["priority"], -5);
        assert_eq!(json["attached"], true);
        assert_eq!(json["runs"], 100);
        assert_eq!(json["skipped"], 0);
    }
}
