//! Drives the pipeline: config → seeds → content → site model → render → search → output.
//!
//! Each stage gets plain data from the previous one; this module only sequences them, times
//! them for `-v`, and collects every problem into one [`Diagnostics`] summary.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::cache::Manifest;
use crate::cache::SeedCache;
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::output::{OutputFile, Sink, SiteFiles, Written};
use crate::render::{self, CardStore, RenderOptions};
use std::sync::Arc;

use crate::seed::{self, ParseOptions, ParsedSeed};
use crate::site::{self, Site};
use crate::urls::Urls;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Project folder holding `config.toml`, `seeds/`, `content/`, `themes/`.
    pub root: PathBuf,
    /// Output folder (`dist` by default, relative to the current directory).
    pub output: PathBuf,
    /// Replaces `base_url` of the config (CI passes the Pages URL here).
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Warnings fail the build.
    pub strict: bool,
    /// Render-only options (live reload in `serve`).
    pub render: RenderOptions,
    /// Told the name of each stage as it starts, to drive the terminal progress display.
    pub progress: Option<Progress>,
    /// Reuse `.gazette-cache/` (parsed seeds, output manifest) and update it; `--no-cache`
    /// turns it off.
    pub cache: bool,
    /// Replace an output folder that holds files gazette did not write (`--force`).
    pub force: bool,
}

/// A callback told each stage name as the stage starts (`parse seeds`, `render`, …), so the
/// command line can show where a long build is without the pipeline knowing about terminals.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(&str) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

impl BuildOptions {
    /// Defaults for a project folder: output `root/dist`.
    pub fn for_root(root: impl Into<PathBuf>) -> BuildOptions {
        let root = root.into();
        BuildOptions {
            output: root.join("dist"),
            root,
            base_url: None,
            drafts: false,
            strict: false,
            render: RenderOptions::default(),
            progress: None,
            cache: false,
            force: false,
        }
    }
}

/// One stage of a build as `-v` reports it.
#[derive(Debug, Clone)]
pub struct Stage {
    /// `parse seeds`, `render`, `search index`, …
    pub name: &'static str,
    /// Wall time.
    pub elapsed: Duration,
    /// Peak resident memory of the process at the end of the stage, where the platform tells.
    pub peak_memory_kb: Option<u64>,
}

/// Wall time and memory of each stage, in pipeline order.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// The stages run so far.
    pub stages: Vec<Stage>,
    progress: Option<Progress>,
}

impl Timings {
    /// Timings that also announce each stage to `progress`.
    pub fn with_progress(progress: Option<Progress>) -> Timings {
        Timings {
            stages: Vec::new(),
            progress,
        }
    }

    fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        if let Some(p) = &self.progress {
            (p.0)(stage);
        }
        let start = Instant::now();
        let out = f();
        self.record(stage, start.elapsed());
        out
    }

    fn record(&mut self, name: &'static str, elapsed: Duration) {
        self.stages.push(Stage {
            name,
            elapsed,
            peak_memory_kb: peak_memory_kb(),
        });
    }

    /// One line per stage: name, milliseconds, and peak memory so far.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for s in &self.stages {
            out.push_str(&format!(
                "  {:<22} {:>8.1} ms",
                s.name,
                s.elapsed.as_secs_f64() * 1000.0
            ));
            if let Some(kb) = s.peak_memory_kb {
                out.push_str(&format!("   peak {:>5} MB", kb / 1024));
            }
            out.push('\n');
        }
        out
    }
}

/// The process's peak resident memory (`VmHWM` of /proc/self/status on Linux).
fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The site and its files, built in memory: a list of files sorted by path
/// ([`build_in_memory`]), or a map of shared bytes ([`Session::build`]).
pub struct Built<Files = Vec<OutputFile>> {
    /// The site model.
    pub site: Site,
    /// Every output file.
    pub files: Files,
    /// Warnings and per-seed errors.
    pub diagnostics: Diagnostics,
    /// Stage timings.
    pub timings: Timings,
    /// Input seeds that were read.
    pub seeds_read: usize,
    /// Bytes of seed text read.
    pub seed_bytes: u64,
    /// How its pages were made: kept from the last build, spliced into kept shells, or
    /// rendered with their template.
    pub pages: render::PageCounts,
}

/// What a finished build reports on its summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Articles published.
    pub articles: usize,
    /// Tags with a page.
    pub tags: usize,
    /// Sources with a page.
    pub sources: usize,
    /// HTML pages written.
    pub pages: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Total wall time.
    pub elapsed: Duration,
    /// Warnings and errors.
    pub diagnostics: Diagnostics,
    /// Stage timings.
    pub timings: Timings,
}

impl BuildReport {
    /// `2 articles, 9 tags, 1 source, 31 pages, 45 files (312 KB) in 0.04 s`.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        format!(
            "{}, {}, {}, {}, {} ({} KB) in {:.2} s",
            plural(self.articles, "article"),
            plural(self.tags, "tag"),
            plural(self.sources, "source"),
            plural(self.pages, "page"),
            plural(self.files, "file"),
            self.bytes.div_ceil(1024),
            self.elapsed.as_secs_f64()
        )
    }
}

/// The build failed: the reasons, with the warnings and per-file errors gathered so far.
#[derive(Debug)]
pub struct BuildFailure {
    /// Why.
    pub error: anyhow::Error,
    /// Everything reported before the failure.
    pub diagnostics: Diagnostics,
}

impl std::fmt::Display for BuildFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

/// Loads the config of a project, applying a `--base-url` override.
pub fn load_config(root: &Path, base_url: Option<&str>) -> Result<Config> {
    let mut config = Config::load(&root.join("config.toml"))?;
    if let Some(url) = base_url {
        config.base_url = url.to_string();
        Urls::new(url).context("invalid --base-url")?;
    }
    Ok(config)
}

mod seeds;

pub use seeds::{extents_of, parse_stage, Extents, SeedStage};

/// Reads and parses every seed of `files` in parallel, with the furniture model learned from
/// them and `also` and the override extents. Unreadable or unparsable seeds become errors in
/// the diagnostics; the others are returned sorted by id.
pub fn parse_seeds(
    files: &[PathBuf],
    also: &[PathBuf],
    opts: &ParseOptions,
    extents: &Extents,
    diagnostics: &mut Diagnostics,
) -> (Vec<Arc<ParsedSeed>>, u64) {
    let stage = SeedStage {
        files,
        also,
        opts,
        extents,
    };
    parse_stage(&stage, diagnostics, None, None)
}

/// [`parse_seeds`] that takes unchanged seeds (same path, same bytes, same parser, same
/// inputs) from `cache` and leaves in it exactly this build's parses (see [`parse_stage`]).
pub fn parse_seeds_cached(
    files: &[PathBuf],
    opts: &ParseOptions,
    extents: &Extents,
    diagnostics: &mut Diagnostics,
    cache: Option<&mut SeedCache>,
    changed: Option<(&Path, &std::collections::BTreeSet<std::ffi::OsString>)>,
) -> (Vec<Arc<ParsedSeed>>, u64) {
    let stage = SeedStage {
        files,
        also: &[],
        opts,
        extents,
    };
    parse_stage(&stage, diagnostics, cache, changed)
}

/// Loads the site model of a project: config, seeds, content, assembly. Shared by `build`,
/// `check` and `inspect`.
pub fn load_site(
    opts: &BuildOptions,
    timings: &mut Timings,
    diagnostics: &mut Diagnostics,
) -> Result<(Site, usize, u64)> {
    load_site_cached(opts, timings, diagnostics, None, None)
}

/// [`load_site`] with a cache of parsed seeds, and what the last assembly of a series of builds
/// kept for the next (see [`site::assemble_from`]).
pub fn load_site_cached(
    opts: &BuildOptions,
    timings: &mut Timings,
    diagnostics: &mut Diagnostics,
    mut seed_cache: Option<&mut SeedCache>,
    assembly: Option<&mut site::Memo>,
) -> Result<(Site, usize, u64)> {
    let config = load_config(&opts.root, opts.base_url.as_deref())?;
    let urls = Urls::new(&config.base_url)?;
    let seed_dir = project_path(&opts.root, "seeds");
    let parse_opts = ParseOptions::from_config(&config);
    let (mut content, content_errors) = timings.time("read content", || {
        crate::content::load(&project_path(&opts.root, "content"))
    });
    content.url_lock = Arc::new(site::lock::UrlLock::load(&opts.root)?);
    if !content_errors.is_empty() {
        let mut msg = String::new();
        for e in &content_errors {
            msg.push_str(&format!("\n  {e}"));
        }
        anyhow::bail!("content/ has errors:{msg}");
    }
    // Overrides are read first: their extents are inputs of the parse.
    let extents = extents_of(&content);
    let (files, seeds, bytes) = timings.time("parse seeds", || -> Result<_> {
        // A session told what changed since its last listing lists nothing again.
        let mut watched = seed_cache.as_mut().and_then(|c| c.watched.take());
        let known = watched.as_mut().and_then(|w| w.take_listing_now(&seed_dir));
        let (files, changed) = match known {
            Some((files, changed)) => (files, Some(changed)),
            None => {
                let listing = seed::list_seeds(&seed_dir)
                    .with_context(|| format!("cannot list {}", seed_dir.display()))?;
                for (path, why) in &listing.skipped {
                    diagnostics.warn(format!("{}: {why}", path.display()));
                }
                (listing.files, None)
            }
        };
        let (seeds, bytes) = parse_seeds_cached(
            &files,
            &parse_opts,
            &extents,
            diagnostics,
            seed_cache.as_deref_mut(),
            changed.as_ref().map(|names| (seed_dir.as_path(), names)),
        );
        let count = files.len();
        if let (Some(mut w), Some(cache)) = (watched, seed_cache) {
            w.listing = Some(files);
            w.changed = Some(Default::default());
            cache.watched = Some(w);
        }
        Ok((count, seeds, bytes))
    })?;
    let (site, site_diags) = timings.time("assemble site", || {
        site::assemble_from(&config, &urls, seeds, content, opts.drafts, assembly)
    });
    // Site-wide errors (an override taking another article's URL) fail the build.
    let site_errors = site_diags.errors();
    diagnostics.extend(site_diags);
    if site_errors > 0 {
        anyhow::bail!("{site_errors} URL error(s) (listed above)");
    }
    if diagnostics.errors() > 0 && opts.strict {
        anyhow::bail!("--strict: {} seed error(s)", diagnostics.errors());
    }
    Ok((site, files, bytes))
}

/// Builds everything in memory without writing.
pub fn build_in_memory(opts: &BuildOptions) -> Result<Built, BuildFailure> {
    let sink = crate::output::Collect::default();
    let loaded = build_into(opts, Reuse::Nothing, &sink)?;
    let files = sink.into_files().into_iter().map(|(f, _)| f).collect();
    Ok(loaded.into_built(files))
}

/// What a build knows besides its files.
struct Loaded {
    site: Site,
    diagnostics: Diagnostics,
    timings: Timings,
    seeds_read: usize,
    seed_bytes: u64,
    /// The cards this build made or took, for the next one.
    cards: CardStore,
    /// How its pages were made.
    pages: render::PageCounts,
}

impl Loaded {
    fn into_built<Files>(self, files: Files) -> Built<Files> {
        Built {
            site: self.site,
            files,
            diagnostics: self.diagnostics,
            timings: self.timings,
            seeds_read: self.seeds_read,
            seed_bytes: self.seed_bytes,
            pages: self.pages,
        }
    }
}

/// What a build takes from earlier builds, and what becomes of what it makes for the next one.
enum Reuse<'a> {
    /// Nothing: every seed is parsed, every page rendered, every article analysed.
    Nothing,
    /// The caches of `gazette build` in `dir`, loaded before the build. Each is saved back on a
    /// thread of its own as soon as its stage is done, then dropped, so that the seed cache
    /// does not live through rendering, nor the cards through indexing (they added to the peak
    /// memory). The search analyses are loaded and saved by the search stage itself.
    Disk {
        dir: &'a Path,
        seeds: SeedCache,
        cards: Box<CardStore>,
    },
    /// The state of a `gazette serve` session, kept in memory from one rebuild to the next.
    Session {
        seeds: &'a mut SeedCache,
        cards: &'a mut CardStore,
        search: &'a mut crate::search::MemoryCache,
        assembly: &'a mut site::Memo,
        templates: &'a mut ParsedTemplates,
    },
}

/// The templates of a session's last build, parsed, under the digest of the theme they came
/// from: a rebuild whose theme did not change (a seed added) does not parse them again.
#[derive(Default)]
struct ParsedTemplates(Option<(blake3::Hash, tera::Tera)>);

impl ParsedTemplates {
    /// The theme's templates, parsed, or the last ones when the theme is the same.
    fn of(&mut self, theme: &render::theme::Theme) -> Result<&tera::Tera> {
        let digest = theme.digest();
        if self.0.as_ref().is_none_or(|(kept, _)| *kept != digest) {
            // A failed parse leaves nothing behind: the next build tries again.
            self.0 = None;
            self.0 = Some((digest, render::load_templates(theme)?));
        }
        Ok(&self.0.as_ref().expect("parsed just now or before").1)
    }
}

/// Runs the pipeline, reusing what `reuse` holds, and handing every output file to `sink` as
/// soon as it is made.
fn build_into(
    opts: &BuildOptions,
    reuse: Reuse<'_>,
    sink: &dyn Sink,
) -> Result<Loaded, BuildFailure> {
    let mut diagnostics = Diagnostics::default();
    let mut timings = Timings::with_progress(opts.progress.clone());
    match build_inner(opts, &mut diagnostics, &mut timings, reuse, sink) {
        Ok((site, seeds_read, seed_bytes, cards, pages)) => Ok(Loaded {
            site,
            diagnostics,
            timings,
            seeds_read,
            seed_bytes,
            cards,
            pages,
        }),
        Err(error) => Err(BuildFailure { error, diagnostics }),
    }
}

/// A cache being saved on a thread of its own.
type Saving = std::thread::JoinHandle<Result<()>>;

/// What the stages after parsing take from [`Reuse`].
struct AfterParse<'a> {
    /// The cards of earlier builds, for rendering to take instead of making them again and
    /// to add this build's to.
    earlier_cards: EarlierCards<'a>,
    /// The seed cache being saved (`gazette build`).
    saving_seeds: Option<Saving>,
    /// Where the search stage finds earlier analyses.
    search: SearchCache<'a>,
    /// Where the card cache is saved once rendering is done (`gazette build`).
    cache_dir: Option<&'a Path>,
    /// Keep what only the next rebuild of a session uses (the cards serialised for templates,
    /// the shells of list pages): held in memory, never saved.
    keep_memos: bool,
    /// The session's parsed templates, if any.
    templates: Option<&'a mut ParsedTemplates>,
}

fn saved(saving: Option<Saving>, what: &str) -> Result<()> {
    match saving.map(|s| s.join()) {
        None => Ok(()),
        Some(Ok(result)) => result,
        Some(Err(_)) => anyhow::bail!("saving the {what} panicked"),
    }
}

/// Runs the stages; returns the site, the seeds read and their bytes, and (in a session) the
/// cards for the next build.
fn build_inner(
    opts: &BuildOptions,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
    reuse: Reuse<'_>,
    sink: &dyn Sink,
) -> Result<(Site, usize, u64, CardStore, render::PageCounts)> {
    let ((site, seeds_read, seed_bytes), after) = load_with(opts, timings, diagnostics, reuse)?;
    let AfterParse {
        mut earlier_cards,
        saving_seeds,
        search,
        cache_dir,
        keep_memos,
        templates,
    } = after;
    let theme = render::theme::Theme::load(&opts.root, &site.config.theme)?;
    let parsed_here;
    let tera = match templates {
        Some(templates) => timings.time("parse templates", || templates.of(&theme))?,
        None => {
            parsed_here = timings.time("parse templates", || render::load_templates(&theme))?;
            &parsed_here
        }
    };
    // One after the other, not side by side: both stages use every core, and running them
    // together would add their peak memory for no gain in time.
    // Taken only now: a build that fails before rendering leaves a session its cards. (One
    // that fails while rendering does not; the next build makes them again.)
    let earlier = earlier_cards.take();
    let render::Rendered {
        cards,
        cards_changed,
        pages,
    } = timings.time("render", || {
        render::render(&site, &theme, tera, &opts.render, sink, earlier, keep_memos)
    })?;
    let (cards, saving_cards) = keep_or_save_cards(cards, cards_changed, cache_dir);
    if site.config.search.enabled {
        timings.time("search index", || write_search_index(&site, search, sink))?;
    }
    saved(saving_seeds, "seed cache")?;
    saved(saving_cards, "card cache")?;
    if opts.strict && diagnostics.warnings() > 0 {
        anyhow::bail!(
            "--strict: {} warning(s) (listed above)",
            diagnostics.warnings()
        );
    }
    Ok((site, seeds_read, seed_bytes, cards, pages))
}

/// Loads the site with what `reuse` offers, and says what the later stages take from it.
fn load_with<'a>(
    opts: &BuildOptions,
    timings: &mut Timings,
    diagnostics: &mut Diagnostics,
    reuse: Reuse<'a>,
) -> Result<((Site, usize, u64), AfterParse<'a>)> {
    Ok(match reuse {
        Reuse::Nothing => (
            load_site_cached(opts, timings, diagnostics, None, None)?,
            AfterParse {
                earlier_cards: EarlierCards::None,
                saving_seeds: None,
                search: SearchCache::Off,
                cache_dir: None,
                keep_memos: false,
                templates: None,
            },
        ),
        Reuse::Session {
            seeds,
            cards,
            search,
            assembly,
            templates,
        } => (
            load_site_cached(opts, timings, diagnostics, Some(seeds), Some(assembly))?,
            AfterParse {
                earlier_cards: EarlierCards::Session(cards),
                saving_seeds: None,
                search: SearchCache::Memory(search),
                cache_dir: None,
                keep_memos: true,
                templates: Some(templates),
            },
        ),
        Reuse::Disk {
            dir,
            mut seeds,
            cards,
        } => {
            let loaded = load_site_cached(opts, timings, diagnostics, Some(&mut seeds), None)?;
            // Saved even if a later stage fails: the parses are valid whatever the output.
            let owned = dir.to_path_buf();
            let saving_seeds = seeds
                .dirty
                .then(|| std::thread::spawn(move || seeds.save(&owned)));
            let after = AfterParse {
                earlier_cards: EarlierCards::Loaded(cards),
                saving_seeds,
                search: SearchCache::Disk(dir),
                cache_dir: Some(dir),
                keep_memos: false,
                templates: None,
            };
            (loaded, after)
        }
    })
}

/// The cards rendering made: saved to the cache folder on a thread of their own when there is
/// one (`gazette build`, and only if they changed), else kept for the session's next build.
fn keep_or_save_cards(
    cards: CardStore,
    changed: bool,
    cache_dir: Option<&Path>,
) -> (CardStore, Option<Saving>) {
    let Some(dir) = cache_dir else {
        return (cards, None);
    };
    let saving = changed.then(|| {
        let owned = dir.to_path_buf();
        std::thread::spawn(move || crate::cache::save_cards(&owned, &cards))
    });
    (CardStore::default(), saving)
}

/// Writes the search index to `sink`. The same files whatever the cache; the cache spares
/// analysing unchanged articles again. Each file goes to the sink as soon as it is made.
fn write_search_index(site: &Site, search: SearchCache<'_>, sink: &dyn Sink) -> Result<()> {
    match search {
        SearchCache::Off => crate::search::write_index(site, sink),
        SearchCache::Disk(dir) => crate::search::write_index_cached(site, dir, sink),
        SearchCache::Memory(memory) => crate::search::write_index_in_memory(site, memory, sink),
    }
}

/// The cards of earlier builds, where a build takes them from.
enum EarlierCards<'a> {
    /// None: every card is made.
    None,
    /// Loaded from the cache folder (`gazette build`).
    Loaded(Box<CardStore>),
    /// A session's, taken from it when rendering starts and given back by the build.
    Session(&'a mut CardStore),
}

impl EarlierCards<'_> {
    /// The cards, leaving none behind.
    fn take(&mut self) -> CardStore {
        match std::mem::replace(self, EarlierCards::None) {
            EarlierCards::None => CardStore::default(),
            EarlierCards::Loaded(cards) => *cards,
            EarlierCards::Session(cards) => std::mem::take(cards),
        }
    }
}

/// Where the search stage finds the analyses of earlier builds (see [`crate::search::cache`]).
enum SearchCache<'a> {
    /// Analyse every article.
    Off,
    /// The shards in this folder, updated by the build (`gazette build`).
    Disk(&'a Path),
    /// Analyses kept in memory (the rebuilds of `gazette serve`).
    Memory(&'a mut crate::search::MemoryCache),
}

/// Builds the project into its output folder. On failure the previous output is untouched.
///
/// Files are written as they are rendered, into a new folder swapped in at the end. With
/// `opts.cache` and an output folder the last build left untouched, unchanged seeds are not
/// parsed again, unchanged pages are not rendered again and only files whose bytes changed are
/// written (see [`crate::cache`]); the result is the same, byte for byte, as a build without
/// the cache.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let start = Instant::now();
    let fail = |error: anyhow::Error| BuildFailure {
        error,
        diagnostics: Diagnostics::default(),
    };
    let cache_dir = project_path(&opts.root, crate::cache::DIR);
    let target = output_target(opts, &cache_dir).map_err(fail)?;
    let output = target.dir.as_path();
    // Taken before any input is read: an input edited during the build changes the next stamp.
    let stamp = opts
        .cache
        .then(|| crate::cache::input_stamp(&opts.root, &output_options(opts)));
    if let Some(report) = stamp
        .as_ref()
        .and_then(|s| up_to_date(&opts.root, output, &cache_dir, s, start))
    {
        return Ok(report);
    }
    // Previous sites of earlier builds, removed while this one computes.
    let trash = opts.cache.then(|| cache_dir.join(crate::cache::TRASH_DIR));
    let sweeper = trash.as_deref().map(crate::output::sweep_trash);
    let (reuse, manifest) = match opts.cache {
        true => open_disk_cache(opts, &cache_dir, output),
        false => (Reuse::Nothing, None),
    };
    let cache_load = start.elapsed();
    let destination = match &manifest {
        Some(old) => Destination::Update(
            crate::cache::Update::new(output, old, Some(&cache_dir)).map_err(fail)?,
        ),
        None => Destination::Fresh(
            crate::output::Staging::new(output, opts.cache)
                .map_err(fail)?
                .retire_to(trash.as_deref().map(crate::output::trash_place)),
        ),
    };
    let loaded = build_into(opts, reuse, &destination)?;
    let write = Instant::now();
    if let Some(p) = &opts.progress {
        (p.0)("write output");
    }
    let written = match publish(opts, &loaded.site, destination, output, &cache_dir) {
        Ok(written) => written,
        Err(error) => {
            return Err(BuildFailure {
                error,
                diagnostics: loaded.diagnostics,
            })
        }
    };
    let mut report = report_of(loaded, written, start);
    if opts.cache {
        let load = Stage {
            name: "load cache",
            elapsed: cache_load,
            peak_memory_kb: None,
        };
        report.timings.stages.insert(0, load);
    }
    report.timings.record("write output", write.elapsed());
    report.elapsed = start.elapsed();
    if let Some(stamp) = stamp.filter(|s| s.settled) {
        if let Err(error) = record_last_build(&stamp, &report, &opts.root, &cache_dir) {
            return Err(BuildFailure {
                error,
                diagnostics: report.diagnostics,
            });
        }
    }
    if let Some(sweeper) = sweeper {
        sweeper.finish();
    }
    Ok(report)
}

/// Reads what the last build left in the cache folder: its parses, its cards, and the manifest
/// of the output folder when the folder still matches it.
fn open_disk_cache<'a>(
    opts: &BuildOptions,
    cache_dir: &'a Path,
    output: &Path,
) -> (Reuse<'a>, Option<Manifest>) {
    if let Some(p) = &opts.progress {
        (p.0)("load cache");
    }
    // Three reads that wait on the file system more than on the processor: side by side.
    let ((seeds, manifest), cards) = rayon::join(
        || {
            rayon::join(
                || crate::cache::SeedCache::load(cache_dir),
                || crate::cache::Manifest::load(cache_dir).filter(|m| m.matches(output)),
            )
        },
        || crate::cache::load_cards(cache_dir),
    );
    let reuse = Reuse::Disk {
        dir: cache_dir,
        seeds,
        cards: Box::new(cards),
    };
    (reuse, manifest)
}

/// Records the URLs about to be published, then swaps the staged site in and saves its
/// manifest. The lock is written first (never by `check` or `serve`): a URL in `dist/` is
/// always in the lock; one in the lock but not published is harmless.
fn publish(
    opts: &BuildOptions,
    site: &Site,
    destination: Destination<'_>,
    output: &Path,
    cache_dir: &Path,
) -> Result<Written> {
    site.url_lock_after().save(&opts.root)?;
    if opts.cache {
        // The manifest is removed first: if writing fails half-way, the next build is a full one.
        Manifest::remove(cache_dir);
        crate::cache::LastBuild::remove(cache_dir);
    }
    let (written, manifest) = destination.commit(output, opts.cache)?;
    if let Some(m) = manifest {
        m.save(cache_dir)?;
    }
    Ok(written)
}

/// The report of a build that published `written`; the site is freed on a thread of its own.
fn report_of(loaded: Loaded, written: Written, start: Instant) -> BuildReport {
    let Loaded {
        site,
        diagnostics,
        timings,
        cards,
        ..
    } = loaded;
    use crate::site::taxonomy::{SOURCES, TAGS};
    let terms = |t| site.terms_of(t).len();
    let (articles, tags, sources) = (site.articles.len(), terms(&TAGS), terms(&SOURCES));
    crate::drop_in_background((site, cards));
    BuildReport {
        articles,
        tags,
        sources,
        pages: written.pages,
        files: written.files,
        bytes: written.bytes,
        elapsed: start.elapsed(),
        diagnostics,
        timings,
    }
}

/// Saves the record that lets the next build with the same inputs end at once.
fn record_last_build(
    stamp: &crate::cache::InputStamp,
    report: &BuildReport,
    root: &Path,
    cache_dir: &Path,
) -> Result<()> {
    let last = crate::cache::LastBuild {
        stamp: stamp.digest,
        counts: [
            report.articles as u64,
            report.tags as u64,
            report.sources as u64,
            report.pages as u64,
            report.files as u64,
            report.bytes,
        ],
        diagnostics: report.diagnostics.items().to_vec(),
        url_lock: site::lock::digest(root),
    };
    last.save(cache_dir)
}

/// The checked output folder of a build (see [`crate::output::target`]); what the checks
/// repaired is told on standard error, outside the build's diagnostics.
fn output_target(opts: &BuildOptions, cache_dir: &Path) -> Result<crate::output::Target> {
    let real = crate::output::absolute(&opts.output);
    let ownership = crate::output::Ownership {
        force: opts.force,
        written_before: Manifest::load(cache_dir).is_some_and(|m| m.output == real),
    };
    let target = crate::output::target::resolve(&opts.root, &opts.output, ownership)?;
    for note in &target.notes {
        eprintln!("warning: {note}");
    }
    Ok(target)
}

/// Every option that changes what a build writes, for [`crate::cache::input_stamp`].
fn output_options(opts: &BuildOptions) -> String {
    format!(
        "{:?}|{:?}|{}|{}|{:?}|{}",
        crate::output::absolute(&opts.output),
        opts.base_url,
        opts.drafts,
        opts.strict,
        opts.render.inject_before_body_end,
        opts.render.sitemap_max_urls
    )
}

/// The report of the last build, when nothing changed since: the inputs have the stamp it
/// recorded and the output folder is as it left it.
fn up_to_date(
    root: &Path,
    output: &Path,
    cache_dir: &Path,
    stamp: &crate::cache::InputStamp,
    start: Instant,
) -> Option<BuildReport> {
    if !stamp.settled {
        return None;
    }
    let last = crate::cache::LastBuild::load(cache_dir)
        .filter(|l| l.stamp == stamp.digest && l.url_lock == site::lock::digest(root))?;
    if !Manifest::load(cache_dir)?.matches(output) {
        return None;
    }
    let mut diagnostics = Diagnostics::default();
    for d in last.diagnostics {
        diagnostics.push(d);
    }
    let mut timings = Timings::default();
    timings.record("up to date", start.elapsed());
    let [articles, tags, sources, pages, files, bytes] = last.counts;
    Some(BuildReport {
        articles: articles as usize,
        tags: tags as usize,
        sources: sources as usize,
        pages: pages as usize,
        files: files as usize,
        bytes,
        elapsed: start.elapsed(),
        diagnostics,
        timings,
    })
}

/// Where a build's files go: an in-place update of an output folder the last build left as it
/// was, or a new folder swapped in at the end.
enum Destination<'a> {
    Update(crate::cache::Update<'a>),
    Fresh(crate::output::Staging),
}

impl Sink for Destination<'_> {
    fn tracks_fingerprints(&self) -> bool {
        match self {
            Destination::Update(u) => u.tracks_fingerprints(),
            Destination::Fresh(s) => s.tracks_fingerprints(),
        }
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> bool {
        match self {
            Destination::Update(u) => u.reuse(path, fingerprint),
            Destination::Fresh(s) => s.reuse(path, fingerprint),
        }
    }

    fn put(&self, file: OutputFile, fingerprint: Option<u64>) -> Result<()> {
        match self {
            Destination::Update(u) => u.put(file, fingerprint),
            Destination::Fresh(s) => s.put(file, fingerprint),
        }
    }
}

impl Destination<'_> {
    /// Puts the files in place; returns what the folder holds and, with the cache on, the
    /// manifest for the next build.
    fn commit(self, output: &Path, cache: bool) -> Result<(Written, Option<Manifest>)> {
        match self {
            Destination::Update(u) => u.commit().map(|(m, written)| (written, Some(m))),
            Destination::Fresh(s) => {
                let (written, records) = s.commit()?;
                let manifest = cache.then(|| Manifest::of(output, records.into_iter().collect()));
                Ok((written, manifest))
            }
        }
    }
}

/// `root/sub`, without a leading `./` when the root is the current folder, so messages name
/// files the way the user would type them (`seeds/x.txt`).
pub fn project_path(root: &Path, sub: &str) -> PathBuf {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        PathBuf::from(sub)
    } else {
        root.join(sub)
    }
}

/// What changed in a project since the last build of a [`Session`], as a file watcher saw it.
#[derive(Debug, Clone, Default)]
pub enum Changes {
    /// Not known: every input is looked at again.
    #[default]
    Unknown,
    /// Only these files of `seeds/` (by name) were created, changed or removed.
    Seeds(std::collections::BTreeSet<std::ffi::OsString>),
}

/// A series of builds of one project (the rebuilds of `gazette serve`): keeps the parsed seeds,
/// the cards, the search analyses and the page fingerprints of the last build in memory so
/// that the next one parses, renders and analyses only what changed. The pages themselves are
/// the caller's: it passes the files of the last build it keeps (the site being served).
#[derive(Default)]
pub struct Session {
    seeds: SeedCache,
    cards: CardStore,
    search: crate::search::MemoryCache,
    assembly: site::Memo,
    templates: ParsedTemplates,
    /// What the last site of the session is made of, for the next build to reuse.
    kept: crate::output::Kept,
}

impl Session {
    /// Builds in memory, like [`build_in_memory`], reusing what earlier builds of this session
    /// computed. `last_files` are the files of this session's last build, as the caller keeps
    /// them: a page whose inputs did not change is shared from there, not rendered or copied.
    /// Pass an empty map when there are none (the first build, or after a failed one).
    pub fn build(
        &mut self,
        opts: &BuildOptions,
        last_files: &SiteFiles,
    ) -> Result<Built<SiteFiles>, BuildFailure> {
        self.build_after(opts, last_files, &Changes::Unknown)
    }

    /// [`Session::build`], told what changed since the last build by a file watcher: when only
    /// seeds did, `seeds/` is not listed again and no unchanged seed's file is looked at.
    /// Changes reported to builds that failed before reading the seeds are kept for the next.
    pub fn build_after(
        &mut self,
        opts: &BuildOptions,
        last_files: &SiteFiles,
        changes: &Changes,
    ) -> Result<Built<SiteFiles>, BuildFailure> {
        let watched = self.seeds.watched.get_or_insert_with(Default::default);
        watched.changed = match (watched.changed.take(), changes) {
            (Some(mut known), Changes::Seeds(names)) => {
                known.extend(names.iter().cloned());
                Some(known)
            }
            _ => None,
        };
        let sink = crate::output::Collect::reusing(last_files, std::mem::take(&mut self.kept));
        let reuse = Reuse::Session {
            seeds: &mut self.seeds,
            cards: &mut self.cards,
            search: &mut self.search,
            assembly: &mut self.assembly,
            templates: &mut self.templates,
        };
        let mut loaded = build_into(opts, reuse, &sink)?;
        let (files, kept) = sink.into_site_files();
        self.kept = kept;
        self.cards = std::mem::take(&mut loaded.cards);
        Ok(loaded.into_built(files))
    }

    /// How many articles' search analyses the session keeps for its next build.
    pub fn search_analyses(&self) -> usize {
        self.search.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session's templates follow the theme: parsed again when a template changes, comes or
    /// goes, and a broken one is reported each time, not kept.
    #[test]
    fn session_templates_follow_the_theme() {
        let dir = tempfile::tempdir().unwrap();
        let theme = render::theme::Theme::load(dir.path(), "default").unwrap();
        let mut parsed = ParsedTemplates::default();
        let names = |t: &tera::Tera| t.get_template_names().count();
        let before = names(parsed.of(&theme).unwrap());
        let mut more = render::theme::Theme::load(dir.path(), "default").unwrap();
        more.files
            .insert("templates/extra.html".into(), b"{{ 1 + 1 }}".to_vec());
        let with_extra = parsed.of(&more).unwrap();
        assert_eq!(names(with_extra), before + 1);
        assert!(with_extra.get_template_names().any(|n| n == "extra.html"));
        more.files
            .insert("templates/extra.html".into(), b"{{ 1 + }}".to_vec());
        assert!(parsed.of(&more).is_err());
        assert!(parsed.of(&more).is_err(), "still broken");
        assert_eq!(names(parsed.of(&theme).unwrap()), before);
    }

    /// Two files with one id (the same name in two folders): the first is kept, the second
    /// reported and skipped; the seeds come back sorted by id.
    #[test]
    fn a_second_seed_with_an_id_is_reported_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let seed = |folder: &str, name: &str, title: &str| {
            let path = dir.path().join(folder).join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, format!("{title}\nUn paragraphe de texte.\n")).unwrap();
            path
        };
        let files = [
            seed("a", "002_bbbbbbbbbbbbbbbb.txt", "Premier"),
            seed("a", "001_aaaaaaaaaaaaaaaa.txt", "Autre"),
            seed("b", "002_bbbbbbbbbbbbbbbb.txt", "Second"),
        ];
        let config = Config::parse("").unwrap();
        let mut diagnostics = Diagnostics::default();
        let (seeds, _) = parse_seeds(
            &files,
            &[],
            &ParseOptions::from_config(&config),
            &Extents::new(),
            &mut diagnostics,
        );
        let kept: Vec<(&str, &str)> = seeds
            .iter()
            .map(|s| (s.id.as_str(), s.title.value.as_str()))
            .collect();
        assert_eq!(
            kept,
            [
                ("001_aaaaaaaaaaaaaaaa", "Autre"),
                ("002_bbbbbbbbbbbbbbbb", "Premier")
            ]
        );
        assert_eq!(diagnostics.errors(), 1);
        let message: Vec<String> = diagnostics.sorted().iter().map(|d| d.to_string()).collect();
        assert!(
            message
                .iter()
                .any(|m| m.contains("b/002_bbbbbbbbbbbbbbbb.txt")
                    && m.contains("another seed has the id")),
            "{message:?}"
        );
    }
}
