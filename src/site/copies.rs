//! Copies of one story: the same wire story published by several outlets, or the same page
//! scraped twice. An archive holds many; a reader wants the story once, with its other copies
//! named, not five results in a row.
//!
//! Two articles are copies when their bodies share at least [`THRESHOLD`] of their five-word
//! shingles (Jaccard similarity), estimated with one-permutation MinHash: each body's
//! shingles are hashed once into [`BINS`] bins, keeping the smallest hash of each bin.
//! Candidates come from locality-sensitive hashing (pairs of bins as band keys), so the cost
//! grows with the archive, not with its square. Copies are grouped transitively: a story
//! republished with small edits by a chain of outlets stays one group.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};

use super::Article;

/// The share of shingles two bodies must have in common to be copies of one story. A wire
/// story reprinted with a different headline, a trimmed ending or a few house edits keeps
/// well above it; two reports of one event written separately share far less.
pub const THRESHOLD: f64 = 0.5;

/// Words per shingle.
const SHINGLE: usize = 5;

/// Bodies with fewer shingles than this are never grouped: a brief of two sentences says too
/// little to tell a copy from a coincidence.
const MIN_SHINGLES: usize = 20;

/// MinHash bins per signature.
const BINS: usize = 64;

/// Bins per LSH band. Four makes a pair of unrelated articles that share a few stock phrases a
/// rare candidate, while true copies (usually far above the threshold) are candidates in almost
/// every case: 1 - (1 - J⁴)^16 is 0.88 at J = 0.6 and 0.998 at J = 0.8. Copies of copies join
/// the group through any member.
const ROWS: usize = 4;

/// The most articles a band bucket may hold to be compared pairwise.
const MAX_BUCKET: usize = 256;

/// A body's MinHash signature; `u64::MAX` marks an empty bin.
type Signature = [u64; BINS];

/// The signatures of the last site's articles by [`Article::digest`], so that a rebuild of
/// `gazette serve` signs only the articles that changed.
#[derive(Debug, Default)]
pub struct Memo(FxHashMap<u128, Option<Signature>>);

/// The copies of each article, in site order: the other articles of its group, in site order
/// (newest first). Empty for most articles. `digests` are the articles' digests; with a
/// `memo`, unchanged articles are not signed again, and the memo is left describing this site.
pub fn find(
    articles: &[Arc<Article>],
    digests: &[u128],
    memo: Option<&mut Memo>,
) -> Vec<Vec<usize>> {
    let known = memo.as_deref();
    let signatures: Vec<Option<Signature>> = articles
        .par_iter()
        .zip(digests)
        .map(|(a, d)| match known.and_then(|m| m.0.get(d)) {
            Some(s) => *s,
            None => signature(&a.body_text()),
        })
        .collect();
    if let Some(m) = memo {
        m.0 = digests
            .iter()
            .copied()
            .zip(signatures.iter().copied())
            .collect();
    }
    // Bands are compared side by side; only the pairs found similar are kept, then grouped.
    let similar: Vec<(usize, usize)> = (0..BINS / ROWS)
        .into_par_iter()
        .flat_map_iter(|band| similar_in_band(&signatures, band))
        .collect();
    let mut groups = UnionFind::new(articles.len());
    for (a, b) in similar {
        groups.join(a, b);
    }
    groups.members()
}

/// The pairs of articles sharing band `band` whose signatures are similar enough.
fn similar_in_band(signatures: &[Option<Signature>], band: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for bucket in band_buckets(signatures, band) {
        for (k, &a) in bucket.iter().enumerate() {
            for &b in &bucket[k + 1..] {
                if let (Some(sa), Some(sb)) = (&signatures[a], &signatures[b]) {
                    if similarity(sa, sb) >= THRESHOLD {
                        out.push((a, b));
                    }
                }
            }
        }
    }
    out
}

/// The signature of a body, or `None` when it is too short to compare.
fn signature(text: &str) -> Option<Signature> {
    let words: Vec<u64> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut h = FxBuildHasher.build_hasher();
            for c in w.chars().flat_map(char::to_lowercase) {
                h.write_u32(c as u32);
            }
            h.finish()
        })
        .collect();
    if words.len() < SHINGLE + MIN_SHINGLES - 1 {
        return None;
    }
    let mut bins = [u64::MAX; BINS];
    for shingle in words.windows(SHINGLE) {
        let mut h = FxBuildHasher.build_hasher();
        for w in shingle {
            h.write_u64(*w);
        }
        // Fx is weak in its low bits; a final mix spreads every input bit over the word.
        let h = mix(h.finish());
        let bin = (h >> 58) as usize;
        let value = h & (u64::MAX >> 6);
        bins[bin] = bins[bin].min(value);
    }
    Some(bins)
}

/// The finaliser of SplitMix64: a bijection that spreads each input bit over the output.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The estimated Jaccard similarity of two signatures: the share of bins, among those not
/// empty in both, holding the same minimum.
fn similarity(a: &Signature, b: &Signature) -> f64 {
    let (mut same, mut used) = (0u32, 0u32);
    for (x, y) in a.iter().zip(b) {
        if *x == u64::MAX && *y == u64::MAX {
            continue;
        }
        used += 1;
        same += u32::from(x == y);
    }
    if used == 0 {
        return 0.0;
    }
    f64::from(same) / f64::from(used)
}

/// The articles sharing band `band` of their signatures (candidates for being copies), as
/// buckets of two or more positions. A bucket larger than [`MAX_BUCKET`] holds shingles common
/// to a whole section of the archive, not one story, and is skipped: comparing within it would
/// cost the square of its size.
fn band_buckets(signatures: &[Option<Signature>], band: usize) -> Vec<Vec<usize>> {
    let mut buckets: FxHashMap<[u64; ROWS], Vec<usize>> = FxHashMap::default();
    for (i, s) in signatures.iter().enumerate() {
        let Some(s) = s else { continue };
        let key: [u64; ROWS] = s[band * ROWS..(band + 1) * ROWS]
            .try_into()
            .expect("a band");
        if !key.contains(&u64::MAX) {
            buckets.entry(key).or_default().push(i);
        }
    }
    buckets
        .into_values()
        .filter(|b| (2..=MAX_BUCKET).contains(&b.len()))
        .collect()
}

/// Groups of positions joined pairwise.
struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind((0..n).collect())
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        self.0[ra.max(rb)] = ra.min(rb);
    }

    /// For each position, the other members of its group, in order.
    fn members(mut self) -> Vec<Vec<usize>> {
        let n = self.0.len();
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..n {
            let r = self.root(i);
            groups.entry(r).or_default().push(i);
        }
        let mut out = vec![Vec::new(); n];
        for members in groups.values().filter(|m| m.len() > 1) {
            for &i in members {
                out[i] = members.iter().copied().filter(|&j| j != i).collect();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Le ministère de l'Intérieur a confirmé mardi que plusieurs \
        téléphones de responsables avaient été visés par le logiciel espion, selon une enquête \
        publiée par un consortium de journalistes. Les autorités ont ouvert une information \
        judiciaire et demandé des explications à l'éditeur du logiciel, qui dément toute \
        implication. Les experts interrogés estiment que les attaques ont commencé il y a au \
        moins deux ans et visaient des ministres, des avocats et des militants.";

    fn sig(text: &str) -> Signature {
        signature(text).expect("long enough")
    }

    #[test]
    fn an_exact_copy_is_identical_and_a_short_text_is_never_compared() {
        assert_eq!(similarity(&sig(STORY), &sig(STORY)), 1.0);
        assert!(signature("Trois mots seulement ici.").is_none());
    }

    #[test]
    fn a_copy_with_house_edits_is_above_the_threshold() {
        let edited = format!(
            "PARIS (AFP) - {} Contacté, le ministère n'a pas souhaité commenter.",
            STORY.replace("mardi", "ce mardi")
        );
        assert!(similarity(&sig(STORY), &sig(&edited)) >= THRESHOLD);
    }

    #[test]
    fn another_report_of_the_same_event_is_not_a_copy() {
        let other = "Plusieurs responsables ont été visés par un logiciel espion, affirme \
            un consortium de médias. Selon nos informations, une enquête judiciaire est \
            ouverte. L'éditeur conteste les accusations et parle d'une campagne contre lui. \
            D'après des chercheurs, la surveillance durait depuis au moins deux années et \
            concernait aussi des avocats et des défenseurs des droits humains.";
        assert!(similarity(&sig(STORY), &sig(other)) < THRESHOLD);
    }

    #[test]
    fn groups_are_transitive_and_in_order() {
        let mut uf = UnionFind::new(5);
        uf.join(3, 1);
        uf.join(1, 4);
        assert_eq!(
            uf.members(),
            vec![vec![], vec![3, 4], vec![], vec![1, 4], vec![1, 3]]
        );
    }
}
