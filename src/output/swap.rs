//! Putting a finished staging folder in place of the output, and stopping cleanly.
//!
//! On Linux the two folders are exchanged in one `renameat2(RENAME_EXCHANGE)`, so at every
//! instant the output path holds a complete site, old or new. Elsewhere (or on a file system
//! without the exchange) the old folder is moved aside and the new one moved in: a build killed
//! between the two renames leaves no output, and the next build puts the old one back
//! ([`super::target`]). Ctrl-C and SIGTERM wait for a swap in progress, remove the staging
//! folder and exit.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use anyhow::{Context, Result};

/// Set by Ctrl-C or SIGTERM: no more files are staged.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Staging folders to remove if the build is interrupted; held while a swap is under way so an
/// interruption waits for it.
static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Whether the build was asked to stop.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Makes Ctrl-C and SIGTERM stop a build cleanly: the output is left as it was (or as the swap
/// under way leaves it: complete), the staging folder is removed, and the process exits with
/// 130. Call once, from a command that writes an output folder.
pub fn stop_cleanly_on_signals() {
    let installed = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::Relaxed);
        let staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
        for dir in staged.iter() {
            fs::remove_dir_all(dir).ok();
        }
        eprintln!("interrupted: the output folder was left as it was");
        std::process::exit(130);
    });
    if let Err(e) = installed {
        eprintln!("warning: cannot handle Ctrl-C ({e}); a stopped build leaves a staging folder");
    }
}

/// Notes a staging folder, removed by an interruption until [`forget_staged`].
pub(super) fn note_staged(dir: &Path) {
    STAGED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(dir.to_path_buf());
}

/// The staging folder is gone or published: an interruption leaves it alone.
pub(super) fn forget_staged(dir: &Path) {
    STAGED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|d| d != dir);
}

/// Puts `staged` in place of `dir`; returns the folder now holding the previous site, to be
/// removed, when there was one. `retired` is where the previous site goes when the platform
/// cannot exchange the two folders.
pub(super) fn swap_in(staged: &Path, dir: &Path, retired: &Path) -> Result<Option<PathBuf>> {
    // An interruption waits until the output is whole again.
    let _guard = STAGED.lock().unwrap_or_else(|e| e.into_inner());
    failpoint("before-swap");
    if fs::symlink_metadata(dir).is_err() {
        fs::rename(staged, dir)
            .with_context(|| format!("cannot move the new site into {}", dir.display()))?;
        failpoint("after-swap");
        return Ok(None);
    }
    if exchange(staged, dir)? {
        failpoint("after-swap");
        return Ok(Some(staged.to_path_buf()));
    }
    fs::rename(dir, retired)
        .with_context(|| format!("cannot move the old {} aside", dir.display()))?;
    failpoint("between-renames");
    if let Err(e) = fs::rename(staged, dir) {
        fs::rename(retired, dir).ok();
        return Err(e).with_context(|| format!("cannot move the new site into {}", dir.display()));
    }
    failpoint("after-swap");
    Ok(Some(retired.to_path_buf()))
}

/// Exchanges two folders in one step; `Ok(false)` where the platform or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    if std::env::var_os("GAZETTE_NO_EXCHANGE").is_some() {
        return Ok(false);
    }
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).ok();
    let (Some(ca), Some(cb)) = (c(a), c(b)) else {
        return Ok(false);
    };
    // SAFETY: both paths are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err).with_context(|| format!("cannot swap the new site into {}", b.display())),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> Result<bool> {
    Ok(false)
}

/// A fault hook for the tests that kill builds at chosen moments: when `GAZETTE_FAILPOINT`
/// names this point, the process kills itself there, as `kill -9` would.
pub(super) fn failpoint(name: &str) {
    if std::env::var("GAZETTE_FAILPOINT").is_ok_and(|v| v == name) {
        #[cfg(unix)]
        // SAFETY: sending a signal to our own process.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        std::process::abort();
    }
}
