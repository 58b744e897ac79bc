//! Helpers shared by the integration tests: run the real binary, read built trees.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root: the sample site.
pub fn sample_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `gazette <args>` and returns its output.
pub fn gazette(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .env_remove("CI")
        .output()
        .expect("the gazette binary runs")
}

/// Runs `gazette build --root ROOT --output OUT [extra]` and returns its output, success or not.
pub fn try_build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    gazette(&args)
}

/// The stderr of a run that must have failed with exit code 1 (a problem in the site).
pub fn failure_message(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(1),
        "expected exit code 1; stderr:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Builds `root` into `out`, panicking with the tool's stderr when it fails.
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["--quiet"];
    args.extend_from_slice(extra);
    let o = try_build(root, out, &args);
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Every file under `dir`: relative path with `/` → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

/// The site `root`'s sources make now: a copy of its config, `urls.lock` (committed beside
/// the seeds, so a CI build without any cache has it too), `seeds/`, `content/` and `themes/`,
/// built with `--no-cache`. The copy holds no cache and no output, so nothing of an earlier
/// build can leak into it: the reference a cached or interrupted build must equal.
pub fn no_cache_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().unwrap();
    for f in ["config.toml", "urls.lock"] {
        if root.join(f).exists() {
            std::fs::copy(root.join(f), copy.path().join(f)).unwrap();
        }
    }
    for dir in ["seeds", "content", "themes"] {
        for e in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            let to = copy.path().join(e.path().strip_prefix(root).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
    }
    let out = copy.path().join("dist");
    build(copy.path(), &out, &["--no-cache"]);
    assert!(
        !copy.path().join(".gazette-cache").exists(),
        "--no-cache writes no cache"
    );
    tree(&out)
}

/// A new site in a temp dir with the given seeds (`name` → text) and config.
pub fn site(config: &str, seeds: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("seeds")).unwrap();
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    for (name, text) in seeds {
        std::fs::write(dir.path().join("seeds").join(name), text).unwrap();
    }
    dir
}

/// A plausible French seed with a source/date line and tags.
pub fn french_seed(title: &str, date: &str, tags: &str) -> String {
    format!(
        "{title}\n\nParis. Le gouvernement a présenté mardi un nouveau projet concernant {title}. \
         Les députés examineront le texte la semaine prochaine, selon plusieurs sources proches du dossier.\n\n\
         Les associations ont réagi avec prudence. Elles demandent des garanties supplémentaires \
         et une consultation plus large avant le vote.\n\nAFP, {date}\nEtiquettes : {tags},\n"
    )
}

/// A test that needs a tool outside Rust (a browser, Java, Node): its name, what is missing
/// (if anything), and its body.
pub struct NeedsTools {
    pub name: &'static str,
    pub missing: Option<String>,
    pub body: fn(),
}

/// Runs the tests of a test binary without the standard harness (`harness = false`), so that a
/// test whose tools are missing is reported as *ignored*, with the reason, instead of passing
/// without checking anything; when `CI` is set, it fails instead, since CI installs everything.
pub fn run_needing_tools(tests: Vec<NeedsTools>) -> ! {
    let mut args = libtest_mimic::Arguments::from_args();
    // One at a time unless asked otherwise: a browser test that types into a page is timed, and
    // another browser or validator running beside it on a small machine makes it flaky.
    args.test_threads.get_or_insert(1);
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    let trials = tests
        .into_iter()
        .map(|t| {
            let body = t.body;
            match t.missing {
                None => libtest_mimic::Trial::test(t.name, move || {
                    body();
                    Ok(())
                }),
                Some(why) if ci => libtest_mimic::Trial::test(t.name, move || {
                    Err(format!("{why} (CI is set: run .ci/run to install it)").into())
                }),
                Some(why) => {
                    eprintln!("{}: ignored, {why} (`bash .ci/run` installs it)", t.name);
                    libtest_mimic::Trial::test(t.name, || Ok(())).with_ignored_flag(true)
                }
            }
        })
        .collect();
    libtest_mimic::run(&args, trials).exit()
}
