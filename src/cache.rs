//! `.gazette-cache/`: what one build keeps so that the next one redoes only what changed.
//!
//! - **Parsed seeds** (`seeds-*.bin`): each seed's [`ParsedSeed`], keyed by its path, the
//!   blake3 of its bytes and the digest of its other inputs ([`crate::seed::SeedInputs`]: its
//!   override's extent, its furniture lines), with the keys of its lines (so the archive's
//!   furniture model is learned without reading unchanged seeds), valid only for the parser
//!   that wrote it ([`parser_key`]), in the
//!   compact binary form of [`crate::seed::binary`] (a tenth of the load time of JSON), kept
//!   encoded until a build takes it. The seed's size and modification time are recorded too:
//!   when they have not changed (and the file was not written just before it was read, see
//!   [`CachedSeed::vouches_for`]), the seed is not even read, as git and make do.
//! - **Output manifest** (`manifest.bin`): every file of the last successful build in the
//!   output folder, with its size, modification time, blake3 and the render fingerprint of the
//!   page. When the output folder still matches it, unchanged pages are taken from the folder
//!   instead of being rendered again, and only files whose bytes changed are written.
//!
//! - **Cards** (`cards.bin`): each article card as the last build rendered and minified it,
//!   keyed by the article's digest, so that the pages an added seed renumbers (every home
//!   page) are rebuilt from cards instead of rendering them all again.
//!
//! - **Search analyses** (`search-*.bin`): each article's text analysis for the search index,
//!   kept by [`crate::search::cache`].
//!
//! - **The last build** (`last-build.bin`): the stamp of its inputs ([`InputStamp`]) and its
//!   report, so that a rebuild with nothing changed ends after checking the stats.
//!
//! The folder is safe to delete at any time (the next build is a full one) and is ignored by
//! git. Any doubt (unreadable file, other gazette version, other output folder, an output file
//! edited by hand) means a full build: the cache can make a build faster, never different.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Severity};
use crate::output::{OutputFile, Sink, Written};
use crate::render::minify::Fragment;
use crate::render::CardStore;
use crate::seed::{binary, ParseOptions, ParsedSeed};

/// Name of the cache folder under the project root.
pub const DIR: &str = ".gazette-cache";

/// Folder of the cache folder where a build moves sites it replaced and will not reuse, for
/// the next build to remove in the background.
pub const TRASH_DIR: &str = "trash";

/// Folder of the cache folder holding the site the last cached build replaced (`site/`) and
/// its manifest: the next build's staging tree (see [`Spare`]).
const SPARE_DIR: &str = "spare";

/// Number of files the parsed seeds are spread over, so that loading is parallel.
const SEED_SHARDS: usize = 8;

/// Start of every seed shard: what the file is and the version of its layout. Change it when
/// the layout of a shard or of [`crate::seed::binary`] changes, so that old shards are ignored.
const SHARD_MAGIC: &[u8] = b"gazette seed cache 4\n";

/// Identifies the parser and its settings: the gazette that parses ([`crate::digest::SOURCE`],
/// its whole source tree, so no helper a parse calls can be missed) and the parse options from
/// `config.toml`. A cached parse is reused only under the same key.
pub fn parser_key(opts: &ParseOptions) -> String {
    let mut h = hash_parts(&[crate::digest::SOURCE, &opts.default_language]);
    for p in &opts.boilerplate {
        h.update(p.as_bytes()).update(&[1]);
    }
    h.finalize().to_hex().to_string()
}

/// A hasher fed each part followed by a 0 byte (so that no two lists of parts feed it the
/// same bytes): the start of every cache key, which names the sources a cached result was
/// computed by.
pub fn hash_parts(parts: &[&str]) -> blake3::Hasher {
    let mut h = blake3::Hasher::new();
    for part in parts {
        h.update(part.as_bytes()).update(&[0]);
    }
    h
}

/// Size and modification time of a seed file, as `stat` gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    /// Bytes.
    pub len: u64,
    /// Nanoseconds since the epoch.
    pub mtime: u64,
}

impl FileStat {
    /// The stat of a file's metadata.
    pub fn of(meta: &std::fs::Metadata) -> FileStat {
        FileStat {
            len: meta.len(),
            mtime: u64::try_from(crate::output::mtime_nanos(meta)).unwrap_or(u64::MAX),
        }
    }
}

/// How long before its last reading a seed must have been modified for its size and
/// modification time alone to vouch for its bytes. A file written in the same timestamp tick as
/// the reading could change again without its modification time changing (git calls these
/// entries "racy"); 3 s covers the coarsest common timestamps (2 s on FAT).
const TRUST_AFTER_NANOS: u64 = 3_000_000_000;

/// Nanoseconds since the epoch, now.
pub fn now_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Bytes of a shard shared by the entries read from it, so loading the cache copies nothing.
#[derive(Debug, Clone)]
struct Encoded {
    buf: std::sync::Arc<Vec<u8>>,
    range: std::ops::Range<usize>,
}

impl Encoded {
    fn bytes(&self) -> &[u8] {
        &self.buf[self.range.clone()]
    }
}

/// One seed as the last build read it: the blake3 of its bytes, its stat then, the keys of its
/// lines, and its parse under the inputs it had then.
#[derive(Debug, Clone)]
pub struct CachedSeed {
    /// blake3 of the seed's bytes.
    pub hash: [u8; 32],
    /// The seed's line keys ([`crate::seed::furniture::fingerprints`]), so the archive's
    /// furniture model is learned without reading unchanged seeds.
    pub lines: std::sync::Arc<[u64]>,
    /// Digest of the [`crate::seed::SeedInputs`] the parse was made with: the parse is reused
    /// only under the same inputs.
    pub inputs: u128,
    /// The file's stat when its bytes were hashed.
    pub stat: FileStat,
    /// When the bytes were hashed (nanoseconds since the epoch, taken before reading).
    pub hashed_at: u64,
    parsed: Parse,
}

/// A cached parse, in the form that costs least where it is: as loaded from the cache
/// folder, in the binary form of [`crate::seed::binary`], decoded only when a build takes it;
/// as just parsed, a copy of the parse that shares its body (encoded only if the cache is
/// saved). `gazette serve` keeps only the latter, so a rebuild decodes nothing; a build no
/// longer holds an encoded copy of every new parse beside the parses.
#[derive(Debug, Clone)]
enum Parse {
    Encoded(Encoded),
    Decoded(std::sync::Arc<ParsedSeed>),
}

impl CachedSeed {
    /// An entry for a seed just read and parsed, sharing the parse the build goes on with.
    pub fn new(
        hash: [u8; 32],
        stat: FileStat,
        hashed_at: u64,
        (lines, inputs): (std::sync::Arc<[u64]>, u128),
        seed: &std::sync::Arc<ParsedSeed>,
    ) -> CachedSeed {
        CachedSeed {
            hash,
            lines,
            inputs,
            stat,
            hashed_at,
            parsed: Parse::Decoded(std::sync::Arc::clone(seed)),
        }
    }

    /// Whether a file with this stat still holds the bytes that were hashed, without reading
    /// it: same size and modification time, and modified well before it was hashed (see
    /// [`TRUST_AFTER_NANOS`]).
    pub fn vouches_for(&self, stat: FileStat) -> bool {
        self.stat == stat && stat.mtime.saturating_add(TRUST_AFTER_NANOS) < self.hashed_at
    }

    /// The same parse, vouched for by a new reading of the file (same bytes, new stat).
    pub fn reread(&self, stat: FileStat, hashed_at: u64) -> CachedSeed {
        CachedSeed {
            stat,
            hashed_at,
            ..self.clone()
        }
    }

    /// The cached parse, or `None` if its bytes do not decode (then the seed is parsed again).
    /// A parse kept in memory is shared, not copied: an unchanged seed is the same `Arc` from
    /// one build of a session to the next, which is how assembly knows its article can stay.
    pub fn parsed(&self) -> Option<std::sync::Arc<ParsedSeed>> {
        match &self.parsed {
            Parse::Decoded(seed) => Some(std::sync::Arc::clone(seed)),
            Parse::Encoded(encoded) => {
                let mut r = binary::Reader::new(encoded.bytes());
                let seed = r.read()?;
                r.is_empty().then(|| std::sync::Arc::new(seed))
            }
        }
    }
}

/// Parsed seeds of earlier builds.
#[derive(Debug, Default, Clone)]
pub struct SeedCache {
    /// [`parser_key`] of the parser that produced the entries.
    pub key: String,
    /// Seed path → what the last build read there.
    pub entries: HashMap<PathBuf, CachedSeed>,
    /// Whether entries changed since loading (so saving can be skipped).
    pub dirty: bool,
    /// Digest of each shard file as loaded, so that saving rewrites only the shards that
    /// changed (adding one seed rewrites one eighth of the cache, not all of it).
    loaded: Vec<[u8; 32]>,
    /// What a file watcher says of the seeds (`gazette serve`); memory only.
    pub watched: Option<WatchedSeeds>,
}

/// The seed files of a session's last build and the names a file watcher saw change since:
/// with both, a rebuild neither lists `seeds/` nor looks at an unchanged seed's file.
#[derive(Debug, Default, Clone)]
pub struct WatchedSeeds {
    /// The seed files the last build listed, sorted as [`crate::seed::list_seed_files`] sorts
    /// them; `None` before the first listing, and while a build that has not listed yet runs.
    pub listing: Option<Vec<PathBuf>>,
    /// Names of the files in `seeds/` created, changed or removed since that listing; `None`
    /// when not known (the watcher lost events, or something besides seeds changed).
    pub changed: Option<std::collections::BTreeSet<std::ffi::OsString>>,
}

impl WatchedSeeds {
    /// The seed files of `dir` now and the names that changed, when both are known: the last
    /// listing, taken (not copied), with each changed name removed, then put back if it is a
    /// seed file now. Takes both either way; the caller puts back the listing it makes.
    pub fn take_listing_now(
        &mut self,
        dir: &Path,
    ) -> Option<(Vec<PathBuf>, std::collections::BTreeSet<std::ffi::OsString>)> {
        let (Some(mut files), Some(changed)) = (self.listing.take(), self.changed.take()) else {
            return None;
        };
        files.retain(|p| p.file_name().is_none_or(|n| !changed.contains(n)));
        for name in &changed {
            let path = dir.join(name);
            // As a listing finds seeds: a regular file, a link not followed.
            let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            if path.extension().is_some_and(|e| e == "txt") && regular {
                let at = files.partition_point(|p| p.file_name() < Some(name.as_os_str()));
                files.insert(at, path);
            }
        }
        Some((files, changed))
    }
}

fn shard_file(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("seeds-{i}.bin"))
}

fn shard_of(path: &Path) -> usize {
    blake3::hash(path.as_os_str().as_encoded_bytes()).as_bytes()[0] as usize % SEED_SHARDS
}

/// Digest of a shard's content: its key and every entry but the parse itself (which the key and
/// the seed hash determine), in path order.
fn shard_digest<'a>(
    key: &str,
    entries: impl Iterator<Item = (&'a PathBuf, &'a CachedSeed)>,
) -> [u8; 32] {
    let mut items: Vec<(&PathBuf, &CachedSeed)> = entries.collect();
    items.sort_by(|a, b| a.0.cmp(b.0));
    let mut d = blake3::Hasher::new();
    d.update(key.as_bytes()).update(&[0]);
    for (p, e) in items {
        d.update(p.as_os_str().as_encoded_bytes())
            .update(&[0])
            .update(&e.hash)
            .update(&e.inputs.to_le_bytes())
            .update(&e.stat.len.to_le_bytes())
            .update(&e.stat.mtime.to_le_bytes())
            .update(&e.hashed_at.to_le_bytes());
    }
    *d.finalize().as_bytes()
}

impl SeedCache {
    /// What the last build read at `path`, if it was parsed by parser `key`.
    pub fn get(&self, key: &str, path: &Path) -> Option<&CachedSeed> {
        if self.key != key {
            return None;
        }
        self.entries.get(path)
    }

    /// Updates the entries of the files in `changed` (by name) only, when the parser is the
    /// same: those of other files stand, since nothing changed them. `fresh` holds this build's
    /// entries of the files that were read; a changed name without one is dropped.
    pub fn patch(
        &mut self,
        key: &str,
        dir: &Path,
        changed: &std::collections::BTreeSet<std::ffi::OsString>,
        fresh: HashMap<PathBuf, CachedSeed>,
    ) {
        if self.key != key {
            return self.replace(key, fresh);
        }
        for name in changed {
            if self.entries.remove(&dir.join(name)).is_some() {
                self.dirty = true;
            }
        }
        if !fresh.is_empty() {
            self.dirty = true;
        }
        self.entries.extend(fresh);
    }

    /// Replaces the entries with this build's (dropping removed seeds).
    pub fn replace(&mut self, key: &str, entries: HashMap<PathBuf, CachedSeed>) {
        let same = self.key == key
            && self.entries.len() == entries.len()
            && entries.iter().all(|(p, new)| {
                self.entries.get(p).is_some_and(|old| {
                    old.hash == new.hash
                        && old.inputs == new.inputs
                        && old.stat == new.stat
                        && old.hashed_at == new.hashed_at
                })
            });
        if !same {
            self.dirty = true;
        }
        self.key = key.to_string();
        self.entries = entries;
    }

    /// Reads the cache of a project; an absent or unreadable cache is an empty one. Parses stay
    /// encoded until a build takes them.
    pub fn load(dir: &Path) -> SeedCache {
        let shards: Vec<Option<Shard>> = (0..SEED_SHARDS)
            .into_par_iter()
            .map(|i| {
                let path = shard_file(dir, i);
                let bytes = std::fs::read(&path).ok()?;
                let shard = decode_shard(&path, bytes)?;
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
        let mut shards: Vec<Vec<(&PathBuf, &CachedSeed)>> = vec![Vec::new(); SEED_SHARDS];
        for (path, entry) in &self.entries {
            shards[shard_of(path)].push((path, entry));
        }
        shards.par_iter().enumerate().try_for_each(|(i, shard)| {
            if self.loaded.get(i) == Some(&shard_digest(&self.key, shard.iter().copied())) {
                return Ok(());
            }
            // The JSON shards of earlier versions are dead weight once a binary one is written.
            let _ = std::fs::remove_file(dir.join(format!("seeds-{i}.json")));
            let bytes = seal(encode_shard(&self.key, shard));
            write_replace(&shard_file(dir, i), &bytes).map(drop)
        })
    }
}

/// The bytes of a shard file: [`SHARD_MAGIC`], the key, the entry count, then each entry's
/// path, seed hash, line keys, inputs digest, stat, time of hashing, and its parse prefixed with its length (so loading
/// can keep it encoded).
fn encode_shard(key: &str, entries: &[(&PathBuf, &CachedSeed)]) -> Vec<u8> {
    let mut out = SHARD_MAGIC.to_vec();
    binary::write(&mut out, &key.to_string());
    binary::write(&mut out, &entries.len());
    for (path, e) in entries {
        binary::write(&mut out, *path);
        binary::write(&mut out, &e.hash);
        binary::write(&mut out, &e.lines.to_vec());
        binary::write(&mut out, &e.inputs);
        binary::write(&mut out, &e.stat.len);
        binary::write(&mut out, &e.stat.mtime);
        binary::write(&mut out, &e.hashed_at);
        // A parse read from the cache is written back as it was read; a new one is encoded.
        let parsed: std::borrow::Cow<[u8]> = match &e.parsed {
            Parse::Encoded(encoded) => encoded.bytes().into(),
            Parse::Decoded(seed) => {
                let mut bytes = Vec::new();
                binary::write(&mut bytes, &**seed);
                bytes.into()
            }
        };
        binary::write(&mut out, &parsed.len());
        out.extend_from_slice(&parsed);
    }
    out
}

/// A shard file read back, with its [`shard_digest`].
type Shard = (DecodedShard, [u8; 32]);

/// The content of a shard file, its entries in file order (they go into one map in the end, so
/// a map per shard would hash every path twice).
#[derive(Debug)]
struct DecodedShard {
    key: String,
    entries: Vec<(PathBuf, CachedSeed)>,
}

/// A shard read back from `path`, or `None` if it is not one of this version, sealed and
/// complete (a damaged one is reported, see [`unseal`]). The parses are checked when decoded
/// ([`CachedSeed::parsed`]).
fn decode_shard(path: &Path, mut bytes: Vec<u8>) -> Option<DecodedShard> {
    let body = unseal(path, &bytes, SHARD_MAGIC, &[b"gazette seed cache 2\n"])?.len();
    bytes.truncate(SHARD_MAGIC.len() + body);
    let buf = std::sync::Arc::new(bytes);
    let body = buf.strip_prefix(SHARD_MAGIC)?;
    let mut r = binary::Reader::new(body);
    let key: String = r.read()?;
    let count: usize = r.read()?;
    let mut entries = Vec::with_capacity(count.min(body.len()));
    for _ in 0..count {
        let path: PathBuf = r.read()?;
        let hash = r.read()?;
        let lines: Vec<u64> = r.read()?;
        let inputs = r.read()?;
        let stat = FileStat {
            len: r.read()?,
            mtime: r.read()?,
        };
        let hashed_at = r.read()?;
        let n: usize = r.read()?;
        let start = buf.len() - r.remaining();
        r.take(n)?;
        let parsed = Parse::Encoded(Encoded {
            buf: buf.clone(),
            range: start..start + n,
        });
        entries.push((
            path,
            CachedSeed {
                hash,
                lines: lines.into(),
                inputs,
                stat,
                hashed_at,
                parsed,
            },
        ));
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
        let stat = FileStat {
            len: 40,
            mtime: 1_000_000_000_000,
        };
        let entry = CachedSeed::new(
            [7; 32],
            stat,
            now_nanos(),
            (Vec::new().into(), 0),
            &seed.clone().into(),
        );
        let mut cache = SeedCache::default();
        cache.replace("k", HashMap::from([(path.clone(), entry)]));
        assert!(cache.dirty);
        cache.save(dir.path()).unwrap();
        let loaded = SeedCache::load(dir.path());
        let back = loaded.get("k", &path).expect("cached");
        assert_eq!(back.hash, [7; 32]);
        assert_eq!(
            back.parsed().expect("decodes").title.value,
            seed.title.value
        );
        assert!(back.vouches_for(stat));
        assert!(loaded.get("other parser", &path).is_none());
        assert!(!loaded.dirty);

        // A shard of another format (or damaged) makes the whole cache empty.
        let good = std::fs::read(shard_file(dir.path(), shard_of(&path))).unwrap();
        std::fs::write(shard_file(dir.path(), 3), b"{\"key\":\"k\",\"entries\":{}}").unwrap();
        assert!(SeedCache::load(dir.path()).entries.is_empty());
        let mut bytes = good;
        bytes.pop();
        assert!(decode_shard(Path::new("x"), bytes).is_none());
    }

    /// A cache sealed by another gazette (another source tree or compiler) is not trusted,
    /// even intact; one sealed by this gazette is.
    #[test]
    fn only_this_gazettes_caches_are_trusted() {
        let path = Path::new("x.bin");
        let sealed = seal(b"gazette test 1\npayload".to_vec());
        assert_eq!(
            unseal(path, &sealed, b"gazette test 1\n", &[]),
            Some(&b"payload"[..])
        );
        let mut foreign = b"gazette test 1\npayload".to_vec();
        foreign.extend_from_slice(&[b'0'; 32]);
        let sum = blake3::hash(&foreign);
        foreign.extend_from_slice(sum.as_bytes());
        assert_ne!(crate::digest::SOURCE.as_bytes(), &[b'0'; 32][..]);
        assert_eq!(unseal(path, &foreign, b"gazette test 1\n", &[]), None);
    }

    #[test]
    fn cards_round_trip_and_a_damaged_file_is_no_cards() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = CardStore {
            context: [3; 32],
            ..CardStore::default()
        };
        store.cards.insert(
            (u128::MAX - 1, 2),
            Fragment::Minified("<article>a</article>".into()),
        );
        store
            .cards
            .insert((5, 3), Fragment::Raw("<span>b</span>".into()));
        save_cards(dir.path(), &store).unwrap();
        assert_eq!(load_cards(dir.path()), store);
        let path = dir.path().join(CARDS_FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(load_cards(dir.path()), CardStore::default());
    }

    #[test]
    fn only_old_unchanged_stats_vouch_for_a_seed() {
        let seed = crate::seed::parse_seed(
            Path::new("seeds/001_0123456789abcdef.txt"),
            b"Un titre\n\nLe texte.",
            &ParseOptions {
                default_language: "fr".into(),
                boilerplate: Vec::new(),
            },
        )
        .unwrap();
        let stat = FileStat {
            len: 20,
            mtime: 10 * TRUST_AFTER_NANOS,
        };
        let hashed_long_after = CachedSeed::new(
            [1; 32],
            stat,
            20 * TRUST_AFTER_NANOS,
            (Vec::new().into(), 0),
            &seed.clone().into(),
        );
        assert!(hashed_long_after.vouches_for(stat));
        assert!(!hashed_long_after.vouches_for(FileStat { len: 21, ..stat }));
        assert!(!hashed_long_after.vouches_for(FileStat {
            mtime: stat.mtime + 1,
            ..stat
        }));
        // Hashed right after a write: the file could change again within the same tick.
        let hashed_right_after = CachedSeed::new(
            [1; 32],
            stat,
            stat.mtime + 1_000,
            (Vec::new().into(), 0),
            &seed.clone().into(),
        );
        assert!(!hashed_right_after.vouches_for(stat));
    }
}

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

/// Name of the file holding the cards of the last build.
const CARDS_FILE: &str = "cards.bin";

/// Start of the cards file: what it is and the version of its layout.
const CARDS_MAGIC: &[u8] = b"gazette cards 2\n";

/// Reads the cards of the last build ([`CardStore`]); none if absent, unreadable or of
/// another version.
pub fn load_cards(dir: &Path) -> CardStore {
    let read = || -> Option<CardStore> {
        let path = dir.join(CARDS_FILE);
        let bytes = std::fs::read(&path).ok()?;
        let body = unseal(&path, &bytes, CARDS_MAGIC, &[b"gazette cards 1\n"])?;
        let mut r = binary::Reader::new(body);
        let context = r.read()?;
        let count: usize = r.read()?;
        let mut cards = rustc_hash::FxHashMap::with_capacity_and_hasher(
            count.min(bytes.len()),
            Default::default(),
        );
        for _ in 0..count {
            let digest: u128 = r.read()?;
            let level = u8::try_from(r.read::<u32>()?).ok()?;
            let minified: u32 = r.read()?;
            let text: String = r.read()?;
            let fragment = match minified {
                0 => Fragment::Raw(text.into()),
                1 => Fragment::Minified(text.into()),
                _ => return None,
            };
            cards.insert((digest, level), fragment);
        }
        r.is_empty().then_some(CardStore {
            context,
            cards,
            ..CardStore::default()
        })
    };
    read().unwrap_or_default()
}

/// Writes the cards of this build for the next one, in key order (same cards, same bytes).
pub fn save_cards(dir: &Path, store: &CardStore) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut keys: Vec<&(u128, u8)> = store.cards.keys().collect();
    keys.sort();
    let mut out = CARDS_MAGIC.to_vec();
    binary::write(&mut out, &store.context);
    binary::write(&mut out, &keys.len());
    for key in keys {
        let (minified, text) = match &store.cards[key] {
            Fragment::Raw(t) => (0u32, t),
            Fragment::Minified(t) => (1u32, t),
        };
        binary::write(&mut out, &key.0);
        binary::write(&mut out, &u32::from(key.1));
        binary::write(&mut out, &minified);
        binary::write(&mut out, text);
    }
    write_replace(&dir.join(CARDS_FILE), &seal(out)).map(drop)
}

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
    fn tree_matches(&self, dir: &Path, vouched: impl Fn(&str, &Entry) -> bool + Sync) -> bool {
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

/// Length of the checksum that ends every cache file.
const SEAL_LEN: usize = 32;

/// `bytes` (a cache file: its magic, then its content), the identity of this gazette
/// ([`crate::digest::SOURCE`]) and the blake3 of both: a flipped byte in a cached parse or card
/// would otherwise be published as text, build after build, and a cache written by another
/// gazette may hold what this one would not make.
pub(crate) fn seal(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.extend_from_slice(crate::digest::SOURCE.as_bytes());
    let sum = blake3::hash(&bytes);
    bytes.extend_from_slice(sum.as_bytes());
    bytes
}

/// The content after `magic` of the sealed cache file `path` read as `bytes`, or `None` when
/// it is not one this gazette wrote. A file of another gazette (another version or build) is
/// quietly ignored. A file that is neither intact nor of a known layout (one of this or
/// another gazette version, or an unsealed one of the `older` layouts) is damaged or foreign:
/// it is reported once ([`warn_damaged`]), and the caller rebuilds what it held.
pub(crate) fn unseal<'a>(
    path: &Path,
    bytes: &'a [u8],
    magic: &[u8],
    older: &[&[u8]],
) -> Option<&'a [u8]> {
    let intact = bytes
        .len()
        .checked_sub(SEAL_LEN)
        .map(|n| bytes.split_at(n))
        .filter(|(body, sum)| blake3::hash(body).as_bytes() == *sum)
        .map(|(body, _)| body);
    match intact {
        Some(body) => {
            let content = body.strip_prefix(magic);
            if content.is_none() && !body.starts_with(b"gazette ") {
                warn_damaged(path, "not a gazette cache file");
            }
            content?.strip_suffix(crate::digest::SOURCE.as_bytes())
        }
        None => {
            if !older.iter().any(|m| bytes.starts_with(m)) {
                warn_damaged(path, "its checksum does not match its content");
            }
            None
        }
    }
}

/// Says on stderr, once per file and process, that a cache file was discarded. Not a build
/// diagnostic: the site is not at fault and the output is the same, so `--strict` does not
/// fail on it, and a later up-to-date build does not repeat it.
fn warn_damaged(path: &Path, why: &str) {
    static WARNED: Mutex<std::collections::BTreeSet<PathBuf>> =
        Mutex::new(std::collections::BTreeSet::new());
    let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
    if warned.insert(path.to_path_buf()) {
        eprintln!(
            "warning: {}: damaged cache file ({why}); discarded, its content is made again",
            path.display()
        );
    }
}

/// Writes `bytes` to `path` through a temporary sibling and a rename; returns the file's size
/// and modification time (a rename keeps both).
pub(crate) fn write_replace(path: &Path, bytes: &[u8]) -> Result<(u64, u128)> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let stat = crate::output::write_file(&tmp, bytes)?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(stat)
}

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
