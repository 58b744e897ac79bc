//! The load and parse stage: every seed read (or taken from the cache), the archive's furniture
//! model learned from all of them, then each seed parsed with its own inputs.
//!
//! Three passes, so that the parse of a seed stays a pure function of its bytes, the options
//! and its [`SeedInputs`] (its override's extent and its furniture lines):
//!
//! 1. **Scan**: each seed's line keys, from the cache when its entry still holds (the file is
//!    then not read), else from its bytes, which are kept for the parse.
//! 2. **Learn**: the [`Model`] of the whole archive, from every seed's keys.
//! 3. **Parse**: a cached parse is reused only when made from the same bytes under the same
//!    inputs; a seed whose furniture lines changed (a new seed made one of its lines
//!    furniture) is parsed again, and no other.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::{CachedSeed, FileStat, SeedCache};
use crate::diagnostics::Diagnostics;
use crate::seed::furniture::{self, Model};
use crate::seed::{self, Extent, ParseOptions, ParsedSeed, SeedInputs};

/// The extents of the article overrides that set one, by seed id.
pub type Extents = BTreeMap<String, Extent>;

/// The extents set by the overrides of `content`.
pub fn extents_of(content: &crate::content::Content) -> Extents {
    content
        .overrides
        .iter()
        .map(|(id, o)| (id.clone(), o.fields.extent()))
        .filter(|(_, e)| !e.is_empty())
        .collect()
}

/// What the scan found of one seed.
enum Scan {
    /// It could not be read.
    Failed(String),
    /// Its cache entry holds for its bytes (not read); `record` when the entry goes into this
    /// build's entries (a watcher's unchanged seed keeps the one it has).
    Cached { entry: CachedSeed, record: bool },
    /// Its bytes, read.
    Read(Read),
}

/// A seed read in the scan.
struct Read {
    bytes: Vec<u8>,
    hash: [u8; 32],
    stat: FileStat,
    hashed_at: u64,
    lines: Arc<[u64]>,
    /// The cache entry of the same bytes, when there is one.
    old: Option<CachedSeed>,
}

impl Scan {
    fn lines(&self) -> &[u64] {
        match self {
            Scan::Failed(_) => &[],
            Scan::Cached { entry, .. } => &entry.lines,
            Scan::Read(r) => &r.lines,
        }
    }
}

/// How the stage sees the cache: its entries, the parser key, and the watcher's changed names.
struct CacheView<'a> {
    cache: Option<&'a SeedCache>,
    key: Option<&'a str>,
    changed: Option<&'a BTreeSet<OsString>>,
}

/// Scans one seed (see the module doc).
fn scan(path: &Path, view: &CacheView) -> Scan {
    let cannot_read =
        |e: std::io::Error| Scan::Failed(format!("{}: cannot read: {e}", path.display()));
    let old = view
        .key
        .and_then(|key| view.cache.and_then(|c| c.get(key, path)));
    if let (Some(old), Some(changed)) = (old, view.changed) {
        if path.file_name().is_some_and(|n| !changed.contains(n)) {
            // Its entry stands as it is (see `SeedCache::patch`).
            return Scan::Cached {
                entry: old.clone(),
                record: false,
            };
        }
    }
    let stat = match std::fs::metadata(path) {
        Ok(meta) => FileStat::of(&meta),
        Err(e) => return cannot_read(e),
    };
    // An unchanged stat vouches for the bytes: the file is not even read.
    if let Some(old) = old.filter(|o| o.vouches_for(stat)) {
        return Scan::Cached {
            entry: old.clone(),
            record: true,
        };
    }
    read(path, stat, old).map_or_else(Scan::Failed, Scan::Read)
}

/// Reads a seed's bytes and their keys (taken from `old` when the bytes are the same).
fn read(path: &Path, stat: FileStat, old: Option<&CachedSeed>) -> Result<Read, String> {
    let hashed_at = crate::cache::now_nanos();
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let hash = *blake3::hash(&bytes).as_bytes();
    let old = old.filter(|o| o.hash == hash).cloned();
    let lines = match &old {
        Some(o) => Arc::clone(&o.lines),
        None => furniture::fingerprints(path, &bytes).into(),
    };
    Ok(Read {
        bytes,
        hash,
        stat,
        hashed_at,
        lines,
        old,
    })
}

/// A seed's parse (or why it has none), its size, and its new cache entry when it has one.
type Parsed = (Result<Arc<ParsedSeed>, String>, u64, Option<CachedSeed>);

/// Parses one scanned seed under `inputs`, reusing its cached parse when it was made from the
/// same bytes under the same inputs.
fn parse(
    path: &Path,
    scanned: Scan,
    inputs: &SeedInputs,
    opts: &ParseOptions,
    cache: bool,
) -> Parsed {
    let digest = inputs.digest();
    let read = match scanned {
        Scan::Failed(e) => return (Err(e), 0, None),
        Scan::Cached { entry, record } => {
            if entry.inputs == digest {
                if let Some(seed) = entry.parsed() {
                    let len = entry.stat.len;
                    return (Ok(seed), len, record.then_some(entry));
                }
            }
            // Same bytes, other inputs (or an undecodable entry): read and parse again.
            let stat = match std::fs::metadata(path) {
                Ok(meta) => FileStat::of(&meta),
                Err(e) => {
                    return (
                        Err(format!("{}: cannot read: {e}", path.display())),
                        0,
                        None,
                    )
                }
            };
            match read(path, stat, Some(&entry)) {
                Ok(r) => r,
                Err(e) => return (Err(e), 0, None),
            }
        }
        Scan::Read(r) => r,
    };
    let len = read.bytes.len() as u64;
    if let Some(old) = read.old.as_ref().filter(|o| o.inputs == digest) {
        if let Some(seed) = old.parsed() {
            // Same bytes under a new stat (a touch, a fresh checkout): the parse still holds.
            return (Ok(seed), len, Some(old.reread(read.stat, read.hashed_at)));
        }
    }
    match seed::parse_seed_in(path, &read.bytes, opts, inputs) {
        Ok(seed) => {
            let seed = Arc::new(seed);
            let entry = cache.then(|| {
                let learned = (Arc::clone(&read.lines), digest);
                CachedSeed::new(read.hash, read.stat, read.hashed_at, learned, &seed)
            });
            (Ok(seed), len, entry)
        }
        Err(e) => (Err(e.to_string()), len, None),
    }
}

/// The inputs of the seed at `path`: its override's extent and its furniture lines.
fn inputs_of(path: &Path, lines: &[u64], model: &Model, extents: &Extents) -> SeedInputs {
    let id = path.file_stem().map(|s| s.to_string_lossy());
    SeedInputs {
        extent: id
            .and_then(|id| extents.get(id.as_ref()))
            .cloned()
            .unwrap_or_default(),
        furniture: model.lines_of(lines),
    }
}

/// Where the stage takes its seeds and what it learns from.
pub struct SeedStage<'a> {
    /// The seeds to parse.
    pub files: &'a [PathBuf],
    /// More seeds of the archive that only feed the furniture model (`gazette inspect` of a
    /// few seeds of a project sees the model a build of the project sees).
    pub also: &'a [PathBuf],
    /// The parse options.
    pub opts: &'a ParseOptions,
    /// The override extents by seed id.
    pub extents: &'a Extents,
}

/// Reads, learns and parses (see the module doc). Unreadable or unparsable seeds become errors
/// in the diagnostics; the others are returned sorted by id. With `cache`, unchanged seeds
/// under unchanged inputs are taken from it and it is left with exactly this build's parses;
/// with `changed` (the seed folder and the names a file watcher saw change in it), any other
/// seed's entry is taken without looking at its file, and only changed entries are updated.
pub fn parse_stage(
    stage: &SeedStage,
    diagnostics: &mut Diagnostics,
    cache: Option<&mut SeedCache>,
    changed: Option<(&Path, &BTreeSet<OsString>)>,
) -> (Vec<Arc<ParsedSeed>>, u64) {
    let key = cache.as_ref().map(|_| crate::cache::parser_key(stage.opts));
    let view = CacheView {
        cache: cache.as_deref(),
        key: key.as_deref(),
        changed: changed.map(|(_, names)| names),
    };
    let scans: Vec<Scan> = stage.files.par_iter().map(|p| scan(p, &view)).collect();
    let also: Vec<Vec<u64>> = stage
        .also
        .par_iter()
        .map(|p| std::fs::read(p).map_or_else(|_| Vec::new(), |b| furniture::fingerprints(p, &b)))
        .collect();
    let mut all: Vec<&[u64]> = scans.iter().map(Scan::lines).collect();
    all.extend(also.iter().map(Vec::as_slice));
    let model = furniture::learn(&all);
    let results: Vec<Parsed> = stage
        .files
        .par_iter()
        .zip(scans)
        .map(|(path, scanned)| {
            let inputs = inputs_of(path, scanned.lines(), &model, stage.extents);
            parse(path, scanned, &inputs, stage.opts, key.is_some())
        })
        .collect();
    let (seeds, total, fresh) = gather(results, diagnostics);
    match (cache, &key, changed) {
        (Some(cache), Some(key), Some((dir, names))) => cache.patch(key, dir, names, fresh),
        (Some(cache), Some(key), None) => cache.replace(key, fresh),
        _ => {}
    }
    (dedup_ids(seeds, diagnostics), total)
}

/// The parses, the total size, and the new cache entries; errors and warnings reported.
fn gather(
    results: Vec<Parsed>,
    diagnostics: &mut Diagnostics,
) -> (Vec<Arc<ParsedSeed>>, u64, HashMap<PathBuf, CachedSeed>) {
    let mut fresh = HashMap::new();
    let mut seeds = Vec::with_capacity(results.len());
    let mut total = 0;
    for (r, len, entry) in results {
        total += len;
        match r {
            Ok(s) => {
                let file = s.file.display().to_string();
                for w in crate::diagnostics::summarise(&file, &s.warnings) {
                    diagnostics.warn(w);
                }
                if let Some(entry) = entry {
                    fresh.insert(s.file.clone(), entry);
                }
                seeds.push(s);
            }
            Err(e) => diagnostics.error(e),
        }
    }
    (seeds, total, fresh)
}

/// Sorted by id, the sort keeping file order among equal ids: the first file of an id is kept
/// and the others reported (without a set of every id, built again each rebuild).
fn dedup_ids(
    mut seeds: Vec<Arc<ParsedSeed>>,
    diagnostics: &mut Diagnostics,
) -> Vec<Arc<ParsedSeed>> {
    seeds.sort_by(|a, b| a.id.cmp(&b.id));
    seeds.dedup_by(|later, kept| {
        let twice = later.id == kept.id;
        if twice {
            diagnostics.error(format!(
                "{}: another seed has the id {:?}; this one is skipped",
                later.file.display(),
                later.id
            ));
        }
        twice
    });
    seeds
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOGAN: &str =
        "Le Quotidien du Soir, au plus près de celles et ceux qui font vivre la région.";

    fn page(topic: &str, slogan: bool) -> String {
        format!(
            "Le dossier {topic} relancé\n\n\
             Le gouvernement a présenté mardi un plan consacré au dossier {topic}, dont les \
             grandes lignes avaient été dévoilées la semaine dernière par plusieurs ministres.\n\n\
             Les élus de l’opposition dénoncent une méthode précipitée sur le dossier {topic}.\n\n\
             {}\n\nSuivez-nous sur les réseaux sociaux\n",
            if slogan {
                SLOGAN
            } else {
                "Une autre rédaction, un autre pied de page."
            }
        )
    }

    fn parse_all(
        dir: &Path,
        files: &[PathBuf],
        cache: &mut SeedCache,
        changed: Option<&BTreeSet<OsString>>,
    ) -> BTreeMap<String, Arc<ParsedSeed>> {
        let opts = ParseOptions {
            default_language: "fr".into(),
            boilerplate: Vec::new(),
        };
        let stage = SeedStage {
            files,
            also: &[],
            opts: &opts,
            extents: &Extents::new(),
        };
        let mut diagnostics = Diagnostics::default();
        let changed = changed.map(|names| (dir, names));
        let (seeds, _) = parse_stage(&stage, &mut diagnostics, Some(cache), changed);
        seeds.into_iter().map(|s| (s.id.clone(), s)).collect()
    }

    /// A new seed that makes a line furniture re-parses the seeds that have the line and no
    /// other, whether the stage looks at every seed or is told which one changed.
    #[test]
    fn a_new_seed_reparses_exactly_the_seeds_with_its_furniture() {
        for told in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let write = |name: &str, text: String| {
                let path = dir.path().join(name);
                std::fs::write(&path, text).unwrap();
                path
            };
            let mut files = vec![
                write("001_aaaaaaaaaaaaaaaa.txt", page("santé", true)),
                write("002_bbbbbbbbbbbbbbbb.txt", page("retraites", true)),
                write("003_cccccccccccccccc.txt", page("logement", false)),
            ];
            let mut cache = SeedCache::default();
            let before = parse_all(dir.path(), &files, &mut cache, None);
            let has_slogan =
                |s: &ParsedSeed| s.body.iter().any(|b| format!("{b:?}").contains(SLOGAN));
            assert!(has_slogan(&before["001_aaaaaaaaaaaaaaaa"]));
            files.push(write("004_dddddddddddddddd.txt", page("transports", true)));
            let names: BTreeSet<OsString> = ["004_dddddddddddddddd.txt".into()].into();
            let after = parse_all(dir.path(), &files, &mut cache, told.then_some(&names));
            for id in ["001_aaaaaaaaaaaaaaaa", "002_bbbbbbbbbbbbbbbb"] {
                assert!(!Arc::ptr_eq(&before[id], &after[id]), "{id} parsed again");
                assert!(!has_slogan(&after[id]), "{id}: the slogan is furniture now");
            }
            let other = "003_cccccccccccccccc";
            assert!(Arc::ptr_eq(&before[other], &after[other]), "{other} kept");
            assert!(!has_slogan(&after["004_dddddddddddddddd"]));
            // Nothing changed: every parse is taken from the cache.
            let again = parse_all(dir.path(), &files, &mut cache, None);
            assert!(after.iter().all(|(id, s)| Arc::ptr_eq(s, &again[id])));
        }
    }
}
