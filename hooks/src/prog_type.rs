//! Program types: which hook a program attaches to, and the policy the kernel applies to it at
//! load (`ProgLoadAttr::prog_type`).
//!
//! A *hook* program runs where the kernel calls it (netfilter now), on many CPUs at once and in
//! atomic context. So it is instantiated once per possible CPU (own memory, globals, stack),
//! its fuel is mandatory and small, host functions that may sleep are refused at load, and its
//! per-instance memory is bounded and preallocated (`memory.grow` never allocates in a hook).

use super::fuel::FUEL_PER_SECOND;

/// Runs only through `KWASM_IOC_PROG_TEST_RUN` (one instance, process context).
pub const PROG_TYPE_TEST: u32 = 0;
/// A netfilter hook (`super::netfilter`).
pub const PROG_TYPE_NETFILTER: u32 = 1;
pub const PROG_TYPE_COUNT: u32 = 2;

/// What the kernel enforces for a program type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Short name for logs and tools.
    pub name: &'static str,
    /// One instance per possible CPU, run in atomic context.
    pub hook: bool,
    /// The export the hook calls (`None` for test programs, which run any export).
    pub entry: Option<&'static str>,
    /// Fuel of one run when the program or the link gives none, and the most it may be given.
    pub fuel_default: u64,
    pub fuel_max: u64,
    /// Bytes of linear memory per instance when the load attr gives no limit, and the most a
    /// load may ask for.
    pub memory_default: u64,
    pub memory_max: u64,
    /// Bytes of wasm stack per instance (the host headroom included).
    pub stack_size: u64,
}

/// Fuel of one hook run by default: about 0.1 ms of native code (eBPF's one-million-instruction
/// bound is the reference).
pub const HOOK_FUEL_DEFAULT: u64 = FUEL_PER_SECOND / 10_000;
/// The most fuel a hook run may be given: about one millisecond.
pub const HOOK_FUEL_MAX: u64 = FUEL_PER_SECOND / 1_000;
/// Per-instance linear memory of a hook program by default (8 CPUs: 8 MiB), and at most.
pub const HOOK_MEMORY_DEFAULT: u64 = 1 << 20;
pub const HOOK_MEMORY_MAX: u64 = 64 << 20;
/// Per-instance wasm stack of a hook program (`vmctx::HOST_STACK_HEADROOM` of it for host
/// calls and interrupts).
pub const HOOK_STACK_SIZE: u64 = 96 << 10;

const TEST: Policy = Policy {
    name: "test",
    hook: false,
    entry: None,
    fuel_default: super::fuel::DEFAULT_RUN_FUEL,
    fuel_max: super::fuel::MAX_RUN_FUEL,
    memory_default: 0,
    memory_max: 0,
    stack_size: 256 << 10,
};

const NETFILTER: Policy = Policy {
    name: "netfilter",
    hook: true,
    entry: Some(super::netfilter::ENTRY),
    fuel_default: HOOK_FUEL_DEFAULT,
    fuel_max: HOOK_FUEL_MAX,
    memory_default: HOOK_MEMORY_DEFAULT,
    memory_max: HOOK_MEMORY_MAX,
    stack_size: HOOK_STACK_SIZE,
};

/// The policy of `prog_type`, or `None` for an unknown type.
pub const fn policy(prog_type: u32) -> Option<&'static Policy> {
    match prog_type {
        PROG_TYPE_TEST => Some(&TEST),
        PROG_TYPE_NETFILTER => Some(&NETFILTER),
        _ => None,
    }
}

/// The name of `prog_type` for tools ("unknown" for others).
pub const fn prog_type_name(prog_type: u32) -> &'static str {
    match policy(prog_type) {
        Some(p) => p.name,
        None => "unknown",
    }
}

const _: () = assert!(HOOK_STACK_SIZE >= 2 * super::vmctx::HOST_STACK_HEADROOM);
