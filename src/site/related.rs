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
        .map(|i| {
            let mut scores: HashMap<usize, (u32, u32)> = HashMap::new();
            let (tags, words) = &keys[i];
            for t in tags {
                for j in window(&tag_postings[t.as_str()], i) {
                    scores.entry(j).or_default().0 += 1;
                }
            }
            for w in words {
                if let Some(p) = word_postings.get(w.as_str()) {
                    for j in window(p, i) {
                        scores.entry(j).or_default().1 += 1;
                    }
                }
            }
            scores.remove(&i);
            let mut ranked: Vec<(usize, (u32, u32))> = scores.into_iter().collect();
            ranked.sort_by(|(a, sa), (b, sb)| {
                sb.cmp(sa)
                    .then_with(|| a.abs_diff(i).cmp(&b.abs_diff(i)))
                    .then_with(|| a.cmp(b))
            });
            // Not `ranked.into_iter()…collect()`: that collects in place and would keep the
            // whole candidate buffer alive behind each five-entry list (130 MB at 10k).
            ranked.iter().take(count).map(|&(j, _)| j).collect()
        })
        .collect();
    for (a, r) in articles.iter_mut().zip(related) {
        a.related = r;
    }
}

/// The entries of a sorted posting list within [`WINDOW`] positions of article `i`.
fn window(postings: &[usize], i: usize) -> impl Iterator<Item = usize> + '_ {
    let pos = postings.partition_point(|&x| x < i);
    let start = pos.saturating_sub(WINDOW);
    let end = (pos + WINDOW + 1).min(postings.len());
    postings[start..end].iter().copied()
}
