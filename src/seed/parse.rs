//! Text → [`ParsedSeed`]. (Skeleton: a naive parser until the real one lands.)

use std::path::Path;

use super::*;

/// Parses one seed. Never panics; an unreadable seed is a [`SeedError`].
pub fn parse_seed(file: &Path, bytes: &[u8], opts: &ParseOptions) -> Result<ParsedSeed, SeedError> {
    let text = String::from_utf8_lossy(bytes);
    let id = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let body: Vec<Block> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Block::Paragraph {
            text: p.to_string(),
        })
        .collect();
    if body.is_empty() {
        return Err(SeedError {
            file: file.to_path_buf(),
            message: "empty seed".into(),
        });
    }
    let title = match &body[0] {
        Block::Paragraph { text } => text.chars().take(100).collect(),
        _ => String::new(),
    };
    let word_count = text.split_whitespace().count();
    Ok(ParsedSeed {
        id,
        file: file.to_path_buf(),
        title: Field::new(title, Origin::FirstSentence),
        date: Field::new(None, Origin::Missing),
        updated: Field::new(None, Origin::Missing),
        source: Field::new(None, Origin::Missing),
        authors: Field::new(vec![], Origin::Missing),
        tags: Field::new(vec![], Origin::Missing),
        language: Field::new(opts.default_language.clone(), Origin::Default),
        summary: Field::new(vec![], Origin::Missing),
        slug_hint: text
            .split_whitespace()
            .take(8)
            .collect::<Vec<_>>()
            .join(" "),
        dateline: None,
        body,
        word_count,
        reading_time: (word_count / 230).max(1) as u32,
        warnings: vec![],
    })
}
