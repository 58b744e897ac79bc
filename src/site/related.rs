//! Related articles: shared tags first, then shared title words, nearer in time first.
//!
//! Candidates come from the posting lists of an article's tags and title words, limited to a
//! window of neighbours in site (date) order. News is related to news of the same period, and
//! the window keeps the cost linear in the number of articles even for a tag carried by
//! thousands of them.

use std::collections::HashMap;

use rayon::prelude::*;

use super::Article;
use crate::text::fold_words;

/// Neighbours considered on each side of an article in a posting list.
const WINDOW: usize = 60;

/// Fills `related` (indices into `articles`, best first) for every article.
pub fn assign(articles: &mut [Article], count: usize) {
    let n = articles.len();
    let keys: Vec<(Vec<String>, Vec<String>)> = articles
        .par_iter()
        .map(|a| {
            let mut tags: Vec<String> = a.all_tags().map(|t| t.slug.clone()).collect();
            tags.sort();
            tags.dedup();
            let folded = fold_words(&a.title);
            let mut words: Vec<String> = folded
                .split(' ')
                .filter(|w| w.chars().count() >= 4)
                .map(str::to_string)
                .collect();
            words.sort();
            words.dedup();
            (tags, words)
        })
        .collect();
    let mut tag_postings: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut word_postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (tags, words)) in keys.iter().enumerate() {
        for t in tags {
            tag_postings.entry(t).or_default().push(i);
        }
        for w in words {
            word_postings.entry(w).or_default().push(i);
        }
    }
    // Words in more than a tenth of the titles say nothing about relatedness.
    let common = (n / 10).max(20);
    word_postings.retain(|_, p| p.len() <= common);

    let related: Vec<Vec<usize>> = (0..n)
        .into_par_iter()
        .map_init(
            || Scores::new(n),
            |scores, i| {
                let (tags, words) = &keys[i];
                for t in tags {
                    for j in window(&tag_postings[t.as_str()], i) {
                        scores.add(j, 1, 0);
                    }
                }
                for w in words {
                    if let Some(p) = word_postings.get(w.as_str()) {
                        for j in window(p, i) {
                            scores.add(j, 0, 1);
                        }
                    }
                }
                scores.best(i, count)
            },
        )
        .collect();
    for (a, r) in articles.iter_mut().zip(related) {
        a.related = r;
    }
}

/// Shared-tag and shared-word counts of the candidates of one article, in a dense table reused
/// from one article to the next (a hash map per article cost more than the scoring itself).
struct Scores {
    /// Article index → (shared tags, shared title words); all zero outside `touched`.
    table: Vec<(u32, u32)>,
    /// Indices with a non-zero entry, each once.
    touched: Vec<usize>,
}

impl Scores {
    fn new(n: usize) -> Scores {
        Scores {
            table: vec![(0, 0); n],
            touched: Vec::new(),
        }
    }

    fn add(&mut self, j: usize, tags: u32, words: u32) {
        let s = &mut self.table[j];
        if *s == (0, 0) {
            self.touched.push(j);
        }
        s.0 += tags;
        s.1 += words;
    }

    /// The `count` best candidates for article `i` (never `i` itself), best first: more shared
    /// tags, then more shared words, then nearer in site order, then lower index. That order is
    /// total, so keeping the best `count` while scanning gives what a full sort would, without
    /// sorting the hundreds of candidates an article has. Leaves the table empty for the next
    /// article.
    fn best(&mut self, i: usize, count: usize) -> Vec<usize> {
        let order = |(a, sa): &(usize, (u32, u32)), (b, sb): &(usize, (u32, u32))| {
            sb.cmp(sa)
                .then_with(|| a.abs_diff(i).cmp(&b.abs_diff(i)))
                .then_with(|| a.cmp(b))
        };
        let mut best: Vec<(usize, (u32, u32))> = Vec::with_capacity(count + 1);
        for j in self.touched.drain(..) {
            let candidate = (j, std::mem::take(&mut self.table[j]));
            if j == i || count == 0 {
                continue;
            }
            if best.len() == count
                && best
                    .last()
                    .is_some_and(|last| order(&candidate, last).is_ge())
            {
                continue;
            }
            let at = best.partition_point(|b| order(b, &candidate).is_lt());
            best.insert(at, candidate);
            best.truncate(count);
        }
        best.into_iter().map(|(j, _)| j).collect()
    }
}

/// The entries of a sorted posting list within [`WINDOW`] positions of article `i`.
fn window(postings: &[usize], i: usize) -> impl Iterator<Item = usize> + '_ {
    let pos = postings.partition_point(|&x| x < i);
    let start = pos.saturating_sub(WINDOW);
    let end = (pos + WINDOW + 1).min(postings.len());
    postings[start..end].iter().copied()
}
