//! The analysis cache: each article's [`Analysis`] kept across builds in `.gazette-cache/`
//! (`search-0.bin` … `search-7.bin`), so that a rebuild tokenises and stems only the articles
//! that are new or changed. Analysing the text was most of the search stage.
//!
//! An entry is keyed by [`article_key`], the blake3 of exactly what the analysis reads of an
//! article; a whole shard is valid only for one [`cache_key`] (the analyzer's source, the
//! dependency lock file, the crate version and the excerpt length). Shards are spread by the
//! first byte of the entry key, loaded and saved in parallel, and only shards whose entries
//! changed are rewritten. Entries of articles that are gone are dropped. A missing, damaged or
//! foreign shard is an empty one: the cache can make the stage faster, never different, and
//! never makes it fail (a cache that cannot be written is left as it is).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::analyze::{self, Analysis};
use super::Emit;
use crate::output::OutputFile;
use crate::seed::binary::{self, Reader};
use crate::site::{Article, Site};

/// Number of shard files, so that loading and saving are parallel and adding one article
/// rewrites an eighth of the cache.
const SHARDS: usize = 8;

/// Start of every shard: what the file is and the version of its layout. Change it when the
/// layout changes, so that old shards are ignored.
const MAGIC: &[u8] = b"gazette search analysis cache 2\n";

/// Identifies the analysis: the gazette that made it ([`crate::digest::SOURCE`], its whole
/// source tree, stemmers' lock file included) and the excerpt length. A cached analysis is
/// reused only under the same key.
pub fn cache_key(excerpt_chars: usize) -> String {
    let mut h = crate::cache::hash_parts(&[crate::digest::SOURCE]);
    h.update(&(excerpt_chars as u64).to_le_bytes());
    h.finalize().to_hex().to_string()
}

/// The blake3 of what [`analyze::analyze_all`] reads of an article: language, title, tag and
/// source names, summary and body text, each length-prefixed so that no two articles share a
/// key by moving text between fields.
pub fn article_key(a: &Article) -> [u8; 32] {
    let mut h = crate::digest::Stream::default();
    let mut put = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes())
            .update(s.as_bytes());
    };
    put(&a.language);
    put(&a.title);
    let names: Vec<&str> = a
        .all_tags()
        .chain(a.source.iter())
        .map(|t| t.name.as_str())
        .collect();
    put(&names.len().to_string());
    for n in names {
        put(n);
    }
    put(&a.summary.len().to_string());
    for s in &a.summary {
        put(s);
    }
    // The body by its digest: hashing the text again would cost more than the rest.
    h.update(&a.body.digest().to_le_bytes());
    *h.finalize().as_bytes()
}

fn shard_file(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("search-{i}.bin"))
}

fn shard_of(key: &[u8; 32]) -> usize {
    key[0] as usize % SHARDS
}

/// The entries of a shard file, in file order.
type Entries = Vec<([u8; 32], Analysis)>;

/// The analyses of earlier builds, by [`article_key`].
#[derive(Debug, Default)]
pub struct AnalysisCache {
    entries: HashMap<[u8; 32], Analysis>,
    /// Per shard: whether its entries changed since loading (so it must be written).
    dirty: [bool; SHARDS],
}

impl AnalysisCache {
    /// Reads the shards of `dir` valid for `key`; missing, damaged or foreign ones are empty.
    pub fn load(dir: &Path, key: &str) -> AnalysisCache {
        let shards: Vec<Option<Entries>> = (0..SHARDS)
            .into_par_iter()
            .map(|i| {
                let path = shard_file(dir, i);
                let bytes = std::fs::read(&path).ok()?;
                decode_shard(&path, &bytes, key, i)
            })
            .collect();
        let mut out = AnalysisCache::default();
        out.entries
            .reserve(shards.iter().flatten().map(Vec::len).sum());
        for shard in shards.into_iter().flatten() {
            out.entries.extend(shard);
        }
        out
    }

    /// Number of cached analyses.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds no analysis.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Makes the cache hold exactly the analyses of `keys` (one per article): analyses the
    /// articles it does not have yet (`articles[i]` has `keys[i]`) and drops the others.
    pub fn update(&mut self, articles: &[&Article], keys: &[[u8; 32]], excerpt_chars: usize) {
        let mut wanted: HashMap<[u8; 32], usize> = HashMap::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            wanted.entry(*k).or_insert(i);
        }
        let dirty = &mut self.dirty;
        self.entries.retain(|k, _| {
            let keep = wanted.contains_key(k);
            if !keep {
                dirty[shard_of(k)] = true;
            }
            keep
        });
        let mut missing: Vec<(&[u8; 32], usize)> = wanted
            .iter()
            .filter(|(k, _)| !self.entries.contains_key(*k))
            .map(|(k, &i)| (k, i))
            .collect();
        missing.sort_unstable_by_key(|&(_, i)| i);
        let todo: Vec<&Article> = missing.iter().map(|&(_, i)| articles[i]).collect();
        let done = analyze::analyze_all(&todo, excerpt_chars);
        for ((k, _), a) in missing.into_iter().zip(done) {
            self.dirty[shard_of(k)] = true;
            self.entries.insert(*k, a);
        }
    }

    /// Makes the cache hold exactly the analyses of the articles of `site` (whose keys are
    /// `keys`), and returns them in article order.
    fn analyses_of(
        &mut self,
        site: &Site,
        keys: &[[u8; 32]],
        excerpt_chars: usize,
    ) -> Vec<&Analysis> {
        let articles: Vec<&Article> = site.articles.iter().map(|a| &**a).collect();
        self.update(&articles, keys, excerpt_chars);
        self.all(keys)
    }

    fn all(&self, keys: &[[u8; 32]]) -> Vec<&Analysis> {
        keys.iter()
            .map(|k| self.get(k).expect("update analysed every article"))
            .collect()
    }

    /// The cached analysis of an article key.
    pub fn get(&self, key: &[u8; 32]) -> Option<&Analysis> {
        self.entries.get(key)
    }

    /// Writes the shards whose entries changed (each replaced by a rename, so a crash leaves
    /// the old or the new one). Errors are ignored: the next build just analyses more.
    pub fn save(&self, dir: &Path, key: &str) {
        if !self.dirty.iter().any(|d| *d) || std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let mut shards: Vec<Vec<(&[u8; 32], &Analysis)>> = vec![Vec::new(); SHARDS];
        for (k, a) in &self.entries {
            shards[shard_of(k)].push((k, a));
        }
        shards.par_iter_mut().enumerate().for_each(|(i, shard)| {
            if self.dirty[i] {
                shard.sort_unstable_by_key(|(k, _)| **k);
                let _ = crate::cache::write_replace(&shard_file(dir, i), &encode_shard(key, shard));
            }
        });
    }
}

/// Writes the index like [`super::write_index`], byte for byte, taking the analysis of
/// unchanged articles from the cache in `cache_dir` and updating it: an incremental rebuild
/// analyses only new and changed articles.
pub fn write_index_cached(site: &Site, cache_dir: &Path, emit: Emit) -> anyhow::Result<()> {
    let excerpt_chars = site.config.search.excerpt_chars.max(2);
    let key = cache_key(excerpt_chars);
    let (mut cache, keys) = rayon::join(
        || AnalysisCache::load(cache_dir, &key),
        || article_keys(site),
    );
    let articles: Vec<&Article> = site.articles.iter().map(|a| &**a).collect();
    cache.update(&articles, &keys, excerpt_chars);
    let analyses = cache.all(&keys);
    let (written, ()) = rayon::join(
        || super::build_from(site, &analyses, &keys, emit),
        || cache.save(cache_dir, &key),
    );
    drop(analyses);
    crate::drop_in_background(cache);
    written
}

/// The files of [`write_index_cached`], sorted by path (for tests and tools).
pub fn build_index_cached(site: &Site, cache_dir: &Path) -> Vec<OutputFile> {
    super::collect_files(|emit| write_index_cached(site, cache_dir, emit))
}

/// The analyses and posting lists kept in memory between the builds of one `gazette serve`
/// session, so that a rebuild there analyses only new and changed articles, without touching
/// the disk, and updates only the posting lists they change.
#[derive(Debug, Default)]
pub struct MemoryCache {
    /// The excerpt length the analyses were made with (part of what an analysis is).
    excerpt_chars: usize,
    analyses: AnalysisCache,
    /// The posting lists of the last build.
    pub(super) postings: Option<super::LiveIndex>,
    /// The [`article_key`] of each article of the last build, by its [`Site::digests`] entry,
    /// which covers everything the key is made from.
    keys: rustc_hash::FxHashMap<u128, [u8; 32]>,
    /// The [`super::doc_fingerprint`] of each article of the last build, the same way (the
    /// excerpt length it also covers is the cache's own).
    doc_fingerprints: rustc_hash::FxHashMap<u128, u64>,
}

impl MemoryCache {
    /// Number of analyses held.
    pub fn len(&self) -> usize {
        self.analyses.len()
    }

    /// Whether no analysis is held.
    pub fn is_empty(&self) -> bool {
        self.analyses.is_empty()
    }
}

/// Writes the index like [`super::write_index`], byte for byte, taking the analysis of
/// unchanged articles from `memory` and leaving there the analyses of this site's articles.
pub fn write_index_in_memory(
    site: &Site,
    memory: &mut MemoryCache,
    emit: Emit,
) -> anyhow::Result<()> {
    let excerpt_chars = site.config.search.excerpt_chars.max(2);
    if memory.excerpt_chars != excerpt_chars {
        *memory = MemoryCache {
            excerpt_chars,
            ..MemoryCache::default()
        };
    }
    // An article that kept its digest keeps its key: made again only for the others.
    debug_assert_eq!(site.digests.len(), site.articles.len());
    let keys: Vec<[u8; 32]> = site
        .articles
        .par_iter()
        .zip(&site.digests)
        .map(|(a, d)| {
            memory
                .keys
                .get(d)
                .copied()
                .unwrap_or_else(|| article_key(a))
        })
        .collect();
    memory.keys = by_digest(site, &keys);
    let fingerprints: Vec<u64> = site
        .articles
        .par_iter()
        .zip(&site.digests)
        .zip(&keys)
        .map(|((a, d), key)| match memory.doc_fingerprints.get(d) {
            Some(&fp) => fp,
            None => super::doc_fingerprint(a, key, excerpt_chars),
        })
        .collect();
    memory.doc_fingerprints = by_digest(site, &fingerprints);
    let analyses = memory.analyses.analyses_of(site, &keys, excerpt_chars);
    super::build_live(
        site,
        &analyses,
        &keys,
        &fingerprints,
        &mut memory.postings,
        emit,
    )
}

/// `values` (one per article, in site order) by the article's [`Site::digests`] entry: what a
/// session keeps for the next build.
fn by_digest<T: Copy>(site: &Site, values: &[T]) -> rustc_hash::FxHashMap<u128, T> {
    site.digests
        .iter()
        .copied()
        .zip(values.iter().copied())
        .collect()
}

/// The files of [`write_index_in_memory`], sorted by path (for tests and tools).
pub fn build_index_in_memory(site: &Site, memory: &mut MemoryCache) -> Vec<OutputFile> {
    super::collect_files(|emit| write_index_in_memory(site, memory, emit))
}

/// The [`article_key`] of every article, in site order.
pub(crate) fn article_keys(site: &Site) -> Vec<[u8; 32]> {
    site.articles.par_iter().map(|a| article_key(a)).collect()
}

/// The bytes of a shard: [`MAGIC`], the cache key, the entry count, then per entry its key,
/// field lengths, terms, and per term one byte (which fields have a nonzero
/// frequency in bits 2–5, the hint in bits 0–1) followed by those frequencies; last, the blake3
/// of everything before it, since a damaged term would otherwise decode as another term.
fn encode_shard(key: &str, entries: &[(&[u8; 32], &Analysis)]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    binary::write(&mut out, &key.to_string());
    binary::write(&mut out, &entries.len());
    for (k, a) in entries {
        binary::write(&mut out, *k);
        for len in a.lens {
            binary::write(&mut out, &len);
        }
        binary::write(&mut out, &a.terms);
        binary::write(&mut out, &a.stats.len());
        for (tf, hint) in &a.stats {
            let mask = tf
                .iter()
                .enumerate()
                .fold(0u8, |m, (f, &n)| m | (u8::from(n > 0) << f));
            out.push((mask << 2) | hint);
            for &n in tf.iter().filter(|&&n| n > 0) {
                binary::write(&mut out, &u32::from(n));
            }
        }
    }
    crate::cache::seal(out)
}

/// A shard read back from `path`, or `None` if it is not one of this layout and key, intact
/// (a damaged one is reported, see [`crate::cache::unseal`]), complete, and with every entry
/// in shard `shard` and consistent.
fn decode_shard(path: &Path, bytes: &[u8], key: &str, shard: usize) -> Option<Entries> {
    let mut r = Reader::new(crate::cache::unseal(path, bytes, MAGIC, &[])?);
    if r.read::<String>()? != key {
        return None;
    }
    let count: usize = r.read()?;
    let mut out = Vec::with_capacity(count.min(r.remaining()));
    for _ in 0..count {
        let k: [u8; 32] = r.read()?;
        let mut lens = [0u32; 4];
        for len in &mut lens {
            *len = r.read()?;
        }
        let terms: String = r.read()?;
        let n: usize = r.read()?;
        if n > r.remaining() {
            return None;
        }
        let mut stats = Vec::with_capacity(n);
        for _ in 0..n {
            let head = r.take(1)?[0];
            if head >> 6 != 0 {
                return None;
            }
            let mut tf = [0u16; 4];
            for (f, slot) in tf.iter_mut().enumerate() {
                if (head >> 2) & (1 << f) != 0 {
                    *slot = u16::try_from(r.read::<u32>()?).ok()?;
                }
            }
            stats.push((tf, head & 3));
        }
        let a = Analysis { terms, stats, lens };
        if shard_of(&k) != shard || !a.is_consistent() {
            return None;
        }
        out.push((k, a));
    }
    r.is_empty().then_some(out)
}
