//! The text analysis of one article, as plain data.
//!
//! Tokenising and stemming every article is most of the index build, and an article's analysis
//! depends on nothing but the article (its title, tag and source names, summary, body text and
//! language) and the excerpt length: so it is computed once per article into an [`Analysis`],
//! which the analysis cache ([`super::cache`]) keeps across builds, and the index is built from
//! the analyses of all articles.

use rayon::prelude::*;

use super::tokenize::{split_words, Analyzer};
use crate::site::Article;

/// Fields of a document, in payload order.
pub const TITLE: usize = 0;
/// Tag and source names.
pub const TAGS: usize = 1;
/// Summary lines.
pub const SUMMARY: usize = 2;
/// Body text.
pub const BODY: usize = 3;

/// The kept excerpt text is cut in this many segments; hint `i` < 3 = first body occurrence in
/// segment `i`, [`HINT_NONE`] = only in the title, tags or summary, or beyond the kept text.
pub const SEGMENTS: usize = 3;
/// Segment hint of a term with no body occurrence in the excerpt.
pub const HINT_NONE: u8 = 3;

/// Fewest articles analysed by one task: each task stems its own vocabulary, so tiny tasks
/// would stem the same words over and over.
const MIN_CHUNK_DOCS: usize = 64;

/// What the index needs of one article's text: its distinct terms with their statistics and its
/// field lengths. Plain owned data, so it can be cached across builds. The excerpt is not kept:
/// it is a copy of the start of the body, cheap to cut again ([`excerpt`]) when the document
/// files are written, and keeping it for every article was a fifth of the stage's memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The distinct terms (folded, stemmed), in order of first occurrence, separated by one
    /// space (terms never contain one): one allocation per article instead of one per term.
    pub(super) terms: String,
    /// Per term of [`Analysis::terms`], in the same order: term frequency per field and the
    /// segment hint of its first body occurrence.
    pub(super) stats: Vec<([u16; 4], u8)>,
    /// Field lengths in terms.
    pub lens: [u32; 4],
}

impl Analysis {
    /// The terms with their per-field frequencies and hints.
    pub fn terms(&self) -> impl Iterator<Item = (&str, &[u16; 4], u8)> {
        self.terms
            .split(' ')
            .zip(&self.stats)
            .map(|(t, (tf, hint))| (t, tf, *hint))
    }

    /// Whether the parts agree (one stat per term, no empty term, hints in range, an excerpt):
    /// checked on what the cache reads back, so damaged entries are dropped, not trusted.
    pub fn is_consistent(&self) -> bool {
        let terms_ok = if self.terms.is_empty() {
            self.stats.is_empty()
        } else {
            let mut count = 0;
            self.terms.split(' ').all(|t| {
                count += 1;
                !t.is_empty()
            }) && count == self.stats.len()
        };
        terms_ok && self.stats.iter().all(|(_, h)| *h <= HINT_NONE)
    }
}

/// Analyses articles in parallel runs, in order (see [`Chunk`]).
pub fn analyze_all(articles: &[&Article], excerpt_chars: usize) -> Vec<Analysis> {
    let chunk_len = articles
        .len()
        .div_ceil(rayon::current_num_threads() * 2)
        .max(MIN_CHUNK_DOCS);
    articles
        .par_chunks(chunk_len)
        .flat_map_iter(|run| Chunk::default().analyze(run, excerpt_chars))
        .collect()
}

/// The analyzers of a run of consecutive articles analysed by one thread: an analyzer caches
/// the stems of the words it has seen, and articles share most of their words.
#[derive(Default)]
struct Chunk {
    /// Analyzers with their language, in order of first use.
    analyzers: Vec<(String, Analyzer)>,
    /// Per analyzer: for each local term id, the slot of that term in the document being
    /// analysed (`u32::MAX` when absent), so counting a word costs an array access.
    slots: Vec<Vec<u32>>,
}

impl Chunk {
    fn analyze(mut self, articles: &[&Article], excerpt_chars: usize) -> Vec<Analysis> {
        articles
            .iter()
            .map(|article| {
                let body = article.body_text();
                let (ex, rest_head, rest_tail) = excerpt(&body, excerpt_chars);
                self.analyze_one(article, &ex, [&rest_head, rest_tail])
            })
            .collect()
    }

    /// `segs`: the excerpt segments; `rest`: the body text after them, in pieces (see
    /// [`excerpt`]).
    fn analyze_one(&mut self, article: &Article, segs: &[String], rest: [&str; 2]) -> Analysis {
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
        let mut lens = [0u32; 4];
        let mut terms: Vec<(u32, [u16; 4], u8)> = Vec::new();
        let mut add = |text: &str, field: usize, hint: u8| {
            let folded = crate::text::fold(text);
            for w in split_words(&folded) {
                let Some(id) = analyzer.term_id(w.folded) else {
                    continue;
                };
                lens[field] += 1;
                if slots.len() <= id as usize {
                    slots.resize(id as usize + 1, u32::MAX);
                }
                let slot = &mut slots[id as usize];
                if *slot == u32::MAX {
                    *slot = terms.len() as u32;
                    terms.push((id, [0; 4], HINT_NONE));
                }
                let entry = &mut terms[*slot as usize];
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
        for (i, seg) in segs.iter().enumerate() {
            add(seg, BODY, i as u8);
        }
        for text in rest {
            add(text, BODY, HINT_NONE);
        }
        let analyzer = &self.analyzers[which].1;
        let mut text = String::new();
        let mut stats = Vec::with_capacity(terms.len());
        for &(id, tf, hint) in &terms {
            slots[id as usize] = u32::MAX;
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(analyzer.term_of(id));
            stats.push((tf, hint));
        }
        Analysis {
            terms: text,
            stats,
            lens,
        }
    }
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

/// Cuts the excerpt, in [`SEGMENTS`] segments cut at spaces, from the whitespace-collapsed
/// body. Returns it with the body text after it (indexed, never shipped) in two pieces: the end
/// of the collapsed text that was cut, and the rest of the body as it is. Only as much of the
/// body as the excerpt can use is collapsed (one char more than it keeps tells
/// [`cut_at_space`] whether the text goes on): copying whole bodies was a noticeable part of
/// the index build.
pub fn excerpt(body: &str, excerpt_chars: usize) -> (Vec<String>, String, &str) {
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
    (segs, collapsed, tail)
}
