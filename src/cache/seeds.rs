//! Parsed seeds of earlier builds (`seeds-*.bin`), spread over shards loaded in parallel.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::{hash_parts, seal, unseal, write_replace, TRUST_AFTER_NANOS};
use crate::seed::{binary, ParseOptions, ParsedSeed};

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
mod tests {
    use super::*;
    use crate::cache::now_nanos;

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
