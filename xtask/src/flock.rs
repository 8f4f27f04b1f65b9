//! Exclusive `flock(2)` locks on lock files, so that two `cargo xtask` runs never work on the same
//! files at once (one run once deleted a kernel tree that another run was still building).
//!
//! Lock order, to rule out deadlocks: the `target/xtask` lock first, then one kernel cache entry's
//! lock. Nothing takes them the other way round, and no one holds two cache entries' locks.
//!
//! Lock files are never deleted: a process that opened the old file before it was removed would
//! lock an inode that the next process no longer sees, and both would go ahead.

use crate::Result;
use std::fs::{File, TryLockError};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// An exclusive lock on a lock file, released when dropped (and when every child process that
/// inherited it has exited).
pub struct FileLock {
    _file: File,
}

/// The lock file that guards `path`: a sibling named `<path>.lock`.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl FileLock {
    /// Locks `path` (creating the file), waiting for whoever holds it; says so once if it has
    /// to wait.
    pub fn acquire(path: &Path) -> Result<FileLock> {
        let err = |e: std::io::Error| format!("lock {}: {e}", path.display());
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                println!("waiting for the lock on {}", path.display());
                file.lock().map_err(err)?;
            }
            Err(TryLockError::Error(e)) => return Err(err(e)),
        }
        inherit_across_exec(&file).map_err(err)?;
        Ok(FileLock { _file: file })
    }

    /// Locks `path` if no one else holds it.
    #[cfg(test)]
    pub fn try_acquire(path: &Path) -> Result<Option<FileLock>> {
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| format!("lock {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FileLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(format!("lock {}: {e}", path.display())),
        }
    }
}

/// Clears close-on-exec, so the commands run under the lock (`make` and its children) hold it
/// too: if xtask is killed and its `make` runs on, the next run waits for that `make` instead of
/// deleting the folder it is still writing into.
fn inherit_across_exec(file: &File) -> std::io::Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: F_GETFD/F_SETFD on a descriptor this `File` owns only read and set its flags.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_path_is_a_sibling() {
        assert_eq!(
            lock_path(Path::new("/c/kernel-6.12-00ff")),
            Path::new("/c/kernel-6.12-00ff.lock")
        );
    }

    #[test]
    fn a_held_lock_excludes_others_until_dropped() {
        let dir = crate::cache_entry::tests::scratch("flock");
        let path = dir.join("x.lock");
        let held = FileLock::acquire(&path).unwrap();
        assert!(FileLock::try_acquire(&path).unwrap().is_none());
        drop(held);
        assert!(FileLock::try_acquire(&path).unwrap().is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Another process (util-linux `flock(1)`, i.e. `flock(2)` too) holds the lock: we wait.
    #[test]
    fn waits_for_another_process() {
        let dir = crate::cache_entry::tests::scratch("flock-process");
        let path = dir.join("x.lock");
        let ready = dir.join("ready");
        let mut holder = std::process::Command::new("flock")
            .arg(&path)
            .args(["sh", "-c", "touch \"$0\"; sleep 0.5"])
            .arg(&ready)
            .spawn()
            .unwrap();
        while !ready.exists() {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(FileLock::try_acquire(&path).unwrap().is_none());
        let start = std::time::Instant::now();
        let _lock = FileLock::acquire(&path).unwrap();
        assert!(start.elapsed() >= std::time::Duration::from_millis(200));
        assert!(holder.wait().unwrap().success());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
