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
//! - `search/f/facets.json`, `search/f/t/<slug>.bin`, `search/f/s/<slug>.bin`: tag and source
//!   names and document lists for filters, fetched only when a filter is used.
//!
//! Document ids are positions in [`Site::articles`], which is newest first, so "sort by date"
//! is a sort by id and needs no data. Everything is built from sorted collections: the same
//! site gives byte-identical files.

mod encode;
pub mod tokenize;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::output::OutputFile;
use crate::site::{Article, Site};
use tokenize::{split_words, Analyzer, FxBuild};

pub use encode::{decode_postings, encode_postings, file_name};

/// Version of the file formats, checked by `search.js`.
pub const FORMAT_VERSION: u32 = 2;

/// BM25 term-frequency saturation.
pub const K1: f64 = 1.2;

/// Fields of a document, in payload order.
const TITLE: usize = 0;
const TAGS: usize = 1;
const SUMMARY: usize = 2;
const BODY: usize = 3;

/// BM25F field weights: a word in the title or a tag says more about the article than a word
/// somewhere in the body.
const WEIGHTS: [f64; 4] = [5.0, 3.0, 2.0, 1.0];
/// BM25F length normalisation per field (tags are short lists: no normalisation).
const B: [f64; 4] = [0.5, 0.0, 0.5, 0.75];

/// Segment hints stored in the two low bits of a payload.
/// The kept excerpt text is cut in this many segments; hint `i` < 3 = first body occurrence in
/// segment `i`, [`HINT_NONE`] = only in the title, tags or summary, or beyond the kept text.
const SEGMENTS: usize = 3;
const HINT_NONE: u8 = 3;

/// A dictionary shard is split on the next char once its text exceeds this many bytes.
const SHARD_SPLIT_BYTES: usize = 8 * 1024;
/// Deepest shard key, in chars.
const MAX_KEY_CHARS: usize = 4;
/// Posting lists are packed into blocks of about this many bytes; a longer list gets a block
/// (a file) of its own.
const BLOCK_BYTES: usize = 4 * 1024;
/// Fewest articles analysed by one task: each task stems its own vocabulary, so tiny tasks
/// would stem the same words over and over.
const MIN_CHUNK_DOCS: usize = 64;

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

/// What one article contributes to the index.
struct DocTerms {
    /// Position in [`Chunk::analyzers`] of the analyzer that numbered this article's terms.
    analyzer: usize,
    /// Field lengths in terms.
    lens: [u32; 4],
    /// Term id (local to the analyzer), term frequency per field, hint of first body occurrence.
    terms: Vec<(u32, [u16; 4], u8)>,
}

/// A run of consecutive articles analysed by one thread. Term ids stay local to the run's
/// analyzers (one per language) until the runs are merged: numbering terms locally needs no
/// shared state, and merging maps each distinct term of a run once, not once per posting.
struct Chunk {
    /// Analyzers with their language, in order of first use.
    analyzers: Vec<(String, Analyzer)>,
    /// Per analyzer: for each local term id, the slot of that term in the document being
    /// analysed (`u32::MAX` when absent), so counting a word costs an array access.
    slots: Vec<Vec<u32>>,
    docs: Vec<DocTerms>,
    excerpts: Vec<Excerpt>,
}

impl Chunk {
    fn analyze(articles: &[Article], excerpt_chars: usize) -> Chunk {
        let mut chunk = Chunk {
            analyzers: Vec::new(),
            slots: Vec::new(),
            docs: Vec::with_capacity(articles.len()),
            excerpts: Vec::with_capacity(articles.len()),
        };
        for article in articles {
            let (ex, rest_head, rest_tail) = excerpt(&article.body_text, excerpt_chars);
            let doc = chunk.analyze_one(article, &ex, [&rest_head, rest_tail]);
            chunk.docs.push(doc);
            chunk.excerpts.push(ex);
        }
        chunk
    }

    /// `rest`: the body text after the excerpt, in pieces (see [`excerpt`]).
    fn analyze_one(&mut self, article: &Article, ex: &Excerpt, rest: [&str; 2]) -> DocTerms {
        let which = match self
            .analyzers
            .iter()
            .position(|(lang, _)| *lang == article.language)
        {
            Some(i) => i,
            None => {
                self.analyzers
                    .push((article.language.clone(), Analyzer::new(&article.language)));
                self.slots.push(Vec::new());
                self.analyzers.len() - 1
            }
        };
        let analyzer = &mut self.analyzers[which].1;
        let slots = &mut self.slots[which];
        let mut doc = DocTerms {
            analyzer: which,
            lens: [0; 4],
            terms: Vec::new(),
        };
        let mut add = |text: &str, field: usize, hint: u8| {
            let folded = crate::text::fold(text);
            for w in split_words(&folded) {
                let Some(id) = analyzer.term_id(w.folded) else {
                    continue;
                };
                doc.lens[field] += 1;
                if slots.len() <= id as usize {
                    slots.resize(id as usize + 1, u32::MAX);
                }
                let slot = &mut slots[id as usize];
                if *slot == u32::MAX {
                    *slot = doc.terms.len() as u32;
                    doc.terms.push((id, [0; 4], HINT_NONE));
                }
                let entry = &mut doc.terms[*slot as usize];
                entry.1[field] = entry.1[field].saturating_add(1);
                if field == BODY && entry.2 == HINT_NONE {
                    entry.2 = hint;
                }
            }
        };
        add(&article.title, TITLE, HINT_NONE);
        for t in article.all_tags().chain(article.source.iter()) {
            add(&t.name, TAGS, HINT_NONE);
        }
        for s in &article.summary {
            add(s, SUMMARY, HINT_NONE);
        }
        for (i, seg) in ex.segs.iter().enumerate() {
            add(seg, BODY, i as u8);
        }
        for text in rest {
            add(text, BODY, HINT_NONE);
        }
        for &(id, _, _) in &doc.terms {
            slots[id as usize] = u32::MAX;
        }
        doc
    }
}

/// The excerpt text kept for an article, in [`SEGMENTS`] segments cut at spaces.
struct Excerpt {
    segs: Vec<String>,
}

fn cut_at_space(text: &str, max_chars: usize) -> usize {
    match text.char_indices().nth(max_chars) {
        None => text.len(),
        Some((limit, _)) => match text[..limit].rfind(' ') {
            Some(i) if i > 0 => i,
            _ => limit,
        },
    }
}

/// Cuts the excerpt from the whitespace-collapsed body. Returns it with the body text after
/// it (indexed, never shipped) in two pieces: the end of the collapsed text that was cut, and
/// the rest of the body as it is. Only as much of the body as the excerpt can use is
/// collapsed (one char more than it keeps tells [`cut_at_space`] whether the text goes on):
/// copying whole bodies was a noticeable part of the index build.
fn excerpt(body: &str, excerpt_chars: usize) -> (Excerpt, String, &str) {
    let mut collapsed = String::new();
    let mut chars = 0;
    let mut tail = "";
    let mut pos = 0;
    while let Some(start) = body[pos..]
        .find(|c: char| !c.is_whitespace())
        .map(|i| pos + i)
    {
        if chars > excerpt_chars {
            tail = &body[start..];
            break;
        }
        let end = body[start..]
            .find(char::is_whitespace)
            .map_or(body.len(), |i| start + i);
        if !collapsed.is_empty() {
            collapsed.push(' ');
            chars += 1;
        }
        collapsed.push_str(&body[start..end]);
        chars += body[start..end].chars().count();
        pos = end;
    }
    let kept = cut_at_space(&collapsed, excerpt_chars);
    let mut segs = Vec::with_capacity(SEGMENTS);
    let mut from = 0;
    for i in 0..SEGMENTS {
        let to = if i + 1 == SEGMENTS {
            kept
        } else {
            from + cut_at_space(&collapsed[from..kept], excerpt_chars.div_ceil(SEGMENTS))
        };
        segs.push(collapsed[from..to].trim().to_string());
        from = to;
    }
    while segs.len() > 1 && segs.last().is_some_and(String::is_empty) {
        segs.pop();
    }
    collapsed.drain(..kept);
    (Excerpt { segs }, collapsed, tail)
}

/// The one-byte payload of a posting: BM25F impact in the high 6 bits, hint in the low 2.
fn payload(tf: &[u16; 4], lens: &[u32; 4], avg: &[f64; 4], hint: u8) -> u8 {
    let mut weighted = 0.0;
    for f in 0..4 {
        if tf[f] == 0 {
            continue;
        }
        let norm = if avg[f] > 0.0 {
            1.0 - B[f] + B[f] * f64::from(lens[f]) / avg[f]
        } else {
            1.0
        };
        weighted += WEIGHTS[f] * f64::from(tf[f]) / norm;
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
    /// Dated documents: ids below this are dated, newest first; the rest are undated.
    nd: usize,
    k1: f64,
    /// Articles per language.
    langs: BTreeMap<&'a str, usize>,
    /// Dictionary shard keys, sorted; see [`front_code`] for the notation.
    keys: String,
    /// Results per page.
    rpp: usize,
    /// Content hash, appended to every fetch as `?v=` so a rebuilt site never mixes files.
    h: String,
}

/// Builds the search index files (under `search/`) for the site. Called by the build in
/// parallel with rendering; the output depends only on the site model.
pub fn build_index(site: &Site) -> Vec<OutputFile> {
    let cfg = &site.config.search;
    let n_docs = site.articles.len() as u32;
    let chunk_len = site
        .articles
        .len()
        .div_ceil(rayon::current_num_threads() * 2)
        .max(MIN_CHUNK_DOCS);
    let chunks: Vec<Chunk> = site
        .articles
        .par_chunks(chunk_len)
        .map(|run| Chunk::analyze(run, cfg.excerpt_chars.max(2)))
        .collect();
    let excerpts: Vec<&Excerpt> = chunks.iter().flat_map(|c| &c.excerpts).collect();

    let mut avg = [0.0f64; 4];
    for d in chunks.iter().flat_map(|c| &c.docs) {
        for (sum, len) in avg.iter_mut().zip(d.lens) {
            *sum += f64::from(len);
        }
    }
    for a in &mut avg {
        *a /= f64::from(n_docs.max(1));
    }

    // Every distinct term, sorted: its position is its global id.
    let mut terms: Vec<&str> = chunks
        .iter()
        .flat_map(|c| c.analyzers.iter().flat_map(|(_, a)| a.terms()))
        .map(|t| &**t)
        .collect();
    terms.par_sort_unstable();
    terms.dedup();
    let term_ids: HashMap<&str, u32, FxBuild> = terms
        .iter()
        .enumerate()
        .map(|(i, &t)| (t, i as u32))
        .collect();
    // Per chunk, per analyzer: local term id → global term id.
    let global_ids: Vec<Vec<Vec<u32>>> = chunks
        .par_iter()
        .map(|c| {
            c.analyzers
                .iter()
                .map(|(_, a)| a.terms().iter().map(|t| term_ids[&**t]).collect())
                .collect()
        })
        .collect();

    // Posting lists in one flat array, term by term (a counting sort on term ids). Documents
    // are visited in id order, so every list comes out sorted.
    let mut df = vec![0usize; terms.len()];
    for (c, ids) in chunks.iter().zip(&global_ids) {
        for d in &c.docs {
            for &(local, _, _) in &d.terms {
                df[ids[d.analyzer][local as usize] as usize] += 1;
            }
        }
    }
    let starts: Vec<usize> = std::iter::once(0)
        .chain(df.iter().scan(0, |end, n| {
            *end += n;
            Some(*end)
        }))
        .collect();
    let mut next = starts.clone();
    let mut posting_docs = vec![0u32; starts[terms.len()]];
    let mut posting_payloads = vec![0u8; starts[terms.len()]];
    let mut doc_id = 0u32;
    for (c, ids) in chunks.iter().zip(&global_ids) {
        for d in &c.docs {
            for (local, tf, hint) in &d.terms {
                let term = ids[d.analyzer][*local as usize] as usize;
                posting_docs[next[term]] = doc_id;
                posting_payloads[next[term]] = payload(tf, &d.lens, &avg, *hint);
                next[term] += 1;
            }
            doc_id += 1;
        }
    }
    let postings_of = |term: usize| {
        let range = starts[term]..starts[term + 1];
        (&posting_docs[range.clone()], &posting_payloads[range])
    };
    let encoded: Vec<Vec<u8>> = (0..terms.len())
        .into_par_iter()
        .map(|t| {
            let (ids, pay) = postings_of(t);
            encode_postings(ids, Some(pay), n_docs)
        })
        .collect();

    let mut shards = Vec::new();
    shard_terms(&terms, 2, &|t: &str| t.len() + 8, &mut shards);

    let mut files = Vec::new();
    let mut keys = Vec::with_capacity(shards.len());
    for (key, shard) in &shards {
        let name = file_name(key);
        let mut dict = String::new();
        let mut block: Vec<u8> = Vec::new();
        let mut block_no = 0;
        let mut prev = "";
        let mut flush = |block: &mut Vec<u8>, dict: &mut String, files: &mut Vec<OutputFile>| {
            if !block.is_empty() {
                files.push(OutputFile {
                    path: format!("search/p/{name}.{block_no}.bin"),
                    bytes: std::mem::take(block),
                });
                block_no += 1;
                dict.push('\n');
            }
        };
        for term in shard {
            let id = term_ids[term] as usize;
            let bytes = &encoded[id];
            if bytes.len() > BLOCK_BYTES / 2 || block.len() + bytes.len() > BLOCK_BYTES {
                flush(&mut block, &mut dict, &mut files);
            }
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
            dict.push_str(&encode::base36(df[id] as u64));
            dict.push(' ');
            dict.push_str(&encode::base36(bytes.len() as u64));
            dict.push('\n');
            block.extend_from_slice(bytes);
            prev = term;
        }
        flush(&mut block, &mut dict, &mut files);
        files.push(OutputFile {
            path: format!("search/t/{name}.txt"),
            bytes: dict.into_bytes(),
        });
        keys.push(key.as_str());
    }

    // Documents: metadata and the first excerpt segment, second segment apart.
    let doc_files: Vec<Vec<OutputFile>> = site
        .articles
        .par_iter()
        .zip(excerpts.par_iter().copied())
        .enumerate()
        .map(|(id, (a, ex))| {
            let card = DocCard {
                r: &a.route,
                t: &a.title,
                d: a.date.map(|d| d.format("%Y-%m-%d").to_string()),
                s: a.source
                    .as_ref()
                    .map(|s| [s.name.as_str(), s.slug.as_str()]),
                g: a.all_tags()
                    .map(|t| [t.name.as_str(), t.slug.as_str()])
                    .collect(),
            };
            let doc = DocFile {
                card: &card,
                x: &ex.segs[0],
                m: ex.segs.len() - 1,
            };
            let mut out = vec![OutputFile {
                path: format!("search/d/{id}.json"),
                bytes: serde_json::to_vec(&doc).expect("serialisable"),
            }];
            if ex.segs.len() > 1 {
                let rest = DocRest {
                    card: &card,
                    y: &ex.segs[1..],
                };
                out.push(OutputFile {
                    path: format!("search/d/{id}.1.json"),
                    bytes: serde_json::to_vec(&rest).expect("serialisable"),
                });
            }
            out
        })
        .collect();
    files.extend(doc_files.into_iter().flatten());

    // Filters: names with counts, and one document list per tag and per source.
    let mut facets = BTreeMap::new();
    for (kind, list) in [("t", &site.tags), ("s", &site.sources)] {
        let mut entries: Vec<(&str, &str, usize)> = list
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str(), t.articles.len()))
            .collect();
        entries.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
        for t in list {
            let ids: BTreeSet<u32> = t.articles.iter().map(|&i| i as u32).collect();
            let ids: Vec<u32> = ids.into_iter().collect();
            files.push(OutputFile {
                path: format!("search/f/{kind}/{}.bin", file_name(&t.slug)),
                bytes: encode_postings(&ids, None, n_docs),
            });
        }
        facets.insert(kind, entries);
    }
    files.push(OutputFile {
        path: "search/f/facets.json".into(),
        bytes: serde_json::to_vec(&facets).expect("serialisable"),
    });

    let mut langs = BTreeMap::new();
    for a in &site.articles {
        *langs.entry(a.language.as_str()).or_insert(0) += 1;
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = blake3::Hasher::new();
    for f in &files {
        hasher.update(f.path.as_bytes());
        hasher.update(&(f.bytes.len() as u64).to_le_bytes());
        hasher.update(&f.bytes);
    }
    let meta = Meta {
        v: FORMAT_VERSION,
        n: site.articles.len(),
        nd: site.articles.iter().filter(|a| a.date.is_some()).count(),
        k1: K1,
        langs,
        keys: front_code(&keys),
        rpp: cfg.results_per_page.max(1),
        h: hasher.finalize().to_hex()[..12].to_string(),
    };
    files.push(OutputFile {
        path: "search/meta.json".into(),
        bytes: serde_json::to_vec(&meta).expect("serialisable"),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

#[cfg(test)]
mod tests;
