//! Related articles: shared tags first, then shared title words, nearer in time first.
//!
//! Candidates come from the posting lists of an article's tags and title words, limited to a
//! window of neighbours in site (date) order. News is related to news of the same period, and
//! the window keeps the cost linear in the number of articles even for a tag carried by
//! thousands of them.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::Article;
use crate::text::fold_words;

/// Neighbours considered on each side of an article in a posting list.
const WINDOW: usize = 60;

/// What relatedness reads of an article: its tag slugs and its title words (four letters or
/// more, folded), each once, as ids of a [`Terms`] table.
#[derive(Debug, PartialEq, Eq)]
struct Keys {
    tags: Vec<u32>,
    words: Vec<u32>,
}

/// The strings of [`Keys`], before they are given ids: made side by side, then numbered in
/// order.
fn key_strings(a: &Article) -> (Vec<String>, Vec<String>) {
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
}

/// Tag slugs and title words by id, so that posting lists are vectors indexed by id rather
/// than maps of strings. One table for both; their posting lists are apart. Ids are kept
/// from one assignment to the next of a memo, so kept keys stay valid.
#[derive(Debug, Default)]
struct Terms {
    ids: FxHashMap<String, u32>,
}

impl Terms {
    fn id(&mut self, term: String) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(term).or_insert(next)
    }

    fn keys(&mut self, (tags, words): (Vec<String>, Vec<String>)) -> Keys {
        Keys {
            tags: tags.into_iter().map(|t| self.id(t)).collect(),
            words: words.into_iter().map(|w| self.id(w)).collect(),
        }
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

/// The related articles of the last assignment, for the next one to start from (the rebuilds
/// of `gazette serve`, see [`assign`]).
#[derive(Debug, Default)]
pub struct Memo {
    /// In that site's order.
    articles: Vec<MemoEntry>,
    /// The `count` it was made with.
    count: usize,
    /// The ids of its keys.
    terms: Terms,
    /// By word id: whether the word was too common to relate articles, with that site's
    /// threshold.
    dropped_words: Vec<bool>,
    /// How many articles the last assignment scored (the others kept their related articles).
    scored: usize,
}

impl Memo {
    /// How many articles the last assignment scored; the others kept what they had.
    pub fn scored(&self) -> usize {
        self.scored
    }
}

#[derive(Debug)]
struct MemoEntry {
    /// The article, shared with that site: an article that is still the same `Arc` has the
    /// same keys.
    article: Arc<Article>,
    keys: Arc<Keys>,
    /// Positions in that site's order.
    related: Vec<usize>,
}

/// The related articles of every article: indices into `articles`, best first.
///
/// With a `memo` of the last assignment, articles that cannot have changed keep what they had.
/// News is added at the front (newest first). When every change since the memo is at the front
/// of the site order (new or changed articles before all others, removed ones before all
/// others) and the rest is the same articles in the same order with the same keys, the windows
/// of an article of the rest are what they were, but for front articles coming in or going out
/// (the distances between the others are unchanged). So only the front is scored again, with
/// the articles of the rest within [`WINDOW`] places of a front article in a shared list, those
/// that had a removed article among their related ones, and those with a title word that
/// became too common to count, or stopped being. Changes further back make a larger front.
/// Either way, the result is what scoring every article gives (a unit test compares them), and
/// the memo is left describing this site.
pub fn assign(
    articles: &[Arc<Article>],
    count: usize,
    mut memo: Option<&mut Memo>,
) -> Vec<Vec<usize>> {
    let n = articles.len();
    let mut own_terms = Terms::default();
    let (terms, earlier_entries) = match memo.as_deref_mut() {
        Some(m) => (&mut m.terms, m.articles.as_slice()),
        None => (&mut own_terms, &[][..]),
    };
    let earlier: FxHashMap<&str, &MemoEntry> = earlier_entries
        .iter()
        .map(|e| (e.article.id.as_str(), e))
        .collect();
    // An article that is the same `Arc` as in the memo has the same keys; the others' are
    // made side by side, then numbered.
    let kept_keys: Vec<Option<Arc<Keys>>> = articles
        .iter()
        .map(|a| {
            earlier
                .get(a.id.as_str())
                .filter(|e| Arc::ptr_eq(&e.article, a))
                .map(|e| Arc::clone(&e.keys))
        })
        .collect();
    let strings: Vec<Option<(Vec<String>, Vec<String>)>> = articles
        .par_iter()
        .zip(&kept_keys)
        .map(|(a, kept)| kept.is_none().then(|| key_strings(a)))
        .collect();
    let keys: Vec<Arc<Keys>> = kept_keys
        .into_iter()
        .zip(strings)
        .map(|(kept, strings)| match (kept, strings) {
            (Some(kept), _) => kept,
            (None, Some(strings)) => Arc::new(terms.keys(strings)),
            (None, None) => unreachable!("keys are made for every article not kept"),
        })
        .collect();
    let mut tag_postings: Vec<Vec<usize>> = vec![Vec::new(); terms.len()];
    let mut word_postings: Vec<Vec<usize>> = vec![Vec::new(); terms.len()];
    for (i, k) in keys.iter().enumerate() {
        for &t in &k.tags {
            tag_postings[t as usize].push(i);
        }
        for &w in &k.words {
            word_postings[w as usize].push(i);
        }
    }
    // Words in more than a tenth of the titles say nothing about relatedness.
    let common = (n / 10).max(20);
    let dropped_words: Vec<bool> = word_postings.iter().map(|p| p.len() > common).collect();
    let mut flipped_postings: Vec<Vec<usize>> = Vec::new();
    if let Some(m) = memo.as_deref() {
        for (w, p) in word_postings.iter().enumerate() {
            let was = m.dropped_words.get(w).copied().unwrap_or(false);
            if !p.is_empty() && dropped_words[w] != was {
                flipped_postings.push(p.clone());
            }
        }
    }
    for (p, &dropped) in word_postings.iter_mut().zip(&dropped_words) {
        if dropped {
            p.clear();
        }
    }

    let score = |scores: &mut Scores, i: usize| -> Vec<usize> {
        let k = &keys[i];
        for &t in &k.tags {
            for j in window(&tag_postings[t as usize], i) {
                scores.add(j, 1, 0);
            }
        }
        for &w in &k.words {
            for j in window(&word_postings[w as usize], i) {
                scores.add(j, 0, 1);
            }
        }
        scores.best(i, count)
    };
    let kept = memo
        .as_deref()
        .filter(|m| m.count == count)
        .and_then(|m| front_change(m, articles, &keys))
        .map(|front| {
            let Front {
                new_front,
                old_front,
            } = front;
            // Articles of the rest whose windows now hold a front article: those within
            // `WINDOW` places of the front of a list a front article is in. (An article whose
            // windows held a removed one kept it among its related articles or not: if it did,
            // it is scored again below; if not, the others' scores are what they were.)
            let mut again = vec![false; n];
            let mut tags_at_front: FxHashSet<u32> = FxHashSet::default();
            let mut words_at_front: FxHashSet<u32> = FxHashSet::default();
            for k in &keys[..new_front] {
                tags_at_front.extend(k.tags.iter().copied());
                words_at_front.extend(k.words.iter().copied());
            }
            let lists = tags_at_front
                .iter()
                .map(|&t| &tag_postings[t as usize])
                .chain(words_at_front.iter().map(|&w| &word_postings[w as usize]));
            for p in lists {
                let rest = p.partition_point(|&j| j < new_front);
                for &j in p[rest..].iter().take(WINDOW + 1) {
                    again[j] = true;
                }
            }
            for p in &flipped_postings {
                for &j in p {
                    again[j] = true;
                }
            }
            (new_front, old_front, again)
        });
    let scored = std::sync::atomic::AtomicUsize::new(0);
    let related: Vec<Vec<usize>> = (0..n)
        .into_par_iter()
        .map_init(
            || None,
            |scores: &mut Option<Scores>, i| {
                if let Some((new_front, old_front, again)) = &kept {
                    if i >= *new_front && !again[i] {
                        let before = &memo_related(memo.as_deref(), i - new_front + old_front);
                        let moved: Option<Vec<usize>> = before
                            .iter()
                            .map(|&j| (j >= *old_front).then(|| j - old_front + new_front))
                            .collect();
                        if let Some(moved) = moved {
                            return moved;
                        }
                    }
                }
                scored.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                score(scores.get_or_insert_with(|| Scores::new(n)), i)
            },
        )
        .collect();
    if let Some(m) = memo {
        m.articles = articles
            .iter()
            .zip(keys)
            .zip(&related)
            .map(|((a, keys), related)| MemoEntry {
                article: Arc::clone(a),
                keys,
                related: related.clone(),
            })
            .collect();
        m.count = count;
        m.dropped_words = dropped_words;
        m.scored = scored.into_inner();
    }
    related
}

/// The related positions the memo holds for its article at `old`.
fn memo_related(memo: Option<&Memo>, old: usize) -> &[usize] {
    memo.map_or(&[], |m| m.articles[old].related.as_slice())
}

/// Where the changes since a memo end: the articles before `new_front` (in the site) and
/// before `old_front` (in the memo) differ; the rest is the same articles, in the same order,
/// with the same keys.
struct Front {
    new_front: usize,
    old_front: usize,
}

fn front_change(memo: &Memo, articles: &[Arc<Article>], keys: &[Arc<Keys>]) -> Option<Front> {
    let old = &memo.articles;
    // The longest common tail of the two orders, same ids and same keys.
    let mut rest = 0;
    while rest < old.len() && rest < articles.len() {
        let (a, k) = (
            &articles[articles.len() - 1 - rest],
            &keys[articles.len() - 1 - rest],
        );
        let e = &old[old.len() - 1 - rest];
        if a.id != e.article.id || (!Arc::ptr_eq(k, &e.keys) && **k != *e.keys) {
            break;
        }
        rest += 1;
    }
    let (new_front, old_front) = (articles.len() - rest, old.len() - rest);
    // A changed article in the rest (moved by a new date, or given other keys) breaks the
    // common tail before the front: then more than the front changed.
    let front_ids: FxHashSet<&str> = articles[..new_front]
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    let rest_ids_changed = old[old_front..]
        .iter()
        .any(|e| front_ids.contains(e.article.id.as_str()));
    (!rest_ids_changed).then_some(Front {
        new_front,
        old_front,
    })
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
    use crate::config::Config;
    use crate::seed::{parse_seed, ParseOptions, ParsedSeed};
    use crate::urls::Urls;

    /// A seed numbered `n`: a title of a few words out of two hundred (so that titles share
    /// words), one of them, `crise`, in every tenth title (at the threshold of words too common
    /// to count), and two or three tags out of eight (so that tag lists are longer than the
    /// window), dated `day` days after 2020-01-01.
    fn seed(n: usize, day: u32, salt: usize) -> ParsedSeed {
        const TAGS: [&str; 8] = [
            "Politique",
            "France",
            "Économie",
            "Europe",
            "Social",
            "Climat",
            "Santé",
            "Justice",
        ];
        let pick = |k: usize| (n * 7 + k * 13 + salt * 5) % 997;
        let crise = if n % 10 == 0 { "crise" } else { "" };
        let title = format!(
            "Les nouvelles sujet{} sujet{} {crise} numéro {n}",
            pick(1) % 200,
            (pick(2) + salt) % 200,
        );
        let tags: Vec<&str> = (0..2 + pick(4) % 2)
            .map(|k| TAGS[pick(5 + k) % 8])
            .collect();
        let date = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
            + chrono::Duration::days(i64::from(day));
        let text = format!(
            "{title}\n\nParis. Un texte sur {title} pour le corps de l'article.\n\nAFP, {}\nEtiquettes : {},\n",
            date.format("%d/%m/%Y"),
            tags.join(", ")
        );
        let path = format!("{n:04}_{n:016x}.txt");
        let opts = ParseOptions::from_config(&Config::parse("").unwrap());
        parse_seed(std::path::Path::new(&path), text.as_bytes(), &opts).unwrap()
    }

    /// The related articles (by id) of every article (by id), `count` of each: with a count
    /// far above the five of a site, every candidate of an article shows, so that any change
    /// of its windows shows too.
    fn related_of(seeds: &[ParsedSeed], memo: Option<&mut Memo>) -> Vec<(String, Vec<String>)> {
        let config = Config::parse("").unwrap();
        let urls = Urls::new("https://example.org/").unwrap();
        let (site, _) =
            super::super::assemble(&config, &urls, seeds.to_vec(), Default::default(), false);
        let articles = site.articles;
        let related = assign(&articles, 400, memo);
        articles
            .iter()
            .zip(related)
            .map(|(a, related)| {
                let related = related.iter().map(|&j| articles[j].id.clone()).collect();
                (a.id.clone(), related)
            })
            .collect()
    }

    /// A series of assignments from a memo gives what assigning from scratch gives, after
    /// changes at the front (the incremental case, which scores few articles) and elsewhere
    /// (which scores them all).
    #[test]
    fn assigning_from_a_memo_equals_assigning_from_scratch() {
        let mut seeds: Vec<ParsedSeed> = (0..1200).map(|n| seed(n, n as u32, 0)).collect();
        let mut memo = Memo::default();
        assert!(related_of(&seeds, Some(&mut memo)) == related_of(&seeds, None));
        assert_eq!(memo.scored(), 1200);
        let mut check = |seeds: &[ParsedSeed], what: &str, incremental: bool| {
            let got = related_of(seeds, Some(&mut memo));
            let want = related_of(seeds, None);
            let wrong = got.iter().zip(&want).filter(|(g, w)| g != w).count();
            assert!(
                got.len() == want.len() && wrong == 0,
                "{what}: {wrong} articles differ"
            );
            let scored = memo.scored();
            assert_eq!(
                scored < seeds.len() / 2,
                incremental,
                "{what}: {scored} scored"
            );
        };
        // The newest article, then three at once.
        // The newest article, with `crise`: 121 titles of 1,201 have it now, one more than a
        // tenth, and it stops counting for the articles that have it.
        seeds.push(seed(1200, 3000, 0));
        check(&seeds, "one newest article", true);
        for n in 1201..1204 {
            seeds.push(seed(n, 3000 + n as u32, 0));
        }
        check(&seeds, "three newest articles", true);
        // The newest article retitled and retagged, then removed.
        let last = seeds.len() - 1;
        seeds[last] = seed(1203, 4203, 1);
        check(&seeds, "the newest article changed", true);
        seeds.pop();
        check(&seeds, "the newest article removed", true);
        check(&seeds, "nothing changed", true);
        // Changes further back: everything newer than them is scored again.
        seeds.push(seed(1204, 300, 0));
        check(&seeds, "a back-dated article", false);
        seeds[200] = seed(200, 200, 2);
        check(&seeds, "an old article changed", false);
        seeds.remove(100);
        check(&seeds, "an old article removed", false);
        check(&seeds, "nothing changed again", true);
    }

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
