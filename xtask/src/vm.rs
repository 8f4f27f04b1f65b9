//! `cargo xtask vm`: boots the test kernel in QEMU (TCG) with an initramfs holding busybox, the
//! module and the binaries to run, streams the guest console, and judges the run: the guest's
//! exit status, a timeout, and any kernel complaint in the log.

use crate::kernel::Kernel;
use crate::{cmd, cpio::Cpio, kernel_log, paths, summary, Result};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A binary to put into the guest at `/bin/<name>` (with the shared libraries it needs).
pub struct GuestBinary {
    pub name: String,
    pub host: PathBuf,
}

/// What one VM run should do.
pub struct VmJob<'a> {
    pub kernel: &'a Kernel,
    pub module: &'a Path,
    pub binaries: Vec<GuestBinary>,
    /// Extra files: guest path (absolute) and contents.
    pub files: Vec<(String, Vec<u8>)>,
    /// Shell commands run in order after the module is loaded; each one's failure fails the run.
    pub commands: Vec<String>,
    pub timeout: Duration,
    /// Echo the guest console to stdout as it comes.
    pub echo: bool,
}

/// How a VM run ended.
pub struct Outcome {
    /// The status the guest's init reported, if it got that far.
    pub exit: Option<i32>,
    pub timed_out: bool,
    pub complaints: Vec<String>,
    pub tests: summary::Totals,
    pub log: String,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.exit == Some(0) && !self.timed_out && self.complaints.is_empty()
    }

    /// Why the run failed, in one line.
    pub fn verdict(&self) -> String {
        if self.timed_out {
            return "timed out".into();
        }
        if !self.complaints.is_empty() {
            return format!("kernel complained: {}", self.complaints[0]);
        }
        match self.exit {
            None => "the guest died before reporting its status (panic or reset)".into(),
            Some(0) => "ok".into(),
            Some(n) => format!("a guest command failed (status {n})"),
        }
    }
}

const INIT: &str = r#"#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin HOME=/root KWASM_IN_VM=1 KWASM_MODULE=/kwasm.ko RUST_BACKTRACE=1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
# Loopback traffic for the netfilter tests (127.0.0.1 and ::1).
ip link set lo up
# Leaks are judged from here on: forget what boot allocated.
echo clear > /sys/kernel/debug/kmemleak
status=0
run() {
    echo "KWASM-RUN: $*"
    sh -c "$*"
    rc=$?
    echo "KWASM-RC: $rc"
    [ $rc -eq 0 ] || status=$rc
}
if insmod /kwasm.ko; then
    echo "KWASM-VM: module loaded"
@COMMANDS@
else
    echo "KWASM-VM: insmod failed"
    status=1
fi
if grep -q '^kwasm ' /proc/modules; then
    rmmod kwasm || status=1
fi
# kmemleak ignores objects younger than 5 s; then scan and print any report.
sleep 5
echo scan > /sys/kernel/debug/kmemleak
cat /sys/kernel/debug/kmemleak
echo KWASM-DMESG-BEGIN
dmesg
echo KWASM-DMESG-END
echo "KWASM-EXIT: $status"
poweroff -f
"#;

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn init_script(commands: &[String]) -> String {
    let body: String = commands
        .iter()
        .map(|c| format!("    run {}\n", shell_quote(c)))
        .collect();
    INIT.replace("@COMMANDS@\n", &body)
}

/// Absolute paths of the shared libraries `binary` loads (per `ldd`); empty for static ones.
fn shared_libraries(binary: &Path) -> Result<Vec<PathBuf>> {
    let out = Command::new("ldd")
        .arg(binary)
        .output()
        .map_err(|e| format!("ldd: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .filter_map(|l| {
            let path = match l.split_once("=>") {
                Some((_, rest)) => rest.split_whitespace().next()?,
                None => l.split_whitespace().next()?,
            };
            path.starts_with('/').then(|| PathBuf::from(path))
        })
        .collect())
}

fn add_parents(cpio: &mut Cpio, dirs: &mut BTreeSet<String>, path: &str) {
    let mut prefix = String::new();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    for part in &parts[..parts.len() - 1] {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(part);
        if dirs.insert(prefix.clone()) {
            cpio.dir(&prefix);
        }
    }
}

/// `binary` without its debug info: the test binaries carry tens of MiB of it each, and the
/// whole initramfs is unpacked into the VM's memory (2 GiB). Symbols stay, so backtraces still
/// name functions; panic messages carry their own file and line.
fn without_debug_info(binary: &Path) -> Result<Vec<u8>> {
    let dir = paths::target().join("vm/stripped");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let out = dir.join(binary.file_name().ok_or("a binary without a file name")?);
    let status = Command::new("objcopy")
        .arg("--strip-debug")
        .arg(binary)
        .arg(&out)
        .status()
        .map_err(|e| format!("objcopy: {e}"))?;
    if !status.success() {
        return Err(format!(
            "objcopy --strip-debug {}: {status}",
            binary.display()
        ));
    }
    read(&out)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn initramfs(job: &VmJob) -> Result<Vec<u8>> {
    let mut cpio = Cpio::default();
    let mut dirs = BTreeSet::new();
    for d in ["bin", "dev", "proc", "sys", "tmp", "root", "etc"] {
        dirs.insert(d.to_string());
        cpio.dir(d);
    }
    cpio.char_dev("dev/console", 0o600, 5, 1);
    cpio.file(
        "etc/passwd",
        0o644,
        b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
    );
    cpio.file("init", 0o755, init_script(&job.commands).as_bytes());
    cpio.file("bin/busybox", 0o755, &read(Path::new("/bin/busybox"))?);
    cpio.file("kwasm.ko", 0o644, &read(job.module)?);
    let mut libs = BTreeSet::new();
    for b in &job.binaries {
        cpio.file(
            &format!("bin/{}", b.name),
            0o755,
            &without_debug_info(&b.host)?,
        );
        libs.extend(shared_libraries(&b.host)?);
    }
    for (path, data) in &job.files {
        let guest = path.trim_start_matches('/');
        add_parents(&mut cpio, &mut dirs, guest);
        cpio.file(guest, 0o644, data);
    }
    for lib in libs {
        let guest = lib.to_string_lossy().trim_start_matches('/').to_string();
        add_parents(&mut cpio, &mut dirs, &guest);
        cpio.file(&guest, 0o755, &read(&lib)?);
    }
    Ok(cpio.finish())
}

/// Boots the VM for `job` and judges the run.
pub fn run(job: &VmJob) -> Result<Outcome> {
    let dir = paths::target().join("vm");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let image = dir.join("initramfs.cpio");
    std::fs::write(&image, initramfs(job)?).map_err(|e| format!("{}: {e}", image.display()))?;

    let mut qemu = Command::new("qemu-system-x86_64");
    qemu.args([
        "-accel",
        "tcg",
        "-cpu",
        "max",
        "-smp",
        "2",
        "-m",
        "2G",
        "-nodefaults",
    ])
    .args([
        "-display",
        "none",
        "-serial",
        "stdio",
        "-monitor",
        "none",
        "-no-reboot",
    ])
    .arg("-kernel")
    .arg(&job.kernel.bzimage)
    .arg("-initrd")
    .arg(&image)
    .args(["-append", "console=ttyS0 loglevel=5 panic=-1 oops=panic"]);
    println!(
        "vm: booting ({} command(s), timeout {}s)",
        job.commands.len(),
        job.timeout.as_secs()
    );
    println!("  $ {}", cmd::show(&qemu));
    let mut child = qemu
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start qemu: {e}"))?;

    let (tx, rx) = mpsc::channel::<String>();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(|l| l.ok()) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);

    let start = Instant::now();
    let mut log = String::new();
    let mut timed_out = false;
    let mut in_dmesg = false;
    loop {
        let left = job.timeout.saturating_sub(start.elapsed());
        match rx.recv_timeout(left.max(Duration::from_millis(1))) {
            Ok(line) => {
                let line = line.replace('\r', "");
                if line == "KWASM-DMESG-BEGIN" {
                    in_dmesg = true;
                }
                // The final dmesg dump is for the scanner, not for the reader.
                if job.echo && !in_dmesg {
                    println!("  | {line}");
                }
                if line == "KWASM-DMESG-END" {
                    in_dmesg = false;
                }
                log.push_str(&line);
                log.push('\n');
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                timed_out = true;
                let _ = child.kill();
                break;
            }
        }
    }
    let _ = child.wait();
    let exit = log.lines().rev().find_map(|l| {
        l.strip_prefix("KWASM-EXIT: ")
            .and_then(|s| s.trim().parse().ok())
    });
    let outcome = Outcome {
        exit,
        timed_out,
        complaints: kernel_log::complaints(&log),
        tests: summary::parse(&log),
        log,
    };
    std::fs::write(dir.join("console.log"), &outcome.log).map_err(|e| e.to_string())?;
    println!(
        "vm: {} after {}s (console log: {})",
        outcome.verdict(),
        start.elapsed().as_secs(),
        dir.join("console.log").display()
    );
    for c in &outcome.complaints {
        println!("  kernel: {c}");
    }
    Ok(outcome)
}

/// Builds the VM test binaries (the `kwasm-vmtests` crate) and returns them, unload test last.
pub fn build_vm_tests() -> Result<Vec<GuestBinary>> {
    println!("vm: building the VM test binaries");
    let out = cmd::output(Command::new("cargo").current_dir(paths::repo()).args([
        "test",
        "-p",
        "kwasm-vmtests",
        "--no-run",
        "--message-format=json",
    ]))?;
    let mut bins = Vec::new();
    for line in out.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(exe) = msg.get("executable").and_then(|e| e.as_str()) else {
            continue;
        };
        let name = msg["target"]["name"].as_str().unwrap_or("test").to_string();
        let kinds = msg["target"]["kind"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if kinds.iter().any(|k| k == "test") {
            bins.push(GuestBinary {
                name: format!("test-{name}"),
                host: PathBuf::from(exe),
            });
        }
    }
    if bins.is_empty() {
        return Err("no VM test binaries were built".into());
    }
    bins.sort_by_key(|b| (b.name == "test-unload", b.name.clone()));
    Ok(bins)
}

/// Builds the `kwasm` CLI for the guest.
pub fn build_cli() -> Result<GuestBinary> {
    cmd::run(
        Command::new("cargo")
            .current_dir(paths::repo())
            .args(["build", "-q", "-p", "kwasm", "--bin", "kwasm"]),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| paths::repo().join("target"));
    Ok(GuestBinary {
        name: "kwasm".into(),
        host: target.join("debug/kwasm"),
    })
}

/// The example hook guests (`examples/*/guest`, built by `cargo xtask guest`), as files for the
/// guest: `<dir>/port-filter.wasm` and `<dir>/packet-counter.wasm`.
pub fn example_guests(dir: &str) -> Result<Vec<(String, Vec<u8>)>> {
    ["port-filter", "packet-counter"]
        .into_iter()
        .map(|name| {
            let crate_dir = paths::repo().join("examples").join(name).join("guest");
            let wasm = crate::guest::build(&crate_dir)?;
            Ok((format!("{dir}/{name}.wasm"), read(&wasm)?))
        })
        .collect()
}

/// Test binaries whose output (measurements, the spec table) belongs in the log.
const PRINTS_MEASUREMENTS: &[&str] = &[
    "test-spec_kernel",
    "test-host_stack",
    "test-trusted_load",
    "test-fuel",
];

/// The VM suite: every VM test binary, then the module unload.
///
/// `KWASM_VM_TESTS=a,b` (for development) keeps only the test binaries whose names contain one
/// of the parts.
pub fn suite(kernel: &Kernel, module: &Path) -> Result<Outcome> {
    let mut binaries = build_vm_tests()?;
    let filter = std::env::var("KWASM_VM_TESTS").ok();
    if let Some(filter) = &filter {
        binaries.retain(|b| filter.split(',').any(|part| b.name.contains(part)));
        println!(
            "vm: KWASM_VM_TESTS={filter}: running only {} test binaries",
            binaries.len()
        );
    }
    binaries.push(build_cli()?);
    let commands = binaries
        .iter()
        .filter(|b| b.name.starts_with("test-"))
        // Measurements and the spec table go to the log (and a filtered run prints everything).
        .map(|b| {
            if PRINTS_MEASUREMENTS.contains(&b.name.as_str()) || filter.is_some() {
                // `KWASM_VM_TEST_NAME` narrows a filtered run to the tests matching it.
                let name = std::env::var("KWASM_VM_TEST_NAME").unwrap_or_default();
                format!("/bin/{} --nocapture {name}", b.name)
            } else {
                format!("/bin/{}", b.name)
            }
        })
        .collect();
    // The provider-API test fixture, built beside the module, a real guest program and the
    // example hook guests (for the library's tests).
    let testprov = module.with_file_name("kwasm_testprov.ko");
    let guest =
        crate::guests::build()?.join("rust/wasm32-unknown-unknown/release/kwasm_guest_algos.wasm");
    let mut files = vec![
        ("/kwasm_testprov.ko".into(), read(&testprov)?),
        ("/guests/algos-rs.wasm".into(), read(&guest)?),
    ];
    files.extend(example_guests("/guests")?);
    run(&VmJob {
        kernel,
        module,
        binaries,
        files,
        commands,
        // The suite under TCG: about 9 minutes on the default kernel and 16 on the KASAN one
        // (the 10,000 load/unload cycles of `link_groups` alone take 10 there).
        timeout: Duration::from_secs(1800),
        echo: true,
    })
}

/// `cargo xtask vm [--timeout S] [-- CMD...]`.
pub fn cli(args: &[String]) -> Result<()> {
    let mut timeout = Duration::from_secs(900);
    let mut command: Option<String> = None;
    let mut variant = crate::kernel::Variant::Default;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--kasan" => variant = crate::kernel::Variant::Kasan,
            "--timeout" => {
                let s = it.next().ok_or("--timeout needs seconds")?;
                timeout =
                    Duration::from_secs(s.parse().map_err(|e| format!("--timeout {s}: {e}"))?);
            }
            "--" => {
                let rest: Vec<&str> = it.by_ref().map(String::as_str).collect();
                command = Some(rest.join(" "));
            }
            other => return Err(format!("unknown vm argument {other:?}")),
        }
    }
    crate::setup::run()?;
    let kernel = crate::kernel::build_variant(variant)?;
    let module = crate::module::build(&kernel)?;
    let outcome = match command {
        None => suite(&kernel, &module)?,
        Some(c) => run(&VmJob {
            kernel: &kernel,
            module: &module,
            binaries: vec![build_cli()?],
            files: vec![],
            commands: vec![c],
            timeout,
            echo: true,
        })?,
    };
    if outcome.ok() {
        Ok(())
    } else {
        Err(format!("vm run failed: {}", outcome.verdict()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_script_runs_each_command_quoted() {
        let s = init_script(&["echo 'a b'".to_string(), "/bin/test-x".to_string()]);
        assert!(s.contains("    run 'echo '\\''a b'\\'''\n"));
        assert!(s.contains("    run '/bin/test-x'\n"));
        assert!(!s.contains("@COMMANDS@"));
    }
}
