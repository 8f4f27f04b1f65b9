//! Codegen snapshots, as Cranelift's filetests: each `snapshots/NAME.wat` is compiled and every
//! function body disassembled into `snapshots/NAME.asm`. A change in the generated code shows up
//! as a diff in review. `KWASM_BLESS=1 cargo test -p kwasm-compiler --test snapshots` rewrites
//! the expectations.
//!
//! A `.wat` whose first line is `;; options: return_thunk` is compiled with that option and its
//! whole code section is disassembled (trampolines, adapters, exit and trap stubs too), which
//! must then contain no `ret`.

use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};
use kwasm_hooks::artifact::Section;
use kwasm_kcore::artifact::Artifact;
use std::path::Path;

fn disassemble_range(out: &mut String, code: &[u8], start: u32) {
    let mut formatter = IntelFormatter::new();
    formatter.options_mut().set_first_operand_char_index(10);
    let mut decoder = Decoder::with_ip(64, code, u64::from(start), DecoderOptions::NONE);
    let mut text = String::new();
    while decoder.can_decode() {
        let ins = decoder.decode();
        text.clear();
        formatter.format(&ins, &mut text);
        out.push_str(&format!("  {:04x}  {text}\n", ins.ip()));
    }
}

fn disassemble(artifact: &[u8], whole: bool) -> String {
    let art = Artifact::parse(artifact).expect("compiler output passes the artifact checks");
    let code = art.section(Section::Code);
    let mut out = String::new();
    if whole {
        out.push_str("code:\n");
        disassemble_range(&mut out, code, 0);
        return out;
    }
    for (i, f) in art.funcs().iter().enumerate() {
        out.push_str(&format!(
            "function {} (defined {i}):\n",
            art.imported(kwasm_hooks::artifact::IMPORT_FUNC) + i as u32
        ));
        let body = &code[f.code.offset as usize..(f.code.offset + f.code.len) as usize];
        disassemble_range(&mut out, body, f.code.offset);
    }
    out
}

#[test]
fn codegen_matches_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let bless = std::env::var_os("KWASM_BLESS").is_some();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for wat_path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
    {
        let wasm = wat::parse_file(wat_path).unwrap();
        let source = std::fs::read_to_string(wat_path).unwrap();
        let return_thunk = source
            .lines()
            .next()
            .is_some_and(|l| l.trim() == ";; options: return_thunk");
        let options = kwasm_compiler::Options {
            return_thunk,
            ..Default::default()
        };
        let artifact = kwasm_compiler::compile(&wasm, &options).unwrap();
        let got = disassemble(&artifact, return_thunk);
        if return_thunk {
            let rets: Vec<&str> = got.lines().filter(|l| l.contains("  ret")).collect();
            assert!(
                rets.is_empty(),
                "{}: ret left: {rets:?}",
                wat_path.display()
            );
        }
        let asm_path = wat_path.with_extension("asm");
        if bless {
            std::fs::write(&asm_path, &got).unwrap();
        } else {
            let want = std::fs::read_to_string(&asm_path).unwrap_or_default();
            if want != got {
                mismatches.push(format!("{}:\n{got}", asm_path.display()));
            }
        }
        checked += 1;
    }
    assert!(checked >= 4, "snapshots found: {checked}");
    assert!(
        mismatches.is_empty(),
        "codegen changed (KWASM_BLESS=1 to accept):\n{}",
        mismatches.join("\n")
    );
}
