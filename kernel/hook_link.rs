// SPDX-License-Identifier: GPL-2.0

//! Links: a program attached to a hook (netfilter now), an fd with an id (`objects.rs`).
//! Closing the last reference (fds and pins) detaches it; `LINK_DETACH` detaches early and
//! keeps the object; `LINK_UPDATE` swaps the program (an RCU pointer in `netfilter_c.c`: every
//! packet sees the old program or the new one). Runs that give no verdict get the link's
//! default verdict, counted here per cause.
//!
//! Locking: `attached` (a mutex) serialises attach, update and detach of one link; it is taken
//! with no other kwasm lock held, and under it only the netfilter registration and RCU grace
//! periods wait. Program references let go of by a swap or a detach are dropped after it.

use crate::hook_run::NoVerdict;
use crate::hooks::link::*;
use crate::hooks::netfilter::{NFPROTO_IPV4, NFPROTO_IPV6, NF_INET_NUMHOOKS, VERDICT_ACCEPT, VERDICT_DROP};
use crate::hooks::prog_type::{policy, PROG_TYPE_NETFILTER};
use crate::hooks::trap::TRAP_COUNT;
use crate::objects::{Object, ObjRef, Table};
use crate::registry::{ProgRef, Registry};
use crate::{ffi, KwasmState};
use core::ffi::c_void;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};
use kernel::new_mutex;

#[derive(Default)]
pub(crate) struct LinkStats {
    pub(crate) runs: AtomicU64,
    pub(crate) accepted: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) traps: [AtomicU64; TRAP_COUNT as usize],
    pub(crate) bad_verdicts: AtomicU64,
    pub(crate) skipped: AtomicU64,
}

/// The hook registration and the program it runs.
struct Attached {
    /// `struct kwasm_nf_link`, null once detached.
    nf: *mut c_void,
    prog: Option<ProgRef>,
}

#[pin_data]
pub(crate) struct HookLink {
    state: &'static KwasmState,
    pub(crate) attr: LinkCreateAttr,
    #[pin]
    attached: Mutex<Attached>,
    pub(crate) stats: LinkStats,
}

// SAFETY: `nf` is only used under the `attached` mutex; everything else is immutable or atomic.
unsafe impl Send for Attached {}

impl Attached {
    /// Whether the current task may swap the program or detach: the link is attached
    /// (`ENOLINK`) and the task has CAP_NET_ADMIN in the network namespace the link filters
    /// (`EPERM`), as `LINK_CREATE` asks. A link fd or id alone (CAP_BPF) is not enough.
    fn caller_may_change(&self) -> Result {
        if self.nf.is_null() {
            return Err(enolink());
        }
        // SAFETY: `nf` is registered (not null) and stays so while the caller holds the mutex
        // that guards `self`.
        if !unsafe { ffi::kwasm_nf_capable(self.nf) } {
            return Err(EPERM);
        }
        Ok(())
    }
}

impl Object for HookLink {
    fn table(&self) -> &'static Mutex<Table<HookLink>> {
        &self.state.hook_links
    }

    /// The last fd or pin went: detach.
    fn released(&self) {
        drop(self.detach());
    }
}

pub(crate) type LinkRef = ObjRef<HookLink>;

/// A detached link (as bpf(2) answers for one).
pub(crate) fn enolink() -> Error {
    Error::from_errno(-(kernel::bindings::ENOLINK as i32))
}

/// Checks a `LINK_CREATE` attr; why not, for the caller's errno.
fn check(attr: &LinkCreateAttr, prog: &ProgRef) -> Result<(), &'static str> {
    if attr.link_type != LINK_TYPE_NETFILTER {
        return Err("unknown link type");
    }
    if attr.flags & !LINK_DEFAULT_DROP != 0 || attr._reserved != 0 {
        return Err("unknown flags");
    }
    if attr.family != NFPROTO_IPV4 && attr.family != NFPROTO_IPV6 {
        return Err("family must be NFPROTO_IPV4 or NFPROTO_IPV6");
    }
    if attr.hook >= NF_INET_NUMHOOKS {
        return Err("unknown netfilter hook");
    }
    // As bpf's netfilter links: the first and last places belong to the conntrack helpers.
    if attr.priority == i32::MIN || attr.priority == i32::MAX {
        return Err("priority INT_MIN and INT_MAX are reserved");
    }
    check_prog(attr, prog)
}

fn check_prog(attr: &LinkCreateAttr, prog: &ProgRef) -> Result<(), &'static str> {
    if prog.prog_type != PROG_TYPE_NETFILTER {
        return Err("the program is not a netfilter program");
    }
    if policy(prog.prog_type).is_some_and(|p| attr.fuel > p.fuel_max) {
        return Err("fuel above the program type's maximum");
    }
    Ok(())
}

impl HookLink {
    /// Attaches `prog` as `attr` asks, in the caller's network namespace.
    pub(crate) fn create(state: &'static KwasmState, attr: &LinkCreateAttr, prog: ProgRef) -> Result<LinkRef> {
        check(attr, &prog).map_err(|why| {
            pr_debug!("link create refused: {}\n", why);
            EINVAL
        })?;
        let raw_prog: *const crate::program::Program = &*prog;
        let link = Arc::pin_init(
            pin_init!(HookLink {
                state,
                attr: *attr,
                attached <- new_mutex!(Attached { nf: core::ptr::null_mut(), prog: Some(prog) }, "kwasm_link"),
                stats: LinkStats::default(),
            }),
            GFP_KERNEL_ACCOUNT,
        )?;
        let r = Table::add(link)?;
        let mut err = 0;
        let this: *const HookLink = &*r;
        // SAFETY: the link and the program stay alive while the hook is registered: `r` (and
        // later fds and pins) keep the link, the link keeps the program, and the hook is
        // unregistered (and waited for) before either goes (`detach`).
        let nf = unsafe { ffi::kwasm_nf_attach(this.cast(), raw_prog.cast(), attr.family, attr.hook, attr.priority, &mut err) };
        if nf.is_null() {
            return Err(Error::from_errno(err));
        }
        r.attached.lock().nf = nf;
        Ok(r)
    }

    /// Unhooks the program (if attached) and gives back its reference, to drop after.
    pub(crate) fn detach(&self) -> Option<ProgRef> {
        let mut a = self.attached.lock();
        if !a.nf.is_null() {
            // SAFETY: registered by `create`, unregistered once (set to null below).
            unsafe { ffi::kwasm_nf_detach(a.nf) };
            a.nf = core::ptr::null_mut();
        }
        a.prog.take()
    }

    /// `LINK_DETACH`: as [`Self::detach`], of an attached link (`ENOLINK`) by a caller who
    /// could attach it (`EPERM`, see [`Attached::caller_may_change`]).
    pub(crate) fn detach_by_caller(&self) -> Result<Option<ProgRef>> {
        let mut a = self.attached.lock();
        a.caller_may_change()?;
        // SAFETY: registered by `create` (checked above), unregistered once (set to null below).
        unsafe { ffi::kwasm_nf_detach(a.nf) };
        a.nf = core::ptr::null_mut();
        Ok(a.prog.take())
    }

    /// Swaps the program; the previous one comes back once no packet runs it. `ENOLINK` once
    /// detached; `EPERM` for a caller who could not attach it.
    pub(crate) fn update(&self, prog: ProgRef) -> Result<ProgRef> {
        check_prog(&self.attr, &prog).map_err(|_| EINVAL)?;
        let mut a = self.attached.lock();
        a.caller_may_change()?;
        let raw: *const crate::program::Program = &*prog;
        // SAFETY: the hook is registered (`nf` set); the new program is kept by `a.prog` from
        // here, the old one until after the grace period the swap waits for.
        unsafe { ffi::kwasm_nf_swap(a.nf, raw.cast()) };
        a.prog.replace(prog).ok_or_else(enolink)
    }

    /// Whether the current task may take a reference that can detach the link (a new fd, or
    /// a pin's when it unpins): what detaching needs (`EPERM`); a detached link is anyone's.
    pub(crate) fn caller_may_hold(&self) -> Result {
        match self.attached.lock().caller_may_change() {
            Err(e) if e == enolink() => Ok(()),
            r => r,
        }
    }

    /// The attached program's id (0 once detached).
    pub(crate) fn prog_id(&self) -> u32 {
        self.attached.lock().prog.as_ref().map_or(0, |p| p.id.load(Ordering::Relaxed))
    }

    pub(crate) fn is_attached(&self) -> bool {
        !self.attached.lock().nf.is_null()
    }

    /// Fuel of one run: the link's, or the program's default.
    pub(crate) fn fuel(&self, prog: &crate::program::Program) -> u64 {
        if self.attr.fuel != 0 { self.attr.fuel } else { prog.default_fuel }
    }

    fn default_verdict(&self) -> u32 {
        if self.attr.flags & LINK_DEFAULT_DROP != 0 { VERDICT_DROP } else { VERDICT_ACCEPT }
    }

    /// The verdict for a run's result, counted.
    pub(crate) fn verdict(&self, result: Result<u32, NoVerdict>) -> u32 {
        let s = &self.stats;
        let bump = |c: &AtomicU64| c.fetch_add(1, Ordering::Relaxed);
        if result != Err(NoVerdict::Skipped) {
            bump(&s.runs);
        }
        match result {
            Ok(VERDICT_DROP) => {
                bump(&s.dropped);
                VERDICT_DROP
            }
            Ok(VERDICT_ACCEPT) => {
                bump(&s.accepted);
                VERDICT_ACCEPT
            }
            Ok(_) => {
                bump(&s.bad_verdicts);
                self.default_verdict()
            }
            Err(NoVerdict::Skipped) => {
                bump(&s.skipped);
                self.default_verdict()
            }
            Err(NoVerdict::Trap(code)) => {
                if let Some(c) = s.traps.get(code as usize) {
                    bump(c);
                }
                self.default_verdict()
            }
        }
    }
}

pub(crate) fn into_fd(r: LinkRef) -> Result<i32> {
    crate::objects::into_fd(r, ffi::kwasm_link_fd_new)
}

pub(crate) fn from_fd(fd: u32) -> Result<LinkRef> {
    crate::objects::from_fd(fd, ffi::kwasm_link_fd_get)
}

#[no_mangle]
extern "C" fn kwasm_rust_link_release(raw: *const c_void) {
    // SAFETY: the file's reference, made by `into_fd`, released once by the file.
    unsafe { crate::objects::release_raw::<HookLink>(raw) }
}

#[no_mangle]
extern "C" fn kwasm_rust_link_get(raw: *const c_void) -> *mut c_void {
    // SAFETY: called by `kwasm_link_fd_get` with the file held.
    unsafe { crate::objects::get_raw::<HookLink>(raw) }
}

/// `LINK_CREATE`.
pub(crate) fn link_create(state: &'static KwasmState, arg: usize) -> Result<core::ffi::c_long> {
    let (attr, _) = crate::ioctl::read_attr::<LinkCreateAttr>(arg)?;
    // SAFETY: checks the current task's capabilities.
    if !unsafe { ffi::kwasm_capable_net_admin() } {
        return Err(EPERM);
    }
    let prog = Registry::from_fd(attr.prog_fd)?;
    Ok(into_fd(HookLink::create(state, &attr, prog)?)? as core::ffi::c_long)
}
