//! Stage 6: write the built files into the output folder, all or nothing.
//!
//! A full build writes into a fresh folder beside the output and swaps it in with renames only
//! once every file is written, so a failed build leaves the previous `dist/` untouched. Nothing
//! outside the output folder and its temporary sibling is ever written or deleted.
//!
//! Files arrive through a [`Sink`] as soon as they are rendered: [`Staging`] writes them to
//! disk at once (a full build never holds the whole site in memory), [`Collect`] keeps them in
//! memory for `check` and `serve`, and the cache's incremental writer keeps only what changed.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// A file of the built site: path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// `articles/x/index.html`, always with `/` separators.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Refuses output folders whose replacement would destroy the site's sources: the project
/// root itself, one of its ancestors, or a folder inside `seeds/`, `content/` or `themes/`.
pub fn check_output_location(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root);
    let output = absolute(output);
    if root.starts_with(&output) {
        bail!(
            "refusing to write the site into {}: it contains the project itself",
            output.display()
        );
    }
    for source in ["seeds", "content", "themes", "src"] {
        if output.starts_with(root.join(source)) {
            bail!(
                "refusing to write the site into {}: it is inside the project's {source}/ folder",
                output.display()
            );
        }
    }
    Ok(())
}

/// The absolute, lexically normal form of a path (`a/./b/../c` → `/cwd/a/c`), without touching
/// the file system, so `dist` and `./dist` are one folder even before it exists.
pub fn absolute(path: &Path) -> PathBuf {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Receives the files of a build as they are produced, from several threads at once, so that a
/// build never holds the whole site in memory and writing overlaps rendering.
pub trait Sink: Sync {
    /// Whether this sink uses render fingerprints; computing one costs a hash of the page's
    /// whole template context, so plain builds skip it.
    fn tracks_fingerprints(&self) -> bool {
        false
    }

    /// Whether the page at `path`, about to be rendered from a context with `fingerprint`, is
    /// already at hand from an earlier build. When it is, the page is not rendered and the sink
    /// keeps what it had.
    fn reuse(&self, _path: &str, _fingerprint: u64) -> bool {
        false
    }

    /// Takes one finished file, with the render fingerprint of its page if it has one.
    fn put(&self, file: OutputFile, fingerprint: Option<u64>) -> Result<()>;
}

/// Checks that a path is relative and free of `..`.
fn check_path(path: &str) -> Result<()> {
    if path.is_empty()
        || path.starts_with('/')
        || path
            .split('/')
            .any(|c| c == ".." || c == "." || c.is_empty())
    {
        bail!("internal error: invalid output path {path:?}");
    }
    Ok(())
}

/// The paths a sink has taken so far: every path valid and taken once.
#[derive(Default)]
pub struct Claims(Mutex<FxHashSet<String>>);

impl Claims {
    /// Records `path`, refusing invalid paths and a second file for the same path.
    pub fn claim(&self, path: &str) -> Result<()> {
        check_path(path)?;
        let fresh = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string());
        if !fresh {
            return Err(taken_twice(path));
        }
        Ok(())
    }
}

fn taken_twice(path: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "two pages want the same output file {path:?}; check slugs of content pages and overrides"
    )
}

/// The bytes of a file kept in memory, shared rather than copied: a page that did not change
/// is one allocation in the site `gazette serve` is serving and in the one it builds next.
pub type SharedBytes = Arc<Vec<u8>>;

/// A site kept in memory: output path → bytes. Hashed with `FxHash`: a rebuild of `gazette
/// serve` looks up each of its tens of thousands of paths, and SipHash made that a visible
/// part of the rebuild.
pub type SiteFiles = FxHashMap<String, SharedBytes>;

/// The render fingerprint of each page of a build that has one, by output path.
pub type Fingerprints = FxHashMap<String, u64>;

/// Keeps every file in memory (for `gazette check`, `gazette serve` and tests). With the pages
/// of a previous build, reuses those whose fingerprint did not change.
#[derive(Default)]
pub struct Collect<'a> {
    /// Every file taken so far, by path: also what refuses a second file for a path.
    files: Mutex<FxHashMap<String, (SharedBytes, Option<u64>)>>,
    previous: Option<Previous<'a>>,
}

/// The pages of a previous build: the fingerprint of each and the files as the caller keeps
/// them (`gazette serve` passes the site it is serving, so no second copy is kept).
#[derive(Clone, Copy)]
struct Previous<'a> {
    fingerprints: &'a Fingerprints,
    files: &'a SiteFiles,
}

impl<'a> Collect<'a> {
    /// A sink that reuses the pages of a previous build: `fingerprints` (path → fingerprint)
    /// and `files` (path → bytes). A page missing from either is rendered again; a page found
    /// in both is shared with `files`, not copied.
    pub fn reusing(fingerprints: &'a Fingerprints, files: &'a SiteFiles) -> Collect<'a> {
        Collect {
            files: Mutex::new(FxHashMap::with_capacity_and_hasher(
                files.len(),
                Default::default(),
            )),
            previous: Some(Previous {
                fingerprints,
                files,
            }),
        }
    }

    /// The files sorted by path, each with its fingerprint.
    pub fn into_files(self) -> Vec<(OutputFile, Option<u64>)> {
        let mut files: Vec<_> = self
            .files
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .map(|(path, (bytes, fp))| {
                let bytes = Arc::try_unwrap(bytes).unwrap_or_else(|shared| shared.to_vec());
                (OutputFile { path, bytes }, fp)
            })
            .collect();
        files.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        files
    }

    /// The files by path, and the fingerprints of those that have one.
    pub fn into_site_files(self) -> (SiteFiles, Fingerprints) {
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut fingerprints =
            Fingerprints::with_capacity_and_hasher(files.len(), Default::default());
        let mut site = SiteFiles::with_capacity_and_hasher(files.len(), Default::default());
        for (path, (bytes, fp)) in files {
            if let Some(fp) = fp {
                fingerprints.insert(path.clone(), fp);
            }
            site.insert(path, bytes);
        }
        (site, fingerprints)
    }

    fn keep(&self, path: String, bytes: SharedBytes, fingerprint: Option<u64>) -> Result<()> {
        check_path(&path)?;
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        match files.entry(path) {
            std::collections::hash_map::Entry::Occupied(taken) => Err(taken_twice(taken.key())),
            std::collections::hash_map::Entry::Vacant(free) => {
                free.insert((bytes, fingerprint));
                Ok(())
            }
        }
    }
}

impl Sink for Collect<'_> {
    fn tracks_fingerprints(&self) -> bool {
        self.previous.is_some()
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> bool {
        let Some(bytes) = self.previous.and_then(|p| {
            (p.fingerprints.get(path) == Some(&fingerprint))
                .then(|| p.files.get(path))
                .flatten()
        }) else {
            return false;
        };
        self.keep(path.to_string(), Arc::clone(bytes), Some(fingerprint))
            .is_ok()
    }

    fn put(&self, file: OutputFile, fingerprint: Option<u64>) -> Result<()> {
        self.keep(file.path, Arc::new(file.bytes), fingerprint)
    }
}

/// What a build wrote, for its summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files in the output folder.
    pub files: usize,
    /// Of which HTML pages.
    pub pages: usize,
    /// Bytes of all files.
    pub bytes: u64,
}

impl Written {
    /// Counts one file of `len` bytes at `path`.
    pub fn add(&mut self, path: &str, len: u64) {
        self.files += 1;
        self.bytes += len;
        if path.ends_with(".html") {
            self.pages += 1;
        }
    }
}

/// A file as written to disk: what the cache's manifest records.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WrittenFile {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime: u128,
    /// blake3 of the bytes.
    pub hash: [u8; 32],
    /// Render fingerprint of the page.
    pub fingerprint: Option<u64>,
}

/// Writes `bytes` to `path`, returning the file's size and modification time.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(u64, u128)> {
    use std::io::Write as _;
    let mut f =
        fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let meta = f
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok((meta.len(), mtime_nanos(&meta)))
}

/// Modification time in nanoseconds since the epoch (0 when the platform has none).
pub fn mtime_nanos(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// A new output folder written beside the old one as files arrive, then swapped in by renames
/// once the build has succeeded, so a failed build leaves the previous `dist/` untouched.
/// Dropped without [`Staging::commit`], it removes itself.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    /// Where the previous output is moved while the new one takes its place.
    retired: PathBuf,
    claims: Claims,
    made_dirs: Mutex<HashSet<PathBuf>>,
    /// Per-file records for the cache's manifest, when asked for.
    record: Option<Mutex<Vec<(String, WrittenFile)>>>,
    written: Mutex<Written>,
    committed: bool,
}

impl Staging {
    /// Prepares a fresh staging folder for `output`. With `record`, every file's size, time
    /// and hash is kept for [`Staging::commit`] to return.
    pub fn new(output: &Path, record: bool) -> Result<Staging> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = output
            .file_name()
            .context("the output path has no folder name")?
            .to_string_lossy()
            .into_owned();
        let dir = parent.join(format!(".{name}.gazette-new-{}", std::process::id()));
        let retired = parent.join(format!(".{name}.gazette-old-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).ok();
        }
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            retired,
            claims: Claims::default(),
            made_dirs: Mutex::new(HashSet::new()),
            record: record.then(|| Mutex::new(Vec::new())),
            written: Mutex::new(Written::default()),
            committed: false,
        })
    }

    fn make_parent(&self, path: &Path) -> Result<()> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        if self
            .made_dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(parent)
        {
            return Ok(());
        }
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        self.made_dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(parent.to_path_buf());
        Ok(())
    }

    /// Swaps the new folder in place of the output. Returns what was written and, when
    /// recording, each file's record sorted by path.
    pub fn commit(mut self) -> Result<(Written, Vec<(String, WrittenFile)>)> {
        let retired = self.retired.clone();
        let output = self.output.clone();
        if output.exists() {
            fs::rename(&output, &retired)
                .with_context(|| format!("cannot move the old {} aside", output.display()))?;
        }
        if let Err(e) = fs::rename(&self.dir, &output) {
            // Put the previous site back before reporting.
            if retired.exists() {
                fs::rename(&retired, &output).ok();
            }
            return Err(e)
                .with_context(|| format!("cannot move the new site into {}", output.display()));
        }
        self.committed = true;
        if retired.exists() {
            remove_tree(&retired)
                .with_context(|| format!("cannot remove {}", retired.display()))?;
        }
        let written = *self.written.lock().unwrap_or_else(|e| e.into_inner());
        let mut records = self
            .record
            .take()
            .map(|r| r.into_inner().unwrap_or_else(|e| e.into_inner()))
            .unwrap_or_default();
        records.sort_by(|a, b| a.0.cmp(&b.0));
        Ok((written, records))
    }
}

/// Removes a folder and everything in it, two levels of sub-folders in parallel: the previous
/// site has tens of thousands of files, and deleting them one by one is a visible share of a
/// build.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    fn children(dir: &Path) -> std::io::Result<Vec<(PathBuf, bool)>> {
        fs::read_dir(dir)?
            .map(|e| {
                let e = e?;
                Ok((e.path(), e.file_type()?.is_dir()))
            })
            .collect()
    }
    let top = children(dir)?;
    let mut second = Vec::new();
    for (path, is_dir) in &top {
        if *is_dir {
            second.extend(children(path)?);
        } else {
            second.push((path.clone(), false));
        }
    }
    second.par_iter().try_for_each(|(path, is_dir)| {
        if *is_dir {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
    })?;
    for (path, is_dir) in &top {
        if *is_dir {
            fs::remove_dir(path)?;
        }
    }
    fs::remove_dir(dir)
}

impl Sink for Staging {
    fn tracks_fingerprints(&self) -> bool {
        self.record.is_some()
    }

    fn put(&self, file: OutputFile, fingerprint: Option<u64>) -> Result<()> {
        self.claims.claim(&file.path)?;
        let path = self.dir.join(&file.path);
        self.make_parent(&path)?;
        let (len, mtime) = write_file(&path, &file.bytes)?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .add(&file.path, len);
        if let Some(record) = &self.record {
            let entry = WrittenFile {
                len,
                mtime,
                hash: *blake3::hash(&file.bytes).as_bytes(),
                fingerprint,
            };
            record
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((file.path, entry));
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            fs::remove_dir_all(&self.dir).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: b"x".to_vec(),
        }
    }

    /// A collecting sink refuses a second file for a path and an invalid path, whether the file
    /// is new or reused from the previous build, and shares reused bytes instead of copying.
    #[test]
    fn collect_takes_each_path_once() {
        let sink = Collect::default();
        sink.put(file("a/index.html"), None).unwrap();
        let err = sink.put(file("a/index.html"), None).unwrap_err();
        assert!(
            err.to_string()
                .contains("two pages want the same output file"),
            "{err}"
        );
        assert!(sink.put(file("../x.html"), None).is_err());

        let fingerprints = Fingerprints::from_iter([("b.html".to_string(), 7)]);
        let bytes = Arc::new(b"kept".to_vec());
        let files = SiteFiles::from_iter([("b.html".to_string(), Arc::clone(&bytes))]);
        let sink = Collect::reusing(&fingerprints, &files);
        assert!(!sink.reuse("b.html", 8), "another fingerprint");
        assert!(sink.reuse("b.html", 7));
        assert!(!sink.reuse("b.html", 7), "taken already");
        assert!(sink.put(file("b.html"), Some(7)).is_err());
        let (site, kept) = sink.into_site_files();
        assert!(Arc::ptr_eq(&site["b.html"], &bytes));
        assert_eq!(kept, fingerprints);
    }

    /// Claims every path of `files` in one fresh set.
    fn claim_all(files: &[OutputFile]) -> Result<()> {
        let claims = Claims::default();
        files.iter().try_for_each(|f| claims.claim(&f.path))
    }

    #[test]
    fn rejects_escaping_and_duplicate_paths() {
        assert!(claim_all(&[file("../x")]).is_err());
        assert!(claim_all(&[file("/x")]).is_err());
        assert!(claim_all(&[file("a//b")]).is_err());
        assert!(claim_all(&[file("a"), file("a")]).is_err());
        assert!(claim_all(&[file("a/b.html"), file("c")]).is_ok());
    }

    #[test]
    fn refuses_outputs_that_hold_the_sources() {
        let root = Path::new("/tmp/site");
        assert!(check_output_location(root, Path::new("/tmp/site")).is_err());
        assert!(check_output_location(root, Path::new("/tmp")).is_err());
        assert!(check_output_location(root, Path::new("/tmp/site/seeds/out")).is_err());
        assert!(check_output_location(root, Path::new("/tmp/site/dist")).is_ok());
        assert!(check_output_location(root, Path::new("/tmp/site/dist/../..")).is_err());
    }

    /// Writes `files` through a [`Staging`] folder and swaps it in.
    fn write_all(output: &Path, files: &[OutputFile]) -> Result<Written> {
        let staging = Staging::new(output, false)?;
        for f in files {
            staging.put(f.clone(), None)?;
        }
        Ok(staging.commit()?.0)
    }

    #[test]
    fn swaps_in_the_new_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("dist");
        write_all(&out, &[file("a/index.html")]).unwrap();
        let written = write_all(&out, &[file("b.html")]).unwrap();
        assert_eq!(
            written,
            Written {
                files: 1,
                pages: 1,
                bytes: 1
            }
        );
        assert!(!out.join("a").exists());
        assert!(out.join("b.html").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn an_abandoned_staging_folder_leaves_the_output_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("dist");
        write_all(&out, &[file("a/index.html")]).unwrap();
        let staging = Staging::new(&out, false).unwrap();
        staging.put(file("b.html"), None).unwrap();
        drop(staging);
        assert!(out.join("a/index.html").exists());
        assert!(!out.join("b.html").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
