//! `.gazette-cache/`: what one build keeps so that the next one redoes only what changed.
//!
//! - **Parsed seeds** (`seeds-*.bin`): each seed's [`ParsedSeed`], keyed by its path and the
//!   blake3 of its bytes, valid only for the parser that wrote it ([`parser_key`]), in the
//!   compact binary form of [`crate::seed::binary`] (a tenth of the load time of JSON).
//! - **Output manifest** (`manifest.json`): every file of the last successful build in the
//!   output folder, with its size, modification time, blake3 and the render fingerprint of the
//!   page. When the output folder still matches it, unchanged pages are taken from the folder
//!   instead of being rendered again, and only files whose bytes changed are written.
//!
//! The folder is safe to delete at any time (the next build is a full one) and is ignored by
//! git. Any doubt (unreadable file, other gazette version, other output folder, an output file
//! edited by hand) means a full build: the cache can make a build faster, never different.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::output::{OutputFile, Sink, Written};
use crate::seed::{binary, ParseOptions, ParsedSeed};

/// Name of the cache folder under the project root.
pub const DIR: &str = ".gazette-cache";

/// Number of files the parsed seeds are spread over, so that loading is parallel.
const SEED_SHARDS: usize = 8;

/// Start of every seed shard: what the file is and the version of its layout. Change it when
/// the layout of a shard or of [`crate::seed::binary`] changes, so that old shards are ignored.
const SHARD_MAGIC: &[u8] = b"gazette seed cache 1\n";

/// Identifies the parser and its settings: the source of `src/seed/` and of the text helpers it
/// uses, the dependency lock file (language detection and decoding crates), the crate version,
/// and the parse options from `config.toml`. A cached parse is reused only under the same key.
pub fn parser_key(opts: &ParseOptions) -> String {
    let mut h = blake3::Hasher::new();
    for part in [
        env!("CARGO_PKG_VERSION"),
        include_str!("seed/mod.rs"),
        include_str!("seed/parse.rs"),
        include_str!("seed/clean.rs"),
        include_str!("seed/dates.rs"),
        include_str!("seed/decode.rs"),
        include_str!("text.rs"),
        include_str!("../Cargo.lock"),
        &opts.default_language,
    ] {
        h.update(part.as_bytes()).update(&[0]);
    }
    for p in &opts.boilerplate {
        h.update(p.as_bytes()).update(&[1]);
    }
    h.finalize().to_hex().to_string()
}

/// Parsed seeds of earlier builds.
#[derive(Debug, Default, Clone)]
pub struct SeedCache {
    /// [`parser_key`] of the parser that produced the entries.
    pub key: String,
    /// Seed path → (blake3 of its bytes, what the parser made of them).
    pub entries: HashMap<PathBuf, ([u8; 32], ParsedSeed)>,
    /// Whether entries were added or removed since loading (so saving can be skipped).
    pub dirty: bool,
    /// Digest of each shard file as loaded, so that saving rewrites only the shards that
    /// changed (adding one seed rewrites one eighth of the cache, not all of it).
    loaded: Vec<[u8; 32]>,
}

fn shard_file(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("seeds-{i}.bin"))
}

fn shard_of(path: &Path) -> usize {
    blake3::hash(path.as_os_str().as_encoded_bytes()).as_bytes()[0] as usize % SEED_SHARDS
}

/// Digest of a shard's content: its key and every (path, seed hash), in path order.
fn shard_digest<'a>(
    key: &str,
    entries: impl Iterator<Item = (&'a PathBuf, &'a ([u8; 32], ParsedSeed))>,
) -> [u8; 32] {
    let mut items: Vec<(&PathBuf, &[u8; 32])> = entries.map(|(p, (h, _))| (p, h)).collect();
    items.sort();
    let mut d = blake3::Hasher::new();
    d.update(key.as_bytes()).update(&[0]);
    for (p, h) in items {
        d.update(p.as_os_str().as_encoded_bytes())
            .update(&[0])
            .update(h);
    }
    *d.finalize().as_bytes()
}

impl SeedCache {
    /// The cached parse of `path` if its bytes still hash to `hash` under parser `key`.
    pub fn get(&self, key: &str, path: &Path, hash: &[u8; 32]) -> Option<&ParsedSeed> {
        if self.key != key {
            return None;
        }
        self.entries
            .get(path)
            .filter(|(h, _)| h == hash)
            .map(|(_, s)| s)
    }

    /// Replaces the entries with this build's parses (dropping removed seeds).
    pub fn replace(&mut self, key: &str, entries: HashMap<PathBuf, ([u8; 32], ParsedSeed)>) {
        let same = self.key == key
            && self.entries.len() == entries.len()
            && entries
                .iter()
                .all(|(p, (h, _))| self.entries.get(p).is_some_and(|(old, _)| old == h));
        if !same {
            self.dirty = true;
        }
        self.key = key.to_string();
        self.entries = entries;
    }

    /// Reads the cache of a project; an absent or unreadable cache is an empty one.
    pub fn load(dir: &Path) -> SeedCache {
        let shards: Vec<Option<Shard>> = (0..SEED_SHARDS)
            .into_par_iter()
            .map(|i| {
                let bytes = std::fs::read(shard_file(dir, i)).ok()?;
                let shard = decode_shard(&bytes)?;
                let digest = shard_digest(&shard.key, shard.entries.iter().map(|(p, e)| (p, e)));
                Some((shard, digest))
            })
            .collect();
        let Some(shards) = shards.into_iter().collect::<Option<Vec<Shard>>>() else {
            return SeedCache::default();
        };
        if shards.iter().any(|(s, _)| s.key != shards[0].0.key) {
            return SeedCache::default();
        }
        let mut out = SeedCache {
            key: shards
                .first()
                .map(|(s, _)| s.key.clone())
                .unwrap_or_default(),
            ..SeedCache::default()
        };
        out.entries
            .reserve(shards.iter().map(|(s, _)| s.entries.len()).sum());
        for (shard, digest) in shards {
            out.loaded.push(digest);
            out.entries.extend(shard.entries);
        }
        out
    }

    /// Writes the cache (each shard replaced by a rename, so a crash leaves old or new).
    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut shards: Vec<SeedCache> = (0..SEED_SHARDS)
            .map(|_| SeedCache {
                key: self.key.clone(),
                ..SeedCache::default()
            })
            .collect();
        for (path, entry) in &self.entries {
            shards[shard_of(path)]
                .entries
                .insert(path.clone(), entry.clone());
        }
        shards.par_iter().enumerate().try_for_each(|(i, shard)| {
            if self.loaded.get(i) == Some(&shard_digest(&shard.key, shard.entries.iter())) {
                return Ok(());
            }
            // The JSON shards of earlier versions are dead weight once a binary one is written.
            let _ = std::fs::remove_file(dir.join(format!("seeds-{i}.json")));
            write_replace(&shard_file(dir, i), &shard.encode_shard()).map(drop)
        })
    }

    /// The bytes of a shard file: [`SHARD_MAGIC`], the key, the entry count, then each entry's
    /// path, seed hash and parse.
    fn encode_shard(&self) -> Vec<u8> {
        let mut out = SHARD_MAGIC.to_vec();
        binary::write(&mut out, &self.key);
        binary::write(&mut out, &self.entries.len());
        for (path, (hash, seed)) in &self.entries {
            binary::write(&mut out, path);
            binary::write(&mut out, hash);
            binary::write(&mut out, seed);
        }
        out
    }
}

/// A shard file read back, with its [`shard_digest`].
type Shard = (DecodedShard, [u8; 32]);

/// The content of a shard file, its entries in file order (they go into one map in the end, so
/// a map per shard would hash every path twice).
#[derive(Debug)]
struct DecodedShard {
    key: String,
    entries: Vec<(PathBuf, ([u8; 32], ParsedSeed))>,
}

/// A shard read back, or `None` if it is not one of this version, complete and intact.
fn decode_shard(bytes: &[u8]) -> Option<DecodedShard> {
    let mut r = binary::Reader::new(bytes.strip_prefix(SHARD_MAGIC)?);
    let key: String = r.read()?;
    let count: usize = r.read()?;
    let mut entries = Vec::with_capacity(count.min(bytes.len()));
    for _ in 0..count {
        entries.push((r.read()?, (r.read()?, r.read()?)));
    }
    r.is_empty().then_some(DecodedShard { key, entries })
}

#[cfg(test)]
mod seed_cache_tests {
    use super::*;

    #[test]
    fn shards_round_trip_and_reject_other_formats() {
        let dir = tempfile::tempdir().unwrap();
        let opts = ParseOptions {
            default_language: "fr".into(),
            boilerplate: Vec::new(),
        };
        let path = PathBuf::from("seeds/001_0123456789abcdef.txt");
        let seed = crate::seed::parse_seed(
            &path,
            "Un titre\n\nLe texte de l’article.".as_bytes(),
            &opts,
        )
        .unwrap();
        let mut cache = SeedCache::default();
        let entries = HashMap::from([(path.clone(), ([7; 32], seed))]);
        cache.replace("k", entries);
        cache.save(dir.path()).unwrap();
        let loaded = SeedCache::load(dir.path());
        assert!(loaded.get("k", &path, &[7; 32]).is_some());
        assert!(!loaded.dirty);

        // A shard of another format (or damaged) makes the whole cache empty.
        std::fs::write(shard_file(dir.path(), 3), b"{\"key\":\"k\",\"entries\":{}}").unwrap();
        assert!(SeedCache::load(dir.path()).entries.is_empty());
        let mut bytes = cache.encode_shard();
        bytes.pop();
        assert!(decode_shard(&bytes).is_none());
    }
}

/// One file of the output folder as the last build left it.
pub use crate::output::WrittenFile as Entry;

/// The output folder of the last successful build.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Absolute output folder the manifest describes.
    pub output: PathBuf,
    /// Output path → entry.
    pub files: BTreeMap<String, Entry>,
}

fn stat(path: &Path) -> Option<(u64, u128)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), crate::output::mtime_nanos(&m)))
}

pub use crate::output::absolute;

impl Manifest {
    /// Reads the manifest of a project, if there is a readable one.
    pub fn load(dir: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(dir.join("manifest.json")).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Writes the manifest.
    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let bytes = serde_json::to_vec(self).context("cannot encode the manifest")?;
        write_replace(&dir.join("manifest.json"), &bytes).map(drop)
    }

    /// Whether `output` holds exactly the files of the manifest, unmodified (by size and
    /// modification time): only then may unchanged files be left in place.
    pub fn matches(&self, output: &Path) -> bool {
        if absolute(output) != self.output {
            return false;
        }
        let mut count = 0;
        for entry in walkdir::WalkDir::new(output).min_depth(1) {
            let Ok(entry) = entry else { return false };
            if entry.file_type().is_dir() {
                continue;
            }
            count += 1;
            let Ok(rel) = entry.path().strip_prefix(output) else {
                return false;
            };
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let Some(e) = self.files.get(&rel) else {
                return false;
            };
            if stat(entry.path()) != Some((e.len, e.mtime)) {
                return false;
            }
        }
        count == self.files.len()
    }
}

/// Writes `bytes` to `path` through a temporary sibling and a rename; returns the file's size
/// and modification time (a rename keeps both).
fn write_replace(path: &Path, bytes: &[u8]) -> Result<(u64, u128)> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let stat = crate::output::write_file(&tmp, bytes)?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(stat)
}

/// A changed file, held until the build has succeeded.
struct Pending {
    file: OutputFile,
    hash: [u8; 32],
    fingerprint: Option<u64>,
}

/// Updates in place an output folder that still matches the manifest of the last build: a page
/// whose fingerprint did not change is not rendered, a file whose bytes did not change is not
/// written, and changed files are held in memory until [`Update::commit`], so a failed build
/// leaves the folder as it was.
pub struct Update<'a> {
    output: &'a Path,
    old: &'a Manifest,
    claims: crate::output::Claims,
    kept: Mutex<Vec<(String, Entry)>>,
    pending: Mutex<Vec<Pending>>,
}

impl<'a> Update<'a> {
    /// An update of `output`, which [`Manifest::matches`] vouched for.
    pub fn new(output: &'a Path, old: &'a Manifest) -> Update<'a> {
        Update {
            output,
            old,
            claims: crate::output::Claims::default(),
            kept: Mutex::new(Vec::new()),
            pending: Mutex::new(Vec::new()),
        }
    }

    /// Writes the changed files, deletes those gone from the site, and returns the new
    /// manifest with what the folder now holds.
    pub fn commit(self) -> Result<(Manifest, Written)> {
        let mut files: BTreeMap<String, Entry> = self
            .kept
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect();
        let pending = self.pending.into_inner().unwrap_or_else(|e| e.into_inner());
        let output = self.output;
        let written: Vec<(String, Entry)> = pending
            .into_par_iter()
            .map(|p| {
                let path = output.join(&p.file.path);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create {}", parent.display()))?;
                }
                let (len, mtime) = write_replace(&path, &p.file.bytes)?;
                let entry = Entry {
                    len,
                    mtime,
                    hash: p.hash,
                    fingerprint: p.fingerprint,
                };
                Ok((p.file.path, entry))
            })
            .collect::<Result<_>>()?;
        files.extend(written);
        for gone in self.old.files.keys().filter(|p| !files.contains_key(*p)) {
            let path = output.join(gone);
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot delete {}", path.display()))?;
            // Remove folders the deletion left empty (never the output folder itself).
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != output) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        let mut total = Written::default();
        for (path, e) in &files {
            total.add(path, e.len);
        }
        let manifest = Manifest {
            output: absolute(output),
            files,
        };
        Ok((manifest, total))
    }
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
            .filter(|e| e.fingerprint == Some(fingerprint))
        else {
            return false;
        };
        if self.claims.claim(path).is_err() {
            return false;
        }
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), old.clone()));
        true
    }

    fn put(&self, file: OutputFile, fingerprint: Option<u64>) -> Result<()> {
        self.claims.claim(&file.path)?;
        let hash = *blake3::hash(&file.bytes).as_bytes();
        match self.old.files.get(&file.path).filter(|e| e.hash == hash) {
            Some(old) => {
                let entry = Entry {
                    fingerprint,
                    ..old.clone()
                };
                self.kept
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((file.path, entry));
            }
            None => self
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Pending {
                    file,
                    hash,
                    fingerprint,
                }),
        }
        Ok(())
    }
}
