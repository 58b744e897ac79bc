//! The one tokeniser of the search: index time (here) and query time (`search.js`) must cut,
//! fold and stem words identically, or a query would look for terms the index never wrote.
//!
//! Pipeline for a piece of text: [`crate::text::fold`] (case, diacritics, `’` → `'`), split on
//! anything that is not a letter or a digit (so `l’armée` gives `l` + `armee`: French elisions
//! fall apart on either apostrophe), drop stop words (the elided `l`, `d`, `qu` are stop
//! words), drop absurdly long tokens, then stem the folded word with the article's Snowball
//! stemmer. Stemming the *folded* word keeps the index accent-insensitive even for stems: a
//! query typed without accents reaches the same stem as the article text.

use std::collections::HashMap;
use std::sync::Arc;

use rust_stemmers::{Algorithm, Stemmer};

/// Tokens longer than this (in chars) are noise (URLs, base64, hashes) and are not indexed.
pub const MAX_TOKEN_CHARS: usize = 40;

/// French and English stop words, folded, sorted (binary search). They carry no meaning for
/// ranking and their postings would be the largest of the index, so they are not indexed; a
/// quoted phrase containing them is still checked word for word on the text.
pub const STOP_WORDS: &[&str] = &[
    "a", "ai", "aie", "aient", "aies", "ait", "an", "and", "are", "as", "at", "au", "aux",
    "avaient", "avais", "avait", "avec", "avez", "avons", "ayant", "be", "been", "but", "by", "c",
    "ce", "ceci", "cela", "ces", "cet", "cette", "d", "dans", "de", "des", "du", "elle", "elles",
    "en", "es", "est", "et", "etaient", "etais", "etait", "etant", "ete", "etes", "etre", "eu",
    "eux", "for", "from", "had", "has", "have", "he", "her", "his", "i", "if", "il", "ils", "in",
    "into", "is", "it", "its", "j", "je", "jusqu", "l", "la", "le", "les", "leur", "leurs",
    "lorsqu", "lui", "m", "ma", "mais", "me", "mes", "moi", "mon", "n", "ne", "nos", "notre",
    "nous", "of", "on", "ont", "or", "ou", "par", "pas", "pour", "puisqu", "qu", "que", "quel",
    "quelle", "qui", "s", "sa", "sans", "se", "ses", "she", "son", "sont", "sur", "t", "ta", "te",
    "tes", "that", "the", "their", "them", "they", "this", "to", "toi", "ton", "tu", "un", "une",
    "vos", "votre", "vous", "was", "we", "were", "which", "with", "y", "you",
];

/// Whether a folded word is a stop word.
pub fn is_stop_word(folded: &str) -> bool {
    STOP_WORDS.binary_search(&folded).is_ok()
}

/// The Snowball algorithm for an ISO 639-1 code; `None` (no stemming) for unknown languages,
/// so an article in an unsupported language is still found by its exact words.
pub fn algorithm(language: &str) -> Option<Algorithm> {
    Some(match language {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// A word of a text: its folded form and the char range it covers in the *folded* text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    /// Folded word (`armee`).
    pub folded: &'a str,
    /// Byte offset in the folded text.
    pub start: usize,
}

/// Splits folded text into words, keeping byte offsets (used to find which excerpt segment a
/// term first occurs in).
pub fn split_words(folded: &str) -> impl Iterator<Item = Word<'_>> {
    let mut start = None;
    let mut chars = folded
        .char_indices()
        .chain(std::iter::once((folded.len(), ' ')));
    std::iter::from_fn(move || {
        for (i, c) in chars.by_ref() {
            let is_word = i < folded.len() && c.is_alphanumeric();
            match (is_word, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    start = None;
                    return Some(Word {
                        folded: &folded[s..i],
                        start: s,
                    });
                }
                _ => {}
            }
        }
        None
    })
}

/// A fast non-cryptographic hasher (the FxHash mix): the index hashes every token of the
/// corpus, SipHash made that the hottest part of the build, and build input is not hostile.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Whole words, then the tail packed by shifts: copying a short tail into a buffer
        // compiled to a `memmove` call per hashed token.
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.write_u64(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            let packed = tail
                .iter()
                .enumerate()
                .fold(0u64, |v, (i, &b)| v | u64::from(b) << (8 * i));
            self.write_u64(packed);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u128(&mut self, i: u128) {
        self.write_u64(i as u64);
        self.write_u64((i >> 64) as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `HashMap` hasher builder for [`FxHasher`].
pub type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

/// A word of at most 15 bytes as one integer: its bytes, then its length in the top byte (so
/// no two words share a key).
fn pack_short(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.len() > 15 {
        return None;
    }
    let len = (bytes.len() as u128) << 120;
    Some(
        bytes
            .iter()
            .enumerate()
            .fold(len, |key, (i, &b)| key | u128::from(b) << (8 * i)),
    )
}

/// Turns folded words into index terms for one language, caching stems and numbering terms:
/// an article repeats its words, and a corpus has far fewer distinct words than tokens.
pub struct Analyzer {
    stemmer: Option<Stemmer>,
    /// Folded word → term id (`None`: stop word or over-long), for words that fit
    /// [`pack_short`] (most do): looking up every token of the corpus here was the hottest
    /// part of the index build, and integer keys are hashed and compared without reading
    /// the string's heap copy.
    short_cache: HashMap<u128, Option<u32>, FxBuild>,
    /// The same for longer words.
    cache: HashMap<Box<str>, Option<u32>, FxBuild>,
    /// Term → id, so that two words with one stem share an id.
    ids: HashMap<Arc<str>, u32, FxBuild>,
    terms: Vec<Arc<str>>,
}

impl Analyzer {
    /// An analyzer for an ISO 639-1 language (`None` stemmer if unsupported).
    pub fn new(language: &str) -> Analyzer {
        Analyzer {
            stemmer: algorithm(language).map(Stemmer::create),
            short_cache: HashMap::default(),
            cache: HashMap::default(),
            ids: HashMap::default(),
            terms: Vec::new(),
        }
    }

    /// The id (local to this analyzer) of the term of a folded word, or `None` for stop words
    /// and over-long tokens.
    pub fn term_id(&mut self, folded: &str) -> Option<u32> {
        let short = pack_short(folded);
        let cached = match short {
            Some(key) => self.short_cache.get(&key),
            None => self.cache.get(folded),
        };
        if let Some(id) = cached {
            return *id;
        }
        let id = self.analyze(folded);
        match short {
            Some(key) => self.short_cache.insert(key, id),
            None => self.cache.insert(folded.into(), id),
        };
        id
    }

    /// The term id of a word not seen yet: stemmed, numbered on first sight.
    fn analyze(&mut self, folded: &str) -> Option<u32> {
        if is_stop_word(folded) || folded.chars().count() > MAX_TOKEN_CHARS {
            None
        } else {
            let stem = match &self.stemmer {
                Some(s) => s.stem(folded),
                None => folded.into(),
            };
            let stem: &str = if stem.is_empty() { folded } else { &stem };
            Some(match self.ids.get(stem) {
                Some(&id) => id,
                None => {
                    let t: Arc<str> = stem.into();
                    let id = self.terms.len() as u32;
                    self.terms.push(t.clone());
                    self.ids.insert(t, id);
                    id
                }
            })
        }
    }

    /// The term with an id from [`Analyzer::term_id`].
    pub fn term_of(&self, id: u32) -> &Arc<str> {
        &self.terms[id as usize]
    }

    /// Every term numbered so far, by id.
    pub fn terms(&self) -> &[Arc<str>] {
        &self.terms
    }

    /// The index term of a folded word, or `None` for stop words and over-long tokens.
    pub fn term(&mut self, folded: &str) -> Option<&str> {
        let id = self.term_id(folded)?;
        Some(self.term_of(id))
    }
}

/// Derivational suffixes of a word family, as French Snowball stems write them (`-age` → `ag`,
/// `-ien(ne)` → `ien`, `-ain(e)` → `ain`, `-eur` → `eur`): the stemmer keeps `espion` and
/// `espionnage`, `pirate` and `piratage`, `Israël` and `israélien` apart, and readers expect
/// one to find the other. `search.js` (`FAMILY_SUFFIXES`) applies the same rule at query time
/// to the terms of the dictionary shard it reads anyway, so families cost no index bytes.
pub const FAMILY_SUFFIXES: &[&str] = &["ag", "ain", "ien", "eur"];

/// Shortest stem a family is built on: shorter stems (`arm`, `mis`) prefix too many words.
pub const FAMILY_MIN_STEM: usize = 4;

/// `rest` without a doubled final consonant of `stem` (`espion` + `nag` → `ag`).
fn undoubled<'a>(stem: &str, rest: &'a str) -> &'a str {
    match (stem.chars().last(), rest.chars().next()) {
        (Some(last), Some(first)) if last == first && !"aeiouy".contains(last) => {
            &rest[first.len_utf8()..]
        }
        _ => rest,
    }
}

/// Whether two stems are of one word family: the longer is the shorter (at least
/// [`FAMILY_MIN_STEM`] chars) plus a [`FAMILY_SUFFIXES`] suffix, its last consonant possibly
/// doubled. Mirrored by `isFamily` in `search.js`; both are checked against
/// `tests/browser/fixtures/families.tsv`.
pub fn is_family(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.chars().count() < FAMILY_MIN_STEM {
        return false;
    }
    let Some(rest) = long.strip_prefix(short) else {
        return false;
    };
    FAMILY_SUFFIXES.contains(&undoubled(short, rest))
}

/// English inflections a query word may carry beyond the stem of an English article: the client
/// stems queries in French only, so `running` reaches the English stem `run` this way.
const INFLECTIONS: &[&str] = &[
    "d", "e", "ed", "er", "ers", "es", "est", "ing", "ly", "s", "y",
];

/// Whether an indexed stem shorter than a (folded) query word is that word's own stem in
/// another language (`running` / `run`), rather than a foreign word it happens to start with
/// (`armee` / `arm`, `israel` / `isra`): only the former counts as a full match in ranking.
/// Mirrored by `isInflectionOf` in `search.js`.
pub fn is_inflection_of(word: &str, stem: &str) -> bool {
    word.strip_prefix(stem)
        .is_some_and(|rest| INFLECTIONS.contains(&undoubled(stem, rest)))
}

/// The terms of a text in one language, in order: what the index stores for it and what the
/// client computes for a query (`search.js` `terms()` must agree; see the fixture test).
pub fn terms(text: &str, language: &str) -> Vec<String> {
    let folded = crate::text::fold(text);
    let mut analyzer = Analyzer::new(language);
    split_words(&folded)
        .filter_map(|w| analyzer.term(w.folded).map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_and_folded() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
        for w in STOP_WORDS {
            assert_eq!(crate::text::fold(w), *w);
        }
    }

    #[test]
    fn case_and_diacritics_fold() {
        assert_eq!(terms("Israël", "fr"), terms("israel", "fr"));
        assert_eq!(terms("Défense", "fr"), terms("defense", "fr"));
        assert_eq!(terms("ISRAËL", "fr"), terms("Israel", "fr"));
    }

    #[test]
    fn elisions_split_on_both_apostrophes() {
        let curly = terms("l’armée d’Israël", "fr");
        let straight = terms("l'armée d'Israël", "fr");
        assert_eq!(curly, straight);
        assert_eq!(curly, terms("armée Israël", "fr"));
        assert_eq!(terms("qu’il", "fr"), Vec::<String>::new());
    }

    #[test]
    fn french_stemming_joins_inflections() {
        assert_eq!(terms("journalistes", "fr"), terms("journaliste", "fr"));
        assert_eq!(terms("espions", "fr"), terms("espion", "fr"));
        assert_eq!(terms("armées", "fr"), terms("armée", "fr"));
        assert_eq!(terms("israéliennes", "fr"), terms("israélienne", "fr"));
    }

    #[test]
    fn language_selects_the_stemmer() {
        assert_eq!(terms("running", "en"), vec!["run"]);
        assert_eq!(terms("running", "xx"), vec!["running"]);
    }

    #[test]
    fn stop_words_and_long_tokens_are_dropped() {
        assert!(terms("le la les de des du", "fr").is_empty());
        assert!(terms(&"x".repeat(41), "fr").is_empty());
        assert_eq!(terms(&"x".repeat(40), "fr").len(), 1);
    }

    #[test]
    fn short_and_long_words_are_cached_apart() {
        assert_eq!(pack_short("a"), Some(u128::from(b'a') | 1 << 120));
        assert_ne!(pack_short("ab"), pack_short("ab\0"));
        assert_eq!(pack_short(&"x".repeat(16)), None);
        let mut a = Analyzer::new("fr");
        let long = "anticonstitutionnellement";
        let id = a.term_id(long);
        assert!(id.is_some());
        assert_eq!(a.term_id(long), id);
        assert_eq!(a.term_id("journalistes"), a.term_id("journaliste"));
    }

    #[test]
    fn families_join_derived_words_only() {
        let stem = |w: &str| terms(w, "fr").remove(0);
        for (a, b) in [
            ("espion", "espionnage"),
            ("pirate", "piratages"),
            ("piratés", "piratage"),
            ("Israël", "israélien"),
        ] {
            assert!(is_family(&stem(a), &stem(b)), "{a} / {b}");
            assert!(is_family(&stem(b), &stem(a)), "{b} / {a}");
        }
        assert!(!is_family(&stem("armée"), &stem("armement")));
        assert!(!is_family("arm", "armag"));
        assert!(!is_family("espion", "espion"));
    }

    #[test]
    fn only_inflections_make_a_shorter_stem_a_full_match() {
        assert_eq!(terms("running", "en"), vec!["run"]);
        assert!(is_inflection_of("running", "run"));
        assert!(is_inflection_of("attacks", "attack"));
        assert_eq!(terms("Israeli", "en"), vec!["isra"]);
        assert!(!is_inflection_of("israel", "isra"));
        assert!(!is_inflection_of("armee", "arm"));
        assert!(!is_inflection_of("mediap", "media"));
    }

    #[test]
    fn split_words_keeps_offsets() {
        let f = crate::text::fold("l’armée, SS7!");
        let w: Vec<_> = split_words(&f).map(|w| (w.folded, w.start)).collect();
        assert_eq!(w, vec![("l", 0), ("armee", 2), ("ss7", 9)]);
    }
}
