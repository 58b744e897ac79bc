//! Article and term slugs: ASCII, readable, unique and stable.
//!
//! An article's default slug comes from the first words of its seed's first line, taken
//! mechanically, never from the inferred title: improving the title rules must not move URLs.
//! An override may pin another slug; the default one then redirects to it.

use std::borrow::Cow;

use rustc_hash::FxHashSet;

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
}

/// The slug of an article, and the default slug that redirects to it when an override pinned
/// another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slugged<'a> {
    /// URL slug.
    pub slug: Cow<'a, str>,
    /// The default slug, when it redirects to a pinned one.
    pub redirect_from: Option<&'a str>,
}

/// The slug of every article, given in id order, so on a clash the older seed keeps the plain
/// slug and the newer one gets its id appended: adding a seed never moves an existing URL.
/// Default slugs are made beforehand ([`default_slug`], the costly part, which depends on the
/// article alone and is kept from one build of a session to the next).
pub fn assign<'a>(articles: &[SlugInput<'a>], diagnostics: &mut Diagnostics) -> Vec<Slugged<'a>> {
    debug_assert!(articles.windows(2).all(|w| w[0].id <= w[1].id));
    // Sets for membership only (never iterated): hashed, not ordered.
    let mut taken: FxHashSet<Cow<'a, str>> = articles
        .iter()
        .filter_map(|a| a.pinned.map(Cow::Borrowed))
        .collect();
    let mut pinned_seen: FxHashSet<&str> = Default::default();
    articles
        .iter()
        .map(|a| match a.pinned {
            Some(pinned) => {
                if !pinned_seen.insert(pinned) {
                    diagnostics.error(format!(
                        "{}: slug {pinned:?} is pinned by two overrides",
                        a.file.display()
                    ));
                }
                let redirect_from =
                    (a.default != pinned && !taken.contains(a.default)).then(|| {
                        taken.insert(Cow::Borrowed(a.default));
                        a.default
                    });
                Slugged {
                    slug: Cow::Borrowed(pinned),
                    redirect_from,
                }
            }
            None => {
                let slug = if taken.contains(a.default) {
                    let clash: Cow<'a, str> =
                        Cow::Owned(format!("{}-{}", a.default, slugify(a.id)));
                    taken.insert(clash.clone());
                    clash
                } else {
                    taken.insert(Cow::Borrowed(a.default));
                    Cow::Borrowed(a.default)
                };
                Slugged {
                    slug,
                    redirect_from: None,
                }
            }
        })
        .collect()
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
}
