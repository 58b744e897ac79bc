//! Incremental builds give the same bytes as full builds: `gazette build` with its cache after
//! adding, changing and removing a seed, compared file by file with a fresh `--no-cache` build of
//! the same sources; and the in-memory rebuilds of `gazette serve` against `build_in_memory`.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use gazette::build::{self, BuildOptions};
use gazette::output::SiteFiles;

const CONFIG: &str = "title = \"Test\"\nbase_url = \"https://user.github.io/repo/\"\n\
                      language = \"fr\"\npaginate_by = 2\n";

fn seeds() -> Vec<(String, String)> {
    vec![
        (
            "001_aaaaaaaaaaaaaaaa.txt".into(),
            common::french_seed("Réforme des retraites", "12/03/2023", "Politique, France"),
        ),
        (
            "002_bbbbbbbbbbbbbbbb.txt".into(),
            common::french_seed("Budget de l'État", "13/03/2023", "Politique, Économie"),
        ),
        (
            "003_cccccccccccccccc.txt".into(),
            common::french_seed("Marée noire en Bretagne", "10/01/2022", "Environnement"),
        ),
        (
            "004_dddddddddddddddd.txt".into(),
            common::french_seed("Élections municipales", "02/02/2020", "Politique, France"),
        ),
    ]
}

/// A project with [`CONFIG`] and the [`seeds`].
fn seeded_site() -> tempfile::TempDir {
    let owned = seeds();
    let refs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    common::site(CONFIG, &refs)
}

/// Dates every seed and the config `minutes` back, as files that have been in the repository
/// for a while: the cache then trusts their size and modification time instead of reading them.
fn age_inputs(root: &Path, minutes: u64) {
    for e in std::fs::read_dir(root.join("seeds")).unwrap() {
        age_seed(&e.unwrap().path(), minutes);
    }
    age_seed(&root.join("config.toml"), minutes);
}

/// Dates one file `minutes` back.
fn age_seed(path: &Path, minutes: u64) {
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(minutes * 60);
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(when).unwrap();
}

/// How many article analyses the search cache of `root` holds.
fn cached_analyses(root: &Path) -> usize {
    let config = gazette::config::Config::parse(CONFIG).unwrap();
    let key = gazette::search::cache::cache_key(config.search.excerpt_chars.max(2));
    gazette::search::cache::AnalysisCache::load(&root.join(".gazette-cache"), &key).len()
}

/// Builds `root` into `out` with the cache (the CLI default).
fn cached_build(root: &Path, out: &Path) {
    common::build(root, out, &[]);
}

fn assert_same(label: &str, got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>) {
    let got_keys: Vec<_> = got.keys().collect();
    let want_keys: Vec<_> = want.keys().collect();
    assert_eq!(got_keys, want_keys, "{label}: same files");
    for (path, bytes) in want {
        assert!(
            got[path] == *bytes,
            "{label}: {path} differs from a full build"
        );
    }
}

#[test]
fn cached_builds_equal_full_builds_after_add_change_remove() {
    let site = seeded_site();
    let root = site.path();
    let out = root.join("dist");
    // Old seeds, so that unchanged ones are taken from the cache on their stat alone.
    age_inputs(root, 60);
    cached_build(root, &out);
    assert!(root.join(".gazette-cache/manifest.bin").is_file());
    // The seed and card caches are saved on threads of their own, joined before the build ends.
    assert!(root.join(".gazette-cache/cards.bin").is_file());
    assert!(
        (0..8).any(|i| root.join(format!(".gazette-cache/seeds-{i}.bin")).is_file()),
        "the parsed seeds are cached"
    );
    assert_eq!(cached_analyses(root), 4, "the search analyses are cached");
    let first = common::tree(&out);
    assert_same("first build", &first, &common::no_cache_tree(root));

    // Nothing changed: the build ends once it has checked the stats, and says the same.
    let verbose = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let again = common::try_build(root, &out, &["-v"]);
    assert!(again.status.success());
    assert!(
        verbose(&again).contains("up to date"),
        "{}",
        verbose(&again)
    );
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("4 articles"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    assert_same("no change", &common::tree(&out), &first);
    // Other options are other output: not up to date.
    let drafts = common::try_build(root, &out, &["-v", "--drafts"]);
    assert!(drafts.status.success());
    assert!(!verbose(&drafts).contains("up to date"));
    let css_inode = std::fs::metadata(out.join("static/style.css"))
        .unwrap()
        .ino();

    // Add the newest article (every other article moves one place down the site order).
    let added = root.join("seeds/005_eeeeeeeeeeeeeeee.txt");
    std::fs::write(
        &added,
        common::french_seed("Grève des transports", "14/03/2023", "Transports, France"),
    )
    .unwrap();
    age_seed(&added, 50);
    cached_build(root, &out);
    let after_add = common::tree(&out);
    assert!(after_add.contains_key("tags/transports/index.html"));
    assert_same("add", &after_add, &common::no_cache_tree(root));
    assert_eq!(
        std::fs::metadata(out.join("static/style.css"))
            .unwrap()
            .ino(),
        css_inode,
        "an unchanged file is left in place, not rewritten"
    );

    // Change: a new title and other tags move the article between lists and tag pages.
    let changed = root.join("seeds/002_bbbbbbbbbbbbbbbb.txt");
    std::fs::write(
        &changed,
        common::french_seed(
            "Budget rectificatif adopté",
            "15/03/2023",
            "Économie, Europe",
        ),
    )
    .unwrap();
    age_seed(&changed, 40);
    cached_build(root, &out);
    assert_same("change", &common::tree(&out), &common::no_cache_tree(root));

    // Change a title only: the pages that show the article as a related article, a neighbour or
    // a list item follow, though nothing else about them changed.
    let retitled = root.join("seeds/004_dddddddddddddddd.txt");
    std::fs::write(
        &retitled,
        common::french_seed(
            "Municipales : le second tour",
            "02/02/2020",
            "Politique, France",
        ),
    )
    .unwrap();
    age_seed(&retitled, 30);
    cached_build(root, &out);
    let after_retitle = common::tree(&out);
    let retraites = after_retitle
        .iter()
        .find(|(p, _)| p.starts_with("articles/reforme-des-retraites"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .expect("the page of the first article");
    assert!(
        retraites.contains("Municipales : le second tour"),
        "the retitled article is among the related articles of the first one"
    );
    assert_same("retitle", &after_retitle, &common::no_cache_tree(root));

    // Remove: the only article tagged Environnement goes, and so does its tag page.
    std::fs::remove_file(root.join("seeds/003_cccccccccccccccc.txt")).unwrap();
    cached_build(root, &out);
    let after_remove = common::tree(&out);
    assert!(!after_remove.contains_key("tags/environnement/index.html"));
    assert_same("remove", &after_remove, &common::no_cache_tree(root));
    assert_eq!(
        cached_analyses(root),
        4,
        "the analyses of the changed and removed articles are dropped"
    );

    // An output folder edited by hand is not trusted: the next build replaces it.
    std::fs::write(out.join("index.html"), "edited").unwrap();
    std::fs::write(out.join("stray.txt"), "stray").unwrap();
    cached_build(root, &out);
    assert_same(
        "after a hand edit",
        &common::tree(&out),
        &common::no_cache_tree(root),
    );
}

#[test]
fn serve_session_rebuilds_equal_fresh_builds() {
    let site = seeded_site();
    let root = site.path();
    let mut opts = BuildOptions::for_root(root);
    opts.render.inject_before_body_end = Some("<script>/*reload*/</script>".into());
    let mut session = build::Session::default();
    // A session's files as a sorted list, to compare with a fresh build's.
    let listed = |files: &SiteFiles| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = files
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect();
        files.sort();
        files
    };
    let fresh = |b: build::Built| -> Vec<(String, Vec<u8>)> {
        b.files.into_iter().map(|f| (f.path, f.bytes)).collect()
    };
    // The caller keeps the files of each build (the site `gazette serve` is serving) and
    // passes them to the next.
    let first = session.build(&opts, &Default::default()).unwrap().files;
    assert_eq!(
        listed(&first),
        fresh(build::build_in_memory(&opts).unwrap())
    );
    let articles = seeds().len();
    assert_eq!(session.search_analyses(), articles);

    std::fs::write(
        root.join("seeds/002_bbbbbbbbbbbbbbbb.txt"),
        common::french_seed("Budget rectificatif adopté", "15/03/2023", "Économie"),
    )
    .unwrap();
    std::fs::remove_file(root.join("seeds/004_dddddddddddddddd.txt")).unwrap();
    let second = session.build(&opts, &first).unwrap().files;
    assert_ne!(listed(&first), listed(&second));
    assert_eq!(
        listed(&second),
        fresh(build::build_in_memory(&opts).unwrap())
    );
    assert_eq!(
        session.search_analyses(),
        articles - 1,
        "the analyses of the changed and removed articles are dropped, the new one kept"
    );
    assert!(
        first.iter().any(|(p, _)| !second.contains_key(p)),
        "the removed article's pages are gone"
    );

    // Fresh articles, one at a time: each moves every card of every home page down one place.
    // The pages whose shell is unchanged (the home pages but the last) are spliced from the
    // shell kept by the last rebuild; a debug build also renders them whole and compares.
    let mut second = second;
    let mut spliced = Vec::new();
    for (n, title) in ["Sommet européen", "Grève des cheminots", "Crue de la Seine"]
        .iter()
        .enumerate()
    {
        std::fs::write(
            root.join(format!("seeds/01{n}_eeeeeeeeeeeeeee{n}.txt")),
            common::french_seed(title, &format!("0{}/06/2024", n + 1), "Politique"),
        )
        .unwrap();
        let built = session.build(&opts, &second).unwrap();
        spliced.push(built.pages.spliced);
        assert!(built.pages.kept > 0, "{title}: {:?}", built.pages);
        let next = built.files;
        assert_eq!(
            listed(&next),
            fresh(build::build_in_memory(&opts).unwrap()),
            "{title}"
        );
        second = next;
    }
    // 4, 5 then 6 articles, two to a page: the first and third add keep the number of home
    // pages, so every full page (the first, then the first two) keeps its shell, and so do
    // the full pages of the `Politique` tag, which every new article carries.
    assert!(
        spliced[0] >= 1 && spliced[2] >= 2,
        "list pages spliced into kept shells per add: {spliced:?}"
    );

    // Only an update date changes: the article keeps its place, and only its page, its
    // feed entries and its line of the sitemap change.
    std::fs::write(
        root.join("seeds/002_bbbbbbbbbbbbbbbb.txt"),
        common::french_seed("Budget rectificatif adopté", "15/03/2023", "Économie")
            .replace("Etiquettes", "Mis à jour le 20/03/2023\nEtiquettes"),
    )
    .unwrap();
    let updated = session.build(&opts, &second).unwrap().files;
    let sitemap = String::from_utf8(updated["sitemap.xml"].to_vec()).unwrap();
    assert!(
        sitemap.contains("<lastmod>2023-03-20</lastmod>"),
        "{sitemap}"
    );
    assert_eq!(
        listed(&updated),
        fresh(build::build_in_memory(&opts).unwrap()),
        "update date"
    );
    let second = updated;

    // Nothing changed since: every page and search document is shared with the caller's
    // files, not made again (the few small files made without a fingerprint, such as
    // `robots.txt` and the search filters, are).
    let third = session.build(&opts, &second).unwrap().files;
    assert_eq!(third.len(), second.len());
    let made_again: Vec<&str> = second
        .iter()
        .filter(|(p, b)| !std::sync::Arc::ptr_eq(b, &third[p]))
        .map(|(p, _)| p)
        .filter(|p| p.ends_with(".html") || p.starts_with("search/d/"))
        .collect();
    assert!(made_again.is_empty(), "made again: {made_again:?}");
    // Given other files than its last build's, it makes every file again, the same.
    let other: SiteFiles = second
        .iter()
        .map(|(p, b)| (p.to_string(), std::sync::Arc::clone(b)))
        .collect();
    let fourth = session.build(&opts, &other).unwrap().files;
    assert_eq!(listed(&fourth), listed(&second));
    assert!(fourth
        .iter()
        .all(|(p, b)| !std::sync::Arc::ptr_eq(b, &second[p])));
}

#[test]
fn serve_session_told_what_changed_equals_fresh_builds() {
    let site = seeded_site();
    let root = site.path();
    let opts = BuildOptions::for_root(root);
    let mut session = build::Session::default();
    let mut served = SiteFiles::default();
    let told = |names: &[&str]| {
        build::Changes::Seeds(names.iter().map(std::ffi::OsString::from).collect())
    };
    // Rebuilds the session after `changes`, keeping its files as `gazette serve` does, and
    // says whether it equals a fresh build.
    let mut rebuild = |changes: &build::Changes| -> Result<bool, String> {
        let built = session
            .build_after(&opts, &served, changes)
            .map_err(|f| f.to_string())?;
        served = built.files;
        let fresh = build::build_in_memory(&opts).unwrap().files;
        Ok(fresh.len() == served.len()
            && fresh
                .iter()
                .all(|f| served.get(&f.path).map(|b| b.as_slice()) == Some(f.bytes.as_slice())))
    };
    assert_eq!(rebuild(&build::Changes::Unknown), Ok(true));
    let seed = |name: &str| root.join("seeds").join(name);
    let write = |name: &str, title: &str, date: &str| {
        std::fs::write(seed(name), common::french_seed(title, date, "Politique")).unwrap()
    };

    write("005_eeeeeeeeeeeeeeee.txt", "Sommet européen", "01/06/2024");
    assert_eq!(
        rebuild(&told(&["005_eeeeeeeeeeeeeeee.txt"])),
        Ok(true),
        "added"
    );
    write(
        "002_bbbbbbbbbbbbbbbb.txt",
        "Budget rectificatif",
        "13/03/2023",
    );
    assert_eq!(
        rebuild(&told(&["002_bbbbbbbbbbbbbbbb.txt"])),
        Ok(true),
        "changed"
    );
    std::fs::remove_file(seed("003_cccccccccccccccc.txt")).unwrap();
    assert_eq!(
        rebuild(&told(&["003_cccccccccccccccc.txt"])),
        Ok(true),
        "removed"
    );

    // A seed that no longer parses is left out, and stays out in the rebuilds after (its last
    // good parse is not taken for it).
    std::fs::write(seed("004_dddddddddddddddd.txt"), "  \n").unwrap();
    assert_eq!(
        rebuild(&told(&["004_dddddddddddddddd.txt"])),
        Ok(true),
        "unparsable"
    );
    assert_eq!(rebuild(&told(&[])), Ok(true), "still unparsable");

    // What the watcher did not report is not looked at (the point of telling)...
    write("001_aaaaaaaaaaaaaaaa.txt", "Réforme adoptée", "12/03/2023");
    assert_eq!(
        rebuild(&told(&[])),
        Ok(false),
        "an unreported change is not seen"
    );
    // ...until a build is told it does not know.
    assert_eq!(
        rebuild(&build::Changes::Unknown),
        Ok(true),
        "unknown changes"
    );

    // Changes told to a build that failed before reading the seeds go to the next one.
    let config = root.join("config.toml");
    std::fs::write(&config, "title = [broken").unwrap();
    write(
        "006_ffffffffffffffff.txt",
        "Grève des cheminots",
        "02/06/2024",
    );
    assert!(rebuild(&told(&["006_ffffffffffffffff.txt"])).is_err());
    std::fs::write(&config, CONFIG).unwrap();
    assert_eq!(rebuild(&told(&[])), Ok(true), "kept from the failed build");
}
