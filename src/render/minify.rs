//! Minification of HTML pages and of the theme's CSS and JS, all with minify-html's engines.

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
    Raw(Arc<str>),
    /// Minified once, to replace its marker in minified pages. Only a fragment whose root is a
    /// block element can be minified apart from its page: whitespace around a block element
    /// never matters.
    Minified(Arc<str>),
}

impl Fragment {
    /// Prepares `raw` for pages that are minified (`minify`) or not.
    pub fn new(raw: String, minify: bool) -> Fragment {
        if minify && splices_as_block(&raw) {
            Fragment::Minified(
                String::from_utf8(html(raw.as_bytes()))
                    .expect("minify-html keeps UTF-8 text")
                    .into(),
            )
        } else {
            Fragment::Raw(raw.into())
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

/// A page shell (the page with markers in place of its fragments), minified, with the ids of
/// the fragments its markers stand for, in order. Markers are numbered by place, so the shell
/// is the same whatever fragments fill it.
#[derive(Debug, PartialEq, Eq)]
pub struct Shell {
    minified: Arc<String>,
    ids: Vec<usize>,
    /// Where each marker is in `minified`, found once when the shell is made: splicing is then
    /// copying. `None` when a marker did not survive minification as is.
    spans: Option<Vec<std::ops::Range<usize>>>,
}

impl Shell {
    fn new(minified: Arc<String>, ids: Vec<usize>) -> Shell {
        Shell {
            spans: marker_spans(&minified, ids.len()),
            minified,
            ids,
        }
    }
}

/// Minified page shells by key: a digest of the shell before minification, or (for list pages
/// whose templates read only the cards' HTML) a digest of everything the page is rendered
/// from, which spares even rendering it. A build takes those of the last one and keeps those
/// it used: adding the newest article moves every card of every home page down one place, but
/// each page's shell (header, pagination, footer and its markers) stays the same, so that only
/// the splicing is done again.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Shells(rustc_hash::FxHashMap<u128, Arc<Shell>>);

/// The shells a build takes ([`Shells`] of the last build) and those it uses.
#[derive(Default)]
pub struct ShellMemo<'a> {
    earlier: Option<&'a Shells>,
    used: Mutex<rustc_hash::FxHashMap<u128, Arc<Shell>>>,
}

impl<'a> ShellMemo<'a> {
    /// A memo that takes the shells of `earlier`.
    pub fn new(earlier: &'a Shells) -> ShellMemo<'a> {
        ShellMemo {
            earlier: Some(earlier),
            used: Mutex::default(),
        }
    }

    /// The shells for the next build: those used so far, and the earlier ones too while all
    /// of them come to at most `limit`. A list page kept whole by its fingerprint does not
    /// look at its shell, and dropping the shells of such pages after one build made the next
    /// change to their list (an article added to a large tag) render all of them again.
    pub fn into_kept(self, limit: usize) -> Shells {
        let mut used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        if let Some(earlier) = self.earlier {
            if earlier.0.len() + used.len() <= limit {
                for (key, shell) in &earlier.0 {
                    used.entry(*key).or_insert_with(|| Arc::clone(shell));
                }
            }
        }
        Shells(used)
    }

    fn get(&self, key: u128) -> Option<Arc<Shell>> {
        let known = self.earlier.and_then(|e| e.0.get(&key)).cloned();
        known.or_else(|| {
            self.used
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&key)
                .cloned()
        })
    }

    fn keep(&self, key: u128, shell: Arc<Shell>) {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, shell);
    }

    /// The page of the shell kept under `key` with its fragments put back, when there is one
    /// and each of its fragments is minified on its own (a raw fragment is minified with the
    /// page around it, so its page has no shell of its own).
    pub fn page<'f>(
        &self,
        key: u128,
        fragment: impl Fn(usize) -> anyhow::Result<&'f Fragment>,
    ) -> anyhow::Result<Option<Vec<u8>>> {
        let Some(shell) = self.get(key) else {
            return Ok(None);
        };
        let Some(spans) = &shell.spans else {
            return Ok(None);
        };
        let mut spliced = Vec::with_capacity(shell.ids.len());
        for &id in &shell.ids {
            match fragment(id)? {
                Fragment::Minified(text) => spliced.push(&**text),
                Fragment::Raw(_) => return Ok(None),
            }
        }
        let page = splice_at(&shell.minified, spans, &spliced);
        self.keep(key, shell);
        Ok(Some(page))
    }
}

/// Where the markers of places `0..count` are in a minified shell, in order; `None` when one
/// did not survive minification as is.
fn marker_spans(minified: &str, count: usize) -> Option<Vec<std::ops::Range<usize>>> {
    let mut spans = Vec::with_capacity(count);
    let mut from = 0;
    for place in 0..count {
        let expected = minified_marker(place);
        let at = from + memchr::memmem::find(&minified.as_bytes()[from..], expected.as_bytes())?;
        from = at + expected.len();
        spans.push(at..from);
    }
    Some(spans)
}

/// The minified shell with the marker at each of `spans` replaced by its fragment.
fn splice_at(minified: &str, spans: &[std::ops::Range<usize>], fragments: &[&str]) -> Vec<u8> {
    debug_assert_eq!(spans.len(), fragments.len());
    let len = minified.len() + fragments.iter().map(|s| s.len()).sum::<usize>();
    let mut out = Vec::with_capacity(len);
    let mut copied = 0;
    for (span, fragment) in spans.iter().zip(fragments) {
        out.extend_from_slice(&minified.as_bytes()[copied..span.start]);
        out.extend_from_slice(fragment.as_bytes());
        copied = span.end;
    }
    out.extend_from_slice(&minified.as_bytes()[copied..]);
    out
}

/// Where [`html_with_fragments`] finds and keeps minified shells.
#[derive(Clone, Copy)]
pub struct ShellKey<'m, 'a> {
    /// The memo.
    pub memo: &'m ShellMemo<'a>,
    /// The key the caller found no shell under ([`ShellMemo::page`]), to keep this page's
    /// shell under; `None` keys the shell by its own digest.
    pub key: Option<u128>,
}

/// Minifies a page whose template got fragment markers ([`marker`]) instead of fragments: the
/// page around the markers (its shell) is minified, then each marker is replaced by its
/// fragment, minified once for all the pages that show it. The result is what [`html`] makes
/// of the page with every fragment in place, for a fraction of the work when the page is
/// mostly cards. With `shells`, the minified shell may come from an earlier build, and is kept
/// for the next.
pub fn html_with_fragments<'f>(
    page: &str,
    fragment: impl Fn(usize) -> anyhow::Result<&'f Fragment>,
    shells: Option<ShellKey>,
) -> anyhow::Result<Vec<u8>> {
    let mut shell = String::with_capacity(page.len());
    let mut spliced: Vec<&str> = Vec::new();
    let mut ids: Vec<usize> = Vec::new();
    let mut any_raw = false;
    let rest = each_marker(page, |before, id| {
        shell.push_str(before);
        match fragment(id)? {
            // Numbered by place, not by fragment: the shell is the same whatever fills it.
            Fragment::Minified(minified) => {
                shell.push_str(&marker(spliced.len()));
                spliced.push(minified);
                ids.push(id);
            }
            // Minified with the page around it.
            Fragment::Raw(raw) => {
                shell.push_str(raw);
                any_raw = true;
            }
        }
        Ok(())
    })?;
    shell.push_str(rest);
    let minify_shell = || {
        Arc::new(String::from_utf8(html(shell.as_bytes())).expect("minify-html keeps UTF-8 text"))
    };
    // A shell with raw fragments in it holds those fragments: it can be kept under a key that
    // does not cover them (the caller's) only if it has none. A shell known by its digest
    // has the same text, so the same markers in the same places: only this page's ids are
    // its own.
    let (made, keep_under) = match shells {
        Some(ShellKey {
            memo,
            key: Some(key),
        }) => (
            Shell::new(minify_shell(), ids),
            (!any_raw).then_some((memo, key)),
        ),
        Some(ShellKey { memo, key: None }) => {
            let digest = crate::digest::of(&shell);
            let made = match memo.get(digest) {
                Some(known) => Shell {
                    minified: Arc::clone(&known.minified),
                    ids,
                    spans: known.spans.clone(),
                },
                None => Shell::new(minify_shell(), ids),
            };
            (made, Some((memo, digest)))
        }
        None => (Shell::new(minify_shell(), ids), None),
    };
    let made = Arc::new(made);
    if let Some((memo, key)) = keep_under {
        memo.keep(key, Arc::clone(&made));
    }
    if spliced.is_empty() {
        return Ok(made.minified.as_bytes().to_vec());
    }
    match &made.spans {
        Some(spans) => Ok(splice_at(&made.minified, spans, &spliced)),
        // The theme put the fragment where its marker did not survive minification as is.
        None => {
            let full = expand_markers(page, |id| fragment(id).map(Fragment::text))?;
            Ok(html(full.as_bytes()))
        }
    }
}

/// Minifies a CSS or JS asset: CSS by passing it through minify-html inside a `<style>`
/// element, then unwrapping it; JS with [`script`]. Anything else, or anything that does not
/// round-trip, is returned unchanged.
pub fn asset(name: &str, bytes: &[u8]) -> Vec<u8> {
    let (open, close) = if name.ends_with(".css") {
        ("<style>", "</style>")
    } else if name.ends_with(".js") {
        return std::str::from_utf8(bytes)
            .ok()
            .and_then(script)
            .map_or_else(|| bytes.to_vec(), String::into_bytes);
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

/// Minifies a classic script (not a module) with oxc, the engine minify-html uses, but with
/// its local names mangled and its comments dropped, which minify-html 0.18 leaves in: the
/// theme's `search.js` is fetched by every search, and its bytes count against the budget of a
/// query. `None` when the script does not parse (it is then served as written).
fn script(text: &str) -> Option<String> {
    use oxc_codegen::{Codegen, CodegenOptions};
    use oxc_minifier::{CompressOptions, MangleOptions, Minifier, MinifierOptions};
    let allocator = oxc_allocator::Allocator::default();
    let parsed = oxc_parser::Parser::new(&allocator, text, oxc_span::SourceType::cjs()).parse();
    if !parsed.errors.is_empty() || parsed.panicked {
        return None;
    }
    let mut program = parsed.program;
    let minified = Minifier::new(MinifierOptions {
        mangle: Some(MangleOptions::default()),
        compress: Some(CompressOptions::safest()),
    })
    .minify(&allocator, &mut program);
    let code = Codegen::new()
        .with_options(CodegenOptions::minify())
        .with_scoping(minified.scoping)
        .build(&program)
        .code;
    (code.len() < text.len()).then_some(code)
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
        let made = html_with_fragments(
            &page(0, 1),
            lookup,
            Some(ShellKey {
                memo: &first,
                key: None,
            }),
        )
        .unwrap();
        assert_eq!(
            made,
            html_with_fragments(&page(0, 1), lookup, None).unwrap()
        );
        let shells = first.into_kept(usize::MAX);
        assert_eq!(shells.0.len(), 1);
        // Other cards in the same places: the same shell, from the memo.
        let second = ShellMemo::new(&shells);
        let moved = html_with_fragments(
            &page(1, 2),
            lookup,
            Some(ShellKey {
                memo: &second,
                key: None,
            }),
        )
        .unwrap();
        assert_eq!(
            moved,
            html_with_fragments(&page(1, 2), lookup, None).unwrap()
        );
        assert_eq!(
            second.into_kept(0).0.keys().collect::<Vec<_>>(),
            shells.0.keys().collect::<Vec<_>>()
        );
        // A build that did not look at the shell (its page was kept whole) carries it over,
        // within the limit.
        assert_eq!(ShellMemo::new(&shells).into_kept(1), shells);
        assert!(ShellMemo::new(&shells).into_kept(0).0.is_empty());
        // A shell the memo got wrong would show: one made from another page is not taken.
        let mut wrong = shells.clone();
        for v in wrong.0.values_mut() {
            *v = Arc::new(Shell::new(Arc::new("<p>stale".to_string()), vec![0, 1]));
        }
        let third = ShellMemo::new(&wrong);
        let other = page(2, 0).replace("<title>t</title>", "<title>u</title>");
        assert_eq!(
            html_with_fragments(
                &other,
                lookup,
                Some(ShellKey {
                    memo: &third,
                    key: None
                })
            )
            .unwrap(),
            html_with_fragments(&other, lookup, None).unwrap()
        );
    }

    /// A shell kept under a key of the caller's gives the page back with other fragments
    /// without the page being made again; it is not kept when a fragment is minified with the
    /// page around it, nor given when one now is.
    #[test]
    fn shells_kept_under_a_key_splice_without_the_page() {
        let card = |t: &str| Fragment::new(format!("<article>\n<h2>{t}</h2>\n</article>\n"), true);
        let mut fragments = [card("Un"), card("Deux"), card("Trois")];
        let page = |a: usize, b: usize| {
            format!(
                "<!DOCTYPE html>\n<html>\n<head>\n<title>t</title>\n</head>\n<body>\n{}\n{}\n</body>\n</html>\n",
                marker(a),
                marker(b)
            )
        };
        let memo = ShellMemo::default();
        let lookup = |id: usize| Ok(&fragments[id]);
        assert_eq!(memo.page(7, lookup).unwrap(), None);
        let keyed = Some(ShellKey {
            memo: &memo,
            key: Some(7),
        });
        let made = html_with_fragments(&page(0, 1), lookup, keyed).unwrap();
        assert_eq!(
            made,
            html_with_fragments(&page(0, 1), lookup, None).unwrap()
        );
        assert_eq!(memo.page(7, lookup).unwrap(), Some(made));
        // The same places filled with other fragments (what a page with the same key shows
        // when its cards moved): the ids the shell keeps are looked up again.
        fragments.swap(0, 2);
        let lookup = |id: usize| Ok(&fragments[id]);
        assert_eq!(
            memo.page(7, lookup).unwrap(),
            Some(html_with_fragments(&page(0, 1), lookup, None).unwrap())
        );
        fragments[1] = Fragment::new("<a>raw</a>".into(), true);
        let lookup = |id: usize| Ok(&fragments[id]);
        assert_eq!(memo.page(7, lookup).unwrap(), None);
        let raw = ShellMemo::default();
        let keyed = Some(ShellKey {
            memo: &raw,
            key: Some(8),
        });
        html_with_fragments(&page(0, 1), lookup, keyed).unwrap();
        assert!(raw.into_kept(usize::MAX).0.is_empty());
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

    #[test]
    fn scripts_lose_comments_and_local_names_but_not_globals() {
        let src = "/* header */\n(function () {\n  // the sum\n  var longName = 1;\n  \
                   function helper(argument) { return argument + longName; }\n  \
                   globalThis.api = { helper: helper };\n})();\n";
        let js = String::from_utf8(asset("search.js", src.as_bytes())).unwrap();
        for gone in ["header", "the sum", "longName", "argument"] {
            assert!(!js.contains(gone), "{gone} left in {js}");
        }
        assert!(
            js.contains("globalThis.api") && js.contains("helper:"),
            "{js}"
        );
        // A script that does not parse is served as written.
        assert_eq!(asset("bad.js", b"function ("), b"function (");
        // The theme's own search.js comes out smaller than minify-html made it, comments gone.
        let theme = include_str!("../../themes/default/static/search.js");
        let out = String::from_utf8(asset("search.js", theme.as_bytes())).unwrap();
        assert!(
            out.len() * 100 < theme.len() * 60,
            "{} of {}",
            out.len(),
            theme.len()
        );
        assert!(!out.contains("Tokeniser") && !out.contains("prototype.search=function(q,"));
    }
}
