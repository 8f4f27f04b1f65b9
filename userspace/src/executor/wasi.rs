//! The part of WASI (preview 1) that libc's stdio links: `fd_write` to stdout and stderr for
//! real; `fd_close` and `fd_seek` answer as for descriptors that cannot do that. A fuller
//! WASI comes with the in-kernel servers.

use super::{Caller, Imports};
use kwasm_hooks::artifact::{VAL_I32, VAL_I64};
use std::io::Write;

const MODULE: &str = "wasi_snapshot_preview1";
const ERRNO_SUCCESS: u64 = 0;
const ERRNO_BADF: u64 = 8;
const ERRNO_FAULT: u64 = 21;
const ERRNO_SPIPE: u64 = 70;

fn read_u32(mem: &[u8], at: u32) -> Option<u32> {
    let at = at as usize;
    Some(u32::from_le_bytes(
        mem.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// `fd_write(fd, iovs, iovs_len, nwritten) -> errno`.
fn fd_write(caller: &mut Caller<'_>, s: &mut [u64]) -> Result<(), u32> {
    let (fd, iovs, n, nwritten) = (s[0] as u32, s[1] as u32, s[2] as u32, s[3] as u32);
    let mut out: Box<dyn Write> = match fd {
        1 => Box::new(std::io::stdout()),
        2 => Box::new(std::io::stderr()),
        _ => {
            s[0] = ERRNO_BADF;
            return Ok(());
        }
    };
    let mut memory = caller.memory()?;
    let mem: &mut [u8] = &mut memory;
    let mut total = 0u32;
    for i in 0..n {
        let entry = iovs.wrapping_add(i.wrapping_mul(8));
        let (Some(ptr), Some(len)) = (read_u32(mem, entry), read_u32(mem, entry.wrapping_add(4)))
        else {
            s[0] = ERRNO_FAULT;
            return Ok(());
        };
        let Some(bytes) = mem.get(ptr as usize..(ptr as usize).saturating_add(len as usize)) else {
            s[0] = ERRNO_FAULT;
            return Ok(());
        };
        let _ = out.write_all(bytes);
        total = total.wrapping_add(len);
    }
    match mem.get_mut(nwritten as usize..(nwritten as usize).saturating_add(4)) {
        Some(dst) => {
            dst.copy_from_slice(&total.to_le_bytes());
            s[0] = ERRNO_SUCCESS;
        }
        None => s[0] = ERRNO_FAULT,
    }
    Ok(())
}

/// Adds the WASI functions above to `imports`.
pub fn add_to(imports: &mut Imports) {
    imports
        .func(MODULE, "fd_write", &[VAL_I32; 4], &[VAL_I32], fd_write)
        .func(MODULE, "fd_close", &[VAL_I32], &[VAL_I32], |_, s| {
            s[0] = ERRNO_BADF;
            Ok(())
        })
        .func(
            MODULE,
            "fd_seek",
            &[VAL_I32, VAL_I64, VAL_I32, VAL_I32],
            &[VAL_I32],
            |_, s| {
                s[0] = ERRNO_SPIPE;
                Ok(())
            },
        );
}
