//! Size-prefixed attr structs, the bpf(2) convention for extensible ioctl arguments.
//!
//! Every attr starts with `size: u32`, the size of the struct as the caller knows it. The kernel
//! copies `size` bytes: a caller with an older, shorter struct gets zeroes for the missing
//! fields; a caller with a newer, longer struct is accepted only if every byte the kernel does
//! not know is zero (otherwise `E2BIG`), so new fields can never be silently ignored.

/// Largest attr the kernel copies from userspace; anything larger is `E2BIG` at once.
pub const ATTR_SIZE_MAX: u32 = 4096;

/// Marker for attr structs that may be read from and written to raw bytes.
///
/// # Safety
///
/// Implementors must be `#[repr(C)]`, contain only integer fields (every bit pattern valid)
/// with no padding, and start with `size: u32`.
pub unsafe trait Attr: Copy + Default {
    /// The smallest `size` the kernel accepts: the struct as it was in ABI version 1.
    const MIN_SIZE: u32;
}

/// Argument of [`crate::ioctl::KWASM_IOC_SELFTEST`].
///
/// The module installs a small code sequence in its executable arena, calls it with `input`
/// through the same entry path as compiled programs, frees it again, and writes the result.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct SelftestAttr {
    /// Size of this struct as the caller knows it.
    pub size: u32,
    /// Must be zero.
    pub flags: u32,
    /// Argument passed to the installed code.
    pub input: u64,
    /// Out: what the installed code returned (`input * 3 + 7`).
    pub output: u64,
    /// Out: bytes of the arena in use after the test (0 unless programs are loaded).
    pub arena_used: u64,
    /// Out: total bytes of the arena.
    pub arena_size: u64,
}

// SAFETY: repr(C), only u32/u64 fields laid out without padding, starts with `size: u32`.
unsafe impl Attr for SelftestAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<SelftestAttr>() as u32;
}

/// What the self-test code computes; userspace checks the module's answer against this.
pub const fn selftest_expected(input: u64) -> u64 {
    input.wrapping_mul(3).wrapping_add(7)
}

/// Length of program names, NUL-padded.
pub const PROG_NAME_LEN: usize = 16;

/// Argument of [`crate::ioctl::KWASM_IOC_PROG_LOAD`]; returns a program fd.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ProgLoadAttr {
    pub size: u32,
    /// `hooks::prog_type::PROG_TYPE_*`.
    pub prog_type: u32,
    /// User pointer to the WebAssembly module (`.wasm` bytes) and its length. The kernel
    /// validates and compiles it itself; it never takes machine code from userspace.
    pub wasm: u64,
    pub wasm_len: u32,
    /// Must be zero.
    pub flags: u32,
    /// Fuel per run when a run does not give its own (fuel-mode artifacts); 0: the default.
    pub fuel: u64,
    pub name: [u8; PROG_NAME_LEN],
    /// User buffer for the load log (why a program was refused), as bpf(2)'s verifier log.
    pub log_buf: u64,
    pub log_size: u32,
    /// 0: no log; 1: errors; 2: also what was loaded.
    pub log_level: u32,
    /// Hook program types: bytes of linear memory per instance (one per CPU); 0: the type's
    /// default (`prog_type::Policy::memory_default`). Must be 0 for test programs.
    pub memory_max: u64,
    /// User pointer to `nmap_binds` [`super::map::MapBind`]s: declared maps to bind to
    /// existing maps instead of creating them.
    pub map_binds: u64,
    pub nmap_binds: u32,
    pub _reserved: u32,
}

// SAFETY: repr(C), integer fields and a byte array, no padding (8-byte fields at 8-aligned
// offsets), starts with `size: u32`.
unsafe impl Attr for ProgLoadAttr {
    const MIN_SIZE: u32 = 64;
}

/// Most arguments and results a test run passes.
pub const TEST_RUN_SLOTS_MAX: u32 = 64;

/// Argument of [`crate::ioctl::KWASM_IOC_PROG_TEST_RUN`]: runs an export `repeat` times.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct TestRunAttr {
    pub size: u32,
    pub prog_fd: u32,
    /// User pointer to the export's name and its length.
    pub name: u64,
    pub name_len: u32,
    /// Number of 8-byte slots at `slots`: at least max(params, results) of the export.
    pub nslots: u32,
    /// User pointer to the slots: arguments in, results out (`kwasm_hooks::vmctx` layout).
    pub slots: u64,
    /// Runs (at least 1); the results are those of the last run.
    pub repeat: u32,
    /// Must be zero.
    pub flags: u32,
    /// Fuel per run; 0: the program's default.
    pub fuel: u64,
    /// Out: trap code of the last run (0: none).
    pub trap: u32,
    /// Out: number of results written.
    pub nresults: u32,
    /// Out: mean duration of one run.
    pub duration_ns: u64,
    /// Hook programs (the export name is then empty: the hook's entry runs, by the hook's own
    /// path): user pointer to the packet bytes (from the network header) and their length.
    pub data_in: u64,
    pub data_len: u32,
    /// Size of the context at `ctx_in` (0: none; else `size_of::<NfCtx>()`): its hook,
    /// family, interfaces and mark are used, the rest is computed from the packet.
    pub ctx_in_len: u32,
    pub ctx_in: u64,
    /// Out: the hook's verdict of the last run (the default verdict, `VERDICT_ACCEPT`, when
    /// the run failed).
    pub retval: u32,
    pub _reserved: u32,
}

// SAFETY: repr(C), integer fields only, no padding, starts with `size: u32`.
unsafe impl Attr for TestRunAttr {
    const MIN_SIZE: u32 = 64;
}

/// Argument of [`crate::ioctl::KWASM_IOC_PROG_GET_INFO`].
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ProgInfoAttr {
    pub size: u32,
    pub prog_fd: u32,
    /// Out from here on.
    pub id: u32,
    pub prog_type: u32,
    pub name: [u8; PROG_NAME_LEN],
    pub code_size: u64,
    pub memory_size: u64,
    pub run_count: u64,
    pub run_time_ns: u64,
    /// When the program was loaded (monotonic clock, ns), as bpf's `load_time`.
    pub load_time_ns: u64,
    /// Traps by code (`kwasm_hooks::trap`).
    pub traps: [u64; super::trap::TRAP_COUNT as usize],
    /// How long `PROG_LOAD` took, and how much of it went to compiling the wasm.
    pub load_duration_ns: u64,
    pub compile_time_ns: u64,
    /// Most memory the compile held at once.
    pub compile_peak_bytes: u64,
    /// Deepest use of the program's wasm stack so far, host calls included (they run on it,
    /// within [`super::vmctx::HOST_STACK_HEADROOM`] below the limit wasm code may reach).
    pub stack_max_bytes: u64,
    /// In: user pointer to room for `nr_map_ids` u32s (0: none); out: the ids of the maps the
    /// program uses, and how many it uses.
    pub map_ids: u64,
    pub nr_map_ids: u32,
    /// Out: instances (possible CPUs for hook programs, else 1).
    pub instances: u32,
}

// SAFETY: repr(C), integer fields and arrays, no padding, starts with `size: u32`.
unsafe impl Attr for ProgInfoAttr {
    const MIN_SIZE: u32 = 104 + 8 * super::trap::TRAP_COUNT;
}

/// Argument of the `*_GET_NEXT_ID` and `*_GET_FD_BY_ID` commands of programs, maps and links.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ProgIdAttr {
    pub size: u32,
    /// GET_NEXT_ID: the smallest id greater than this one is returned in `next_id`.
    /// GET_FD_BY_ID: the id whose program to open.
    pub id: u32,
    pub next_id: u32,
    pub flags: u32,
}

// SAFETY: repr(C), integer fields only, no padding, starts with `size: u32`.
unsafe impl Attr for ProgIdAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<ProgIdAttr>() as u32;
}

/// The same attr for maps and links.
pub type IdAttr = ProgIdAttr;

const _: () = {
    assert!(core::mem::size_of::<ProgLoadAttr>() == 88);
    assert!(core::mem::size_of::<TestRunAttr>() == 96);
    assert!(core::mem::size_of::<ProgInfoAttr>() == 120 + 8 * super::trap::TRAP_COUNT as usize);
};

/// Argument of [`crate::ioctl::KWASM_IOC_PROG_GET_GLOBAL`]: reads an exported global.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct GlobalGetAttr {
    pub size: u32,
    pub prog_fd: u32,
    /// User pointer to the export's name and its length.
    pub name: u64,
    pub name_len: u32,
    /// Out: the value type (`VAL_*`).
    pub valtype: u32,
    /// Out: the value's bits (i32 zero-extended, floats as bits).
    pub value: u64,
}

// SAFETY: repr(C), integer fields only, no padding, starts with `size: u32`.
unsafe impl Attr for GlobalGetAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<GlobalGetAttr>() as u32;
}

/// `ProgRegisterAttr::flags`: remove the name instead of adding it.
pub const REGISTER_REMOVE: u32 = 1;

/// Argument of [`crate::ioctl::KWASM_IOC_PROG_REGISTER`]: makes a program's exported functions
/// and globals importable by later programs under `name` (the spec's `register`), or removes
/// the name. The name keeps the program loaded until it is removed or the module unloads.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ProgRegisterAttr {
    pub size: u32,
    /// Ignored with `REGISTER_REMOVE`.
    pub prog_fd: u32,
    /// User pointer to the name and its length.
    pub name: u64,
    pub name_len: u32,
    pub flags: u32,
}

// SAFETY: repr(C), integer fields only, no padding, starts with `size: u32`.
unsafe impl Attr for ProgRegisterAttr {
    const MIN_SIZE: u32 = core::mem::size_of::<ProgRegisterAttr>() as u32;
}
