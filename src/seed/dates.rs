//! Date recognition in metadata lines.
//!
//! Seeds state dates in many shapes (`27/07/2021`, `1er août 2017`, `July 27, 2021`,
//! `27. Juli 2021`…). This module only *finds* dates in a short line and validates them; the
//! parser decides whether the line is metadata (a date inside a story sentence is not a
//! publication date). Matching works on a small token list, so it is linear and cannot blow up
//! like a backtracking regex.

use chrono::NaiveDate;

use crate::text::fold;

/// A token of a short line: a run of digits, a run of letters, or one other character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// Digits: value (saturating) and number of digits.
    Num(u32, usize),
    /// Letters, folded (lowercase, no accents).
    Word(String),
    /// Any other non-space character.
    Punct(char),
}

/// A token with its byte span in the line.
#[derive(Debug, Clone)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Byte offset of its start.
    pub start: usize,
    /// Byte offset after its end.
    pub end: usize,
}

/// Splits a line into tokens (digits and letters are separate tokens: `1er` → `1`, `er`).
pub fn tokenize(line: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut it = line.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_ascii_digit() {
            let mut v: u32 = c.to_digit(10).unwrap_or(0);
            let mut n = 1;
            let mut end = i + 1;
            while let Some(&(j, d)) = it.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                v = v
                    .saturating_mul(10)
                    .saturating_add(d.to_digit(10).unwrap_or(0));
                n += 1;
                end = j + 1;
                it.next();
            }
            out.push(Token {
                tok: Tok::Num(v, n),
                start: i,
                end,
            });
        } else if c.is_alphabetic() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if !d.is_alphabetic() {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            out.push(Token {
                tok: Tok::Word(fold(&line[i..end])),
                start: i,
                end,
            });
        } else {
            out.push(Token {
                tok: Tok::Punct(c),
                start: i,
                end: i + c.len_utf8(),
            });
        }
    }
    out
}

/// Month number of a folded French, English or German month name or common abbreviation.
pub fn month(word: &str) -> Option<u32> {
    Some(match word {
        "janvier" | "january" | "januar" | "janner" | "jan" | "janv" => 1,
        "fevrier" | "february" | "februar" | "feb" | "fev" | "fevr" => 2,
        "mars" | "march" | "marz" | "maerz" | "mar" => 3,
        "avril" | "april" | "apr" | "avr" => 4,
        "mai" | "may" => 5,
        "juin" | "june" | "juni" | "jun" => 6,
        "juillet" | "july" | "juli" | "jul" | "juil" => 7,
        "aout" | "august" | "aug" => 8,
        "septembre" | "september" | "sep" | "sept" => 9,
        "octobre" | "october" | "oktober" | "oct" | "okt" => 10,
        "novembre" | "november" | "nov" => 11,
        "decembre" | "december" | "dezember" | "dec" | "dez" => 12,
        _ => return None,
    })
}

/// A date found in a line: the date (or `None` when it has a date's shape but does not exist,
/// like `31/02/2021`) and the token range it covers.
#[derive(Debug, Clone)]
pub struct DateMatch {
    /// The validated date; `None` for an impossible date.
    pub date: Option<NaiveDate>,
    /// First token index.
    pub first: usize,
    /// One past the last token index.
    pub last: usize,
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1800..=2200).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

fn is_year(t: &Tok) -> Option<u32> {
    match t {
        Tok::Num(v, 4) => Some(*v),
        _ => None,
    }
}

fn is_day(t: &Tok) -> Option<u32> {
    match t {
        Tok::Num(v, n) if *n <= 2 && (1..=31).contains(v) => Some(*v),
        _ => None,
    }
}

fn is_ordinal_suffix(t: &Tok) -> bool {
    matches!(t, Tok::Word(w) if matches!(w.as_str(), "er" | "re" | "st" | "nd" | "rd" | "th" | "eme"))
}

/// Finds every date in a line's tokens, left to right, without overlaps.
pub fn find_dates(toks: &[Token]) -> Vec<DateMatch> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if let Some(m) = date_at(toks, i) {
            i = m.last;
            out.push(m);
        } else {
            i += 1;
        }
    }
    out
}

fn tok(toks: &[Token], i: usize) -> Option<&Tok> {
    toks.get(i).map(|t| &t.tok)
}

/// Tries every date shape starting at token `i`.
fn date_at(toks: &[Token], i: usize) -> Option<DateMatch> {
    let t0 = tok(toks, i)?;
    let found = |date: Option<NaiveDate>, last: usize| {
        Some(DateMatch {
            date,
            first: i,
            last,
        })
    };
    // Numeric: 27/07/2021, 27.07.2021, 27-07-2021, 2021-07-27, 2021/07/27.
    if let (
        Some(Tok::Num(a, na)),
        Some(Tok::Punct(s1)),
        Some(Tok::Num(b, nb)),
        Some(Tok::Punct(s2)),
        Some(Tok::Num(c, nc)),
    ) = (
        Some(t0),
        tok(toks, i + 1),
        tok(toks, i + 2),
        tok(toks, i + 3),
        tok(toks, i + 4),
    ) {
        // The five tokens must be adjacent (no spaces): `27 / 07 / 2021` is unusual enough.
        let adjacent = (i..i + 4).all(|k| toks[k].end == toks[k + 1].start);
        if adjacent && s1 == s2 && matches!(s1, '/' | '.' | '-') && *nb <= 2 {
            if *na == 4 && *nc <= 2 {
                return found(ymd(*a, *b, *c), i + 5);
            }
            if *na <= 2 && *nc == 4 {
                return found(ymd(*c, *b, *a), i + 5);
            }
        }
    }
    // Day-first text: `27 juillet 2021`, `1er août 2017`, `27. Juli 2021`, `27th July 2021`.
    if let Some(d) = is_day(t0) {
        let mut j = i + 1;
        if tok(toks, j).is_some_and(is_ordinal_suffix) || tok(toks, j) == Some(&Tok::Punct('.')) {
            j += 1;
        }
        if let Some(Tok::Word(w)) = tok(toks, j) {
            if let Some(m) = month(w) {
                j += 1;
                if tok(toks, j) == Some(&Tok::Punct('.')) {
                    j += 1;
                }
                if tok(toks, j) == Some(&Tok::Punct(',')) {
                    j += 1;
                }
                if let Some(y) = tok(toks, j).and_then(is_year) {
                    return found(ymd(y, m, d), j + 1);
                }
            }
        }
    }
    // Month-first English: `July 27, 2021`, `Jul. 27th 2021`.
    if let Tok::Word(w) = t0 {
        if let Some(m) = month(w) {
            let mut j = i + 1;
            if tok(toks, j) == Some(&Tok::Punct('.')) {
                j += 1;
            }
            if let Some(d) = tok(toks, j).and_then(is_day) {
                j += 1;
                if tok(toks, j).is_some_and(is_ordinal_suffix) {
                    j += 1;
                }
                if tok(toks, j) == Some(&Tok::Punct(',')) {
                    j += 1;
                }
                if let Some(y) = tok(toks, j).and_then(is_year) {
                    return found(ymd(y, m, d), j + 1);
                }
            }
        }
    }
    None
}

/// Parses a string that is only a date (surrounding spaces allowed), e.g. for tests and
/// overrides.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let toks = tokenize(s);
    let m = date_at(&toks, 0)?;
    if m.last == toks.len() {
        m.date
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, dd)
    }

    #[test]
    fn every_shape() {
        for (s, want) in [
            ("27/07/2021", d(2021, 7, 27)),
            ("27.07.2021", d(2021, 7, 27)),
            ("27-07-2021", d(2021, 7, 27)),
            ("2021-07-27", d(2021, 7, 27)),
            ("27 juillet 2021", d(2021, 7, 27)),
            ("1er août 2017", d(2017, 8, 1)),
            ("July 27, 2021", d(2021, 7, 27)),
            ("27 July 2021", d(2021, 7, 27)),
            ("27th July 2021", d(2021, 7, 27)),
            ("27. Juli 2021", d(2021, 7, 27)),
            ("3 März 2022", d(2022, 3, 3)),
            ("3 déc. 2022", d(2022, 12, 3)),
            ("Sept. 3, 2022", d(2022, 9, 3)),
        ] {
            assert_eq!(parse_date(s), want, "{s}");
        }
    }

    #[test]
    fn impossible_dates_are_found_but_invalid() {
        let toks = tokenize("31/02/2021");
        let m = find_dates(&toks);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].date, None);
        assert_eq!(parse_date("30 février 2021"), None);
        assert_eq!(parse_date("32 juillet 2021"), None);
    }

    #[test]
    fn finds_dates_in_lines() {
        let toks = tokenize("Publié le 3 mars 2022 à 08h15, mis à jour le 4 mars 2022");
        let m = find_dates(&toks);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].date, d(2022, 3, 3));
        assert_eq!(m[1].date, d(2022, 3, 4));
        assert!(find_dates(&tokenize("en août 2017")).is_empty());
        assert!(find_dates(&tokenize("le 12 mai")).is_empty());
    }
}
