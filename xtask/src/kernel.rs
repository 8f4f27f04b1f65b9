//! `cargo xtask kernel`: the Rust-enabled 6.12 test kernel.
//!
//! `make tinyconfig` + `kernel/kwasm.config`, built with Debian's rustc and LLVM 14. The tree is
//! cached under `~/.cache/kwasm/` keyed by everything that goes into it (kernel source version,
//! config fragment, compiler versions, this recipe), so a second run is a cache hit. Two runs
//! that want the same tree build it once (see `cache_entry`).

use crate::cache_entry::{self, Status};
use crate::{cmd, paths, setup, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Bump when the build recipe below changes in a way that changes the result.
const RECIPE_VERSION: u32 = 1;

/// Which test kernel: the default one, the same with KASAN on, or with BTF for the eBPF
/// baselines of `cargo xtask bench` (`bench/btf.config`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Default,
    Kasan,
    Bench,
}

impl Variant {
    pub fn name(self) -> &'static str {
        match self {
            Variant::Default => "default",
            Variant::Kasan => "kasan",
            Variant::Bench => "bench",
        }
    }

    /// Config fragments merged, in order, on top of `make tinyconfig`.
    fn fragments(self) -> Vec<PathBuf> {
        let dir = paths::repo().join("kernel");
        match self {
            Variant::Default => vec![dir.join("kwasm.config")],
            Variant::Kasan => vec![dir.join("kwasm.config"), dir.join("kasan.config")],
            Variant::Bench => vec![
                dir.join("kwasm.config"),
                paths::repo().join("bench/btf.config"),
            ],
        }
    }
}

/// Where the kernel image is inside a tree.
const BZIMAGE: &str = "arch/x86/boot/bzImage";

/// A built test kernel.
pub struct Kernel {
    pub variant: Variant,
    /// The kernel tree, ready for `make M=...` module builds.
    pub tree: PathBuf,
    pub bzimage: PathBuf,
}

/// FNV-1a: a stable hash for the cache key (not for security).
fn fnv1a(data: &[u8], mut h: u64) -> u64 {
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// The fragments' text, concatenated.
fn fragment_text(variant: Variant) -> Result<String> {
    let mut text = String::new();
    for f in variant.fragments() {
        text += &std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
    }
    Ok(text)
}

fn cache_key(variant: Variant) -> Result<u64> {
    let fragment = fragment_text(variant)?.into_bytes();
    let inputs = [
        format!("recipe {RECIPE_VERSION}"),
        cmd::output(Command::new("dpkg-query").args([
            "-W",
            "-f=${Version}",
            paths::KERNEL_SOURCE_PKG,
        ]))?,
        cmd::output(Command::new(paths::KERNEL_RUSTC).arg("-vV"))?,
        cmd::output(Command::new(format!("clang{}", paths::LLVM_SUFFIX)).arg("--version"))?,
        cmd::output(Command::new(paths::bindgen()).arg("--version"))?,
    ];
    let mut h = fnv1a(&fragment, 0xcbf2_9ce4_8422_2325);
    for input in &inputs {
        h = fnv1a(input.as_bytes(), h);
    }
    Ok(h)
}

/// The fragment's demands: `(option, wanted_on)`.
fn fragment_options(text: &str) -> Vec<(String, bool)> {
    text.lines()
        .filter_map(|l| {
            if let Some(rest) = l.strip_prefix("# CONFIG_") {
                let name = rest.strip_suffix(" is not set")?;
                Some((format!("CONFIG_{name}"), false))
            } else if l.starts_with("CONFIG_") {
                Some((l.split('=').next()?.to_string(), true))
            } else {
                None
            }
        })
        .collect()
}

/// The fragments as `merge_config.sh` applies them: a later line about an option (from a later
/// fragment) replaces an earlier one, so only the last word on each option is checked.
fn effective_fragment(text: &str) -> String {
    let option = |l: &str| fragment_options(l).into_iter().next().map(|(name, _)| name);
    let lines: Vec<&str> = text.lines().collect();
    let mut kept = String::new();
    for (k, l) in lines.iter().enumerate() {
        let name = option(l);
        if name.is_none() || lines[k + 1..].iter().all(|m| option(m) != name) {
            kept.push_str(l);
            kept.push('\n');
        }
    }
    kept
}

/// Options of the fragment that `olddefconfig` dropped or forced (unmet dependencies).
fn unmet_options(fragment: &str, config: &str) -> Vec<String> {
    let wanted = fragment.lines().filter(|l| l.starts_with("CONFIG_"));
    let mut bad: Vec<String> = wanted
        .filter(|l| !config.lines().any(|c| c == *l))
        .map(str::to_string)
        .collect();
    for (name, on) in fragment_options(fragment) {
        if !on && config.lines().any(|c| c.starts_with(&format!("{name}="))) {
            bad.push(format!("{name} (wanted off)"));
        }
    }
    bad
}

fn make(tree: &Path) -> Command {
    let mut c = Command::new("make");
    c.arg("-C").arg(tree).args(paths::kbuild_args());
    c
}

pub fn build() -> Result<Kernel> {
    build_variant(Variant::Default)
}

pub fn build_variant(variant: Variant) -> Result<Kernel> {
    setup::run()?;
    let own_tree = std::env::var_os("KWASM_KERNEL_TREE").filter(|t| !t.is_empty());
    if let Some(tree) = own_tree.filter(|_| variant == Variant::Default) {
        // A developer's own, already built tree (configured with kernel/kwasm.config).
        let tree = PathBuf::from(tree);
        println!("kernel: using KWASM_KERNEL_TREE={}", tree.display());
        return Ok(Kernel {
            variant,
            bzimage: tree.join(BZIMAGE),
            tree,
        });
    }
    let key = cache_key(variant)?;
    let suffix = if variant == Variant::Default {
        String::new()
    } else {
        format!("-{}", variant.name())
    };
    let dir = paths::cache().join(format!("kernel-6.12{suffix}-{key:016x}"));
    let tree = dir.join("linux");
    let kernel = Kernel {
        variant,
        bzimage: tree.join(BZIMAGE),
        tree,
    };
    println!("kernel ({}): {}", variant.name(), dir.display());
    let usable = |entry: &Path| entry.join("linux").join(BZIMAGE).exists();
    match cache_entry::ensure(&dir, usable, |folder| build_tree(variant, folder))? {
        Status::Reused => println!("  cache hit"),
        Status::Built => println!("  stored in the cache"),
    }
    Ok(kernel)
}

/// Builds the kernel in `folder/linux` (log in `folder/build.log`); returns the completion
/// marker's text. `folder` is a temporary one that `cache_entry` renames when this succeeds.
fn build_tree(variant: Variant, folder: &Path) -> Result<String> {
    println!(
        "  cache miss: building in {} (about 15 minutes on 2 cores)",
        folder.display()
    );
    let tree = folder.join("linux");
    std::fs::create_dir_all(&tree).map_err(|e| format!("{}: {e}", tree.display()))?;
    let start = std::time::Instant::now();
    cmd::run(
        Command::new("tar")
            .args(["xf", paths::KERNEL_TARBALL, "--strip-components=1", "-C"])
            .arg(&tree),
    )?;
    configure(variant, &tree)?;
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
    cmd::run_with_progress(
        make(&tree).arg(format!("-j{jobs}")).arg("all"),
        "kernel",
        &folder.join("build.log"),
    )?;
    println!("  kernel built in {}s", start.elapsed().as_secs());
    Ok(format!("built in {}s\n", start.elapsed().as_secs()))
}

/// `make tinyconfig`, the variant's fragments, `olddefconfig`; fails if an option did not take.
fn configure(variant: Variant, tree: &Path) -> Result<()> {
    cmd::run(make(tree).arg("rustavailable"))?;
    cmd::run(
        make(tree)
            .arg("tinyconfig")
            .stdout(std::process::Stdio::null()),
    )?;
    cmd::run(
        Command::new(tree.join("scripts/kconfig/merge_config.sh"))
            .current_dir(tree)
            .args(["-m", ".config"])
            .args(variant.fragments())
            .stdout(std::process::Stdio::null()),
    )?;
    cmd::run(make(tree).arg("olddefconfig"))?;
    let fragment = effective_fragment(&fragment_text(variant)?);
    let config = std::fs::read_to_string(tree.join(".config")).map_err(|e| e.to_string())?;
    let unmet = unmet_options(&fragment, &config);
    if !unmet.is_empty() {
        return Err(format!(
            "the config fragments ask for options the kernel did not take (missing dependencies?): {}",
            unmet.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_options_are_checked_both_ways() {
        let fragment = "# comment\nCONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=8\n";
        let good = "CONFIG_A=y\nCONFIG_C=8\n# CONFIG_B is not set\n";
        assert!(unmet_options(fragment, good).is_empty());
        let bad = "CONFIG_A=y\nCONFIG_B=y\nCONFIG_C=4\n";
        assert_eq!(
            unmet_options(fragment, bad),
            vec!["CONFIG_C=8", "CONFIG_B (wanted off)"]
        );
    }

    #[test]
    fn a_later_fragment_overrides_an_earlier_one() {
        let fragments = "CONFIG_A=y\n# CONFIG_B is not set\n# CONFIG_A is not set\nCONFIG_B=y\n";
        let effective = effective_fragment(fragments);
        assert_eq!(effective, "# CONFIG_A is not set\nCONFIG_B=y\n");
        assert!(unmet_options(&effective, "CONFIG_B=y\n").is_empty());
    }

    #[test]
    fn cache_key_hash_depends_on_every_byte() {
        let h = fnv1a(b"abc", 1);
        assert_ne!(h, fnv1a(b"abd", 1));
        assert_ne!(h, fnv1a(b"abc", 2));
    }
}
