//! What a failed host call means. Host functions return a negative errno
//! (`kwasm_hooks::host_fns`); these are Linux's numbers, the same on every architecture the
//! kernel runs kwasm on.

const ENOENT: i32 = 2;
const E2BIG: i32 = 7;
const EBADF: i32 = 9;
const EFAULT: i32 = 14;
const EEXIST: i32 = 17;
const EINVAL: i32 = 22;
const ENOSPC: i32 = 28;
const ENOSYS: i32 = 38;

/// Why a map, ring buffer or packet operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// No such key (`ENOENT`), or `MAP_UPDATE_EXIST` on a missing key.
    NotFound,
    /// `MAP_UPDATE_NOEXIST` on a key that is there (`EEXIST`).
    Exists,
    /// The hash map is full (`E2BIG`).
    Full,
    /// The ring buffer is full (`ENOSPC`); the record was dropped and counted.
    NoSpace,
    /// The map was not declared by this program (`EBADF`).
    BadMap,
    /// Wrong key/value kind or an offset outside the value (`EINVAL`).
    Invalid,
    /// A span outside the program's memory (`EFAULT`).
    Fault,
    /// The packet ended before the bytes asked for.
    Truncated,
    /// Not running under kwasm (host builds of the SDK, `ENOSYS`).
    Unsupported,
    /// Any other errno (positive).
    Other(i32),
}

impl Error {
    /// The error of a negative host-call result.
    pub fn from_errno(result: i32) -> Error {
        match result.wrapping_neg() {
            ENOENT => Error::NotFound,
            EEXIST => Error::Exists,
            E2BIG => Error::Full,
            ENOSPC => Error::NoSpace,
            EBADF => Error::BadMap,
            EINVAL => Error::Invalid,
            EFAULT => Error::Fault,
            ENOSYS => Error::Unsupported,
            errno => Error::Other(errno),
        }
    }
}

/// A host call's result: the non-negative value, or its error.
pub(crate) fn check(result: i32) -> Result<u32, Error> {
    if result < 0 {
        Err(Error::from_errno(result))
    } else {
        Ok(result as u32)
    }
}

/// What host builds return from every host call.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const UNSUPPORTED: i32 = -ENOSYS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errnos() {
        assert_eq!(check(5), Ok(5));
        assert_eq!(check(-2), Err(Error::NotFound));
        assert_eq!(check(-28), Err(Error::NoSpace));
        assert_eq!(check(-99), Err(Error::Other(99)));
        assert_eq!(check(i32::MIN), Err(Error::Other(i32::MIN)));
    }
}
