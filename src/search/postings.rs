//! Posting lists: the documents that hold each term, with the one-byte payload of each
//! posting, encoded as the `search/p/` files store them.
//!
//! A build makes them from every document's analysis ([`number_all`]). `gazette serve` keeps
//! them between rebuilds ([`LiveIndex`]) and applies only what changed: adding the newest
//! article touches the lists of its own terms, a few hundred of about 120,000 at 10,000
//! articles. Both give the same lists, so the files are the same byte for byte.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use rayon::prelude::*;

use super::analyze::Analysis;
use super::encode::encode_postings_measured;
use super::tokenize::FxBuild;
use super::{norms, payload};

/// A term's posting list in the form the index files hold it.
#[derive(Debug, Clone)]
pub(crate) struct Encoded {
    /// Documents holding the term.
    pub df: u32,
    /// [`super::encode_postings`] of the documents and payloads.
    pub bytes: Vec<u8>,
    /// The first 8 bytes of the blake3 of `bytes`: the files that hold the list are
    /// fingerprinted from it (see `write_files`).
    pub digest: u64,
    /// Bytes of the delta-coded form of the documents, which the encoding compares with the
    /// bitmap length: with the document count, it tells whether the encoding can change.
    delta: u32,
}

impl Encoded {
    fn new(docs: &[u32], payloads: &[u8], n_docs: u32) -> Encoded {
        let (bytes, delta) = encode_postings_measured(docs, Some(payloads), n_docs);
        let digest = u64::from_le_bytes(
            blake3::hash(&bytes).as_bytes()[..8]
                .try_into()
                .expect("8 bytes"),
        );
        Encoded {
            df: docs.len() as u32,
            digest,
            delta: delta as u32,
            bytes,
        }
    }

    /// Whether the encoding of the same documents can differ between `old` and `new`
    /// documents in the index: a bitmap covers every document, so its length follows the
    /// count, and the choice between bitmap and deltas depends on that length.
    fn depends_on_count(&self, old: u32, new: u32) -> bool {
        let (old, new) = (old.div_ceil(8), new.div_ceil(8));
        old != new && self.delta > old.min(new)
    }
}

/// The terms of the index, sorted, with their encoded posting lists: what the dictionary and
/// posting files are written from.
pub(crate) struct TermTable<'a> {
    /// Every term, sorted.
    pub terms: Vec<&'a str>,
    /// The posting list of each term, in the same order.
    pub entries: Vec<&'a Encoded>,
}

/// Fewest documents whose terms one task numbers (see [`number_all`]).
const MIN_VOCAB_DOCS: usize = 256;

/// The posting lists of `docs` (in id order), made from scratch.
pub(crate) struct Numbered<'a> {
    /// Every term, sorted.
    terms: Vec<&'a str>,
    /// The posting list of each term.
    encoded: Vec<Encoded>,
    /// Kept for a [`LiveIndex`]: where each term's postings start in `docs` and `payloads`
    /// (one more entry than there are terms), then the postings themselves, term by term.
    raw: Option<(Vec<usize>, Vec<u32>, Vec<u8>)>,
}

impl<'a> Numbered<'a> {
    /// The table the files are written from.
    pub fn table(&self) -> TermTable<'_> {
        TermTable {
            terms: self.terms.clone(),
            entries: self.encoded.iter().collect(),
        }
    }
}

/// The terms of a run of documents, numbered locally, and the postings of each document.
struct Run<'a> {
    terms: Vec<&'a str>,
    /// Per document of the run: its term ids (local, then global), and the payloads of its
    /// postings, in the order of its terms.
    docs: Vec<(Vec<u32>, Vec<u8>)>,
}

/// Every posting, term by term: where each term's postings start (one more entry than there
/// are terms), then their documents and payloads.
type Flat = (Vec<usize>, Vec<u32>, Vec<u8>);

/// Numbers the terms of `docs` (documents in id order, field length averages `avg`) and makes
/// every posting list. `keep_raw` keeps the postings for [`LiveIndex::new`].
pub(crate) fn number_all<'a>(
    docs: &[&'a Analysis],
    avg: &[f64; 4],
    keep_raw: bool,
) -> Numbered<'a> {
    let n_docs = docs.len() as u32;
    let mut runs = number_runs(docs, avg);
    let terms = number_globally(&mut runs);
    let (starts, posting_docs, posting_payloads) = invert(&runs, terms.len());
    drop(runs);
    let encoded: Vec<Encoded> = (0..terms.len())
        .into_par_iter()
        .map(|t| {
            let range = starts[t]..starts[t + 1];
            Encoded::new(
                &posting_docs[range.clone()],
                &posting_payloads[range],
                n_docs,
            )
        })
        .collect();
    Numbered {
        terms,
        encoded,
        raw: keep_raw.then_some((starts, posting_docs, posting_payloads)),
    }
}

/// Terms are numbered locally by runs of documents first (no shared state): each run's
/// terms, and each document's local term ids and payloads.
fn number_runs<'a>(docs: &[&'a Analysis], avg: &[f64; 4]) -> Vec<Run<'a>> {
    let run_len = docs
        .len()
        .div_ceil(rayon::current_num_threads() * 2)
        .max(MIN_VOCAB_DOCS);
    docs.par_chunks(run_len)
        .map(|run| {
            let mut ids: HashMap<&str, u32, FxBuild> = HashMap::default();
            let mut terms = Vec::new();
            let docs = run
                .iter()
                .map(|d| {
                    let norms = norms(&d.lens, avg);
                    let mut local = Vec::with_capacity(d.stats.len());
                    let mut pay = Vec::with_capacity(d.stats.len());
                    for (t, tf, hint) in d.terms() {
                        local.push(*ids.entry(t).or_insert_with(|| {
                            terms.push(t);
                            terms.len() as u32 - 1
                        }));
                        pay.push(payload(tf, &norms, hint));
                    }
                    (local, pay)
                })
                .collect();
            Run { terms, docs }
        })
        .collect()
}

/// Every distinct term of the runs, sorted (its position is its global id); each distinct
/// term of a run is mapped to its global id once, and the runs' term ids are made global.
fn number_globally<'a>(runs: &mut [Run<'a>]) -> Vec<&'a str> {
    let mut terms: Vec<&str> = runs.iter().flat_map(|r| r.terms.iter().copied()).collect();
    terms.par_sort_unstable();
    terms.dedup();
    let term_ids: HashMap<&str, u32, FxBuild> = terms
        .iter()
        .enumerate()
        .map(|(i, &t)| (t, i as u32))
        .collect();
    runs.par_iter_mut().for_each(|run| {
        let global: Vec<u32> = run.terms.iter().map(|t| term_ids[t]).collect();
        for (ids, _) in &mut run.docs {
            for id in ids {
                *id = global[*id as usize];
            }
        }
    });
    terms
}

/// Posting lists in one flat array, term by term (a counting sort on global term ids).
/// Documents are visited in id order, so every list comes out sorted.
fn invert(runs: &[Run], n_terms: usize) -> Flat {
    let doc_postings = || runs.iter().flat_map(|r| &r.docs);
    let mut df = vec![0usize; n_terms];
    for (ids, _) in doc_postings() {
        for &t in ids {
            df[t as usize] += 1;
        }
    }
    let starts: Vec<usize> = std::iter::once(0)
        .chain(df.iter().scan(0, |end, n| {
            *end += n;
            Some(*end)
        }))
        .collect();
    drop(df);
    let mut next = starts.clone();
    let mut posting_docs = vec![0u32; starts[n_terms]];
    let mut posting_payloads = vec![0u8; starts[n_terms]];
    for (doc_id, (ids, pay)) in doc_postings().enumerate() {
        for (&term, &p) in ids.iter().zip(pay) {
            let term = term as usize;
            posting_docs[next[term]] = doc_id as u32;
            posting_payloads[next[term]] = p;
            next[term] += 1;
        }
    }
    (starts, posting_docs, posting_payloads)
}

/// Most documents a [`LiveIndex`] adds or removes in place; beyond that it is made again.
const MAX_LIVE_CHANGES: usize = 64;

/// The posting lists of the last build of a `gazette serve` session, updated in place when
/// the next build differs by a few documents whose ids are the only ones to change: a new seed
/// added (ids follow seed order, so it takes the next id, whatever its date), the last removed,
/// or an article changed in place. Anything else (a seed inserted among earlier ones by its
/// name shifts every id after it) makes them again from scratch.
#[derive(Debug, Default)]
pub struct LiveIndex {
    /// [`super::cache::article_key`] of each document, in id order.
    doc_keys: Vec<[u8; 32]>,
    /// The field length averages the payloads were computed with, as bits.
    avg: [u64; 4],
    terms: BTreeMap<String, LiveTerm>,
    /// Builds these lists were updated for in place since they were made (for tests: what
    /// a seed added at the end of seed order must not cost is making them again).
    pub(super) updates: usize,
}

#[derive(Debug)]
struct LiveTerm {
    /// Documents and payloads, by document id.
    postings: Vec<(u32, u8)>,
    encoded: Encoded,
    /// Postings changed since `encoded` was made.
    stale: bool,
}

impl LiveTerm {
    fn encoding(&self, n_docs: u32) -> Encoded {
        let (docs, payloads): (Vec<u32>, Vec<u8>) = self.postings.iter().copied().unzip();
        Encoded::new(&docs, &payloads, n_docs)
    }

    fn encode(&mut self, n_docs: u32) {
        self.encoded = self.encoding(n_docs);
        self.stale = false;
    }
}

fn bits(avg: &[f64; 4]) -> [u64; 4] {
    avg.map(f64::to_bits)
}

impl LiveIndex {
    /// The posting lists of `docs` (in id order, with their article keys and the field length
    /// averages), made from scratch.
    pub(crate) fn new(docs: &[&Analysis], doc_keys: Vec<[u8; 32]>, avg: &[f64; 4]) -> LiveIndex {
        let numbered = number_all(docs, avg, true);
        let (starts, ids, payloads) = numbered.raw.expect("kept");
        let terms = numbered
            .terms
            .iter()
            .zip(numbered.encoded)
            .enumerate()
            .map(|(t, (term, encoded))| {
                let range = starts[t]..starts[t + 1];
                let postings = ids[range.clone()]
                    .iter()
                    .copied()
                    .zip(payloads[range].iter().copied())
                    .collect();
                let live = LiveTerm {
                    postings,
                    encoded,
                    stale: false,
                };
                (term.to_string(), live)
            })
            .collect();
        LiveIndex {
            doc_keys,
            avg: bits(avg),
            terms,
            updates: 0,
        }
    }

    /// Brings the lists to `docs` (in id order, with their keys and averages) if only a few
    /// documents differ and no other document changes id; returns whether it did. When it
    /// returns false the lists are unchanged and must be made with [`LiveIndex::new`].
    pub(crate) fn update(
        &mut self,
        docs: &[&Analysis],
        doc_keys: &[[u8; 32]],
        avg: &[f64; 4],
    ) -> bool {
        if bits(avg) != self.avg {
            return false;
        }
        let Some((removed, added)) = changed_ids(&self.doc_keys, doc_keys) else {
            return false;
        };
        let (old_n, new_n) = (self.doc_keys.len() as u32, doc_keys.len() as u32);
        // Only lists that changed are encoded again, unless the bitmap length changed with
        // the count (once in eight documents), which can change any list's encoding.
        let mut stale: Vec<String> = Vec::new();
        if !removed.is_empty() {
            let gone = removed.start as u32..removed.end as u32;
            for (t, term) in self.terms.iter_mut() {
                let from = term.postings.partition_point(|p| p.0 < gone.start);
                let to = term.postings.partition_point(|p| p.0 < gone.end);
                if from < to {
                    term.postings.drain(from..to);
                    if !term.stale {
                        term.stale = true;
                        stale.push(t.clone());
                    }
                }
            }
            self.terms.retain(|_, t| !t.postings.is_empty());
        }
        for id in added {
            let d = docs[id];
            let norms = norms(&d.lens, avg);
            for (t, tf, hint) in d.terms() {
                let posting = (id as u32, payload(tf, &norms, hint));
                let term = match self.terms.get_mut(t) {
                    Some(term) => term,
                    // Marked stale (and noted) below, like any list that changed.
                    None => self.terms.entry(t.to_string()).or_insert(LiveTerm {
                        postings: Vec::new(),
                        encoded: Encoded::new(&[], &[], 0),
                        stale: false,
                    }),
                };
                let at = term.postings.partition_point(|p| p.0 < posting.0);
                term.postings.insert(at, posting);
                if !term.stale {
                    term.stale = true;
                    stale.push(t.to_string());
                }
            }
        }
        if old_n.div_ceil(8) != new_n.div_ceil(8) {
            self.terms.par_iter_mut().for_each(|(_, term)| {
                if term.stale || term.encoded.depends_on_count(old_n, new_n) {
                    term.encode(new_n);
                }
            });
        } else {
            // Encoded side by side, then put in place; lists emptied are gone from the map.
            let terms = &self.terms;
            let encoded: Vec<(&String, Encoded)> = stale
                .par_iter()
                .filter_map(|t| terms.get(t).map(|term| (t, term.encoding(new_n))))
                .collect();
            for (t, encoded) in encoded {
                let term = self.terms.get_mut(t).expect("a list just encoded");
                term.encoded = encoded;
                term.stale = false;
            }
        }
        self.doc_keys = doc_keys.to_vec();
        self.updates += 1;
        true
    }

    /// The table the files are written from.
    pub(crate) fn table(&self) -> TermTable<'_> {
        TermTable {
            terms: self.terms.keys().map(String::as_str).collect(),
            entries: self.terms.values().map(|t| &t.encoded).collect(),
        }
    }
}

/// The ids removed from `old` and added in `new` (document keys in id order), when every other
/// document keeps its id and few change; `None` otherwise.
fn changed_ids(old: &[[u8; 32]], new: &[[u8; 32]]) -> Option<(Range<usize>, Range<usize>)> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    // Documents after the change keep their ids only if the count does not change.
    let suffix = if old.len() == new.len() {
        old[prefix..]
            .iter()
            .rev()
            .zip(new[prefix..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count()
    } else {
        0
    };
    let removed = prefix..old.len() - suffix;
    let added = prefix..new.len() - suffix;
    (removed.len() + added.len() <= MAX_LIVE_CHANGES).then_some((removed, added))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ids: &[u8]) -> Vec<[u8; 32]> {
        ids.iter().map(|&i| [i; 32]).collect()
    }

    fn doc(words: &str) -> Analysis {
        let terms: Vec<&str> = words.split(' ').collect();
        Analysis {
            terms: words.to_string(),
            stats: terms
                .iter()
                .enumerate()
                .map(|(i, _)| ([u16::from(i == 0), 0, 0, 1 + i as u16 % 3], (i % 3) as u8))
                .collect(),
            lens: [1, 0, 0, terms.len() as u32],
        }
    }

    /// What the files are written from: each term with its list's bytes.
    fn lists(table: &TermTable) -> Vec<(String, u32, Vec<u8>, u64)> {
        table
            .terms
            .iter()
            .zip(&table.entries)
            .map(|(t, e)| (t.to_string(), e.df, e.bytes.clone(), e.digest))
            .collect()
    }

    /// Each step is applied in place and must give what making the lists from scratch gives.
    #[test]
    fn live_updates_equal_lists_made_from_scratch() {
        let avg = [1.0, 0.0, 0.0, 3.0];
        let texts = |ids: &[&str]| -> Vec<Analysis> { ids.iter().map(|w| doc(w)).collect() };
        let key = |w: &str| *blake3::hash(w.as_bytes()).as_bytes();
        let dense = "commun rare";
        // Each step from the one before: the newest added (8 documents, the bitmaps' length
        // is still one byte); one more (bitmaps grow to two bytes, every dense list changes);
        // the newest removed; one changed in place, a term gone with it; one inserted among
        // older ones (every id after it moves).
        let base = vec![
            dense,
            "commun autre",
            dense,
            "commun mot",
            dense,
            "commun",
            dense,
        ];
        let with = |extra: &[&'static str]| [base.clone(), extra.to_vec()].concat();
        let mut changed = with(&["neuf commun"]);
        changed[3] = "changé";
        let mut inserted = changed.clone();
        inserted.insert(1, "inséré");
        let steps: Vec<Vec<&str>> = vec![
            base.clone(),
            with(&["neuf commun"]),
            with(&["neuf commun", "commun dernier"]),
            with(&["neuf commun"]),
            changed,
            inserted,
        ];
        let first = texts(&steps[0]);
        let refs: Vec<&Analysis> = first.iter().collect();
        let mut live = LiveIndex::new(&refs, steps[0].iter().map(|w| key(w)).collect(), &avg);
        assert_eq!(
            lists(&live.table()),
            lists(&number_all(&refs, &avg, false).table())
        );
        for step in &steps[1..] {
            let docs = texts(step);
            let refs: Vec<&Analysis> = docs.iter().collect();
            let keys: Vec<[u8; 32]> = step.iter().map(|w| key(w)).collect();
            assert!(live.update(&refs, &keys, &avg), "{step:?}");
            assert_eq!(
                lists(&live.table()),
                lists(&number_all(&refs, &avg, false).table()),
                "{step:?}"
            );
        }
        // Other averages change every payload: the lists must be made again.
        let docs = texts(&steps[5]);
        let refs: Vec<&Analysis> = docs.iter().collect();
        let keys: Vec<[u8; 32]> = steps[5].iter().map(|w| key(w)).collect();
        assert!(!live.update(&refs, &keys, &[2.0, 0.0, 0.0, 3.0]));
    }

    #[test]
    fn the_delta_length_is_that_of_the_deltas() {
        for docs in [
            &[][..],
            &[0],
            &[5, 6, 200],
            &[127, 255, 100_000],
            &[0, 1, 2, 3],
        ] {
            // So many documents that no bitmap is shorter: the deltas are written.
            let (encoded, delta) = encode_postings_measured(docs, None, u32::MAX / 2);
            let head = if docs.len() * 2 < 0x80 { 1 } else { 2 };
            assert_eq!(delta, encoded.len() - head, "{docs:?}");
        }
    }

    #[test]
    fn changed_ids_keep_every_other_id() {
        // The newest added, the newest removed, one changed in place, nothing.
        assert_eq!(
            changed_ids(&keys(&[1, 2, 3]), &keys(&[1, 2, 3, 4])),
            Some((3..3, 3..4))
        );
        assert_eq!(
            changed_ids(&keys(&[1, 2, 3]), &keys(&[1, 2])),
            Some((2..3, 2..2))
        );
        assert_eq!(
            changed_ids(&keys(&[1, 2, 3]), &keys(&[1, 9, 3])),
            Some((1..2, 1..2))
        );
        assert_eq!(
            changed_ids(&keys(&[1, 2, 3]), &keys(&[1, 2, 3])),
            Some((3..3, 3..3))
        );
        // An insertion among older documents moves the ids after it: all of them change.
        assert_eq!(
            changed_ids(&keys(&[1, 2, 3]), &keys(&[1, 9, 2, 3])),
            Some((1..3, 1..4))
        );
        let many: Vec<u8> = (0..100).collect();
        let shifted: Vec<u8> = std::iter::once(200).chain(0..100).collect();
        assert_eq!(changed_ids(&keys(&many), &keys(&shifted)), None);
    }

    #[test]
    fn the_encoding_depends_on_the_count_only_near_the_bitmap_length() {
        // Dense: a bitmap, whose length follows the count.
        let dense: Vec<u32> = (0..64).collect();
        let e = Encoded::new(&dense, &[1; 64], 64);
        assert!(e.depends_on_count(64, 65));
        assert!(!e.depends_on_count(65, 66), "same bitmap length");
        // Sparse: deltas, far shorter than any bitmap of these counts.
        let e = Encoded::new(&[3, 700], &[1, 1], 1000);
        assert!(!e.depends_on_count(1000, 1009));
        for (old, new) in [(64, 65), (1000, 1009)] {
            for docs in [&dense[..], &[3, 60][..]] {
                let p = vec![1; docs.len()];
                let a = Encoded::new(docs, &p, old);
                let b = Encoded::new(docs, &p, new);
                if a.bytes != b.bytes {
                    assert!(a.depends_on_count(old, new), "{docs:?} {old} -> {new}");
                }
            }
        }
    }
}
