//! One folder of the build cache (`~/.cache/kwasm/kernel-<version>-<hash>/`), safe against
//! several `cargo xtask` runs at once.
//!
//! Everything happens under the entry's lock (`<entry>.lock`, see `flock`): the check whether
//! the entry is complete, the removal of leftovers and the build. A build writes into a
//! temporary sibling, `<entry>.tmp-<pid>`, which is renamed to the entry's name only once it is
//! complete (a rename within one folder is atomic), so a folder under the final name is complete
//! unless an older xtask left it. Leftovers — an entry without its marker, temporary folders of
//! killed runs — are removed only while holding the lock, when no one can be building in them.
//!
//! A kernel tree still works after the rename: the module build (`make -C <tree> M=...`), the
//! flags read from `rust/.kernel.o.cmd` and the bzImage do not depend on where the tree was
//! built (the absolute paths in the tree's `.cmd` files only matter to a rebuild of the kernel
//! itself, which nothing does to a finished entry).

use crate::flock::{self, FileLock};
use crate::Result;
use std::path::{Path, PathBuf};

/// The file a build writes last: an entry without it is incomplete.
pub const MARKER: &str = "complete";

/// Whether `ensure` found the entry or built it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Reused,
    Built,
}

/// Makes `entry` complete: reuses it if it has its marker and `usable(entry)` holds, else builds
/// it with `build(folder)` (which returns the marker's text) and moves the result into place.
/// A second caller for the same entry waits for the first and then reuses its result.
pub fn ensure(
    entry: &Path,
    usable: impl Fn(&Path) -> bool,
    build: impl FnOnce(&Path) -> Result<String>,
) -> Result<Status> {
    let parent = entry
        .parent()
        .ok_or("a cache entry needs a parent folder")?;
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let _lock = FileLock::acquire(&flock::lock_path(entry))?;
    if entry.join(MARKER).exists() && usable(entry) {
        return Ok(Status::Reused);
    }
    remove_temporaries(entry)?;
    if entry.exists() {
        println!("  removing an incomplete build: {}", entry.display());
        remove(entry)?;
    }
    let tmp = temporary(entry);
    std::fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    // A failed build stays where it is, for its log, until the next run cleans it up.
    let note = build(&tmp).map_err(|e| {
        format!(
            "{e}\n  (the unfinished build stays in {} until the next run)",
            tmp.display()
        )
    })?;
    let marker = tmp.join(MARKER);
    std::fs::write(&marker, note).map_err(|e| format!("{}: {e}", marker.display()))?;
    std::fs::rename(&tmp, entry)
        .map_err(|e| format!("rename {} to {}: {e}", tmp.display(), entry.display()))?;
    Ok(Status::Built)
}

/// Where this process builds `entry`.
fn temporary(entry: &Path) -> PathBuf {
    let mut name = entry.as_os_str().to_owned();
    name.push(format!(".tmp-{}", std::process::id()));
    PathBuf::from(name)
}

/// Removes the temporary folders of `entry` that earlier runs left behind (killed, or failed).
/// Only called under the entry's lock: then no one is building in them.
fn remove_temporaries(entry: &Path) -> Result<()> {
    let (Some(parent), Some(name)) = (entry.parent(), entry.file_name()) else {
        return Ok(());
    };
    let prefix = format!("{}.tmp-", name.to_string_lossy());
    let listing = std::fs::read_dir(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    for item in listing {
        let item = item.map_err(|e| e.to_string())?;
        if item.file_name().to_string_lossy().starts_with(&prefix) {
            println!(
                "  removing a leftover temporary build: {}",
                item.path().display()
            );
            remove(&item.path())?;
        }
    }
    Ok(())
}

fn remove(dir: &Path) -> Result<()> {
    std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    /// A fresh, empty folder for one test.
    pub fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A fake build: writes a few files, sleeps, and checks that no one touched them meanwhile.
    fn fake_build(dir: &Path, builds: &AtomicUsize) -> Result<String> {
        builds.fetch_add(1, Ordering::SeqCst);
        std::fs::create_dir_all(dir.join("linux")).unwrap();
        std::fs::write(dir.join("linux/bzImage"), b"kernel").unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert!(dir.join("linux/bzImage").exists(), "the build was deleted");
        Ok("built\n".into())
    }

    fn has_image(entry: &Path) -> bool {
        entry.join("linux/bzImage").exists()
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn two_callers_build_once() {
        let dir = scratch("twice");
        let entry = dir.join("kernel-1");
        let builds = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(2));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (entry, builds, start) = (entry.clone(), builds.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    ensure(&entry, has_image, |d| fake_build(d, &builds)).unwrap()
                })
            })
            .collect();
        let mut statuses: Vec<Status> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        statuses.sort_by_key(|s| *s == Status::Built);
        assert_eq!(statuses, [Status::Reused, Status::Built]);
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        assert_eq!(names(&dir), ["kernel-1", "kernel-1.lock"]);
        assert_eq!(names(&entry), ["complete", "linux"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_complete_entry_is_reused() {
        let dir = scratch("reuse");
        let entry = dir.join("kernel-1");
        std::fs::create_dir_all(entry.join("linux")).unwrap();
        std::fs::write(entry.join("linux/bzImage"), b"kernel").unwrap();
        std::fs::write(entry.join(MARKER), b"built\n").unwrap();
        let status = ensure(&entry, has_image, |_| panic!("rebuilt")).unwrap();
        assert_eq!(status, Status::Reused);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_incomplete_entry_is_rebuilt() {
        let dir = scratch("incomplete");
        let entry = dir.join("kernel-1");
        std::fs::create_dir_all(entry.join("linux")).unwrap();
        std::fs::write(entry.join("linux/half-extracted.c"), b"").unwrap();
        let builds = AtomicUsize::new(0);
        let status = ensure(&entry, has_image, |d| fake_build(d, &builds)).unwrap();
        assert_eq!(status, Status::Built);
        assert!(!entry.join("linux/half-extracted.c").exists());
        assert!(entry.join(MARKER).exists() && has_image(&entry));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_marker_without_the_image_is_rebuilt() {
        let dir = scratch("no-image");
        let entry = dir.join("kernel-1");
        std::fs::create_dir_all(&entry).unwrap();
        std::fs::write(entry.join(MARKER), b"built\n").unwrap();
        let builds = AtomicUsize::new(0);
        let status = ensure(&entry, has_image, |d| fake_build(d, &builds)).unwrap();
        assert_eq!(status, Status::Built);
        assert!(has_image(&entry));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn leftover_temporaries_are_removed() {
        let dir = scratch("leftover");
        let entry = dir.join("kernel-1");
        let other = dir.join("kernel-1-kasan.tmp-1");
        for d in [
            dir.join("kernel-1.tmp-1"),
            dir.join("kernel-1.tmp-2"),
            other.clone(),
        ] {
            std::fs::create_dir_all(d.join("linux")).unwrap();
            std::fs::write(d.join("linux/Makefile"), b"").unwrap();
        }
        let builds = AtomicUsize::new(0);
        ensure(&entry, has_image, |d| fake_build(d, &builds)).unwrap();
        // Another entry's temporary folder is that entry's business.
        assert_eq!(
            names(&dir),
            ["kernel-1", "kernel-1-kasan.tmp-1", "kernel-1.lock"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_build_leaves_no_entry_and_is_cleaned_up_next_time() {
        let dir = scratch("failed");
        let entry = dir.join("kernel-1");
        let err = ensure(&entry, has_image, |d| {
            std::fs::write(d.join("build.log"), b"error: boom\n").unwrap();
            Err("make failed".into())
        })
        .unwrap_err();
        assert!(err.starts_with("make failed"), "{err}");
        assert!(!entry.exists());
        assert!(temporary(&entry).join("build.log").exists());
        let builds = AtomicUsize::new(0);
        ensure(&entry, has_image, |d| fake_build(d, &builds)).unwrap();
        assert_eq!(names(&dir), ["kernel-1", "kernel-1.lock"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_waiting_caller_does_not_touch_a_build_in_progress() {
        let dir = scratch("in-progress");
        let entry = dir.join("kernel-1");
        // Someone else's build: their lock is held and their temporary folder is being written.
        let theirs = dir.join("kernel-1.tmp-999999");
        std::fs::create_dir_all(&theirs).unwrap();
        let lock = FileLock::acquire(&flock::lock_path(&entry)).unwrap();
        let waiter = {
            let entry = entry.clone();
            std::thread::spawn(move || ensure(&entry, has_image, |_| panic!("rebuilt")))
        };
        std::thread::sleep(Duration::from_millis(300));
        assert!(theirs.exists(), "a build in progress was removed");
        // They finish: rename into place, then release the lock.
        std::fs::create_dir_all(theirs.join("linux")).unwrap();
        std::fs::write(theirs.join("linux/bzImage"), b"kernel").unwrap();
        std::fs::write(theirs.join(MARKER), b"built\n").unwrap();
        std::fs::rename(&theirs, &entry).unwrap();
        drop(lock);
        assert_eq!(waiter.join().unwrap().unwrap(), Status::Reused);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
