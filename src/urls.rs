//! The one place where URLs, output paths and the base path are computed.
//!
//! Every internal link of the site goes through [`Urls`], so a site published under a GitHub
//! Pages sub-path (`https://user.github.io/repo/`) and one at a domain root differ only in the
//! `base_url` of `config.toml`.

use anyhow::{bail, Result};

/// The path part of `base_url`, always starting and ending with `/` (`/` or `/repo/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasePath(String);

impl BasePath {
    /// Extracts and validates the path of an absolute `http(s)://host/path/` URL.
    pub fn from_base_url(base_url: &str) -> Result<BasePath> {
        let rest = base_url
            .strip_prefix("https://")
            .or_else(|| base_url.strip_prefix("http://"));
        let Some(rest) = rest else {
            bail!("base_url must start with http:// or https://, found {base_url:?}");
        };
        let path = match rest.find('/') {
            Some(i) => &rest[i..],
            None => "/",
        };
        if rest.is_empty() || rest.starts_with('/') {
            bail!("base_url has no host: {base_url:?}");
        }
        if path.contains(['?', '#', ' ']) || path.contains("/../") || path.contains("//") {
            bail!("base_url path must be a plain path such as /repo/, found {path:?}");
        }
        let mut p = path.to_string();
        if !p.ends_with('/') {
            p.push('/');
        }
        Ok(BasePath(p))
    }

    /// `/` or `/repo/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Builds site-relative URLs (with the base path) and absolute URLs (with the origin).
#[derive(Debug, Clone)]
pub struct Urls {
    /// `https://host` without a trailing slash.
    origin: String,
    base: BasePath,
}

impl Urls {
    /// From the `base_url` of the config, optionally replaced on the command line.
    pub fn new(base_url: &str) -> Result<Urls> {
        let base = BasePath::from_base_url(base_url)?;
        let scheme_end = base_url.find("://").map(|i| i + 3).unwrap_or(0);
        let host_end = base_url[scheme_end..]
            .find('/')
            .map(|i| i + scheme_end)
            .unwrap_or(base_url.len());
        Ok(Urls {
            origin: base_url[..host_end].to_string(),
            base,
        })
    }

    /// The base path, `/` or `/repo/`.
    pub fn base_path(&self) -> &str {
        self.base.as_str()
    }

    /// Site-relative URL with the base path: `route("articles/x/")` → `/repo/articles/x/`.
    pub fn route(&self, route: &str) -> String {
        format!("{}{}", self.base.as_str(), route.trim_start_matches('/'))
    }

    /// Absolute URL: `https://host/repo/articles/x/`.
    pub fn absolute(&self, route: &str) -> String {
        format!("{}{}", self.origin, self.route(route))
    }

    /// Route of an article page.
    pub fn article(slug: &str) -> String {
        format!("articles/{slug}/")
    }

    /// Route of page `n` (1-based) of a paginated list whose first page is at `first`.
    pub fn paginated(first: &str, n: usize) -> String {
        if n <= 1 {
            first.to_string()
        } else {
            format!("{first}page/{n}/")
        }
    }

    /// Route of the index of a taxonomy (`tags/`), whose name is its route segment.
    pub fn taxonomy(taxonomy: &str) -> String {
        format!("{taxonomy}/")
    }

    /// Route of the first page of a term of a taxonomy: `tags/<slug>/`, `authors/<slug>/`.
    pub fn term(taxonomy: &str, slug: &str) -> String {
        format!("{taxonomy}/{slug}/")
    }

    /// Route of the Atom feed of a term: `tags/<slug>/atom.xml`.
    pub fn term_feed(taxonomy: &str, slug: &str) -> String {
        format!("{taxonomy}/{slug}/atom.xml")
    }

    /// Route of a content page (`content/about.md` → `about/`).
    pub fn page(slug: &str) -> String {
        format!("{slug}/")
    }

    /// Route of the archive's front page.
    pub fn archive() -> String {
        "archive/".to_string()
    }

    /// Route of one year of the archive: `archive/2021/`.
    pub fn archive_year(year: i32) -> String {
        format!("archive/{year}/")
    }

    /// Route of the first page of the list of undated articles. Under the archive, which
    /// links to it, and never a year's route, which is a number.
    pub fn undated() -> String {
        "archive/undated/".to_string()
    }

    /// Route of the search page.
    pub fn search() -> String {
        "search/".to_string()
    }

    /// Output file path (relative to `dist/`) for a route: `articles/x/` → `articles/x/index.html`.
    pub fn output_path(route: &str) -> String {
        let route = route.trim_start_matches('/');
        if route.is_empty() || route.ends_with('/') {
            format!("{route}index.html")
        } else {
            route.to_string()
        }
    }
}

/// ASCII, lowercase, hyphenated slug: `Israël s’inquiète` → `israel-s-inquiete`.
///
/// Transliteration uses `deunicode` so every script gives something readable; an input with no
/// letters or digits gives `"-"`, which callers replace with a stable fallback.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len());
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        out.push('-');
    }
    out
}

/// Cuts a slug to at most `max` bytes on a hyphen, so URLs stay short and readable.
pub fn truncate_slug(slug: &str, max: usize) -> String {
    if slug.len() <= max {
        return slug.to_string();
    }
    let cut = &slug[..max];
    match cut.rfind('-') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut.trim_end_matches('-').to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_of_project_site() {
        let u = Urls::new("https://user.github.io/repo").unwrap();
        assert_eq!(u.base_path(), "/repo/");
        assert_eq!(u.route("articles/a/"), "/repo/articles/a/");
        assert_eq!(
            u.absolute("articles/a/"),
            "https://user.github.io/repo/articles/a/"
        );
    }

    #[test]
    fn base_path_at_root() {
        let u = Urls::new("https://example.org/").unwrap();
        assert_eq!(u.route(""), "/");
        assert_eq!(u.absolute("tags/"), "https://example.org/tags/");
    }

    #[test]
    fn bad_base_urls_are_rejected() {
        assert!(Urls::new("example.org").is_err());
        assert!(Urls::new("https:///x").is_err());
        assert!(Urls::new("https://h/a/../b/").is_err());
    }

    #[test]
    fn output_paths() {
        assert_eq!(Urls::output_path(""), "index.html");
        assert_eq!(Urls::output_path("tags/x/"), "tags/x/index.html");
        assert_eq!(Urls::output_path("atom.xml"), "atom.xml");
        assert_eq!(Urls::paginated("", 2), "page/2/");
        assert_eq!(Urls::paginated("tags/x/", 1), "tags/x/");
        assert_eq!(Urls::taxonomy("authors"), "authors/");
        assert_eq!(Urls::term("tags", "x"), "tags/x/");
        assert_eq!(Urls::term_feed("authors", "a-b"), "authors/a-b/atom.xml");
        assert_eq!(Urls::archive_year(2021), "archive/2021/");
        assert_eq!(
            Urls::paginated(&Urls::undated(), 2),
            "archive/undated/page/2/"
        );
        assert_eq!(Urls::page("about"), "about/");
    }

    #[test]
    fn slugs_are_ascii_and_readable() {
        assert_eq!(
            slugify("Israël s’inquiète d’une crise"),
            "israel-s-inquiete-d-une-crise"
        );
        assert_eq!(slugify("  ONS Group  "), "ons-group");
        assert_eq!(slugify("«»"), "-");
        assert_eq!(truncate_slug("abc-def-ghi", 9), "abc-def");
    }
}
