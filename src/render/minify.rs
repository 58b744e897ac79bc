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

/// A piece of HTML that recurs verbatim on many pages (an article card), minified once, on the
/// first page that needs it (a rebuild that renders few pages minifies few cards).
#[derive(Debug)]
pub struct Fragment {
    raw: String,
    /// Whether the fragment is minified and spliced at all.
    splice: bool,
    minified: std::sync::OnceLock<String>,
}

impl Fragment {
    /// A fragment for a minified site. Only fragments whose root is a block element can be
    /// spliced into a minified page unchanged (whitespace around a block element never
    /// matters); others are left to the page's own minification.
    pub fn new(raw: String) -> Fragment {
        Fragment {
            splice: splices_as_block(&raw),
            raw,
            minified: std::sync::OnceLock::new(),
        }
    }

    /// A fragment for a site that is not minified.
    pub fn unminified(raw: String) -> Fragment {
        Fragment {
            raw,
            splice: false,
            minified: std::sync::OnceLock::new(),
        }
    }

    /// The fragment as the template inserts it.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    fn minified(&self) -> Option<&str> {
        self.splice.then(|| {
            self.minified
                .get_or_init(|| {
                    String::from_utf8(html(self.raw.as_bytes()))
                        .expect("minify-html keeps UTF-8 text")
                })
                .as_str()
        })
    }
}

/// Whether `raw` starts with a block-level element and holds no placeholder of its own.
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
    BLOCKS.contains(&rest[..name_end].to_ascii_lowercase().as_str())
        && !raw.contains(PLACEHOLDER_ATTR)
}

const PLACEHOLDER_ATTR: &str = "data-gazette-fragment";

/// The placeholder element standing for fragment `n` in a page, and its form once minified.
fn placeholder(n: usize) -> (String, String) {
    static MINIFIED: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (before, after) = MINIFIED.get_or_init(|| {
        let sample = format!("<div {PLACEHOLDER_ATTR}=\"0\"></div>");
        let min = String::from_utf8(html(sample.as_bytes())).expect("UTF-8");
        let at = min.find('0').expect("the placeholder keeps its number");
        (min[..at].to_string(), min[at + 1..].to_string())
    });
    (
        format!("<div {PLACEHOLDER_ATTR}=\"{n}\"></div>"),
        format!("{before}{n}{after}"),
    )
}

/// Minifies a page in which some of `fragments` appear verbatim, in order: each is swapped for
/// a small placeholder, the rest of the page is minified, and the fragment's own minified form
/// is put back. The result is the same as [`html`] on the whole page, for a fraction of the
/// work when the page is mostly cards.
pub fn html_with_fragments(page: &str, fragments: &[&Fragment]) -> Vec<u8> {
    let mut shell = String::with_capacity(page.len());
    let mut spliced: Vec<(String, &str)> = Vec::new();
    let mut rest = page;
    for f in fragments {
        let Some(minified) = f.minified() else {
            continue;
        };
        if let Some(at) = memchr::memmem::find(rest.as_bytes(), f.raw.as_bytes()) {
            let (inserted, expected) = placeholder(spliced.len());
            shell.push_str(&rest[..at]);
            shell.push_str(&inserted);
            spliced.push((expected, minified));
            rest = &rest[at + f.raw.len()..];
        }
    }
    if spliced.is_empty() {
        return html(page.as_bytes());
    }
    shell.push_str(rest);
    let shell = String::from_utf8(html(shell.as_bytes())).expect("minify-html keeps UTF-8 text");
    let mut out =
        String::with_capacity(shell.len() + spliced.iter().map(|s| s.1.len()).sum::<usize>());
    let mut rest = shell.as_str();
    for (expected, minified) in &spliced {
        let Some(at) = memchr::memmem::find(rest.as_bytes(), expected.as_bytes()) else {
            // The theme put the fragment where the placeholder did not survive as is.
            return html(page.as_bytes());
        };
        out.push_str(&rest[..at]);
        out.push_str(minified);
        rest = &rest[at + expected.len()..];
    }
    out.push_str(rest);
    let out = out.into_bytes();
    debug_assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&html(page.as_bytes())),
        "splicing minified fragments must equal minifying the page"
    );
    out
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
            Fragment::new(format!(
                "<article class=\"card\">\n<h2><a href=\"/a/\">{t}</a></h2>\n<p class=\"meta\">x &amp; y</p>\n</article>\n"
            ))
        };
        let (a, b, inline) = (
            card("Un"),
            card("Deux"),
            Fragment::new("<a href=\"/x\">x</a>\n".into()),
        );
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<title>t</title>\n</head>\n<body>\n<main>\n<div class=\"cards\">\n{}{}</div>\n<p>{} fin</p>\n</main>\n</body>\n</html>\n",
            a.raw(),
            b.raw(),
            inline.raw()
        );
        let spliced = html_with_fragments(&page, &[&a, &b, &inline]);
        assert_eq!(
            String::from_utf8(spliced).unwrap(),
            String::from_utf8(html(page.as_bytes())).unwrap()
        );
        assert!(inline.minified().is_none());
        // A fragment the page does not contain is skipped.
        let c = card("Trois");
        assert_eq!(html_with_fragments(&page, &[&c, &a]), html(page.as_bytes()));
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
