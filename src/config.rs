//! `config.toml`: the site's settings.
//!
//! Every table rejects unknown keys so that a typo (`paginate_bye`) is an error naming the key and
//! line instead of a setting silently ignored.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The whole of `config.toml`. Every field has a default so an empty file is a valid site.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in the header, feeds and `<title>`.
    pub title: String,
    /// One-line description for the home page meta description and the feed subtitle.
    pub description: String,
    /// Absolute URL the site is published at; its path (`/repo/`) prefixes every internal link.
    pub base_url: String,
    /// Default language (ISO 639-1) of the site and of articles whose language is unclear.
    pub language: String,
    /// Theme folder under `themes/`; files missing there fall back to the embedded default theme.
    pub theme: String,
    /// Articles per page on the home, tag and source lists.
    pub paginate_by: usize,
    /// Write Atom feeds (site and per tag).
    pub feeds: bool,
    /// Minify HTML, CSS and JS.
    pub minify: bool,
    /// Custom domain: written to `CNAME` for GitHub Pages when set.
    pub domain: Option<String>,
    /// Which taxonomies get pages.
    pub taxonomies: Taxonomies,
    /// Tag vocabulary, aliases and inference.
    pub tags: TagsConfig,
    /// Site furniture removed from seeds.
    pub boilerplate: BoilerplateConfig,
    /// Client-side search.
    pub search: SearchConfig,
    /// Free-form values passed to templates as `config.extra`.
    pub extra: BTreeMap<String, toml::Value>,
}

impl Default for Config {
    fn default() -> Self {
        let mut taxonomies = Taxonomies::default();
        taxonomies
            .complete()
            .expect("an empty taxonomy table has no unknown names");
        Config {
            title: "Gazette".into(),
            description: String::new(),
            base_url: "http://127.0.0.1:1111/".into(),
            language: "fr".into(),
            theme: "default".into(),
            paginate_by: 20,
            feeds: true,
            minify: true,
            domain: None,
            taxonomies,
            tags: TagsConfig::default(),
            boilerplate: BoilerplateConfig::default(),
            search: SearchConfig::default(),
            extra: BTreeMap::new(),
        }
    }
}

/// Which taxonomies get pages (index, a page per term, feeds, links): `name = true|false` for
/// each taxonomy of [`crate::site::taxonomy::ALL`]; one left out takes its default. A map
/// rather than a field each, so that a new taxonomy needs no setting written here; parsing
/// fills in every taxonomy, so templates may read `config.taxonomies.<name>` for any.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Taxonomies(BTreeMap<String, bool>);

impl Taxonomies {
    /// Whether `taxonomy` gets pages.
    pub fn enabled(&self, taxonomy: &crate::site::taxonomy::Taxonomy) -> bool {
        self.0
            .get(taxonomy.name)
            .copied()
            .unwrap_or(taxonomy.on_by_default)
    }

    /// Every taxonomy with its setting; an unknown name is an error naming the known ones.
    fn complete(&mut self) -> Result<()> {
        use crate::site::taxonomy::{named, ALL};
        if let Some(unknown) = self.0.keys().find(|k| named(k).is_none()) {
            let known: Vec<&str> = ALL.iter().map(|t| t.name).collect();
            anyhow::bail!(
                "[taxonomies]: unknown taxonomy {unknown:?}; known: {}",
                known.join(", ")
            );
        }
        for t in ALL {
            self.0.entry(t.name.to_string()).or_insert(t.on_by_default);
        }
        Ok(())
    }
}

/// Tag settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TagsConfig {
    /// Give tagless seeds the vocabulary tags found in their text.
    pub infer: bool,
    /// At most this many inferred tags per article.
    pub max_inferred: usize,
    /// Tags known to the site even if no seed states them; used for inference.
    pub vocabulary: Vec<String>,
    /// `"Variant" = "Canonical"`: the variant is shown and filed under the canonical tag.
    pub aliases: BTreeMap<String, String>,
}

impl Default for TagsConfig {
    fn default() -> Self {
        TagsConfig {
            infer: true,
            max_inferred: 8,
            vocabulary: Vec::new(),
            aliases: BTreeMap::new(),
        }
    }
}

/// Boilerplate (site furniture) settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoilerplateConfig {
    /// Keep gazette's French and English defaults (`Soyez le premier à commenter`, …).
    pub use_defaults: bool,
    /// Extra patterns. A pattern matches a whole line, case- and accent-insensitively; a
    /// trailing `*` makes it a prefix match (`"Lire aussi*"`).
    pub patterns: Vec<String>,
    /// Default patterns to drop, written exactly as listed by `gazette inspect --boilerplate`.
    pub disable: Vec<String>,
}

impl Default for BoilerplateConfig {
    fn default() -> Self {
        BoilerplateConfig {
            use_defaults: true,
            patterns: Vec::new(),
            disable: Vec::new(),
        }
    }
}

/// Client-side search settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// Build the index and the `/search/` page.
    pub enabled: bool,
    /// Results shown per page of results.
    pub results_per_page: usize,
    /// Characters of body text kept per article for result excerpts.
    pub excerpt_chars: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            results_per_page: 20,
            excerpt_chars: 2000,
        }
    }
}

impl Config {
    /// Reads `path`; a missing file gives the defaults so a bare folder of seeds builds.
    pub fn load(path: &Path) -> Result<Config> {
        if !path.exists() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Config::parse(&text).with_context(|| format!("invalid {}", path.display()))
    }

    /// Parses config text; errors carry the TOML line and column and name unknown keys.
    pub fn parse(text: &str) -> Result<Config> {
        let mut config: Config = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        config.taxonomies.complete()?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<()> {
        if self.paginate_by == 0 {
            anyhow::bail!("paginate_by must be at least 1");
        }
        crate::urls::BasePath::from_base_url(&self.base_url)?;
        if self.language.len() != 2 || !self.language.chars().all(|c| c.is_ascii_lowercase()) {
            anyhow::bail!(
                "language must be an ISO 639-1 code such as \"fr\", found {:?}",
                self.language
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_valid() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.language, "fr");
        assert_eq!(c.paginate_by, 20);
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = Config::parse("title = \"x\"\npaginate_bye = 3\n").unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("paginate_bye"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn unknown_nested_key_is_rejected() {
        let err = Config::parse("[tags]\ninferr = true\n").unwrap_err();
        assert!(format!("{err:#}").contains("inferr"));
    }

    /// Every taxonomy has a setting after parsing, authors on unless turned off, and an
    /// unknown taxonomy is an error naming the known ones.
    #[test]
    fn taxonomies_default_on_and_unknown_ones_are_named() {
        use crate::site::taxonomy::{AUTHORS, SOURCES, TAGS};
        let c = Config::parse("[taxonomies]\nsources = false\n").unwrap();
        assert!(TAGS.enabled(&c) && AUTHORS.enabled(&c) && !SOURCES.enabled(&c));
        let json = serde_json::to_value(&c.taxonomies).unwrap();
        assert_eq!(json["authors"], true);
        assert_eq!(json["sources"], false);
        let c = Config::parse("[taxonomies]\nauthors = false\n").unwrap();
        assert!(!AUTHORS.enabled(&c));
        assert!(AUTHORS.enabled(&Config::default()));
        let err = Config::parse("[taxonomies]\nauteurs = true\n").unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            msg.contains("\"auteurs\"") && msg.contains("tags, sources, authors"),
            "{msg}"
        );
    }

    #[test]
    fn aliases_and_extra_parse() {
        let c = Config::parse(
            "[tags.aliases]\n\"ONS Group\" = \"NSO Group\"\n[extra]\nauthor = \"me\"\n",
        )
        .unwrap();
        assert_eq!(c.tags.aliases["ONS Group"], "NSO Group");
        assert_eq!(c.extra["author"].as_str(), Some("me"));
    }
}
