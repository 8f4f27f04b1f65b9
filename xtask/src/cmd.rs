//! Running external commands: echoing them, and a progress line for long ones.

use crate::Result;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Renders a command the way a user could paste it.
pub fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs `cmd`, inheriting stdout/stderr; fails with the command line on a non-zero exit.
pub fn run(cmd: &mut Command) -> Result<()> {
    println!("  $ {}", show(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{}`: {e}", show(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed: {status}", show(cmd)))
    }
}

/// Runs `cmd` and returns its stdout; stderr is passed through.
pub fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot start `{}`: {e}", show(cmd)))?;
    if !out.status.success() {
        return Err(format!("`{}` failed: {}", show(cmd), out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs a long command with its output in `log`, printing a progress line every `every`:
/// elapsed time, lines of output so far and the latest line. On failure, the log's tail.
pub fn run_with_progress(cmd: &mut Command, label: &str, log: &std::path::Path) -> Result<()> {
    println!("  $ {}  (log: {})", show(cmd), log.display());
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", show(cmd)))?;
    let file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let file = Arc::new(Mutex::new(file));
    let state = Arc::new(Mutex::new((0usize, String::new())));
    let mut readers = Vec::new();
    let stdout: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().unwrap());
    let stderr: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().unwrap());
    for stream in [stdout, stderr] {
        let (file, state) = (file.clone(), state.clone());
        readers.push(std::thread::spawn(move || {
            use std::io::Write;
            for line in BufReader::new(stream).lines().map_while(|l| l.ok()) {
                let _ = writeln!(file.lock().unwrap(), "{line}");
                let mut s = state.lock().unwrap();
                s.0 += 1;
                s.1 = line;
            }
        }));
    }
    let start = Instant::now();
    let every = Duration::from_secs(20);
    let mut next = every;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() >= next {
            let s = state.lock().unwrap();
            let mut last = s.1.trim().to_string();
            last.truncate(70);
            println!(
                "  [{label}] {:>4}s, {} lines, last: {last}",
                start.elapsed().as_secs(),
                s.0
            );
            next += every;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    for r in readers {
        let _ = r.join();
    }
    println!("  [{label}] finished in {}s", start.elapsed().as_secs());
    if status.success() {
        return Ok(());
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(40).collect();
    for line in tail.iter().rev() {
        eprintln!("  | {line}");
    }
    Err(format!(
        "`{}` failed: {status} (full log: {})",
        show(cmd),
        log.display()
    ))
}
