//! Minification of HTML pages and of the theme's CSS and JS, all with minify-html's engines.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// minify-html settings that keep the output valid HTML5 (the W3C validator runs on it in CI).
fn cfg() -> minify_html::Cfg {
    minify_html::Cfg {
        minify_css: true,
        minify_js: true,
        // Closing tags kept: tools that read the pages (Pagefind among them) expect `</head>`.
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        allow_noncompliant_unquoted_attribute_values: false,
        allow_optimal_entities: false,
        allow_removing_spaces_between_attributes: false,
        minify_doctype: false,
        keep_comments: false,
        ..minify_html::Cfg::default()
    }
}

/// Minifies an HTML page.
pub fn html(src: &[u8]) -> Vec<u8> {
    minify_html::minify(src, &cfg())
}

/// A piece of HTML that recurs on many pages (an article card), made once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fragment {
    /// As rendered: the site is not minified, or the fragment's root is not a block element
    /// and so must be minified with the page around it.
    Raw(String),
    /// Minified once, to replace its marker in minified pages. Only a fragment whose root is a
    /// block element can be minified apart from its page: whitespace around a block element
    /// never matters.
    Minified(String),
}

impl Fragment {
    /// Prepares `raw` for pages that are minified (`minify`) or not.
    pub fn new(raw: String, minify: bool) -> Fragment {
        if minify && splices_as_block(&raw) {
            Fragment::Minified(
                String::from_utf8(html(raw.as_bytes())).expect("minify-html keeps UTF-8 text"),
            )
        } else {
            Fragment::Raw(raw)
        }
    }

    /// The fragment as it stands in a page: as rendered, or minified.
    pub fn text(&self) -> &str {
        match self {
            Fragment::Raw(text) | Fragment::Minified(text) => text,
        }
    }
}

/// Whether `raw` starts with a block-level element and holds no marker of its own.
fn splices_as_block(raw: &str) -> bool {
    const BLOCKS: [&str; 16] = [
        "article",
        "aside",
        "blockquote",
        "div",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "li",
        "section",
        "p",
    ];
    let Some(rest) = raw.trim_start().strip_prefix('<') else {
        return false;
    };
    let name_end = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    BLOCKS.contains(&rest[..name_end].to_ascii_lowercase().as_str()) && !raw.contains(MARKER_OPEN)
}

const MARKER_OPEN: &str = "<div data-gazette-fragment=\"";
const MARKER_CLOSE: &str = "\"></div>";

/// The marker a page template gets in place of fragment `id`; [`html_with_fragments`] puts
/// the fragment back.
pub fn marker(id: usize) -> String {
    format!("{MARKER_OPEN}{id}{MARKER_CLOSE}")
}

/// The form of [`marker`] once minified.
fn minified_marker(id: usize) -> String {
    static PARTS: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (before, after) = PARTS.get_or_init(|| {
        let min = String::from_utf8(html(marker(0).as_bytes())).expect("UTF-8");
        let at = min.find('0').expect("the marker keeps its number");
        (min[..at].to_string(), min[at + 1..].to_string())
    });
    format!("{before}{id}{after}")
}

/// Calls `found` for each fragment marker of `page`, in order, with the text before it (since
/// the previous marker) and its id; returns the text after the last one.
fn each_marker<'p>(
    page: &'p str,
    mut found: impl FnMut(&'p str, usize) -> anyhow::Result<()>,
) -> anyhow::Result<&'p str> {
    let mut rest = page;
    let mut scan = 0;
    while let Some(at) = memchr::memmem::find(&rest.as_bytes()[scan..], MARKER_OPEN.as_bytes()) {
        let at = scan + at;
        let digits_start = at + MARKER_OPEN.len();
        let digits = rest[digits_start..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(&rest[digits_start..], |n| {
                &rest[digits_start..digits_start + n]
            });
        let end = digits_start + digits.len();
        match digits.parse::<usize>() {
            Ok(id) if rest[end..].starts_with(MARKER_CLOSE) => {
                found(&rest[..at], id)?;
                rest = &rest[end + MARKER_CLOSE.len()..];
                scan = 0;
            }
            // Not one of ours (a theme's own text): leave it as it is.
            _ => scan = digits_start,
        }
    }
    Ok(rest)
}

/// The page with every fragment marker replaced by `text(id)`.
pub fn expand_markers<T: AsRef<str>>(
    page: &str,
    text: impl Fn(usize) -> anyhow::Result<T>,
) -> anyhow::Result<String> {
    let mut out = String::with_capacity(page.len() * 2);
    let rest = each_marker(page, |before, id| {
        out.push_str(before);
        out.push_str(text(id)?.as_ref());
        Ok(())
    })?;
    out.push_str(rest);
    Ok(out)
}

/// Minified page shells (a page with markers in place of its fragments), by a digest of the
/// shell before minification. A build takes those of the last one and keeps those it used:
/// adding the newest article moves every card of every home page down one place, but each
/// page's shell (header, pagination, footer and its markers, numbered by place) stays the same,
/// so that only the splicing is done again.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Shells(HashMap<u128, Arc<String>>);

/// The shells a build takes ([`Shells`] of the last build) and those it uses.
#[derive(Default)]
pub struct ShellMemo<'a> {
    earlier: Option<&'a Shells>,
    used: Mutex<HashMap<u128, Arc<String>>>,
}

impl<'a> ShellMemo<'a> {
    /// A memo that takes the shells of `earlier`.
    pub fn new(earlier: &'a Shells) -> ShellMemo<'a> {
        ShellMemo {
            earlier: Some(earlier),
            used: Mutex::default(),
        }
    }

    /// The shells used so far, for the next build.
    pub fn into_used(self) -> Shells {
        Shells(self.used.into_inner().unwrap_or_else(|e| e.into_inner()))
    }

    /// `shell` minified: taken from the last build or made now.
    fn minified(&self, shell: &str) -> Arc<String> {
        let digest = u128::from_le_bytes(
            blake3::hash(shell.as_bytes()).as_bytes()[..16]
                .try_into()
                .expect("16 bytes"),
        );
        let known = self.earlier.and_then(|e| e.0.get(&digest)).cloned();
        let known = known.or_else(|| {
            self.used
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&digest)
                .cloned()
        });
        let min = known.unwrap_or_else(|| {
            Arc::new(
                String::from_utf8(html(shell.as_bytes())).expect("minify-html keeps UTF-8 text"),
            )
        });
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(digest, Arc::clone(&min));
        min
    }
}

/// Minifies a page whose template got fragment markers ([`marker`]) instead of fragments: the
/// page around the markers (its shell) is minified, then each marker is replaced by its
/// fragment, minified once for all the pages that show it. The result is what [`html`] makes
/// of the page with every fragment in place, for a fraction of the work when the page is
/// mostly cards. With `shells`, the minified shell may come from an earlier build.
pub fn html_with_fragments<'f>(
    page: &str,
    fragment: impl Fn(usize) -> anyhow::Result<&'f Fragment>,
    shells: Option<&ShellMemo>,
) -> anyhow::Result<Vec<u8>> {
    let mut shell = String::with_capacity(page.len());
    let mut spliced: Vec<&str> = Vec::new();
    let rest = each_marker(page, |before, id| {
        shell.push_str(before);
        match fragment(id)? {
            // Numbered by place, not by fragment: the shell is the same whatever fills it.
            Fragment::Minified(minified) => {
                shell.push_str(&marker(spliced.len()));
                spliced.push(minified);
            }
            // Minified with the page around it.
            Fragment::Raw(raw) => shell.push_str(raw),
        }
        Ok(())
    })?;
    shell.push_str(rest);
    let minified = match shells {
        Some(memo) => memo.minified(&shell),
        None => Arc::new(
            String::from_utf8(html(shell.as_bytes())).expect("minify-html keeps UTF-8 text"),
        ),
    };
    if spliced.is_empty() {
        return Ok(minified.as_bytes().to_vec());
    }
    let mut out =
        String::with_capacity(minified.len() + spliced.iter().map(|s| s.len()).sum::<usize>());
    let mut rest = minified.as_str();
    for (place, minified) in spliced.iter().enumerate() {
        let expected = minified_marker(place);
        let Some(at) = memchr::memmem::find(rest.as_bytes(), expected.as_bytes()) else {
            // The theme put the fragment where its marker did not survive minification as is.
            let full = expand_markers(page, |id| fragment(id).map(Fragment::text))?;
            return Ok(html(full.as_bytes()));
        };
        out.push_str(&rest[..at]);
        out.push_str(minified);
        rest = &rest[at + expected.len()..];
    }
    out.push_str(rest);
    Ok(out.into_bytes())
}

/// Minifies a CSS or JS asset by passing it through minify-html inside a `<style>` or
/// `<script>` element (the same lightningcss and JS engines), then unwrapping it. Anything
/// else, or anything the wrapper cannot round-trip, is returned unchanged.
pub fn asset(name: &str, bytes: &[u8]) -> Vec<u8> {
    let (open, close) = if name.ends_with(".css") {
        ("<style>", "</style>")
    } else if name.ends_with(".js") {
        ("<script>", "</script>")
    } else {
        return bytes.to_vec();
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    if text.contains(close) {
        return bytes.to_vec();
    }
    let wrapped = format!("{open}{text}{close}");
    let out = minify_html::minify(wrapped.as_bytes(), &cfg());
    let Ok(out) = String::from_utf8(out) else {
        return bytes.to_vec();
    };
    match out.strip_prefix(open).and_then(|s| s.strip_suffix(close)) {
        Some(inner) if !inner.is_empty() || text.trim().is_empty() => inner.as_bytes().to_vec(),
        _ => bytes.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spliced_fragments_equal_whole_page_minification() {
        let card = |t: &str| {
            format!(
                "<article class=\"card\">\n<h2><a href=\"/a/\">{t}</a></h2>\n<p class=\"meta\">x &amp; y</p>\n</article>\n"
            )
        };
        let raw = [
            card("Un"),
            card("Deux"),
            "<a href=\"/x\">x</a>\n".to_string(),
        ];
        let fragments = raw.clone().map(|r| Fragment::new(r, true));
        assert!(matches!(fragments[0], Fragment::Minified(_)));
        assert!(matches!(fragments[2], Fragment::Raw(_)));
        let template = |a: &str, b: &str, c: &str| {
            format!(
                "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<title>t</title>\n</head>\n<body>\n<main>\n<div class=\"cards\">\n{a}{b}</div>\n<p>{c} fin <div data-gazette-fragment=\"x\"></div></p>\n</main>\n</body>\n</html>\n"
            )
        };
        let with_markers = template(&marker(0), &marker(1), &marker(2));
        let lookup = |id: usize| Ok(&fragments[id]);
        let expanded = expand_markers(&with_markers, |id| Ok(&raw[id])).unwrap();
        assert_eq!(expanded, template(&raw[0], &raw[1], &raw[2]));
        let spliced = html_with_fragments(&with_markers, lookup, None).unwrap();
        assert_eq!(
            String::from_utf8(spliced).unwrap(),
            String::from_utf8(html(expanded.as_bytes())).unwrap()
        );
        // A page without markers is simply minified.
        let plain = template("a", "b", "c");
        assert_eq!(
            html_with_fragments(&plain, lookup, None).unwrap(),
            html(plain.as_bytes())
        );
    }

    /// A shell taken from the last build gives the page it would have made, whatever
    /// fragments fill it; only the shells a build used are kept for the next one.
    #[test]
    fn shells_are_kept_by_place_not_by_fragment() {
        let card = |t: &str| Fragment::new(format!("<article>\n<h2>{t}</h2>\n</article>\n"), true);
        let fragments = [card("Un"), card("Deux"), card("Trois")];
        let page = |a: usize, b: usize| {
            format!(
                "<!DOCTYPE html>\n<html>\n<head>\n<title>t</title>\n</head>\n<body>\n{}\n{}\n</body>\n</html>\n",
                marker(a),
                marker(b)
            )
        };
        let lookup = |id: usize| Ok(&fragments[id]);
        let first = ShellMemo::default();
        let made = html_with_fragments(&page(0, 1), lookup, Some(&first)).unwrap();
        assert_eq!(
            made,
            html_with_fragments(&page(0, 1), lookup, None).unwrap()
        );
        let shells = first.into_used();
        assert_eq!(shells.0.len(), 1);
        // Other cards in the same places: the same shell, from the memo.
        let second = ShellMemo::new(&shells);
        let moved = html_with_fragments(&page(1, 2), lookup, Some(&second)).unwrap();
        assert_eq!(
            moved,
            html_with_fragments(&page(1, 2), lookup, None).unwrap()
        );
        assert_eq!(second.into_used(), shells);
        // A shell the memo got wrong would show: one made from another page is not taken.
        let mut wrong = shells.clone();
        for v in wrong.0.values_mut() {
            *v = Arc::new("<p>stale".to_string());
        }
        let third = ShellMemo::new(&wrong);
        let other = page(2, 0).replace("<title>t</title>", "<title>u</title>");
        assert_eq!(
            html_with_fragments(&other, lookup, Some(&third)).unwrap(),
            html_with_fragments(&other, lookup, None).unwrap()
        );
    }

    #[test]
    fn css_and_js_get_smaller_and_keep_meaning() {
        let css = asset("a.css", b"body {\n  color : red ;\n}\n");
        assert_eq!(String::from_utf8(css).unwrap(), "body{color:red}");
        let js = asset(
            "a.js",
            b"function add(a, b) {\n  return a + b;\n}\nwindow.add = add;\n",
        );
        let js = String::from_utf8(js).unwrap();
        assert!(js.len() < 50 && js.contains("window.add"), "{js}");
        assert_eq!(asset("a.txt", b"x  y"), b"x  y");
    }
}
