//! Tag identity, aliases, the site vocabulary and inferred tags.
//!
//! Two spellings are the same tag when their slugs agree (`Israël`, `israel`); the display
//! name is the first spelling met in seed-id order, so it is stable as seeds are added.

use std::collections::{BTreeMap, HashMap};

use super::slugs::term_slug;
use super::TermRef;
use crate::text::{fold, fold_words, words};

/// Tag aliases from `config.toml`, keyed by the folded variant.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    by_variant: BTreeMap<String, String>,
}

impl Aliases {
    /// From the `[tags.aliases]` table (`"ONS Group" = "NSO Group"`).
    pub fn new(table: &BTreeMap<String, String>) -> Aliases {
        Aliases {
            by_variant: table
                .iter()
                .map(|(variant, canonical)| (fold_words(variant), canonical.trim().to_string()))
                .collect(),
        }
    }

    /// The tag a stated name is filed under.
    pub fn resolve(&self, name: &str) -> TermRef {
        let name = name.trim();
        let name = self
            .by_variant
            .get(&fold_words(name))
            .map(String::as_str)
            .unwrap_or(name);
        TermRef {
            name: name.to_string(),
            slug: term_slug(name),
        }
    }

    /// Variant spellings (as folded words) with the tag they resolve to.
    fn variants(&self) -> impl Iterator<Item = (&String, TermRef)> {
        self.by_variant.iter().map(|(v, c)| {
            (
                v,
                TermRef {
                    name: c.clone(),
                    slug: term_slug(c),
                },
            )
        })
    }
}

/// Warns of each stated tag made only of punctuation (`---`, `?!`), which has no letter or
/// digit to make a URL of: such tags once all became the tag `-` and merged into one. They are
/// dropped from the article ([`super::Article::tags`]); the warning names the seed.
pub fn warn_unusable<'a>(
    articles: impl Iterator<Item = &'a super::Article>,
    aliases: &Aliases,
    diagnostics: &mut crate::diagnostics::Diagnostics,
) {
    for a in articles {
        // Cheap test first: a name with a letter or digit always has a slug.
        let unusable = a
            .stated_tags
            .iter()
            .filter(|t| !t.chars().any(char::is_alphanumeric))
            .filter(|t| aliases.resolve(t).slug == "-");
        for t in unusable {
            diagnostics.warn(format!(
                "{}: tag {t:?} has no letter or digit to make a URL of; dropped",
                a.file.display()
            ));
        }
    }
}

/// Tag and source names as stated in the seeds, each resolved once: a site of 10,000 articles
/// states ~50,000 tags but a few hundred distinct names, and resolving one (folding, aliases,
/// slug) costs far more than finding it here.
#[derive(Debug)]
pub struct Resolved<'a> {
    aliases: &'a Aliases,
    tags: HashMap<String, TermRef>,
    sources: HashMap<String, String>,
}

impl<'a> Resolved<'a> {
    /// The tag and source names of `seeds`, resolved with `aliases`.
    pub fn of_seeds<'s>(
        seeds: impl Iterator<Item = &'s crate::seed::ParsedSeed>,
        aliases: &'a Aliases,
    ) -> Resolved<'a> {
        let mut tags: HashMap<String, TermRef> = HashMap::new();
        let mut sources: HashMap<String, String> = HashMap::new();
        for s in seeds {
            for t in &s.tags.value {
                if !tags.contains_key(t) {
                    tags.insert(t.clone(), aliases.resolve(t));
                }
            }
            if let Some(name) = &s.source.value {
                if !sources.contains_key(name) {
                    sources.insert(name.clone(), term_slug(name));
                }
            }
        }
        Resolved {
            aliases,
            tags,
            sources,
        }
    }

    /// The tag a stated name is filed under ([`Aliases::resolve`]).
    pub fn tag(&self, name: &str) -> TermRef {
        match self.tags.get(name) {
            Some(t) => t.clone(),
            None => self.aliases.resolve(name),
        }
    }

    /// A source by its name.
    pub fn source(&self, name: String) -> TermRef {
        let slug = match self.sources.get(&name) {
            Some(slug) => slug.clone(),
            None => term_slug(&name),
        };
        TermRef { name, slug }
    }
}

/// Every tag the site knows, indexed for whole-word search in folded text.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// First folded word → (all folded words, tag).
    by_first_word: HashMap<String, Vec<(Vec<String>, TermRef)>>,
    /// A digest of every entry: two vocabularies with the same one infer the same tags.
    pub digest: u128,
}

impl Vocabulary {
    /// The tags each article states (aliases resolved, in seed-id order), the configured
    /// vocabulary, and alias variants.
    pub fn new<'a>(
        stated: impl IntoIterator<Item = &'a [TermRef]>,
        configured: &[String],
        aliases: &Aliases,
    ) -> Vocabulary {
        let mut entries: BTreeMap<String, TermRef> = BTreeMap::new();
        // A tag is a function of its name: each distinct name is folded once, at its first use.
        let mut seen: rustc_hash::FxHashSet<&str> = Default::default();
        for tags in stated {
            for t in tags {
                if seen.insert(&t.name) {
                    entries
                        .entry(fold_words(&t.name))
                        .or_insert_with(|| t.clone());
                }
            }
        }
        for name in configured {
            let t = aliases.resolve(name);
            entries.entry(fold_words(name)).or_insert(t);
        }
        for (variant, t) in aliases.variants() {
            entries.entry(variant.clone()).or_insert(t);
        }
        let digest = crate::digest::of(&entries);
        let mut by_first_word: HashMap<String, Vec<(Vec<String>, TermRef)>> = HashMap::new();
        for (folded, t) in entries {
            let words: Vec<String> = folded.split(' ').map(str::to_string).collect();
            // One- or two-letter tags ("UE", "5G" excepted by digits) match too much text.
            if words.len() == 1
                && words[0].chars().count() < 3
                && !words[0].chars().any(|c| c.is_ascii_digit())
            {
                continue;
            }
            if words[0].is_empty() {
                continue;
            }
            by_first_word
                .entry(words[0].clone())
                .or_default()
                .push((words, t));
        }
        Vocabulary {
            by_first_word,
            digest,
        }
    }

    /// Vocabulary tags occurring as whole words in the title or body, best first (title
    /// matches weigh three times a body match, ties by name), at most `max`.
    pub fn infer(&self, title: &str, body: &str, max: usize) -> Vec<TermRef> {
        let mut scores: BTreeMap<TermRef, usize> = BTreeMap::new();
        for (text, weight) in [(title, 3), (body, 1)] {
            let folded = fold(text);
            let words: Vec<&str> = words(&folded).collect();
            for i in 0..words.len() {
                let Some(candidates) = self.by_first_word.get(words[i]) else {
                    continue;
                };
                for (tag_words, t) in candidates {
                    let end = i + tag_words.len();
                    if end <= words.len()
                        && tag_words.iter().zip(&words[i..end]).all(|(a, b)| a == b)
                    {
                        *scores.entry(t.clone()).or_default() += weight;
                    }
                }
            }
        }
        let mut ranked: Vec<(TermRef, usize)> = scores.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
        let mut out: Vec<TermRef> = Vec::new();
        for (t, _) in ranked {
            if !out.iter().any(|o| o.slug == t.slug) {
                out.push(t);
            }
            if out.len() == max {
                break;
            }
        }
        out
    }
}

/// The display name of every tag and source: its first spelling in seed-id order, so that a
/// name does not change as seeds are added after it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Spellings {
    tags: rustc_hash::FxHashMap<String, String>,
    sources: rustc_hash::FxHashMap<String, String>,
}

impl Spellings {
    /// Notes the names of one article, as it states them (tags, inferred tags, source); called
    /// for each article in seed-id order.
    pub fn note<'a>(&mut self, tags: impl Iterator<Item = &'a TermRef>, source: Option<&TermRef>) {
        for t in tags {
            if !self.tags.contains_key(&t.slug) {
                self.tags.insert(t.slug.clone(), t.name.clone());
            }
        }
        if let Some(s) = source {
            if !self.sources.contains_key(&s.slug) {
                self.sources.insert(s.slug.clone(), s.name.clone());
            }
        }
    }

    /// Whether any of these names is not the first spelling of its tag or source.
    pub fn differ<'a>(
        &self,
        mut tags: impl Iterator<Item = &'a TermRef>,
        source: Option<&TermRef>,
    ) -> bool {
        // A name not noted (which a caller noting every article never has) differs.
        let differs = |names: &rustc_hash::FxHashMap<String, String>, t: &TermRef| {
            names.get(&t.slug) != Some(&t.name)
        };
        tags.any(|t| differs(&self.tags, t)) || source.is_some_and(|s| differs(&self.sources, s))
    }

    /// Gives these names their first spelling. Most already have it: copied only where they
    /// differ.
    pub fn unify<'a>(
        &self,
        tags: impl Iterator<Item = &'a mut TermRef>,
        source: Option<&mut TermRef>,
    ) {
        let unify = |t: &mut TermRef, names: &rustc_hash::FxHashMap<String, String>| {
            if let Some(name) = names.get(&t.slug).filter(|n| **n != t.name) {
                t.name.clone_from(name);
            }
        };
        for t in tags {
            unify(t, &self.tags);
        }
        if let Some(s) = source {
            unify(s, &self.sources);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(names: &[&str], aliases: &[(&str, &str)]) -> Vocabulary {
        let table = aliases
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        Vocabulary::new([], &names, &Aliases::new(&table))
    }

    #[test]
    fn infers_whole_words_accent_and_case_insensitively() {
        let v = vocab(
            &["Israël", "Pegasus", "Espionnage", "Benny Gantz", "Iran"],
            &[],
        );
        let tags = v.infer(
            "Le logiciel PEGASUS",
            "Une firme israélienne, d’espionnage; israel et Benny  Gantz. Iranien.",
            8,
        );
        let names: Vec<_> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Pegasus", "Benny Gantz", "Espionnage", "Israël"]);
    }

    #[test]
    fn infer_respects_the_limit_and_aliases() {
        let v = vocab(&["Alpha", "Beta"], &[("ONS Group", "NSO Group")]);
        let tags = v.infer("", "alpha beta ons group", 2);
        assert_eq!(tags.len(), 2);
        let v = vocab(&[], &[("ONS Group", "NSO Group")]);
        assert_eq!(v.infer("", "l’ONS group", 8)[0].name, "NSO Group");
    }

    #[test]
    fn aliases_resolve_folded_variants() {
        let mut t = BTreeMap::new();
        t.insert("ONS Group".to_string(), "NSO Group".to_string());
        let a = Aliases::new(&t);
        assert_eq!(a.resolve("ons group").name, "NSO Group");
        assert_eq!(a.resolve("Maroc").slug, "maroc");
    }
}
