//! The inputs of the parse stage besides the seed's bytes, in real builds: an override's
//! extent (`body_start`, `body_end`, `keep_lines`) and the site furniture learned from the
//! archive. Each changes the published pages, and a cached build (or a `gazette serve`
//! rebuild) after either changes equals a build from scratch.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use gazette::build::{self, BuildOptions};
use gazette::output::SiteFiles;

const CONFIG: &str =
    "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"fr\"\nfeeds = false\n";

/// Builds `root` with its cache into `out` and checks the result equals a build from scratch.
fn cached_equals_reference(root: &Path, out: &Path, when: &str) -> BTreeMap<String, Vec<u8>> {
    common::build(root, out, &[]);
    let built = common::tree(out);
    let reference = common::no_cache_tree(root);
    let differ: Vec<&String> = reference
        .keys()
        .chain(built.keys())
        .filter(|p| reference.get(*p) != built.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "{when}: cached build differs in {differ:?}"
    );
    built
}

/// The article page of the site whose text contains `marker`, as text.
fn article_with(tree: &BTreeMap<String, Vec<u8>>, marker: &str) -> String {
    let pages: Vec<String> = tree
        .iter()
        .filter(|(p, _)| p.starts_with("articles/") && p.ends_with("index.html"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .filter(|t| t.contains(marker))
        .collect();
    assert_eq!(pages.len(), 1, "one article page has {marker:?}");
    pages.into_iter().next().unwrap()
}

const HARBOUR: &str = "Le port de Marseille modernise ses quais\n\n\
    Une phrase d’accroche que l’éditeur juge hors de l’article, écrite par la rédaction du site \
    pour présenter le dossier.\n\n\
    Marseille. Le grand port maritime a lancé mardi un chantier de modernisation de ses quais, \
    qui doit durer trois ans et mobiliser plusieurs centaines d’ouvriers.\n\n\
    Les travaux permettront d’accueillir des navires plus grands, selon la direction du port, \
    qui espère ainsi attirer de nouvelles lignes vers l’Afrique et l’Asie.\n\n\
    AFP, 12 mars 2024\n";

#[test]
fn override_extents_shape_built_pages_and_cached_builds_follow_them() {
    let site = common::site(CONFIG, &[("001_aaaaaaaaaaaaaaaa.txt", HARBOUR)]);
    let root = site.path();
    let out = root.join("dist");
    let first = cached_equals_reference(root, &out, "first build");
    assert!(article_with(&first, "grand port maritime").contains("accroche"));

    let articles = root.join("content/articles");
    std::fs::create_dir_all(&articles).unwrap();
    let over = articles.join("001_aaaaaaaaaaaaaaaa.md");
    std::fs::write(&over, "+++\nbody_start = 5\n+++\n").unwrap();
    let cut = cached_equals_reference(root, &out, "extent added");
    assert!(!article_with(&cut, "grand port maritime").contains("accroche"));

    std::fs::write(&over, "+++\nbody_start = 5\nkeep_lines = [3]\n+++\n").unwrap();
    let kept = cached_equals_reference(root, &out, "extent changed");
    assert!(article_with(&kept, "grand port maritime").contains("accroche"));

    std::fs::write(
        &over,
        "+++\ntitle = \"Le port de Marseille modernise ses quais\"\n+++\n",
    )
    .unwrap();
    cached_equals_reference(root, &out, "extent removed");
}

/// The page of the article headed `<h1>Le dossier {topic} relancé`, as text.
fn article_on(tree: &BTreeMap<String, Vec<u8>>, topic: &str) -> String {
    let h1 = format!("<h1>Le dossier {topic} relancé");
    article_with(tree, &h1)
}

/// A page of one site: its menu, a story about `topic`, its slogan and footer.
fn page(topic: &str) -> String {
    format!(
        "Accueil\nPolitique\nÉconomie\nSport\nCulture\n\nLe dossier {topic} relancé\n\n\
         Le gouvernement a présenté mardi un plan consacré au dossier {topic}, dont les grandes \
         lignes avaient été dévoilées la semaine dernière par plusieurs ministres.\n\n\
         Les élus de l’opposition dénoncent une méthode précipitée sur le dossier {topic} et \
         réclament un débat au Parlement avant toute décision définitive sur le sujet.\n\n\
         {SLOGAN}\n\nAbonnez-vous à notre lettre d’information quotidienne\n\
         © Le Quotidien du Soir, tous droits réservés\n"
    )
}

const SLOGAN: &str =
    "Le Quotidien du Soir, au plus près de celles et ceux qui font vivre la région.";

#[test]
fn a_footer_line_of_three_stories_leaves_every_page_and_caches_follow() {
    let site = common::site(
        CONFIG,
        &[
            ("001_aaaaaaaaaaaaaaaa.txt", &page("santé")),
            ("002_bbbbbbbbbbbbbbbb.txt", &page("retraites")),
        ],
    );
    let root = site.path();
    let out = root.join("dist");
    let two = cached_equals_reference(root, &out, "two seeds");
    assert!(
        article_on(&two, "santé").contains(SLOGAN),
        "in two seeds: kept"
    );

    std::fs::write(
        root.join("seeds/003_cccccccccccccccc.txt"),
        page("logement"),
    )
    .unwrap();
    let three = cached_equals_reference(root, &out, "a third seed added");
    for topic in ["santé", "retraites", "logement"] {
        let text = article_on(&three, topic);
        assert!(!text.contains(SLOGAN), "furniture on the {topic} page");
        assert!(
            text.contains("réclament un débat"),
            "the {topic} story stays"
        );
    }

    // `inspect` of one seed of the project shows what the build did, and why.
    let seed = root.join("seeds/001_aaaaaaaaaaaaaaaa.txt");
    let root_arg = root.to_str().unwrap();
    let explained = common::gazette(&[
        "inspect",
        "--root",
        root_arg,
        "--explain",
        seed.to_str().unwrap(),
    ]);
    let explained = String::from_utf8_lossy(&explained.stdout);
    let slogan_line = explained
        .lines()
        .find(|l| l.contains("Le Quotidien du Soir, au plus"));
    assert!(
        slogan_line.is_some_and(|l| l.contains("repeated across 3 stories")),
        "{explained}"
    );

    std::fs::remove_file(root.join("seeds/003_cccccccccccccccc.txt")).unwrap();
    let back = cached_equals_reference(root, &out, "the third seed removed");
    assert!(article_on(&back, "santé").contains(SLOGAN));
}

#[test]
fn a_serve_session_told_of_a_new_seed_learns_its_furniture() {
    let site = common::site(
        CONFIG,
        &[
            ("001_aaaaaaaaaaaaaaaa.txt", &page("santé")),
            ("002_bbbbbbbbbbbbbbbb.txt", &page("retraites")),
        ],
    );
    let root = site.path();
    let opts = BuildOptions::for_root(root);
    let mut session = build::Session::default();
    let first = session.build(&opts, &SiteFiles::default()).unwrap().files;
    std::fs::write(
        root.join("seeds/003_cccccccccccccccc.txt"),
        page("logement"),
    )
    .unwrap();
    let told = build::Changes::Seeds(["003_cccccccccccccccc.txt".into()].into());
    let served = session.build_after(&opts, &first, &told).unwrap().files;
    let fresh = build::build_in_memory(&opts).unwrap().files;
    assert_eq!(fresh.len(), served.len());
    for f in &fresh {
        assert_eq!(
            served.get(&f.path).map(|b| b.as_slice()),
            Some(f.bytes.as_slice()),
            "{}",
            f.path
        );
    }
    let tree: BTreeMap<String, Vec<u8>> = fresh.into_iter().map(|f| (f.path, f.bytes)).collect();
    assert!(!article_on(&tree, "santé").contains(SLOGAN));
}
