//! The output sink of a cached build: it stages the new site in the spare tree the last build
//! left, and keeps every file whose page or bytes did not change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Result;

use super::{Entry, Manifest, TRASH_DIR};
use crate::output::{OutputFile, Sink, Written};

/// Folder of the cache folder holding the site the last cached build replaced (`site/`) and
/// its manifest: the next build's staging tree (see [`Spare`]).
const SPARE_DIR: &str = "spare";

/// The site a cached build replaced, kept with its manifest so that the next build stages its
/// new site in it: publishing a change then costs the files that changed since two builds
/// ago, instead of linking every file into a new folder and removing the old one, which on a
/// disk takes seconds at ten thousand articles.
struct Spare {
    site: PathBuf,
    manifest: Manifest,
}

impl Spare {
    /// Takes the spare site out of the cache folder `cache` when it still holds exactly what its
    /// manifest says; the manifest is forgotten first, since the site is about to change. A
    /// spare that does not match is left for the background sweep.
    ///
    /// Its files that the published site's manifest `live` (already checked) describes alike
    /// (size, time and hash) are links to the same files, and are not looked at again.
    fn take(cache: &Path, live: &Manifest) -> Option<Spare> {
        let dir = cache.join(SPARE_DIR);
        let site = dir.join("site");
        std::fs::symlink_metadata(&site).ok()?;
        let same = |rel: &str, e: &Entry| {
            live.files
                .get(rel)
                .is_some_and(|l| (l.len, l.mtime, l.hash) == (e.len, e.mtime, e.hash))
        };
        let manifest = Manifest::load(&dir).filter(|m| m.tree_matches(&site, same));
        Manifest::remove(&dir);
        if manifest.is_none() {
            let trash = crate::output::trash_place(&cache.join(TRASH_DIR));
            std::fs::create_dir_all(cache.join(TRASH_DIR)).ok();
            if std::fs::rename(&site, trash).is_err() {
                std::fs::remove_dir_all(&site).ok();
            }
        }
        Some(Spare {
            site,
            manifest: manifest?,
        })
    }

    /// Whether this spare's file at `path` is the file `entry` describes.
    fn holds(&self, path: &str, entry: &Entry) -> bool {
        self.manifest
            .files
            .get(path)
            .is_some_and(|e| (e.len, e.mtime, e.hash) == (entry.len, entry.mtime, entry.hash))
    }
}

/// Updates an output folder that still matches the manifest of the last build. The new site
/// is staged beside it as the build goes: a page whose fingerprint did not change is not
/// rendered, and it and every file whose bytes did not change are hard-linked from the current
/// output (while later stages still compute); changed files are written. [`Update::commit`]
/// swaps the staged tree in whole, so a failed or stopped build leaves the folder as it was.
pub struct Update<'a> {
    output: &'a Path,
    old: &'a Manifest,
    staging: crate::output::Staging,
    /// The site staged into, when the last build left a spare one.
    spare: Option<Spare>,
    /// The cache folder, where the replaced site is kept as the next spare.
    cache: Option<PathBuf>,
    kept: Mutex<Vec<(String, Entry)>>,
    /// The first file that could be neither linked nor copied: the build fails on it.
    failed: Mutex<Option<anyhow::Error>>,
}

impl<'a> Update<'a> {
    /// An update of `output`, which [`Manifest::matches`] vouched for. With the cache folder
    /// `cache`, the new site is staged in the spare site the last build left there, and the
    /// site it replaces becomes the next spare.
    pub fn new(output: &'a Path, old: &'a Manifest, cache: Option<&Path>) -> Result<Update<'a>> {
        let spare = cache.and_then(|c| Spare::take(c, old));
        let staging = match &spare {
            Some(s) => crate::output::Staging::recycle(
                output,
                &s.site,
                s.manifest.files.keys().cloned().collect(),
            )?,
            None => crate::output::Staging::new(output, true)?,
        };
        let spare_site = cache.map(|c| c.join(SPARE_DIR).join("site"));
        Ok(Update {
            output,
            old,
            staging: staging.retire_to(spare_site),
            spare,
            cache: cache.map(Path::to_path_buf),
            kept: Mutex::new(Vec::new()),
            failed: Mutex::new(None),
        })
    }

    /// Swaps the staged output in whole and returns the new manifest with what the folder
    /// holds: whatever stops the build, the output is the old site or the new one. The site it
    /// replaced is kept, with the manifest it matched, as the next build's spare.
    pub fn commit(self) -> Result<(Manifest, Written)> {
        if let Some(e) = self.failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        let mut files: BTreeMap<String, Entry> = self
            .kept
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect();
        let (written, records) = self.staging.commit()?;
        files.extend(records);
        if let Some(cache) = &self.cache {
            let spare = cache.join(SPARE_DIR);
            if std::fs::symlink_metadata(spare.join("site")).is_ok() {
                self.old.save(&spare)?;
            }
        }
        Ok((Manifest::of(self.output, files), written))
    }

    /// Stages `path` as the current output's file of that name, unchanged, recorded as `entry`:
    /// the spare's own file when it is that one, else a link to the current output's.
    fn keep(&self, path: String, entry: Entry) {
        if self.spare.as_ref().is_some_and(|s| s.holds(&path, &entry))
            && self.staging.keep_present(&path, entry.len)
        {
            self.kept
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((path, entry));
            return;
        }
        let from = self.output.join(&path);
        match self
            .staging
            .link(&path, &from, Some((entry.len, entry.mtime)))
        {
            Ok((len, mtime)) => self.kept.lock().unwrap_or_else(|e| e.into_inner()).push((
                path,
                Entry {
                    len,
                    mtime,
                    ..entry
                },
            )),
            Err(e) => {
                let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
                failed.get_or_insert(e);
            }
        }
    }
}

/// A fault for the equivalence tests only: with `GAZETTE_FAULT_STALE_REUSE` set, a cached build
/// reuses every page the last one wrote, whatever its view, so that `tests/equivalence.rs` can
/// show its property would catch a layer that reuses stale pages.
fn stale_reuse_fault() -> bool {
    static FAULT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FAULT.get_or_init(|| std::env::var_os("GAZETTE_FAULT_STALE_REUSE").is_some())
}

impl Sink for Update<'_> {
    fn tracks_fingerprints(&self) -> bool {
        true
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> bool {
        let Some(old) = self
            .old
            .files
            .get(path)
            .filter(|e| e.fingerprint == Some(fingerprint) || stale_reuse_fault())
        else {
            return false;
        };
        if self.staging.claim(path).is_err() {
            return false;
        }
        self.keep(path.to_string(), old.clone());
        true
    }

    fn put(&self, file: OutputFile, fingerprint: Option<u64>) -> Result<()> {
        let hash = *blake3::hash(&file.bytes).as_bytes();
        match self.old.files.get(&file.path).filter(|e| e.hash == hash) {
            Some(old) => {
                self.staging.claim(&file.path)?;
                let entry = Entry {
                    fingerprint,
                    ..old.clone()
                };
                self.keep(file.path, entry);
                Ok(())
            }
            None => self.staging.put_hashed(file, fingerprint, Some(hash)),
        }
    }
}
