//! Stage 6: write the built files into the output folder, all or nothing.
//!
//! A full build writes into a fresh folder beside the output and swaps it in with renames only
//! once every file is written, so a failed build leaves the previous `dist/` untouched. Nothing
//! outside the output folder and its temporary sibling is ever written or deleted.
//!
//! Files arrive through a [`Sink`] as soon as they are rendered: [`Staging`] writes them to
//! disk at once (a full build never holds the whole site in memory), [`Collect`] keeps them in
//! memory for `check` and `serve`, and the cache's incremental writer keeps only what changed.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

mod swap;
pub mod target;

pub use swap::stop_cleanly_on_signals;
pub use target::{Ownership, Target};

/// A file of the built site: path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// `articles/x/index.html`, always with `/` separators.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
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

/// The persistent map under [`SiteFiles`]: a clone shares every node with the original.
type FileMap = imbl::GenericHashMap<
    String,
    SharedBytes,
    rustc_hash::FxBuildHasher,
    imbl::shared_ptr::DefaultSharedPtr,
>;

/// A site kept in memory: output path → bytes.
///
/// The map is persistent (a hash array mapped trie, `imbl`): a rebuild of `gazette serve`
/// starts the next site from the one being served in constant time and replaces only the
/// files that changed, while the last site is still being served. Copying or filling a plain
/// map of the tens of thousands of unchanged paths of a large archive was a visible part of
/// each rebuild.
#[derive(Debug, Clone, Default)]
pub struct SiteFiles {
    files: FileMap,
    /// Which build made it (0: none), so that a [`Kept`] index is only used with its site.
    id: u64,
}

impl SiteFiles {
    /// The bytes of the file at `path`.
    pub fn get(&self, path: &str) -> Option<&SharedBytes> {
        self.files.get(path)
    }

    /// Whether the site has a file at `path`.
    pub fn contains_key(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// How many files the site has.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the site has no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every file, by path, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SharedBytes)> {
        self.files.iter().map(|(p, b)| (p.as_str(), b))
    }
}

impl FromIterator<(String, SharedBytes)> for SiteFiles {
    fn from_iter<I: IntoIterator<Item = (String, SharedBytes)>>(files: I) -> SiteFiles {
        SiteFiles {
            files: files.into_iter().collect(),
            id: 0,
        }
    }
}

impl std::ops::Index<&str> for SiteFiles {
    type Output = SharedBytes;

    fn index(&self, path: &str) -> &SharedBytes {
        self.get(path)
            .unwrap_or_else(|| panic!("no file at {path:?}"))
    }
}

/// What a series of builds (a `gazette serve` session) remembers of the site it made last:
/// each file's fingerprint and its slot among the marks of the next build. A plain hash map
/// beside the persistent one: a rebuild looks up every path of the site, and a lookup in the
/// trie of [`SiteFiles`] costs several times more.
#[derive(Debug, Default)]
pub struct Kept {
    /// The [`SiteFiles::id`] of the site this describes.
    site: u64,
    files: FxHashMap<String, KeptFile>,
    /// One more than the highest slot given so far.
    slots: u32,
}

#[derive(Debug, Clone, Copy)]
struct KeptFile {
    /// The fingerprint of its inputs, when it has one (see [`Sink::reuse`]).
    fingerprint: Option<u64>,
    /// Which bit of [`Previous::taken`] stands for it.
    slot: u32,
}

impl Kept {
    /// Sets the fingerprint of the file at `path`, giving it a slot if it is new.
    fn set(&mut self, path: &str, fingerprint: Option<u64>) {
        match self.files.get_mut(path) {
            Some(f) => f.fingerprint = fingerprint,
            None => {
                self.files.insert(
                    path.to_string(),
                    KeptFile {
                        fingerprint,
                        slot: self.slots,
                    },
                );
                self.slots += 1;
            }
        }
    }

    /// Numbers the slots again from 0 once removed files have left more holes than files, so
    /// that the marks of a build stay about one bit per file.
    fn compact_slots(&mut self) {
        if (self.slots as usize) <= 2 * self.files.len() + 1024 {
            return;
        }
        for (slot, f) in self.files.values_mut().enumerate() {
            f.slot = slot as u32;
        }
        self.slots = self.files.len() as u32;
    }
}

/// A fresh [`SiteFiles::id`].
fn next_site_id() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    LAST.fetch_add(1, Ordering::Relaxed) + 1
}

/// Keeps every file in memory (for `gazette check`, `gazette serve` and tests). With the site
/// of a previous build, reuses the files whose fingerprint did not change.
#[derive(Default)]
pub struct Collect<'a> {
    /// The files made by this build, by path: also what refuses a second new file for a path.
    files: Mutex<FxHashMap<String, (SharedBytes, Option<u64>)>>,
    previous: Option<Previous<'a>>,
}

/// The site of the previous build, and which of its files this build took (one bit per slot):
/// a file kept as it was costs a lookup and a bit, not an entry in a new map.
struct Previous<'a> {
    site: &'a SiteFiles,
    /// What is known of `site`: nothing if it is not the site `kept` was left with.
    kept: Kept,
    taken: Vec<AtomicU64>,
}

impl Previous<'_> {
    /// Marks the previous file in `slot` as taken by this build; `false` if it was already.
    fn take(&self, slot: u32) -> bool {
        let bit = 1u64 << (slot % 64);
        self.taken[(slot / 64) as usize].fetch_or(bit, Ordering::Relaxed) & bit == 0
    }
}

/// Whether bit `slot` of `marks` is set.
fn is_marked(marks: &[AtomicU64], slot: u32) -> bool {
    marks[(slot / 64) as usize].load(Ordering::Relaxed) & (1u64 << (slot % 64)) != 0
}

impl<'a> Collect<'a> {
    /// A sink that takes the files of `site` (the last build of a session, as `kept` knows
    /// it) whose fingerprint is unchanged, instead of having them made again. When `kept`
    /// does not describe `site` (another site, or none), every file is made.
    pub fn reusing(site: &'a SiteFiles, kept: Kept) -> Collect<'a> {
        let kept = if site.id != 0 && kept.site == site.id {
            kept
        } else {
            Kept::default()
        };
        let taken = (0..(kept.slots as usize).div_ceil(64))
            .map(|_| AtomicU64::new(0))
            .collect();
        Collect {
            files: Mutex::default(),
            previous: Some(Previous { site, kept, taken }),
        }
    }

    /// Every file, sorted by path, with its fingerprint. For sinks made with
    /// [`Collect::default`]: the files a previous site gave are not included.
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

    /// The site this build made (the previous one without the files this build did not take
    /// again, with the files it made), and what the next build must know of it.
    pub fn into_site_files(self) -> (SiteFiles, Kept) {
        let made = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut files = FileMap::default();
        let mut kept = Kept::default();
        if let Some(Previous {
            site,
            kept: old,
            taken,
        }) = self.previous
        {
            if old.site == site.id && site.id != 0 {
                files = site.files.clone();
                kept = old;
                kept.files.retain(|path, f| {
                    let taken = is_marked(&taken, f.slot);
                    if !taken {
                        files.remove(path.as_str());
                    }
                    taken
                });
            }
        }
        for (path, (bytes, fingerprint)) in made {
            kept.set(&path, fingerprint);
            files.insert(path, bytes);
        }
        kept.compact_slots();
        let site = SiteFiles {
            files,
            id: next_site_id(),
        };
        kept.site = site.id;
        (site, kept)
    }

    fn keep(&self, path: String, bytes: SharedBytes, fingerprint: Option<u64>) -> Result<()> {
        check_path(&path)?;
        if let Some(previous) = &self.previous {
            if let Some(old) = previous.kept.files.get(&path) {
                if !previous.take(old.slot) {
                    return Err(taken_twice(&path));
                }
            }
        }
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
        let Some(previous) = &self.previous else {
            return false;
        };
        match previous.kept.files.get(path) {
            // Taken twice: the page is made again, and its `put` reports the clash.
            Some(old) if old.fingerprint == Some(fingerprint) => previous.take(old.slot),
            _ => false,
        }
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
    /// Where the previous site is moved once replaced (for a later build to reuse or remove,
    /// see [`Staging::retire_to`]); `None` removes it at once.
    retire_to: Option<PathBuf>,
    /// For a staging folder made from an earlier site ([`Staging::recycle`]): its files not
    /// yet staged again, removed on commit.
    present: Option<Mutex<BTreeSet<String>>>,
}

impl Staging {
    /// Prepares a fresh staging folder beside `output`, the real folder a [`target::resolve`]
    /// checked. With `record`, every file's size, time and hash is kept for
    /// [`Staging::commit`] to return.
    pub fn new(output: &Path, record: bool) -> Result<Staging> {
        Staging::start(output, record, None)
    }

    /// A staging folder beside `output`: a new empty one, or `from`, an earlier site moved
    /// into its place.
    fn start(output: &Path, record: bool, from: Option<&Path>) -> Result<Staging> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        output
            .file_name()
            .context("the output path has no folder name")?;
        let dir = target::sibling(output, "new", std::process::id());
        let retired = target::sibling(output, "old", std::process::id());
        if dir.exists() {
            fs::remove_dir_all(&dir).ok();
        }
        swap::note_staged(&dir);
        match from {
            Some(tree) => fs::rename(tree, &dir)
                .with_context(|| format!("cannot move {} into place", tree.display()))?,
            None => fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?,
        }
        fs::write(dir.join(target::MARKER), target::MARKER_TEXT)
            .with_context(|| format!("cannot write {}", dir.display()))?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            retired,
            claims: Claims::default(),
            made_dirs: Mutex::new(HashSet::new()),
            record: record.then(|| Mutex::new(Vec::new())),
            written: Mutex::new(Written::default()),
            committed: false,
            retire_to: None,
            present: None,
        })
    }

    /// A staging folder made from `tree`, an earlier site holding the files `present` (checked
    /// by the caller): a build that changes a few pages then writes those and removes the
    /// files it no longer has, instead of linking every file into a new folder and removing
    /// the old one. Files of `tree` may be hard links shared with the current output, so a
    /// staged file always replaces the name, never writes into the file.
    pub fn recycle(output: &Path, tree: &Path, present: BTreeSet<String>) -> Result<Staging> {
        let mut staging = Staging::start(output, true, Some(tree))?;
        staging.present = Some(Mutex::new(present));
        Ok(staging)
    }

    /// Takes `path` off the files of the recycled tree still to account for: whether it was
    /// one of them (and is still there).
    fn take_present(&self, path: &str) -> bool {
        self.present
            .as_ref()
            .is_some_and(|p| p.lock().unwrap_or_else(|e| e.into_inner()).remove(path))
    }

    /// Stages `path` as the recycled tree's file of that name, which the caller knows to hold
    /// the right bytes; whether the tree had it.
    pub fn keep_present(&self, path: &str, len: u64) -> bool {
        if !self.take_present(path) {
            return false;
        }
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .add(path, len);
        true
    }

    /// Makes room for a new file at `to` in a recycled tree: the name held there may be a
    /// link to a file of the published site, which must not be written through. A file no
    /// other name links to (`in_place`: one that changed in the last build, such as the home
    /// pages) is kept, to be overwritten where it is, which spares the disk two updates of its
    /// folder.
    fn replace_name(&self, path: &str, to: &Path, in_place: bool) {
        if self.present.is_none() {
            return;
        }
        let was_there = self.take_present(path);
        if !(was_there && in_place && only_name_of_its_file(to)) {
            fs::remove_file(to).ok();
        }
    }

    /// Moves the previous site to `place` on commit instead of removing it there and then:
    /// removing tens of thousands of files is most of the cost of publishing a small change on
    /// a disk. A later build reuses it ([`Staging::recycle`]) or removes it in the background
    /// ([`sweep_trash`]). Where the move is not possible (another file system), the previous
    /// site is removed at once.
    pub fn retire_to(mut self, place: Option<PathBuf>) -> Staging {
        self.retire_to = place;
        self
    }

    /// Claims `path` for a file about to be staged: each path is staged once.
    pub fn claim(&self, path: &str) -> Result<()> {
        self.claims.claim(path)
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

    /// Stages `path` as the same file as `from` (a file of the current output, unchanged):
    /// a hard link where the file system has them, else a copy. Returns the staged file's
    /// size and modification time: a link keeps both, so when the caller knows `from`'s
    /// (`known`, from a manifest it checked) the file is not looked at again.
    pub fn link(&self, path: &str, from: &Path, known: Option<(u64, u128)>) -> Result<(u64, u128)> {
        stop_if_interrupted()?;
        check_path(path)?;
        let to = self.dir.join(path);
        self.make_parent(&to)?;
        self.replace_name(path, &to, false);
        let linked = fs::hard_link(from, &to).is_ok();
        if !linked {
            fs::copy(from, &to).with_context(|| format!("cannot copy {}", from.display()))?;
        }
        let (len, mtime) = match known.filter(|_| linked) {
            Some(known) => known,
            None => {
                let meta =
                    fs::metadata(&to).with_context(|| format!("cannot read {}", to.display()))?;
                (meta.len(), mtime_nanos(&meta))
            }
        };
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .add(path, len);
        Ok((len, mtime))
    }

    /// Swaps the new folder in place of the output and removes the previous site. Returns what
    /// was written and, when recording, each file's record sorted by path.
    pub fn commit(mut self) -> Result<(Written, Vec<(String, WrittenFile)>)> {
        stop_if_interrupted()?;
        self.remove_unstaged()?;
        let old = swap::swap_in(&self.dir, &self.output, &self.retired)?;
        self.committed = true;
        let old = old.filter(|old| !self.move_to_trash(old));
        if let Some(old) = old.filter(|old| remove_tree(old).is_err()) {
            // The new site is published; the next build removes what is left of the old one.
            eprintln!(
                "warning: the previous site could not be removed from {}",
                old.display()
            );
        }
        swap::forget_staged(&self.dir);
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

impl Staging {
    /// Moves the previous site `old` to the place given to [`Staging::retire_to`]; whether it
    /// was moved.
    fn move_to_trash(&self, old: &Path) -> bool {
        let Some(place) = &self.retire_to else {
            return false;
        };
        place
            .parent()
            .is_some_and(|p| fs::create_dir_all(p).is_ok())
            && fs::rename(old, place).is_ok()
    }

    /// Removes the files of a recycled tree that this build did not stage, and the folders
    /// they leave empty.
    fn remove_unstaged(&self) -> Result<()> {
        let Some(present) = &self.present else {
            return Ok(());
        };
        let left = std::mem::take(&mut *present.lock().unwrap_or_else(|e| e.into_inner()));
        for path in left {
            let file = self.dir.join(&path);
            match fs::remove_file(&file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("cannot remove {}", file.display()))
                }
                _ => {}
            }
            let mut dir = file.parent();
            while let Some(d) = dir.filter(|d| *d != self.dir) {
                if fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        Ok(())
    }
}

/// The name under which a build puts a site to be removed by [`sweep_trash`] in `trash`.
pub fn trash_place(trash: &Path) -> PathBuf {
    trash.join(format!(
        "{}-{}",
        std::process::id(),
        crate::cache::now_nanos()
    ))
}

/// Removes, on a thread of its own, the previous sites earlier builds moved into `trash`
/// (see [`Staging::retire_to`]), except those of builds still running. [`Sweep::finish`] stops
/// it between two files when the build is done, so that a slow disk never makes a build wait
/// for it: what is left is removed by the next one.
pub fn sweep_trash(trash: &Path) -> Sweep {
    let trash = trash.to_path_buf();
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let thread = std::thread::spawn(move || {
        let Ok(entries) = fs::read_dir(&trash) else {
            return;
        };
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let pid = name.split('-').next().and_then(|p| p.parse::<u32>().ok());
                pid.is_some_and(|p| p != std::process::id() && !target::process_alive(p))
            })
            .map(|e| e.path())
            .collect();
        dirs.sort();
        // One by one on this thread, not on the shared pool: the stages running meanwhile
        // need its threads, and the removal waits on the disk, not on a processor.
        for dir in dirs {
            for entry in walkdir::WalkDir::new(&dir)
                .contents_first(true)
                .into_iter()
                .flatten()
            {
                if stopped.load(Ordering::Relaxed) {
                    return;
                }
                if entry.file_type().is_dir() {
                    fs::remove_dir(entry.path()).ok();
                } else {
                    fs::remove_file(entry.path()).ok();
                }
            }
        }
    });
    Sweep { stop, thread }
}

/// A running [`sweep_trash`].
pub struct Sweep {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Sweep {
    /// Stops the sweep after the file it is removing.
    pub fn finish(self) {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().ok();
    }
}

/// Whether `path` is a regular file that no other name links to.
#[cfg(unix)]
fn only_name_of_its_file(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.nlink() == 1)
}

#[cfg(not(unix))]
fn only_name_of_its_file(_path: &Path) -> bool {
    false
}

/// Fails once Ctrl-C or SIGTERM asked the build to stop, so no more is staged.
fn stop_if_interrupted() -> Result<()> {
    if swap::interrupted() {
        bail!("interrupted");
    }
    Ok(())
}

/// Removes a folder and everything in it, two levels of sub-folders in parallel: the previous
/// site has tens of thousands of files, and deleting them one by one is a visible share of a
/// build.
pub(crate) fn remove_tree(dir: &Path) -> std::io::Result<()> {
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
        self.put_hashed(file, fingerprint, None)
    }
}

impl Staging {
    /// [`Sink::put`] for a caller that has already hashed the file's bytes (`hash`), so that
    /// they are not hashed again for the record.
    pub fn put_hashed(
        &self,
        file: OutputFile,
        fingerprint: Option<u64>,
        hash: Option<[u8; 32]>,
    ) -> Result<()> {
        stop_if_interrupted()?;
        self.claims.claim(&file.path)?;
        let path = self.dir.join(&file.path);
        self.make_parent(&path)?;
        self.replace_name(&file.path, &path, true);
        let (len, mtime) = write_file(&path, &file.bytes)?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .add(&file.path, len);
        if let Some(record) = &self.record {
            let entry = WrittenFile {
                len,
                mtime,
                hash: hash.unwrap_or_else(|| *blake3::hash(&file.bytes).as_bytes()),
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
            swap::forget_staged(&self.dir);
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

        // A first build of a series, then a second one that keeps b.html.
        let none = SiteFiles::default();
        let sink = Collect::reusing(&none, Kept::default());
        assert!(!sink.reuse("b.html", 7), "nothing to reuse yet");
        sink.put(file("b.html"), Some(7)).unwrap();
        let (first, kept) = sink.into_site_files();
        let bytes = Arc::clone(&first["b.html"]);
        let sink = Collect::reusing(&first, kept);
        assert!(!sink.reuse("b.html", 8), "another fingerprint");
        assert!(sink.reuse("b.html", 7));
        assert!(!sink.reuse("b.html", 7), "taken already");
        assert!(sink.put(file("b.html"), Some(7)).is_err());
        let (second, kept) = sink.into_site_files();
        assert!(Arc::ptr_eq(&second["b.html"], &bytes));
        // Another site than the one `kept` describes: nothing is taken from it.
        let other = SiteFiles::from_iter([("b.html".to_string(), Arc::clone(&bytes))]);
        assert!(!Collect::reusing(&other, kept).reuse("b.html", 7));
    }

    /// A series of collecting sinks drops the files a build did not make again, and numbers
    /// its slots again once most of them are holes, without losing track of a file.
    #[test]
    fn collect_series_forgets_removed_files_and_compacts_slots() {
        let page = |n: usize| format!("p/{n}.html");
        let build = |site: &SiteFiles, kept: Kept, pages: std::ops::Range<usize>| {
            let sink = Collect::reusing(site, kept);
            let mut made = 0;
            for n in pages {
                if !sink.reuse(&page(n), n as u64) {
                    sink.put(file(&page(n)), Some(n as u64)).unwrap();
                    made += 1;
                }
            }
            let (site, kept) = sink.into_site_files();
            (site, kept, made)
        };
        let (site, kept, made) = build(&SiteFiles::default(), Kept::default(), 0..3000);
        assert_eq!((site.len(), made, kept.slots), (3000, 3000, 3000));
        let (site, kept, made) = build(&site, kept, 2990..3010);
        assert_eq!((site.len(), made), (20, 10), "ten kept, ten new");
        assert!(!site.contains_key(&page(0)));
        assert_eq!(kept.slots, 20, "numbered again: 3010 slots for 20 files");
        let (site, kept, made) = build(&site, kept, 2990..3010);
        assert_eq!((site.len(), made, kept.files.len()), (20, 0, 20));
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
