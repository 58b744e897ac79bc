//! Text helpers shared by every stage: accent and case folding, word splitting.
//!
//! Folding lives in one place so that the parser (tag merging, boilerplate), the site model
//! (inferred tags) and the search index agree on when two spellings are "the same word".

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lowercases and strips diacritics: `Israël` → `israel`, `Œuvre` → `oeuvre`, `’` → `'`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            '’' | '‘' | 'ʼ' | '`' | '´' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Splits folded text into words of letters and digits (apostrophes and hyphens separate).
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Folded words joined by single spaces, for whole-word containment tests.
pub fn fold_words(text: &str) -> String {
    let folded = fold(text);
    words(&folded).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_ligatures() {
        assert_eq!(fold("Israël"), "israel");
        assert_eq!(fold("DÉFENSE"), "defense");
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert_eq!(fold("l’armée"), "l'armee");
    }

    #[test]
    fn fold_words_normalises_separators() {
        assert_eq!(
            fold_words("  Benny   Gantz, l’armée!"),
            "benny gantz l armee"
        );
    }
}
