//! Printing: `--json` output (one JSON document per command, an array for listings) and the
//! bits of text output that several object kinds share.

use super::Result;
use kwasm::hooks::trap::trap_name;
use serde::Serialize;

pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

/// The info of every object among `ids`, skipping those that went away between being listed
/// and being opened.
pub fn infos<T>(
    ids: kwasm::Ids,
    info: impl Fn(u32) -> std::result::Result<T, kwasm::Error>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for id in ids {
        match info(id?) {
            Ok(i) => out.push(i),
            Err(e) if e.errno() == Some(libc::ENOENT) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

/// Trap counts by name: "none", or "out of fuel 3, unreachable 1".
pub fn traps_text(traps: &[u64]) -> String {
    let named: Vec<String> = traps
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .map(|(code, n)| format!("{} {n}", trap_name(code as u32)))
        .collect();
    if named.is_empty() {
        "none".into()
    } else {
        named.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traps_by_name() {
        assert_eq!(traps_text(&[0; 12]), "none");
        let mut t = [0u64; 12];
        t[1] = 1;
        t[10] = 3;
        assert_eq!(traps_text(&t), "unreachable 1, out of fuel 3");
    }
}
