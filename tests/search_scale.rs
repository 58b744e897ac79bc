//! Scale check of the search index on a large corpus (ignored by default: it needs one).
//!
//! ```sh
//! GAZETTE_SEARCH_SITE=/path/to/site-with-seeds cargo test --release --test search_scale -- --ignored --nocapture
//! ```
//! Prints the time of `build_index` alone (wall and, on Linux, CPU time of all threads: each
//! of 3 runs and their median; on a shared machine CPU time is the steadier figure) and the index size by kind of file, and
//! checks that the output is deterministic and that no file a query may fetch is oversized.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use gazette::build::{load_site, BuildOptions, Timings};
use gazette::diagnostics::Diagnostics;

#[test]
#[ignore = "needs GAZETTE_SEARCH_SITE pointing at a large corpus"]
fn index_of_a_large_corpus() {
    let Some(root) = std::env::var_os("GAZETTE_SEARCH_SITE") else {
        panic!("set GAZETTE_SEARCH_SITE to a folder with seeds/");
    };
    let opts = BuildOptions::for_root(PathBuf::from(root));
    let mut timings = Timings::with_progress(None);
    let mut diagnostics = Diagnostics::default();
    let (site, _, _) = load_site(&opts, &mut timings, &mut diagnostics).unwrap();

    let mut times = Vec::new();
    let mut cpu_times = Vec::new();
    let mut files = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let cpu = process_cpu_ms();
        let f = gazette::search::build_index(&site);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        cpu_times.push(
            process_cpu_ms()
                .zip(cpu)
                .map(|(after, before)| after - before),
        );
        if !files.is_empty() {
            assert!(files == f, "index output is not deterministic");
        }
        files = f;
    }
    let mut by_kind: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for f in &files {
        let kind = f.path.split('/').nth(1).unwrap_or("");
        let e = by_kind.entry(kind).or_default();
        e.0 += 1;
        e.1 += f.bytes.len();
        e.2 = e.2.max(f.bytes.len());
    }
    let runs: Vec<String> = times.iter().map(|ms| format!("{ms:.0}")).collect();
    times.sort_by(f64::total_cmp);
    println!(
        "articles: {}, build_index: {:.0} ms wall (median of 3 runs: {} ms; {} threads)",
        site.articles.len(),
        times[1],
        runs.join(", "),
        rayon::current_num_threads()
    );
    if let Some(mut cpu) = cpu_times.into_iter().collect::<Option<Vec<u64>>>() {
        let runs: Vec<String> = cpu.iter().map(u64::to_string).collect();
        cpu.sort_unstable();
        println!(
            "build_index CPU: {} ms (median of 3 runs: {} ms)",
            cpu[1],
            runs.join(", ")
        );
    }
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    println!("files: {}, bytes: {total}", files.len());
    for (kind, (n, bytes, max)) in &by_kind {
        println!("  search/{kind}: {n} files, {bytes} bytes, largest {max}");
    }
    let meta = files.iter().find(|f| f.path == "search/meta.json").unwrap();
    assert!(
        meta.bytes.len() < 16 * 1024,
        "meta.json is fetched by every query"
    );
    let shard_max = by_kind["t"].2;
    assert!(
        shard_max < 16 * 1024,
        "dictionary shard of {shard_max} bytes"
    );
}

/// User + system CPU time of this process so far, in ms (Linux: `/proc/self/stat`, which
/// counts in clock ticks, assumed to be the usual 100 per second).
fn process_cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 10)
}
