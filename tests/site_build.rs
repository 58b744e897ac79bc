//! End-to-end builds of real sites into temp dirs: page kinds, base path, feeds, sitemap,
//! template overrides, escaping, determinism, and all-or-nothing output.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

/// A site of one French seed tagged `Retraites`, with `config`.
fn retraites_site(config: &str) -> tempfile::TempDir {
    site(
        config,
        &[(
            "001_0123456789abcdef.txt",
            &french_seed("La réforme des retraites", "03/03/2022", "Retraites"),
        )],
    )
}

fn html_pages(tree: &std::collections::BTreeMap<String, Vec<u8>>) -> Vec<&String> {
    tree.keys().filter(|k| k.ends_with(".html")).collect()
}

fn text(tree: &std::collections::BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        tree.get(path)
            .unwrap_or_else(|| panic!("{path} missing"))
            .clone(),
    )
    .unwrap()
}

#[test]
fn sample_site_has_every_page_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let o = build(&sample_root(), &out, &[]);
    assert!(o.stdout.is_empty(), "--quiet prints nothing on success");
    let t = tree(&out);
    for path in [
        "index.html",
        "tags/index.html",
        "sources/index.html",
        "archive/index.html",
        "search/index.html",
        "about/index.html",
        "404.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        ".nojekyll",
        "static/style.css",
    ] {
        assert!(t.contains_key(path), "{path} missing");
    }
    let articles: Vec<_> = t
        .keys()
        .filter(|k| k.starts_with("articles/") && k.ends_with("/index.html"))
        .collect();
    assert_eq!(articles.len(), 2, "{articles:?}");
    assert!(t
        .keys()
        .any(|k| k.starts_with("tags/") && k.ends_with("/atom.xml")));
    assert!(t.keys().any(|k| k.starts_with("sources/")
        && k.ends_with("/index.html")
        && k != "sources/index.html"));
    assert!(t
        .keys()
        .any(|k| k.starts_with("archive/2") && k.ends_with("index.html")));
    let robots = text(&t, "robots.txt");
    assert!(robots.contains("Sitemap: http://127.0.0.1:1111/sitemap.xml"));
    // The archive chart is drawn at build time: one labelled bar per month.
    assert!(text(&t, "archive/index.html").contains("class=chart-bar"));
    assert!(!t.contains_key("CNAME"), "no domain configured");
}

#[test]
fn article_page_shows_date_source_tags_and_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build(&sample_root(), &out, &[]);
    let t = tree(&out);
    // Slugs come mechanically from the seed's first words, so this URL is stable.
    let page = text(
        &t,
        "articles/lors-de-sa-visite-a-paris-le-ministre/index.html",
    );
    assert!(
        page.contains("27 juillet 2021"),
        "date in the site language"
    );
    assert!(page.contains("\"@type\":\"NewsArticle\""), "JSON-LD");
    assert!(page.contains("og:title"));
    assert!(page.contains("rel=canonical"));
    assert!(page.contains("Maroc"), "tags shown");
    assert!(page.contains("/tags/maroc/"), "tags link to their page");
    assert!(page.contains("/sources/rnd/"), "source links to its page");
    assert!(page.contains("skip-link"), "skip link");
    assert!(page.contains("Israël s’inquiète"), "French typography kept");
    assert!(!page.contains("Soyez le premier"), "boilerplate removed");
}

#[test]
fn feeds_parse_and_sitemap_lists_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build(&sample_root(), &out, &[]);
    let t = tree(&out);
    for (path, bytes) in t.iter().filter(|(k, _)| k.ends_with("atom.xml")) {
        let feed = feed_rs::parser::parse(&bytes[..])
            .unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
        assert!(!feed.entries.is_empty(), "{path} has entries");
        for e in &feed.entries {
            assert!(e.title.is_some() && !e.links.is_empty(), "{path}");
        }
    }
    let sitemap = text(&t, "sitemap.xml");
    let listed: BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap().to_string())
        .collect();
    for page in html_pages(&t) {
        if page == "404.html" {
            continue;
        }
        let html = text(&t, page);
        if html.contains("http-equiv=refresh") {
            continue;
        }
        let url = format!(
            "http://127.0.0.1:1111/{}",
            page.trim_end_matches("index.html")
        );
        assert!(listed.contains(&url), "{url} missing from the sitemap");
    }
    assert_eq!(
        listed.len(),
        html_pages(&t).iter().filter(|p| **p != "404.html").count(),
        "the sitemap lists nothing but pages"
    );
}

/// A site with more URLs than a sitemap file may hold gets `sitemap.xml` as an index of parts,
/// which together list exactly what the single sitemap listed.
#[test]
fn large_sitemaps_are_split_under_an_index() {
    let locs = |xml: &str, tag: &str| -> Vec<String> {
        xml.split(&format!("<{tag}><loc>"))
            .skip(1)
            .map(|s| s.split("</loc>").next().unwrap().to_string())
            .collect()
    };
    let files = |max: usize| -> std::collections::BTreeMap<String, String> {
        let mut opts = gazette::build::BuildOptions::for_root(sample_root());
        opts.render.sitemap_max_urls = max;
        gazette::build::build_in_memory(&opts)
            .unwrap()
            .files
            .into_iter()
            .filter(|f| f.path.starts_with("sitemap"))
            .map(|f| (f.path, String::from_utf8(f.bytes).unwrap()))
            .collect()
    };
    let whole = files(gazette::render::SITEMAP_MAX_URLS);
    assert_eq!(whole.keys().collect::<Vec<_>>(), ["sitemap.xml"]);
    let all = locs(&whole["sitemap.xml"], "url");
    assert!(all.len() > 5, "the sample site has more than 5 pages");

    let split = files(5);
    let index = &split["sitemap.xml"];
    assert!(index.contains("<sitemapindex"), "{index}");
    let parts = locs(index, "sitemap");
    assert_eq!(parts.len(), all.len().div_ceil(5));
    let mut listed = Vec::new();
    for (n, url) in parts.iter().enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        assert!(url.ends_with(&format!("/{name}")), "{url}");
        let part = locs(&split[&name], "url");
        assert!(!part.is_empty() && part.len() <= 5, "{name}: {part:?}");
        listed.extend(part);
    }
    assert_eq!(listed, all);
}

/// Every `href`/`src` that points into the site resolves to a built file (and `#anchor`).
fn assert_links_resolve(dist: &Path, base_path: &str) {
    let report = gazette::check::check_links(dist, base_path);
    assert!(
        report.problems.is_empty(),
        "broken links: {:#?}",
        report.problems
    );
    assert!(
        report.links > 20,
        "the checker saw the links: {}",
        report.links
    );
}

#[test]
fn internal_links_and_assets_resolve_at_root_and_under_a_sub_path() {
    let tmp = tempfile::tempdir().unwrap();
    let root_out = tmp.path().join("root");
    build(&sample_root(), &root_out, &[]);
    assert_links_resolve(&root_out, "/");

    let sub_out = tmp.path().join("sub");
    build(
        &sample_root(),
        &sub_out,
        &["--base-url", "https://user.github.io/repo/"],
    );
    let t = tree(&sub_out);
    assert_links_resolve(&sub_out, "/repo/");
    for page in html_pages(&t) {
        let html = text(&t, page);
        for attr in [
            "href=/",
            "href=\"/",
            "src=/",
            "src=\"/",
            "action=/",
            "action=\"/",
        ] {
            for (i, _) in html.match_indices(attr) {
                let rest = &html[i + attr.len()..];
                assert!(
                    rest.starts_with("repo/"),
                    "{page}: link outside the base path: {}",
                    &html[i..(i + 60).min(html.len())]
                );
            }
        }
    }
    assert!(text(&t, "sitemap.xml").contains("https://user.github.io/repo/articles/"));
    assert!(text(&t, "atom.xml").contains("https://user.github.io/repo/"));
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    build(&sample_root(), &a, &[]);
    build(&sample_root(), &b, &[]);
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(tb[k] == *v, "{k} differs between two builds");
    }
}

/// The HTML with the `<title>` element and quoted attribute values removed: the minifier
/// writes `<` unescaped there because browsers read both as text only.
fn outside_text_only_contexts(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    if let (Some(a), Some(b)) = (rest.find("<title>"), rest.find("</title>")) {
        out.push_str(&rest[..a]);
        rest = &rest[b..];
    }
    let mut in_tag = false;
    let mut quote: Option<char> = None;
    for c in rest.chars() {
        match (in_tag, quote, c) {
            (true, Some(q), c) if c == q => quote = None,
            (true, Some(_), _) => continue,
            (true, None, '"' | '\'') => quote = Some(c),
            (true, None, '>') => in_tag = false,
            (false, _, '<') => in_tag = true,
            _ => {}
        }
        out.push(c);
    }
    out
}

const XSS: &str = "<script>alert(1)</script>";

#[test]
fn seed_text_is_always_escaped() {
    let seed = format!(
        "Un titre avec {XSS}\n\nParis. Le texte contient {XSS} au milieu d’une phrase assez longue pour être un paragraphe.\n\n\
         Un second paragraphe suffisamment long pour que le parseur le garde comme paragraphe de texte.\n\n\
         AFP, 03/03/2022\nEtiquettes : Sécurité, {XSS},\n"
    );
    let site = site(
        "title = \"T\"\nbase_url = \"https://example.org/\"\n",
        &[("001_0123456789abcdef.txt", &seed)],
    );
    let out = site.path().join("dist");
    build(site.path(), &out, &[]);
    let t = tree(&out);
    let mut seen_escaped = false;
    for (path, bytes) in &t {
        let s = String::from_utf8_lossy(bytes);
        if path.ends_with(".json") {
            // Search data: strings inside JSON, inserted by the client as text (the browser
            // test checks that); it only has to stay valid JSON.
            serde_json::from_slice::<serde_json::Value>(bytes)
                .unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
            continue;
        }
        let s = if path.ends_with(".html") {
            outside_text_only_contexts(&s)
        } else {
            s.into_owned()
        };
        assert!(
            !s.contains("<script>alert"),
            "{path} contains the seed's script where it would run"
        );
        seen_escaped |= s.contains("&lt;script&gt;alert") || s.contains("\\u003cscript\\u003e");
    }
    assert!(seen_escaped, "the text is shown, escaped, somewhere");
}

#[test]
fn site_theme_overrides_one_template_and_keeps_the_rest() {
    let site = site(
        "theme = \"mine\"\nbase_url = \"https://example.org/\"\n",
        &[(
            "001_0123456789abcdef.txt",
            &french_seed(
                "La réforme des retraites",
                "03/03/2022",
                "Retraites, Social",
            ),
        )],
    );
    let tpl = site.path().join("themes/mine/templates");
    std::fs::create_dir_all(&tpl).unwrap();
    std::fs::write(
        tpl.join("404.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>Perdu ici</h1>{% endblock main %}",
    )
    .unwrap();
    let out = site.path().join("dist");
    build(site.path(), &out, &[]);
    let t = tree(&out);
    assert!(text(&t, "404.html").contains("Perdu ici"));
    assert!(text(&t, "index.html").contains("La réforme des retraites"));
}

/// Cards are rendered and minified once and spliced into each list page; a theme whose card is
/// not a block element gets its cards minified with the page instead. Either way the page is
/// what minifying it whole would give (debug builds check that on every page).
#[test]
fn theme_cards_show_on_lists_whatever_their_markup() {
    for (card, expect) in [
        (
            "<section class=\"mine\">\n<h{{ level | default(value=2) }}>{{ item.title }}</h{{ level | default(value=2) }}>\n</section>\n",
            "<section class=mine><h2>La réforme des retraites</h2></section>",
        ),
        (
            "<span class=\"mine\">{{ item.title }}</span>\n",
            "<span class=mine>La réforme des retraites</span>",
        ),
    ] {
        let site = retraites_site("theme = \"mine\"\nbase_url = \"https://example.org/\"\n");
        let partials = site.path().join("themes/mine/templates/partials");
        std::fs::create_dir_all(&partials).unwrap();
        std::fs::write(partials.join("card.html"), card).unwrap();
        let out = site.path().join("dist");
        build(site.path(), &out, &[]);
        let t = tree(&out);
        for page in ["index.html", "tags/retraites/index.html"] {
            let html = text(&t, page);
            assert!(html.contains(expect), "{page}: {html}");
            assert!(!html.contains("data-gazette-fragment"), "{page}: {html}");
        }
    }
}

#[test]
fn unminified_sites_show_cards_as_rendered() {
    let site = retraites_site("base_url = \"https://example.org/\"\nminify = false\n");
    let out = site.path().join("dist");
    build(site.path(), &out, &[]);
    let home = text(&tree(&out), "index.html");
    assert!(
        home.contains("<article class=\"card\">\n<h2 class=\"card-title\">"),
        "{home}"
    );
    assert!(!home.contains("data-gazette-fragment"), "{home}");
}

#[test]
fn failed_build_keeps_the_previous_output() {
    let site = retraites_site("theme = \"mine\"\nbase_url = \"https://example.org/\"\n");
    let out = site.path().join("dist");
    let tpl = site.path().join("themes/mine/templates");
    std::fs::create_dir_all(&tpl).unwrap();
    build(site.path(), &out, &[]);
    let before = tree(&out);
    // A template syntax error: the build fails and names the template.
    std::fs::write(tpl.join("article.html"), "{% if %}broken").unwrap();
    let o = try_build(site.path(), &out, &[]);
    let err = failure_message(&o);
    assert!(err.contains("article.html"), "{err}");
    assert_eq!(tree(&out), before, "dist/ is untouched");
    let siblings: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gazette-new") || n.contains("gazette-old"))
        .collect();
    assert!(
        siblings.is_empty(),
        "no temporary folder left: {siblings:?}"
    );
}

#[test]
fn a_missing_field_in_a_template_is_an_error_not_an_empty_string() {
    let site = site(
        "theme = \"mine\"\nbase_url = \"https://example.org/\"\n",
        &[(
            "001_0123456789abcdef.txt",
            &french_seed("La réforme", "03/03/2022", "Retraites"),
        )],
    );
    let tpl = site.path().join("themes/mine/templates");
    std::fs::create_dir_all(&tpl).unwrap();
    std::fs::write(
        tpl.join("article.html"),
        "{% extends \"base.html\" %}{% block main %}{{ article.headline_typo }}{% endblock main %}",
    )
    .unwrap();
    let o = try_build(site.path(), &site.path().join("dist"), &[]);
    let err = failure_message(&o);
    assert!(
        err.contains("headline_typo") && err.contains("article.html"),
        "{err}"
    );
}

#[test]
fn config_errors_name_the_key_and_line_and_usage_errors_exit_2() {
    let site = site("title = \"T\"\npaginate_bye = 3\n", &[]);
    let o = try_build(site.path(), &site.path().join("dist"), &[]);
    let err = failure_message(&o);
    assert!(
        err.contains("paginate_bye") && err.contains("line 2"),
        "{err}"
    );
    assert!(!site.path().join("dist").exists());

    assert_eq!(gazette(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(gazette(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn refuses_to_replace_the_project_itself() {
    let site = site("", &[]);
    let o = try_build(site.path(), site.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(site.path().join("config.toml").exists());
}

#[test]
fn bad_seeds_do_not_stop_the_others_unless_strict() {
    let good = french_seed("La réforme des retraites", "03/03/2022", "Retraites");
    let site = site(
        "base_url = \"https://example.org/\"\n",
        &[
            ("001_0123456789abcdef.txt", good.as_str()),
            ("002_0123456789abcdee.txt", ""),
            ("003_0123456789abcded.txt", "\u{0}\u{1}\u{2}binary\u{0}"),
        ],
    );
    let out = site.path().join("dist");
    let o = try_build(site.path(), &out, &[]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("002_0123456789abcdee.txt"), "{err}");
    assert!(err.contains("003_0123456789abcded.txt"), "{err}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 article"));

    let strict_out = site.path().join("strict");
    let o = try_build(site.path(), &strict_out, &["--strict"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!strict_out.exists());
}

#[test]
fn overrides_fix_fields_and_old_slug_redirects() {
    let seed = french_seed("La réforme des retraites", "03/03/2022", "Retraites");
    let site = site(
        "base_url = \"https://example.org/news/\"\ndomain = \"news.example.org\"\n",
        &[("001_0123456789abcdef.txt", seed.as_str())],
    );
    let out = site.path().join("dist");
    build(site.path(), &out, &[]);
    let before = tree(&out);
    let old: Vec<String> = before
        .keys()
        .filter(|k| k.starts_with("articles/"))
        .cloned()
        .collect();
    assert_eq!(old.len(), 1);
    assert_eq!(text(&before, "CNAME"), "news.example.org\n");

    let dir = site.path().join("content/articles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("001_0123456789abcdef.md"),
        "+++\ntitle = \"Retraites : le texte arrive\"\nslug = \"retraites-texte\"\ntags = [\"Retraites\", \"Parlement\"]\n+++\n",
    )
    .unwrap();
    build(site.path(), &out, &[]);
    let t = tree(&out);
    let page = text(&t, "articles/retraites-texte/index.html");
    assert!(page.contains("Retraites : le texte arrive"));
    assert!(page.contains("/news/tags/parlement/"));
    let redirect = text(&t, &old[0]);
    assert!(
        redirect.contains("/news/articles/retraites-texte/"),
        "{redirect}"
    );
    assert!(redirect.contains("http-equiv=refresh"));

    std::fs::write(
        dir.join("001_0123456789abcdef.md"),
        "+++\ntitel = \"typo\"\n+++\n",
    )
    .unwrap();
    let o = try_build(site.path(), &out, &[]);
    let err = failure_message(&o);
    assert!(
        err.contains("001_0123456789abcdef.md") && err.contains("titel"),
        "{err}"
    );
}

#[test]
fn init_creates_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("news");
    let o = gazette(&["init", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(
        dir.join("seeds/001_0123456789abcdef.txt"),
        french_seed("La réforme des retraites", "03/03/2022", "Retraites"),
    )
    .unwrap();
    let out = dir.join("dist");
    build(&dir, &out, &[]);
    assert!(out.join("about/index.html").exists());
    // init refuses a folder with files in it.
    assert_eq!(
        gazette(&["init", dir.to_str().unwrap()]).status.code(),
        Some(1)
    );
}

#[test]
fn pagination_spans_pages_and_links_them() {
    let seeds: Vec<(String, String)> = (1..=5)
        .map(|i| {
            (
                format!("{i:03}_0123456789abcde{i}.txt"),
                french_seed(
                    &format!("Sujet numéro {i} du jour"),
                    &format!("0{i}/03/2022"),
                    "Retraites",
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = seeds
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = site(
        "paginate_by = 2\nbase_url = \"https://example.org/\"\n",
        &refs,
    );
    let out = site.path().join("dist");
    build(site.path(), &out, &[]);
    let t = tree(&out);
    assert!(t.contains_key("page/3/index.html"));
    assert!(!t.contains_key("page/4/index.html"));
    assert!(t.contains_key("tags/retraites/page/3/index.html"));
    // The count on every page of a tag, and the page number on the pages after the first.
    let tag_first = text(&t, "tags/retraites/index.html");
    let tag_second = text(&t, "tags/retraites/page/2/index.html");
    assert!(tag_first.contains("5 articles"), "{tag_first}");
    assert!(!tag_first.contains("Page 1"), "{tag_first}");
    assert!(tag_second.contains("5 articles"), "{tag_second}");
    assert!(tag_second.contains("Page 2"), "{tag_second}");
    let first = text(&t, "index.html");
    assert!(first.contains("/page/2/"));
    // Newest first.
    let p5 = first.find("Sujet numéro 5").unwrap();
    let p4 = first.find("Sujet numéro 4").unwrap();
    assert!(p5 < p4);
    assert_links_resolve(&out, "/");
}

/// A card does not say its headline twice: under a headline made from the first sentence of
/// the body (the sample seeds have none of their own), the teaser starts after that sentence.
#[test]
fn card_teasers_do_not_repeat_headlines_cut_from_the_body() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build(&sample_root(), &out, &[]);
    let home = text(&tree(&out), "index.html");
    let head = "Le ministre israélien de la Défense, Benny Gantz, prévoit de commenter";
    assert_eq!(home.matches(head).count(), 1, "{home}");
}

/// An article's lead does not say its headline again either: under a headline cut from the
/// first sentence, the first paragraph takes the sentence up where the headline stopped (after
/// its dateline); the feed entry's content does the same.
#[test]
fn article_leads_do_not_repeat_headlines_cut_from_the_body() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build(&sample_root(), &out, &[]);
    let t = tree(&out);
    let page = text(
        &t,
        "articles/lors-de-sa-visite-a-paris-le-ministre/index.html",
    );
    let body = page.split("class=body>").nth(1).expect("a body");
    let head = "Le ministre israélien de la Défense, Benny Gantz, prévoit de commenter";
    assert!(!body.contains(head), "{body}");
    assert!(
        body.starts_with("<p>Tel Aviv. …le logiciel de surveillance du fournisseur israélien"),
        "{body}"
    );
    let other = text(
        &t,
        "articles/l-editeur-de-spyware-nso-aurait-ete-pret-a/index.html",
    );
    let body = other.split("class=body>").nth(1).expect("a body");
    assert!(body.starts_with("<p>…américaine en échange"), "{body}");
    let feed = text(&t, "atom.xml");
    assert_eq!(
        feed.matches(head).count(),
        1,
        "only the entry's title: {feed}"
    );
}

/// A wire story of about a hundred words, as one outlet printed it.
fn wire_story(title: &str, source: &str, date: &str, lead: &str) -> String {
    format!(
        "{title}\n\n{lead}Le ministère de l'Intérieur a confirmé mardi que plusieurs téléphones \
         de hauts responsables avaient été visés par le logiciel espion, selon une enquête publiée \
         par un consortium de journalistes. Les autorités ont ouvert une information judiciaire et \
         demandé des explications à l'éditeur du logiciel, qui dément toute implication.\n\n\
         Les experts interrogés estiment que les attaques ont commencé il y a au moins deux ans \
         et visaient des ministres, des avocats, des journalistes et des militants des droits \
         humains dans plusieurs pays européens et africains.\n\n{source}, {date}\n"
    )
}

/// The same story published twice (an exact copy under another source, and a copy with a
/// dateline and a closing line added) is grouped: each copy's page names the others, the
/// search index lists the group, and an unrelated story stays apart.
#[test]
fn copies_of_one_story_link_to_each_other_and_are_grouped_for_search() {
    let other = "Le conseil municipal vote le budget\n\nLe conseil municipal a adopté lundi soir \
        un budget en hausse, qui prévoit la rénovation de trois écoles, la création d'une piste \
        cyclable le long du canal et le recrutement de quatre agents pour la propreté des rues. \
        L'opposition a voté contre en dénonçant une hausse de la taxe foncière et un endettement \
        qu'elle juge excessif pour une commune de cette taille.\n\nOuest-Éclair, 08/03/2022\n";
    let dir = site(
        "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"fr\"\n",
        &[
            (
                "001_0000000000000001.txt",
                &wire_story(
                    "Logiciel espion : des ministres visés",
                    "AFP",
                    "03/03/2022",
                    "",
                ),
            ),
            (
                "002_0000000000000002.txt",
                &wire_story(
                    "Des ministres visés par un logiciel espion",
                    "Le Soir",
                    "04/03/2022",
                    "",
                ),
            ),
            (
                "003_0000000000000003.txt",
                &wire_story(
                    "Espionnage : l'enquête vise des ministres",
                    "La Presse",
                    "05/03/2022",
                    "PARIS (AFP) – ",
                ),
            ),
            ("004_0000000000000004.txt", other),
        ],
    );
    let out = dir.path().join("dist");
    build(dir.path(), &out, &[]);
    let t = tree(&out);
    let page_of = |slug_start: &str| {
        let path = t
            .keys()
            .find(|k| k.starts_with(&format!("articles/{slug_start}")) && k.ends_with("index.html"))
            .unwrap_or_else(|| panic!("no page for {slug_start}"));
        text(&t, path)
    };
    let afp = page_of("logiciel-espion");
    assert!(afp.contains("Aussi publié par"), "{afp}");
    for copy in [
        "Le Soir</span>",
        "La Presse</span>",
        "Des ministres visés par un logiciel espion</a>",
    ] {
        assert!(afp.contains(copy), "{copy} missing: {afp}");
    }
    let presse = page_of("espionnage");
    assert!(presse.contains("AFP</span>") && presse.contains("Le Soir</span>"));
    let budget = page_of("le-conseil-municipal");
    assert!(!budget.contains("Aussi publié par"));
    let meta: serde_json::Value =
        serde_json::from_slice(&t["search/meta.json"]).expect("meta.json");
    assert_eq!(meta["c"], serde_json::json!([[0, 1, 2]]), "{meta}");
}

/// What readers see on the sample site (one dated article, one undated): a labelled chart whose
/// single month is readable and counted in the singular, the undated article reachable from the
/// archive, a home heading that is not the masthead again, a footer and landmarks in French.
#[test]
fn sample_site_reads_well_in_french() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build(&sample_root(), &out, &[]);
    let t = tree(&out);
    let archive = text(&t, "archive/index.html");
    assert!(archive.contains(">juillet 2021 : 1 article<"), "{archive}");
    assert!(
        archive.contains(">juil.<br>2021<"),
        "month labelled: {archive}"
    );
    assert!(
        archive.contains("href=/archive/2021/#m-07"),
        "bar links to its month"
    );
    assert!(!archive.contains("1 articles"));
    let undated = archive
        .split("id=undated")
        .nth(1)
        .expect("an undated section");
    assert!(undated.contains("href=/archive/undated/"), "{undated}");
    let undated = text(&t, "archive/undated/index.html");
    assert!(
        undated.contains("href=/articles/l-editeur-de-spyware-nso-aurait-ete-pret-a/"),
        "{undated}"
    );
    assert!(undated.contains("1 article ·"), "singular: {undated}");

    let home = text(&t, "index.html");
    assert!(home.contains("<h1>Derniers articles</h1>"), "{home}");
    for page in html_pages(&t) {
        let html = text(&t, page);
        if !html.contains("<footer") {
            continue;
        }
        assert!(!html.contains("Sitemap"), "{page}: English footer link");
        assert!(html.contains("rel=icon"), "{page}: no favicon link");
        assert!(
            html.contains("<nav aria-label=\"Navigation principale\">"),
            "{page}"
        );
        assert!(
            html.contains("aria-label=\"Recherche dans le site\""),
            "{page}"
        );
    }
    assert!(t["static/favicon.svg"].starts_with(b"<svg"));
    let search = text(&t, "search/index.html");
    assert!(
        search.contains("aria-label=\"Rechercher dans les articles\""),
        "{search}"
    );
    assert!(text(&t, "tags/index.html").contains("<a aria-current=page href=/tags/>"));
    assert!(text(&t, "tags/maroc/index.html").contains("<a aria-current=true href=/tags/>"));
    assert!(text(&t, "about/index.html").contains("<a aria-current=page href=/about/>"));
    assert!(
        !home.contains("aria-current=true"),
        "no section is current on the home page"
    );
}

/// A site's theme folder replaces the favicon like any static file.
#[test]
fn favicon_comes_from_the_theme_and_can_be_replaced() {
    let site = retraites_site("title = \"T\"\nbase_url = \"https://example.org/news/\"\n");
    let icon = "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>";
    let dir = site.path().join("themes/default/static");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("favicon.svg"), icon).unwrap();
    let out = site.path().join("dist");
    build(site.path(), &out, &[]);
    let t = tree(&out);
    assert_eq!(t["static/favicon.svg"], icon.as_bytes());
    assert!(text(&t, "index.html").contains("href=/news/static/favicon.svg"));
}

/// A seed whose file name is not UTF-8 is built like any other (or named in a message),
/// never a panic: digests hash a path as its bytes.
#[cfg(unix)]
#[test]
fn a_seed_name_that_is_not_utf8_does_not_panic() {
    use std::os::unix::ffi::OsStrExt;
    let dir = retraites_site("title = \"T\"\nbase_url = \"https://example.org/\"\n");
    let name = std::ffi::OsStr::from_bytes(b"002_\xff\xfe0123456789ab.txt");
    std::fs::write(
        dir.path().join("seeds").join(name),
        french_seed("Une autre histoire", "04/03/2022", "Budget"),
    )
    .unwrap();
    let out = dir.path().join("dist");
    let o = try_build(dir.path(), &out, &["--quiet"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(101), "panicked: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A seed with no date anywhere: `french_seed` without the date on its source line.
fn undated_seed(title: &str) -> String {
    french_seed(title, "", "Retraites").replace("AFP, \n", "AFP\n")
}

/// Undated articles get their own paginated list, `archive/undated/`, linked from the archive
/// (which no longer carries their cards), listed in the sitemap, with working links; the
/// dated articles keep their URLs and stay off it.
#[test]
fn undated_articles_have_a_paginated_page_linked_from_the_archive() {
    let mut seeds: Vec<(String, String)> = (1..=5)
        .map(|i| {
            let title = format!("Dossier sans date numéro {i}");
            (
                format!("{i:03}_00000000000000a{i}.txt"),
                undated_seed(&title),
            )
        })
        .collect();
    seeds.push((
        "009_00000000000000b9.txt".into(),
        french_seed("La réforme des retraites", "03/03/2022", "Retraites"),
    ));
    let refs: Vec<(&str, &str)> = seeds
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let config =
        "paginate_by = 2\nbase_url = \"https://user.github.io/repo/\"\nlanguage = \"fr\"\n";
    let site = site(config, &refs);
    let out = site.path().join("dist");
    build(site.path(), &out, &[]);
    let t = tree(&out);
    let archive = text(&t, "archive/index.html");
    let section = archive
        .split("id=undated")
        .nth(1)
        .expect("an undated entry");
    assert!(
        section.contains("href=/repo/archive/undated/>Sans date</a>"),
        "{section}"
    );
    assert!(section.contains("<span class=count>5</span>"), "{section}");
    assert!(
        !archive.contains("Dossier sans date"),
        "no cards: {archive}"
    );

    for page in ["", "page/2/", "page/3/"] {
        assert!(t.contains_key(&format!("archive/undated/{page}index.html")));
    }
    assert!(!t.contains_key("archive/undated/page/4/index.html"));
    let first = text(&t, "archive/undated/index.html");
    assert!(first.contains("<h1>Articles sans date</h1>"), "{first}");
    assert!(first.contains("5 articles"), "{first}");
    assert!(
        first.contains("href=/repo/archive/undated/page/2/"),
        "{first}"
    );
    assert!(
        first.contains("<a aria-current=true href=/repo/archive/>"),
        "the archive is the current section: {first}"
    );
    let second = text(&t, "archive/undated/page/2/index.html");
    assert!(second.contains("Page 2"), "{second}");
    let listed: String = ["", "page/2/", "page/3/"]
        .iter()
        .map(|p| text(&t, &format!("archive/undated/{p}index.html")))
        .collect();
    for i in 1..=5 {
        assert!(
            listed.contains(&format!("Dossier sans date numéro {i}")),
            "{i}"
        );
    }
    assert!(
        !listed.contains("La réforme des retraites"),
        "a dated article"
    );
    assert!(t.contains_key("articles/la-reforme-des-retraites/index.html"));

    let sitemap = text(&t, "sitemap.xml");
    for page in ["", "page/2/", "page/3/"] {
        let loc = format!("<loc>https://user.github.io/repo/archive/undated/{page}</loc>");
        assert!(sitemap.contains(&loc), "{loc} not in the sitemap");
    }
    assert_links_resolve(&out, "/repo/");
    let o = gazette(&["check", "--root", site.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", failure_message(&o));

    // English labels on an English site; no page at all without undated articles.
    let en = self::site(
        "base_url = \"https://example.org/\"\nlanguage = \"en\"\n",
        &refs[..2],
    );
    build(en.path(), &en.path().join("dist"), &[]);
    let page = text(&tree(&en.path().join("dist")), "archive/undated/index.html");
    assert!(page.contains("<h1>Undated articles</h1>"), "{page}");
    let dated = retraites_site("base_url = \"https://example.org/\"\n");
    build(dated.path(), &dated.path().join("dist"), &[]);
    let dated_tree = tree(&dated.path().join("dist"));
    assert!(!dated_tree.keys().any(|k| k.starts_with("archive/undated/")));
    assert!(!text(&dated_tree, "archive/index.html").contains("id=undated"));
}
