//! The manifest of the last build's output folder (`manifest.bin`): what may be left in place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::{seal, unseal, write_replace};
use crate::seed::binary;

/// One file of the output folder as the last build left it.
pub use crate::output::WrittenFile as Entry;

/// The output folder of the last successful build.
#[derive(Debug, Default, Clone)]
pub struct Manifest {
    /// Absolute output folder the manifest describes.
    pub output: PathBuf,
    /// Output path → entry.
    pub files: BTreeMap<String, Entry>,
    /// Every folder holding those files (`""` for the output folder itself) → its modification
    /// time, which changes whenever an entry is added to or removed from it: checking these
    /// finds a file added by hand without listing every folder.
    pub dirs: BTreeMap<String, u128>,
}

fn stat(path: &Path) -> Option<(u64, u128)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), crate::output::mtime_nanos(&m)))
}

pub use crate::output::absolute;

/// Name of the manifest file in the cache folder.
const MANIFEST_FILE: &str = "manifest.bin";

/// Start of the manifest file: what it is and the version of its layout.
const MANIFEST_MAGIC: &[u8] = b"gazette manifest 2\n";

impl Manifest {
    /// The manifest of `output` as it is now, holding `files`.
    pub fn of(output: &Path, files: BTreeMap<String, Entry>) -> Manifest {
        let mut dirs = std::collections::BTreeSet::new();
        dirs.insert("");
        for path in files.keys() {
            let mut rest = path.as_str();
            while let Some(i) = rest.rfind('/') {
                rest = &rest[..i];
                if !dirs.insert(rest) {
                    break;
                }
            }
        }
        let dirs: BTreeMap<String, u128> = dirs
            .into_par_iter()
            .filter_map(|d| Some((d.to_string(), stat(&output.join(d))?.1)))
            .collect();
        Manifest {
            output: absolute(output),
            files,
            dirs,
        }
    }

    /// Reads the manifest of a project, if there is a readable one of this version.
    pub fn load(dir: &Path) -> Option<Manifest> {
        let path = dir.join(MANIFEST_FILE);
        let bytes = std::fs::read(&path).ok()?;
        let body = unseal(&path, &bytes, MANIFEST_MAGIC, &[b"gazette manifest 1\n"])?;
        let mut r = binary::Reader::new(body);
        let output: PathBuf = r.read()?;
        let count: usize = r.read()?;
        let mut files = BTreeMap::new();
        for _ in 0..count {
            let path: String = r.read()?;
            let entry = Entry {
                len: r.read()?,
                mtime: r.read()?,
                hash: r.read()?,
                fingerprint: r.read()?,
            };
            files.insert(path, entry);
        }
        let count: usize = r.read()?;
        let mut dirs = BTreeMap::new();
        for _ in 0..count {
            let path: String = r.read()?;
            dirs.insert(path, r.read()?);
        }
        r.is_empty().then_some(Manifest {
            output,
            files,
            dirs,
        })
    }

    /// Writes the manifest (by a rename, so a crash leaves old or new).
    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut out = MANIFEST_MAGIC.to_vec();
        binary::write(&mut out, &self.output);
        binary::write(&mut out, &self.files.len());
        for (path, e) in &self.files {
            binary::write(&mut out, path);
            binary::write(&mut out, &e.len);
            binary::write(&mut out, &e.mtime);
            binary::write(&mut out, &e.hash);
            binary::write(&mut out, &e.fingerprint);
        }
        binary::write(&mut out, &self.dirs.len());
        for (path, mtime) in &self.dirs {
            binary::write(&mut out, path);
            binary::write(&mut out, mtime);
        }
        // The JSON manifest of earlier versions would otherwise stay behind.
        let _ = std::fs::remove_file(dir.join("manifest.json"));
        write_replace(&dir.join(MANIFEST_FILE), &seal(out)).map(drop)
    }

    /// Forgets the manifest, so that the next build is a full one.
    pub fn remove(dir: &Path) {
        let _ = std::fs::remove_file(dir.join(MANIFEST_FILE));
    }

    /// Whether `output` holds exactly the files of the manifest, unmodified (by size and
    /// modification time): only then may unchanged files be left in place.
    ///
    /// One `stat` per file and per folder, in parallel, and no folder listing: a file added or
    /// removed by hand changes the modification time of its folder.
    pub fn matches(&self, output: &Path) -> bool {
        absolute(output) == self.output && self.tree_matches(output, |_, _| false)
    }

    /// Whether the folder `dir`, wherever it now is, holds exactly the files of the manifest,
    /// unmodified (see [`Manifest::matches`]). Files `vouched` for are not looked at.
    pub(super) fn tree_matches(
        &self,
        dir: &Path,
        vouched: impl Fn(&str, &Entry) -> bool + Sync,
    ) -> bool {
        if !self.dirs.contains_key("") {
            return false;
        }
        self.files
            .par_iter()
            .filter(|(rel, e)| !vouched(rel, e))
            .all(|(rel, e)| stat(&dir.join(rel)) == Some((e.len, e.mtime)))
            && self
                .dirs
                .par_iter()
                .all(|(rel, mtime)| stat(&dir.join(rel)).map(|s| s.1) == Some(*mtime))
    }
}
