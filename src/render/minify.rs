//! Minification of HTML pages and of the theme's CSS and JS, all with minify-html's engines.

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

/// Minifies a page whose template got fragment markers ([`marker`]) instead of fragments: the
/// page around the markers is minified, then each marker is replaced by its fragment, minified
/// once for all the pages that show it. The result is what [`html`] makes of the page with
/// every fragment in place, for a fraction of the work when the page is mostly cards.
pub fn html_with_fragments<'f>(
    page: &str,
    fragment: impl Fn(usize) -> anyhow::Result<&'f Fragment>,
) -> anyhow::Result<Vec<u8>> {
    let mut shell = String::with_capacity(page.len());
    let mut spliced: Vec<(usize, &str)> = Vec::new();
    let rest = each_marker(page, |before, id| {
        shell.push_str(before);
        match fragment(id)? {
            Fragment::Minified(minified) => {
                shell.push_str(&marker(id));
                spliced.push((id, minified));
            }
            // Minified with the page around it.
            Fragment::Raw(raw) => shell.push_str(raw),
        }
        Ok(())
    })?;
    shell.push_str(rest);
    let shell = String::from_utf8(html(shell.as_bytes())).expect("minify-html keeps UTF-8 text");
    if spliced.is_empty() {
        return Ok(shell.into_bytes());
    }
    let mut out =
        String::with_capacity(shell.len() + spliced.iter().map(|s| s.1.len()).sum::<usize>());
    let mut rest = shell.as_str();
    for (id, minified) in &spliced {
        let expected = minified_marker(*id);
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
        let spliced = html_with_fragments(&with_markers, lookup).unwrap();
        assert_eq!(
            String::from_utf8(spliced).unwrap(),
            String::from_utf8(html(expanded.as_bytes())).unwrap()
        );
        // A page without markers is simply minified.
        let plain = template("a", "b", "c");
        assert_eq!(
            html_with_fragments(&plain, lookup).unwrap(),
            html(plain.as_bytes())
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
