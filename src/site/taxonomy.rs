//! The taxonomies of the site (tags, sources, authors) as data: one definition each, read by
//! every stage that files articles under terms (the site model, the pages and feeds, the
//! sitemap, the search filters, `config.toml`).
//!
//! A new taxonomy is an entry of [`ALL`]: its name (the `[taxonomies]` key and the route
//! segment), its labels, whether its terms have feeds, and a function saying which values an
//! article has. Nothing else lists the taxonomies.

use super::{Article, TermRef};

/// One way of filing articles under named terms.
#[derive(Debug)]
pub struct Taxonomy {
    /// The key in `[taxonomies]` of `config.toml`, the route segment of its pages
    /// (`tags/`, `tags/<slug>/`) and the `kind` templates receive.
    pub name: &'static str,
    /// One term in the URL of the search page (`?tag=<slug>`), and the id of its filter
    /// (`gz-tag`).
    pub param: &'static str,
    /// The folder of its search filters, `search/f/<key>/`, and its key in `facets.json`.
    pub filter_key: &'static str,
    /// Whether each term has an Atom feed (when `feeds` is on).
    pub feeds: bool,
    /// Whether its pages are made when `config.toml` does not say.
    pub on_by_default: bool,
    /// Its labels in each language the interface speaks: (ISO 639-1 code, labels). The first
    /// is the fallback for any other language.
    pub labels: &'static [(&'static str, Labels)],
    /// The terms an article is filed under: those it states, then those inferred for it.
    pub values: for<'a> fn(&'a Article) -> [&'a [TermRef]; 2],
}

/// What the interface calls a taxonomy, in one language.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Labels {
    /// The title of its index page and menu entry (`Étiquettes`).
    pub plural: &'static str,
    /// One of its terms (`Étiquette`): the label of its search filter.
    pub singular: &'static str,
    /// Every term, as a filter's empty choice (`Toutes`, `Tous`: French agrees in gender).
    pub all: &'static str,
}

impl Taxonomy {
    /// The labels for the site language, French when the taxonomy has none in it.
    pub fn labels(&self, lang: &str) -> &'static Labels {
        let labels = self.labels;
        let found = labels.iter().find(|(code, _)| *code == lang);
        &found.unwrap_or(&labels[0]).1
    }

    /// Whether its pages are made, per `[taxonomies]` of `config.toml`.
    pub fn enabled(&self, config: &crate::config::Config) -> bool {
        config.taxonomies.enabled(self)
    }

    /// Route of its index page.
    pub fn index_route(&self) -> String {
        crate::urls::Urls::taxonomy(self.name)
    }

    /// Route of the first page of its term `slug`.
    pub fn term_route(&self, slug: &str) -> String {
        crate::urls::Urls::term(self.name, slug)
    }

    /// Route of the Atom feed of its term `slug`.
    pub fn feed_route(&self, slug: &str) -> String {
        crate::urls::Urls::term_feed(self.name, slug)
    }

    /// Every term the article is filed under, stated then inferred.
    pub fn terms_of<'a>(&self, a: &'a Article) -> impl Iterator<Item = &'a TermRef> {
        (self.values)(a).into_iter().flatten()
    }
}

/// Tags stated by seeds and overrides, and those inferred from the text of tagless seeds.
pub static TAGS: Taxonomy = Taxonomy {
    name: "tags",
    param: "tag",
    filter_key: "t",
    feeds: true,
    on_by_default: true,
    labels: &[
        (
            "fr",
            Labels {
                plural: "Étiquettes",
                singular: "Étiquette",
                all: "Toutes",
            },
        ),
        (
            "en",
            Labels {
                plural: "Tags",
                singular: "Tag",
                all: "All",
            },
        ),
        (
            "de",
            Labels {
                plural: "Schlagwörter",
                singular: "Schlagwort",
                all: "Alle",
            },
        ),
    ],
    values: |a| [&a.tags, &a.inferred_tags],
};

/// The outlet credited for each article.
pub static SOURCES: Taxonomy = Taxonomy {
    name: "sources",
    param: "source",
    filter_key: "s",
    feeds: false,
    on_by_default: true,
    labels: &[
        (
            "fr",
            Labels {
                plural: "Sources",
                singular: "Source",
                all: "Toutes",
            },
        ),
        (
            "en",
            Labels {
                plural: "Sources",
                singular: "Source",
                all: "All",
            },
        ),
        (
            "de",
            Labels {
                plural: "Quellen",
                singular: "Quelle",
                all: "Alle",
            },
        ),
    ],
    values: |a| [a.source.as_slice(), &[]],
};

/// The people the bylines name: a newsroom's readers follow reporters, so it is on by default.
pub static AUTHORS: Taxonomy = Taxonomy {
    name: "authors",
    param: "author",
    filter_key: "a",
    feeds: true,
    on_by_default: true,
    labels: &[
        (
            "fr",
            Labels {
                plural: "Auteurs",
                singular: "Auteur",
                all: "Tous",
            },
        ),
        (
            "en",
            Labels {
                plural: "Authors",
                singular: "Author",
                all: "All",
            },
        ),
        (
            "de",
            Labels {
                plural: "Autoren",
                singular: "Autor",
                all: "Alle",
            },
        ),
    ],
    values: |a| [&a.authors, &[]],
};

/// Every taxonomy, in the order the site shows them (menu, pages, sitemap, search filters).
pub static ALL: [&Taxonomy; 3] = [&TAGS, &SOURCES, &AUTHORS];

/// The taxonomy named `name` (its `[taxonomies]` key).
pub fn named(name: &str) -> Option<&'static Taxonomy> {
    ALL.iter().copied().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names, parameters and filter folders are distinct: each is a route, a query parameter
    /// or a folder of the output, and two taxonomies sharing one would overwrite each other.
    #[test]
    fn taxonomies_are_distinct_and_labelled_in_french_first() {
        let distinct = |f: fn(&Taxonomy) -> &'static str| {
            let mut keys: Vec<&str> = ALL.iter().map(|t| f(t)).collect();
            keys.sort_unstable();
            keys.dedup();
            keys.len() == ALL.len()
        };
        assert!(distinct(|t| t.name));
        assert!(distinct(|t| t.param));
        assert!(distinct(|t| t.filter_key));
        for t in ALL {
            assert_eq!(t.labels[0].0, "fr", "{}: French is the fallback", t.name);
            assert_eq!(named(t.name).map(|n| n.name), Some(t.name));
        }
        assert_eq!(AUTHORS.labels("fr").plural, "Auteurs");
        assert_eq!(AUTHORS.labels("fr").all, "Tous");
        assert_eq!(TAGS.labels("fr").all, "Toutes");
        assert_eq!(AUTHORS.labels("en").plural, "Authors");
        assert_eq!(
            SOURCES.labels("it").plural,
            "Sources",
            "unknown language: French"
        );
        assert!(named("series").is_none());
    }
}
