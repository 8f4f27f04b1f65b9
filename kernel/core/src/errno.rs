//! The errno values kcore reports; the kernel glue turns them into `kernel::error::Error`.

pub const E2BIG: i32 = 7;
pub const EFAULT: i32 = 14;
pub const EINVAL: i32 = 22;
pub const ENOMEM: i32 = 12;
pub const ENOTTY: i32 = 25;
pub const EINTR: i32 = 4;
pub const ENOENT: i32 = 2;
pub const EBADF: i32 = 9;
pub const EEXIST: i32 = 17;
pub const ENOSPC: i32 = 28;
