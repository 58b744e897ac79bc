//! A compact binary form of [`ParsedSeed`], for the seed cache.
//!
//! The cache is read at the start of every incremental build, so it must load much faster than
//! parsing: JSON spent most of its time on field names and on buffering the internally tagged
//! [`Block`]s, and binary formats driven by serde cannot read internally tagged enums at all
//! (their serde attributes are fixed by `gazette inspect --json`). This format is written by
//! hand instead: fields in declaration order, lengths and integers as LEB128 varints, strings as
//! UTF-8, enums as a one-byte variant number. It has no version of its own: the cache stores a
//! format version and the parser key next to it, and the key changes with `seed/mod.rs`, where
//! [`ParsedSeed`] is defined. Reading never panics: damaged input yields `None`.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};

use super::{Block, Field, Origin, ParsedSeed};

/// Appends the binary form of `value` to `out`.
pub fn write<T: Binary>(out: &mut Vec<u8>, value: &T) {
    value.put(out);
}

/// Reads bytes written by [`write`], front to back.
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next value, or `None` when the bytes do not hold one.
    pub fn read<T: Binary>(&mut self) -> Option<T> {
        T::get(self)
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.rest.len() {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// A length, which cannot exceed the bytes left (every element takes at least one byte):
    /// a damaged length fails here instead of allocating a huge vector.
    fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n <= self.rest.len()).then_some(n)
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// A value with a binary form.
pub trait Binary: Sized {
    /// Appends the value to `out`.
    fn put(&self, out: &mut Vec<u8>);
    /// Reads a value written by [`Binary::put`].
    fn get(r: &mut Reader) -> Option<Self>;
}

impl Binary for u64 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, *self);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        r.varint()
    }
}

impl Binary for usize {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, *self as u64);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        usize::try_from(r.varint()?).ok()
    }
}

/// Two varints, low half first (modification times in nanoseconds fit the first).
impl Binary for u128 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, *self as u64);
        put_varint(out, (*self >> 64) as u64);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let low = u128::from(r.varint()?);
        let high = u128::from(r.varint()?);
        Some(low | (high << 64))
    }
}

impl Binary for u32 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, u64::from(*self));
    }
    fn get(r: &mut Reader) -> Option<Self> {
        u32::try_from(r.varint()?).ok()
    }
}

impl Binary for [u8; 32] {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        r.take(32)?.try_into().ok()
    }
}

impl Binary for String {
    fn put(&self, out: &mut Vec<u8>) {
        put_str(out, self);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        r.str().map(str::to_owned)
    }
}

/// Shared text (a rendered card of the card cache), written as a [`String`] is.
impl Binary for std::sync::Arc<str> {
    fn put(&self, out: &mut Vec<u8>) {
        put_str(out, self);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        r.str().map(std::sync::Arc::from)
    }
}

/// Paths are stored as UTF-8, like the JSON cache did; a path that is not UTF-8 is written as
/// one that fails to read back, so its seed is parsed again rather than cached under a
/// different path.
impl Binary for PathBuf {
    fn put(&self, out: &mut Vec<u8>) {
        match self.to_str() {
            Some(s) => put_str(out, s),
            None => put_varint(out, u64::MAX),
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        r.str().map(PathBuf::from)
    }
}

impl Binary for NaiveDate {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.num_days_from_ce().to_le_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let days = i32::from_le_bytes(r.take(4)?.try_into().ok()?);
        NaiveDate::from_num_days_from_ce_opt(days)
    }
}

impl<T: Binary> Binary for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.put(out);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match r.byte()? {
            0 => Some(None),
            1 => T::get(r).map(Some),
            _ => None,
        }
    }
}

impl<T: Binary> Binary for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, self.len() as u64);
        for v in self {
            v.put(out);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = r.len()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(T::get(r)?);
        }
        Some(out)
    }
}

impl Binary for super::SeedBody {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, self.len() as u64);
        for v in self.iter() {
            v.put(out);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Vec::<Block>::get(r).map(super::SeedBody::new)
    }
}

impl Binary for Origin {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Origin::Line(n) => {
                out.push(0);
                n.put(out);
            }
            Origin::FirstSentence => out.push(1),
            Origin::FileName => out.push(2),
            Origin::Detected => out.push(3),
            Origin::Default => out.push(4),
            Origin::Override => out.push(5),
            Origin::Missing => out.push(6),
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(match r.byte()? {
            0 => Origin::Line(r.read()?),
            1 => Origin::FirstSentence,
            2 => Origin::FileName,
            3 => Origin::Detected,
            4 => Origin::Default,
            5 => Origin::Override,
            6 => Origin::Missing,
            _ => return None,
        })
    }
}

impl<T: Binary> Binary for Field<T> {
    fn put(&self, out: &mut Vec<u8>) {
        self.value.put(out);
        self.origin.put(out);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Field::new(r.read()?, r.read()?))
    }
}

impl Binary for Block {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Block::Paragraph { text } => {
                out.push(0);
                text.put(out);
            }
            Block::Heading { text } => {
                out.push(1);
                text.put(out);
            }
            Block::List { items } => {
                out.push(2);
                items.put(out);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(match r.byte()? {
            0 => Block::Paragraph { text: r.read()? },
            1 => Block::Heading { text: r.read()? },
            2 => Block::List { items: r.read()? },
            _ => return None,
        })
    }
}

impl Binary for ParsedSeed {
    fn put(&self, out: &mut Vec<u8>) {
        // Destructured so that a new field cannot be forgotten here.
        let ParsedSeed {
            id,
            file,
            title,
            date,
            updated,
            source,
            authors,
            tags,
            language,
            summary,
            slug_hint,
            dateline,
            body,
            word_count,
            reading_time,
            warnings,
        } = self;
        id.put(out);
        file.put(out);
        title.put(out);
        date.put(out);
        updated.put(out);
        source.put(out);
        authors.put(out);
        tags.put(out);
        language.put(out);
        summary.put(out);
        slug_hint.put(out);
        dateline.put(out);
        body.put(out);
        word_count.put(out);
        reading_time.put(out);
        warnings.put(out);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(ParsedSeed {
            id: r.read()?,
            file: r.read()?,
            title: r.read()?,
            date: r.read()?,
            updated: r.read()?,
            source: r.read()?,
            authors: r.read()?,
            tags: r.read()?,
            language: r.read()?,
            summary: r.read()?,
            slug_hint: r.read()?,
            dateline: r.read()?,
            body: r.read()?,
            word_count: r.read()?,
            reading_time: r.read()?,
            warnings: r.read()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ParsedSeed {
        ParsedSeed {
            id: "004_372a7a80e6ed88e1".into(),
            file: PathBuf::from("seeds/004_372a7a80e6ed88e1.txt"),
            title: Field::new("Israël : « oui »".into(), Origin::Line(3)),
            date: Field::new(NaiveDate::from_ymd_opt(2021, 7, 27), Origin::Line(300)),
            updated: Field::new(None, Origin::Missing),
            source: Field::new(Some("RND".into()), Origin::Detected),
            authors: Field::new(vec!["Jean Dupont".into(), "Ana".into()], Origin::Line(2)),
            tags: Field::new(Vec::new(), Origin::Missing),
            language: Field::new("fr".into(), Origin::Default),
            summary: Field::new(vec!["Un".into()], Origin::FirstSentence),
            slug_hint: "Israël oui".into(),
            dateline: Some("Tel Aviv".into()),
            body: vec![
                Block::Paragraph {
                    text: "é".repeat(200),
                },
                Block::Heading { text: "H".into() },
                Block::List {
                    items: vec!["a".into(), String::new()],
                },
            ]
            .into(),
            word_count: 1_000_000,
            reading_time: 7,
            warnings: vec!["w".into()],
        }
    }

    #[test]
    fn round_trips() {
        let seed = sample();
        let mut out = Vec::new();
        write(&mut out, &seed);
        let mut r = Reader::new(&out);
        let back: ParsedSeed = r.read().unwrap();
        assert!(r.is_empty());
        let json = |s: &ParsedSeed| serde_json::to_string(s).unwrap();
        assert_eq!(json(&back), json(&seed));
    }

    #[test]
    fn damaged_input_is_none_never_a_panic() {
        let mut out = Vec::new();
        write(&mut out, &sample());
        for cut in 0..out.len() {
            assert!(Reader::new(&out[..cut]).read::<ParsedSeed>().is_none());
        }
        for i in 0..out.len() {
            let mut bad = out.clone();
            bad[i] ^= 0xFF;
            let _ = Reader::new(&bad).read::<ParsedSeed>();
        }
    }
}
