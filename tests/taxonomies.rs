//! The authors taxonomy, end to end, as the proof that taxonomies are data: real sites with
//! bylines built into temp dirs, and checked for the author index, the paginated author pages,
//! their feeds, the linked bylines, the sitemap, the search filter and `gazette check`.

mod common;

use std::collections::BTreeMap;

use common::*;

type Tree = BTreeMap<String, Vec<u8>>;

/// A seed with a byline line (none when `byline` is empty), a source and date line and a tag.
fn seed(title: &str, byline: &str, credit: &str, tag: &str) -> String {
    let byline = if byline.is_empty() {
        String::new()
    } else {
        format!("Par {byline}\n")
    };
    format!(
        "{title}\n{byline}{credit}\nParis. Le gouvernement a présenté mardi un nouveau projet \
         concernant {title}. Les députés examineront le texte la semaine prochaine, selon \
         plusieurs sources proches du dossier.\n\nLes associations ont réagi avec prudence. \
         Elles demandent des garanties supplémentaires avant le vote.\nEtiquettes : {tag},\n"
    )
}

/// Four articles: two by Anne Durand (one of them also by Marc Petit, who signs a third),
/// and one without a byline. One article per page, so that an author's page is paginated.
fn bylines_site(extra_config: &str) -> tempfile::TempDir {
    let config = format!("title = \"Gazette\"\npaginate_by = 1\n{extra_config}");
    site(
        &config,
        &[
            (
                "001_0000000000000001.txt",
                &seed(
                    "La réforme des retraites",
                    "Anne Durand",
                    "AFP, 03/03/2022",
                    "Retraites",
                ),
            ),
            (
                "002_0000000000000002.txt",
                &seed(
                    "Les agriculteurs manifestent",
                    "Anne Durand et Marc Petit",
                    "AFP, 04/03/2022",
                    "Agriculture",
                ),
            ),
            (
                "003_0000000000000003.txt",
                &seed(
                    "Un musée ouvre à Lyon",
                    "Marc Petit",
                    "Reuters, 05/03/2022",
                    "Culture",
                ),
            ),
            (
                "004_0000000000000004.txt",
                &seed("La météo de la semaine", "", "AFP, 06/03/2022", "Météo"),
            ),
        ],
    )
}

fn built(root: &std::path::Path, extra: &[&str]) -> (tempfile::TempDir, Tree) {
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    build(root, &dist, extra);
    let t = tree(&dist);
    (out, t)
}

fn text(t: &Tree, path: &str) -> String {
    String::from_utf8(
        t.get(path)
            .unwrap_or_else(|| panic!("{path} missing"))
            .clone(),
    )
    .unwrap()
}

/// The route of the article whose page shows `title`.
fn article_with(t: &Tree, title: &str) -> String {
    t.iter()
        .find(|(k, v)| k.starts_with("articles/") && String::from_utf8_lossy(v).contains(title))
        .map(|(k, _)| k.clone())
        .unwrap_or_else(|| panic!("no article page shows {title:?}"))
}

#[test]
fn authors_have_an_index_pages_feeds_links_sitemap_and_a_search_filter() {
    let root = bylines_site("");
    let (_out, t) = built(root.path(), &["--base-url", "https://example.org/repo/"]);

    // The index lists each author once, with their count, linked under the base path.
    let index = text(&t, "authors/index.html");
    assert!(index.contains("<h1>Auteurs</h1>"), "{index}");
    for (slug, name) in [("anne-durand", "Anne Durand"), ("marc-petit", "Marc Petit")] {
        let entry =
            format!(r#"<a href=/repo/authors/{slug}/>{name}</a> <span class=count>2</span>"#);
        assert!(index.contains(&entry), "{entry} not in {index}");
    }
    // Each author's page is paginated (one article a page) and shows the count on every page.
    let first = text(&t, "authors/anne-durand/index.html");
    let second = text(&t, "authors/anne-durand/page/2/index.html");
    assert!(!t.contains_key("authors/anne-durand/page/3/index.html"));
    for page in [&first, &second] {
        assert!(page.contains("<h1>Anne Durand</h1>"), "{page}");
        assert!(page.contains("2 articles"), "{page}");
        assert!(
            page.contains("/repo/authors/anne-durand/atom.xml"),
            "feed link: {page}"
        );
    }
    let both = format!("{first}{second}");
    assert!(both.contains("La réforme des retraites") && both.contains("Les agriculteurs"));
    assert!(
        !both.contains("Un musée ouvre"),
        "Marc Petit's own article is not Anne's"
    );

    // The feed lists the author's articles, with absolute links.
    let feed = text(&t, "authors/anne-durand/atom.xml");
    assert!(
        feed.contains("<title>Gazette – Anne Durand</title>"),
        "{feed}"
    );
    assert_eq!(feed.matches("<entry").count(), 2, "{feed}");
    assert!(feed.contains("href=\"https://example.org/repo/authors/anne-durand/\""));
    assert!(feed.contains("<author><name>Anne Durand</name></author>"));

    // Bylines link to the authors' pages, on the article page and on its cards.
    let joint = text(&t, &article_with(&t, "<h1>Les agriculteurs manifestent"));
    assert!(
        joint.contains(concat!(
            r#"Par <a class=author href=/repo/authors/anne-durand/>Anne Durand</a>, "#,
            r#"<a class=author href=/repo/authors/marc-petit/>Marc Petit</a>"#
        )),
        "{joint}"
    );
    let unsigned = text(&t, &article_with(&t, "<h1>La météo de la semaine"));
    assert!(
        !unsigned.contains("class=byline"),
        "no byline, no line: {unsigned}"
    );
    let card = text(&t, "page/2/index.html");
    assert!(
        card.contains(
            "<p class=byline>Par <a class=author href=/repo/authors/marc-petit/>Marc Petit</a></p>"
        ),
        "{card}"
    );
    let home = text(&t, "index.html");
    assert!(
        home.contains(r#"<a href=/repo/authors/>Auteurs</a>"#),
        "menu: {home}"
    );

    // The sitemap lists the index and every page of every author.
    let sitemap = text(&t, "sitemap.xml");
    for route in [
        "authors/",
        "authors/anne-durand/",
        "authors/anne-durand/page/2/",
        "authors/marc-petit/",
    ] {
        let loc = format!("<loc>https://example.org/repo/{route}</loc>");
        assert!(sitemap.contains(&loc), "{loc} not in the sitemap");
    }
    assert!(!sitemap.contains("atom.xml"), "feeds are not pages");

    // The search filter: names with counts, and each author's documents.
    let facets: serde_json::Value = serde_json::from_slice(&t["search/f/facets.json"]).unwrap();
    assert_eq!(
        facets["a"],
        serde_json::json!([
            ["anne-durand", "Anne Durand", 2],
            ["marc-petit", "Marc Petit", 2]
        ])
    );
    let docs_of = |slug: &str| -> Vec<u32> {
        let bytes = &t[&format!("search/f/a/{}.bin", gazette::search::file_name(slug))];
        let decoded = gazette::search::decode_postings(bytes, 4, false).unwrap();
        decoded.into_iter().map(|(doc, _)| doc).collect()
    };
    // Documents are numbered in seed order.
    assert_eq!(docs_of("anne-durand"), [0, 1]);
    assert_eq!(docs_of("marc-petit"), [1, 2]);
    let doc: serde_json::Value = serde_json::from_slice(&t["search/d/1.json"]).unwrap();
    assert_eq!(
        doc["a"],
        serde_json::json!([["Anne Durand", "anne-durand"], ["Marc Petit", "marc-petit"]])
    );
    let unsigned_doc: serde_json::Value = serde_json::from_slice(&t["search/d/3.json"]).unwrap();
    assert!(unsigned_doc.get("a").is_none(), "{unsigned_doc}");
    let search = text(&t, "search/index.html");
    assert!(
        search.contains(
            "<label>Auteur <select data-filter=a data-pages=authors id=gz-author name=author>"
        ),
        "{search}"
    );
    assert!(
        search.contains("<option value>Tous</option>"),
        "French agrees: {search}"
    );

    // Nothing links anywhere that does not exist.
    let check = gazette(&["check", "--root", root.path().to_str().unwrap()]);
    assert!(
        check.status.success(),
        "gazette check failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn authors_can_be_turned_off_and_speak_the_site_language() {
    let root = bylines_site("[taxonomies]\nauthors = false\n");
    let (_out, t) = built(root.path(), &[]);
    assert!(
        !t.keys().any(|k| k.starts_with("authors/")),
        "no author pages"
    );
    assert!(!text(&t, "sitemap.xml").contains("/authors/"));
    let joint = text(&t, &article_with(&t, "<h1>Les agriculteurs manifestent"));
    assert!(joint.contains("Par Anne Durand, Marc Petit</p>"), "{joint}");
    assert!(!joint.contains("/authors/"), "{joint}");
    // Tags and sources keep their pages, and the search filter still narrows by author.
    assert!(
        t.contains_key("tags/retraites/index.html") && t.contains_key("sources/afp/index.html")
    );
    let filter = format!(
        "search/f/a/{}.bin",
        gazette::search::file_name("anne-durand")
    );
    assert!(t.contains_key(&filter), "{filter} missing");
    let check = gazette(&["check", "--root", root.path().to_str().unwrap()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let root = bylines_site("language = \"en\"\n");
    let (_out, t) = built(root.path(), &[]);
    assert!(text(&t, "authors/index.html").contains("<h1>Authors</h1>"));
    assert!(text(&t, "search/index.html").contains("<label>Author <select"));
}

#[test]
fn an_unknown_taxonomy_is_an_error_naming_the_known_ones() {
    let root = bylines_site("[taxonomies]\nauteurs = true\n");
    let out = tempfile::tempdir().unwrap();
    let o = try_build(root.path(), &out.path().join("dist"), &[]);
    let msg = failure_message(&o);
    assert!(
        msg.contains("\"auteurs\"") && msg.contains("tags, sources, authors"),
        "{msg}"
    );
}
