//! Themes: the default theme embedded in the binary, overridden file by file by a site theme.
//!
//! `gazette build` works in a folder with no `themes/` at all. A site that wants another header
//! puts only `themes/<name>/templates/base.html` in its tree; every other file still comes from
//! the embedded default.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use include_dir::{include_dir, Dir};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The files of the resolved theme: relative path (`templates/base.html`, `static/style.css`)
/// → bytes, in sorted order.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// All files, site files replacing embedded ones of the same path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Paths that came from the site's own theme folder, for `-v` output and tests.
    pub overridden: Vec<String>,
}

impl Theme {
    /// Embedded default files, then `root/themes/<name>/` on top when it exists.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut theme = Theme::default();
        add_embedded(&DEFAULT_THEME, &mut theme.files);
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry =
                    entry.with_context(|| format!("cannot read theme {}", dir.display()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry
                    .path()
                    .strip_prefix(&dir)
                    .expect("walkdir yields paths under its root");
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                let bytes = std::fs::read(entry.path())
                    .with_context(|| format!("cannot read {}", entry.path().display()))?;
                if theme.files.get(&rel) != Some(&bytes) {
                    theme.overridden.push(rel.clone());
                }
                theme.files.insert(rel, bytes);
            }
        } else if name != "default" {
            anyhow::bail!(
                "theme {name:?} not found: expected a folder {}",
                dir.display()
            );
        }
        Ok(theme)
    }

    /// `(name, source)` of every template, named relative to `templates/`.
    pub fn templates(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for (path, bytes) in &self.files {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8(bytes.clone())
                    .with_context(|| format!("theme file {path} is not UTF-8"))?;
                out.push((name.to_string(), text));
            }
        }
        Ok(out)
    }

    /// A digest of every file, path and bytes: what anything made from the theme (parsed
    /// templates, page fingerprints) is kept under.
    pub fn digest(&self) -> blake3::Hash {
        let mut digest = crate::digest::Stream::default();
        for (path, bytes) in &self.files {
            digest
                .update(&(path.len() as u64).to_le_bytes())
                .update(path.as_bytes())
                .update(&(bytes.len() as u64).to_le_bytes())
                .update(bytes);
        }
        digest.finalize()
    }

    /// Static assets, relative to `static/`.
    pub fn assets(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().filter_map(|(path, bytes)| {
            path.strip_prefix("static/")
                .map(|name| (name, bytes.as_slice()))
        })
    }
}

fn add_embedded(dir: &Dir<'static>, files: &mut BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        files.insert(path, file.contents().to_vec());
    }
    for sub in dir.dirs() {
        add_embedded(sub, files);
    }
}
