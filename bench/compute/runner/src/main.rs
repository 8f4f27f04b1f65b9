//! `kwasm-bench-compute`: the compute benchmark's runner (`cargo xtask bench compute` builds the
//! programs and the peers, then runs this). For each round and each program it runs the native
//! build, kwasm in this process (as shipped, without fuel, without bounds checks) and the peers
//! through their tools, checks that every engine returns the native checksum, and writes the raw
//! samples (`compute.json`) and the page made from them (`compute.md`, see `report.rs`). Then it
//! times every engine compiling the large modules given with `--large` (`compile_speed.rs`).
//!
//! ```text
//! kwasm-bench-compute --wasm-dir D --work-dir W --out-dir O --wasmtime EXE --wasmer EXE
//!                     [--large FILE]... [--rounds N] [--quick] [--commit C] [--dirty]
//!                     [--date YYYY-MM-DD] [--cpu MODEL]
//! kwasm-bench-compute --render results.json   (the page again, from the raw data)
//! kwasm-bench-compute --list                   (the programs: name and language)
//! ```

mod clock;
mod compile_speed;
mod kwasm_engine;
mod measure;
mod peers;
mod programs;
mod report;
mod stats;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: kwasm-bench-compute --wasm-dir D --work-dir W --out-dir O \
--wasmtime EXE --wasmer EXE [--large FILE]... [--rounds N] [--quick] [--commit C] [--dirty] \
[--date YYYY-MM-DD] [--cpu MODEL] \
| kwasm-bench-compute --render results.json | kwasm-bench-compute --list";

/// What the command line asks for.
pub struct Args {
    pub wasm_dir: PathBuf,
    pub work_dir: PathBuf,
    pub out_dir: PathBuf,
    pub wasmtime: PathBuf,
    pub wasmer: PathBuf,
    /// Large modules for compile speed (`compile_speed.rs`).
    pub large: Vec<PathBuf>,
    pub rounds: usize,
    pub quick: bool,
    pub commit: String,
    pub dirty: bool,
    /// The run's date (YYYY-MM-DD) and the host's CPU model, as the xtask found them.
    pub date: String,
    pub cpu: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, json] if flag == "--render" => render(Path::new(json)).map(|()| true),
        [flag] if flag == "--list" => {
            for p in programs::ALL {
                println!("{} {}", p.name, p.lang);
            }
            Ok(true)
        }
        _ => parse(&args).and_then(|a| run(&a)),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("kwasm-bench-compute: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        wasm_dir: PathBuf::new(),
        work_dir: PathBuf::new(),
        out_dir: PathBuf::new(),
        wasmtime: PathBuf::new(),
        wasmer: PathBuf::new(),
        large: Vec::new(),
        rounds: 5,
        quick: false,
        commit: String::new(),
        dirty: false,
        date: String::new(),
        cpu: String::new(),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--wasm-dir" => a.wasm_dir = value()?.into(),
            "--work-dir" => a.work_dir = value()?.into(),
            "--out-dir" => a.out_dir = value()?.into(),
            "--wasmtime" => a.wasmtime = value()?.into(),
            "--wasmer" => a.wasmer = value()?.into(),
            "--large" => a.large.push(value()?.into()),
            "--rounds" => a.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--commit" => a.commit = value()?,
            "--quick" => a.quick = true,
            "--dirty" => a.dirty = true,
            "--date" => a.date = value()?,
            "--cpu" => a.cpu = value()?,
            _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
        }
    }
    let missing = [
        ("--wasm-dir", &a.wasm_dir),
        ("--work-dir", &a.work_dir),
        ("--out-dir", &a.out_dir),
        ("--wasmtime", &a.wasmtime),
        ("--wasmer", &a.wasmer),
    ];
    if let Some((flag, _)) = missing.iter().find(|(_, p)| p.as_os_str().is_empty()) {
        return Err(format!("{flag} is missing\n{USAGE}"));
    }
    if a.rounds == 0 {
        return Err("--rounds must be at least 1".into());
    }
    Ok(a)
}

/// Measures, writes the results; `Ok(false)` when an engine disagreed with the native result or
/// failed (the results are written all the same, with the disagreement in them).
fn run(args: &Args) -> Result<bool, String> {
    let mut record = measure::all(args)?;
    if !args.large.is_empty() {
        let mut errors = Vec::new();
        record["compile_speed"] = compile_speed::measure_all(args, &mut errors)?;
        if let Some(all) = record["errors"].as_array_mut() {
            all.extend(errors);
        }
    }
    std::fs::create_dir_all(&args.out_dir)
        .map_err(|e| format!("{}: {e}", args.out_dir.display()))?;
    let json_path = args.out_dir.join("compute.json");
    let text = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?;
    std::fs::write(&json_path, text + "\n").map_err(|e| format!("{}: {e}", json_path.display()))?;
    render(&json_path)?;
    let problems = report::problems(&record);
    if problems.is_empty() {
        return Ok(true);
    }
    eprintln!(
        "\n!!! {} PROBLEM(S): engines disagree with the native result or failed:",
        problems.len()
    );
    for p in &problems {
        eprintln!("!!!   {p}");
    }
    Ok(false)
}

/// Writes `<stem>.md` beside a results file, from its raw data.
fn render(json_path: &Path) -> Result<(), String> {
    let text =
        std::fs::read_to_string(json_path).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let record: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let md = json_path.with_extension("md");
    let json_name = json_path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("compute.json");
    std::fs::write(&md, report::markdown(&record, json_name))
        .map_err(|e| format!("{}: {e}", md.display()))?;
    println!("results: {} and {}", json_path.display(), md.display());
    Ok(())
}
