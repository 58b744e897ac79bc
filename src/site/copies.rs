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

/// What finding copies in the last site left for the next search (the rebuilds of `gazette
/// serve`): each article's signature and the LSH buckets, by [`Article::digest`]. Only the
/// buckets an added or removed article is in are compared again; the others keep their pairs.
#[derive(Debug, Default)]
pub struct Memo {
    /// The signature of every article of the last site.
    signatures: FxHashMap<u128, Option<Signature>>,
    /// One per band, empty before the first search.
    bands: Vec<Band>,
}

/// The buckets of one band: articles whose signatures agree on the band's bins.
#[derive(Debug, Default)]
struct Band {
    buckets: FxHashMap<[u64; ROWS], Vec<u128>>,
    /// The pairs found similar in each bucket that has any.
    similar: FxHashMap<[u64; ROWS], Vec<(u128, u128)>>,
}

/// The copies of each article, in site order: the other articles of its group, in site order
/// (newest first). Empty for most articles. `digests` are the articles' digests. A full build
/// starts from an empty `memo` (`None`), so the same steps serve both: unchanged articles are
/// not signed again, only the buckets that gained or lost an article are compared again, and
/// the memo is left describing this site.
pub fn find(
    articles: &[Arc<Article>],
    digests: &[u128],
    memo: Option<&mut Memo>,
) -> Vec<Vec<usize>> {
    let mut fresh = Memo::default();
    let memo = memo.unwrap_or(&mut fresh);
    let positions: FxHashMap<u128, usize> =
        digests.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let (added, removed) = memo.update_signatures(articles, digests, &positions);
    if memo.bands.is_empty() {
        memo.bands = (0..BINS / ROWS).map(|_| Band::default()).collect();
    }
    let Memo { signatures, bands } = memo;
    // Bands are updated side by side; only the pairs found similar are kept, then grouped.
    bands
        .par_iter_mut()
        .enumerate()
        .for_each(|(band, b)| b.update(band, &added, &removed, signatures));
    let mut groups = UnionFind::new(articles.len());
    for b in bands.iter() {
        for (x, y) in b.similar.values().flatten() {
            groups.join(positions[x], positions[y]);
        }
    }
    groups.members()
}

/// An article's digest and signature, as it comes into or leaves the buckets.
type Signed = (u128, Signature);

impl Memo {
    /// Signs the articles the memo has no signature for and forgets those no longer in the
    /// site (`positions`, by digest); returns the signed articles added and removed.
    fn update_signatures(
        &mut self,
        articles: &[Arc<Article>],
        digests: &[u128],
        positions: &FxHashMap<u128, usize>,
    ) -> (Vec<Signed>, Vec<Signed>) {
        let new: Vec<(u128, Option<Signature>)> = articles
            .par_iter()
            .zip(digests)
            .filter(|(_, d)| !self.signatures.contains_key(*d))
            .map(|(a, d)| (*d, signature(&a.body_text())))
            .collect();
        let gone: Vec<u128> = self
            .signatures
            .keys()
            .filter(|d| !positions.contains_key(*d))
            .copied()
            .collect();
        let removed = gone
            .iter()
            .filter_map(|d| self.signatures.remove(d).flatten().map(|s| (*d, s)))
            .collect();
        let added = new.iter().filter_map(|(d, s)| s.map(|s| (*d, s))).collect();
        self.signatures.extend(new);
        (added, removed)
    }
}

impl Band {
    /// Takes the `removed` articles out of their buckets and puts the `added` ones in, then
    /// compares again the pairs of every bucket that changed.
    fn update(
        &mut self,
        band: usize,
        added: &[Signed],
        removed: &[Signed],
        signatures: &FxHashMap<u128, Option<Signature>>,
    ) {
        let mut changed: Vec<[u64; ROWS]> = Vec::new();
        for (d, s) in removed {
            let Some(key) = band_key(s, band) else {
                continue;
            };
            if let Some(bucket) = self.buckets.get_mut(&key) {
                bucket.retain(|x| x != d);
                if bucket.is_empty() {
                    self.buckets.remove(&key);
                }
            }
            changed.push(key);
        }
        for (d, s) in added {
            let Some(key) = band_key(s, band) else {
                continue;
            };
            self.buckets.entry(key).or_default().push(*d);
            changed.push(key);
        }
        changed.sort_unstable();
        changed.dedup();
        for key in changed {
            let bucket = self.buckets.get(&key).map_or(&[][..], Vec::as_slice);
            let pairs = similar_in_bucket(bucket, signatures);
            if pairs.is_empty() {
                self.similar.remove(&key);
            } else {
                self.similar.insert(key, pairs);
            }
        }
    }
}

/// The bins of band `band` of a signature, or `None` when one is empty (an empty bin says
/// nothing about a body).
fn band_key(s: &Signature, band: usize) -> Option<[u64; ROWS]> {
    let key: [u64; ROWS] = s[band * ROWS..(band + 1) * ROWS]
        .try_into()
        .expect("a band");
    (!key.contains(&u64::MAX)).then_some(key)
}

/// The pairs of a bucket whose signatures are similar enough. A bucket larger than
/// [`MAX_BUCKET`] holds shingles common to a whole section of the archive, not one story, and
/// is skipped: comparing within it would cost the square of its size.
fn similar_in_bucket(
    bucket: &[u128],
    signatures: &FxHashMap<u128, Option<Signature>>,
) -> Vec<(u128, u128)> {
    let mut out = Vec::new();
    if !(2..=MAX_BUCKET).contains(&bucket.len()) {
        return out;
    }
    let signed: Vec<(u128, &Signature)> = bucket
        .iter()
        .filter_map(|d| signatures.get(d).and_then(Option::as_ref).map(|s| (*d, s)))
        .collect();
    for (k, (a, sa)) in signed.iter().enumerate() {
        for (b, sb) in &signed[k + 1..] {
            if similarity(sa, sb) >= THRESHOLD {
                out.push((*a, *b));
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

    /// Articles with these bodies, each under an id of its own.
    fn articles(bodies: &[String]) -> Vec<Arc<Article>> {
        let config = crate::config::Config::parse("").unwrap();
        let urls = crate::urls::Urls::new("https://example.org/").unwrap();
        let opts = crate::seed::ParseOptions::from_config(&config);
        let seed = "Titre\nUn paragraphe.\n";
        let parsed =
            crate::seed::parse_seed(std::path::Path::new("001_a.txt"), seed.as_bytes(), &opts)
                .unwrap();
        let content = crate::content::Content::default();
        let (site, _) = super::super::assemble(&config, &urls, vec![parsed], content, false);
        let model = Arc::unwrap_or_clone(site.articles[0].clone());
        bodies
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let mut a = model.clone();
                a.id = format!("{i:03}_a");
                a.body = super::super::Body::html(String::new(), text.clone());
                Arc::new(a)
            })
            .collect()
    }

    /// Words that make a text unlike any other: a story of its own.
    fn other_story(n: u64) -> String {
        let mut x = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..60)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                format!("mot{}", x % 5000)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A series of searches with a memo, while articles come and go (copies among them), finds
    /// at each step what a search from scratch finds.
    #[test]
    fn a_series_with_a_memo_equals_searches_from_scratch() {
        let pool: Vec<String> = (0..24u64)
            .map(|i| match i % 4 {
                0 => STORY.to_string(),
                1 => format!("{STORY} Contacté, le ministère n'a pas souhaité commenter {i}."),
                _ => other_story(i),
            })
            .collect();
        let all = articles(&pool);
        let mut memo = Memo::default();
        let mut grouped = 0;
        // Windows over the pool, in site order: some articles leave, others come.
        for (start, end) in [(0, 8), (0, 12), (3, 12), (3, 20), (10, 24), (0, 24), (5, 6)] {
            let site: Vec<Arc<Article>> = all[start..end].to_vec();
            let digests: Vec<u128> = site.iter().map(|a| a.digest()).collect();
            let fresh = find(&site, &digests, None);
            assert_eq!(
                find(&site, &digests, Some(&mut memo)),
                fresh,
                "{start}..{end}"
            );
            grouped += fresh.iter().filter(|g| !g.is_empty()).count();
        }
        assert!(grouped > 0, "the pool has copies");
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
