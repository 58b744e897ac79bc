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
    /// Article index → shared tags in the high 32 bits, shared title words in the low 32 (so
    /// one integer compares as the pair does); zero outside `touched`.
    table: Vec<u64>,
    /// Indices with a non-zero entry, each once.
    touched: Vec<usize>,
}

impl Scores {
    fn new(n: usize) -> Scores {
        Scores {
            table: vec![0; n],
            touched: Vec::new(),
        }
    }

    fn add(&mut self, j: usize, tags: u32, words: u32) {
        let s = &mut self.table[j];
        if *s == 0 {
            self.touched.push(j);
        }
        *s += (u64::from(tags) << 32) | u64::from(words);
    }

    /// The `count` best candidates for article `i` (never `i` itself), best first: more shared
    /// tags, then more shared words, then nearer in site order, then lower index. That order is
    /// total, so keeping the best `count` while scanning gives what a full sort would, without
    /// sorting the hundreds of candidates an article has. Leaves the table empty for the next
    /// article.
    fn best(&mut self, i: usize, count: usize) -> Vec<usize> {
        // One integer per candidate, smaller is better: the score inverted, then the distance,
        // then the index.
        let rank = |j: usize, score: u64| -> u128 {
            (u128::from(!score) << 64) | ((j.abs_diff(i) as u128) << 32) | j as u128
        };
        let mut best: Vec<(u128, usize)> = Vec::with_capacity(count + 1);
        for j in self.touched.drain(..) {
            let score = std::mem::take(&mut self.table[j]);
            if j == i || count == 0 {
                continue;
            }
            let r = rank(j, score);
            if best.len() == count && best.last().is_some_and(|last| r >= last.0) {
                continue;
            }
            let at = best.partition_point(|b| b.0 < r);
            best.insert(at, (r, j));
            best.truncate(count);
        }
        best.into_iter().map(|(_, j)| j).collect()
    }
}

/// The entries of a sorted posting list within [`WINDOW`] positions of article `i`.
fn window(postings: &[usize], i: usize) -> impl Iterator<Item = usize> + '_ {
    let pos = postings.partition_point(|&x| x < i);
    let start = pos.saturating_sub(WINDOW);
    let end = (pos + WINDOW + 1).min(postings.len());
    postings[start..end].iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// More shared tags first, then more shared words, then nearer, then the lower index.
    #[test]
    fn best_orders_by_tags_words_distance_then_index() {
        let mut s = Scores::new(12);
        s.add(1, 0, 3); // words only
        s.add(9, 1, 0); // a tag, far
        s.add(7, 1, 0); // a tag, nearer
        s.add(3, 1, 0); // a tag, as near as 7 but a lower index
        s.add(6, 2, 0); // two tags
        s.add(4, 1, 1); // a tag and a word
        s.add(5, 9, 9); // the article itself
        assert_eq!(s.best(5, 5), vec![6, 4, 3, 7, 9]);
        assert_eq!(s.best(5, 5), Vec::<usize>::new(), "the table is left empty");
        s.add(2, 0, 1);
        assert_eq!(s.best(5, 0), Vec::<usize>::new());
    }
}
