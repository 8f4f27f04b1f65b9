//! Builds the C programs (`bench/compute/c`) natively with clang 14 at -O2, the flags of their
//! wasm32 build otherwise, each `run` renamed to `<program>_run`; and records the size of each
//! program's machine code (its object's .text sections) for the code-size table.

use object::{Object, ObjectSection, SectionKind};

/// The C programs (the runner's `programs::C` names the same).
const PROGRAMS: &[&str] = &[
    "qsort",
    "sha256",
    "lz",
    "matmul",
    "dijkstra",
    "vm",
    "nbody",
    "crc32",
    "strsearch",
];

fn main() {
    let dir = std::path::Path::new("../c");
    println!("cargo:rerun-if-changed={}", dir.join("common.h").display());
    let mut sizes = String::new();
    for name in PROGRAMS {
        let src = dir.join(format!("{name}.c"));
        println!("cargo:rerun-if-changed={}", src.display());
        let mut build = cc::Build::new();
        build
            .compiler("clang-14")
            .file(&src)
            .opt_level(2)
            .debug(false)
            .flag("-fno-math-errno")
            .define("run", format!("{name}_run").as_str());
        for obj in build.compile_intermediates() {
            let data = std::fs::read(&obj).expect("object file");
            let file = object::File::parse(&*data).expect("an ELF object");
            let text: u64 = file
                .sections()
                .filter(|s| s.kind() == SectionKind::Text)
                .map(|s| s.size())
                .sum();
            sizes.push_str(&format!("{name} {text}\n"));
        }
        build.compile(&format!("kwasm_bench_compute_{name}"));
    }
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
    std::fs::write(out.join("native_sizes.txt"), sizes).unwrap();
}
