//! Links: a program attached to a hook. A link is an fd; the program stays attached while a
//! fd or a pin refers to the link, so dropping the last [`Link`] of an unpinned link detaches.
//!
//! Checked only in the VM: attaching, updating, detaching and the link's counters.

mod info;
mod netfilter;

pub use info::LinkInfo;
pub use netfilter::{Family, Hook, Netfilter};

use crate::ids::Ids;
use crate::sys::{attr_size, fd_arg};
use crate::{pin, Device, Error, Program, Verdict};
use kwasm_hooks::attr::IdAttr;
use kwasm_hooks::ioctl::*;
use kwasm_hooks::link::{
    LinkCreateAttr, LinkInfoAttr, LinkUpdateAttr, LINK_DEFAULT_DROP, LINK_TYPE_NETFILTER,
};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Arc;

/// An attached program.
#[derive(Debug)]
pub struct Link {
    fd: OwnedFd,
    dev: Arc<Device>,
}

impl Program {
    /// Attaches the program to netfilter.
    ///
    /// ```no_run
    /// use kwasm::{Family, Hook, LoadOptions, Netfilter, ProgramType};
    /// let prog = LoadOptions::new()
    ///     .prog_type(ProgramType::Netfilter)
    ///     .load("firewall.wasm")?;
    /// let link = prog.attach(Netfilter {
    ///     family: Family::Ipv4,
    ///     hook: Hook::LocalIn,
    ///     priority: 0,
    ///     ..Default::default()
    /// })?;
    /// link.pin("firewall/link")?; // stays attached after this process exits
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn attach(&self, at: Netfilter) -> Result<Link, Error> {
        let mut attr = LinkCreateAttr {
            size: attr_size::<LinkCreateAttr>(),
            prog_fd: fd_arg(self.as_fd()),
            link_type: LINK_TYPE_NETFILTER,
            flags: match at.default_verdict {
                Verdict::Drop => LINK_DEFAULT_DROP,
                Verdict::Accept => 0,
            },
            family: at.family.raw(),
            hook: at.hook.raw(),
            priority: at.priority,
            _reserved: 0,
            fuel: at.fuel,
        };
        let dev = self.device().clone();
        let fd = dev.call_fd(KWASM_IOC_LINK_CREATE, "KWASM_IOC_LINK_CREATE", &mut attr)?;
        Ok(Link { fd, dev })
    }
}

impl Link {
    /// Opens the link with `id`.
    pub fn from_id(id: u32) -> Result<Link, Error> {
        let dev = Device::shared()?;
        let mut attr = IdAttr {
            size: attr_size::<IdAttr>(),
            id,
            ..Default::default()
        };
        let fd = dev.call_fd(
            KWASM_IOC_LINK_GET_FD_BY_ID,
            "KWASM_IOC_LINK_GET_FD_BY_ID",
            &mut attr,
        )?;
        Ok(Link { fd, dev })
    }

    /// Opens the link pinned under `name`.
    pub fn from_pin(name: &str) -> Result<Link, Error> {
        let dev = Device::shared()?;
        let link = Link {
            fd: pin::get(&dev, name)?,
            dev,
        };
        // The pin may name a program or a map: asking for the link's info tells.
        link.info()?;
        Ok(link)
    }

    /// The ids of the links in the kernel, in increasing order.
    pub fn ids() -> Ids {
        Ids::new(KWASM_IOC_LINK_GET_NEXT_ID, "KWASM_IOC_LINK_GET_NEXT_ID")
    }

    /// Pins the link: the program stays attached after this process exits.
    pub fn pin(&self, name: &str) -> Result<(), Error> {
        pin::pin(&self.dev, self.as_fd(), name)
    }

    /// Detaches the program now, whoever else holds the link (its fds and pins then refer to a
    /// detached link).
    pub fn detach(&self) -> Result<(), Error> {
        self.update_to(0, KWASM_IOC_LINK_DETACH, "KWASM_IOC_LINK_DETACH")
    }

    /// Replaces the program atomically: every packet sees the old one or the new one.
    ///
    /// ```no_run
    /// use kwasm::{Link, LoadOptions, ProgramType};
    /// let link = Link::from_pin("firewall/link")?;
    /// let v2 = LoadOptions::new()
    ///     .prog_type(ProgramType::Netfilter)
    ///     .load("firewall-v2.wasm")?;
    /// link.update(&v2)?;
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn update(&self, prog: &Program) -> Result<(), Error> {
        let prog_fd = fd_arg(prog.as_fd());
        self.update_to(prog_fd, KWASM_IOC_LINK_UPDATE, "KWASM_IOC_LINK_UPDATE")
    }

    fn update_to(&self, prog_fd: u32, cmd: u32, name: &'static str) -> Result<(), Error> {
        let mut attr = LinkUpdateAttr {
            size: attr_size::<LinkUpdateAttr>(),
            link_fd: fd_arg(self.as_fd()),
            prog_fd,
            flags: 0,
        };
        self.dev.call(cmd, name, &mut attr)?;
        Ok(())
    }

    /// Where it is attached and what its program did.
    ///
    /// ```no_run
    /// let link = kwasm::Link::from_pin("firewall/link")?;
    /// let info = link.info()?;
    /// println!("{} runs: {} accepted, {} dropped", info.runs, info.accepted, info.dropped);
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn info(&self) -> Result<LinkInfo, Error> {
        let mut attr = LinkInfoAttr {
            size: attr_size::<LinkInfoAttr>(),
            link_fd: fd_arg(self.as_fd()),
            ..Default::default()
        };
        self.dev.call(
            KWASM_IOC_LINK_GET_INFO,
            "KWASM_IOC_LINK_GET_INFO",
            &mut attr,
        )?;
        Ok(LinkInfo::from_attr(&attr))
    }
}

impl AsFd for Link {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
