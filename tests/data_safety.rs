//! Issue 18, items 4 to 6, end to end with the real binary: damaged caches are never
//! published, published URLs never move, and every skipped input is named.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

const CONFIG: &str = "title = \"Test\"\nbase_url = \"https://example.org/\"\nlanguage = \"fr\"\n";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Dates a file `minutes` back, as one that has been in the repository for a while: the cache
/// then trusts its size and modification time instead of reading it.
fn age(path: &Path, minutes: u64) {
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(minutes * 60);
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(when).unwrap();
}

fn age_inputs(root: &Path) {
    for e in std::fs::read_dir(root.join("seeds")).unwrap() {
        age(&e.unwrap().path(), 60);
    }
    age(&root.join("config.toml"), 60);
}

fn seed_name(n: u32) -> String {
    format!("{n:03}_{:016x}.txt", u64::from(n) * 0x1001)
}

/// A site of three seeds, one of them about "L’ONS" (the text the issue saw damaged).
fn three_seed_site() -> tempfile::TempDir {
    let seeds = [
        (
            seed_name(1),
            common::french_seed("Le groupe L’ONS sous enquête", "12/03/2023", "Justice"),
        ),
        (
            seed_name(2),
            common::french_seed("Réforme des retraites", "13/03/2023", "Politique"),
        ),
        (
            seed_name(3),
            common::french_seed("Budget de la culture", "14/03/2023", "Culture"),
        ),
    ];
    let refs: Vec<(&str, &str)> = seeds
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    common::site(CONFIG, &refs)
}

/// Flips bytes of `path`: inside the first `L’ONS` if the file holds it, else in the middle.
fn damage(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let needle = "L’ONS".as_bytes();
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .map_or(bytes.len() / 2, |i| i + needle.len() - 2);
    bytes[at] ^= 0x5a;
    std::fs::write(path, bytes).unwrap();
}

/// The cache files of `root` whose name starts with `prefix`.
fn cache_files(root: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root.join(".gazette-cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    out.sort();
    out
}

/// The cache file to damage for `prefix`: for seed shards, the one holding the `L’ONS` seed.
fn victim(root: &Path, prefix: &str) -> PathBuf {
    let files = cache_files(root, prefix);
    let holds = |p: &PathBuf| {
        let bytes = std::fs::read(p).unwrap();
        bytes
            .windows("L’ONS".len())
            .any(|w| w == "L’ONS".as_bytes())
    };
    files
        .iter()
        .find(|p| holds(p))
        .or(files.first())
        .unwrap_or_else(|| panic!("no cache file {prefix}*"))
        .clone()
}

#[test]
fn a_damaged_cache_file_of_any_kind_is_discarded_with_one_warning() {
    for prefix in [
        "seeds-",
        "search-",
        "cards.bin",
        "manifest.bin",
        "last-build.bin",
    ] {
        let site = three_seed_site();
        let root = site.path();
        let out = root.join("dist");
        age_inputs(root);
        common::build(root, &out, &[]);
        let file = victim(root, prefix);
        damage(&file);
        if prefix != "last-build.bin" {
            // A new seed, as CI adds them: the build takes everything else from the cache.
            let added = root.join("seeds").join(seed_name(4));
            let text = common::french_seed("Nouvelle loi sur l’eau", "15/03/2023", "Eau");
            std::fs::write(&added, text).unwrap();
            age(&added, 60);
        }
        let o = common::build(root, &out, &[]);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let warnings = stderr(&o).matches("damaged cache file").count();
        assert_eq!(warnings, 1, "{name}: one warning\n{}", stderr(&o));
        assert!(stderr(&o).contains(&name), "{name} named\n{}", stderr(&o));
        let got = common::tree(&out);
        let want = common::no_cache_tree(root);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{name}"
        );
        for (path, bytes) in &want {
            assert!(
                got[path] == *bytes,
                "{name}: {path} differs from --no-cache"
            );
        }
        // Rebuilt: the next build says nothing.
        let o = common::build(root, &out, &[]);
        assert!(!stderr(&o).contains("damaged"), "{name}: {}", stderr(&o));
    }
}

/// The slug of seed `n` in the lock of `root`.
fn locked_slug(root: &Path, n: u32) -> Option<String> {
    let id = seed_name(n).trim_end_matches(".txt").to_string();
    let text = std::fs::read_to_string(root.join("urls.lock")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{id} ")).map(str::to_string))
}

#[test]
fn a_published_url_is_kept_by_a_lower_id_with_the_same_words_even_without_cache() {
    let site = common::site(
        CONFIG,
        &[(
            &seed_name(5),
            &common::french_seed("Une crise diplomatique majeure", "12/03/2023", "Monde"),
        )],
    );
    let root = site.path();
    let out = root.join("dist");
    common::build(root, &out, &["--no-cache"]);
    assert_eq!(
        locked_slug(root, 5).as_deref(),
        Some("une-crise-diplomatique-majeure")
    );
    let lock_text = std::fs::read_to_string(root.join("urls.lock")).unwrap();
    assert!(lock_text.starts_with("# urls.lock"), "{lock_text}");

    // A new seed with a lower id and the same first words: it gets another URL, with a note
    // naming both seeds, and `--strict` still passes (near-duplicates are normal).
    std::fs::write(
        root.join("seeds").join(seed_name(2)),
        common::french_seed("Une crise diplomatique majeure", "13/03/2023", "Asie").replace(
            "avant le vote.",
            "avant le vote.\n\nLa délégation partira pour Tokyo.",
        ),
    )
    .unwrap();
    let o = common::build(root, &out, &["--no-cache", "--strict"]);
    let err = stderr(&o);
    assert!(
        err.contains("note:") && err.contains("005_") && err.contains("002_"),
        "{err}"
    );
    let page =
        std::fs::read_to_string(out.join("articles/une-crise-diplomatique-majeure/index.html"))
            .unwrap();
    assert!(!page.contains("Tokyo"), "the first article keeps its URL");
    let newer = locked_slug(root, 2).unwrap();
    assert_ne!(newer, "une-crise-diplomatique-majeure");
    let moved = std::fs::read_to_string(out.join(format!("articles/{newer}/index.html"))).unwrap();
    assert!(moved.contains("Tokyo"));
    assert_eq!(
        locked_slug(root, 5).as_deref(),
        Some("une-crise-diplomatique-majeure")
    );

    // The first seed removed: its line stays, so its URL is not given to the other.
    std::fs::remove_file(root.join("seeds").join(seed_name(5))).unwrap();
    common::build(root, &out, &["--no-cache"]);
    assert_eq!(
        locked_slug(root, 5).as_deref(),
        Some("une-crise-diplomatique-majeure")
    );
    assert_eq!(locked_slug(root, 2), Some(newer));
}

#[test]
fn only_an_override_moves_a_url_and_the_old_one_redirects() {
    let site = common::site(
        CONFIG,
        &[
            (
                &seed_name(1),
                &common::french_seed("Première affaire", "12/03/2023", "Justice"),
            ),
            (
                &seed_name(2),
                &common::french_seed("Seconde affaire", "13/03/2023", "Justice"),
            ),
        ],
    );
    let root = site.path();
    let out = root.join("dist");
    common::build(root, &out, &[]);
    let overrides = root.join("content/articles");
    std::fs::create_dir_all(&overrides).unwrap();
    let id = seed_name(2).trim_end_matches(".txt").to_string();

    // Pinning the other article's slug is an error naming both; nothing is published.
    std::fs::write(
        overrides.join(format!("{id}.md")),
        "+++\nslug = \"premiere-affaire\"\n+++\n",
    )
    .unwrap();
    let o = common::try_build(root, &out, &[]);
    let err = common::failure_message(&o);
    assert!(err.contains(&id) && err.contains("001_"), "{err}");
    assert!(out.join("articles/seconde-affaire/index.html").is_file());

    // A free slug moves it; the old URL redirects, and the lock remembers both.
    std::fs::write(
        overrides.join(format!("{id}.md")),
        "+++\nslug = \"la-seconde\"\n+++\n",
    )
    .unwrap();
    common::build(root, &out, &[]);
    assert!(out.join("articles/la-seconde/index.html").is_file());
    let redirect =
        std::fs::read_to_string(out.join("articles/seconde-affaire/index.html")).unwrap();
    assert!(redirect.contains("refresh"), "{redirect}");
    assert!(redirect.contains("canonical"), "{redirect}");
    assert!(redirect.contains("la-seconde"), "{redirect}");
    assert_eq!(
        locked_slug(root, 2).as_deref(),
        Some("la-seconde seconde-affaire")
    );
    // The override removed: the URL stays where the override put it, still redirecting.
    std::fs::remove_file(overrides.join(format!("{id}.md"))).unwrap();
    common::build(root, &out, &["--no-cache"]);
    assert!(out.join("articles/la-seconde/index.html").is_file());
    assert!(out.join("articles/seconde-affaire/index.html").is_file());
}

#[test]
fn check_and_a_failed_build_do_not_write_the_lock() {
    let site = common::site(
        CONFIG,
        &[(
            &seed_name(1),
            &common::french_seed("Première affaire", "12/03/2023", "Justice"),
        )],
    );
    let root = site.path();
    let o = common::gazette(&["check", "--root", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!root.join("urls.lock").exists());
}

#[cfg(unix)]
#[test]
fn every_skipped_entry_of_seeds_is_named_and_fails_strict() {
    let site = common::site(
        CONFIG,
        &[(
            &seed_name(1),
            &common::french_seed("Première affaire", "12/03/2023", "Justice, ???, ---"),
        )],
    );
    let root = site.path();
    let seeds = root.join("seeds");
    std::fs::write(seeds.join("002_0000000000002002.TXT"), "Titre\n\nTexte.\n").unwrap();
    std::fs::write(seeds.join("notes.md"), "x").unwrap();
    std::fs::create_dir(seeds.join("003_0000000000003003.txt")).unwrap();
    std::os::unix::fs::symlink(
        seeds.join(seed_name(1)),
        seeds.join("004_0000000000004004.txt"),
    )
    .unwrap();
    let fifo = seeds.join("005_0000000000005005.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let fifo_made = made.is_ok_and(|s| s.success());
    std::fs::write(seeds.join(".gitkeep"), "").unwrap();

    let out = root.join("dist");
    let o = common::build(root, &out, &[]);
    let err = stderr(&o);
    for name in [
        "002_0000000000002002.TXT",
        "notes.md",
        "003_0000000000003003.txt",
        "004_0000000000004004.txt",
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("warning:") && l.contains(name)),
            "{name} named\n{err}"
        );
    }
    if fifo_made {
        assert!(err.contains("005_0000000000005005.txt"), "{err}");
    }
    assert!(!err.contains(".gitkeep"), "{err}");
    // Punctuation-only tags: a warning each, and no tag page `-`.
    assert!(err.contains("\"???\"") && err.contains("\"---\""), "{err}");
    assert!(!out.join("tags/-").exists());
    assert!(out.join("tags/justice").exists());
    let strict = common::try_build(root, &out, &["--strict"]);
    common::failure_message(&strict);
}

#[test]
fn a_template_error_while_rendering_names_the_line() {
    let site = common::site(
        CONFIG,
        &[(
            &seed_name(1),
            &common::french_seed("Première affaire", "12/03/2023", "Justice"),
        )],
    );
    let templates = site.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("article.html"),
        "<!doctype html>\n<title>x</title>\n<p>{{ article.no_such_field }}</p>\n",
    )
    .unwrap();
    let o = common::try_build(site.path(), &site.path().join("dist"), &[]);
    let err = common::failure_message(&o);
    assert!(
        err.contains("templates/article.html:3: <p>{{ article.no_such_field }}</p>"),
        "{err}"
    );
}

#[test]
fn many_warnings_of_one_kind_are_summed_up() {
    let long = "x".repeat(120);
    let tags = vec![long.as_str(); 40].join(", ");
    let site = common::site(
        CONFIG,
        &[(
            &seed_name(1),
            &common::french_seed("Première affaire", "12/03/2023", &tags),
        )],
    );
    let o = common::build(site.path(), &site.path().join("dist"), &[]);
    let err = stderr(&o);
    let alike = err
        .matches("tag longer than 100 characters ignored")
        .count();
    // Three as they are, and the summary, which names the kind.
    assert_eq!(alike, 4, "{err}");
    assert!(err.contains("… and 37 more like this"), "{err}");
}
