//! `content/`: Markdown pages and per-article overrides, both with TOML front matter (`+++`).
//!
//! Overrides let an editor fix what the parser got wrong without touching the seed, which stays
//! exactly as the scraper left it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

/// A problem in a file of `content/`, named with its path.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {message}", file.display())]
pub struct ContentError {
    /// The offending file.
    pub file: PathBuf,
    /// What is wrong.
    pub message: String,
}

/// Front matter of `content/articles/<id>.md`. Every field is optional: what is not set keeps
/// the value the parser inferred.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OverrideFields {
    /// Replaces the headline.
    pub title: Option<String>,
    /// Replaces the publication date (`2021-07-27`, bare or quoted).
    #[serde(default, deserialize_with = "de_date")]
    pub date: Option<NaiveDate>,
    /// Replaces the source.
    pub source: Option<String>,
    /// Replaces the bylines.
    pub authors: Option<Vec<String>>,
    /// Replaces the tags.
    pub tags: Option<Vec<String>>,
    /// Pins the URL slug; the previous one keeps working through a redirect page.
    pub slug: Option<String>,
    /// Replaces the summary bullets.
    pub summary: Option<Vec<String>>,
    /// Hides the article unless building with `--drafts`.
    pub draft: Option<bool>,
    /// Replaces the language (ISO 639-1).
    pub language: Option<String>,
    /// Line of the seed where the body starts (issue 19: text above it is furniture).
    pub body_start: Option<usize>,
    /// Line of the seed where the body stops.
    pub body_end: Option<usize>,
    /// Lines of the seed kept in the body although extraction dropped them.
    pub keep_lines: Option<Vec<usize>>,
}

impl OverrideFields {
    /// The extraction correction these fields ask for, without copying the text.
    pub fn extent(&self) -> crate::seed::Extent {
        crate::seed::Extent {
            start: self.body_start,
            stop: self.body_end,
            keep: self.keep_lines.clone().unwrap_or_default(),
        }
    }
}

/// Reads a TOML date (`date = 2021-07-27`) or a string (`date = "2021-07-27"`).
fn de_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Toml(toml::value::Datetime),
        Text(String),
    }
    let text = match Raw::deserialize(d)? {
        Raw::Toml(dt) => match dt.date {
            Some(date) => date.to_string(),
            None => return Err(serde::de::Error::custom("date has no day part")),
        },
        Raw::Text(s) => s,
    };
    let date = text.get(..10).unwrap_or(&text);
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            serde::de::Error::custom(format!("invalid date {text:?}, expected YYYY-MM-DD"))
        })
}

/// One article override.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleOverride {
    /// The override file.
    pub file: PathBuf,
    /// Front matter fields.
    pub fields: OverrideFields,
    /// Markdown replacing the body, when the file has a non-blank body.
    pub body_markdown: Option<String>,
}

/// Front matter of a content page such as `content/about.md`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageFields {
    /// Page title.
    pub title: String,
    /// Meta description.
    #[serde(default)]
    pub description: Option<String>,
    /// URL slug; defaults to the file name (`about.md` → `/about/`).
    #[serde(default)]
    pub slug: Option<String>,
    /// Hidden unless building with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Position in the header navigation; pages without it are not listed there.
    #[serde(default)]
    pub menu_weight: Option<i64>,
}

/// A Markdown page of `content/`.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentPage {
    /// The source file.
    pub file: PathBuf,
    /// Front matter.
    pub fields: PageFields,
    /// The slug: from the front matter or the file stem.
    pub slug: String,
    /// Body rendered to HTML by pulldown-cmark.
    pub html: String,
}

/// Everything read from `content/`.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Pages sorted by slug.
    pub pages: Vec<ContentPage>,
    /// Overrides by seed id.
    pub overrides: BTreeMap<String, ArticleOverride>,
    /// The published slugs, from `urls.lock` at the project root (read beside `content/`,
    /// since both are what the project states about its articles besides the seeds).
    pub url_lock: std::sync::Arc<crate::site::lock::UrlLock>,
}

/// Reads `content/` (a missing folder is an empty one). Each bad file is reported; the others
/// are still read.
pub fn load(dir: &Path) -> (Content, Vec<ContentError>) {
    let mut content = Content::default();
    let mut errors = Vec::new();
    if !dir.exists() {
        return (content, errors);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(ContentError {
                    file: dir.to_path_buf(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let rel = path.strip_prefix(dir).unwrap_or(path);
        let in_articles = rel.components().count() == 2 && rel.starts_with("articles");
        let result = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                if in_articles {
                    parse_override(path, &text).map(|o| {
                        let id = file_stem(path);
                        content.overrides.insert(id, o);
                    })
                } else if rel.components().count() == 1 {
                    parse_page(path, &text).map(|p| content.pages.push(p))
                } else {
                    Err(
                        "only content/*.md pages and content/articles/<id>.md overrides are read"
                            .to_string(),
                    )
                }
            });
        if let Err(message) = result {
            errors.push(ContentError {
                file: path.to_path_buf(),
                message,
            });
        }
    }
    content.pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    (content, errors)
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Splits `+++\n<toml>\n+++\n<markdown>`; the front matter is required.
pub fn split_front_matter(text: &str) -> Result<(&str, &str), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
        .ok_or("must start with a +++ line opening TOML front matter")?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Ok((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err("front matter is not closed by a +++ line".into())
}

fn toml_error(e: toml::de::Error) -> String {
    // toml's message already carries "line N, column M" and names unknown keys; the line is
    // relative to the front matter, which starts on line 2 of the file.
    let msg = e.to_string();
    match e.span() {
        Some(_) => format!("front matter (line 1 is the line after the opening +++): {msg}"),
        None => msg,
    }
}

/// Parses an override file.
pub fn parse_override(path: &Path, text: &str) -> Result<ArticleOverride, String> {
    let (front, body) = split_front_matter(text)?;
    let fields: OverrideFields = toml::from_str(front).map_err(toml_error)?;
    if let Some(slug) = &fields.slug {
        if slug.is_empty() || crate::urls::slugify(slug) != *slug {
            return Err(format!(
                "slug {slug:?} must be lowercase ASCII words joined by hyphens, such as {:?}",
                crate::urls::slugify(slug)
            ));
        }
    }
    let body_markdown = (!body.trim().is_empty()).then(|| body.to_string());
    Ok(ArticleOverride {
        file: path.to_path_buf(),
        fields,
        body_markdown,
    })
}

/// Parses a content page and renders its Markdown.
pub fn parse_page(path: &Path, text: &str) -> Result<ContentPage, String> {
    let (front, body) = split_front_matter(text)?;
    let fields: PageFields = toml::from_str(front).map_err(toml_error)?;
    let slug = match &fields.slug {
        Some(s) => crate::urls::slugify(s),
        None => crate::urls::slugify(&file_stem(path)),
    };
    Ok(ContentPage {
        file: path.to_path_buf(),
        html: markdown_to_html(body),
        fields,
        slug,
    })
}

/// Markdown → HTML with the extensions an editor expects (tables, footnotes, smart quotes
/// off so French typography typed by the editor is kept as typed). Raw HTML in Markdown is
/// escaped: content pages are written by editors, but overrides may quote seed text.
pub fn markdown_to_html(markdown: &str) -> String {
    use pulldown_cmark::{html, Event, Options, Parser};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_with_body() {
        let o = parse_override(
            Path::new("content/articles/x.md"),
            "+++\ntitle = \"Fixed\"\ndate = 2021-07-27\n+++\nNew *body*.\n",
        )
        .unwrap();
        assert_eq!(o.fields.title.as_deref(), Some("Fixed"));
        assert_eq!(o.fields.date, NaiveDate::from_ymd_opt(2021, 7, 27));
        assert_eq!(o.body_markdown.as_deref(), Some("New *body*.\n"));
    }

    #[test]
    fn override_unknown_key_is_named() {
        let err = parse_override(Path::new("x.md"), "+++\ntitel = \"x\"\n+++\n").unwrap_err();
        assert!(err.contains("titel"), "{err}");
    }

    #[test]
    fn override_without_front_matter_is_an_error() {
        assert!(parse_override(Path::new("x.md"), "title = 1\n").is_err());
        assert!(parse_override(Path::new("x.md"), "+++\ntitle = \"x\"\n").is_err());
    }

    #[test]
    fn bad_slug_is_rejected() {
        let err =
            parse_override(Path::new("x.md"), "+++\nslug = \"Mon Titre\"\n+++\n").unwrap_err();
        assert!(err.contains("mon-titre"), "{err}");
    }

    #[test]
    fn page_markdown_escapes_raw_html() {
        let p = parse_page(
            Path::new("content/about.md"),
            "+++\ntitle = \"À propos\"\n+++\n# Hi\n\n<script>x</script>\n",
        )
        .unwrap();
        assert_eq!(p.slug, "about");
        assert!(p.html.contains("<h1>Hi</h1>"));
        assert!(!p.html.contains("<script>"));
    }
}
