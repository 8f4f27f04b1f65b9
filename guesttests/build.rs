//! Builds the C guest natively, for the reference results.
fn main() {
    println!("cargo:rerun-if-changed=../examples/guests/algos-c/algos.c");
    cc::Build::new()
        .file("../examples/guests/algos-c/algos.c")
        .opt_level(2)
        .compile("kwasm_guest_algos_c");
    println!("cargo:rustc-link-lib=m");
}
