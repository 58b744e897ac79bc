//! Stage 5: the client-side search index.
//!
//! The index is split so that a browser downloads only what a query needs, which is what keeps
//! search usable on a 10,000-article archive served by GitHub Pages:
//!
//! - `search/meta.json`: document count, languages, the list of dictionary shard keys
//!   (compactly front-coded, see [`front_code`]) and a content hash used to version every
//!   other fetch.
//! - `search/t/<key>.txt`: dictionary shards. Terms are folded, stemmed words, sorted and
//!   front-coded, grouped by their first 2 chars (3 or 4 for crowded prefixes), so a prefix or
//!   a typo lookup reads one small shard. Each line gives the term, its document frequency and
//!   the byte length of its posting list; blank lines separate posting blocks.
//! - `search/p/<key>.<block>.bin`: posting blocks (see [`encode::encode_postings`]). Each
//!   posting carries one byte: a BM25F impact quantised to 6 bits (field lengths, title and tag
//!   boosts baked in at build time, so ranking needs no per-document table) and a 2-bit hint of
//!   which excerpt segment holds the word's first occurrence.
//! - `search/d/<doc>.json`: what a result shows (route without base path, title, date, source,
//!   tags) plus the first of 3 excerpt segments; `search/d/<doc>.1.json`: the same display
//!   fields plus the other two segments. Only the visible page of results is fetched, one file
//!   per result: `.1.json` when the posting's hint puts the match beyond the first segment.
//!   Two files per article, not one per segment: file count is what makes writing and
//!   publishing a large site slow. Repeating the display fields (~300 bytes) costs index
//!   bytes but keeps a result to one fetch, and a single file per article would make every
//!   result carry all three segments.
//! - `search/f/facets.json`, `search/f/<key>/<slug>.bin`: the names of the terms of each
//!   taxonomy (tags `t`, sources `s`, authors `a`: [`crate::site::taxonomy`]) and their
//!   document lists, for filters, fetched only when a filter is used.
//!
//! - `search/o.bin`: the date rank of each document, by id (see below), fetched only to sort
//!   by date, or to put results of equal score newest first when the document files of the
//!   tied results (which carry their dates) would cost more (3 bytes a document from 65,537 on).
//!
//! Document ids follow seed order ([`Site::seed_ranks`]): seeds are named in the order they
//! arrive, so a new seed takes the next id whatever its date, and every existing
//! `d/<id>.json` keeps its name and bytes; a rebuild rewrites and republishes few files, and
//! `gazette serve` updates its posting lists in place ([`LiveIndex`]). Ids in date order would
//! have made "sort by date" free, but a back-dated seed would then have shifted the id of every
//! newer article, renaming thousands of files. Date order is kept apart in `o.bin`: rank
//! `n - 1 - p` for the article at position `p` of [`Site::articles`] (newest first, undated
//! last), so ranks run oldest first, undated articles lowest; each rank takes [`Meta::ow`]
//! bytes, little-endian. For the same reason the average field lengths of BM25F are rounded
//! to 4 significant bits ([`coarse`]) before the payloads are computed: one more article
//! rarely moves them, so it rarely changes the postings of terms it does not contain.
//!
//! Everything is built from sorted collections: the same site gives byte-identical files.
//! Building the index starts from each article's [`analyze::Analysis`], which an incremental
//! build takes from the analysis cache ([`cache`]) for unchanged articles. `gazette serve`
//! also keeps the posting lists between rebuilds ([`LiveIndex`]). Document, dictionary and
//! posting files carry a fingerprint of what they are made from, so that a sink holding them
//! from the last build keeps them instead of having them made again; `meta.json`'s content
//! hash covers those fingerprints rather than the bytes.

pub mod analyze;
pub mod cache;
mod encode;
mod postings;
pub mod tokenize;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::output::{OutputFile, Sink};
use crate::site::{Article, Site};
use analyze::Analysis;
pub use postings::LiveIndex;

pub use cache::{
    build_index_cached, build_index_in_memory, write_index_cached, write_index_in_memory,
    MemoryCache,
};
pub use encode::{decode_postings, encode_postings, file_name};

/// Version of the file formats, checked by `search.js`.
pub const FORMAT_VERSION: u32 = 4;

/// BM25 term-frequency saturation.
pub const K1: f64 = 1.2;

/// BM25F field weights: a word in the title or a tag says more about the article than a word
/// somewhere in the body.
const WEIGHTS: [f64; 4] = [5.0, 3.0, 2.0, 1.0];
/// BM25F length normalisation per field (tags are short lists: no normalisation).
const B: [f64; 4] = [0.5, 0.0, 0.5, 0.75];

/// A dictionary shard is split on the next char once its text exceeds this many bytes.
const SHARD_SPLIT_BYTES: usize = 8 * 1024;
/// Deepest shard key, in chars.
const MAX_KEY_CHARS: usize = 4;
/// Posting lists are packed into blocks of about this many bytes; a longer list gets a block
/// (a file) of its own.
const BLOCK_BYTES: usize = 4 * 1024;

/// Front-codes sorted shard keys: `co cob coc` → `0co 2b 2c`, a base-36 digit (chars shared
/// with the previous key) then the rest. A run of siblings (keys of one length that differ from
/// the previous key in the last char only) is written as their last chars after a `|`:
/// `coa cob coc` → `0coa|bc`. Crowded prefixes split into dozens of such siblings, and
/// `meta.json`, which carries this list, is fetched by every query.
fn front_code(keys: &[&str]) -> String {
    let mut out = String::new();
    let mut prev = "";
    let mut in_run = false;
    for k in keys {
        let shared = prev
            .chars()
            .zip(k.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let (k_chars, prev_chars) = (k.chars().count(), prev.chars().count());
        if !prev.is_empty() && k_chars == prev_chars && shared + 1 == k_chars {
            if !in_run {
                out.push('|');
                in_run = true;
            }
            out.extend(k.chars().last());
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            let shared = shared.min(35);
            out.push_str(&encode::base36(shared as u64));
            out.extend(k.chars().skip(shared));
            in_run = false;
        }
        prev = k;
    }
    out
}

/// `x` rounded to 4 significant bits (within about 3%): the field length averages pass
/// through it, so that adding an article rarely changes them, and with them every payload.
fn coarse(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return x;
    }
    let step = 2f64.powi(x.log2().floor() as i32 - 3);
    (x / step).round() * step
}

/// BM25F length normalisation of each field of a document (field lengths `lens`, averages
/// `avg`), computed once per document rather than once per posting.
fn norms(lens: &[u32; 4], avg: &[f64; 4]) -> [f64; 4] {
    std::array::from_fn(|f| {
        if avg[f] > 0.0 {
            1.0 - B[f] + B[f] * f64::from(lens[f]) / avg[f]
        } else {
            1.0
        }
    })
}

/// The one-byte payload of a posting: BM25F impact in the high 6 bits, hint in the low 2.
fn payload(tf: &[u16; 4], norms: &[f64; 4], hint: u8) -> u8 {
    let mut weighted = 0.0;
    for f in 0..4 {
        if tf[f] == 0 {
            continue;
        }
        weighted += WEIGHTS[f] * f64::from(tf[f]) / norms[f];
    }
    let impact = weighted * (K1 + 1.0) / (K1 + weighted);
    let q = (impact / (K1 + 1.0) * 63.0).round().clamp(1.0, 63.0) as u8;
    (q << 2) | hint
}

/// Shard key of a term at a given depth: its first `depth` chars (the whole term if shorter).
fn key_of(term: &str, depth: usize) -> &str {
    match term.char_indices().nth(depth) {
        Some((i, _)) => &term[..i],
        None => term,
    }
}

/// Groups sorted terms into shards: by 2-char prefix, splitting crowded groups on the next
/// char. Terms that end at a split node stay in the node's own shard.
fn shard_terms<'a>(
    terms: &[&'a str],
    depth: usize,
    line_bytes: &dyn Fn(&str) -> usize,
    out: &mut Vec<(String, Vec<&'a str>)>,
) {
    let mut i = 0;
    while i < terms.len() {
        let key = key_of(terms[i], depth);
        let mut j = i;
        while j < terms.len() && key_of(terms[j], depth) == key {
            j += 1;
        }
        let group = &terms[i..j];
        let size: usize = group.iter().map(|t| line_bytes(t)).sum();
        let key_chars = key.chars().count();
        if size > SHARD_SPLIT_BYTES && depth < MAX_KEY_CHARS && key_chars == depth {
            let (own, deeper): (Vec<&str>, Vec<&str>) =
                group.iter().partition(|t| t.chars().count() <= depth);
            if !own.is_empty() {
                out.push((key.to_string(), own));
            }
            shard_terms(&deeper, depth + 1, line_bytes, out);
        } else {
            out.push((key.to_string(), group.to_vec()));
        }
        i = j;
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What a result shows besides its excerpt. Both files of an article carry it, so a result
/// needs one fetch whichever segment holds the match.
#[derive(Serialize)]
struct DocCard<'a> {
    /// Route without base path.
    r: &'a str,
    /// Title.
    t: &'a str,
    /// ISO date.
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<String>,
    /// Source `[name, slug]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<[&'a str; 2]>,
    /// Tags `[[name, slug], …]`.
    g: Vec<[&'a str; 2]>,
    /// Authors `[[name, slug], …]`, left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    a: Vec<[&'a str; 2]>,
}

/// `d/<doc>.json`: the card and the first excerpt segment.
#[derive(Serialize)]
struct DocFile<'a> {
    #[serde(flatten)]
    card: &'a DocCard<'a>,
    /// First excerpt segment.
    x: &'a str,
    /// Number of further segments (in `<doc>.1.json`).
    #[serde(skip_serializing_if = "is_zero")]
    m: usize,
}

/// `d/<doc>.1.json`, for articles with more than one segment: the card and the further
/// segments, for results whose match is beyond the first segment.
#[derive(Serialize)]
struct DocRest<'a> {
    #[serde(flatten)]
    card: &'a DocCard<'a>,
    /// Excerpt segments 1, 2, ….
    y: &'a [String],
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    /// Documents.
    n: usize,
    /// Dated documents: date ranks (`o.bin`) from `n - nd` up are dated (oldest first, newest
    /// last); the ranks below are the undated documents.
    nd: usize,
    /// Bytes per rank in `o.bin`: [`rank_width`].
    ow: usize,
    k1: f64,
    /// Articles per language.
    langs: BTreeMap<&'a str, usize>,
    /// Dictionary shard keys, sorted; see [`front_code`] for the notation.
    keys: String,
    /// Results per page.
    rpp: usize,
    /// Content hash, appended to every fetch as `?v=` so a rebuilt site never mixes files.
    h: String,
    /// Copies of one story ([`crate::site::copies`]): each group's document ids, ascending;
    /// the groups by their first id. The client lists a story once, its copies under it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    c: Vec<Vec<u32>>,
}

/// Where the index files go, one by one, as soon as each is made: the build writes them at
/// once instead of holding the whole index (34 MB at 10,000 articles) in memory. A sink that
/// keeps the files of an earlier build may also take a document file from there (see
/// [`Sink::reuse`]) instead of having it made again.
pub type Emit<'a> = &'a dyn Sink;

/// Builds the search index files (under `search/`) for the site, analysing every article, and
/// hands each to `emit`. The output depends only on the site model.
pub fn write_index(site: &Site, emit: Emit) -> anyhow::Result<()> {
    let articles: Vec<&Article> = site.articles.iter().map(|a| &**a).collect();
    let (analyses, keys) = rayon::join(
        || analyze::analyze_all(&articles, site.config.search.excerpt_chars.max(2)),
        || cache::article_keys(site),
    );
    build_from(site, &analyses.iter().collect::<Vec<_>>(), &keys, emit)
}

/// The files of [`write_index`], sorted by path (for tests and tools).
pub fn build_index(site: &Site) -> Vec<OutputFile> {
    collect_files(|emit| write_index(site, emit))
}

/// Runs an index writer and returns what it emitted, sorted by path.
pub(crate) fn collect_files(write: impl FnOnce(Emit) -> anyhow::Result<()>) -> Vec<OutputFile> {
    let sink = crate::output::Collect::default();
    write(&sink).expect("collecting never fails");
    sink.into_files().into_iter().map(|(f, _)| f).collect()
}

/// The articles in document id order (seed order), as indices into [`Site::articles`].
fn in_seed_order(site: &Site) -> Vec<usize> {
    let mut positions = vec![0; site.articles.len()];
    for (position, &id) in site.seed_ranks.iter().enumerate() {
        positions[id as usize] = position;
    }
    positions
}

/// Bytes per date rank in `o.bin` for `n` documents: the fewest that hold rank `n - 1`.
fn rank_width(n: usize) -> usize {
    match n {
        0..=0x1_0000 => 2,
        0x1_0001..=0x100_0000 => 3,
        _ => 4,
    }
}

/// `o.bin`: the date rank of each document, by id (see the module docs).
fn order_file(site: &Site) -> OutputFile {
    let n = site.articles.len();
    let width = rank_width(n);
    let mut bytes = vec![0; n * width];
    for (position, &id) in site.seed_ranks.iter().enumerate() {
        let rank = (n - 1 - position) as u32;
        let at = id as usize * width;
        bytes[at..at + width].copy_from_slice(&rank.to_le_bytes()[..width]);
    }
    OutputFile {
        path: "search/o.bin".into(),
        bytes,
    }
}

/// What `meta.json`'s content hash knows of one file: the blake3 of its bytes, or, for a
/// document file, the fingerprint of what it is made from (a reused file's bytes are not at
/// hand, and hashing 20,000 of them again would cost more than making the few that changed).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum FileDigest {
    Bytes { len: u64, blake3: [u8; 32] },
    Inputs(u64),
}

/// The fingerprint of an article's document files: everything [`DocCard`] and the excerpt
/// are made from. `key` is the article's [`cache::article_key`], which covers its body.
fn doc_fingerprint(a: &Article, key: &[u8; 32], excerpt_chars: usize) -> u64 {
    let mut h = crate::digest::Stream::default();
    h.update(b"search doc\0")
        .update(&FORMAT_VERSION.to_le_bytes())
        .update(&(excerpt_chars as u64).to_le_bytes())
        .update(key);
    let mut put = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes())
            .update(s.as_bytes());
    };
    put(&a.route);
    put(&a.title);
    put(&a.date.map(|d| d.to_string()).unwrap_or_default());
    // The source, then the tags, each list preceded by its length.
    put(&a.source.iter().count().to_string());
    if let Some(t) = &a.source {
        put(&t.name);
        put(&t.slug);
    }
    put(&a.all_tags().count().to_string());
    for t in a.all_tags() {
        put(&t.name);
        put(&t.slug);
    }
    // Authors only when there are some: the fingerprint of an article without any is the
    // one it had before authors were shown.
    if !a.authors.is_empty() {
        put(&a.authors.len().to_string());
        for t in &a.authors {
            put(&t.name);
            put(&t.slug);
        }
    }
    u64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().expect("8 bytes"))
}

/// The BM25F field length averages of the documents, rounded by [`coarse`].
fn averages(docs: &[&Analysis]) -> [f64; 4] {
    let mut avg = [0.0f64; 4];
    for d in docs {
        for (sum, len) in avg.iter_mut().zip(d.lens) {
            *sum += f64::from(len);
        }
    }
    let n = docs.len().max(1) as f64;
    avg.map(|sum| coarse(sum / n))
}

/// Checks that there is one analysis and one key per article.
fn check_lengths(site: &Site, analyses: &[&Analysis], article_keys: &[[u8; 32]]) {
    assert_eq!(
        analyses.len(),
        site.articles.len(),
        "one analysis per article"
    );
    assert_eq!(
        article_keys.len(),
        site.articles.len(),
        "one key per article"
    );
}

/// Builds the index files from the analysis and the [`cache::article_key`] of each article of
/// the site, in site order, and hands each to `emit` as soon as it is made; `meta.json`, whose
/// content hash covers every other file, comes last.
fn build_from(
    site: &Site,
    analyses: &[&Analysis],
    article_keys: &[[u8; 32]],
    emit: Emit,
) -> anyhow::Result<()> {
    check_lengths(site, analyses, article_keys);
    // Documents in id order: seed order (see the module docs).
    let docs: Vec<&Analysis> = in_seed_order(site).iter().map(|&p| analyses[p]).collect();
    let numbered = postings::number_all(&docs, &averages(&docs), false);
    let out = Out::new(emit);
    let shard_keys = write_postings(&numbered.table(), &out)?;
    // The posting lists are not needed for the documents: freed before they are made.
    drop(numbered);
    let fingerprints = doc_fingerprints(site, article_keys);
    write_documents(site, &fingerprints, &shard_keys, out)
}

/// The [`doc_fingerprint`] of every article, in site order.
fn doc_fingerprints(site: &Site, article_keys: &[[u8; 32]]) -> Vec<u64> {
    let excerpt_chars = site.config.search.excerpt_chars.max(2);
    site.articles
        .par_iter()
        .zip(article_keys)
        .map(|(a, key)| doc_fingerprint(a, key, excerpt_chars))
        .collect()
}

/// [`build_from`], with the posting lists of the session's last build in `live`, updated in
/// place when few documents changed (see [`LiveIndex`]) and left there for the next build,
/// and the [`doc_fingerprint`] of each article given.
fn build_live(
    site: &Site,
    analyses: &[&Analysis],
    article_keys: &[[u8; 32]],
    doc_fingerprints: &[u64],
    live: &mut Option<LiveIndex>,
    emit: Emit,
) -> anyhow::Result<()> {
    check_lengths(site, analyses, article_keys);
    let out = Out::new(emit);
    // The posting lists (updated, sorted into shards: much of it on one core) and the
    // document files (which do not read them) are made side by side; `meta.json` needs both.
    let (shard_keys, documents) = rayon::join(
        || {
            let order = in_seed_order(site);
            let docs: Vec<&Analysis> = order.iter().map(|&p| analyses[p]).collect();
            let doc_keys: Vec<[u8; 32]> = order.iter().map(|&p| article_keys[p]).collect();
            let avg = averages(&docs);
            let updated = live
                .as_mut()
                .is_some_and(|index| index.update(&docs, &doc_keys, &avg));
            let index = match live {
                Some(index) if updated => index,
                _ => live.insert(LiveIndex::new(&docs, doc_keys, &avg)),
            };
            write_postings(&index.table(), &out)
        },
        || write_document_files(site, doc_fingerprints, &out),
    );
    let shard_keys = shard_keys?;
    documents?;
    write_meta(site, &shard_keys, out)
}

/// The fingerprint of a dictionary shard and its posting blocks: its key, and each term with
/// its posting list, by the list's digest (see [`postings::Encoded`]).
fn shard_fingerprint(key: &str, terms: &[&str], entries: &[&postings::Encoded]) -> u64 {
    let mut buf = Vec::with_capacity(16 + terms.len() * 24);
    buf.extend_from_slice(b"search shard\0");
    buf.extend_from_slice(&(BLOCK_BYTES as u64).to_le_bytes());
    buf.extend_from_slice(key.as_bytes());
    for (t, e) in terms.iter().zip(entries) {
        buf.push(0);
        buf.extend_from_slice(t.as_bytes());
        buf.push(0);
        buf.extend_from_slice(&e.df.to_le_bytes());
        buf.extend_from_slice(&e.digest.to_le_bytes());
    }
    u64::from_le_bytes(
        blake3::hash(&buf).as_bytes()[..8]
            .try_into()
            .expect("8 bytes"),
    )
}

/// How a shard's posting lists fall into blocks (files), as ranges of `entries`: a list starts
/// a new block when the current one is full, or when it is long enough to take a block of its
/// own.
fn blocks_of(entries: &[&postings::Encoded]) -> Vec<std::ops::Range<usize>> {
    let mut blocks = Vec::new();
    let (mut start, mut len) = (0, 0);
    for (i, e) in entries.iter().enumerate() {
        let list = e.bytes.len();
        if i > start && (list > BLOCK_BYTES / 2 || len + list > BLOCK_BYTES) {
            blocks.push(start..i);
            (start, len) = (i, 0);
        }
        len += list;
    }
    if start < entries.len() {
        blocks.push(start..entries.len());
    }
    blocks
}

/// Where the index files go ([`Emit`]), and what `meta.json`'s content hash needs of each
/// file written so far (see [`FileDigest`]).
struct Out<'a> {
    emit: Emit<'a>,
    digests: std::sync::Mutex<Vec<(String, FileDigest)>>,
}

impl<'a> Out<'a> {
    fn new(emit: Emit<'a>) -> Out<'a> {
        Out {
            emit,
            digests: Default::default(),
        }
    }

    /// Notes the digest of a file written (or kept) under `path`.
    fn record(&self, path: String, digest: FileDigest) {
        self.digests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, digest));
    }

    /// Notes the digests of many files at once.
    fn record_all(&self, files: impl IntoIterator<Item = (String, FileDigest)>) {
        self.digests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(files);
    }

    /// Writes a file without a fingerprint, noting the digest of its bytes.
    fn put(&self, f: OutputFile) -> anyhow::Result<()> {
        let digest = FileDigest::Bytes {
            len: f.bytes.len() as u64,
            blake3: *blake3::hash(&f.bytes).as_bytes(),
        };
        self.record(f.path.clone(), digest);
        self.emit.put(f, None)
    }
}

/// Writes the dictionary shards and posting blocks of `table`; returns the shard keys, sorted.
fn write_postings(table: &postings::TermTable, out: &Out) -> anyhow::Result<Vec<String>> {
    let terms = &table.terms;
    let mut shards = Vec::new();
    shard_terms(terms, 2, &|t: &str| t.len() + 8, &mut shards);

    // Each shard's dictionary and posting blocks, shards side by side. Shards cover the
    // sorted terms in order, so each is a range of the table.
    let mut ranges = Vec::with_capacity(shards.len());
    let mut first = 0;
    for (_, shard) in &shards {
        ranges.push(first..first + shard.len());
        first += shard.len();
    }
    debug_assert_eq!(first, terms.len());
    shards
        .par_iter()
        .zip(ranges)
        .try_for_each(|((key, shard), range)| {
            debug_assert_eq!(&terms[range.clone()], &shard[..]);
            write_shard(key, shard, &table.entries[range], out)
        })?;
    Ok(shards.into_iter().map(|(key, _)| key).collect())
}

/// Writes the dictionary of one shard (`key`, its `terms` and their posting lists `entries`)
/// and its posting blocks. All the files of a shard carry its fingerprint: a sink holding them
/// from an earlier build keeps them.
fn write_shard(
    key: &str,
    terms: &[&str],
    entries: &[&postings::Encoded],
    out: &Out,
) -> anyhow::Result<()> {
    let emit = out.emit;
    let name = file_name(key);
    let fp = shard_fingerprint(key, terms, entries);
    let blocks = blocks_of(entries);
    let dict_path = format!("search/t/{name}.txt");
    let block_path = |no: usize| format!("search/p/{name}.{no}.bin");
    let tracks = emit.tracks_fingerprints();
    let mut kept = vec![false; blocks.len() + 1];
    for (no, kept) in kept.iter_mut().enumerate() {
        let path = if no < blocks.len() {
            block_path(no)
        } else {
            dict_path.clone()
        };
        *kept = tracks && emit.reuse(&path, fp);
        out.record(path, FileDigest::Inputs(fp));
    }
    if kept.iter().all(|k| *k) {
        return Ok(());
    }
    let (dict, block_bytes) = dictionary_and_blocks(terms, entries, &blocks);
    for (no, bytes) in block_bytes.into_iter().enumerate() {
        if !kept[no] {
            let path = block_path(no);
            emit.put(OutputFile { path, bytes }, Some(fp))?;
        }
    }
    if !kept[blocks.len()] {
        let bytes = dict.into_bytes();
        emit.put(
            OutputFile {
                path: dict_path,
                bytes,
            },
            Some(fp),
        )?;
    }
    Ok(())
}

/// The text of a shard's dictionary (a line per term, front-coded, a blank line after each
/// block) and the bytes of each of its posting blocks.
fn dictionary_and_blocks(
    terms: &[&str],
    entries: &[&postings::Encoded],
    blocks: &[std::ops::Range<usize>],
) -> (String, Vec<Vec<u8>>) {
    let mut dict = String::new();
    let mut prev = "";
    let mut out = Vec::with_capacity(blocks.len());
    for range in blocks {
        let mut block: Vec<u8> = Vec::new();
        for (term, e) in terms[range.clone()].iter().zip(&entries[range.clone()]) {
            let shared = prev
                .chars()
                .zip(term.chars())
                .take_while(|(a, b)| a == b)
                .count()
                .min(35);
            let suffix: String = term.chars().skip(shared).collect();
            dict.push_str(&encode::base36(shared as u64));
            dict.push_str(&suffix);
            dict.push(' ');
            dict.push_str(&encode::base36(u64::from(e.df)));
            dict.push(' ');
            dict.push_str(&encode::base36(e.bytes.len() as u64));
            dict.push('\n');
            block.extend_from_slice(&e.bytes);
            prev = term;
        }
        dict.push('\n');
        out.push(block);
    }
    (dict, out)
}

/// Writes the document files, the filters and, last, `meta.json`, whose content hash covers
/// every file `out` has seen; `shard_keys` are the dictionary shard keys, sorted.
fn write_documents(
    site: &Site,
    doc_fingerprints: &[u64],
    shard_keys: &[String],
    out: Out,
) -> anyhow::Result<()> {
    write_document_files(site, doc_fingerprints, &out)?;
    write_meta(site, shard_keys, out)
}

/// What [`Out::record`] notes of an article's document and its second part, if any.
type DocRecords = [Option<(String, FileDigest)>; 2];

/// Writes the document files and the filters.
fn write_document_files(site: &Site, doc_fingerprints: &[u64], out: &Out) -> anyhow::Result<()> {
    let records: Vec<DocRecords> = site
        .articles
        .par_iter()
        .zip(doc_fingerprints)
        .zip(&site.seed_ranks)
        .map(|((a, &fp), &id)| write_document(site, a, fp, id, out.emit))
        .collect::<anyhow::Result<Vec<DocRecords>>>()?;
    // Noted together, not under a lock per file.
    out.record_all(records.into_iter().flatten().flatten());
    write_filters(site, out)
}

/// Writes the document of one article, `id`: its metadata and the first excerpt segment, and
/// the other segments apart. The excerpt is cut again from the body here rather than kept in
/// every analysis (see `Analysis`). Both files carry the fingerprint `fp` of their inputs: a
/// sink holding them from an earlier build with the same id keeps them, and they are not made
/// again.
fn write_document(
    site: &Site,
    a: &Article,
    fp: u64,
    id: u32,
    emit: Emit,
) -> anyhow::Result<DocRecords> {
    let doc_path = format!("search/d/{id}.json");
    let rest_path = format!("search/d/{id}.1.json");
    let doc_kept = emit.tracks_fingerprints() && emit.reuse(&doc_path, fp);
    if doc_kept && emit.reuse(&rest_path, fp) {
        return Ok([
            Some((doc_path, FileDigest::Inputs(fp))),
            Some((rest_path, FileDigest::Inputs(fp))),
        ]);
    }
    // Short articles have no second file: with the first one kept, only the excerpt tells
    // whether this one is missing.
    let body = a.body_text();
    let (segs, _, _) = analyze::excerpt(&body, site.config.search.excerpt_chars.max(2));
    let card = DocCard {
        r: &a.route,
        t: &a.title,
        d: a.date.map(|d| d.format("%Y-%m-%d").to_string()),
        s: a.source
            .as_ref()
            .map(|s| [s.name.as_str(), s.slug.as_str()]),
        g: name_slug_pairs(a.all_tags()),
        a: name_slug_pairs(a.authors.iter()),
    };
    let put = |path: &String, bytes: Vec<u8>| {
        let path = path.clone();
        emit.put(OutputFile { path, bytes }, Some(fp))
    };
    if !doc_kept {
        let doc = DocFile {
            card: &card,
            x: &segs[0],
            m: segs.len() - 1,
        };
        put(&doc_path, serde_json::to_vec(&doc).expect("serialisable"))?;
    }
    let mut rest = None;
    if segs.len() > 1 {
        let more = DocRest {
            card: &card,
            y: &segs[1..],
        };
        put(&rest_path, serde_json::to_vec(&more).expect("serialisable"))?;
        rest = Some((rest_path, FileDigest::Inputs(fp)));
    }
    Ok([Some((doc_path, FileDigest::Inputs(fp))), rest])
}

/// The name and slug of each term, as documents carry them.
fn name_slug_pairs<'a>(terms: impl Iterator<Item = &'a crate::site::TermRef>) -> Vec<[&'a str; 2]> {
    terms.map(|t| [t.name.as_str(), t.slug.as_str()]).collect()
}

/// Writes the filters: names with counts, and one document list per term of each taxonomy;
/// and the date ranks.
fn write_filters(site: &Site, out: &Out) -> anyhow::Result<()> {
    let n_docs = site.articles.len() as u32;
    let mut facets = BTreeMap::new();
    for taxonomy in &site.taxonomies {
        let (kind, list) = (taxonomy.taxonomy.filter_key, &taxonomy.terms);
        let mut entries: Vec<(&str, &str, usize)> = list
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str(), t.articles.len()))
            .collect();
        entries.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
        for t in list {
            let docs: BTreeSet<u32> = t.articles.iter().map(|&i| site.seed_ranks[i]).collect();
            let docs: Vec<u32> = docs.into_iter().collect();
            out.put(OutputFile {
                path: format!("search/f/{kind}/{}.bin", file_name(&t.slug)),
                bytes: encode_postings(&docs, None, n_docs),
            })?;
        }
        facets.insert(kind, entries);
    }
    out.put(order_file(site))?;
    out.put(OutputFile {
        path: "search/f/facets.json".into(),
        bytes: serde_json::to_vec(&facets).expect("serialisable"),
    })
}

/// The groups of copies of one story, in document ids (see [`Meta::c`]).
fn copy_groups(site: &Site) -> Vec<Vec<u32>> {
    let mut groups: Vec<Vec<u32>> = site
        .copies
        .iter()
        .enumerate()
        .filter(|(i, copies)| copies.iter().all(|c| c > i))
        .filter(|(_, copies)| !copies.is_empty())
        .map(|(i, copies)| {
            let mut ids: Vec<u32> = std::iter::once(i)
                .chain(copies.iter().copied())
                .map(|p| site.seed_ranks[p])
                .collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    groups.sort_unstable();
    groups
}

/// Writes `meta.json`, whose content hash covers every file `out` has seen; `shard_keys` are
/// the dictionary shard keys, sorted.
fn write_meta(site: &Site, shard_keys: &[String], out: Out) -> anyhow::Result<()> {
    let cfg = &site.config.search;
    let emit = out.emit;
    let keys: Vec<&str> = shard_keys.iter().map(String::as_str).collect();
    let mut langs = BTreeMap::new();
    for a in &site.articles {
        *langs.entry(a.language.as_str()).or_insert(0) += 1;
    }
    let mut digests = out.digests.into_inner().unwrap_or_else(|e| e.into_inner());
    digests.sort_unstable();
    let mut hasher = blake3::Hasher::new();
    for (path, digest) in &digests {
        hasher.update(path.as_bytes());
        match digest {
            FileDigest::Bytes { len, blake3 } => {
                hasher.update(&len.to_le_bytes()).update(blake3);
            }
            FileDigest::Inputs(fp) => {
                hasher.update(b"inputs").update(&fp.to_le_bytes());
            }
        }
    }
    let meta = Meta {
        v: FORMAT_VERSION,
        n: site.articles.len(),
        nd: site.articles.iter().filter(|a| a.date.is_some()).count(),
        ow: rank_width(site.articles.len()),
        k1: K1,
        langs,
        keys: front_code(&keys),
        rpp: cfg.results_per_page.max(1),
        h: hasher.finalize().to_hex()[..12].to_string(),
        c: copy_groups(site),
    };
    emit.put(
        OutputFile {
            path: "search/meta.json".into(),
            bytes: serde_json::to_vec(&meta).expect("serialisable"),
        },
        None,
    )
}

#[cfg(test)]
mod tests;
