//! Incremental builds give the same bytes as full builds: `gazette build` with its cache after
//! adding, changing and removing a seed, compared file by file with a fresh `--no-cache` build of
//! the same sources; and the in-memory rebuilds of `gazette serve` against `build_in_memory`.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use gazette::build::{self, BuildOptions};

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

/// Builds `root` into `out` with the cache (the CLI default).
fn cached_build(root: &Path, out: &Path) {
    common::build(root, out, &[]);
}

/// A fresh copy of the sources, built without any cache, as the reference.
fn fresh_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(root.join("config.toml"), copy.path().join("config.toml")).unwrap();
    std::fs::create_dir(copy.path().join("seeds")).unwrap();
    for e in std::fs::read_dir(root.join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.path().join("seeds").join(e.file_name())).unwrap();
    }
    let out = copy.path().join("dist");
    common::build(copy.path(), &out, &["--no-cache"]);
    assert!(
        !copy.path().join(".gazette-cache").exists(),
        "--no-cache writes no cache"
    );
    common::tree(&out)
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
    let owned = seeds();
    let refs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = common::site(CONFIG, &refs);
    let root = site.path();
    let out = root.join("dist");
    cached_build(root, &out);
    assert!(root.join(".gazette-cache/manifest.json").is_file());
    assert_same("first build", &common::tree(&out), &fresh_tree(root));
    let css_inode = std::fs::metadata(out.join("static/style.css"))
        .unwrap()
        .ino();

    // Add.
    std::fs::write(
        root.join("seeds/005_eeeeeeeeeeeeeeee.txt"),
        common::french_seed("Grève des transports", "14/03/2023", "Transports, France"),
    )
    .unwrap();
    cached_build(root, &out);
    let after_add = common::tree(&out);
    assert!(after_add.contains_key("tags/transports/index.html"));
    assert_same("add", &after_add, &fresh_tree(root));
    assert_eq!(
        std::fs::metadata(out.join("static/style.css"))
            .unwrap()
            .ino(),
        css_inode,
        "an unchanged file is left in place, not rewritten"
    );

    // Change: a new title and other tags move the article between lists and tag pages.
    std::fs::write(
        root.join("seeds/002_bbbbbbbbbbbbbbbb.txt"),
        common::french_seed(
            "Budget rectificatif adopté",
            "15/03/2023",
            "Économie, Europe",
        ),
    )
    .unwrap();
    cached_build(root, &out);
    assert_same("change", &common::tree(&out), &fresh_tree(root));

    // Remove: the only article tagged Environnement goes, and so does its tag page.
    std::fs::remove_file(root.join("seeds/003_cccccccccccccccc.txt")).unwrap();
    cached_build(root, &out);
    let after_remove = common::tree(&out);
    assert!(!after_remove.contains_key("tags/environnement/index.html"));
    assert_same("remove", &after_remove, &fresh_tree(root));

    // An output folder edited by hand is not trusted: the next build replaces it.
    std::fs::write(out.join("index.html"), "edited").unwrap();
    std::fs::write(out.join("stray.txt"), "stray").unwrap();
    cached_build(root, &out);
    assert_same("after a hand edit", &common::tree(&out), &fresh_tree(root));
}

#[test]
fn serve_session_rebuilds_equal_fresh_builds() {
    let owned = seeds();
    let refs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = common::site(CONFIG, &refs);
    let root = site.path();
    let mut opts = BuildOptions::for_root(root);
    opts.render.inject_before_body_end = Some("<script>/*reload*/</script>".into());
    let mut session = build::Session::default();
    let files = |b: build::Built| -> Vec<(String, Vec<u8>)> {
        b.files.into_iter().map(|f| (f.path, f.bytes)).collect()
    };
    let first = files(session.build(&opts).unwrap());
    assert_eq!(first, files(build::build_in_memory(&opts).unwrap()));

    std::fs::write(
        root.join("seeds/002_bbbbbbbbbbbbbbbb.txt"),
        common::french_seed("Budget rectificatif adopté", "15/03/2023", "Économie"),
    )
    .unwrap();
    std::fs::remove_file(root.join("seeds/004_dddddddddddddddd.txt")).unwrap();
    let second = files(session.build(&opts).unwrap());
    assert_ne!(first, second);
    assert_eq!(second, files(build::build_in_memory(&opts).unwrap()));
}
