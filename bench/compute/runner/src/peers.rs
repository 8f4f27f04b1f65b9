//! The peers, through their command-line tools: wasmtime (Cranelift, Winch) and wasmer
//! (singlepass), each with its defaults and on kwasm's terms (explicit bounds checks, fuel)
//! where its tool allows it.
//!
//! A process's wall time includes starting the tool; the runner subtracts the same tool's time
//! on an empty module (`empty.wasm`, whose `run` returns its argument), measured in the same
//! round the same way.

use crate::clock::{measure_child, Span};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Fuel the peers start with on kwasm's terms: more than any program spends.
pub const FUEL: u64 = 1 << 62;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Wasmtime,
    Wasmer,
}

/// One peer configuration.
pub struct Peer {
    pub id: &'static str,
    pub label: &'static str,
    pub tool: Tool,
    pub exe: PathBuf,
    /// Options for both compiling and running (the compiled code depends on them).
    pub flags: Vec<String>,
    /// Options for running only.
    pub run_flags: Vec<String>,
}

/// The peer configurations, given the two tools.
pub fn all(wasmtime: &Path, wasmer: &Path) -> Vec<Peer> {
    let fuel = format!("fuel={FUEL}");
    // wasmtime caches compiled modules by default (in ~/.cache/wasmtime): off, or every run of
    // a `.wasm` after the first would load the cached code instead of compiling.
    let wt = |id, label, flags: &[&str]| Peer {
        id,
        label,
        tool: Tool::Wasmtime,
        exe: wasmtime.to_path_buf(),
        flags: ["-C", "cache=n"]
            .iter()
            .chain(flags)
            .map(|s| s.to_string())
            .collect(),
        run_flags: Vec::new(),
    };
    // No reservation and no guard pages: every access is bounds-checked in the code, as in
    // kwasm; no signal handlers for traps (Cranelift only: Winch refuses it).
    let explicit = [
        "-O",
        "memory-reservation=0",
        "-O",
        "memory-guard-size=0",
        "-O",
        "signals-based-traps=n",
        "-W",
        fuel.as_str(),
    ];
    let winch_explicit = [
        "-C",
        "compiler=winch",
        "-O",
        "memory-reservation=0",
        "-O",
        "memory-guard-size=0",
        "-W",
        fuel.as_str(),
    ];
    vec![
        wt("wasmtime", "wasmtime Cranelift, defaults", &[]),
        wt(
            "wasmtime-eq",
            "wasmtime Cranelift, bounds checks + fuel",
            &explicit,
        ),
        wt(
            "winch",
            "wasmtime Winch, defaults",
            &["-C", "compiler=winch"],
        ),
        wt(
            "winch-eq",
            "wasmtime Winch, bounds checks + fuel",
            &winch_explicit,
        ),
        Peer {
            id: "wasmer",
            label: "wasmer singlepass, defaults",
            tool: Tool::Wasmer,
            exe: wasmer.to_path_buf(),
            flags: vec!["--singlepass".into()],
            // wasmer caches compiled modules by default (in ~/.wasmer/cache): off, or every run
            // of a `.wasm` after the first would load the cached code instead of compiling.
            run_flags: vec!["--disable-cache".into()],
        },
    ]
}

impl Peer {
    /// The file extension of the tool's precompiled modules.
    pub fn ext(&self) -> &'static str {
        match self.tool {
            Tool::Wasmtime => "cwasm",
            Tool::Wasmer => "wasmu",
        }
    }

    pub fn compile(&self, wasm: &Path, out: &Path) -> Command {
        let mut c = Command::new(&self.exe);
        c.arg("compile")
            .args(&self.flags)
            .arg(wasm)
            .arg("-o")
            .arg(out);
        c
    }

    /// Runs `run(n)` of `file`: a `.wasm` (compiled in the process) or a precompiled module.
    pub fn run(&self, file: &Path, n: u32) -> Command {
        let precompiled = file.extension().is_some_and(|e| e != "wasm");
        let mut c = Command::new(&self.exe);
        c.arg("run").args(&self.flags).args(&self.run_flags);
        match self.tool {
            Tool::Wasmtime => {
                if precompiled {
                    c.arg("--allow-precompiled");
                }
                c.args(["--invoke", "run"]).arg(file).arg(n.to_string());
            }
            Tool::Wasmer => {
                c.arg("--invoke")
                    .arg("run")
                    .arg(file)
                    .arg("--")
                    .arg(n.to_string());
            }
        }
        c
    }

    /// Bytes of machine code in a precompiled module. wasmtime's `.cwasm` is an ELF whose
    /// `.text` is padded to whole pages: the end of its last function symbol (functions and
    /// trampolines, with the alignment between them). wasmer's format has no code section to
    /// read: the whole file.
    pub fn code_bytes(&self, precompiled: &Path) -> Result<u64, String> {
        let data =
            std::fs::read(precompiled).map_err(|e| format!("{}: {e}", precompiled.display()))?;
        match self.tool {
            Tool::Wasmtime => {
                use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};
                let file = object::File::parse(&*data)
                    .map_err(|e| format!("{}: {e}", precompiled.display()))?;
                let text = file
                    .section_by_name(".text")
                    .ok_or_else(|| format!("{}: no .text", precompiled.display()))?;
                file.symbols()
                    .filter(|s| {
                        s.kind() == SymbolKind::Text && s.section_index() == Some(text.index())
                    })
                    .map(|s| s.address() + s.size() - text.address())
                    .max()
                    .ok_or_else(|| format!("{}: no function symbols", precompiled.display()))
            }
            Tool::Wasmer => Ok(data.len() as u64),
        }
    }
}

/// Runs `cmd` to the end: its wall and CPU time and its stdout. A failure is an error with its
/// stderr.
pub fn time(cmd: &mut Command) -> Result<(Span, String), String> {
    let (out, took) = measure_child(|| cmd.output());
    let out = out.map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok((took, String::from_utf8_lossy(&out.stdout).into_owned()))
}

/// The integer a `run` printed (its last line; wasmtime prints an i32 signed).
pub fn result(stdout: &str) -> Result<u32, String> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim();
    line.parse::<i64>()
        .map(|v| v as u32)
        .map_err(|_| format!("no integer result in {stdout:?}"))
}
