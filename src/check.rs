//! Internal link checking for `gazette check` (and for tests that want the same guarantee).
//!
//! A pull request that adds seeds must not publish a site with dead links, and GitHub Pages
//! serves under a sub-path where a link that works at `/` breaks. So every `href` and `src` of
//! every built HTML page (and the target of every meta refresh) is resolved the way a browser
//! would, against the page's URL and the site's base path, and looked up among the built files;
//! a `#fragment` must name an `id` of the target page.
//!
//! The HTML is minified (unquoted attribute values, optional closing tags), so instead of a full
//! parser this module has a small scanner over tags and attributes that follows the HTML
//! tokenizer's rules for the parts that matter: comments, raw-text elements (`script`, `style`),
//! quoted and unquoted values, and character references in values.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::output::OutputFile;

/// One broken link or anchor, located in the built file that contains it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Path of the page relative to the output folder (`articles/x/index.html`), or a source
    /// file once `gazette check` has traced the page back to it.
    pub file: String,
    /// 1-based line in `file`, when known.
    pub line: Option<usize>,
    /// What is wrong, naming the link as written.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Where the built site is: a folder on disk (`dist/`) or files still in memory. Lets the
/// same checker run after `gazette build`, inside `gazette check` and in tests.
#[derive(Debug, Clone, Copy)]
pub enum SiteFiles<'a> {
    /// An output folder.
    Dir(&'a Path),
    /// Files from [`crate::build::build_in_memory`].
    Files(&'a [OutputFile]),
}

impl<'a> From<&'a Path> for SiteFiles<'a> {
    fn from(p: &'a Path) -> Self {
        SiteFiles::Dir(p)
    }
}

impl<'a> From<&'a PathBuf> for SiteFiles<'a> {
    fn from(p: &'a PathBuf) -> Self {
        SiteFiles::Dir(p)
    }
}

impl<'a> From<&'a [OutputFile]> for SiteFiles<'a> {
    fn from(f: &'a [OutputFile]) -> Self {
        SiteFiles::Files(f)
    }
}

impl<'a> From<&'a Vec<OutputFile>> for SiteFiles<'a> {
    fn from(f: &'a Vec<OutputFile>) -> Self {
        SiteFiles::Files(f)
    }
}

/// The outcome of a link check, with counts for the summary line.
#[derive(Debug, Clone, Default)]
pub struct LinkReport {
    /// Broken links and anchors, sorted by file and line.
    pub problems: Vec<Problem>,
    /// HTML pages scanned.
    pub pages: usize,
    /// Internal links checked.
    pub links: usize,
}

/// Every broken internal link or `#anchor` of a built site whose base path is `base_path`
/// (`/` or `/repo/`). External links (with a scheme or `//host`) are not fetched.
pub fn broken_links<'a>(site: impl Into<SiteFiles<'a>>, base_path: &str) -> Vec<Problem> {
    check_links(site, base_path).problems
}

/// [`broken_links`] with the number of pages and links checked.
pub fn check_links<'a>(site: impl Into<SiteFiles<'a>>, base_path: &str) -> LinkReport {
    let mut problems = Vec::new();
    let files: Vec<(String, Vec<u8>)> = match site.into() {
        SiteFiles::Files(files) => files
            .iter()
            .map(|f| (f.path.clone(), f.bytes.clone()))
            .collect(),
        SiteFiles::Dir(dir) => read_dir_files(dir, &mut problems),
    };
    let mut base = base_path.to_string();
    if !base.starts_with('/') {
        base.insert(0, '/');
    }
    if !base.ends_with('/') {
        base.push('/');
    }
    let mut scans: BTreeMap<&str, Scan> = BTreeMap::new();
    let mut all: HashSet<&str> = HashSet::new();
    for (path, bytes) in &files {
        all.insert(path);
        if path.ends_with(".html") {
            scans.insert(path, scan(&String::from_utf8_lossy(bytes)));
        }
    }
    let built = Built {
        all: &all,
        ids: scans.iter().map(|(p, s)| (*p, &s.ids)).collect(),
        base: &base,
    };
    let mut links = 0;
    for (page, s) in &scans {
        for link in &s.links {
            if let Some(problem) = built.check(page, link, &mut links) {
                problems.push(problem);
            }
        }
    }
    problems.sort();
    LinkReport {
        problems,
        pages: scans.len(),
        links,
    }
}

/// The built site as links are checked against it.
struct Built<'a> {
    /// Every file's path.
    all: &'a HashSet<&'a str>,
    /// The `id`s of each page.
    ids: HashMap<&'a str, &'a HashSet<String>>,
    /// The base path, `/` or `/repo/`.
    base: &'a str,
}

impl Built<'_> {
    /// What is wrong with `link`, found on `page`, if anything; `links` counts the internal
    /// links checked.
    fn check(&self, page: &str, link: &Link, links: &mut usize) -> Option<Problem> {
        let problem = |message| {
            Some(Problem {
                file: page.to_string(),
                line: Some(link.line),
                message,
            })
        };
        let (path, fragment) = match resolve(page, &link.value, self.base) {
            Resolved::External => return None,
            Resolved::Problem(message) => {
                *links += 1;
                return problem(message);
            }
            Resolved::Internal { path, fragment } => (path, fragment),
        };
        *links += 1;
        let target = if path.is_empty() {
            Some(page.to_string())
        } else {
            find_target(&path, self.all)
        };
        let Some(target) = target else {
            let base = self.base;
            return problem(format!(
                "broken link {}=\"{}\": no page at {base}{path}",
                link.attr, link.value
            ));
        };
        if fragment.is_empty() || fragment == "top" {
            return None;
        }
        let target_ids = self.ids.get(target.as_str())?;
        if target_ids.contains(&fragment) {
            return None;
        }
        problem(format!(
            "broken anchor {}=\"{}\": {target} has no id=\"{fragment}\"",
            link.attr, link.value
        ))
    }
}

fn read_dir_files(dir: &Path, problems: &mut Vec<Problem>) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(Problem {
                    file: dir.display().to_string(),
                    line: None,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths under its root")
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // Only pages are scanned; other files only need to exist.
        let bytes = if rel.ends_with(".html") {
            match std::fs::read(entry.path()) {
                Ok(b) => b,
                Err(e) => {
                    problems.push(Problem {
                        file: entry.path().display().to_string(),
                        line: None,
                        message: format!("cannot read: {e}"),
                    });
                    continue;
                }
            }
        } else {
            Vec::new()
        };
        out.push((rel, bytes));
    }
    out
}

/// The built file a site path designates, the way GitHub Pages picks it: `x/` → `x/index.html`,
/// `x` → `x` or else `x/index.html` (Pages redirects to the slash form).
fn find_target(path: &str, all: &HashSet<&str>) -> Option<String> {
    if path.ends_with('/') {
        let p = format!("{path}index.html");
        return all.contains(p.as_str()).then_some(p);
    }
    if all.contains(path) {
        return Some(path.to_string());
    }
    let p = format!("{path}/index.html");
    all.contains(p.as_str()).then_some(p)
}

enum Resolved {
    /// Another site or scheme: not checked.
    External,
    /// Path relative to the base path (empty for "this page"), and the decoded fragment.
    Internal {
        path: String,
        fragment: String,
    },
    Problem(String),
}

/// Resolves `value`, found on the page at output path `page`, to a path under the base path.
fn resolve(page: &str, value: &str, base: &str) -> Resolved {
    let value = value.trim();
    if value.is_empty() {
        return Resolved::External;
    }
    if value.starts_with("//") || has_scheme(value) {
        return Resolved::External;
    }
    let (rest, fragment) = match value.split_once('#') {
        Some((r, f)) => (r, percent_decode(f).unwrap_or_else(|| f.to_string())),
        None => (value, String::new()),
    };
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    if rest.is_empty() {
        return Resolved::Internal {
            path: String::new(),
            fragment,
        };
    }
    let Some(decoded) = percent_decode(rest) else {
        return Resolved::Problem(format!("link {value:?} has an invalid %-escape"));
    };
    let absolute = if decoded.starts_with('/') {
        decoded
    } else {
        // The page's folder URL: `articles/x/index.html` is served at `<base>articles/x/`.
        let dir = match page.rfind('/') {
            Some(i) => &page[..=i],
            None => "",
        };
        format!("{base}{dir}{decoded}")
    };
    let mut segments: Vec<&str> = Vec::new();
    let trailing = absolute.ends_with('/') || absolute.ends_with("/.") || absolute.ends_with("/..");
    for seg in absolute.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Resolved::Problem(format!("link {value:?} goes above the site root"));
                }
            }
            s => segments.push(s),
        }
    }
    let mut normal = format!("/{}", segments.join("/"));
    if trailing && !normal.ends_with('/') {
        normal.push('/');
    }
    let base_no_slash = base.trim_end_matches('/');
    if normal == base_no_slash {
        normal.push('/');
    }
    match normal.strip_prefix(base) {
        Some(rel) => Resolved::Internal {
            path: rel.to_string(),
            fragment,
        },
        None => Resolved::Problem(format!(
            "link {value:?} points outside the site's base path {base} (it would break on GitHub Pages)"
        )),
    }
}

fn has_scheme(v: &str) -> bool {
    let Some(colon) = v.find(':') else {
        return false;
    };
    let scheme = &v[..colon];
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A link found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// `href`, `src` or `content` (meta refresh).
    pub attr: String,
    /// The value with character references decoded.
    pub value: String,
    /// 1-based line of the tag.
    pub line: usize,
}

/// What the scanner finds in one page.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Values of `id` attributes (and `name` of `<a>`): the anchors of the page.
    pub ids: HashSet<String>,
    /// Every `href` and `src`, and meta refresh targets.
    pub links: Vec<Link>,
}

/// Scans one HTML page for anchors and links.
pub fn scan(html: &str) -> Scan {
    let b = html.as_bytes();
    let newlines: Vec<usize> = b
        .iter()
        .enumerate()
        .filter(|(_, &c)| c == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_of = |pos: usize| newlines.partition_point(|&n| n < pos) + 1;
    let mut out = Scan::default();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let start = i;
        if b[i..].starts_with(b"<!--") {
            i = find(b, i + 4, b"-->").map_or(b.len(), |j| j + 3);
            continue;
        }
        match b.get(i + 1) {
            Some(b'!') | Some(b'?') | Some(b'/') => {
                i = find(b, i + 1, b">").map_or(b.len(), |j| j + 1);
                continue;
            }
            Some(c) if c.is_ascii_alphabetic() => {}
            _ => {
                i += 1;
                continue;
            }
        }
        let (tag, attrs, end) = read_tag(html, i + 1);
        i = end;
        record_tag(&mut out, &tag, &attrs, line_of(start));
        // Raw text elements: their content is not markup.
        if matches!(tag.as_str(), "script" | "style" | "textarea" | "title") {
            let close = format!("</{tag}");
            let lower_rest = html[i..].to_ascii_lowercase();
            i = lower_rest.find(&close).map_or(b.len(), |p| i + p);
        }
    }
    out
}

/// The start tag whose name begins at `i`: its lowercased name, its attributes (names
/// lowercased, values with character references decoded) and where it ends.
fn read_tag(html: &str, mut i: usize) -> (String, Vec<(String, String)>, usize) {
    let b = html.as_bytes();
    let name_start = i;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let tag = html[name_start..i].to_ascii_lowercase();
    let mut attrs: Vec<(String, String)> = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        if b[i] == b'>' {
            i += 1;
            break;
        }
        let an_start = i;
        i += 1;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let attr = html[an_start..i].to_ascii_lowercase();
        let (value, end) = read_attr_value(html, i);
        i = end;
        attrs.push((attr, value.unwrap_or_default()));
    }
    (tag, attrs, i)
}

/// The value of an attribute whose name ends at `i` (`None` without `=`), and where it ends.
fn read_attr_value(html: &str, i: usize) -> (Option<String>, usize) {
    let b = html.as_bytes();
    let mut j = i;
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    if j >= b.len() || b[j] != b'=' {
        return (None, i);
    }
    j += 1;
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
        let q = b[j];
        let vs = j + 1;
        let ve = b[vs..]
            .iter()
            .position(|&c| c == q)
            .map_or(b.len(), |p| vs + p);
        return (Some(decode_entities(&html[vs..ve])), (ve + 1).min(b.len()));
    }
    let vs = j;
    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
        j += 1;
    }
    (Some(decode_entities(&html[vs..j])), j)
}

/// Adds the anchors and links of one start tag, found at `line`, to `out`.
fn record_tag(out: &mut Scan, tag: &str, attrs: &[(String, String)], line: usize) {
    let get = |n: &str| attrs.iter().find(|(a, _)| a == n).map(|(_, v)| v.as_str());
    for (attr, value) in attrs {
        match attr.as_str() {
            "id" => {
                out.ids.insert(value.clone());
            }
            "name" if tag == "a" => {
                out.ids.insert(value.clone());
            }
            "href" | "src" => out.links.push(Link {
                attr: attr.clone(),
                value: value.clone(),
                line,
            }),
            _ => {}
        }
    }
    if tag == "meta" && get("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("refresh")) {
        if let Some(content) = get("content") {
            if let Some(pos) = content.to_ascii_lowercase().find("url=") {
                let url = content[pos + 4..].trim().trim_matches(['\'', '"']);
                out.links.push(Link {
                    attr: "content".into(),
                    value: url.to_string(),
                    line,
                });
            }
        }
    }
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Decodes the character references that appear in attribute values of generated pages.
fn decode_entities(v: &str) -> String {
    if !v.contains('&') {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|p| p + 1);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            }?;
            let consumed = if rest[e..].starts_with(';') { e + 1 } else { e };
            Some((c, consumed))
        });
        match decoded {
            Some((c, consumed)) => {
                out.push(c);
                rest = &rest[consumed..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Runs `gazette check`: builds in memory, reports seed errors and broken links, each naming
/// its source file where it has one. Returns whether the site is clean, so CI can fail a pull
/// request that would publish dead links.
pub fn run(opts: &crate::build::BuildOptions, quiet: bool) -> anyhow::Result<bool> {
    let built = match crate::build::build_in_memory(opts) {
        Ok(b) => b,
        Err(failure) => {
            for d in failure.diagnostics.sorted() {
                eprintln!("{d}");
            }
            eprintln!("error: {failure}");
            return Ok(false);
        }
    };
    for d in built.diagnostics.sorted() {
        eprintln!("{d}");
    }
    let seed_errors = built.diagnostics.errors();
    let warnings_fail = opts.strict && built.diagnostics.warnings() > 0;
    let report = check_links(&built.files, built.site.urls.base_path());
    let sources = source_files(&built.site, &opts.root);
    // A template mistake repeats on every page: show a few of each and count the rest.
    let mut shown: HashMap<String, usize> = HashMap::new();
    let mut hidden = 0;
    for p in &report.problems {
        let key = p.message.clone();
        let n = shown.entry(key).or_default();
        *n += 1;
        if *n > 5 {
            hidden += 1;
            continue;
        }
        eprintln!("error: {}", locate(p, &sources));
    }
    if hidden > 0 {
        eprintln!("error: … and {hidden} more of the same problems on other pages");
    }
    let problems = report.problems.len();
    let ok = problems == 0 && seed_errors == 0 && !warnings_fail;
    if !quiet || !ok {
        let verdict = if ok { "ok" } else { "FAILED" };
        println!(
            "check {verdict}: {} seeds, {} pages, {} internal links, {} broken, {} seed error(s), {} warning(s)",
            built.seeds_read,
            report.pages,
            report.links,
            problems,
            seed_errors,
            built.diagnostics.warnings()
        );
    }
    Ok(ok)
}

/// Output path → the source file it is made from, for pages whose text comes from the user.
fn source_files(site: &crate::site::Site, root: &Path) -> HashMap<String, PathBuf> {
    let mut out = HashMap::new();
    for a in &site.articles {
        let over = crate::build::project_path(root, "content")
            .join("articles")
            .join(format!("{}.md", a.id));
        let src = if over.is_file() { over } else { a.file.clone() };
        out.insert(crate::urls::Urls::output_path(&a.route), src);
    }
    for p in &site.pages {
        out.insert(
            crate::urls::Urls::output_path(&crate::urls::Urls::page(&p.slug)),
            p.file.clone(),
        );
    }
    out
}

/// Rewrites a problem found in built HTML to point at the source file and line that holds the
/// link, when the page comes from a seed, an override or a content page and the link text can
/// be found there; otherwise keeps the built path.
fn locate(p: &Problem, sources: &HashMap<String, PathBuf>) -> Problem {
    let Some(src) = sources.get(&p.file) else {
        return p.clone();
    };
    let link = p
        .message
        .split_once('"')
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(v, _)| v.to_string());
    let text = std::fs::read_to_string(src).unwrap_or_default();
    let line = link.filter(|l| !l.is_empty()).and_then(|l| {
        text.lines()
            .position(|line| line.contains(&format!("]({l}")) || line.contains(&format!("\"{l}\"")))
            .map(|i| i + 1)
    });
    match line {
        Some(line) => Problem {
            file: src.display().to_string(),
            line: Some(line),
            message: format!("{} (in the built page {})", p.message, p.file),
        },
        None => Problem {
            file: p.file.clone(),
            line: p.line,
            message: format!("{} (page built from {})", p.message, src.display()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: html.as_bytes().to_vec(),
        }
    }

    #[test]
    fn scanner_reads_unquoted_quoted_and_entity_values() {
        let s = scan(
            "<!doctype html><a href=/repo/a/>x</a><img src='b.png' alt=\"a > b\">\n\
             <a href=\"/q?x=1&amp;y=2\" id=top2><!-- <a href=/nope/> --><script>var a='<a href=/js/>'</script>\
             <h2 id=\"sec\">",
        );
        let values: Vec<_> = s.links.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(values, ["/repo/a/", "b.png", "/q?x=1&y=2"]);
        assert_eq!(s.links[2].line, 2);
        assert!(s.ids.contains("top2") && s.ids.contains("sec"));
    }

    #[test]
    fn resolves_against_base_path_and_folders() {
        let files = vec![
            file(
                "index.html",
                "<a href=/repo/a/#x>a</a><a href=a>a</a><a href=/repo/b/>b</a>",
            ),
            file(
                "a/index.html",
                "<p id=x><a href=../#main>up</a><a href=/a/>root</a>",
            ),
            file("static/s.css", ""),
        ];
        let problems = broken_links(&files, "/repo/");
        let msgs: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 3, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("a/index.html:1: broken anchor"),
            "{msgs:#?}"
        );
        assert!(
            msgs[1].contains("outside the site's base path"),
            "{msgs:#?}"
        );
        assert!(
            msgs[2].starts_with("index.html:1: broken link href=\"/repo/b/\""),
            "{msgs:#?}"
        );
    }

    #[test]
    fn meta_refresh_targets_are_checked() {
        let files = vec![file(
            "old/index.html",
            "<meta http-equiv=refresh content=\"0; url=/new/\">",
        )];
        assert_eq!(broken_links(&files, "/").len(), 1);
    }

    #[test]
    fn percent_escapes() {
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%ff"), None);
    }
}
