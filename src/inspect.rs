//! `gazette inspect`: what gazette recovers from each seed, and where each field came from.
//!
//! Editors review new seeds in a pull request with it, so the JSON shape is documented in the
//! README and pinned by golden files in `tests/golden/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::build::{extents_of, load_config, parse_seeds};
use crate::diagnostics::Diagnostics;
use crate::seed::{self, Block, Origin, ParseOptions};
use crate::site::{self, Article, Body};
use crate::urls::Urls;

/// One seed as `inspect --json` prints it.
#[derive(Debug, Serialize)]
pub struct Inspected {
    /// Seed id.
    pub id: String,
    /// The path as given.
    pub file: String,
    /// Headline.
    pub title: String,
    /// `YYYY-MM-DD` or null.
    pub date: Option<String>,
    /// `YYYY-MM-DD` or null.
    pub updated: Option<String>,
    /// Source or null.
    pub source: Option<String>,
    /// Bylines.
    pub authors: Vec<String>,
    /// Tags as stated in the text or override.
    pub tags: Vec<String>,
    /// Inferred tag names.
    pub inferred_tags: Vec<String>,
    /// ISO 639-1.
    pub language: String,
    /// Summary bullets.
    pub summary: Vec<String>,
    /// Dateline place or null.
    pub dateline: Option<String>,
    /// URL slug.
    pub slug: String,
    /// Body blocks.
    pub body: Vec<Block>,
    /// Clean body text, blocks separated by a blank line.
    pub body_text: String,
    /// Words.
    pub word_count: usize,
    /// Minutes.
    pub reading_time: u32,
    /// Whether an override marks it as a draft.
    pub draft: bool,
    /// Field → where it came from (`line 12`, `first sentence`, `override`, …).
    pub origins: BTreeMap<String, String>,
    /// Warnings.
    pub warnings: Vec<String>,
}

fn inspected(a: &Article, file: String) -> Inspected {
    let body = match &a.body {
        Body::Blocks { blocks, .. } => blocks.to_vec(),
        Body::Html { text, .. } => text
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| Block::Paragraph {
                text: p.trim().to_string(),
            })
            .collect(),
    };
    Inspected {
        id: a.id.clone(),
        file,
        title: a.title.clone(),
        date: a.date.map(|d| d.format("%Y-%m-%d").to_string()),
        updated: a.updated.map(|d| d.format("%Y-%m-%d").to_string()),
        source: a.source.as_ref().map(|s| s.name.clone()),
        authors: a.authors.iter().map(|t| t.name.clone()).collect(),
        tags: a.stated_tags.clone(),
        inferred_tags: a.inferred_tags.iter().map(|t| t.name.clone()).collect(),
        language: a.language.clone(),
        summary: a.summary.clone(),
        dateline: a.dateline.clone(),
        slug: a.slug.clone(),
        body,
        body_text: a.body_text().into_owned(),
        word_count: a.word_count,
        reading_time: a.reading_time,
        draft: a.draft,
        origins: a
            .origins
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        warnings: a.warnings.clone(),
    }
}

/// Inspects `paths` (every seed of `root/seeds/` when empty). The tag vocabulary used for
/// inferred tags is that of the whole site plus the given files, as in a build.
pub fn inspect(root: &Path, paths: &[PathBuf]) -> Result<(Vec<Inspected>, Diagnostics)> {
    let config = load_config(root, None)?;
    let urls = Urls::new(&config.base_url)?;
    let site_seeds = seed::list_seed_files(&crate::build::project_path(root, "seeds"))?;
    let wanted: Vec<PathBuf> = if paths.is_empty() {
        site_seeds.clone()
    } else {
        paths.to_vec()
    };
    let wanted_keys: std::collections::BTreeSet<PathBuf> =
        wanted.iter().map(|p| file_key(p)).collect();
    // Other seeds of the site only feed the tag vocabulary; their errors are not reported.
    let others: Vec<PathBuf> = site_seeds
        .iter()
        .filter(|s| !wanted_keys.contains(&file_key(s)))
        .cloned()
        .collect();
    let mut diagnostics = Diagnostics::default();
    let opts = ParseOptions::from_config(&config);
    let (mut content, errors) = crate::content::load(&crate::build::project_path(root, "content"));
    for e in errors {
        diagnostics.error(e.to_string());
    }
    // As in a build: each seed with its override's extent and the whole archive's furniture.
    let extents = extents_of(&content);
    let (mut seeds, _) = parse_seeds(&wanted, &others, &opts, &extents, &mut diagnostics);
    let quiet = &mut Diagnostics::default();
    let (other_seeds, _) = parse_seeds(&others, &wanted, &opts, &extents, quiet);
    seeds.extend(other_seeds);
    // The published slugs, so that inspect shows the URL a build would give.
    match site::lock::UrlLock::load(root) {
        Ok(lock) => content.url_lock = std::sync::Arc::new(lock),
        Err(e) => diagnostics.error(e.to_string()),
    }
    let (site, site_diags) = site::assemble(&config, &urls, seeds, content, true);
    diagnostics.extend(site_diags);
    // Each path is resolved once: comparing every pair would be quadratic in the seeds.
    let by_file: std::collections::BTreeMap<PathBuf, usize> = site
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (file_key(&a.file), i))
        .collect();
    let mut out = Vec::new();
    for p in &wanted {
        if let Some(&i) = by_file.get(&file_key(p)) {
            let a = &site.articles[i];
            out.push(inspected(a, p.display().to_string()));
        }
    }
    Ok((out, diagnostics))
}

/// The canonical path when the file exists, so `seeds/x.txt` and `./seeds/x.txt` match.
fn file_key(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// Runs the command: JSON array or a readable report; exit 1 on seed errors, or on warnings
/// with `strict`.
pub fn run(root: &Path, paths: &[PathBuf], json: bool, strict: bool) -> Result<ExitCode> {
    let (items, diagnostics) = inspect(root, paths)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&items)?);
    } else {
        for it in &items {
            print_text(it);
        }
    }
    for d in diagnostics.sorted() {
        // The text report already lists each seed's warnings under the seed.
        if json || d.severity == crate::diagnostics::Severity::Error {
            eprintln!("{d}");
        }
    }
    let warned = items.iter().any(|i| !i.warnings.is_empty()) || diagnostics.warnings() > 0;
    if diagnostics.errors() > 0 || (strict && warned) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// `inspect --explain`: each line of each seed with what it became and the rule that decided
/// it (JSON: one object per seed with its `lines`), so an editor sees why a line was dropped.
/// An override's `body_start` / `body_end` / `keep_lines` are applied, so the editor sees the
/// effect of a correction.
pub fn explain(root: &Path, paths: &[PathBuf], json: bool) -> Result<ExitCode> {
    let config = load_config(root, None)?;
    let opts = ParseOptions::from_config(&config);
    let files = if paths.is_empty() {
        seed::list_seed_files(&crate::build::project_path(root, "seeds"))?
    } else {
        paths.to_vec()
    };
    let (content, _) = crate::content::load(&crate::build::project_path(root, "content"));
    let model = archive_model(root, &files);
    let mut all = Vec::new();
    let mut failed = false;
    for f in &files {
        let bytes = std::fs::read(f)?;
        let id = f.file_stem().map(|s| s.to_string_lossy().into_owned());
        let inputs = seed::SeedInputs {
            extent: id
                .and_then(|id| content.overrides.get(&id))
                .map(|o| o.fields.extent())
                .unwrap_or_default(),
            furniture: model.lines_of(&seed::furniture::fingerprints(f, &bytes)),
        };
        let explained = seed::explain_seed(f, &bytes, &opts, &inputs);
        let explained = explained.map(|(s, lines)| (s, with_stories(lines, &bytes, &model)));
        match explained {
            Ok((_, lines)) if json => all.push(serde_json::json!({
                "file": f.display().to_string(), "lines": lines })),
            Ok((s, lines)) => print_explained(&s.title.value, f, &lines),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The explained lines with the number of stories each learned furniture line is in.
fn with_stories(
    mut lines: Vec<seed::Explained>,
    bytes: &[u8],
    model: &seed::furniture::Model,
) -> Vec<seed::Explained> {
    let text = String::from_utf8_lossy(bytes);
    let seed_lines: Vec<&str> = text.split('\n').collect();
    for e in &mut lines {
        if !e.why.starts_with(seed::furniture::RULE) {
            continue;
        }
        let line = seed_lines.get(e.line.wrapping_sub(1)).copied();
        if let Some(n) = model.stories(line.unwrap_or(&e.text)) {
            e.why = e.why.replacen("3+ stories", &format!("{n} stories"), 1);
        }
    }
    lines
}

/// The furniture model of the project's seeds and `files` (each file counted once), as a build
/// of the project learns it.
fn archive_model(root: &Path, files: &[PathBuf]) -> seed::furniture::Model {
    let mut all: Vec<PathBuf> =
        seed::list_seed_files(&crate::build::project_path(root, "seeds")).unwrap_or_default();
    let known: std::collections::BTreeSet<PathBuf> = all.iter().map(|p| file_key(p)).collect();
    all.extend(
        files
            .iter()
            .filter(|f| !known.contains(&file_key(f)))
            .cloned(),
    );
    let keys: Vec<Vec<u64>> = all
        .iter()
        .map(|p| {
            std::fs::read(p).map_or_else(|_| Vec::new(), |b| seed::furniture::fingerprints(p, &b))
        })
        .collect();
    let refs: Vec<&[u64]> = keys.iter().map(Vec::as_slice).collect();
    seed::furniture::learn(&refs)
}

fn print_explained(title: &str, file: &Path, lines: &[seed::Explained]) {
    println!("{}  ({title})", file.display());
    for e in lines {
        println!("{:>5}  {:<10} {:<60}  {}", e.line, e.became, e.text, e.why);
    }
    println!();
}

fn print_text(it: &Inspected) {
    let origin = |field: &str| {
        it.origins
            .get(field)
            .cloned()
            .unwrap_or_else(|| Origin::Missing.to_string())
    };
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    println!("{}  ({})", it.file, it.id);
    let rows: Vec<(&str, String, String)> = vec![
        ("title", it.title.clone(), origin("title")),
        ("date", or_none(&it.date), origin("date")),
        ("updated", or_none(&it.updated), origin("updated")),
        ("source", or_none(&it.source), origin("source")),
        ("authors", it.authors.join(", "), origin("authors")),
        ("tags", it.tags.join(", "), origin("tags")),
        (
            "inferred tags",
            it.inferred_tags.join(", "),
            origin("inferred_tags"),
        ),
        ("language", it.language.clone(), origin("language")),
        ("slug", it.slug.clone(), origin("slug")),
        ("dateline", or_none(&it.dateline), String::new()),
        (
            "body",
            format!(
                "{} blocks, {} words, {} min",
                it.body.len(),
                it.word_count,
                it.reading_time
            ),
            origin("body"),
        ),
    ];
    for (name, value, from) in rows {
        if from.is_empty() {
            println!("  {name:<14} {value}");
        } else {
            println!("  {name:<14} {value}  [{from}]");
        }
    }
    if !it.summary.is_empty() {
        println!("  summary        [{}]", origin("summary"));
        for s in &it.summary {
            println!("    - {s}");
        }
    }
    if !it.warnings.is_empty() {
        println!("  warnings");
        for w in &it.warnings {
            println!("    ! {w}");
        }
    }
    println!();
}
