//! Finds kernel complaints in a guest console log: a VM run that shows one has failed, whatever
//! its tests said.

/// Substrings that mark a kernel complaint (WARN, BUG, oops, panic, lockdep, kmemleak, sanitizers).
const COMPLAINTS: &[&str] = &[
    "------------[ cut here ]------------",
    "WARNING:",
    "BUG:",
    "kernel BUG at",
    "Oops:",
    "general protection fault",
    "Kernel panic",
    "possible recursive locking",
    "possible circular locking",
    "inconsistent lock state",
    "suspicious RCU usage",
    "INFO: task",
    "UBSAN:",
    "KASAN:",
    "unreferenced object",
    "suspected memory leak",
    "Call Trace:",
];

/// The lines of `log` that show a kernel complaint, each once, in order.
pub fn complaints(log: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for line in log.lines() {
        if COMPLAINTS.iter().any(|c| line.contains(c)) {
            let line = strip_timestamp(line).to_string();
            if !found.contains(&line) {
                found.push(line);
            }
        }
    }
    found
}

/// `[    1.234567] text` → `text`, so the console copy and the dmesg copy of a line compare equal.
fn strip_timestamp(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with('[') {
        if let Some(end) = t.find("] ") {
            return &t[end + 2..];
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_warn_oops_and_leaks_once_each() {
        let log = "\
[    0.100000] Linux version 6.12
[    1.000000] ------------[ cut here ]------------
[    1.000001] WARNING: CPU: 0 PID: 1 at drivers/misc/lkdtm/bugs.c:1 lkdtm_WARNING+0x1/0x2
test result: ok. 3 passed; 0 failed
[    2.000000] WARNING: CPU: 0 PID: 1 at drivers/misc/lkdtm/bugs.c:1 lkdtm_WARNING+0x1/0x2
unreferenced object 0xffff888001234000 (size 64):
";
        let c = complaints(log);
        assert_eq!(c.len(), 3, "{c:?}");
        assert!(c[1].starts_with("WARNING: CPU: 0"));
        assert!(c[2].starts_with("unreferenced object"));
    }

    #[test]
    fn clean_boot_has_no_complaints() {
        let log =
            "[    0.1] Linux version 6.12\n[    0.2] kwasm: loaded: ABI version 1\nKWASM-EXIT: 0\n";
        assert!(complaints(log).is_empty());
    }
}
