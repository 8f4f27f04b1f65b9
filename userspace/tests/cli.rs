//! `kwasm compile` and `kwasm run --userspace` end to end.

use std::process::Command;

fn kwasm(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kwasm"))
        .args(args)
        .output()
        .expect("run kwasm");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn compile_then_run_and_run_wasm_directly() {
    let dir = std::env::temp_dir().join(format!("kwasm-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = dir.join("p.wasm");
    let kwo = dir.join("p.kwo");
    std::fs::write(
        &wasm,
        wat::parse_str(r#"(module (func (export "mul") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1))))"#)
            .unwrap(),
    )
    .unwrap();
    let (ok, out) = kwasm(&[
        "compile",
        wasm.to_str().unwrap(),
        "-o",
        kwo.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    let (ok, out) = kwasm(&[
        "run",
        "--userspace",
        kwo.to_str().unwrap(),
        "--invoke",
        "mul",
        "6",
        "7",
    ]);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "42:i64");
    let (ok, out) = kwasm(&[
        "run",
        "--userspace",
        wasm.to_str().unwrap(),
        "--invoke",
        "mul",
        "i64:-3",
        "5",
    ]);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "-15:i64");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("kwasm-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.wasm");
    std::fs::write(&bad, b"\0asm\x01\0\0\0\x01\x05").unwrap();
    let (ok, out) = kwasm(&[
        "compile",
        bad.to_str().unwrap(),
        "-o",
        dir.join("x").to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        out.contains("bad.wasm") && out.contains("byte offset"),
        "{out}"
    );
    let junk = dir.join("junk.kwo");
    std::fs::write(&junk, b"KWSMjunk").unwrap();
    let (ok, out) = kwasm(&[
        "run",
        "--userspace",
        junk.to_str().unwrap(),
        "--invoke",
        "f",
    ]);
    assert!(!ok);
    assert!(out.contains("invalid artifact"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}
