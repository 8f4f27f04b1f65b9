// SPDX-License-Identifier: GPL-2.0

//! A refused `PROG_LOAD`: the errno, with the reason already written to the load's log (as
//! bpf(2)'s verifier log). Every step of a load (compile, link, install, instantiate) refuses
//! this way.

use kernel::prelude::*;

pub(crate) struct Refused(pub(crate) Error);

/// Writes a line to the log and returns `Err(Refused(errno))`.
macro_rules! refuse {
    ($log:expr, $err:expr, $($fmt:tt)*) => {{
        let _ = write!($log, $($fmt)*);
        let _ = writeln!($log);
        return Err($crate::refused::Refused($err));
    }};
}
pub(crate) use refuse;

/// An allocation failure as a refusal.
pub(crate) fn alloc_err<E>(_: E) -> Refused {
    Refused(ENOMEM)
}
