//! Where a build may write, decided before anything is written.
//!
//! A build replaces its output folder whole, so the folder must be gazette's own: resolved
//! without emptying whatever a symbolic link points to, never one holding the project's
//! sources whatever the spelling of its path, and carrying gazette's marker (or empty, or
//! explicitly `--force`d). Leftovers of builds that were killed are cleaned up here too.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use super::absolute;

/// Name of the file that marks a folder as gazette's output, written at the root of every
/// output: only a folder carrying it (or empty) is replaced without `--force`.
pub const MARKER: &str = ".gazette-output";

/// What the marker file says to whoever finds it.
pub const MARKER_TEXT: &str = "This folder is the output of gazette: each build replaces it \
whole. Keep nothing else here.\n";

/// The checked output of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The real folder a build replaces: the output path itself, or the folder a symbolic
    /// link at the output path points to (the link is left as it is).
    pub dir: PathBuf,
    /// What the checks repaired on the way (a site restored after a killed build), for the
    /// build to report.
    pub notes: Vec<String>,
}

/// How far a build may go with a folder that is not visibly its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ownership {
    /// `--force`: replace a non-empty folder without gazette's marker.
    pub force: bool,
    /// The project's cache records this folder as the output of an earlier build (sites
    /// built before the marker existed).
    pub written_before: bool,
}

/// Resolves and checks the output folder of the project at `root`; see the module doc.
pub fn resolve(root: &Path, output: &Path, ownership: Ownership) -> Result<Target> {
    let shown = output.display();
    let path = absolute(output);
    let dir = match fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let to = fs::read_link(&path).unwrap_or_default();
            let Ok(real) = fs::canonicalize(&path) else {
                bail!(
                    "the output {shown} is a symbolic link to {}, which does not exist",
                    to.display()
                );
            };
            if !real.is_dir() {
                bail!(
                    "the output {shown} is a symbolic link to {}, which is not a folder",
                    to.display()
                );
            }
            real
        }
        Ok(meta) if !meta.is_dir() => {
            bail!("the output {shown} is a file, not a folder: refusing to replace it")
        }
        _ => real_path(&path),
    };
    guard_sources(root, &dir, output)?;
    let mut notes = restore_interrupted(&dir);
    check_ownership(&dir, output, ownership)?;
    notes.extend(remove_leftovers(&dir));
    Ok(Target { dir, notes })
}

/// `path` with every symbolic link of its existing part resolved, the rest appended as it is:
/// the folder the path names, however it is spelled.
fn real_path(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = fs::canonicalize(&existing) {
            return rest.iter().rev().fold(real, |p: PathBuf, c| p.join(c));
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Refuses an output that is the project, holds it, or lies inside a folder of its sources
/// or its cache; paths are compared once every link is resolved.
fn guard_sources(root: &Path, dir: &Path, shown: &Path) -> Result<()> {
    let root = real_path(&absolute(root));
    if root.starts_with(dir) {
        bail!(
            "refusing to write the site into {}: it contains the project itself",
            shown.display()
        );
    }
    for source in [
        "seeds",
        "content",
        "themes",
        "src",
        ".git",
        crate::cache::DIR,
    ] {
        if dir.starts_with(real_path(&root.join(source))) {
            bail!(
                "refusing to write the site into {}: it is inside the project's {source}/ folder",
                shown.display()
            );
        }
    }
    Ok(())
}

/// Refuses to replace a folder that is not visibly gazette's output.
fn check_ownership(dir: &Path, shown: &Path, ownership: Ownership) -> Result<()> {
    let Ok(mut entries) = fs::read_dir(dir) else {
        return Ok(()); // Does not exist yet.
    };
    if ownership.force || ownership.written_before || dir.join(MARKER).is_file() {
        return Ok(());
    }
    if entries.next().is_none() {
        return Ok(());
    }
    let link = if shown.is_symlink() {
        format!(" (the folder {} it links to)", dir.display())
    } else {
        String::new()
    };
    bail!(
        "refusing to replace {}{link}: it holds files gazette did not write (no {MARKER} \
         marker). Choose another --output, empty it, or pass --force to replace it",
        shown.display()
    )
}

/// The name of a staging or retired folder of a build of `dir` by process `pid`.
pub fn sibling(dir: &Path, kind: &str, pid: u32) -> PathBuf {
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let parent = dir.parent().unwrap_or(Path::new("."));
    parent.join(format!(".{name}.gazette-{kind}-{pid}"))
}

/// The folders beside `dir` left by builds whose process is gone: `(path, kind)`.
fn dead_siblings(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let Some(parent) = dir.parent() else {
        return Vec::new();
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        for kind in ["new", "old"] {
            let pid = file
                .strip_prefix(&format!(".{name}.gazette-{kind}-"))
                .and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|p| p != std::process::id() && !process_alive(p)) {
                found.push((entry.path(), kind));
            }
        }
    }
    found.sort();
    found
}

/// Puts back the previous site when a build was killed between moving it aside and moving the
/// new one in (only where the platform cannot exchange two folders in one step).
fn restore_interrupted(dir: &Path) -> Vec<String> {
    if fs::symlink_metadata(dir).is_ok() {
        return Vec::new();
    }
    let retired = dead_siblings(dir)
        .into_iter()
        .find(|(_, kind)| *kind == "old");
    match retired {
        Some((old, _)) if fs::rename(&old, dir).is_ok() => vec![format!(
            "restored {} from a build that was stopped while replacing it",
            dir.display()
        )],
        _ => Vec::new(),
    }
}

/// Removes what killed builds left beside the output.
fn remove_leftovers(dir: &Path) -> Vec<String> {
    dead_siblings(dir)
        .into_iter()
        .filter_map(|(path, _)| {
            super::remove_tree(&path).ok()?;
            Some(format!(
                "removed {}, left by a stopped build",
                path.display()
            ))
        })
        .collect()
}

/// Whether a process with this id still runs (so its staging folder is not a leftover).
#[cfg(unix)]
pub(super) fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 sends nothing; it checks that the process exists.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    found || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
pub(super) fn process_alive(_pid: u32) -> bool {
    true
}
