//! Register pools: which general-purpose and XMM registers are free.
//!
//! Fixed roles (never allocated): rsp, rbp (frame), r10 (linear-memory size: valid at every
//! function entry, reloaded after calls), r11 (scratch inside one operation), r14
//! (linear-memory base), r15 (vmctx); xmm15 (float scratch); in fuel mode r13 (the fuel).

pub const RAX: u8 = 0;
pub const RCX: u8 = 1;
pub const RDX: u8 = 2;
pub const RBX: u8 = 3;
pub const RSI: u8 = 6;
pub const RDI: u8 = 7;
pub const R11: u8 = 11;
/// The running fuel in fuel mode (`Masm::fuel_reg`): callee-saved in the C convention, so host
/// calls and helpers keep it.
pub const FUEL_REG: u8 = 13;
pub const XMM_SCRATCH: u8 = 15;

/// Allocation order: registers without fixed duties in some instruction first, so that `div`
/// (rax, rdx) and shifts (rcx) seldom have to evict a value.
const GPR_ORDER: [u8; 10] = [RBX, RSI, RDI, 8, 9, 12, 13, RAX, RDX, RCX];

/// No local in `RegAlloc::holds`/`holds_xmm`.
const NO_LOCAL: u32 = u32::MAX;

/// What the free registers hold at one point of the code ([`RegAlloc::held`]), for a jump to
/// carry to where control flow joins (`func.rs`, `join`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    gpr: [u32; 16],
    xmm: [u32; 16],
}

impl Held {
    /// Keeps only what `other` holds as well (the state after a join of the two paths).
    pub fn meet(&mut self, other: &Held) {
        for (mine, theirs) in [(&mut self.gpr, &other.gpr), (&mut self.xmm, &other.xmm)] {
            for (m, t) in mine.iter_mut().zip(theirs) {
                if m != t {
                    *m = NO_LOCAL;
                }
            }
        }
    }

    /// Each register that holds a local: (an XMM register?, register, local).
    pub fn entries(&self) -> impl Iterator<Item = (bool, u8, u32)> + '_ {
        let gpr = self
            .gpr
            .iter()
            .enumerate()
            .map(|(r, &i)| (false, r as u8, i));
        let xmm = self
            .xmm
            .iter()
            .enumerate()
            .map(|(r, &i)| (true, r as u8, i));
        gpr.chain(xmm).filter(|&(_, _, i)| i != NO_LOCAL)
    }

    /// Forgets what register `r` (an XMM one if `float`) holds.
    pub fn drop_entry(&mut self, float: bool, r: u8) {
        let holds = if float { &mut self.xmm } else { &mut self.gpr };
        holds[r as usize] = NO_LOCAL;
    }
}

/// Free registers may still hold the value of a local that lives in memory (`holds`): its
/// last `local.set`/`local.tee` left it there, so a read of the local can copy the register
/// instead of loading. A register is only written after it is allocated, and every
/// allocation goes through this type, which forgets what the register held; the function
/// compiler forgets everything where control flow joins and after calls (`func.rs`).
#[derive(Clone, Copy, Debug)]
pub struct RegAlloc {
    gpr_free: u16,
    xmm_free: u16,
    /// For each general register, the local whose current value it holds while free.
    holds: [u32; 16],
    /// The same for each XMM register.
    holds_xmm: [u32; 16],
}

impl Default for RegAlloc {
    fn default() -> Self {
        let gpr_free = GPR_ORDER.iter().fold(0u16, |m, r| m | 1 << r);
        Self {
            gpr_free,
            xmm_free: 0x7fff,
            holds: [NO_LOCAL; 16],
            holds_xmm: [NO_LOCAL; 16],
        }
    }
}

impl RegAlloc {
    /// A free register, preferring one that holds no local's value, but not to the point of
    /// taking rax, rdx or rcx (which `div` and shifts need) while another is free.
    pub fn alloc_gpr(&mut self) -> Option<u8> {
        let free = |r: &u8| self.gpr_is_free(*r);
        let r = GPR_ORDER
            .iter()
            .copied()
            .filter(free)
            .find(|&r| self.holds[r as usize] == NO_LOCAL && ![RAX, RDX, RCX].contains(&r))
            .or_else(|| GPR_ORDER.iter().copied().find(free))?;
        self.take(r);
        Some(r)
    }

    /// Marks `r` allocated: whatever local value it held is about to be overwritten.
    fn take(&mut self, r: u8) {
        self.gpr_free &= !(1 << r);
        self.holds[r as usize] = NO_LOCAL;
    }

    /// Free register `r` (an XMM one if `float`) holds local `i`'s current value.
    pub fn holds_local(&mut self, float: bool, r: u8, i: u32) {
        if float {
            debug_assert!(self.xmm_is_free(r), "only free registers hold locals");
            self.holds_xmm[r as usize] = i;
        } else {
            debug_assert!(self.gpr_is_free(r), "only free registers hold locals");
            self.holds[r as usize] = i;
        }
    }

    /// A free register (an XMM one if `float`) holding local `i`'s current value.
    pub fn holding(&self, float: bool, i: u32) -> Option<u8> {
        if float {
            (0..16u8).find(|&r| self.holds_xmm[r as usize] == i && self.xmm_is_free(r))
        } else {
            (0..16u8).find(|&r| self.holds[r as usize] == i && self.gpr_is_free(r))
        }
    }

    /// Local `i` is written: no register holds its value any more.
    pub fn forget_local(&mut self, i: u32) {
        for h in self.holds.iter_mut().chain(&mut self.holds_xmm) {
            if *h == i {
                *h = NO_LOCAL;
            }
        }
    }

    /// What the free registers hold now.
    pub fn held(&self) -> Held {
        let mut h = Held {
            gpr: self.holds,
            xmm: self.holds_xmm,
        };
        for r in 0..16u8 {
            if !self.gpr_is_free(r) {
                h.gpr[r as usize] = NO_LOCAL;
            }
            if !self.xmm_is_free(r) {
                h.xmm[r as usize] = NO_LOCAL;
            }
        }
        h
    }

    /// Whether free register `r` (an XMM one if `float`) holds local `i`.
    pub fn holds(&self, float: bool, r: u8, i: u32) -> bool {
        if float {
            self.xmm_is_free(r) && self.holds_xmm[r as usize] == i
        } else {
            self.gpr_is_free(r) && self.holds[r as usize] == i
        }
    }

    /// Whether register `r` (an XMM one if `float`) is free.
    pub fn is_free(&self, float: bool, r: u8) -> bool {
        if float {
            self.xmm_is_free(r)
        } else {
            self.gpr_is_free(r)
        }
    }

    /// After a join: the free registers hold what every path into it left in them (`h`); the
    /// caller made sure of that. Entries for registers not free are left out.
    pub fn set_held(&mut self, h: &Held) {
        self.forget_locals();
        for (float, r, i) in h.entries() {
            if self.is_free(float, r) {
                self.holds_local(float, r, i);
            }
        }
    }

    /// Control flow joins (or a call clobbered every register).
    pub fn forget_locals(&mut self) {
        self.holds = [NO_LOCAL; 16];
        self.holds_xmm = [NO_LOCAL; 16];
    }

    /// A free XMM register, preferring one that holds no local's value.
    pub fn alloc_xmm(&mut self) -> Option<u8> {
        let r = (0..15u8)
            .filter(|&r| self.xmm_is_free(r))
            .min_by_key(|&r| self.holds_xmm[r as usize] != NO_LOCAL)?;
        self.xmm_free &= !(1 << r);
        self.holds_xmm[r as usize] = NO_LOCAL;
        Some(r)
    }

    fn xmm_is_free(&self, r: u8) -> bool {
        self.xmm_free & (1 << r) != 0
    }

    /// The first free register of `order`, taken.
    pub fn alloc_gpr_from(&mut self, order: &[u8]) -> Option<u8> {
        let r = order.iter().copied().find(|&r| self.gpr_is_free(r))?;
        self.take(r);
        Some(r)
    }

    pub fn free_gprs(&self) -> u32 {
        self.gpr_free.count_ones()
    }

    pub fn gpr_is_free(&self, r: u8) -> bool {
        self.gpr_free & (1 << r) != 0
    }

    /// Takes a specific free register; panics if it is not free (callers check first).
    pub fn take_gpr(&mut self, r: u8) {
        assert!(self.gpr_is_free(r), "register {r} is not free");
        self.take(r);
    }

    /// Takes `r` out of the pool for good (a pinned local's register).
    pub fn reserve_gpr(&mut self, r: u8) {
        self.take_gpr(r);
    }

    /// Takes xmm `r` out of the pool for good (a pinned local's register).
    pub fn reserve_xmm(&mut self, r: u8) {
        assert!(self.xmm_is_free(r), "xmm {r} is not free");
        self.xmm_free &= !(1 << r);
        self.holds_xmm[r as usize] = NO_LOCAL;
    }

    pub fn free_gpr(&mut self, r: u8) {
        debug_assert!(!self.gpr_is_free(r), "double free of gpr {r}");
        self.gpr_free |= 1 << r;
    }

    pub fn free_xmm(&mut self, r: u8) {
        debug_assert!(self.xmm_free & (1 << r) == 0, "double free of xmm {r}");
        self.xmm_free |= 1 << r;
    }
}
