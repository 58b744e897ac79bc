//! `gazette check`: passes on the sample site, fails (exit code 1, file and line named) on a
//! dead link or a missing #anchor in a content page; and the library link checker on a built
//! folder.

mod common;

use std::path::Path;

const CONFIG: &str = "title = \"Test\"\nbase_url = \"https://user.github.io/repo/\"\n\
                      language = \"fr\"\n";

fn check(root: &Path) -> std::process::Output {
    common::gazette(&["check", "--root", root.to_str().unwrap()])
}

fn site_with_page(markdown_body: &str) -> tempfile::TempDir {
    let seed = common::french_seed("Réforme des retraites", "12/03/2023", "Politique, France");
    let site = common::site(CONFIG, &[("001_aaaaaaaaaaaaaaaa.txt", &seed)]);
    std::fs::create_dir_all(site.path().join("content")).unwrap();
    std::fs::write(
        site.path().join("content/about.md"),
        format!("+++\ntitle = \"À propos\"\n+++\nPremière ligne.\n\n{markdown_body}\n"),
    )
    .unwrap();
    site
}

#[test]
fn passes_on_the_sample_site() {
    let o = check(&common::sample_root());
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("check ok"));
}

#[test]
fn passes_with_good_links_under_the_sub_path() {
    let site = site_with_page("Voir [les étiquettes](/repo/tags/#main) et [l'accueil](/repo/).");
    let o = check(site.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn fails_on_a_dead_link_naming_the_file_and_line() {
    let site = site_with_page("Voir [ailleurs](/repo/nulle-part/).");
    let o = check(site.path());
    let err = common::failure_message(&o);
    assert!(err.contains("about.md:6:"), "{err}");
    assert!(err.contains("/repo/nulle-part/"), "{err}");
}

#[test]
fn fails_on_a_missing_anchor() {
    let site = site_with_page("Voir [la section](/repo/tags/#pas-de-section).");
    let o = check(site.path());
    let err = common::failure_message(&o);
    assert!(err.contains("pas-de-section"), "{err}");
    assert!(err.contains("about.md:6:"), "{err}");
}

#[test]
fn fails_on_a_link_that_ignores_the_base_path() {
    // Works at a domain root, breaks on GitHub Pages under /repo/.
    let site = site_with_page("Voir [les étiquettes](/tags/).");
    let o = check(site.path());
    assert!(common::failure_message(&o).contains("base path"));
}

#[test]
fn library_checker_reads_a_built_folder() {
    let site = site_with_page("Voir [ailleurs](/repo/nulle-part/) et [ici](/repo/about/#absent).");
    let out = site.path().join("dist");
    common::build(site.path(), &out, &[]);
    let problems = gazette::check::broken_links(&out, "/repo/");
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems.iter().all(|p| p.file == "about/index.html"));
    assert!(problems.iter().any(|p| p.message.contains("nulle-part")));
    assert!(problems.iter().any(|p| p.message.contains("absent")));

    std::fs::remove_dir_all(&out).unwrap();
    std::fs::write(
        site.path().join("content/about.md"),
        "+++\ntitle = \"A\"\n+++\nok\n",
    )
    .unwrap();
    common::build(site.path(), &out, &[]);
    assert_eq!(gazette::check::broken_links(&out, "/repo/"), vec![]);
}
