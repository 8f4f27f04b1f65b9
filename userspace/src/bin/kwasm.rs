//! `kwasm`: the command-line tool (bpftool-like). It grows with the library.

use kwasm::executor::{Imports, Instance, Value};
use std::process::ExitCode;

const USAGE: &str = "usage: kwasm <command>

commands:
  version                       print the ABI version of the loaded module and of this tool
  selftest [INPUT]              run the module's executable-arena self-test
  compile IN.wasm -o OUT.kwo [--yield]
                                compile a module to a kwasm artifact (fuel mode unless --yield)
  run PROG.wasm --invoke NAME [ARGS...] [--fuel N] [--repeat N]
                                run an export in the kernel (load: the kernel compiles the
                                module; then a test run) (ARGS: 5, i64:5, f32:1.5, ...)
  run --userspace PROG.wasm|PROG.kwo --invoke NAME [ARGS...] [--fuel N]
                                the same in this process, with the userspace executor
  prog list [--json]            list the programs loaded in the kernel";

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("version") => version(),
        Some("selftest") => selftest(args.get(1).map(String::as_str)),
        Some("compile") => compile(&args[1..]),
        Some("run") => run(&args[1..]),
        Some("prog") if args.get(1).map(String::as_str) == Some("list") => {
            prog_list(args.get(2).map(String::as_str) == Some("--json"))
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kwasm: {e}");
            ExitCode::FAILURE
        }
    }
}

fn version() -> Result<()> {
    let dev = kwasm::Device::open_unchecked()?;
    println!("module ABI version: {}", dev.abi_version()?);
    println!("tool ABI version:   {}", kwasm::hooks::ABI_VERSION);
    Ok(())
}

fn selftest(input: Option<&str>) -> Result<()> {
    let input: u64 = match input {
        Some(s) => s.parse().map_err(|e| format!("bad INPUT {s:?}: {e}"))?,
        None => 0x1234,
    };
    let dev = kwasm::Device::open()?;
    let report = dev.selftest(input)?;
    println!(
        "arena self-test ok: f({input}) = {} (arena {} of {} bytes in use)",
        report.output, report.arena_used, report.arena_size
    );
    Ok(())
}

fn read(path: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}").into())
}

fn compile_bytes(wasm: &[u8], yield_mode: bool, path: &str) -> Result<Vec<u8>> {
    let bound = if yield_mode {
        kwasm_compiler::Bound::Yield
    } else {
        kwasm_compiler::Bound::Fuel
    };
    let options = kwasm_compiler::Options {
        bound,
        ..Default::default()
    };
    kwasm_compiler::compile(wasm, &options).map_err(|e| format!("{path}: {e}").into())
}

fn compile(args: &[String]) -> Result<()> {
    let (mut input, mut output, mut yield_mode) = (None, None, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" => output = Some(it.next().ok_or("-o needs a path")?.clone()),
            "--yield" => yield_mode = true,
            other if input.is_none() => input = Some(other.to_string()),
            other => return Err(format!("unexpected argument {other:?}").into()),
        }
    }
    let input = input.ok_or("compile needs IN.wasm")?;
    let output = output.ok_or("compile needs -o OUT.kwo")?;
    let artifact = compile_bytes(&read(&input)?, yield_mode, &input)?;
    std::fs::write(&output, &artifact).map_err(|e| format!("{output}: {e}"))?;
    println!("{input} -> {output} ({} bytes)", artifact.len());
    Ok(())
}

fn run(args: &[String]) -> Result<()> {
    let (mut userspace, mut path, mut name, mut fuel, mut repeat) = (false, None, None, None, 1u32);
    let mut values = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--userspace" => userspace = true,
            "--invoke" => name = Some(it.next().ok_or("--invoke needs a name")?.clone()),
            "--fuel" => fuel = Some(it.next().ok_or("--fuel needs a number")?.parse::<i64>()?),
            "--repeat" => repeat = it.next().ok_or("--repeat needs a number")?.parse::<u32>()?,
            other if path.is_none() => path = Some(other.to_string()),
            other if name.is_some() => {
                values.push(Value::parse(other).ok_or_else(|| format!("bad argument {other:?}"))?)
            }
            other => return Err(format!("unexpected argument {other:?}").into()),
        }
    }
    let path = path.ok_or("run needs a program")?;
    let name = name.ok_or("run needs --invoke NAME")?;
    let bytes = read(&path)?;
    let is_wasm = bytes.starts_with(b"\0asm");
    if !userspace {
        if !is_wasm {
            // There is no way to hand the kernel machine code: it compiles every program itself.
            return Err(
                format!("{path}: not a .wasm module (the kernel loads WebAssembly only)").into(),
            );
        }
        return run_in_kernel(
            &bytes,
            &path,
            &name,
            &values,
            fuel.unwrap_or(0).max(0) as u64,
            repeat,
        );
    }
    let artifact = if is_wasm {
        compile_bytes(&bytes, false, &path)?
    } else {
        bytes
    };
    let mut imports = Imports::default();
    kwasm::executor::wasi::add_to(&mut imports);
    let mut instance = Instance::new(&artifact, &imports)?;
    // Integers given without a type take the parameter's type.
    if let Some((params, _)) = instance.func_type(&name) {
        for (v, &p) in values.iter_mut().zip(params) {
            if let (Value::I32(x), kwasm::hooks::artifact::VAL_I64) = (*v, p) {
                *v = Value::I64(x.into());
            }
        }
    }
    if let Some(f) = fuel {
        instance.set_fuel(f);
    }
    let results = instance.invoke(&name, &values)?;
    let shown: Vec<String> = results.iter().map(Value::to_string).collect();
    println!("{}", shown.join(" "));
    Ok(())
}

fn run_in_kernel(
    wasm: &[u8],
    path: &str,
    name: &str,
    values: &[Value],
    fuel: u64,
    repeat: u32,
) -> Result<()> {
    let dev = kwasm::Device::open()?;
    let prog_name = std::path::Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("prog");
    let opts = kwasm::LoadOptions {
        name: prog_name.into(),
        fuel,
        ..Default::default()
    };
    let prog = kwasm::Program::load(&dev, wasm, &opts)?;
    let args: Vec<u64> = values.iter().map(|v| v.to_slot()).collect();
    let run = prog.test_run(&dev, name, &args, args.len().max(4), repeat, fuel)?;
    if run.trap != 0 {
        return Err(format!(
            "trap {}: {}",
            run.trap,
            kwasm::hooks::trap::trap_name(run.trap)
        )
        .into());
    }
    let shown: Vec<String> = run.results.iter().map(|r| r.to_string()).collect();
    println!("{}  ({} ns per run)", shown.join(" "), run.duration_ns);
    Ok(())
}

fn prog_list(json: bool) -> Result<()> {
    let dev = kwasm::Device::open()?;
    let mut at = 0;
    let mut rows = Vec::new();
    while let Some(id) = dev.next_prog_id(at)? {
        at = id;
        // A program can go away between listing and opening.
        if let Ok(p) = kwasm::Program::from_id(&dev, id) {
            rows.push(p.info(&dev)?);
        }
    }
    for i in &rows {
        let traps: u64 = i.traps.iter().sum();
        if json {
            println!(
                "{{\"id\":{},\"name\":{:?},\"type\":{},\"code_size\":{},\"memory_size\":{},\"run_count\":{},\"run_time_ns\":{},\"traps\":{}}}",
                i.id, i.name, i.prog_type, i.code_size, i.memory_size, i.run_count, i.run_time_ns, traps
            );
        } else {
            println!(
                "{}: {}  code {}B  memory {}B  runs {}  run_time {}ns  traps {}",
                i.id, i.name, i.code_size, i.memory_size, i.run_count, i.run_time_ns, traps
            );
        }
    }
    Ok(())
}
