//! Bytes → normalised text.
//!
//! Scrapers leave seeds in whatever encoding the source site used, with whatever line ends and
//! invisible characters the page had. Everything downstream (line rules, dates, folding) wants
//! one shape of text, so this stage produces it once:
//!
//! * UTF-8 (BOM stripped), UTF-16 LE/BE with a BOM; anything else that is not valid UTF-8 is
//!   sniffed with chardetng and decoded with encoding_rs, with a warning naming the encoding. A
//!   file that is UTF-8 apart from a few broken sequences keeps its UTF-8 reading, the broken
//!   bytes become U+FFFD, and a warning says so (guessing a legacy encoding would garble every
//!   correct accented letter to save a few broken ones).
//! * NUL bytes or a high share of control characters mean the file is not text: rejected.
//! * Line ends become `\n`; each line is trimmed; runs of spaces, tabs and no-break spaces inside
//!   a line become one space, **except** that French typography is kept: a run containing a
//!   no-break space (U+00A0 or U+202F) right before `: ; ! ? »` or right after `«` stays a single
//!   no-break space (the narrow one if the run had one). Zero-width characters and stray control
//!   characters are dropped. Text is put in Unicode NFC.
//! * Lines are never added or removed here, so line `n` of the result is line `n` of the file
//!   and `Origin::Line(n)` stays truthful; blank-line runs are collapsed by the structure stage.

use std::path::Path;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::SeedError;

/// The decoded text of a seed and what the decoder had to guess.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Normalised text, `\n` line ends, one entry per line of the file.
    pub text: String,
    /// Name of the encoding the bytes were read as (`UTF-8`, `UTF-16LE`, `windows-1252`…).
    pub encoding: &'static str,
    /// Doubts, without the file name (the caller prefixes it).
    pub warnings: Vec<String>,
}

/// Share of control or replacement characters above which a file is "not text" (1 in N).
const NOT_TEXT_RATIO: usize = 20;

/// Decodes and normalises a seed's bytes. Never panics.
pub fn decode(file: &Path, bytes: &[u8]) -> Result<Decoded, SeedError> {
    let err = |message: String| SeedError {
        file: file.to_path_buf(),
        message,
    };
    let mut warnings = Vec::new();
    let (raw, encoding): (String, &'static str) = if let Some(rest) =
        bytes.strip_prefix(b"\xEF\xBB\xBF")
    {
        (utf8_or_replace(rest, &mut warnings), "UTF-8")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (
            utf16(rest, encoding_rs::UTF_16LE, &mut warnings),
            "UTF-16LE",
        )
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (
            utf16(rest, encoding_rs::UTF_16BE, &mut warnings),
            "UTF-16BE",
        )
    } else {
        if let Some(pos) = bytes.iter().position(|&b| b == 0) {
            return Err(err(format!(
                "contains NUL bytes (first at byte {pos}); not a text file"
            )));
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), "UTF-8"),
            Err(_) if mostly_utf8(bytes) => (utf8_or_replace(bytes, &mut warnings), "UTF-8"),
            Err(_) => {
                let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                det.feed(bytes, true);
                let enc = det.guess(None, chardetng::Utf8Detection::Deny);
                let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
                warnings.push(format!(
                    "not UTF-8; decoded as {}{}",
                    enc.name(),
                    if had_errors {
                        " (some bytes could not be decoded)"
                    } else {
                        ""
                    }
                ));
                (cow.into_owned(), enc.name())
            }
        }
    };
    if raw.contains('\0') {
        return Err(err("contains NUL characters; not a text file".into()));
    }
    let (total, bad) = count_chars_and_bad(&raw);
    if total > 0 && bad * NOT_TEXT_RATIO > total {
        return Err(err(format!(
            "mostly not text ({bad} of {total} characters are control or undecodable); \
             binary file?"
        )));
    }
    if bad > 0 {
        let controls = raw.chars().filter(|&c| is_stray_control(c)).count();
        if controls > 0 {
            warnings.push(format!("{controls} control characters removed"));
        }
    }
    let nfc: String = match nfc_quick(&raw) {
        IsNormalized::Yes => raw,
        _ => raw.nfc().collect(),
    };
    Ok(Decoded {
        text: normalise_lines(&nfc),
        encoding,
        warnings,
    })
}

/// Characters in `raw`, and how many of them are U+FFFD or stray controls, in one pass over the
/// bytes: a character starts at every byte that is not a UTF-8 continuation byte; the C0
/// controls and DEL are single bytes, the C1 controls are `C2 80`–`C2 9F`, U+FFFD is `EF BF BD`.
fn count_chars_and_bad(raw: &str) -> (usize, usize) {
    let b = raw.as_bytes();
    // Simple whole-slice passes (the compiler vectorises them); the two multi-byte cases are
    // only looked at where their lead byte occurs.
    let total = b.iter().filter(|&&x| x & 0xC0 != 0x80).count();
    let controls = b
        .iter()
        .filter(|&&x| (x < 0x20 && !matches!(x, b'\t' | b'\n' | b'\r' | 0x0C)) || x == 0x7F)
        .count();
    let mut multi = 0usize;
    if b.iter().any(|&x| x == 0xC2 || x == 0xEF) {
        for (i, &x) in b.iter().enumerate() {
            multi += usize::from(match x {
                0xC2 => b.get(i + 1).is_some_and(|&y| (0x80..=0x9F).contains(&y)),
                0xEF => b.get(i + 1) == Some(&0xBF) && b.get(i + 2) == Some(&0xBD),
                _ => false,
            });
        }
    }
    (total, controls + multi)
}

/// `Yes` only when `raw` is certainly NFC (otherwise it is normalised, which leaves NFC text as
/// it is). Characters below U+0300 are all NFC starters, so only the others (whose UTF-8 lead
/// byte is 0xCC or more) go through the quick check: dropping starters can only turn a `Yes` into
/// a `Maybe`, never the reverse.
fn nfc_quick(raw: &str) -> IsNormalized {
    let b = raw.as_bytes();
    if b.iter().all(|&x| x < 0xCC) {
        return IsNormalized::Yes;
    }
    let mut rest: Vec<char> = Vec::new();
    for (i, &x) in b.iter().enumerate() {
        if x >= 0xCC {
            if let Some(c) = raw.get(i..).and_then(|s| s.chars().next()) {
                rest.push(c);
            }
        }
    }
    is_nfc_quick(rest.into_iter())
}

/// True when invalid UTF-8 is the exception: the file holds more valid multi-byte sequences than
/// invalid ones, so it was written as UTF-8 and merely damaged.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multi = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multi += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid_multi > invalid
}

fn utf8_or_replace(bytes: &[u8], warnings: &mut Vec<String>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(e) => {
            let bad = bytes
                .utf8_chunks()
                .filter(|c| !c.invalid().is_empty())
                .count();
            warnings.push(format!(
                "invalid UTF-8 ({bad} sequence(s), first at byte {}) replaced with U+FFFD",
                e.valid_up_to()
            ));
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

fn utf16(bytes: &[u8], enc: &'static encoding_rs::Encoding, warnings: &mut Vec<String>) -> String {
    let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        warnings.push(format!("malformed {} replaced with U+FFFD", enc.name()));
    }
    cow.into_owned()
}

/// Controls that carry no meaning in a seed (tab, line ends and form feed are whitespace).
fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C')
}

/// Characters removed outright: invisible, zero-width, or stray BOMs.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    ) || is_stray_control(c)
}

/// Horizontal whitespace, including the no-break spaces.
pub fn is_hspace(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\x0C' || (c.is_whitespace() && c != '\n' && c != '\r')
}

/// Splits on `\r\n`, `\r` and `\n` and normalises each line (see the module doc).
fn normalise_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut first = true;
    // Without any `\r`, line ends are found with the (fast) single-byte search.
    let has_cr = text.as_bytes().contains(&b'\r');
    loop {
        let end = if has_cr {
            rest.bytes().position(|b| b == b'\r' || b == b'\n')
        } else {
            rest.find('\n')
        };
        let (line, next) = match end {
            Some(i) => {
                let skip = if rest.as_bytes()[i..].starts_with(b"\r\n") {
                    2
                } else {
                    1
                };
                (&rest[..i], Some(&rest[i + skip..]))
            }
            None => (rest, None),
        };
        if !first {
            out.push('\n');
        }
        first = false;
        normalise_line(line, &mut out);
        match next {
            Some(n) => rest = n,
            None => break,
        }
    }
    // A final line end does not make an extra (empty) line.
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Collapses whitespace runs of one line into `out` (see the module doc for no-break spaces).
pub fn normalise_line(line: &str, out: &mut String) {
    let bytes = line.as_bytes();
    let mut pending: Option<(bool, bool)> = None; // (had nbsp, had narrow nbsp)
    let mut prev_guillemet = false;
    let mut wrote_any = false;
    let mut i = 0;
    while i < bytes.len() {
        // Fast path: a run of printable ASCII other than space is copied as is (none of it is
        // invisible or a space, and only its first character can follow a pending space).
        if (0x21..0x7F).contains(&bytes[i]) {
            let start = i;
            while i < bytes.len() && (0x21..0x7F).contains(&bytes[i]) {
                i += 1;
            }
            if let Some((nbsp, narrow)) = pending.take() {
                push_space(
                    out,
                    wrote_any,
                    nbsp,
                    narrow,
                    bytes[start] as char,
                    prev_guillemet,
                );
            }
            out.push_str(&line[start..i]);
            wrote_any = true;
            prev_guillemet = false;
            continue;
        }
        if bytes[i] == b' ' {
            pending.get_or_insert((false, false));
            i += 1;
            continue;
        }
        let Some(c) = line[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if is_invisible(c) {
            continue;
        }
        if is_hspace(c) {
            let p = pending.get_or_insert((false, false));
            if c == '\u{00A0}' {
                p.0 = true;
            } else if c == '\u{202F}' {
                p.0 = true;
                p.1 = true;
            }
            continue;
        }
        if let Some((nbsp, narrow)) = pending.take() {
            push_space(out, wrote_any, nbsp, narrow, c, prev_guillemet);
        }
        out.push(c);
        wrote_any = true;
        prev_guillemet = c == '«';
    }
}

/// Writes the single space a whitespace run before `c` becomes (none at the line start).
fn push_space(out: &mut String, wrote_any: bool, nbsp: bool, narrow: bool, c: char, after: bool) {
    if wrote_any {
        let french = nbsp && (matches!(c, ':' | ';' | '!' | '?' | '»') || after);
        out.push(match (french, narrow) {
            (true, true) => '\u{202F}',
            (true, false) => '\u{00A0}',
            _ => ' ',
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Decoded {
        decode(Path::new("seeds/t.txt"), bytes).unwrap()
    }

    #[test]
    fn utf8_bom_and_line_ends() {
        let d = dec(b"\xEF\xBB\xBFa \t\r\nb\rc\n\n\nd  \n");
        assert_eq!(d.text, "a\nb\nc\n\n\nd");
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn utf16_both_orders() {
        let s = "Été\r\nà Paris";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(dec(&le).text, "Été\nà Paris");
        assert_eq!(dec(&be).text, "Été\nà Paris");
        assert_eq!(dec(&le).encoding, "UTF-16LE");
    }

    #[test]
    fn windows_1252_detected_with_warning() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1252.encode("Le ministre a été reçu à l’Élysée — déjà « bien ».");
        let d = dec(&bytes);
        assert_eq!(d.text, "Le ministre a été reçu à l’Élysée — déjà « bien ».");
        assert_eq!(d.warnings.len(), 1);
        assert!(d.warnings[0].contains("windows-1252"), "{:?}", d.warnings);
    }

    #[test]
    fn broken_utf8_in_the_middle_is_replaced() {
        let mut bytes = "Un été à Paris".as_bytes().to_vec();
        bytes.push(0xFF);
        bytes.extend("puis la suite, très bien.".as_bytes());
        let d = dec(&bytes);
        assert!(d.text.contains('\u{FFFD}'));
        assert!(d.text.contains("été"));
        assert!(d.warnings[0].contains("invalid UTF-8"));
    }

    #[test]
    fn nul_and_binary_rejected() {
        assert!(decode(Path::new("x"), b"abc\0def").is_err());
        let bin: Vec<u8> = (1..=255u8).cycle().take(4000).filter(|&b| b != 0).collect();
        let e = decode(Path::new("seeds/b.txt"), &bin).unwrap_err();
        assert!(e.to_string().starts_with("seeds/b.txt: "));
    }

    #[test]
    fn nfc_and_spaces() {
        let d = dec("e\u{301}te\u{301}  a\u{00A0}\u{00A0}b\u{200B}c".as_bytes());
        assert_eq!(d.text, "été a bc");
    }

    #[test]
    fn nfc_prefilter_agrees_with_quick_check() {
        for s in [
            "plain ascii",
            "Été à l’Élysée «\u{a0}oui\u{a0}»",
            "e\u{301}te\u{301}",
            "a\u{323}\u{301}b",
            "a\u{301}\u{323}b",
            "\u{212B}ngstr\u{f6}m",
            "\u{1100}\u{1161}",
            "x\u{340}y",
        ] {
            let quick = nfc_quick(s) == IsNormalized::Yes;
            let full = s.nfc().collect::<String>() == s;
            assert!(!quick || full, "{s:?}");
            assert_eq!(quick, is_nfc_quick(s.chars()) == IsNormalized::Yes, "{s:?}");
        }
    }

    #[test]
    fn french_typography_kept() {
        let d = dec("Il a dit\u{202F}: «\u{00A0}oui\u{00A0}» ! Vraiment  ?".as_bytes());
        assert_eq!(
            d.text,
            "Il a dit\u{202F}: «\u{00A0}oui\u{00A0}» ! Vraiment ?"
        );
    }
}
