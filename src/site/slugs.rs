//! Article and term slugs: ASCII, readable, unique and stable.
//!
//! An article's default slug comes from the first words of its seed's first line, taken
//! mechanically, never from the inferred title: improving the title rules must not move URLs.
//! Once published, a slug is kept in `urls.lock` ([`super::lock`]) and never moves but by an
//! override, which may pin another slug; the old one then redirects to it.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::diagnostics::Diagnostics;
use crate::urls::{slugify, truncate_slug};

/// Longest default slug, in bytes.
const MAX_SLUG: usize = 60;

/// Slug of a tag or source name.
pub fn term_slug(name: &str) -> String {
    truncate_slug(&slugify(name), MAX_SLUG)
}

/// The slug an article gets without an override.
pub fn default_slug(slug_hint: &str, id: &str) -> String {
    let s = truncate_slug(&slugify(slug_hint), MAX_SLUG);
    if s == "-" {
        slugify(id)
    } else {
        s
    }
}

/// What [`assign`] reads of an article.
#[derive(Debug, Clone, Copy)]
pub struct SlugInput<'a> {
    /// Seed id, appended to the slug on a clash.
    pub id: &'a str,
    /// Seed file, for messages.
    pub file: &'a std::path::Path,
    /// The slug an override pins, if any.
    pub pinned: Option<&'a str>,
    /// [`default_slug`] of the article.
    pub default: &'a str,
    /// Its slugs in `urls.lock` (see [`super::lock`]), the published one first.
    pub locked: &'a [String],
}

/// The slug of an article, and the slugs that redirect to it: those it was published under
/// before an override moved it, and its default slug when an override pinned another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slugged<'a> {
    /// URL slug.
    pub slug: Cow<'a, str>,
    /// Slugs whose pages redirect to it.
    pub redirect_from: Vec<&'a str>,
}

/// Slug → the seed id that holds it.
type Taken<'a> = FxHashMap<Cow<'a, str>, &'a str>;

/// The slug of every article, given in id order. A published URL never moves: an article
/// keeps its slug from `urls.lock` (`lock_owners`: slug → id, for every slug there, the seeds
/// that are gone included, so that no URL is given to another article), and only an override
/// moves it, the old slugs redirecting. A new article whose default slug is taken gets its id
/// appended, with a note naming both seeds; an override pinning a slug that is another
/// article's is an error naming both (and is not applied). Default slugs are made beforehand
/// ([`default_slug`], the costly part, which depends on the article alone).
pub fn assign<'a>(
    articles: &[SlugInput<'a>],
    lock_owners: &FxHashMap<&'a str, &'a str>,
    diagnostics: &mut Diagnostics,
) -> Vec<Slugged<'a>> {
    debug_assert!(articles.windows(2).all(|w| w[0].id <= w[1].id));
    let mut taken: Taken<'a> = lock_owners
        .iter()
        .map(|(slug, id)| (Cow::Borrowed(*slug), *id))
        .collect();
    let pins = hold_pins(articles, &mut taken, diagnostics);
    let mut clashes = Vec::new();
    let out = articles
        .iter()
        .zip(pins)
        .map(|(a, pin)| {
            let slug = match (pin, a.locked.first()) {
                (Some(pin), _) => Cow::Borrowed(pin),
                (None, Some(locked)) => Cow::Borrowed(locked.as_str()),
                (None, None) => fresh_slug(a, &mut taken, &mut clashes),
            };
            let mut redirect_from: Vec<&'a str> = a
                .locked
                .iter()
                .map(String::as_str)
                .filter(|s| *s != slug)
                .collect();
            if pin.is_some() && a.default != slug && !taken.contains_key(a.default) {
                taken.insert(Cow::Borrowed(a.default), a.id);
                redirect_from.push(a.default);
            }
            Slugged {
                slug,
                redirect_from,
            }
        })
        .collect();
    note_clashes(clashes, diagnostics);
    out
}

/// How many slug clashes are noted one by one before the others are counted in one line.
const SHOWN_CLASHES: usize = 10;

/// The notes of new articles whose slug was taken: the first [`SHOWN_CLASHES`], then a count
/// (the first build of a large archive may have thousands; `urls.lock` lists every one).
fn note_clashes(clashes: Vec<String>, diagnostics: &mut Diagnostics) {
    let more = clashes.len().saturating_sub(SHOWN_CLASHES);
    for note in clashes.into_iter().take(SHOWN_CLASHES) {
        diagnostics.note(note);
    }
    if more > 0 {
        diagnostics.note(format!(
            "… and {more} more new articles whose slug was taken got their seed id appended \
             (urls.lock lists every slug)"
        ));
    }
}

/// The pinned slug of each article that may have it, marked as taken. A pin is refused when
/// the slug is another article's: in the lock, pinned by another override, or the default
/// slug of a new article (moving a URL is what overrides are for, taking one is not).
fn hold_pins<'a>(
    articles: &[SlugInput<'a>],
    taken: &mut Taken<'a>,
    diagnostics: &mut Diagnostics,
) -> Vec<Option<&'a str>> {
    let mut wanted: FxHashMap<&str, &str> = FxHashMap::default();
    for a in articles
        .iter()
        .filter(|a| a.pinned.is_none() && a.locked.is_empty())
    {
        wanted.entry(a.default).or_insert(a.id);
    }
    articles
        .iter()
        .map(|a| {
            let pin = a.pinned?;
            let holder = taken.get(pin).or_else(|| wanted.get(pin));
            match holder.copied().filter(|h| *h != a.id) {
                Some(holder) => {
                    diagnostics.error(format!(
                        "{}: the slug {pin:?} its override pins is the URL of seed {holder}; \
                         pin another slug",
                        a.file.display()
                    ));
                    None
                }
                None => {
                    taken.insert(Cow::Borrowed(pin), a.id);
                    Some(pin)
                }
            }
        })
        .collect()
}

/// The slug of a new article: its default one if free, else the default with its id appended
/// (and a counter, should that be taken too), with a note naming the seed holding the default.
/// Near-duplicate copies of one story meet here; a note, not a warning, so that `--strict`
/// accepts them.
fn fresh_slug<'a>(
    a: &SlugInput<'a>,
    taken: &mut Taken<'a>,
    notes: &mut Vec<String>,
) -> Cow<'a, str> {
    let Some(&holder) = taken.get(a.default) else {
        taken.insert(Cow::Borrowed(a.default), a.id);
        return Cow::Borrowed(a.default);
    };
    let base = format!("{}-{}", a.default, slugify(a.id));
    let mut slug = base.clone();
    for n in 2.. {
        if !taken.contains_key(slug.as_str()) {
            break;
        }
        slug = format!("{base}-{n}");
    }
    notes.push(format!(
        "{}: the slug {:?} is that of seed {holder}; this article is at articles/{slug}/",
        a.file.display(),
        a.default
    ));
    taken.insert(Cow::Owned(slug.clone()), a.id);
    Cow::Owned(slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_slug_is_readable_and_bounded() {
        assert_eq!(
            default_slug("-Lors de sa visite à Paris, le ministre", "004_x"),
            "lors-de-sa-visite-a-paris-le-ministre"
        );
        assert_eq!(default_slug("«»", "004_AB"), "004-ab");
        assert!(default_slug(&"mot ".repeat(40), "x").len() <= MAX_SLUG);
    }

    fn input<'a>(id: &'a str, default: &'a str, locked: &'a [String]) -> SlugInput<'a> {
        SlugInput {
            id,
            file: std::path::Path::new(id),
            pinned: None,
            default,
            locked,
        }
    }

    fn slugs(out: &[Slugged<'_>]) -> Vec<String> {
        out.iter().map(|s| s.slug.to_string()).collect()
    }

    #[test]
    fn a_locked_slug_stays_when_a_lower_id_asks_for_it() {
        let locked = vec!["la-crise".to_string()];
        let lock = FxHashMap::from_iter([("la-crise", "005_b")]);
        let articles = [
            input("003_a", "la-crise", &[]),
            input("005_b", "autre", &locked),
        ];
        let mut d = Diagnostics::default();
        let out = assign(&articles, &lock, &mut d);
        assert_eq!(slugs(&out), ["la-crise-003-a", "la-crise"]);
        // A note naming both seeds, which `--strict` accepts.
        assert_eq!(d.warnings() + d.errors(), 0);
        assert!(d.items()[0].message.contains("005_b"), "{:?}", d.items());
        // Without the lock the lower id takes it (how URLs used to move).
        let unlocked = [
            input("003_a", "la-crise", &[]),
            input("005_b", "la-crise", &[]),
        ];
        let out = assign(
            &unlocked,
            &FxHashMap::default(),
            &mut Diagnostics::default(),
        );
        assert_eq!(slugs(&out), ["la-crise", "la-crise-005-b"]);
    }

    #[test]
    fn many_clashes_are_counted_after_the_first_few() {
        let ids: Vec<String> = (0..50).map(|i| format!("{i:03}_x")).collect();
        let articles: Vec<SlugInput> = ids.iter().map(|id| input(id, "la-une", &[])).collect();
        let mut d = Diagnostics::default();
        let out = assign(&articles, &FxHashMap::default(), &mut d);
        assert_eq!(out[49].slug, "la-une-049-x");
        assert_eq!(d.items().len(), SHOWN_CLASHES + 1);
        assert!(d.items()[SHOWN_CLASHES].message.contains("… and 39 more"));
    }

    #[test]
    fn a_slug_of_a_removed_seed_is_not_given_again() {
        let lock = FxHashMap::from_iter([("la-crise", "001_gone")]);
        let out = assign(
            &[input("003_a", "la-crise", &[])],
            &lock,
            &mut Diagnostics::default(),
        );
        assert_eq!(slugs(&out), ["la-crise-003-a"]);
    }

    #[test]
    fn only_an_override_moves_a_url_and_it_redirects() {
        let locked = vec!["ancien".to_string()];
        let lock = FxHashMap::from_iter([("ancien", "002_a")]);
        let mut moved = input("002_a", "defaut", &locked);
        moved.pinned = Some("nouveau");
        let out = assign(&[moved], &lock, &mut Diagnostics::default());
        assert_eq!(out[0].slug, "nouveau");
        assert_eq!(out[0].redirect_from, ["ancien", "defaut"]);
    }

    #[test]
    fn an_override_taking_another_articles_slug_is_an_error_naming_both() {
        let locked = vec!["la-crise".to_string()];
        let lock = FxHashMap::from_iter([("la-crise", "002_a")]);
        let mut thief = input("009_b", "autre", &[]);
        thief.pinned = Some("la-crise");
        let mut new_one = input("010_c", "encore", &[]);
        new_one.pinned = Some("libre");
        let mut d = Diagnostics::default();
        let articles = [input("002_a", "x", &locked), thief, new_one];
        let out = assign(&articles, &lock, &mut d);
        assert_eq!(slugs(&out), ["la-crise", "autre", "libre"]);
        assert_eq!(d.errors(), 1);
        let message = &d.items()[0].message;
        assert!(
            message.contains("009_b") && message.contains("002_a"),
            "{message}"
        );
        // The default slug of a new article is another article's too.
        let mut pin = input("009_b", "autre", &[]);
        pin.pinned = Some("la-une");
        let mut d = Diagnostics::default();
        let out = assign(
            &[input("001_a", "la-une", &[]), pin],
            &FxHashMap::default(),
            &mut d,
        );
        assert_eq!(slugs(&out), ["la-une", "autre"]);
        assert_eq!(d.errors(), 1);
    }
}
