//! Article and term slugs: ASCII, readable, unique and stable.
//!
//! An article's default slug comes from the first words of its seed's first line, taken
//! mechanically, never from the inferred title: improving the title rules must not move URLs.
//! An override may pin another slug; the default one then redirects to it.

use rayon::prelude::*;

use super::Article;
use crate::diagnostics::Diagnostics;
use crate::urls::{slugify, truncate_slug, Urls};

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

/// Sets `slug`, `route` and `redirects_from` of every article. Articles are visited in id
/// order, so on a clash the older seed keeps the plain slug and the newer one gets its id
/// appended: adding a seed never moves an existing URL.
pub fn assign(articles: &mut [Article], diagnostics: &mut Diagnostics) {
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by(|&a, &b| articles[a].id.cmp(&articles[b].id));
    // Slugifying is the costly part and depends on the article alone: done side by side.
    let mut derived: Vec<Option<String>> = articles
        .par_iter()
        .map(|a| Some(default_slug(&a.slug_hint, &a.id)))
        .collect();
    // Sets for membership only (never iterated): hashed, not ordered.
    let mut taken: rustc_hash::FxHashSet<String> = articles
        .iter()
        .filter_map(|a| a.pinned_slug.clone())
        .collect();
    let mut pinned_seen: rustc_hash::FxHashSet<String> = Default::default();
    for i in order {
        let a = &mut articles[i];
        let derived = derived[i].take().expect("each article is visited once");
        match a.pinned_slug.clone() {
            Some(pinned) => {
                if !pinned_seen.insert(pinned.clone()) {
                    diagnostics.error(format!(
                        "{}: slug {pinned:?} is pinned by two overrides",
                        a.file.display()
                    ));
                }
                if derived != pinned && !taken.contains(&derived) {
                    taken.insert(derived.clone());
                    a.redirects_from.push(Urls::article(&derived));
                }
                a.slug = pinned;
            }
            None => {
                let mut slug = derived.clone();
                if taken.contains(&slug) {
                    slug = format!("{derived}-{}", slugify(&a.id));
                }
                taken.insert(slug.clone());
                a.slug = slug;
            }
        }
        a.route = Urls::article(&a.slug);
    }
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
