//! The record of the last successful build (`last-build.bin`), so that a rebuild with nothing
//! changed ends after checking the stats.

use std::path::Path;

use anyhow::Result;

use super::{now_nanos, seal, unseal, write_replace, FileStat, TRUST_AFTER_NANOS};
use crate::diagnostics::{Diagnostic, Severity};
use crate::seed::binary;

/// Name of the file describing the last successful build: its inputs and its report.
const LAST_BUILD_FILE: &str = "last-build.bin";

/// Start of that file: what it is and the version of its layout.
const LAST_BUILD_MAGIC: &[u8] = b"gazette last build 2\n";

/// The inputs of a build as their stats describe them, for a rebuild with nothing changed to
/// end at once: the options, the gazette binary, `config.toml`, and every file under `seeds/`,
/// `content/` and `themes/`, by path, size and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputStamp {
    /// Digest of all of it.
    pub digest: [u8; 32],
    /// Whether every input was modified well before the stamp was taken (see
    /// [`TRUST_AFTER_NANOS`]): only then does an equal stamp later prove the inputs unchanged.
    pub settled: bool,
}

/// Stamps the inputs of the project at `root`, built with `options` (a description of every
/// option that changes the output).
pub fn input_stamp(root: &Path, options: &str) -> InputStamp {
    let taken_at = now_nanos();
    let mut h = blake3::Hasher::new();
    h.update(crate::digest::SOURCE.as_bytes()).update(&[0]);
    h.update(options.as_bytes()).update(&[0]);
    let stat_of = |h: &mut blake3::Hasher, path: &Path| -> Option<FileStat> {
        h.update(path.as_os_str().as_encoded_bytes()).update(&[0]);
        let Ok(meta) = std::fs::metadata(path) else {
            h.update(b"absent");
            return None;
        };
        let stat = FileStat::of(&meta);
        h.update(&stat.len.to_le_bytes())
            .update(&stat.mtime.to_le_bytes());
        Some(stat)
    };
    // The program itself, as an identity: it does not change while it runs.
    if let Ok(exe) = std::env::current_exe() {
        stat_of(&mut h, &exe);
    }
    let mut newest = 0u64;
    let mut add = |h: &mut blake3::Hasher, path: &Path| {
        if let Some(stat) = stat_of(h, path) {
            newest = newest.max(stat.mtime);
        }
    };
    add(&mut h, &root.join("config.toml"));
    for (dir, depth) in [
        ("seeds", 1),
        ("content", usize::MAX),
        ("themes", usize::MAX),
    ] {
        let dir = root.join(dir);
        for entry in walkdir::WalkDir::new(&dir)
            .min_depth(1)
            .max_depth(depth)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_dir() => {
                    h.update(e.path().as_os_str().as_encoded_bytes())
                        .update(b"/\0");
                }
                Ok(e) => add(&mut h, e.path()),
                Err(e) => {
                    h.update(e.to_string().as_bytes());
                }
            }
        }
    }
    InputStamp {
        digest: *h.finalize().as_bytes(),
        settled: newest.saturating_add(TRUST_AFTER_NANOS) < taken_at,
    }
}

/// The last successful build: the stamp of its inputs and what it reported, so that a rebuild
/// with the same inputs and an untouched output folder reports the same without doing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastBuild {
    /// [`InputStamp::digest`] of its inputs (a settled stamp).
    pub stamp: [u8; 32],
    /// Articles, tags, sources, pages, files, bytes.
    pub counts: [u64; 6],
    /// Its notes, warnings and errors.
    pub diagnostics: Vec<Diagnostic>,
    /// [`crate::site::lock::digest`] of the `urls.lock` it left. Not part of the stamp, since
    /// the build itself writes the file: compared by content after it.
    pub url_lock: [u8; 32],
}

impl LastBuild {
    /// Reads the record of the last build, if there is one of this version.
    pub fn load(dir: &Path) -> Option<LastBuild> {
        let path = dir.join(LAST_BUILD_FILE);
        let bytes = std::fs::read(&path).ok()?;
        let body = unseal(
            &path,
            &bytes,
            LAST_BUILD_MAGIC,
            &[b"gazette last build 1\n"],
        )?;
        let mut r = binary::Reader::new(body);
        let stamp = r.read()?;
        let mut counts = [0u64; 6];
        for c in &mut counts {
            *c = r.read()?;
        }
        let n: usize = r.read()?;
        let mut diagnostics = Vec::with_capacity(n.min(bytes.len()));
        for _ in 0..n {
            let severity = match r.read::<u32>()? {
                0 => Severity::Warning,
                1 => Severity::Error,
                2 => Severity::Note,
                _ => return None,
            };
            let message = r.read()?;
            diagnostics.push(Diagnostic { severity, message });
        }
        let url_lock = r.read()?;
        r.is_empty().then_some(LastBuild {
            stamp,
            counts,
            diagnostics,
            url_lock,
        })
    }

    /// Writes the record (by a rename).
    pub fn save(&self, dir: &Path) -> Result<()> {
        let mut out = LAST_BUILD_MAGIC.to_vec();
        binary::write(&mut out, &self.stamp);
        for c in &self.counts {
            binary::write(&mut out, c);
        }
        binary::write(&mut out, &self.diagnostics.len());
        for d in &self.diagnostics {
            let severity: u32 = match d.severity {
                Severity::Warning => 0,
                Severity::Error => 1,
                Severity::Note => 2,
            };
            binary::write(&mut out, &severity);
            binary::write(&mut out, &d.message);
        }
        binary::write(&mut out, &self.url_lock);
        write_replace(&dir.join(LAST_BUILD_FILE), &seal(out)).map(drop)
    }

    /// Forgets the last build, so that the next one goes through the whole pipeline.
    pub fn remove(dir: &Path) {
        let _ = std::fs::remove_file(dir.join(LAST_BUILD_FILE));
    }
}
