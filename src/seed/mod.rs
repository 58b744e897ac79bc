//! Stage 1 and 2: load raw seeds from `seeds/` and parse each into a [`ParsedSeed`].
//!
//! A seed is a plain text file left by a scraper, with no front matter. Everything the site
//! needs (title, date, source, tags, summary, body) is recovered from the text by rules that
//! must generalise to seeds from sites we have never seen. Each recovered field records where it
//! came from ([`Origin`]) so `gazette inspect` can explain it to an editor.
//!
//! Parsing never panics and never fails the other seeds: a seed that cannot be read becomes a
//! [`SeedError`], a doubtful one carries `warnings`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

/// Where a field's value came from, shown by `gazette inspect`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "line")]
pub enum Origin {
    /// Read from this 1-based line of the seed file.
    Line(usize),
    /// Derived from the first sentence of the body.
    FirstSentence,
    /// From the file name.
    FileName,
    /// Computed from the whole text (language detection, word count).
    Detected,
    /// The site default from `config.toml`.
    Default,
    /// Set by `content/articles/<id>.md`.
    Override,
    /// Not found.
    Missing,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Line(n) => write!(f, "line {n}"),
            Origin::FirstSentence => f.write_str("first sentence"),
            Origin::FileName => f.write_str("file name"),
            Origin::Detected => f.write_str("detected"),
            Origin::Default => f.write_str("site default"),
            Origin::Override => f.write_str("override"),
            Origin::Missing => f.write_str("not found"),
        }
    }
}

/// A value together with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Field<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub origin: Origin,
}

impl<T> Field<T> {
    /// A value with an origin.
    pub fn new(value: T, origin: Origin) -> Self {
        Field { value, origin }
    }
}

/// A block of the clean article body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, Hash)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph of running text.
    Paragraph {
        /// Plain text (not HTML).
        text: String,
    },
    /// A subheading inside the body.
    Heading {
        /// Plain text.
        text: String,
    },
    /// A bulleted list inside the body.
    List {
        /// Plain text items.
        items: Vec<String>,
    },
}

/// The clean body of a seed, shared, not copied, by the parse, the seed cache and the article
/// made from it, with a digest taken once when it is made: every build fingerprints each
/// article two or three times (its pages, its search analysis and document files), and hashing
/// the bodies, most of an article's bytes, each time cost more than the rest of those
/// fingerprints. Reads as a slice of blocks; serialised as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedBody(std::sync::Arc<BodyBlocks>);

#[derive(Debug, PartialEq, Eq)]
struct BodyBlocks {
    blocks: Vec<Block>,
    digest: u128,
}

impl SeedBody {
    /// A body of these blocks.
    pub fn new(blocks: Vec<Block>) -> SeedBody {
        let digest = crate::digest::of(&blocks);
        SeedBody(std::sync::Arc::new(BodyBlocks { blocks, digest }))
    }

    /// The digest of the blocks.
    pub fn digest(&self) -> u128 {
        self.0.digest
    }
}

impl std::hash::Hash for SeedBody {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.digest.hash(state);
    }
}

impl From<Vec<Block>> for SeedBody {
    fn from(blocks: Vec<Block>) -> SeedBody {
        SeedBody::new(blocks)
    }
}

impl std::ops::Deref for SeedBody {
    type Target = [Block];

    fn deref(&self) -> &[Block] {
        &self.0.blocks
    }
}

impl Serialize for SeedBody {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.blocks.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for SeedBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SeedBody, D::Error> {
        Vec::<Block>::deserialize(d).map(SeedBody::new)
    }
}

/// Everything recovered from one seed file.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ParsedSeed {
    /// `004_372a7a80e6ed88e1`, from the file name; stable across parser changes.
    pub id: String,
    /// The path as given on the command line or found under `seeds/`.
    pub file: PathBuf,
    /// Headline.
    pub title: Field<String>,
    /// Publication date; `None` when no publication date could be found.
    pub date: Field<Option<NaiveDate>>,
    /// Last update date when the seed states one separately.
    pub updated: Field<Option<NaiveDate>>,
    /// Outlet or agency credited (`RND`, `Le Monde avec AFP`).
    pub source: Field<Option<String>>,
    /// Bylines.
    pub authors: Field<Vec<String>>,
    /// Tags as stated on a tags line, in order, duplicates merged.
    pub tags: Field<Vec<String>>,
    /// ISO 639-1 language code.
    pub language: Field<String>,
    /// Summary bullets, in order.
    pub summary: Field<Vec<String>>,
    /// First words of the seed's first line of text, taken mechanically (bullet marks stripped,
    /// no heuristics), so the default slug survives improvements of the title rules.
    pub slug_hint: String,
    /// Place name opening the first paragraph (`Tel Aviv`), without its final period.
    pub dateline: Option<String>,
    /// Clean body: paragraphs, subheadings, lists; no metadata lines, boilerplate or repeats.
    pub body: SeedBody,
    /// Words in the clean body.
    pub word_count: usize,
    /// Minutes, at least 1.
    pub reading_time: u32,
    /// Doubts worth an editor's attention; each names the file (and line when there is one).
    pub warnings: Vec<String>,
}

/// A seed that could not be parsed at all.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {message}", file.display())]
pub struct SeedError {
    /// The seed file.
    pub file: PathBuf,
    /// What is wrong, for a human.
    pub message: String,
}

/// Settings the parser takes from `config.toml`.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Language assumed when detection is unsure.
    pub default_language: String,
    /// Boilerplate line patterns (already merged from defaults and config).
    pub boilerplate: Vec<String>,
}

impl ParseOptions {
    /// Options from the site configuration.
    pub fn from_config(config: &crate::config::Config) -> ParseOptions {
        ParseOptions {
            default_language: config.language.clone(),
            boilerplate: clean::boilerplate_patterns(&config.boilerplate),
        }
    }
}

/// What the parse of one seed depends on besides its bytes and the [`ParseOptions`]: the
/// extent of its article override and its lines the archive calls furniture. Both are part of
/// the seed's cache key ([`SeedInputs::digest`]), so a cached parse is reused only under the
/// same inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct SeedInputs {
    /// The editor's correction of the body's extent.
    pub extent: Extent,
    /// The seed's furniture lines, from the archive's model.
    pub furniture: furniture::FurnitureLines,
}

impl SeedInputs {
    /// Digest of the inputs, for the seed cache.
    pub fn digest(&self) -> u128 {
        crate::digest::of(self)
    }
}

/// The seed files of a folder, sorted by file name so the output never depends on the
/// directory order of the file system.
pub fn list_seed_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    list_seeds(dir).map(|l| l.files)
}

/// What a listing of `seeds/` found: the seed files, and every other entry, which the build
/// skips and must name (a seed silently left out is an article silently unpublished).
#[derive(Debug, Default)]
pub struct SeedListing {
    /// Regular `.txt` files, sorted by file name.
    pub files: Vec<PathBuf>,
    /// Everything else but hidden entries (`.gitkeep`, `.git`, editor files), with why it is
    /// skipped.
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// Lists `dir` (see [`SeedListing`]); a missing folder is an empty one.
pub fn list_seeds(dir: &Path) -> std::io::Result<SeedListing> {
    let mut listing = SeedListing::default();
    if !dir.exists() {
        return Ok(listing);
    }
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
    {
        let entry = entry.map_err(std::io::Error::other)?;
        let path = entry.path();
        let hidden = entry.file_name().as_encoded_bytes().starts_with(b".");
        match skip_reason(entry.file_type(), path) {
            None => listing.files.push(path.to_path_buf()),
            Some(why) if !hidden => listing.skipped.push((path.to_path_buf(), why)),
            Some(_) => {}
        }
    }
    Ok(listing)
}

/// Why an entry of `seeds/` is not a seed, if it is not (the type is that of the entry
/// itself: a symbolic link is not followed, since it could lead out of the project).
fn skip_reason(kind: std::fs::FileType, path: &Path) -> Option<&'static str> {
    let ext = path.extension().map(|e| e.to_string_lossy());
    if kind.is_symlink() {
        Some("skipped: a symbolic link, not a seed file (copy the file instead)")
    } else if kind.is_dir() {
        Some("skipped: a folder (seeds are the .txt files directly in seeds/)")
    } else if !kind.is_file() {
        Some("skipped: not a regular file (a FIFO, socket or device)")
    } else if ext.as_deref() == Some("txt") {
        None
    } else if ext.is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
        Some("skipped: seed files must end in .txt, in lower case")
    } else {
        Some("skipped: not a .txt file")
    }
}

pub mod binary;
pub mod clean;
pub mod dates;
pub mod decode;
pub mod extract;
pub mod furniture;
pub mod parse;

pub use extract::Extent;
pub use parse::{explain_seed, parse_seed, parse_seed_in, parse_seed_with, Explained};
