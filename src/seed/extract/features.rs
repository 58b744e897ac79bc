//! What one unit of text says about itself: length, stopword density, final punctuation,
//! and its jusText-style class, then reclassification by context.

use std::collections::HashMap;
use std::sync::OnceLock;

use rustc_hash::FxHashSet;

use super::cues::{cue, Cue};

/// Below this many characters a unit is *short*: too little text to judge alone.
pub const LENGTH_LOW: usize = 70;
/// From this many characters a dense unit is *good* on its own.
pub const LENGTH_HIGH: usize = 200;
/// Stopword density from which text reads as running prose of the language.
pub const STOPS_HIGH: f32 = 0.30;
/// Stopword density under which a unit is a list of names, not prose.
pub const STOPS_LOW: f32 = 0.20;

/// jusText's classes of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Long running prose.
    Good,
    /// Prose-like but short or a little thin.
    NearGood,
    /// Too short to tell alone.
    Short,
    /// Furniture-like: no sentence shape, few stopwords, or a furniture cue.
    Bad,
}

/// The features of one unit.
#[derive(Debug, Clone)]
pub struct Features {
    /// Characters.
    pub chars: usize,
    /// Share of words in the language's stop list; `None` without a list.
    pub stop_density: Option<f32>,
    /// Ends with sentence punctuation.
    pub sentence: bool,
    /// A furniture cue.
    pub cue: Cue,
    class: Class,
}

impl Features {
    /// Measures one unit; `stops` is the folded stop list of the page's language.
    pub fn of(text: &str, stops: Option<&FxHashSet<String>>) -> Features {
        let t = text.trim();
        let chars = t.chars().count();
        let (words, stop_hits) = count_stops(t, stops);
        let stop_density = stops.map(|_| {
            if words == 0 {
                0.0
            } else {
                stop_hits as f32 / words as f32
            }
        });
        let sentence = ends_sentence(t);
        let cue = cue(t, words);
        let mut f = Features {
            chars,
            stop_density,
            sentence,
            cue,
            class: Class::Short,
        };
        f.class = f.initial_class();
        f
    }

    /// The class before context.
    pub fn class(&self) -> Class {
        self.class
    }

    fn initial_class(&self) -> Class {
        // A section header is never part of the text around it, however short.
        if matches!(
            self.cue,
            Cue::Caption
                | Cue::Notice
                | Cue::Copyright
                | Cue::ReadingTime
                | Cue::SectionEnd
                | Cue::CommentsStart
        ) {
            return Class::Bad;
        }
        if self.chars < LENGTH_LOW {
            return Class::Short;
        }
        let density = match self.stop_density {
            Some(d) => d,
            // No stop list (Chinese, Japanese, Thai…): sentence shape and length decide.
            None if self.sentence && self.chars >= LENGTH_LOW => STOPS_HIGH,
            None => 0.0,
        };
        if density >= STOPS_HIGH {
            if self.chars >= LENGTH_HIGH || self.sentence {
                Class::Good
            } else {
                // A longish line without final punctuation: a headline or a teaser title.
                Class::NearGood
            }
        } else if density >= STOPS_LOW {
            Class::NearGood
        } else {
            Class::Bad
        }
    }
}

/// Score of a unit for the main-region search: good text counts for its length, bad units
/// against it, short ones and furniture cues a little against.
pub fn score(f: &Features, c: Class) -> i64 {
    let len = f.chars as i64;
    // Captions, teasers and notices sit inside articles; their own rule drops them.
    if !matches!(f.cue, Cue::None | Cue::CommentsStart | Cue::SectionEnd) {
        return -5;
    }
    match c {
        Class::Good => len,
        Class::NearGood => len / 2,
        Class::Short => -10,
        Class::Bad => -(len.clamp(20, 60)),
    }
}

/// jusText's context rules: a short unit takes the class of its nearest good or bad
/// neighbours (short and near-good ones skipped) when they agree (at the edge of the page it
/// stays short); then a near-good unit is bad between bad neighbours and good when
/// a neighbour is good or it ends a sentence.
pub fn context(classes: &mut [Class], feats: &[Features]) {
    link_runs(classes, feats);
    let orig = classes.to_vec();
    let n = orig.len();
    let neighbour = |i: usize, back: bool| -> Option<Class> {
        let mut j = i;
        loop {
            if back {
                j = j.checked_sub(1)?;
            } else {
                j += 1;
                if j >= n {
                    return None;
                }
            }
            if matches!(orig[j], Class::Good | Class::Bad) {
                return Some(orig[j]);
            }
        }
    };
    for i in 0..n {
        let (p, q) = (neighbour(i, true), neighbour(i, false));
        let good = |c: Option<Class>| c == Some(Class::Good);
        let bad = |c: Option<Class>| c == Some(Class::Bad);
        classes[i] = match orig[i] {
            Class::Short => match (p, q) {
                _ if good(p) && good(q) => Class::Good,
                _ if good(p) || good(q) || p.is_none() || q.is_none() => Class::Short,
                _ => Class::Bad,
            },
            Class::NearGood if bad(p) && bad(q) => Class::Bad,
            Class::NearGood if good(p) || good(q) => Class::Good,
            c => c,
        };
    }
}

/// Shortest run of short unpunctuated lines read as a menu, tag cloud or link list.
const LINK_RUN: usize = 4;

/// A run of [`LINK_RUN`] or more short lines none of which ends a sentence is a menu, a tag
/// cloud or a list of links: bad, whatever surrounds it.
fn link_runs(classes: &mut [Class], feats: &[Features]) {
    let mut i = 0;
    while i < classes.len() {
        let linkish = |k: usize| classes[k] == Class::Short && !feats[k].sentence;
        if !linkish(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < classes.len() && linkish(i) {
            i += 1;
        }
        if i - start >= LINK_RUN {
            classes[start..i].fill(Class::Bad);
        }
    }
}

/// Words and stop-list hits in `t` (words folded: lowercase, accents stripped).
fn count_stops(t: &str, stops: Option<&FxHashSet<String>>) -> (usize, usize) {
    let mut words = 0;
    let mut hits = 0;
    let mut buf = String::new();
    for w in t.split(|c: char| !c.is_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        words += 1;
        if let Some(s) = stops {
            buf.clear();
            if w.is_ascii() {
                buf.push_str(w);
                buf.make_ascii_lowercase();
            } else {
                buf.push_str(&crate::text::fold(w));
            }
            hits += usize::from(s.contains(buf.as_str()));
        }
    }
    (words, hits)
}

/// Ends with sentence punctuation (closing quotes and brackets allowed after it).
pub fn ends_sentence(t: &str) -> bool {
    let t = t.trim_end_matches([
        '»', '"', '”', '’', '\'', ')', ']', ' ', '\u{a0}', '\u{202f}',
    ]);
    t.ends_with(['.', '!', '?', '…', ':', ';', '。', '！', '？', '؟', '।'])
}

/// Ends with a period (or ellipsis): a sentence, never a headline.
pub fn ends_with_period(t: &str) -> bool {
    let t = t.trim_end_matches(['»', '"', '”', '’', '\'', ')', ' ']);
    t.ends_with(['.', '…', '。', ',', ';', ':'])
}

/// A headline: capitalised, 3–30 words, at most 200 characters, no final period, and no
/// breadcrumb or menu separators.
pub fn headline_like(t: &str) -> bool {
    let n = t.chars().count();
    let words = t.split_whitespace().count();
    let first = t.chars().next().unwrap_or(' ');
    (10..=200).contains(&n)
        && (2..=30).contains(&words)
        && (first.is_uppercase() || first.is_numeric() || matches!(first, '«' | '"' | '“' | '‘'))
        && !ends_with_period(t)
        && !t.contains(['>', '|', '/', '©'])
        && !breadcrumb_guillemet(t)
        && !t.contains(" · ")
}

/// Whether `t` uses `»` as a breadcrumb separator (`Accueil » Monde`): one that no `«` opened.
/// A headline quoting someone (`« L’école mérite mieux »`) closes what it opened.
fn breadcrumb_guillemet(t: &str) -> bool {
    let mut open = 0usize;
    for c in t.chars() {
        match c {
            '«' => open += 1,
            '»' if open == 0 => return true,
            '»' => open -= 1,
            _ => {}
        }
    }
    false
}

/// Language of the page, guessed from its longer lines (menus are short): the ISO 639-1 code,
/// whether whatlang found it reliable, and the units the sample was taken from (when they all
/// end up in the article, the article's language is this one and need not be detected again).
pub fn page_language(texts: &[&str]) -> (Option<&'static str>, bool, Vec<usize>) {
    const SAMPLE: usize = 1_000;
    let mut sample = String::with_capacity(SAMPLE + 8);
    let mut used = Vec::new();
    for min in [80, 1] {
        for (i, t) in texts.iter().enumerate() {
            if sample.len() >= SAMPLE {
                break;
            }
            if t.len() >= min && !used.contains(&i) {
                sample.push_str(super::super::parse::prefix(t, SAMPLE - sample.len()));
                sample.push('\n');
                used.push(i);
            }
        }
        if sample.len() >= 80 {
            break;
        }
    }
    match whatlang::detect(&sample) {
        Some(info) => (
            super::super::parse::iso639_1(info.lang().code()),
            info.is_reliable(),
            used,
        ),
        None => (None, false, used),
    }
}

/// The folded stop list of a language, built once per language for the whole process.
pub fn stop_set(lang: &str) -> Option<&'static FxHashSet<String>> {
    static SETS: OnceLock<HashMap<&'static str, FxHashSet<String>>> = OnceLock::new();
    let sets = SETS.get_or_init(|| {
        stop_words::available_languages()
            .iter()
            .filter_map(|&code| {
                let words = stop_words::lookup(code)?;
                let set = words
                    .iter()
                    .flat_map(|w| {
                        let f = crate::text::fold(w);
                        f.split(|c: char| !c.is_alphanumeric())
                            .filter(|p| !p.is_empty())
                            .map(str::to_string)
                            .collect::<Vec<_>>()
                    })
                    .collect();
                Some((code, set))
            })
            .collect()
    });
    sets.get(lang).filter(|s| !s.is_empty())
}
