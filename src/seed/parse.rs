//! Text → [`ParsedSeed`].
//!
//! The pipeline, each step linear in the size of the seed:
//!
//! 1. [`decode`](super::decode): bytes → normalised lines (line numbers preserved).
//! 2. **Units**: one unit per non-blank line, because scrapers write one paragraph per line
//!    whether or not they also leave blank lines between paragraphs (seed 004 has none, seed
//!    000 has them). Only a *hard-wrapped* file (most lines that continue on the next line are
//!    long and stop mid-sentence) has its lines joined into paragraphs, breaking at blank lines,
//!    bullets and short last lines.
//! 3. **Classification** of each unit, first match wins: decoration (`***`), boilerplate,
//!    tags line, byline, date line (a short line that is only dates, publish/update words,
//!    times, and optionally a source or byline set off by a separator), source line (needs a
//!    signal: `Source :`, a known agency, `avec AFP`), bullet, text. Metadata units leave the
//!    body; a short name-like line next to a date/tags line at the end of the file is a source.
//! 4. **Body**: an explicit headline (short first line without final punctuation), opening
//!    bullets as summary, later bullets as lists, short unpunctuated lines between paragraphs as
//!    headings, a dateline on the first paragraph (kept in the text, recorded separately), then
//!    repeated blocks dropped by [`RepeatFilter`](super::clean::RepeatFilter).
//! 5. **Derived fields**: title from the opening sentence when there is no headline, language
//!    with whatlang, word count and reading time.

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;

use super::clean::{Boilerplate, RepeatFilter};
use super::dates::{find_dates, tokenize, Tok, Token};
use super::decode::decode;
use super::extract::Extent;
use super::*;
use crate::text::fold;

/// Longest line (bytes) considered for any metadata role; longer lines are running text.
const MAX_META_LINE: usize = 240;
/// Tags kept from one tags line; more is scraper noise and would flood the tag pages.
pub const MAX_TAGS: usize = 1000;
/// Longest tag kept (characters).
const MAX_TAG_CHARS: usize = 100;
/// Title length budget (characters, `…` included).
pub const TITLE_MAX: usize = 110;
/// Bytes of title and body text given to language detection (cut back to a character
/// boundary): about a thousand characters is as reliable as the whole text for whatlang, whose
/// cost grows with the sample.
const LANG_SAMPLE: usize = 1_000;

/// Parses one seed. Never panics; an unreadable seed is a [`SeedError`].
pub fn parse_seed(file: &Path, bytes: &[u8], opts: &ParseOptions) -> Result<ParsedSeed, SeedError> {
    parse_traced(file, bytes, opts, &SeedInputs::default(), None)
}

/// [`parse_seed`] with an editor's correction of where the body starts and stops and which
/// dropped lines it keeps (from an article override).
pub fn parse_seed_with(
    file: &Path,
    bytes: &[u8],
    opts: &ParseOptions,
    extent: &Extent,
) -> Result<ParsedSeed, SeedError> {
    let inputs = SeedInputs {
        extent: extent.clone(),
        ..SeedInputs::default()
    };
    parse_traced(file, bytes, opts, &inputs, None)
}

/// [`parse_seed`] with everything besides its bytes and options that the parse of one seed
/// depends on: its override's extent and the lines the archive calls furniture.
pub fn parse_seed_in(
    file: &Path,
    bytes: &[u8],
    opts: &ParseOptions,
    inputs: &SeedInputs,
) -> Result<ParsedSeed, SeedError> {
    parse_traced(file, bytes, opts, inputs, None)
}

/// One line of the seed as `gazette inspect --explain` shows it: what it became and why.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    /// 1-based line of the seed.
    pub line: usize,
    /// The line's text (first 100 characters).
    pub text: String,
    /// What it became: title, date, byline, tags, source, metadata, body, furniture, comment,
    /// caption, teaser, notice.
    pub became: String,
    /// The rule or score that decided it.
    pub why: String,
}

/// Parses one seed and tells, for each line, what it became and the rule that decided it, so
/// an editor can see why a line was dropped and fix it with an override.
pub fn explain_seed(
    file: &Path,
    bytes: &[u8],
    opts: &ParseOptions,
    inputs: &SeedInputs,
) -> Result<(ParsedSeed, Vec<Explained>), SeedError> {
    let mut trace = Vec::new();
    let seed = parse_traced(file, bytes, opts, inputs, Some(&mut trace))?;
    let fields: [(&str, &Origin); 6] = [
        ("title", &seed.title.origin),
        ("date", &seed.date.origin),
        ("updated", &seed.updated.origin),
        ("byline", &seed.authors.origin),
        ("tags", &seed.tags.origin),
        ("source", &seed.source.origin),
    ];
    for e in &mut trace {
        for (name, origin) in fields {
            if *origin == Origin::Line(e.line) && !e.became.starts_with(name) {
                e.became = if e.became == "metadata" || e.became == "title" {
                    name.to_string()
                } else {
                    format!("{name} ({})", e.became)
                };
            }
        }
        if e.became == "body" && seed.summary.origin == Origin::Line(e.line) {
            e.became = "summary".to_string();
        }
    }
    Ok((seed, trace))
}

/// What each unit became before body assembly, for [`explain_seed`].
fn trace_units(
    units: &[Unit],
    kinds: &[Kind],
    ex: &super::extract::Extraction,
    trace: &mut Vec<Explained>,
) {
    for (i, (u, k)) in units.iter().zip(kinds).enumerate() {
        let v = &ex.verdicts[i];
        let (became, why): (&str, String) = match k {
            Kind::Meta { .. } => ("metadata", "date, byline, tags or source line".into()),
            Kind::Text | Kind::Bullet(_) => ("body", describe(v)),
            Kind::Drop if v.role != super::extract::Role::Article => (v.role.label(), describe(v)),
            Kind::Drop if !ex.meta_allowed(i) => (
                "furniture",
                "outside the article and the lines around it".into(),
            ),
            Kind::Drop => ("furniture", "boilerplate pattern or decoration".into()),
        };
        trace.push(Explained {
            line: u.line,
            text: u.text.chars().take(100).collect(),
            became: became.to_string(),
            why,
        });
    }
}

/// A verdict's rule with its class and stopword density.
fn describe(v: &super::extract::Verdict) -> String {
    match v.stop_density {
        Some(d) => format!("{} [{:?}, stopwords {:.2}]", v.rule, v.class, d),
        None => format!("{} [{:?}]", v.rule, v.class),
    }
}

/// [`parse_seed`], recording each line's fate in `trace` when one is given.
fn parse_traced(
    file: &Path,
    bytes: &[u8],
    opts: &ParseOptions,
    inputs: &SeedInputs,
    trace: Option<&mut Vec<Explained>>,
) -> Result<ParsedSeed, SeedError> {
    let mut w = Warn {
        file: file.display().to_string(),
        list: Vec::new(),
    };
    let decoded = decode(file, bytes)?;
    for m in &decoded.warnings {
        w.file(m);
    }
    let text = decoded.text;
    let id = seed_id(file, &mut w);
    let slug_hint = slug_hint(&text);
    if text.trim().is_empty() {
        return Err(seed_error(file, "empty seed (no text)"));
    }

    let lines: Vec<&str> = text.split('\n').collect();
    let units = build_units(&lines);
    let mut meta = Meta::default();
    let (ex, kinds) = extract_and_classify(&units, opts, inputs, &mut meta, &mut w);
    if let Some(trace) = trace {
        trace_units(&units, &kinds, &ex, trace);
    }

    let items = body_items(&units, &kinds);
    if items.is_empty() {
        return Err(seed_error(file, NO_ARTICLE));
    }
    let (title, summary, start) = headline_and_summary(&ex, &units, &items, &mut meta);
    let mut body = assemble_body(&items[start..], title.as_ref(), &mut w);
    let (dateline, title_source_text) = dateline_and_agency(&mut body, &mut meta);
    body.retain(|b| match b {
        Block::Paragraph { text } | Block::Heading { text } => !text.trim().is_empty(),
        Block::List { items } => !items.is_empty(),
    });
    if body.is_empty() {
        return Err(seed_error(file, NO_ARTICLE));
    }
    let title = title.unwrap_or_else(|| fallback_title(title_source_text, &body, &id));

    let word_count = body_word_count(&body);
    let language = article_language(&ex, &kinds, &title.value, &body, opts, word_count);
    let (date, updated) = meta.dates(&mut w);
    let (source, authors, tags) = meta.into_fields();

    Ok(ParsedSeed {
        id,
        file: file.to_path_buf(),
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
        body: body.into(),
        word_count,
        reading_time: crate::site::reading_minutes(word_count),
        warnings: w.list,
    })
}

/// The error of a seed that has no article once its furniture and metadata are gone.
const NO_ARTICLE: &str = "no article text after removing boilerplate and metadata";

/// A [`SeedError`] naming the file, so one bad seed is reported and the others go on.
fn seed_error(file: &Path, message: &str) -> SeedError {
    SeedError {
        file: file.to_path_buf(),
        message: message.to_string(),
    }
}

/// Main-content extraction (with the archive's furniture and the override's extent), then
/// each unit's kind: metadata is read only where extraction allows it, and text extraction
/// dropped stays dropped.
fn extract_and_classify(
    units: &[Unit],
    opts: &ParseOptions,
    inputs: &SeedInputs,
    meta: &mut Meta,
    w: &mut Warn,
) -> (super::extract::Extraction, Vec<Kind>) {
    let bp = Boilerplate::cached(&opts.boilerplate);
    let mut ex = extract_units(units);
    let unit_lines: Vec<usize> = units.iter().map(|u| u.line).collect();
    let texts = units.iter().map(|u| u.text.as_str());
    inputs.furniture.apply(&mut ex, texts);
    inputs.extent.apply(&mut ex, &unit_lines);
    let mut kinds: Vec<Kind> = Vec::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        let kind = if ex.meta_allowed(i) {
            classify(u, &bp, meta, w)
        } else {
            Kind::Drop
        };
        kinds.push(match kind {
            Kind::Text | Kind::Bullet(_) if !ex.keeps(i) => Kind::Drop,
            k => k,
        });
    }
    positional_sources(units, &mut kinds, meta);
    positional_byline(units, &mut kinds, meta, ex.meta_window.0);
    (ex, kinds)
}

/// The kept units as paragraphs and lists: bullets separated only by dropped lines stay one
/// list.
fn body_items(units: &[Unit], kinds: &[Kind]) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        match kind {
            Kind::Bullet(t) => match items.last_mut() {
                Some(Item::List(list, _, last))
                    if *last + 1 == i || only_dropped(kinds, *last, i) =>
                {
                    list.push(t.clone());
                    *last = i;
                }
                _ => items.push(Item::List(vec![t.clone()], units[i].line, i)),
            },
            Kind::Text => items.push(Item::Text(units[i].text.clone(), units[i].line)),
            Kind::Drop | Kind::Meta { .. } => {}
        }
    }
    items
}

/// The title (extraction's headline, else a heading-like first item), the opening list as
/// summary, and the index of the first item of the body.
fn headline_and_summary(
    ex: &super::extract::Extraction,
    units: &[Unit],
    items: &[Item],
    meta: &mut Meta,
) -> (Option<Field<String>>, Field<Vec<String>>, usize) {
    let mut title: Option<Field<String>> = extracted_title(ex, units, meta);
    let mut start = 0;
    if let (None, Some(Item::Text(t, line)), true) = (&title, items.first(), items.len() > 1) {
        if heading_like(t, 120, 20, true) {
            title = Some(Field::new(site_stripped(ex, t, meta), Origin::Line(*line)));
            start = 1;
        }
    }
    let mut summary = Field::new(Vec::new(), Origin::Missing);
    if let Some(Item::List(list, line, _)) = items.get(start) {
        if items.len() > start + 1 {
            summary = Field::new(list.clone(), Origin::Line(*line));
            start += 1;
        }
    }
    (title, summary, start)
}

/// The body's blocks: short lines between paragraphs become headings, and text repeating the
/// title or an earlier block is left out with a warning.
fn assemble_body(rest: &[Item], title: Option<&Field<String>>, w: &mut Warn) -> Vec<Block> {
    let mut filter = RepeatFilter::new();
    if let Some(t) = title {
        filter.is_repeat(&t.value);
    }
    let mut body: Vec<Block> = Vec::new();
    for (k, item) in rest.iter().enumerate() {
        let (block, line) = match item {
            Item::List(list, line, _) => (
                Block::List {
                    items: list.clone(),
                },
                *line,
            ),
            Item::Text(t, line) => {
                let next_is_text = matches!(rest.get(k + 1), Some(Item::Text(..)));
                let heading = !body.is_empty() && next_is_text && heading_like(t, 100, 14, false);
                if heading {
                    (Block::Heading { text: t.clone() }, *line)
                } else {
                    (Block::Paragraph { text: t.clone() }, *line)
                }
            }
        };
        let key: std::borrow::Cow<str> = match &block {
            Block::List { items } => items.join("\n").into(),
            Block::Paragraph { text } | Block::Heading { text } => text.as_str().into(),
        };
        if filter.is_repeat(&key) {
            let words = key.split_whitespace().count();
            w.line(line, &format!("repeated text removed ({words} words)"));
            continue;
        }
        body.push(block);
    }
    // A heading left with nothing after it (its section was a repeat) is not a heading.
    if let Some(Block::Heading { text }) = body.last() {
        let text = text.clone();
        body.pop();
        body.push(Block::Paragraph { text });
    }
    body
}

/// Reads the dateline of the first paragraph and a trailing agency credit of the last (which
/// leaves the text); gives the dateline and the text a title would be cut from.
fn dateline_and_agency(body: &mut [Block], meta: &mut Meta) -> (Option<String>, Option<String>) {
    let mut dateline = None;
    let mut title_source_text: Option<String> = None;
    if let Some(Block::Paragraph { text }) =
        body.iter().find(|b| matches!(b, Block::Paragraph { .. }))
    {
        if let Some(d) = detect_dateline(text) {
            if let Some(a) = &d.agency {
                meta.source(a.clone(), 0, 1);
            }
            dateline = Some(d.place);
            title_source_text = Some(text[d.rest..].to_string());
        } else {
            title_source_text = Some(text.clone());
        }
    }
    if let Some(Block::Paragraph { text }) = body.last_mut() {
        if let Some((kept, agency)) = strip_trailing_agency(text) {
            meta.source(agency, 0, 1);
            *text = kept;
        }
    }
    (dateline, title_source_text)
}

/// A title for a seed without a headline: its opening sentence, cut; the seed id at worst.
fn fallback_title(source_text: Option<String>, body: &[Block], id: &str) -> Field<String> {
    let src = source_text.unwrap_or_else(|| block_text(&body[0]));
    let mut t = cut_title(first_sentence(&src), TITLE_MAX);
    if t.is_empty() {
        t = cut_title(&block_text(&body[0]), TITLE_MAX);
    }
    if t.is_empty() {
        t = id.to_string();
    }
    Field::new(t, Origin::FirstSentence)
}

/// Words of the body, as reading time and the language threshold count them.
fn body_word_count(body: &[Block]) -> usize {
    body.iter()
        .map(|b| match b {
            Block::Paragraph { text } | Block::Heading { text } => count_words(text),
            // Items are joined with a space for display: no word spans two items.
            Block::List { items } => items.iter().map(|i| count_words(i)).sum(),
        })
        .sum()
}

/// The language of the article: the page's when it was detected on article text only, else
/// detected again on the title and body.
fn article_language(
    ex: &super::extract::Extraction,
    kinds: &[Kind],
    title: &str,
    body: &[Block],
    opts: &ParseOptions,
    word_count: usize,
) -> Field<String> {
    let sample_kept = ex
        .language_sample
        .iter()
        .all(|&i| matches!(kinds.get(i), Some(Kind::Text | Kind::Bullet(_))) && ex.keeps(i));
    match ex.page_language {
        Some(code) if sample_kept && word_count >= LANG_MIN_WORDS => {
            Field::new(code.to_string(), Origin::Detected)
        }
        _ => detect_language(title, body, opts, word_count),
    }
}

/// Runs main-content extraction over the units; a metadata-looking line is never a headline.
fn extract_units(units: &[Unit]) -> super::extract::Extraction {
    let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    let meta_like = |t: &str| {
        let toks = tokenize(t);
        byline(t, &toks).is_some() || date_line(t, &toks).is_some()
    };
    super::extract::extract(&texts, &meta_like)
}

/// The headline extraction found above the article, or the page-title line's headline part
/// when the page had furniture but no headline line; the page title's site part becomes a
/// low-priority source.
fn extracted_title(
    ex: &super::extract::Extraction,
    units: &[Unit],
    meta: &mut Meta,
) -> Option<Field<String>> {
    if let Some(h) = ex.headline {
        let t = site_stripped(ex, &units[h].text, meta);
        return Some(Field::new(t, Origin::Line(units[h].line)));
    }
    let (i, head, site) = ex.page_title.as_ref().filter(|_| ex.active)?;
    meta.source(site.clone(), units[*i].line, 0);
    Some(Field::new(head.clone(), Origin::Line(units[*i].line)))
}

/// `t` without the site name when it is the page-title line (`Headline | Site`).
fn site_stripped(ex: &super::extract::Extraction, t: &str, meta: &mut Meta) -> String {
    match &ex.page_title {
        Some((_, head, site))
            if ex.active
                && t.trim().starts_with(head.as_str())
                && t.trim().ends_with(site.as_str()) =>
        {
            meta.source(site.clone(), 0, 0);
            head.clone()
        }
        _ => trim_title(t),
    }
}

/// At most `max` bytes of `s`, cut back to a character boundary.
pub(super) fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Collects warnings, each prefixed with the file (and line) so they can be read out of context.
struct Warn {
    file: String,
    list: Vec<String>,
}

impl Warn {
    fn file(&mut self, msg: &str) {
        self.list.push(format!("{}: {msg}", self.file));
    }
    fn line(&mut self, line: usize, msg: &str) {
        self.list.push(format!("{}:{line}: {msg}", self.file));
    }
}

/// The id is the file stem; a stem that is not `NNN_<16 hex>` still works but is flagged,
/// because ids are meant to be stable scraper-assigned keys.
fn seed_id(file: &Path, w: &mut Warn) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ok = stem.split_once('_').is_some_and(|(n, h)| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && h.len() == 16
            && h.bytes().all(|b| b.is_ascii_hexdigit())
    }) && file.extension().is_some_and(|e| e == "txt");
    if !ok {
        w.file("file name is not NNN_<16 hex digits>.txt; its stem is used as the id");
    }
    if stem.is_empty() {
        "seed".to_string()
    } else {
        stem
    }
}

/// First 8 words of the first non-empty line, bullet mark stripped. Deliberately mechanical.
fn slug_hint(text: &str) -> String {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let first = strip_bullet(first).unwrap_or(first);
    first
        .split_whitespace()
        .take(8)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A paragraph-sized piece of the seed with the line it starts on.
#[derive(Debug, Clone)]
struct Unit {
    text: String,
    line: usize,
}

/// Terminal punctuation of a sentence or paragraph (closing quotes/brackets allowed after).
fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches([
        '»', '"', '”', '’', '\'', ')', ']', ' ', '\u{a0}', '\u{202f}',
    ]);
    t.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// One unit per non-blank line, unless the file is hard-wrapped (see the module doc).
fn build_units(lines: &[&str]) -> Vec<Unit> {
    let mut continuing = 0usize;
    let mut wrapped_like = 0usize;
    let mut max_len = 0usize;
    for (i, l) in lines.iter().enumerate() {
        let n = l.chars().count();
        max_len = max_len.max(n);
        if l.is_empty() || strip_bullet(l).is_some() {
            continue;
        }
        if lines.get(i + 1).is_some_and(|next| !next.is_empty()) {
            continuing += 1;
            if n >= 40 && !ends_sentence(l) {
                wrapped_like += 1;
            }
        }
    }
    let wrapped = max_len <= 120 && continuing >= 2 && wrapped_like * 2 > continuing;
    let mut units: Vec<Unit> = Vec::new();
    let mut open = false;
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() {
            open = false;
            continue;
        }
        let is_bullet = strip_bullet(l).is_some();
        if wrapped && open && !is_bullet {
            if let Some(u) = units.last_mut() {
                if u.text.ends_with('-')
                    && u.text[..u.text.len() - 1].ends_with(char::is_alphabetic)
                {
                    u.text.push_str(l);
                } else {
                    u.text.push(' ');
                    u.text.push_str(l);
                }
            }
        } else {
            units.push(Unit {
                text: l.to_string(),
                line: i + 1,
            });
        }
        // In a wrapped file a line well short of the width ends its paragraph.
        open = wrapped && l.chars().count() * 10 >= max_len * 7;
    }
    units
}

/// Bullet marks that open a summary or list item.
fn strip_bullet(line: &str) -> Option<&str> {
    let mut chars = line.chars();
    let c = chars.next()?;
    if !matches!(
        c,
        '-' | '•' | '*' | '–' | '—' | '·' | '▪' | '►' | '‣' | '◦' | '●'
    ) {
        return None;
    }
    let rest = chars.as_str();
    let next = rest.chars().next()?;
    let item = rest.trim_start();
    // `-Text` (no space) is a bullet when a letter, digit or quote follows; `--`, `**` are not.
    let ok = next.is_whitespace() || next.is_alphanumeric() || matches!(next, '«' | '"' | '“');
    if ok && item.chars().any(char::is_alphanumeric) {
        Some(item)
    } else {
        None
    }
}

/// What a unit turned out to be.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// Decoration or boilerplate.
    Drop,
    /// A metadata line that was read; `dated` when it carried a date or tags (anchors a
    /// neighbouring source line).
    Meta { anchors: bool },
    /// A bullet item.
    Bullet(String),
    /// Running text.
    Text,
}

enum Item {
    /// Items, first line, index of the last unit.
    List(Vec<String>, usize, usize),
    Text(String, usize),
}

fn only_dropped(kinds: &[Kind], from: usize, to: usize) -> bool {
    kinds[from + 1..to].iter().all(|k| *k == Kind::Drop)
}

/// The source, authors and tags fields of a seed.
type MetaFields = (
    Field<Option<String>>,
    Field<Vec<String>>,
    Field<Vec<String>>,
);

/// Metadata collected from the seed.
#[derive(Debug, Default)]
struct Meta {
    /// (date or invalid, line, is update, original text).
    dates: Vec<(Option<NaiveDate>, usize, bool, String)>,
    /// (source, line (0 = detected in text), priority).
    sources: Vec<(String, usize, u8)>,
    authors: Vec<String>,
    authors_line: Option<usize>,
    tags: Vec<String>,
    tags_line: Option<usize>,
    /// The tags list may go on on the next line: (its last line, whether that line may hold a
    /// single tag). See [`tags_continued`].
    tags_open: Option<(usize, bool)>,
}

impl Meta {
    fn source(&mut self, s: String, line: usize, prio: u8) {
        let s = s.trim().trim_end_matches('.').trim().to_string();
        if !s.is_empty() {
            self.sources.push((s, line, prio));
        }
    }

    fn best_source(&self) -> Option<(String, usize)> {
        let best = self.sources.iter().map(|s| s.2).max()?;
        self.sources
            .iter()
            .find(|s| s.2 == best)
            .map(|s| (s.0.clone(), s.1))
    }

    fn add_authors(&mut self, names: Vec<String>, line: usize) {
        if names.is_empty() {
            return;
        }
        self.authors_line.get_or_insert(line);
        for n in names {
            if !self.authors.iter().any(|a| fold(a) == fold(&n)) {
                self.authors.push(n);
            }
        }
    }

    /// The source, authors and tags fields, each with the line it was read from.
    fn into_fields(self) -> MetaFields {
        let source = match self.best_source() {
            Some((s, line)) => Field::new(
                Some(s),
                if line == 0 {
                    Origin::Detected
                } else {
                    Origin::Line(line)
                },
            ),
            None => Field::new(None, Origin::Missing),
        };
        let authors = match self.authors_line {
            Some(l) => Field::new(self.authors, Origin::Line(l)),
            None => Field::new(Vec::new(), Origin::Missing),
        };
        let tags = match self.tags_line {
            Some(l) => Field::new(self.tags, Origin::Line(l)),
            None => Field::new(Vec::new(), Origin::Missing),
        };
        (source, authors, tags)
    }

    fn dates(&self, w: &mut Warn) -> (Field<Option<NaiveDate>>, Field<Option<NaiveDate>>) {
        let mut date = Field::new(None, Origin::Missing);
        let mut updated = Field::new(None, Origin::Missing);
        for (d, line, upd, text) in &self.dates {
            let Some(d) = d else {
                w.line(*line, &format!("impossible date `{text}` ignored"));
                continue;
            };
            let slot = if *upd { &mut updated } else { &mut date };
            match slot.value {
                None => *slot = Field::new(Some(*d), Origin::Line(*line)),
                Some(prev) if prev != *d && !*upd => w.line(
                    *line,
                    &format!("second publication date {d} ignored (kept {prev})"),
                ),
                _ => {}
            }
        }
        if date.value.is_none() {
            match updated.value {
                Some(u) => w.file(&format!(
                    "no publication date found (only an update date, {u}); date left empty"
                )),
                None => w.file("no publication date found"),
            }
        }
        (date, updated)
    }
}

fn classify(u: &Unit, bp: &Boilerplate, meta: &mut Meta, w: &mut Warn) -> Kind {
    let t = u.text.as_str();
    if !t.chars().any(char::is_alphanumeric) {
        return Kind::Drop;
    }
    if bp.matches(t) {
        return Kind::Drop;
    }
    if let Some((last, single_ok)) = meta.tags_open.take() {
        if u.line == last + 1 {
            if let Some(more) = tags_continued(t, single_ok) {
                let mut seen: HashSet<String> = meta.tags.iter().map(|t| fold(t)).collect();
                push_tags(&more, u.line, w, &mut meta.tags, &mut seen);
                meta.tags_open = Some((u.line, single_ok || t.trim_end().ends_with(',')));
                return Kind::Meta { anchors: true };
            }
        }
    }
    if let Some(tags) = tags_line(t, u.line, w) {
        if meta.tags_line.is_none() {
            // A label alone opens a list of one tag per line; a list ending with a separator
            // may go on with more lists below.
            let rest = t.split_once(':').map_or("", |(_, r)| r).trim_end();
            if tags.is_empty() {
                meta.tags_open = Some((u.line, true));
            } else if rest.ends_with([',', ';', '|']) {
                meta.tags_open = Some((u.line, false));
            }
            meta.tags = tags;
            meta.tags_line = Some(u.line);
        } else {
            w.line(u.line, "second tags line ignored");
        }
        return Kind::Meta { anchors: true };
    }
    if t.len() <= MAX_META_LINE {
        let toks = tokenize(t);
        if let Some(b) = byline(t, &toks) {
            meta.add_authors(b.authors, u.line);
            for (d, upd, s) in b.dates {
                meta.dates.push((d, u.line, upd, s));
            }
            if let Some(s) = b.source {
                meta.source(s, u.line, 3);
            }
            return Kind::Meta { anchors: false };
        }
        if let Some(dl) = date_line(t, &toks) {
            let anchors = !dl.dates.is_empty();
            for (d, upd, s) in dl.dates {
                meta.dates.push((d, u.line, upd, s));
            }
            if let Some(s) = dl.source {
                meta.source(s, u.line, 3);
            }
            meta.add_authors(dl.authors, u.line);
            return Kind::Meta { anchors };
        }
        if let Some(s) = source_line(t) {
            meta.source(s, u.line, 3);
            return Kind::Meta { anchors: false };
        }
    }
    if let Some(item) = strip_bullet(t) {
        return Kind::Bullet(item.to_string());
    }
    Kind::Text
}

/// A short name-like text line right before or after a date/tags line, with only metadata or
/// furniture after it, is the outlet's name (`RND` above `27/07/2021`).
fn positional_sources(units: &[Unit], kinds: &mut [Kind], meta: &mut Meta) {
    if meta.sources.iter().any(|s| s.2 >= 2) {
        return;
    }
    let Some(last_content) = kinds
        .iter()
        .rposition(|k| matches!(k, Kind::Text | Kind::Bullet(_)))
    else {
        return;
    };
    // Only the last content unit can be a trailing source line; it needs an anchor neighbour.
    if kinds[last_content] != Kind::Text || !name_like(&units[last_content].text, 6) {
        return;
    }
    let neighbour = |range: &mut dyn Iterator<Item = usize>| {
        range
            .map(|j| &kinds[j])
            .find(|k| **k != Kind::Drop)
            .is_some_and(|k| *k == Kind::Meta { anchors: true })
    };
    let before = neighbour(&mut (0..last_content).rev());
    let after = neighbour(&mut (last_content + 1..kinds.len()));
    if before || after {
        meta.source(
            units[last_content].text.clone(),
            units[last_content].line,
            2,
        );
        kinds[last_content] = Kind::Meta { anchors: false };
    }
}

/// Content units from the top of the article in which a `Name, City` line is a byline: under
/// the headline and the standfirst.
const BYLINE_TOP: usize = 4;

/// A `Name, City` line near the top of the article (`Anne Durand, Toulouse`) is its byline when
/// no other line named an author.
fn positional_byline(units: &[Unit], kinds: &mut [Kind], meta: &mut Meta, from: usize) {
    if !meta.authors.is_empty() {
        return;
    }
    let top = (from..units.len())
        .filter(|&i| matches!(kinds[i], Kind::Text))
        .take(BYLINE_TOP);
    for i in top.collect::<Vec<_>>() {
        let t = units[i].text.trim();
        let Some((name, place)) = t.split_once(", ") else {
            continue;
        };
        let words = name.split_whitespace().count();
        if t.chars().count() <= 60
            && (2..=4).contains(&words)
            && person_like(name)
            && place_like(place)
        {
            meta.add_authors(vec![name.to_string()], units[i].line);
            kinds[i] = Kind::Meta { anchors: false };
            return;
        }
    }
}

/// Small words allowed inside names (`Le Monde avec AFP`, `Jean de La Fontaine`).
const NAME_CONNECTORS: &[&str] = &[
    "de", "du", "des", "d", "la", "le", "les", "l", "van", "von", "der", "den", "da", "di", "del",
    "ben", "bin", "al", "el", "ter", "zu", "y", "e", "avec", "with", "mit", "et", "and", "und",
    "of", "the", "for", "pour",
];

/// Known news agencies: their credit is a source signal on its own.
const AGENCIES: &[&str] = &[
    "afp",
    "reuters",
    "ap",
    "associated press",
    "belga",
    "dpa",
    "ansa",
    "rnd",
    "efe",
    "ats",
    "keystone ats",
    "sda",
    "apa",
    "kna",
    "epd",
    "xinhua",
    "tass",
    "ria novosti",
    "upi",
    "bloomberg",
    "kyodo",
    "anadolu",
    "agence france presse",
    "europa press",
    "pa",
    "aps",
    "map",
    "lusa",
    "ani",
    "pti",
    "yonhap",
    "sipa",
    "relaxnews",
    "apm",
];

fn is_agency(s: &str) -> bool {
    let f = crate::text::fold_words(s);
    AGENCIES.contains(&f.as_str())
}

/// Words of a capitalised name (outlet or person): every word starts with an uppercase letter
/// or digit, or is a connector; at most `max_words` words; no sentence punctuation.
fn name_like(s: &str, max_words: usize) -> bool {
    let s = s.trim();
    if s.is_empty() || s.len() > 80 || s.ends_with(['.', ',', ';', ':', '!', '?']) {
        return false;
    }
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == '/' || c == '&' || c == '+')
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > max_words {
        return false;
    }
    let mut capital = false;
    for w in &words {
        let w = w.trim_matches(|c: char| matches!(c, '(' | ')' | '«' | '»' | '"' | '-' | '–'));
        if w.is_empty() {
            continue;
        }
        let first = w.chars().next().unwrap_or(' ');
        if first.is_uppercase() || first.is_ascii_digit() {
            capital |= first.is_uppercase();
            continue;
        }
        let f = fold(w);
        let f = f.split('\'').next().unwrap_or("");
        if NAME_CONNECTORS.contains(&f) || is_agency(w) {
            capital |= is_agency(w);
            continue;
        }
        return false;
    }
    capital
}

/// A person's name: 1–5 name-like words, no digits.
fn person_like(s: &str) -> bool {
    let s = s.trim();
    let first_upper = s.chars().next().is_some_and(char::is_uppercase);
    first_upper && !s.chars().any(|c| c.is_ascii_digit()) && name_like(s.trim_end_matches('.'), 5)
}

/// Tags line: a known label, a colon, then the list.
fn tags_line(t: &str, line: usize, w: &mut Warn) -> Option<Vec<String>> {
    const LABELS: &[&str] = &[
        "etiquettes",
        "etiquette",
        "tags",
        "tag",
        "mots-cles",
        "mots cles",
        "mot-cle",
        "mots-clefs",
        "mots clefs",
        "themes",
        "theme",
        "keywords",
        "schlagworter",
        "schlagwoerter",
        "stichworter",
        "stichwoerter",
        "sujets",
        "sujets associes",
        "thematiques",
        "thematique",
        "related topics",
        "related tags",
        "topics",
    ];
    // A label alone on its line (`Sujets`, `Tags`) heads a list of one tag per line.
    if t.len() <= 40 && LABELS.contains(&fold(t.trim()).as_str()) {
        return Some(Vec::new());
    }
    let colon = prefix(t, 40).find(':')?;
    let label = fold(t[..colon].trim());
    if !LABELS.contains(&label.as_str()) {
        return None;
    }
    let rest = &t[colon + 1..];
    let mut out: Vec<String> = Vec::new();
    push_tags(&split_tags(rest), line, w, &mut out, &mut HashSet::new());
    Some(out)
}

/// The items of a tags list, trimmed of marks and quotes, empty ones dropped.
fn split_tags(list: &str) -> Vec<&str> {
    list.split(" - ")
        .flat_map(|p| p.split([',', ';', '|', '·', '•']))
        .map(|raw| {
            raw.trim().trim_matches(|c: char| {
                matches!(c, '#' | '"' | '«' | '»' | '.') || c.is_whitespace()
            })
        })
        .filter(|tag| !tag.is_empty())
        .collect()
}

/// Adds `tags` to `out`, skipping those already `seen` (folded), too long ones and those past
/// [`MAX_TAGS`], with a warning for line `line`.
fn push_tags(
    tags: &[&str],
    line: usize,
    w: &mut Warn,
    out: &mut Vec<String>,
    seen: &mut HashSet<String>,
) {
    let mut capped = false;
    for tag in tags {
        if tag.chars().count() > MAX_TAG_CHARS {
            w.line(line, "tag longer than 100 characters ignored");
            continue;
        }
        if !seen.insert(fold(tag)) {
            continue;
        }
        if out.len() >= MAX_TAGS {
            capped = true;
            continue;
        }
        out.push(tag.to_string());
    }
    if capped {
        w.line(
            line,
            &format!("more than {MAX_TAGS} tags; the rest are ignored"),
        );
    }
}

/// The tags on a line right below a tags line that left its list open: a list of short names
/// (`Israël, Pegasus,`), or, below a label with nothing after it, a single one per line. A
/// sentence, a long line or a longer phrase ends the list.
fn tags_continued(t: &str, single_ok: bool) -> Option<Vec<&str>> {
    let t = t.trim();
    if t.chars().count() > 200 || t.contains(':') || t.ends_with(['.', '!', '?', '…']) {
        return None;
    }
    let items = split_tags(t);
    let listed = t.contains([',', ';', '|']);
    let short = |tag: &&str| {
        tag.split_whitespace().count() <= 4
            && !tag.contains(['.', '!', '?'])
            && tag.chars().any(char::is_alphabetic)
    };
    (!items.is_empty() && (listed || single_ok) && items.iter().all(short)).then_some(items)
}

/// What a byline or date line stated.
#[derive(Default)]
struct LineMeta {
    authors: Vec<String>,
    source: Option<String>,
    /// (date, is update, text as written).
    dates: Vec<(Option<NaiveDate>, bool, String)>,
}

/// Byline markers, folded word sequences; a `:` after the marker is allowed.
const BYLINE_MARKERS: &[&[&str]] = &[
    &["ecrit", "par"],
    &["redige", "par"],
    &["propos", "recueillis", "par"],
    &["written", "by"],
    &["reported", "by"],
    &["reporting", "by"],
    &["additional", "reporting", "by"],
    &["writing", "by"],
    &["par"],
    &["by"],
    &["von"],
    &["auteur"],
    &["auteurs"],
    &["author"],
    &["authors"],
    &["autor"],
    &["autorin"],
];

fn byline(t: &str, toks: &[Token]) -> Option<LineMeta> {
    if let Some(b) = correspondent(t) {
        return Some(b);
    }
    let marker = BYLINE_MARKERS.iter().find(|m| {
        m.iter()
            .enumerate()
            .all(|(k, word)| matches!(toks.get(k).map(|t| &t.tok), Some(Tok::Word(w)) if w == word))
    })?;
    let after = toks.get(marker.len() - 1)?.end;
    let rest = t[after..].trim_start().trim_start_matches(':').trim();
    let (rest, aside) = split_trailing_aside(rest);
    if rest.is_empty() {
        return None;
    }
    let mut out = LineMeta::default();
    if let Some(agency) = aside.filter(|a| is_agency(a)) {
        out.source = Some(agency.to_string());
    }
    // Split on separators first (` | `, ` - `…), then on list separators inside each piece.
    for piece in split_separators(rest) {
        let ptoks = tokenize(piece);
        if let Some(dl) = date_line(piece, &ptoks) {
            out.dates.extend(dl.dates);
            if dl.source.is_some() {
                out.source = dl.source;
            }
            continue;
        }
        for name in split_names(piece) {
            let name = name.trim().trim_end_matches(['.', ',']).trim();
            // Wire credits: `Writing by X` names an author, `Editing by Y` does not.
            let folded = fold(name);
            let name = match name.find(" by ") {
                Some(at)
                    if folded.starts_with("writing by")
                        || folded.starts_with("additional reporting by") =>
                {
                    &name[at + 4..]
                }
                Some(_)
                    if folded.starts_with("editing by")
                        || folded.starts_with("graphics by")
                        || folded.starts_with("compiled by") =>
                {
                    continue
                }
                _ => name,
            };
            let name_clean = name.trim_matches(|c| c == '(' || c == ')');
            if name.is_empty() {
                continue;
            }
            if is_agency(name_clean) {
                out.source.get_or_insert(name_clean.to_string());
            } else if person_like(name) {
                out.authors.push(name.to_string());
            } else {
                return None;
            }
        }
    }
    if out.authors.is_empty() && out.source.is_none() {
        return None;
    }
    Some(out)
}

/// `Claire Monnier (Crest (Drôme), envoyée spéciale)` split into the names and the closing
/// parenthesis group, which gives a place, a role or an agency after the names, not a name.
fn split_trailing_aside(s: &str) -> (&str, Option<&str>) {
    if !s.ends_with(')') {
        return (s, None);
    }
    let mut depth = 0usize;
    for (at, c) in s.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    let names = s[..at].trim_end();
                    let aside = s[at + 1..s.len() - 1].trim();
                    return if names.is_empty() {
                        (s, None)
                    } else {
                        (names, Some(aside))
                    };
                }
            }
            _ => {}
        }
    }
    (s, None)
}

/// Openings (folded) of a correspondent's credit: the name follows the place, after a comma.
const CORRESPONDENT: &[&str] = &[
    "avec notre correspondant",
    "de notre correspondant",
    "par notre correspondant",
    "notre correspondant",
    "de nos correspondants",
    "avec nos correspondants",
    "de notre envoye special",
    "de notre envoyee speciale",
    "notre envoye special",
    "notre envoyee speciale",
    "from our correspondent",
    "our correspondent",
];

/// `Avec notre correspondante à Rome, Anne Durand`: the names after the last comma.
fn correspondent(t: &str) -> Option<LineMeta> {
    let t = t.trim();
    if t.len() > 160 {
        return None;
    }
    let f = fold(t);
    if !CORRESPONDENT.iter().any(|c| f.starts_with(c)) {
        return None;
    }
    let (_, names) = t.rsplit_once(',')?;
    let authors: Vec<String> = split_names(names)
        .into_iter()
        .map(|n| n.trim().trim_end_matches('.').trim())
        .filter(|n| person_like(n))
        .map(str::to_string)
        .collect();
    (!authors.is_empty()).then(|| LineMeta {
        authors,
        ..LineMeta::default()
    })
}

/// Splits on strong separators set off by spaces: `|`, `-`, `–`, `—`, `·`, `•`.
fn split_separators(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let spaced = k > 0
            && chars[k - 1].1.is_whitespace()
            && chars.get(k + 1).is_none_or(|n| n.1.is_whitespace());
        if (c == '|' || c == '·' || c == '•') || (spaced && matches!(c, '-' | '–' | '—')) {
            out.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Splits a list of names on `,` `;` `&` and the words for "and".
fn split_names(s: &str) -> Vec<&str> {
    let mut out = vec![s];
    for sep in [" et ", " and ", " und ", " & ", ",", ";"] {
        out = out.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    out
}

/// Words that may surround a date on a metadata line: publish/update phrases, weekdays, times,
/// time zones.
const DATE_FILLER: &[&str] = &[
    "le",
    "la",
    "l",
    "du",
    "de",
    "des",
    "en",
    "ligne",
    "publie",
    "publiee",
    "publication",
    "date",
    "mis",
    "mise",
    "a",
    "jour",
    "maj",
    "modifie",
    "modifiee",
    "actualise",
    "actualisee",
    "derniere",
    "dernier",
    "edite",
    "editee",
    "cree",
    "creee",
    "on",
    "published",
    "posted",
    "updated",
    "update",
    "last",
    "modified",
    "at",
    "am",
    "pm",
    "vom",
    "veroffentlicht",
    "aktualisiert",
    "zuletzt",
    "stand",
    "um",
    "uhr",
    "h",
    "heures",
    "heure",
    "hrs",
    "p",
    "m",
    "et",
    "and",
    "und",
    "t",
    "z",
    "gmt",
    "utc",
    "cet",
    "cest",
    "met",
    "mesz",
    "edt",
    "est",
    "pst",
    "pdt",
    "bst",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "er",
    "eme",
];

const UPDATE_WORDS: &[&str] = &[
    "mis",
    "mise",
    "jour",
    "maj",
    "modifie",
    "modifiee",
    "actualise",
    "actualisee",
    "updated",
    "update",
    "modified",
    "aktualisiert",
    "zuletzt",
    "stand",
];

/// Byline markers that may follow a date with no separator between them.
const BYLINE_AFTER_DATE: &[&str] = &["par ", "by ", "von "];

/// A line that is only dates with publish/update words and times, optionally with a source or
/// byline set off by a separator (`RND, 27/07/2021`, `Publié le 3 mars 2022 à 08h15`).
fn date_line(t: &str, toks: &[Token]) -> Option<LineMeta> {
    let found = find_dates(toks);
    if found.is_empty() {
        return None;
    }
    let mut out = LineMeta::default();
    let mut in_date = vec![false; toks.len()];
    for m in &found {
        for flag in &mut in_date[m.first..m.last] {
            *flag = true;
        }
    }
    // Chunks of non-date tokens between separators; each must be filler, a byline or a name.
    for (s, e) in non_date_chunks(toks, &in_date) {
        read_date_chunk(t, toks, &in_date, (s, e), &mut out)?;
    }
    let mut prev_end = 0;
    for m in &found {
        let upd = toks[prev_end..m.first]
            .iter()
            .any(|tk| matches!(&tk.tok, Tok::Word(w) if UPDATE_WORDS.contains(&w.as_str())));
        let written = t[toks[m.first].start..toks[m.last - 1].end].to_string();
        out.dates.push((m.date, upd, written));
        prev_end = m.last;
    }
    Some(out)
}

/// Whether token `k` separates the parts of a date line: a comma, bar, dash set off by spaces,
/// bullet, semicolon, parenthesis or slash.
fn date_separator(toks: &[Token], k: usize) -> bool {
    match &toks[k].tok {
        Tok::Punct(c) => {
            matches!(c, ',' | '|' | '–' | '—' | '·' | '•' | ';' | '(' | ')' | '/')
                || (*c == '-'
                    && (k == 0 || toks[k - 1].end != toks[k].start)
                    && toks.get(k + 1).is_none_or(|n| n.start != toks[k].end))
        }
        _ => false,
    }
}

/// Token ranges of the runs that are neither part of a date nor a separator.
fn non_date_chunks(toks: &[Token], in_date: &[bool]) -> Vec<(usize, usize)> {
    let mut chunks: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        if in_date[k] || date_separator(toks, k) {
            k += 1;
            continue;
        }
        let s = k;
        while k < toks.len() && !in_date[k] && !date_separator(toks, k) {
            k += 1;
        }
        chunks.push((s, k));
    }
    chunks
}

/// Reads one non-date chunk of a date line into `out`: filler words, a section label opening
/// the line, a byline, a source or an outlet's name. `None` when the chunk is anything else,
/// which makes the line not a date line.
fn read_date_chunk(
    t: &str,
    toks: &[Token],
    in_date: &[bool],
    (s, e): (usize, usize),
    out: &mut LineMeta,
) -> Option<()> {
    let filler = toks[s..e].iter().all(|tk| match &tk.tok {
        Tok::Word(w) => DATE_FILLER.contains(&w.as_str()),
        Tok::Num(_, n) => *n <= 2,
        Tok::Punct(c) => matches!(c, ':' | '.' | '+' | '\''),
    });
    if filler {
        return Some(());
    }
    // A name must be set off from any date by a separator.
    let touches_date = (s > 0 && in_date[s - 1]) || (e < toks.len() && in_date[e]);
    let text = &t[toks[s].start..toks[e - 1].end];
    // A section label opening the line (`Economie 03.03.2022`) is read and left out.
    let label =
        touches_date && s == 0 && e - s == 1 && text.chars().next().is_some_and(char::is_uppercase);
    let outlet_after = s > 0 && (text.starts_with("sur ") || text.starts_with("on "));
    // `16 juin 2024 par Margaux`, `March 3, 2024 by admin`: a byline after the date.
    let byline_after = s > 0 && BYLINE_AFTER_DATE.iter().any(|m| text.starts_with(m));
    if touches_date && !label && !outlet_after && !byline_after {
        return None;
    }
    if label {
        return Some(());
    }
    let tk = tokenize(text);
    if let Some(b) = byline(text, &tk) {
        out.authors.extend(b.authors);
        if b.source.is_some() {
            out.source = b.source;
        }
        return Some(());
    }
    if let Some(s) = source_line(text) {
        out.source = Some(s);
        return Some(());
    }
    // `… sur France Info`, `… on BBC News`: the outlet after a preposition.
    let text = ["sur ", "on "]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .unwrap_or(text);
    if name_like(text, 6) {
        out.source = Some(text.to_string());
        return Some(());
    }
    None
}

/// A standalone source credit: `Source : AFP`, `(AFP)`, `Le Monde avec AFP`, `Reuters`.
fn source_line(t: &str) -> Option<String> {
    let t = t.trim();
    if t.len() > 120 {
        return None;
    }
    if let Some(colon) = prefix(t, 20).find(':') {
        let label = fold(t[..colon].trim());
        if matches!(
            label.as_str(),
            "source" | "sources" | "quelle" | "quellen" | "via" | "agence" | "agences"
        ) {
            let rest = t[colon + 1..].trim().trim_end_matches('.').trim();
            return (!rest.is_empty() && rest.len() <= 80).then(|| rest.to_string());
        }
    }
    let inner = t
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(t)
        .trim();
    if !name_like(inner, 8) {
        return None;
    }
    let has_agency = inner
        .split(|c: char| c.is_whitespace() || c == '/' || c == ',')
        .any(is_agency)
        || is_agency(inner);
    // `Avec AFP` at the foot of an article credits the agency alone.
    let inner = match inner.split_once(' ') {
        Some((with, agency))
            if matches!(fold(with).as_str(), "avec" | "with" | "mit") && is_agency(agency) =>
        {
            agency
        }
        _ => inner,
    };
    has_agency.then(|| inner.to_string())
}

/// True when `t` looks like a headline or subheading: short, capitalised, no closing
/// punctuation (a question mark is fine, and for headlines an exclamation mark too).
fn heading_like(t: &str, max_chars: usize, max_words: usize, headline: bool) -> bool {
    let t = t.trim();
    if t.len() > max_chars * 4 || t.chars().count() > max_chars {
        return false;
    }
    if t.split_whitespace().count() > max_words {
        return false;
    }
    let first = t.chars().next().unwrap_or(' ');
    if !(first.is_uppercase() || first.is_ascii_digit() || matches!(first, '«' | '"' | '“' | '\''))
    {
        return false;
    }
    let trimmed = t.trim_end_matches(['»', '"', '”', ' ', '\u{a0}', '\u{202f}']);
    let last = trimmed.chars().last().unwrap_or('.');
    if matches!(last, '.' | ',' | ';' | ':' | '…' | '-' | '–' | '—') {
        return false;
    }
    if last == '!' && !headline {
        return false;
    }
    t.chars().filter(|c| c.is_alphabetic()).count() >= 2
}

fn trim_title(t: &str) -> String {
    t.trim().to_string()
}

/// Where a dateline ends and what it names.
#[derive(Debug)]
struct Dateline {
    place: String,
    agency: Option<String>,
    /// Byte offset where the story text starts after the dateline.
    rest: usize,
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | ':')
}

/// Skips spaces and one dash (or colon) after a dateline; returns the offset after them.
fn after_dash(text: &str, from: usize) -> Option<usize> {
    let s = &text[from..];
    let trimmed = s.trim_start();
    let c = trimmed.chars().next()?;
    if !is_dash(c) {
        return None;
    }
    let after = &trimmed[c.len_utf8()..];
    let rest = after.trim_start();
    if rest.is_empty() || after.len() == rest.len() && c != ':' {
        // `PARIS -Le…` is unusual; require a space after the dash.
        return None;
    }
    Some(text.len() - rest.len())
}

/// Abbreviations that end with a period but are not a place (`M. Gantz`).
const NOT_PLACES: &[&str] = &[
    "m", "mm", "mr", "mrs", "ms", "mme", "mmes", "mlle", "dr", "pr", "prof", "st", "ste", "me",
    "mgr", "gen", "oui", "non", "merci", "bref", "enfin", "voila", "yes", "no", "well", "so", "ok",
    "ja", "nein", "also",
];

fn place_like(p: &str) -> bool {
    let p = p.trim();
    if p.chars().count() < 2 || p.chars().count() > 40 || p.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let words: Vec<&str> = p.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 {
        return false;
    }
    if words.len() == 1 && NOT_PLACES.contains(&fold(words[0]).as_str()) {
        return false;
    }
    words.iter().enumerate().all(|(k, w)| {
        let first = w.chars().next().unwrap_or(' ');
        first.is_uppercase() || (k > 0 && NAME_CONNECTORS.contains(&fold(w).as_str()))
    }) && words.iter().all(|w| {
        w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
    })
}

/// Recognises `Tel Aviv.`, `PARIS (AFP) -`, `WASHINGTON, July 27 (Reuters) -`,
/// `Bruxelles, 3 mars –`, `BERLIN —` at the start of a paragraph.
fn detect_dateline(text: &str) -> Option<Dateline> {
    let head = prefix(text, 120);
    // (Agency) form.
    if let Some(open) = head.find('(') {
        if let Some(close) = head[open..].find(')').map(|c| open + c) {
            let agency = head[open + 1..close].trim();
            let before = head[..open].trim();
            let place = before.split(',').next().unwrap_or("").trim();
            if name_like(agency, 4)
                && place_like(place)
                && (before == place || date_ish(&before[place.len()..]))
            {
                if let Some(rest) = after_dash(text, close + 1) {
                    return Some(Dateline {
                        place: place.to_string(),
                        agency: Some(agency.to_string()),
                        rest,
                    });
                }
            }
        }
    }
    // Place, date – form.
    if let Some(comma) = head.find(',') {
        let place = head[..comma].trim();
        if place_like(place) {
            let after = &head[comma + 1..];
            if let Some(d) = after.find(['–', '—', '-']) {
                let d_abs = comma + 1 + d;
                if date_ish(&after[..d]) {
                    if let Some(rest) = after_dash(text, d_abs) {
                        return Some(Dateline {
                            place: place.to_string(),
                            agency: None,
                            rest,
                        });
                    }
                }
            }
        }
    }
    // CAPITALS – form.
    if let Some(d) = [" –", " —", " -"].iter().filter_map(|p| head.find(p)).min() {
        let place = head[..d].trim();
        if place_like(place)
            && place
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
        {
            if let Some(rest) = after_dash(text, d) {
                return Some(Dateline {
                    place: place.to_string(),
                    agency: None,
                    rest,
                });
            }
        }
    }
    // Place. form.
    if let Some(dot) = head.find('.') {
        let place = head[..dot].trim();
        let after = &text[dot + 1..];
        let starts_sentence = after.starts_with(' ')
            && after
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || matches!(c, '«' | '"' | '“'));
        if starts_sentence && place_like(place) {
            return Some(Dateline {
                place: place.to_string(),
                agency: None,
                rest: text.len() - after.trim_start().len(),
            });
        }
    }
    None
}

/// A short day-month phrase (`3 mars`, `le 3 mars 2022`, `July 27`), for datelines.
fn date_ish(s: &str) -> bool {
    let toks = tokenize(s);
    let mut month = false;
    let mut num = false;
    for t in &toks {
        match &t.tok {
            Tok::Word(w) if super::dates::month(w).is_some() => month = true,
            Tok::Word(w) if matches!(w.as_str(), "le" | "er" | "st" | "nd" | "rd" | "th") => {}
            Tok::Num(v, n) if (*n <= 2 && *v <= 31) || *n == 4 => num = true,
            Tok::Punct('.') | Tok::Punct(',') => {}
            _ => return false,
        }
    }
    month && num
}

/// `… a-t-il dit. (AFP)` → text without the credit, and `AFP`.
fn strip_trailing_agency(text: &str) -> Option<(String, String)> {
    let t = text.trim_end();
    let inner_end = t.strip_suffix(')')?;
    let open = inner_end.rfind('(')?;
    let inner = inner_end[open + 1..].trim();
    let credit_ok = inner.len() <= 40
        && inner
            .split(|c: char| c == '/' || c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty() && !NAME_CONNECTORS.contains(&fold(p).as_str()))
            .all(is_agency);
    if !credit_ok || inner.is_empty() {
        return None;
    }
    let before = inner_end[..open].trim_end();
    if before.is_empty() || !ends_sentence(before) {
        return None;
    }
    Some((before.to_string(), inner.to_string()))
}

fn block_text(b: &Block) -> String {
    match b {
        Block::Paragraph { text } | Block::Heading { text } => text.clone(),
        Block::List { items } => items.join(" "),
    }
}

/// Whitespace-separated words holding at least one letter or digit (one pass, ASCII fast path;
/// the same count as `split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric))`).
fn count_words(s: &str) -> usize {
    let mut n = 0usize;
    let mut word_has_alnum = false;
    for c in s.chars() {
        let (space, alnum) = if c.is_ascii() {
            let b = c as u8;
            (
                matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'),
                b.is_ascii_alphanumeric(),
            )
        } else {
            (c.is_whitespace(), c.is_alphanumeric())
        };
        if space {
            n += usize::from(word_has_alnum);
            word_has_alnum = false;
        } else {
            word_has_alnum |= alnum;
        }
    }
    n + usize::from(word_has_alnum)
}

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "m", "mm", "mr", "mrs", "ms", "mme", "mmes", "mlle", "dr", "pr", "prof", "st", "ste", "me",
    "mgr", "gen", "col", "lt", "sgt", "jr", "sr", "av", "vs", "etc", "cf", "p", "no", "nr", "art",
    "bzw", "dr", "hr", "fr", "z", "b", "u", "s", "inc", "ltd", "co", "corp",
];

/// The first sentence of a paragraph (bounded scan, so a 1 MB line costs nothing).
pub fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    let chars: Vec<(usize, char)> = text.char_indices().take(1500).collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Skip closing quotes/brackets after the mark.
        let mut j = k + 1;
        loop {
            match chars.get(j).map(|&(_, c)| c) {
                Some('»' | '"' | '”' | '’' | '\'' | ')') => j += 1,
                // French closing guillemet after a (no-break) space.
                Some(c)
                    if c.is_whitespace() && chars.get(j + 1).is_some_and(|&(_, n)| n == '»') =>
                {
                    j += 2
                }
                _ => break,
            }
        }
        let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
        let next = chars[j..]
            .iter()
            .map(|&(_, c)| c)
            .find(|c| !c.is_whitespace() && *c != '\u{a0}');
        let boundary = match chars.get(j) {
            None => true,
            Some(&(_, n)) if n.is_whitespace() => next.is_none_or(|n| {
                n.is_uppercase()
                    || n.is_ascii_digit()
                    || matches!(n, '«' | '"' | '“' | '-' | '—' | '–')
            }),
            Some(&(_, n)) => {
                n.is_uppercase() && c != '.'
                    || (c == '.'
                        && n.is_uppercase()
                        && k >= 3
                        && chars[k - 1].1.is_lowercase()
                        && chars[k - 2].1.is_lowercase())
            }
        };
        if !boundary {
            continue;
        }
        if c == '.' {
            // Abbreviation or initial before the period?
            let word: String = chars[..k]
                .iter()
                .rev()
                .take_while(|&&(_, c)| c.is_alphanumeric())
                .map(|&(_, c)| c)
                .collect();
            let word: String = word.chars().rev().collect();
            let single_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            if single_initial || ABBREVIATIONS.contains(&fold(&word).as_str()) {
                continue;
            }
        }
        let _ = i;
        return &text[..end];
    }
    let end = chars.last().map_or(0, |&(b, c)| b + c.len_utf8());
    &text[..end]
}

/// Function words a cut title should not end on.
const TITLE_STOPWORDS: &[&str] = &[
    "le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "a", "au", "aux", "et", "ou",
    "en", "par", "pour", "sur", "dans", "avec", "que", "qui", "ce", "cette", "ces", "son", "sa",
    "ses", "leur", "leurs", "ne", "se", "y", "the", "an", "of", "to", "and", "or", "in", "on",
    "for", "with", "by", "at", "from", "that", "its", "his", "her", "their", "der", "die", "das",
    "den", "dem", "des", "ein", "eine", "einen", "und", "oder", "mit", "von", "zu", "im", "am",
    "auf", "fur", "dass",
];

/// Cuts a sentence into a title of at most `max` characters: whole if it fits (final period
/// dropped), else at the last clause boundary in the second half (a natural end, left as it
/// is), else at a word boundary without a dangling function word, where `…` marks the cut.
/// Never cuts inside a word.
pub fn cut_title(sentence: &str, max: usize) -> String {
    let s = sentence.trim();
    let s = s
        .strip_suffix('.')
        .filter(|r| !r.ends_with('.'))
        .unwrap_or(s)
        .trim_end();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let budget = max.saturating_sub(1);
    let byte_budget = s.char_indices().nth(budget).map_or(s.len(), |(b, _)| b);
    let window = &s[..byte_budget];
    // Clause boundary: `,` `;` `:` or a spaced dash / opening parenthesis.
    let min_clause = max * 6 / 10;
    let mut clause = None;
    for (b, c) in window.char_indices() {
        let at = match c {
            ',' | ';' | ':' => Some(b),
            '–' | '—' | '(' if window[..b].ends_with(' ') => Some(b),
            _ => None,
        };
        if let Some(at) = at {
            if window[..at].chars().count() >= min_clause {
                clause = Some(at);
            }
        }
    }
    let mut cut = match clause {
        // A clause is a natural end for a headline: no ellipsis.
        Some(at) => return window[..at].trim_end().to_string(),
        None => {
            // Word boundary: the next character after the window must be a space, else drop
            // the partial last word.
            let whole_last = s[byte_budget..].starts_with(char::is_whitespace);
            let mut t = window.trim_end();
            if !whole_last {
                match t.rfind(char::is_whitespace) {
                    Some(sp) => t = t[..sp].trim_end(),
                    None => return format!("{window}…"),
                }
            }
            let mut words: Vec<&str> = t.split_whitespace().collect();
            while words.len() > 3 {
                let last = words[words.len() - 1];
                let f = fold(last);
                let f = f.trim_matches(|c: char| !c.is_alphanumeric());
                let elided = f.ends_with('\'') || last.ends_with(['’', '\'']);
                if TITLE_STOPWORDS.contains(&f) || elided {
                    words.pop();
                } else {
                    break;
                }
            }
            words.join(" ")
        }
    };
    while cut.ends_with([',', ';', ':', '-', '–', '—', ' ']) {
        cut.pop();
    }
    cut.push('…');
    cut
}

/// ISO 639-1 code of a whatlang language (ISO 639-3).
pub(super) fn iso639_1(code3: &str) -> Option<&'static str> {
    Some(match code3 {
        "fra" => "fr",
        "eng" => "en",
        "deu" => "de",
        "spa" => "es",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "rus" => "ru",
        "ukr" => "uk",
        "pol" => "pl",
        "ces" => "cs",
        "slk" => "sk",
        "slv" => "sl",
        "hrv" => "hr",
        "srp" => "sr",
        "bul" => "bg",
        "mkd" => "mk",
        "ron" => "ro",
        "hun" => "hu",
        "fin" => "fi",
        "est" => "et",
        "lav" => "lv",
        "lit" => "lt",
        "swe" => "sv",
        "dan" => "da",
        "nob" => "nb",
        "ell" => "el",
        "tur" => "tr",
        "ara" => "ar",
        "heb" => "he",
        "yid" => "yi",
        "pes" => "fa",
        "urd" => "ur",
        "hin" => "hi",
        "ben" => "bn",
        "cmn" => "zh",
        "jpn" => "ja",
        "kor" => "ko",
        "vie" => "vi",
        "tha" => "th",
        "ind" => "id",
        "cat" => "ca",
        "lat" => "la",
        "epo" => "eo",
        "afr" => "af",
        "cym" => "cy",
        "hye" => "hy",
        "kat" => "ka",
        "aze" => "az",
        "uzb" => "uz",
        "bel" => "be",
        "tgl" => "tl",
        "zul" => "zu",
        "sna" => "sn",
        "aka" => "ak",
        "tuk" => "tk",
        "khm" => "km",
        "sin" => "si",
        "nep" => "ne",
        "mya" => "my",
        "ori" => "or",
        "mal" => "ml",
        "tel" => "te",
        "tam" => "ta",
        "kan" => "kn",
        "mar" => "mr",
        "guj" => "gu",
        "pan" => "pa",
        "amh" => "am",
        "jav" => "jv",
        _ => return None,
    })
}

/// Minimum words before language detection is trusted at all.
const LANG_MIN_WORDS: usize = 12;

fn detect_language(
    title: &str,
    body: &[Block],
    opts: &ParseOptions,
    words: usize,
) -> Field<String> {
    let default = Field::new(opts.default_language.clone(), Origin::Default);
    if words < LANG_MIN_WORDS {
        return default;
    }
    let mut sample = String::with_capacity(LANG_SAMPLE + 4);
    sample.push_str(prefix(title, LANG_SAMPLE));
    'blocks: for b in body {
        let texts: &[String] = match b {
            Block::Paragraph { text } | Block::Heading { text } => std::slice::from_ref(text),
            Block::List { items } => items,
        };
        for (k, t) in texts.iter().enumerate() {
            if sample.len() >= LANG_SAMPLE {
                break 'blocks;
            }
            sample.push(if k == 0 { '\n' } else { ' ' });
            sample.push_str(prefix(t, LANG_SAMPLE - sample.len()));
        }
    }
    let sample = prefix(&sample, LANG_SAMPLE);
    match whatlang::detect(sample) {
        Some(info) if info.is_reliable() => match iso639_1(info.lang().code()) {
            Some(code) => Field::new(code.to_string(), Origin::Detected),
            None => default,
        },
        _ => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ParseOptions {
        ParseOptions {
            default_language: "fr".into(),
            boilerplate: super::super::clean::boilerplate_patterns(&Default::default()),
        }
    }

    #[test]
    fn title_cut_at_clause_then_word() {
        let s =
            "Le ministre israélien de la Défense, Benny Gantz, prévoit de commenter le dernier \
                 scandale concernant le logiciel de surveillance du fournisseur israélien NSO lors \
                 d’une visite à Paris mercredi.";
        let t = cut_title(s, 110);
        assert!(t.chars().count() <= 110, "{t}");
        assert!(t.ends_with('…'));
        assert!(s.starts_with(t.trim_end_matches('…')), "{t}");
        assert!(!t.trim_end_matches('…').ends_with(" le"), "{t}");
        assert_eq!(cut_title("Un titre court.", 110), "Un titre court");
        assert_eq!(cut_title("Vraiment ?", 110), "Vraiment ?");
        let clause = "Le gouvernement a annoncé mardi une série de mesures pour soutenir les agriculteurs, \
                      qui manifestent depuis des semaines dans tout le pays contre la baisse des prix.";
        // A clause boundary is a natural end: no ellipsis.
        assert_eq!(
            cut_title(clause, 110),
            "Le gouvernement a annoncé mardi une série de mesures pour soutenir les agriculteurs"
        );
    }

    #[test]
    fn first_sentence_skips_abbreviations() {
        assert_eq!(
            first_sentence("M. Gantz est arrivé. Il a parlé."),
            "M. Gantz est arrivé."
        );
        assert_eq!(
            first_sentence("Il a dit « oui. » Puis non."),
            "Il a dit « oui. »"
        );
        assert_eq!(first_sentence("Fin.Début glué."), "Fin.");
    }

    #[test]
    fn tags_split_and_merge() {
        let mut w = Warn {
            file: "x".into(),
            list: vec![],
        };
        let t = tags_line(
            "Tags : Maroc; maroc | Israël - ISRAEL, Benny Gantz,",
            1,
            &mut w,
        )
        .unwrap();
        assert_eq!(t, vec!["Maroc", "Israël", "Benny Gantz"]);
        assert!(tags_line("Mots-clés: a, b", 1, &mut w).is_some());
        assert!(tags_line("Schlagwörter: a", 1, &mut w).is_some());
        assert!(tags_line("Le tag: un mot", 1, &mut w).is_none());
    }

    #[test]
    fn bylines() {
        let b = |s: &str| byline(s, &tokenize(s)).map(|b| (b.authors, b.source));
        assert_eq!(b("Par Jean Dupont").unwrap().0, vec!["Jean Dupont"]);
        assert_eq!(
            b("By Jane Doe and John Roe").unwrap().0,
            vec!["Jane Doe", "John Roe"]
        );
        assert_eq!(
            b("Par A. Martin, B. Durand et C. de La Tour")
                .unwrap()
                .0
                .len(),
            3
        );
        assert_eq!(
            b("Von Max Muster, dpa").unwrap(),
            (vec!["Max Muster".to_string()], Some("dpa".to_string()))
        );
        assert!(b("Par ailleurs, le ministre a parlé.").is_none());
        assert!(b("Von der Leyen a dit").is_none());
        assert!(b("By the way").is_none());
        assert_eq!(
            b("Par Claire Monnier (Crest (Drôme), envoyée spéciale)")
                .unwrap()
                .0,
            vec!["Claire Monnier"]
        );
        assert_eq!(
            b("By Jane Doe (Reuters)").unwrap(),
            (vec!["Jane Doe".to_string()], Some("Reuters".to_string()))
        );
    }

    #[test]
    fn date_lines() {
        let d = |s: &str| date_line(s, &tokenize(s));
        let r = d("RND, 27/07/2021").unwrap();
        assert_eq!(r.source.as_deref(), Some("RND"));
        assert!(d("Publié le 3 mars 2022 à 08h15").is_some());
        assert!(d("Le 3 mars 2022 à 8 h 15").is_some());
        assert!(d("Mis à jour le 4 mars 2022").unwrap().dates[0].1);
        assert!(d("Cette offre aurait été émise le 3 août 2017 lors d'une réunion.").is_none());
        assert!(d("Élections du 3 mars 2022").is_none());
        let r = d("16 juin 2024 par Margaux").unwrap();
        assert_eq!((r.dates.len(), r.authors), (1, vec!["Margaux".to_string()]));
        let r = d("Posted on March 3, 2024 by Jane Doe").unwrap();
        assert_eq!(r.authors, vec!["Jane Doe".to_string()]);
        assert!(d("16 juin 2024 parmi les invités").is_none());
    }

    #[test]
    fn datelines() {
        let d = |s: &str| detect_dateline(s).map(|d| (d.place, d.agency, s[d.rest..].to_string()));
        assert_eq!(d("Tel Aviv. Le ministre parle.").unwrap().0, "Tel Aviv");
        assert_eq!(
            d("PARIS (AFP) - Le ministre parle.").unwrap(),
            (
                "PARIS".into(),
                Some("AFP".into()),
                "Le ministre parle.".into()
            )
        );
        assert_eq!(
            d("Bruxelles, 3 mars – La Commission a dit.").unwrap().0,
            "Bruxelles"
        );
        assert_eq!(
            d("WASHINGTON, July 27 (Reuters) - The U.S. said.")
                .unwrap()
                .0,
            "WASHINGTON"
        );
        assert!(d("M. Gantz parle.").is_none());
        assert!(d("Le ministre israélien de la Défense, Benny Gantz, prévoit.").is_none());
    }

    #[test]
    fn count_words_matches_split_whitespace() {
        let reference = |s: &str| {
            s.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
        };
        for s in [
            "",
            "   ",
            "un mot",
            " — deux\tmots ! ",
            "a\u{a0}b\u{202f}c\u{2003}d\x0be",
            "l’armée, «\u{a0}oui\u{a0}» -- 12 %",
            "Été\n\nà Paris… ",
        ] {
            assert_eq!(count_words(s), reference(s), "{s:?}");
        }
    }

    #[test]
    fn empty_and_boilerplate_only_are_errors() {
        let p = |s: &str| {
            parse_seed(
                Path::new("seeds/001_0123456789abcdef.txt"),
                s.as_bytes(),
                &opts(),
            )
        };
        assert!(p("").is_err());
        assert!(p("  \n\t\n").is_err());
        let e = p("Soyez le premier à commenter\nPartager\n").unwrap_err();
        assert!(e.to_string().contains("no article text"), "{e}");
    }
}
