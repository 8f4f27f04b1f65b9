//! `kwasm-bench-compute`: the compute benchmark's runner (`cargo xtask bench compute` builds the
//! programs and the peers, then runs this). For each round and each program it runs the native
//! build, kwasm in this process (as shipped, without fuel, without bounds checks) and the peers
//! through their tools, checks that every engine returns the native checksum, and writes the raw
//! samples (`compute.json`) and the page made from them (`compute.md`, see `report.rs`). Then it
//! times every engine compiling the large modules given with `--large` (`compile_speed.rs`).
//!
//! `--engines` and `--programs` narrow a run to some engines and programs (for quick A/B runs
//! of compiler changes); `--help` lists the options.

mod clock;
mod compile_speed;
mod kwasm_engine;
mod measure;
mod peers;
mod programs;
mod report;
mod stats;

use clap::Parser;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What the command line asks for.
#[derive(Parser)]
#[command(
    name = "kwasm-bench-compute",
    about = "The compute benchmark's runner (cargo xtask bench compute builds its inputs)"
)]
pub struct Args {
    /// Writes the page again from a results file's raw data, and measures nothing.
    #[arg(long, value_name = "RESULTS_JSON", exclusive = true)]
    pub render: Option<PathBuf>,
    /// Lists the programs (name and language), and measures nothing.
    #[arg(long, exclusive = true)]
    pub list: bool,
    /// The programs' `.wasm` files (and `empty.wasm`).
    #[arg(long, required_unless_present_any = ["render", "list"])]
    pub wasm_dir: Option<PathBuf>,
    /// Scratch space for the peers' precompiled modules.
    #[arg(long, required_unless_present_any = ["render", "list"])]
    pub work_dir: Option<PathBuf>,
    /// Where `compute.json` and `compute.md` go.
    #[arg(long, required_unless_present_any = ["render", "list"])]
    pub out_dir: Option<PathBuf>,
    #[arg(long, required_unless_present_any = ["render", "list"])]
    pub wasmtime: Option<PathBuf>,
    #[arg(long, required_unless_present_any = ["render", "list"])]
    pub wasmer: Option<PathBuf>,
    /// Large modules for compile speed (`compile_speed.rs`).
    #[arg(long)]
    pub large: Vec<PathBuf>,
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,
    /// The programs' small inputs.
    #[arg(long)]
    pub quick: bool,
    /// Only these engines (ids, e.g. `native,kwasm,kwasm-nofuel`); native always runs, since
    /// every result is checked against it.
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    /// Only these programs.
    #[arg(long, value_delimiter = ',')]
    pub programs: Vec<String>,
    #[arg(long, default_value = "")]
    pub commit: String,
    /// The tree had uncommitted changes.
    #[arg(long)]
    pub dirty: bool,
    /// The run's date (YYYY-MM-DD) and the host's CPU model, as the xtask found them.
    #[arg(long, default_value = "")]
    pub date: String,
    #[arg(long, default_value = "")]
    pub cpu: String,
}

impl Args {
    /// A directory that clap made required for a measuring run.
    pub fn dir(p: &Option<PathBuf>) -> &Path {
        p.as_deref()
            .expect("clap requires it unless --render or --list")
    }

    /// Whether the run includes this engine (native always runs).
    pub fn wants_engine(&self, id: &str) -> bool {
        id == "native" || self.engines.is_empty() || self.engines.iter().any(|e| e == id)
    }

    /// The programs this run measures.
    pub fn selected_programs(&self) -> Result<Vec<&'static programs::Program>, String> {
        if let Some(unknown) = self
            .programs
            .iter()
            .find(|n| programs::ALL.iter().all(|p| p.name != n.as_str()))
        {
            return Err(format!("--programs: no program named {unknown}"));
        }
        Ok(programs::ALL
            .iter()
            .filter(|p| self.programs.is_empty() || self.programs.iter().any(|n| n == p.name))
            .collect())
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = if let Some(json) = &args.render {
        render(json).map(|()| true)
    } else if args.list {
        for p in programs::ALL {
            println!("{} {}", p.name, p.lang);
        }
        Ok(true)
    } else {
        run(&args)
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
    let out_dir = Args::dir(&args.out_dir);
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let json_path = out_dir.join("compute.json");
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
