//! gazette never deletes what it did not write, and whatever stops a build, the output folder is
//! the whole old site or the whole new one: symbolic links, files and foreign folders at the
//! output path, `--root` and `--output` spellings, and builds killed at chosen and random
//! moments (including between the two renames of a platform without an atomic exchange).

mod common;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const CONFIG: &str = "title = \"Test\"\nlanguage = \"fr\"\npaginate_by = 3\n";

/// A project with `n` French seeds.
fn project(n: usize) -> tempfile::TempDir {
    let seeds: Vec<(String, String)> = (0..n).map(seed).collect();
    let refs: Vec<(&str, &str)> = seeds
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    common::site(CONFIG, &refs)
}

/// Seed number `i`: a distinct title, date and tags.
fn seed(i: usize) -> (String, String) {
    let name = format!("{:03}_{:016x}.txt", i % 1000, 0xabc0_0000_u64 + i as u64);
    let title = format!("Dossier numéro {i} sur la réforme {}", i * 7 % 13);
    let date = format!("{:02}/{:02}/20{:02}", 1 + i % 28, 1 + i % 12, 10 + i % 14);
    let tags = format!("Politique, Thème {}", i % 9);
    (name, common::french_seed(&title, &date, &tags))
}

fn gazette_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .current_dir(cwd)
        .env_remove("CI")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Names beside `dir` that a build left behind (`.dist.gazette-new-…`, `-old-…`).
fn leftovers(dir: &Path) -> Vec<String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let mut found: Vec<String> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with(&format!(".{name}.gazette-")))
        .collect();
    found.sort();
    found
}

#[test]
fn a_symlinked_output_is_never_emptied_through() {
    let site = project(2);
    let root = site.path();
    let seeds_before = common::tree(&root.join("seeds"));
    // A link to the project's own seeds.
    std::os::unix::fs::symlink(root.join("seeds"), root.join("out")).unwrap();
    let o = common::try_build(root, &root.join("out"), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("seeds/ folder"), "{}", stderr(&o));
    assert_eq!(common::tree(&root.join("seeds")), seeds_before);
    // A link to a web root that holds other files: refused, the files stay.
    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), "theirs").unwrap();
    std::os::unix::fs::symlink(web.path(), root.join("dist")).unwrap();
    let o = common::try_build(root, &root.join("dist"), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("did not write"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(web.path().join("index.html")).unwrap(),
        b"theirs"
    );
    // A link to the project folder itself.
    std::os::unix::fs::symlink(root, root.join("here")).unwrap();
    let o = common::try_build(root, &root.join("here"), &["--force"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(root.join("config.toml").exists());
    assert!(leftovers(&root.join("here")).is_empty());
}

#[test]
fn a_link_to_a_gazette_output_is_replaced_through_and_kept() {
    let site = project(2);
    let root = site.path();
    let releases = tempfile::tempdir().unwrap();
    let blue = releases.path().join("blue");
    common::build(root, &blue, &[]);
    std::os::unix::fs::symlink(&blue, root.join("dist")).unwrap();
    std::fs::write(root.join("seeds").join(seed(5).0), seed(5).1).unwrap();
    common::build(root, &root.join("dist"), &[]);
    assert!(root.join("dist").is_symlink(), "the link stays a link");
    let html = common::tree(&blue);
    assert!(
        html.keys().any(|p| p.contains("numero-5")),
        "{:?}",
        html.keys()
    );
    assert!(leftovers(&blue).is_empty());
}

#[test]
fn files_and_foreign_folders_are_not_replaced_without_force() {
    let site = project(1);
    let root = site.path();
    std::fs::write(root.join("dist"), "a file").unwrap();
    let o = common::try_build(root, &root.join("dist"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is a file"), "{}", stderr(&o));
    assert_eq!(std::fs::read(root.join("dist")).unwrap(), b"a file");
    assert!(leftovers(&root.join("dist")).is_empty());

    let other = root.join("www");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let o = common::try_build(root, &other, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(stderr(&o).contains("left as it was"), "{}", stderr(&o));
    assert_eq!(std::fs::read(other.join("notes.txt")).unwrap(), b"mine");
    common::build(root, &other, &["--force"]);
    assert!(!other.join("notes.txt").exists());
    assert!(
        other.join(".gazette-output").is_file(),
        "the output is marked"
    );
    // Marked now: the next build needs no --force.
    common::build(root, &other, &[]);
}

#[test]
fn the_output_defaults_to_dist_under_the_root() {
    let site = project(1);
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::create_dir(elsewhere.path().join("dist")).unwrap();
    std::fs::write(elsewhere.path().join("dist/keep.txt"), "x").unwrap();
    let root = site.path().to_str().unwrap();
    let o = gazette_in(elsewhere.path(), &["build", "--quiet", "--root", root]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.path().join("dist/index.html").is_file());
    assert!(elsewhere.path().join("dist/keep.txt").is_file());
    // A relative --output is relative to the current folder.
    let o = gazette_in(
        elsewhere.path(),
        &["build", "--quiet", "--root", root, "--output", "site-out"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(elsewhere.path().join("site-out/index.html").is_file());
}

#[test]
fn a_root_that_is_not_a_project_is_a_usage_error() {
    let here = tempfile::tempdir().unwrap();
    for command in ["build", "check", "serve"] {
        let o = gazette_in(here.path(), &[command, "--root", "typo"]);
        assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
        assert!(stderr(&o).contains("typo"), "{command}: {}", stderr(&o));
        std::fs::create_dir_all(here.path().join("empty")).unwrap();
        let o = gazette_in(here.path(), &[command, "--root", "empty"]);
        assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("not a gazette project"),
            "{}",
            stderr(&o)
        );
    }
    let made: Vec<_> = std::fs::read_dir(here.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        made,
        vec![std::ffi::OsString::from("empty")],
        "nothing created"
    );
    assert_eq!(
        std::fs::read_dir(here.path().join("empty"))
            .unwrap()
            .count(),
        0
    );
}

/// The two sites a build may leave: the one before it and the one it makes.
struct Sites {
    old: BTreeMap<String, Vec<u8>>,
    new: BTreeMap<String, Vec<u8>>,
}

impl Sites {
    /// Panics unless `dir` holds exactly one of the two.
    fn assert_one_of(&self, dir: &Path, label: &str) -> bool {
        let got = common::tree(dir);
        assert!(
            got == self.old || got == self.new,
            "{label}: the output is neither the old site nor the new one ({} files; old {}, \
             new {})",
            got.len(),
            self.old.len(),
            self.new.len()
        );
        got == self.new
    }
}

/// Adds seed `i` to the project and returns the old and new sites.
fn add_seed(root: &Path, dist: &Path, i: usize) -> Sites {
    let old = common::tree(dist);
    let (name, text) = seed(i);
    std::fs::write(root.join("seeds").join(name), text).unwrap();
    Sites {
        old,
        new: common::no_cache_tree(root),
    }
}

fn build_with_env(root: &Path, dist: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gazette"));
    cmd.args(["build", "--quiet", "--root", root.to_str().unwrap()])
        .args(["--output", dist.to_str().unwrap()])
        .args(extra)
        .env_remove("CI");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn builds_killed_at_each_step_of_the_swap_leave_a_whole_site() {
    let site = project(6);
    let root = site.path();
    let dist = root.join("dist");
    common::build(root, &dist, &[]);
    let mut i = 100;
    type Case<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)]);
    let cases: &[Case] = &[
        ("before-swap", &[], &[]),
        ("after-swap", &[], &[]),
        ("before-swap", &["--no-cache"], &[]),
        ("after-swap", &["--no-cache"], &[]),
        ("between-renames", &[], &[("GAZETTE_NO_EXCHANGE", "1")]),
        (
            "between-renames",
            &["--no-cache"],
            &[("GAZETTE_NO_EXCHANGE", "1")],
        ),
    ];
    for (point, extra, env) in cases {
        i += 1;
        let sites = add_seed(root, &dist, i);
        let mut env = env.to_vec();
        env.push(("GAZETTE_FAILPOINT", point));
        let o = build_with_env(root, &dist, extra, &env);
        assert!(
            !o.status.success(),
            "{point}: the fault hook killed the build"
        );
        let label = format!("killed at {point} {extra:?}");
        if *point == "between-renames" {
            // No exchange on this platform: the output is gone until the next build.
            assert!(!dist.exists(), "{label}");
        } else {
            sites.assert_one_of(&dist, &label);
            assert_eq!(
                *point == "after-swap",
                common::tree(&dist) == sites.new,
                "{label}"
            );
        }
        assert!(
            !leftovers(&dist).is_empty(),
            "{label}: the killed build left its folder"
        );
        // The next build repairs and cleans.
        let o = build_with_env(root, &dist, &[], &[]);
        assert!(o.status.success(), "{label}: {}", stderr(&o));
        assert_eq!(common::tree(&dist), sites.new, "{label}: next build");
        assert!(
            leftovers(&dist).is_empty(),
            "{label}: {:?}",
            leftovers(&dist)
        );
    }
}

#[test]
fn a_build_that_finds_the_old_site_moved_aside_puts_it_back() {
    let site = project(3);
    let root = site.path();
    let dist = root.join("dist");
    common::build(root, &dist, &[]);
    let before = common::tree(&dist);
    std::fs::write(root.join("seeds").join(seed(9).0), seed(9).1).unwrap();
    let o = build_with_env(
        root,
        &dist,
        &[],
        &[
            ("GAZETTE_NO_EXCHANGE", "1"),
            ("GAZETTE_FAILPOINT", "between-renames"),
        ],
    );
    assert!(!o.status.success());
    // The next build puts the old site back before anything else (here it is then killed).
    let o = build_with_env(root, &dist, &[], &[("GAZETTE_FAILPOINT", "before-swap")]);
    assert!(!o.status.success());
    assert_eq!(common::tree(&dist), before, "the old site is back");
}

/// A small deterministic generator for the kill delays; the seed is printed on failure.
fn next(state: &mut u64) -> u64 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *state >> 33
}

#[test]
fn builds_killed_at_random_moments_leave_a_whole_site() {
    let site = project(60);
    let root = site.path();
    let dist = root.join("dist");
    common::build(root, &dist, &[]);
    let seed0 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut state = seed0;
    // How long a whole build takes here, to spread the kills over it.
    let timed = std::time::Instant::now();
    common::build(root, &dist, &["--no-cache"]);
    let span = timed.elapsed().as_millis().max(20) as u64;
    let mut finished = 0;
    for round in 0..10 {
        let sites = add_seed(root, &dist, 200 + round);
        let no_cache = round % 3 == 2;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gazette"));
        cmd.args(["build", "--quiet", "--root", root.to_str().unwrap()])
            .args(["--output", dist.to_str().unwrap()])
            .args(if no_cache { &["--no-cache"][..] } else { &[] })
            .env_remove("CI")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        let delay = next(&mut state) % (span + span / 2);
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().ok();
        let status = child.wait().unwrap();
        let label = format!("round {round}, kill after {delay} ms (seed {seed0})");
        if sites.assert_one_of(&dist, &label) && status.success() {
            finished += 1;
        }
        // Leave the site consistent for the next round's "old" snapshot.
        common::build(root, &dist, &[]);
        assert!(leftovers(&dist).is_empty(), "{label}");
    }
    eprintln!("{finished} of 10 builds finished before the kill");
}

#[test]
fn sigterm_stops_a_build_cleanly() {
    let site = project(80);
    let root = site.path();
    let dist = root.join("dist");
    common::build(root, &dist, &[]);
    let sites = add_seed(root, &dist, 300);
    for delay in [5, 30, 80] {
        let child = Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args([
                "build",
                "--quiet",
                "--no-cache",
                "--root",
                root.to_str().unwrap(),
            ])
            .args(["--output", dist.to_str().unwrap()])
            .env_remove("CI")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        sigterm(child.id());
        let o = child.wait_with_output().unwrap();
        let label = format!("SIGTERM after {delay} ms");
        // Before the handler is installed, the signal's default action ends the process, which
        // has then written nothing.
        assert!(
            o.status.success() || o.status.code() == Some(130) || o.status.signal() == Some(15),
            "{label}: {:?} {}",
            o.status,
            stderr(&o)
        );
        sites.assert_one_of(&dist, &label);
        assert!(
            leftovers(&dist).is_empty(),
            "{label}: {:?}",
            leftovers(&dist)
        );
    }
}

fn sigterm(pid: u32) {
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
}

/// Changes the body of seed `i` deep in its text, so that only its own page and the search
/// index change (files that were unchanged in the last build are then rewritten in this one).
fn edit_seed(root: &Path, i: usize, round: usize) {
    let (name, text) = seed(i);
    let text = format!("{text}\nUn paragraphe ajouté lors de la révision numéro {round}, qui complète le dossier.\n");
    std::fs::write(root.join("seeds").join(name), text).unwrap();
}

/// A cached build stages its site in the one the build before last replaced (the spare in the
/// cache), whose files are hard links shared with the published site. Whatever it changes, it
/// must never write through such a link: a build killed just before its swap leaves the
/// published site byte for byte as it was, and every build equals a `--no-cache` one.
#[test]
fn a_recycled_staging_tree_never_writes_through_to_the_published_site() {
    let site = project(5);
    let root = site.path();
    let dist = root.join("dist");
    common::build(root, &dist, &[]);
    let spare = root.join(".gazette-cache/spare/site");
    let edits: [&dyn Fn(usize); 4] = [
        &|r| std::fs::write(root.join("seeds").join(seed(40 + r).0), seed(40 + r).1).unwrap(),
        &|r| edit_seed(root, 1, r),
        &|r| std::fs::remove_file(root.join("seeds").join(seed(r % 5).0)).unwrap(),
        &|r| edit_seed(root, 3, r),
    ];
    for round in 0..8 {
        edits[round % 4](round);
        if round % 2 == 1 {
            assert!(spare.exists(), "round {round}: the last build kept a spare");
            let before = common::tree(&dist);
            let o = build_with_env(root, &dist, &[], &[("GAZETTE_FAILPOINT", "before-swap")]);
            assert!(!o.status.success(), "round {round}: the fault hook ran");
            assert!(
                common::tree(&dist) == before,
                "round {round}: a killed build changed the published site"
            );
        }
        let o = build_with_env(root, &dist, &[], &[]);
        assert!(o.status.success(), "round {round}: {}", stderr(&o));
        assert!(
            common::tree(&dist) == common::no_cache_tree(root),
            "round {round}: the cached build differs from a full one"
        );
    }
}

/// A site that cannot be reused (the output was edited by hand, so the next build is a full
/// one) is moved to the cache's trash rather than deleted on the spot, and later builds remove
/// it in the background: the trash empties, and the output is always whole.
#[test]
fn replaced_sites_in_the_trash_are_removed_by_later_builds() {
    let site = project(4);
    let root = site.path();
    let dist = root.join("dist");
    common::build(root, &dist, &[]);
    std::fs::write(dist.join("added-by-hand.html"), "<p>x</p>").unwrap();
    let o = build_with_env(root, &dist, &["--force"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let trash = root.join(".gazette-cache/trash");
    let count = || std::fs::read_dir(&trash).map_or(0, |d| d.count());
    assert_eq!(count(), 1, "the replaced site waits in the trash");
    assert!(!dist.join("added-by-hand.html").exists());
    for i in 0..3 {
        if count() == 0 {
            break;
        }
        add_seed(root, &dist, 50 + i);
        let o = build_with_env(root, &dist, &[], &[]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(count(), 0, "later builds emptied the trash");
    assert_eq!(common::tree(&dist), common::no_cache_tree(root));
}
