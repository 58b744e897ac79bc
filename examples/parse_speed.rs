//! Single-threaded seed parsing rate.
//!
//! ```text
//! cargo run --release --example parse_speed -- DIR [--passes N] [--dump FILE] [--parse-only]
//! ```
//!
//! `DIR` is a folder of seeds (or a site root with a `seeds/` folder). Every seed is read into
//! memory first, so only the parse stage is timed: each pass takes every seed's line keys,
//! learns the archive's furniture model from them and parses every seed with its furniture
//! lines ([`gazette::seed::parse_seed_in`]), on one thread (`--parse-only`: only
//! [`gazette::seed::parse_seed`], without the model), and the median pass (of 5 by default) is reported as seeds/s, MB/s and µs per
//! seed. On a shared machine the wall clock includes time the thread spent waiting for a core,
//! so the on-CPU time of the parsing thread (Linux `schedstat`) is reported too, when available.
//! `--dump FILE` also writes every result (one JSON line per seed, errors included) so that
//! two builds of the parser can be compared byte for byte.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use gazette::seed::{
    clean::boilerplate_patterns, furniture, list_seed_files, parse_seed, parse_seed_in,
    ParseOptions, SeedInputs,
};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir: Option<PathBuf> = None;
    let mut passes = 5usize;
    let mut dump: Option<PathBuf> = None;
    let mut parse_only = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--passes" => passes = args.next().and_then(|n| n.parse().ok()).unwrap_or(5).max(1),
            "--dump" => dump = args.next().map(PathBuf::from),
            "--parse-only" => parse_only = true,
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let Some(mut dir) = dir else {
        eprintln!("usage: parse_speed DIR [--passes N] [--dump FILE]");
        std::process::exit(2);
    };
    if dir.join("seeds").is_dir() {
        dir = dir.join("seeds");
    }
    let files = list_seed_files(&dir).expect("cannot list seeds");
    let seeds: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).expect("cannot read seed");
            (f, bytes)
        })
        .collect();
    if seeds.is_empty() {
        eprintln!("no seeds in {}", dir.display());
        std::process::exit(1);
    }
    let bytes: usize = seeds.iter().map(|(_, b)| b.len()).sum();
    let opts = ParseOptions {
        default_language: "fr".into(),
        boilerplate: boilerplate_patterns(&Default::default()),
    };

    if let Some(out) = &dump {
        write_dump(out, &seeds, &opts);
    }

    let mut times = Vec::with_capacity(passes);
    let mut cpu_times = Vec::with_capacity(passes);
    let mut ok = 0usize;
    for _ in 0..passes {
        let cpu = thread_cpu_seconds();
        let t = Instant::now();
        ok = if parse_only {
            seeds
                .iter()
                .filter(|(f, b)| std::hint::black_box(parse_seed(f, b, &opts)).is_ok())
                .count()
        } else {
            parse_with_model(&seeds, &opts)
        };
        times.push(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu, thread_cpu_seconds()) {
            cpu_times.push(b - a);
        }
    }
    times.sort_by(f64::total_cmp);
    cpu_times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let n = seeds.len() as f64;
    println!(
        "{} seeds ({} parsed, {:.1} MB) from {}",
        seeds.len(),
        ok,
        bytes as f64 / 1e6,
        dir.display()
    );
    println!(
        "median of {passes} passes: {:.3} s  ->  {:.0} seeds/s, {:.1} MB/s, {:.1} µs/seed \
         (min {:.3} s, max {:.3} s)",
        median,
        n / median,
        bytes as f64 / 1e6 / median,
        median * 1e6 / n,
        times[0],
        times[times.len() - 1]
    );
    if cpu_times.len() == passes {
        let cpu = cpu_times[passes / 2];
        println!(
            "on-CPU time, median: {:.3} s  ->  {:.0} seeds/s, {:.1} MB/s, {:.1} µs/seed",
            cpu,
            n / cpu,
            bytes as f64 / 1e6 / cpu,
            cpu * 1e6 / n
        );
    }
}

/// The parse stage on one thread: line keys, model, then each seed with its furniture lines.
/// Returns the number of seeds parsed.
fn parse_with_model(seeds: &[(PathBuf, Vec<u8>)], opts: &ParseOptions) -> usize {
    let keys: Vec<Vec<u64>> = seeds
        .iter()
        .map(|(f, b)| furniture::fingerprints(f, b))
        .collect();
    let refs: Vec<&[u64]> = keys.iter().map(Vec::as_slice).collect();
    let model = furniture::learn(&refs);
    seeds
        .iter()
        .zip(&keys)
        .filter(|((f, b), k)| {
            let inputs = SeedInputs {
                furniture: model.lines_of(k),
                ..SeedInputs::default()
            };
            std::hint::black_box(parse_seed_in(f, b, opts, &inputs)).is_ok()
        })
        .count()
}

/// Time this thread has spent running on a CPU (Linux only; `None` elsewhere).
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn write_dump(out: &Path, seeds: &[(PathBuf, Vec<u8>)], opts: &ParseOptions) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).expect("cannot create dump"));
    for (f, b) in seeds {
        let line = match parse_seed(f, b, opts) {
            Ok(p) => serde_json::to_string(&p).expect("serialise"),
            Err(e) => serde_json::to_string(&format!("ERROR {e}")).expect("serialise"),
        };
        writeln!(w, "{line}").expect("write dump");
    }
}
