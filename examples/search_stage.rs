//! Times the search-index stage alone, so that changes to it can be measured apart from the
//! rest of the build.
//!
//! ```text
//! cargo run --release --example search_stage -- DIR [--runs N]
//! ```
//!
//! `DIR` is a project folder (`config.toml`, `seeds/`). Every seed is parsed once, up front, and
//! the site model is assembled twice: with every seed, and without the seed of the newest
//! article (the "before" of the common incremental case, a new seed arriving). Then, each timed
//! `N` times (5 by default) and reported as the median:
//!
//! - `full, no cache`: [`gazette::search::build_index`];
//! - `full, cold cache`: [`gazette::search::build_index_cached`] on an empty cache folder;
//! - `no change`: the same on a warm cache of the same site;
//! - `add one`: on a cache of the site without the newest article.
//!
//! The cache folder is a temporary folder under `/dev/shm` when it exists (so that the disk is
//! not what is measured), removed at the end. It also prints the number and bytes of the index
//! files and a digest of them (compare it across versions for byte-identical output), and how
//! many files an added article changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use gazette::output::OutputFile;
use gazette::seed::{list_seed_files, parse_seed, ParseOptions};
use gazette::site::Site;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut out = None;
    for _ in 0..runs {
        let start = Instant::now();
        out = Some(f());
        times.push(start.elapsed());
    }
    (median(times), out.expect("at least one run"))
}

fn digest(files: &[OutputFile]) -> String {
    let mut h = blake3::Hasher::new();
    for f in files {
        h.update(f.path.as_bytes()).update(&[0]).update(&f.bytes);
    }
    h.finalize().to_hex()[..16].to_string()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut root: Option<PathBuf> = None;
    let mut runs = 5usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(5).max(1),
            _ => root = Some(PathBuf::from(a)),
        }
    }
    let Some(root) = root else {
        eprintln!("usage: search_stage DIR [--runs N]");
        std::process::exit(2);
    };
    let config = gazette::build::load_config(&root, None).expect("config");
    let urls = gazette::urls::Urls::new(&config.base_url).expect("base_url");
    let opts = ParseOptions::from_config(&config);
    let files = list_seed_files(&root.join("seeds")).expect("seeds");
    let seeds: Vec<_> = files
        .par_iter()
        .filter_map(|f| parse_seed(f, &std::fs::read(f).ok()?, &opts).ok())
        .collect();
    let assemble = |seeds: Vec<_>| -> Site {
        gazette::site::assemble(&config, &urls, seeds, Default::default(), false).0
    };
    let site = assemble(seeds.clone());
    let newest = site.articles[0].file.clone();
    let before = assemble(seeds.into_iter().filter(|s| s.file != newest).collect());
    println!(
        "{} articles ({} before adding {}), {} threads, median of {runs}",
        site.articles.len(),
        before.articles.len(),
        newest.display(),
        rayon::current_num_threads()
    );

    let (t, full) = time(runs, || gazette::search::build_index(&site));
    let bytes: usize = full.iter().map(|f| f.bytes.len()).sum();
    println!(
        "full, no cache:   {:>8.1} ms  ({} files, {} bytes, digest {})",
        t.as_secs_f64() * 1e3,
        full.len(),
        bytes,
        digest(&full)
    );
    cached(&site, &before, &full, runs);
    let old: BTreeMap<String, Vec<u8>> = gazette::search::build_index(&before)
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    let changed = full
        .iter()
        .filter(|f| old.get(&f.path) != Some(&f.bytes))
        .count();
    let changed_bytes: usize = full
        .iter()
        .filter(|f| old.get(&f.path) != Some(&f.bytes))
        .map(|f| f.bytes.len())
        .sum();
    println!(
        "adding one article changes {changed} of {} files ({changed_bytes} bytes)",
        full.len()
    );
}

/// A fresh cache folder, under `/dev/shm` when it exists.
fn cache_dir(name: &str) -> PathBuf {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!("search-stage-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Times [`gazette::search::build_index_cached`]: cold, warm with no change, and warm from the
/// site without its newest article; each must give the bytes of the uncached build.
fn cached(site: &Site, before: &Site, full: &[OutputFile], runs: usize) {
    use gazette::search::build_index_cached;
    let report = |label: &str, t: Duration, files: &[OutputFile]| {
        assert!(files == full, "{label}: differs from the uncached index");
        println!("{label:<18}{:>8.1} ms", t.as_secs_f64() * 1e3);
    };
    let mut times = Vec::new();
    let mut last = Vec::new();
    for _ in 0..runs {
        let dir = cache_dir("cold");
        let start = Instant::now();
        last = build_index_cached(site, &dir);
        times.push(start.elapsed());
        std::fs::remove_dir_all(&dir).expect("remove the cache folder");
    }
    report("full, cold cache:", median(times), &last);

    let dir = cache_dir("warm");
    build_index_cached(site, &dir);
    let (t, files) = time(runs, || build_index_cached(site, &dir));
    report("no change:", t, &files);
    std::fs::remove_dir_all(&dir).expect("remove the cache folder");

    let mut times = Vec::new();
    for _ in 0..runs {
        let dir = cache_dir("add");
        build_index_cached(before, &dir);
        let start = Instant::now();
        last = build_index_cached(site, &dir);
        times.push(start.elapsed());
        std::fs::remove_dir_all(&dir).expect("remove the cache folder");
    }
    report("add one:", median(times), &last);
}
