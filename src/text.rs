//! Text helpers shared by every stage: accent and case folding, word splitting.
//!
//! Folding lives in one place so that the parser (tag merging, boilerplate), the site model
//! (inferred tags) and the search index agree on when two spellings are "the same word".

use std::sync::OnceLock;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Lowercases and strips diacritics: `Israël` → `israel`, `Œuvre` → `oeuvre`, `’` → `'`.
///
/// Defined as: canonical decomposition (NFD), combining marks dropped, then the ligature and
/// apostrophe mappings below, then lowercasing. Because every character that canonical
/// reordering could move is a combining mark (and so dropped), folding one character at a time
/// gives exactly the result of folding the NFD of the whole string; that lets ASCII go straight
/// through and the rest of Latin (U+0080–U+024F) come from a table built once.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(if c == '`' {
                '\''
            } else {
                c.to_ascii_lowercase()
            });
        } else if (c as u32) < LATIN_TABLE_END {
            let (len, bytes) = &latin_table()[c as usize - 0x80];
            // The table holds UTF-8 produced by `fold_char_slow`, so this cannot fail.
            out.push_str(std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default());
        } else {
            fold_char_slow(c, &mut out);
        }
    }
    out
}

/// First code point after the range folded through [`latin_table`].
const LATIN_TABLE_END: u32 = 0x250;

/// Folded form of U+0080–U+024F as (length, UTF-8 bytes), computed by [`fold_char_slow`].
fn latin_table() -> &'static [(u8, [u8; 4])] {
    static TABLE: OnceLock<Vec<(u8, [u8; 4])>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0x80..LATIN_TABLE_END)
            .map(|u| {
                let mut s = String::new();
                if let Some(c) = char::from_u32(u) {
                    fold_char_slow(c, &mut s);
                }
                let mut bytes = [0u8; 4];
                let len = s.len().min(4);
                bytes[..len].copy_from_slice(&s.as_bytes()[..len]);
                (len as u8, bytes)
            })
            .collect()
    })
}

/// Folds one character by the definition (see [`fold`]).
fn fold_char_slow(c: char, out: &mut String) {
    decompose_canonical(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        match d {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            '’' | '‘' | 'ʼ' | '`' | '´' => out.push('\''),
            d => out.extend(d.to_lowercase()),
        }
    });
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

    /// The definition of `fold`: NFD of the whole string, marks dropped, mappings, lowercase.
    fn fold_reference(text: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
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

    #[test]
    fn fast_fold_matches_nfd_definition_per_char() {
        let extra = [
            '\u{2018}', '\u{2019}', '\u{02BC}', '\u{201C}', '\u{201D}', '\u{2013}', '\u{2014}',
            '\u{2026}', '\u{00A0}', '\u{202F}', '\u{FB00}', '\u{FB01}', '\u{FB02}', '\u{0132}',
            '\u{1E9E}', '\u{212A}', '\u{212B}', '\u{2126}', '\u{0130}', '\u{03AC}', '\u{0390}',
            '\u{1F00}', '\u{0419}', '\u{0439}', '\u{AC00}', '\u{D7A3}', '\u{FF21}', '\u{1E00}',
            '\u{1EA0}', '\u{1EF9}', '\u{0301}', '\u{0308}', '\u{20AC}', '\u{00BD}',
        ];
        for c in (0u32..0x250).filter_map(char::from_u32).chain(extra) {
            let s = c.to_string();
            assert_eq!(fold(&s), fold_reference(&s), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn fast_fold_matches_nfd_definition_on_all_chars_in_context() {
        // Every scalar value, in runs mixed with combining marks so that canonical reordering
        // and composition-sensitive sequences are exercised too.
        let all: Vec<char> = (0u32..=0x10FFFF).filter_map(char::from_u32).collect();
        for chunk in all.chunks(61) {
            let mut s = String::new();
            for (k, &c) in chunk.iter().enumerate() {
                s.push(c);
                match k % 5 {
                    0 => s.push('\u{0301}'),
                    1 => s.push_str("\u{0327}\u{0301}"),
                    2 => s.push('e'),
                    _ => {}
                }
            }
            assert_eq!(fold(&s), fold_reference(&s), "{:?}", chunk[0]);
        }
    }

    #[test]
    fn canonical_reordering_only_moves_combining_marks() {
        // What makes per-character folding exact (see `fold`).
        use unicode_normalization::char::canonical_combining_class;
        for c in (0u32..=0x10FFFF).filter_map(char::from_u32) {
            if canonical_combining_class(c) != 0 {
                assert!(is_combining_mark(c), "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn fold_words_normalises_separators() {
        assert_eq!(
            fold_words("  Benny   Gantz, l’armée!"),
            "benny gantz l armee"
        );
    }
}
