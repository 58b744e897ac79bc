//! Related articles: shared tags first, then shared title words, nearer in time first. Copies
//! of the article's own story ([`super::copies`]) are never among them: its page lists those
//! apart, and leaving them out while choosing keeps every list full.
//!
//! Candidates come from the posting lists of an article's tags and title words, limited to a
//! window of neighbours in site (date) order. News is related to news of the same period, and
//! the window keeps the cost linear in the number of articles even for a tag carried by
//! thousands of them.

use std::sync::Arc;

use chrono::Datelike;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

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
    /// The other copies of its story, positions in that site's order.
    copies: Vec<usize>,
}

/// What breaks ties between equally related candidates: each article's day (days since the
/// common era, `None` when undated) and its rank in seed order. Neither changes how two
/// articles compare when others come and go anywhere, which is what lets [`assign`] keep the
/// related articles of those whose windows did not change.
struct Placing<'a> {
    /// By site position.
    days: Vec<Option<i32>>,
    /// By site position: the article's place in seed (id) order.
    seed_ranks: &'a [u32],
}

impl Placing<'_> {
    /// Days between articles `i` and `j`; an undated article is farther than any dated one.
    fn distance(&self, i: usize, j: usize) -> u32 {
        match (self.days[i], self.days[j]) {
            (Some(a), Some(b)) => a.abs_diff(b),
            _ => u32::MAX,
        }
    }
}

/// The related articles of every article: indices into `articles`, best first, never one of
/// `copies[i]` (the other copies of the article's story, in site order).
///
/// With a `memo` of the last assignment, articles that cannot have changed keep what they had.
/// An article's related articles depend only on the windows of its lists (the [`WINDOW`]
/// entries on each side of it in the posting list of each of its tags and title words), on
/// the days and seed ranks of the candidates there, which do not move when other articles come
/// and go, and on its copies. So, whatever the dates of the changes (a new seed is as often back-dated as fresh),
/// only these are scored again: the articles added or changed, those within `WINDOW + 1`
/// entries of one of them in a shared list, those within as many entries of the place an
/// article removed or changed held, those with a title word that became too common to count,
/// or stopped being, and those whose copies changed. The others keep their related articles, moved to their new
/// positions. Either way, the result is what scoring every article gives (a unit test compares
/// them), and the memo is left describing this site.
pub fn assign(
    articles: &[Arc<Article>],
    seed_ranks: &[u32],
    copies: &[Vec<usize>],
    count: usize,
    mut memo: Option<&mut Memo>,
) -> Vec<Vec<usize>> {
    let n = articles.len();
    assert_eq!(seed_ranks.len(), n, "one seed rank per article");
    assert_eq!(copies.len(), n, "the copies of every article");
    let placing = Placing {
        days: articles
            .iter()
            .map(|a| a.date.map(|d| d.num_days_from_ce()))
            .collect(),
        seed_ranks,
    };
    let mut own_terms = Terms::default();
    let (terms, earlier_entries) = match memo.as_deref_mut() {
        Some(m) => (&mut m.terms, m.articles.as_slice()),
        None => (&mut own_terms, &[][..]),
    };
    // The memo's position of the article of each id, by site position.
    let same_id: Vec<Option<usize>> = {
        let earlier: FxHashMap<&str, usize> = earlier_entries
            .iter()
            .enumerate()
            .map(|(old, e)| (e.article.id.as_str(), old))
            .collect();
        articles
            .iter()
            .map(|a| earlier.get(a.id.as_str()).copied())
            .collect()
    };
    let keys = keys_of(articles, &same_id, earlier_entries, terms);
    let lists = Lists::new(&keys, terms.len(), memo.as_deref());
    let kept = memo
        .as_deref()
        .filter(|m| m.count == count)
        .map(|m| to_score_again(m, articles, &keys, &same_id, &lists, copies));
    let scored = std::sync::atomic::AtomicUsize::new(0);
    let related: Vec<Vec<usize>> = (0..n)
        .into_par_iter()
        .map_init(
            || None,
            |scores: &mut Option<Scores>, i| {
                if let Some((moves, again)) = &kept {
                    if let (false, Some(old)) = (again[i], moves.old_of_new[i]) {
                        let before = memo_related(memo.as_deref(), old);
                        let moved: Option<Vec<usize>> =
                            before.iter().map(|&j| moves.new_of_old[j]).collect();
                        if let Some(moved) = moved {
                            return moved;
                        }
                    }
                }
                scored.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let scores = scores.get_or_insert_with(|| Scores::new(n));
                lists.score(scores, &keys[i], i, count, &placing, &copies[i])
            },
        )
        .collect();
    if let Some(m) = memo {
        m.articles = articles
            .iter()
            .zip(keys)
            .zip(&related)
            .zip(copies)
            .map(|(((a, keys), related), copies)| MemoEntry {
                article: Arc::clone(a),
                keys,
                related: related.clone(),
                copies: copies.clone(),
            })
            .collect();
        m.count = count;
        m.dropped_words = lists.dropped_words;
        m.scored = scored.into_inner();
    }
    related
}

/// The keys of every article. An article that is the same `Arc` as in the memo has the same
/// keys; the others' are made side by side, then numbered by `terms`.
fn keys_of(
    articles: &[Arc<Article>],
    same_id: &[Option<usize>],
    earlier_entries: &[MemoEntry],
    terms: &mut Terms,
) -> Vec<Arc<Keys>> {
    let kept_keys: Vec<Option<Arc<Keys>>> = articles
        .iter()
        .zip(same_id)
        .map(|(a, old)| {
            old.map(|old| &earlier_entries[old])
                .filter(|e| Arc::ptr_eq(&e.article, a))
                .map(|e| Arc::clone(&e.keys))
        })
        .collect();
    let strings: Vec<Option<(Vec<String>, Vec<String>)>> = articles
        .par_iter()
        .zip(&kept_keys)
        .map(|(a, kept)| kept.is_none().then(|| key_strings(a)))
        .collect();
    kept_keys
        .into_iter()
        .zip(strings)
        .map(|(kept, strings)| match (kept, strings) {
            (Some(kept), _) => kept,
            (None, Some(strings)) => Arc::new(terms.keys(strings)),
            (None, None) => unreachable!("keys are made for every article not kept"),
        })
        .collect()
}

/// The posting list of each tag and title word: the positions of the articles that have it.
struct Lists {
    tags: Vec<Vec<usize>>,
    /// Emptied for the words too common to count.
    words: Vec<Vec<usize>>,
    /// Whether each word is too common to count.
    dropped_words: Vec<bool>,
    /// The lists of the words that became too common since the memo, or stopped being.
    flipped: Vec<Vec<usize>>,
}

impl Lists {
    fn new(keys: &[Arc<Keys>], terms: usize, memo: Option<&Memo>) -> Lists {
        let mut tags: Vec<Vec<usize>> = vec![Vec::new(); terms];
        let mut words: Vec<Vec<usize>> = vec![Vec::new(); terms];
        for (i, k) in keys.iter().enumerate() {
            for &t in &k.tags {
                tags[t as usize].push(i);
            }
            for &w in &k.words {
                words[w as usize].push(i);
            }
        }
        // Words in more than a tenth of the titles say nothing about relatedness.
        let common = (keys.len() / 10).max(20);
        let dropped_words: Vec<bool> = words.iter().map(|p| p.len() > common).collect();
        let mut flipped = Vec::new();
        if let Some(m) = memo {
            for (w, p) in words.iter().enumerate() {
                let was = m.dropped_words.get(w).copied().unwrap_or(false);
                if !p.is_empty() && dropped_words[w] != was {
                    flipped.push(p.clone());
                }
            }
        }
        for (p, &dropped) in words.iter_mut().zip(&dropped_words) {
            if dropped {
                p.clear();
            }
        }
        Lists {
            tags,
            words,
            dropped_words,
            flipped,
        }
    }

    /// The lists of an article with keys `k`.
    fn of(&self, k: &Keys) -> Vec<&Vec<usize>> {
        let tags = k.tags.iter().map(|&t| &self.tags[t as usize]);
        let words = k.words.iter().map(|&w| &self.words[w as usize]);
        tags.chain(words).collect()
    }

    /// The `count` best related articles of the article at `i`, with keys `k`, but for its
    /// `copies`.
    fn score(
        &self,
        scores: &mut Scores,
        k: &Keys,
        i: usize,
        count: usize,
        placing: &Placing,
        copies: &[usize],
    ) -> Vec<usize> {
        for &t in &k.tags {
            for j in window(&self.tags[t as usize], i) {
                scores.add(j, 1, 0);
            }
        }
        for &w in &k.words {
            for j in window(&self.words[w as usize], i) {
                scores.add(j, 0, 1);
            }
        }
        scores.best(i, count, placing, copies)
    }
}

/// How articles moved since the memo `m`, and which must be scored again: those added or
/// changed, those near one of them or near the place of one removed or changed in a list they
/// share, those with a word that became too common, or stopped being, and those whose copies
/// changed.
fn to_score_again(
    m: &Memo,
    articles: &[Arc<Article>],
    keys: &[Arc<Keys>],
    same_id: &[Option<usize>],
    lists: &Lists,
    copies: &[Vec<usize>],
) -> (Moves, Vec<bool>) {
    let n = articles.len();
    let moves = Moves::between(m, articles, keys, same_id);
    let mut again = vec![false; n];
    // Around each article added or changed, in each of its lists.
    for (i, old) in moves.old_of_new.iter().enumerate() {
        if old.is_none() {
            again[i] = true;
            for list in lists.of(&keys[i]) {
                mark_around(&mut again, list, i);
            }
        }
    }
    // Around the place each article removed or changed held: where the first article after
    // it that stayed now is.
    let mut next_stayed = n;
    for (old, new) in moves.new_of_old.iter().enumerate().rev() {
        match new {
            Some(new) => next_stayed = *new,
            None => {
                for list in lists.of(&m.articles[old].keys) {
                    mark_around(&mut again, list, next_stayed);
                }
            }
        }
    }
    for p in &lists.flipped {
        for &j in p {
            again[j] = true;
        }
    }
    for (i, old) in moves.old_of_new.iter().enumerate() {
        if let Some(old) = *old {
            let before = m.articles[old].copies.iter().map(|&c| moves.new_of_old[c]);
            if !before.eq(copies[i].iter().map(|&c| Some(c))) {
                again[i] = true;
            }
        }
    }
    (moves, again)
}

/// Marks the entries of a sorted posting list within `WINDOW + 1` places of where position
/// `at` is or would be: the articles whose windows an article coming or going there changes.
fn mark_around(again: &mut [bool], list: &[usize], at: usize) {
    let entry = list.partition_point(|&j| j < at);
    let from = entry.saturating_sub(WINDOW + 1);
    let to = (entry + WINDOW + 2).min(list.len());
    for &j in &list[from..to] {
        again[j] = true;
    }
}

/// The related positions the memo holds for its article at `old`.
fn memo_related(memo: Option<&Memo>, old: usize) -> &[usize] {
    memo.map_or(&[], |m| m.articles[old].related.as_slice())
}

/// Which articles stayed since a memo: the same id, keys and day. (Their relative order is
/// then the same, since the site orders by day, then seed order.) The others count as removed
/// from their old place and added at their new one.
struct Moves {
    /// By position in the site: the position in the memo of the same article, if it stayed.
    old_of_new: Vec<Option<usize>>,
    /// By position in the memo: the position in the site, if it stayed.
    new_of_old: Vec<Option<usize>>,
}

impl Moves {
    fn between(
        memo: &Memo,
        articles: &[Arc<Article>],
        keys: &[Arc<Keys>],
        same_id: &[Option<usize>],
    ) -> Moves {
        let mut new_of_old = vec![None; memo.articles.len()];
        let old_of_new = articles
            .iter()
            .zip(keys)
            .zip(same_id)
            .enumerate()
            .map(|(new, ((a, k), old))| {
                let old = (*old)?;
                let e = &memo.articles[old];
                let same = Arc::ptr_eq(&e.article, a)
                    || (e.article.date == a.date && (Arc::ptr_eq(k, &e.keys) || **k == *e.keys));
                same.then(|| {
                    new_of_old[old] = Some(new);
                    old
                })
            })
            .collect();
        Moves {
            old_of_new,
            new_of_old,
        }
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

    /// The `count` best candidates for article `i` (never `i` itself nor one of its `copies`),
    /// best first: more shared
    /// tags, then more shared words, then fewer days apart, then earlier in seed order. That
    /// order is total, so keeping the best `count` while scanning gives what a full sort would,
    /// without sorting the hundreds of candidates an article has. Leaves the table empty for
    /// the next article.
    fn best(&mut self, i: usize, count: usize, placing: &Placing, copies: &[usize]) -> Vec<usize> {
        // One integer per candidate, smaller is better: the score inverted, then the distance,
        // then the seed rank.
        let rank = |j: usize, score: u64| -> u128 {
            (u128::from(!score) << 64)
                | (u128::from(placing.distance(i, j)) << 32)
                | u128::from(placing.seed_ranks[j])
        };
        let mut best: Vec<(u128, usize)> = Vec::with_capacity(count + 1);
        for j in self.touched.drain(..) {
            let score = std::mem::take(&mut self.table[j]);
            if j == i || count == 0 || copies.contains(&j) {
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

    /// The related articles (by id) of every article (by id), `count` of each.
    fn related_of(
        seeds: &[ParsedSeed],
        count: usize,
        memo: Option<&mut Memo>,
    ) -> Vec<(String, Vec<String>)> {
        related_with_copies(seeds, &[], count, memo)
    }

    /// [`related_of`], with the seeds of each group of `copies` (by index into `seeds`) taken
    /// as copies of one story.
    fn related_with_copies(
        seeds: &[ParsedSeed],
        copies: &[&[usize]],
        count: usize,
        memo: Option<&mut Memo>,
    ) -> Vec<(String, Vec<String>)> {
        let config = Config::parse("").unwrap();
        let urls = Urls::new("https://example.org/").unwrap();
        let (site, _) =
            super::super::assemble(&config, &urls, seeds.to_vec(), Default::default(), false);
        let articles = site.articles;
        let position = |seed: usize| {
            let id = &seeds[seed].id;
            articles.iter().position(|a| &a.id == id).unwrap()
        };
        let mut copies_of = vec![Vec::new(); articles.len()];
        for group in copies {
            let mut at: Vec<usize> = group.iter().map(|&k| position(k)).collect();
            at.sort_unstable();
            for &i in &at {
                copies_of[i] = at.iter().copied().filter(|&j| j != i).collect();
            }
        }
        let related = assign(&articles, &site.seed_ranks, &copies_of, count, memo);
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
    /// changes of any date: each scores few articles, but for a change of the threshold of
    /// common words or a change of everything.
    #[test]
    fn assigning_from_a_memo_equals_assigning_from_scratch() {
        let mut seeds: Vec<ParsedSeed> = (0..1200).map(|n| seed(n, n as u32, 0)).collect();
        // Two series: five related articles, as a site has, where a change of an article's
        // windows need not show in what it keeps; and a count far above, where every
        // candidate shows, so that any change of its windows shows too.
        let mut memos = [(5, Memo::default()), (400, Memo::default())];
        for (count, memo) in &mut memos {
            assert!(related_of(&seeds, *count, Some(memo)) == related_of(&seeds, *count, None));
            assert_eq!(memo.scored(), 1200);
        }
        // `incremental`: whether fewer than half the articles are scored, when it is known.
        let mut check = |seeds: &[ParsedSeed], what: &str, incremental: Option<bool>| {
            for (count, memo) in &mut memos {
                let got = related_of(seeds, *count, Some(memo));
                let want = related_of(seeds, *count, None);
                let wrong = got.iter().zip(&want).filter(|(g, w)| g != w).count();
                assert!(
                    got.len() == want.len() && wrong == 0,
                    "{what}, {count} related: {wrong} articles differ"
                );
                let scored = memo.scored();
                if let Some(incremental) = incremental {
                    assert_eq!(
                        scored < seeds.len() / 2,
                        incremental,
                        "{what}, {count} related: {scored} scored"
                    );
                }
            }
        };
        // The newest article, with `crise`: 121 titles of 1,201 have it now, one more than a
        // tenth, and it stops counting for the articles that have it.
        seeds.push(seed(1200, 3000, 0));
        check(&seeds, "one newest article", Some(true));
        for n in 1201..1204 {
            seeds.push(seed(n, 3000 + n as u32, 0));
        }
        check(&seeds, "three newest articles", Some(true));
        // The newest article retitled and retagged, then removed.
        let last = seeds.len() - 1;
        seeds[last] = seed(1203, 4203, 1);
        check(&seeds, "the newest article changed", Some(true));
        seeds.pop();
        check(&seeds, "the newest article removed", Some(true));
        check(&seeds, "nothing changed", Some(true));
        // Changes further back score as few.
        seeds.push(seed(1204, 300, 0));
        check(&seeds, "a back-dated article", Some(true));
        seeds.push(seed(1205, 300, 3));
        check(&seeds, "another on the same day", Some(true));
        seeds[200] = seed(200, 200, 2);
        check(&seeds, "an old article changed", Some(true));
        seeds[201] = seed(201, 900, 0);
        check(&seeds, "an old article moved to another date", Some(true));
        seeds.remove(100);
        check(&seeds, "an old article removed", Some(true));
        // Several at once, of all kinds: with eight tags, each change reaches a few hundred
        // articles, so how many are scored is not asserted.
        seeds.remove(700);
        seeds.remove(40);
        seeds[500] = seed(500, 501, 4);
        seeds.push(seed(1206, 10, 0));
        seeds.push(seed(1207, 2000, 5));
        check(&seeds, "several changes at once", None);
        check(&seeds, "nothing changed again", Some(true));
        // Every article redated: all scored.
        for (k, s) in seeds.iter_mut().enumerate() {
            *s = seed(k, 5000 - k as u32, 0);
        }
        check(&seeds, "everything changed", Some(false));
    }

    /// Copies of an article's story are left out while its related articles are chosen, so the
    /// list stays full, and a memo follows a change of copies as assigning from scratch does.
    #[test]
    fn copies_are_passed_over_and_lists_stay_full() {
        let seeds: Vec<ParsedSeed> = (0..300).map(|n| seed(n, n as u32, 0)).collect();
        let plain = related_of(&seeds, 8, None);
        let (id, best) = &plain[150];
        let seed_of = |id: &String| seeds.iter().position(|s| &s.id == id).unwrap();
        let me = seed_of(id);
        let group = [me, seed_of(&best[0]), seed_of(&best[2])];
        let mut memo = Memo::default();
        related_of(&seeds, 5, Some(&mut memo));
        let got = related_with_copies(&seeds, &[&group], 5, Some(&mut memo));
        assert!(got == related_with_copies(&seeds, &[&group], 5, None));
        assert!(memo.scored() < seeds.len() / 2, "{} scored", memo.scored());
        let mine = &got.iter().find(|(a, _)| a == id).unwrap().1;
        let want: Vec<String> = best
            .iter()
            .filter(|r| *r != &best[0] && *r != &best[2])
            .take(5)
            .cloned()
            .collect();
        assert_eq!(mine, &want, "full, without the copies");
        // The copies gone again: a memo gives the lists from scratch.
        let back = related_of(&seeds, 5, Some(&mut memo));
        assert!(back == related_of(&seeds, 5, None));
    }

    /// An article removed from a window lets the next one in at its edge, and that one can
    /// become related though the removed one was not: the article whose window it was is
    /// scored again. Two hundred articles share a tag, one a day; the newest and the one 61 entries
    /// down the tag's list (just outside the newest's window) also share a title word, so that
    /// once an article between them goes, the latter comes first.
    #[test]
    fn an_article_removed_from_a_window_lets_the_next_one_in() {
        let opts = ParseOptions::from_config(&Config::parse("").unwrap());
        let seed = |n: usize| {
            let word = if n == 0 || n == 61 { "zanzibar" } else { "" };
            let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
                - chrono::Duration::days(n as i64);
            let text = format!(
                "Article {word} {n:04}\n\nUn texte.\n\nAFP, {}\nEtiquettes : Thème,\n",
                date.format("%d/%m/%Y")
            );
            let path = format!("{n:04}_{n:016x}.txt");
            parse_seed(std::path::Path::new(&path), text.as_bytes(), &opts).unwrap()
        };
        let mut seeds: Vec<ParsedSeed> = (0..200).map(seed).collect();
        let mut memo = Memo::default();
        let first = related_of(&seeds, 5, Some(&mut memo));
        assert!(!first[0].1.contains(&seeds[61].id), "outside the window");
        seeds.remove(30);
        let got = related_of(&seeds, 5, Some(&mut memo));
        assert_eq!(got[0].1[0], seeds[60].id, "inside now, and first");
        assert!(got == related_of(&seeds, 5, None));
        assert!(memo.scored() < seeds.len() / 2, "{} scored", memo.scored());
    }

    /// More shared tags first, then more shared words, then fewer days apart (undated
    /// farthest), then earlier in seed order.
    #[test]
    fn best_orders_by_tags_words_days_then_seed_rank() {
        // Article 5 is on day 100; 3 and 7 are two days away, 3 named later than 7.
        let days = [90, 80, 95, 102, 99, 100, 0, 98, 0, 70, 0, 0];
        let seed_ranks = [0, 1, 2, 9, 4, 5, 6, 3, 8, 7, 10, 11];
        let mut days: Vec<Option<i32>> = days.iter().map(|&d| Some(d)).collect();
        days[10] = None;
        let placing = Placing {
            days,
            seed_ranks: &seed_ranks,
        };
        let mut s = Scores::new(12);
        s.add(1, 0, 3); // words only
        s.add(9, 1, 0); // a tag, far
        s.add(7, 1, 0); // a tag, nearer
        s.add(3, 1, 0); // a tag, as near as 7 but later in seed order
        s.add(10, 1, 0); // a tag, undated
        s.add(6, 2, 0); // two tags
        s.add(4, 1, 1); // a tag and a word
        s.add(5, 9, 9); // the article itself
        assert_eq!(s.best(5, 7, &placing, &[]), vec![6, 4, 7, 3, 9, 10, 1]);
        assert_eq!(
            s.best(5, 5, &placing, &[]),
            Vec::<usize>::new(),
            "the table is left empty"
        );
        s.add(2, 0, 1);
        assert_eq!(s.best(5, 0, &placing, &[]), Vec::<usize>::new());
        // Copies are passed over, and the next candidates fill their places.
        for (j, tags) in [(1, 3), (2, 2), (3, 1), (4, 1)] {
            s.add(j, tags, 0);
        }
        assert_eq!(s.best(5, 2, &placing, &[1, 3]), vec![2, 4]);
    }
}
