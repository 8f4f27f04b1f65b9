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

#[test]
fn results_print_typed_by_the_export_signature() {
    let dir = std::env::temp_dir().join(format!("kwasm-cli-typed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = dir.join("f.wasm");
    std::fs::write(
        &wasm,
        wat::parse_str(
            r#"(module
                (func (export "hyp") (param f64 f64) (result f64)
                    (f64.sqrt (f64.add (f64.mul (local.get 0) (local.get 0))
                                       (f64.mul (local.get 1) (local.get 1)))))
                (func (export "half") (param f32) (result f32)
                    (f32.mul (local.get 0) (f32.const 0.5)))
                (func (export "neg") (param i32) (result i32)
                    (i32.sub (i32.const 0) (local.get 0))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let path = wasm.to_str().unwrap();
    // Bare arguments take the parameter's type: 3 and 4 are f64s here.
    let (ok, out) = kwasm(&["run", "--userspace", path, "--invoke", "hyp", "3", "4"]);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "5:f64");
    let (ok, out) = kwasm(&["run", "--userspace", path, "--invoke", "half", "-3"]);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "-1.5:f32");
    let (ok, out) = kwasm(&["run", "--userspace", path, "--invoke", "neg", "i32:7"]);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "-7:i32");
    // A typed argument of the wrong type is refused before anything runs.
    let (ok, out) = kwasm(&["run", "--userspace", path, "--invoke", "neg", "f64:1"]);
    assert!(!ok);
    assert!(out.contains("f64 given, the parameter is i32"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn inputs_that_are_not_wasm_say_so() {
    let dir = std::env::temp_dir().join(format!("kwasm-cli-format-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = dir.join("prog.wat");
    std::fs::write(&text, "(module)").unwrap();
    for args in [
        vec![
            "run",
            "--userspace",
            text.to_str().unwrap(),
            "--invoke",
            "f",
        ],
        vec!["run", text.to_str().unwrap(), "--invoke", "f"],
        vec!["prog", "load", text.to_str().unwrap()],
    ] {
        let (ok, out) = kwasm(&args);
        assert!(!ok);
        assert!(
            out.contains("prog.wat") && out.contains("neither a WebAssembly module"),
            "{args:?}: {out}"
        );
    }
    // An artifact is for the userspace executor only: the kernel compiles WebAssembly itself.
    let kwo = dir.join("p.kwo");
    std::fs::write(&kwo, b"KWSM\x01\0\0\0").unwrap();
    let (ok, out) = kwasm(&["run", kwo.to_str().unwrap(), "--invoke", "f"]);
    assert!(!ok);
    assert!(out.contains("the kernel loads WebAssembly only"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_the_module_the_device_error_is_clear() {
    if std::path::Path::new(kwasm::DEVICE_PATH).exists() {
        return; // Only meaningful where the module is not loaded (the host).
    }
    let (ok, out) = kwasm(&["prog", "list"]);
    assert!(!ok);
    assert!(
        out.contains("cannot open /dev/kwasm") && out.contains("is the kwasm module loaded"),
        "{out}"
    );
}

#[test]
fn usage_errors_come_from_clap() {
    let (ok, out) = kwasm(&["map", "lookup", "3"]);
    assert!(!ok);
    assert!(out.contains("--key"), "{out}");
    let (ok, out) = kwasm(&["prog", "--help"]);
    assert!(ok, "{out}");
    assert!(out.contains("test-run"), "{out}");
}
