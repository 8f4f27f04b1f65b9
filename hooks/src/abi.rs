//! The ABI version of `/dev/kwasm` and of compiled artifacts.

/// Bumped on every incompatible change to an ioctl, an attr struct or the artifact format.
/// `KWASM_IOC_VERSION` returns it; userspace refuses to talk to a module with another one.
pub const ABI_VERSION: u32 = 3;
