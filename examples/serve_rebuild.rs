//! Times the rebuilds of `gazette serve`, which keep the parsed seeds, the rendered pages and
//! the search analyses of the last build in memory ([`gazette::build::Session`]).
//!
//! ```text
//! cargo run --release --example serve_rebuild -- DIR NEW_SEED... [--runs N] [--callgrind]
//! ```
//!
//! `DIR` is a project folder (`config.toml`, `seeds/`). The session builds it once (the first
//! build of `gazette serve`, reported), then, `N` times (5 by default), rebuilds with nothing
//! changed; then it adds the `NEW_SEED` files one at a time to `DIR/seeds/`, rebuilding after
//! each (the "add one seed" of the issue), and removes them again at the end. It prints the
//! median of each and checks that the last rebuild equals a fresh build, file for file.
//!
//! Like `gazette serve`, each rebuild is told what its file watcher would report (nothing, or
//! the seed just added: [`gazette::build::Changes`]), and it keeps the last site while the next
//! one is built, so that its peak
//! memory (`/usr/bin/time -f %M`) is what serving such a site takes; the session is dropped
//! before the check.
//!
//! `--callgrind`, for a run under `valgrind --tool=callgrind --instr-atstart=no`: switches
//! callgrind's instrumentation on (`callgrind_control -i on`) for the add-one rebuilds only,
//! and skips the check, so that the instruction counts are those of the rebuilds alone.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gazette::build::{self, BuildOptions};
use gazette::output::SiteFiles;

/// The allocator of the `gazette` binary, so that the times are those of `gazette serve`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The project folder, the new seeds, the number of no-change rebuilds and `--callgrind`.
fn arguments() -> (PathBuf, Vec<PathBuf>, usize, bool) {
    let mut args = std::env::args().skip(1);
    let mut root: Option<PathBuf> = None;
    let mut new_seeds: Vec<PathBuf> = Vec::new();
    let mut runs = 5usize;
    let mut callgrind = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--callgrind" => callgrind = true,
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(5).max(1),
            _ if root.is_none() => root = Some(PathBuf::from(a)),
            _ => new_seeds.push(PathBuf::from(a)),
        }
    }
    let Some(root) = root else {
        eprintln!("usage: serve_rebuild DIR NEW_SEED... [--runs N] [--callgrind]");
        std::process::exit(2);
    };
    (root, new_seeds, runs, callgrind)
}

/// One line per added seed: its time, its stages and the pages it rendered, so that the
/// spread shows, not only the last rebuild's stages.
fn added_line(name: &std::ffi::OsStr, t: Duration, built: &build::Built<SiteFiles>) -> String {
    let stages: Vec<String> = built
        .timings
        .stages
        .iter()
        .filter(|s| s.elapsed >= Duration::from_micros(500))
        .map(|s| format!("{} {:.0}", s.name, s.elapsed.as_secs_f64() * 1000.0))
        .collect();
    format!(
        "  {:<28} {:>10}  {}; {} rendered",
        name.to_string_lossy(),
        ms(t),
        stages.join(", "),
        built.pages.templated
    )
}

/// The stages of a rebuild and how its pages were made.
fn stages_report(built: &build::Built<SiteFiles>) -> String {
    let p = built.pages;
    format!(
        "{}  pages: {} rendered, {} spliced into kept shells, {} kept\n",
        built.timings.report(),
        p.templated,
        p.spliced,
        p.kept
    )
}

/// Switches callgrind's instrumentation of this process `on` or `off`.
fn instrument(state: &str) {
    let pid = std::process::id().to_string();
    let ok = std::process::Command::new("callgrind_control")
        .args(["-i", state, &pid])
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("callgrind_control -i {state} {pid} failed: is this run under callgrind?");
        std::process::exit(1);
    }
}

fn main() {
    gazette::return_freed_memory_sooner();
    let (root, new_seeds, runs, callgrind) = arguments();
    let opts = BuildOptions::for_root(&root);
    let mut session = build::Session::default();
    // Like `gazette serve`, the caller keeps the files of the last build (the site it serves);
    // the session shares unchanged pages with it.
    let build = |session: &mut build::Session, served: &SiteFiles, changes: &build::Changes| {
        let start = Instant::now();
        let built = session
            .build_after(&opts, served, changes)
            .unwrap_or_else(|f| {
                eprintln!("build failed: {:#}", f.error);
                std::process::exit(1);
            });
        (start.elapsed(), built)
    };

    let (first, built) = build(
        &mut session,
        &SiteFiles::default(),
        &build::Changes::Unknown,
    );
    println!(
        "first build             {:>10}  ({} articles, {} files)",
        ms(first),
        built.site.articles.len(),
        built.files.len()
    );
    let mut served = built.files;

    let mut no_change = Vec::new();
    for _ in 0..runs {
        // What `gazette serve` is told by its file watcher: nothing changed.
        let (t, built) = build(
            &mut session,
            &served,
            &build::Changes::Seeds(Default::default()),
        );
        no_change.push(t);
        served = built.files;
    }
    println!(
        "rebuild, no change      {:>10}  (median of {runs})",
        ms(median(no_change))
    );

    let mut added = Vec::new();
    let mut add_one = Vec::new();
    if callgrind {
        instrument("on");
    }
    let mut last_stages = String::new();
    for seed in &new_seeds {
        let name = seed.file_name().expect("a seed file name");
        let target = root.join("seeds").join(name);
        std::fs::copy(seed, &target).expect("copy the new seed");
        added.push(target);
        // What its watcher tells `gazette serve`: this seed file changed.
        let changes = build::Changes::Seeds([name.to_os_string()].into());
        let (t, built) = build(&mut session, &served, &changes);
        add_one.push(t);
        println!("{}", added_line(name, t, &built));
        last_stages = stages_report(&built);
        served = built.files;
    }
    if callgrind {
        instrument("off");
    }
    let checked = !add_one.is_empty() && !callgrind;
    if !add_one.is_empty() {
        let n = add_one.len();
        println!(
            "rebuild, one seed added {:>10}  (median of {n})",
            ms(median(add_one))
        );
        print!("stages of the last one:\n{last_stages}");
    }
    if checked && !equals_fresh_build(session, &served, &opts) {
        std::process::exit(1);
    }
    for f in added {
        let _ = std::fs::remove_file(f);
    }
}

/// Whether the last rebuild's files are those of a fresh build. The session is dropped first:
/// what `gazette serve` holds is measured above, and the check should not add to it.
fn equals_fresh_build(session: build::Session, served: &SiteFiles, opts: &BuildOptions) -> bool {
    drop(session);
    let fresh = build::build_in_memory(opts).unwrap_or_else(|f| {
        eprintln!("fresh build failed: {:#}", f.error);
        std::process::exit(1);
    });
    let same = served.len() == fresh.files.len()
        && fresh
            .files
            .iter()
            .all(|f| served.get(&f.path).map(|b| b.as_slice()) == Some(f.bytes.as_slice()));
    println!("last rebuild equals a fresh build: {same}");
    same
}
