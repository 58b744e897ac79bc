//! The incremental layer is sound whatever the edits: random sequences of edits to a project
//! (add, change, re-date and remove seeds; write, change and remove an override; change a
//! template; change `config.toml`), and after each one a cached `gazette build` and a `serve`
//! session rebuild must equal a full build file for file.
//!
//! The sequences come from a small seeded generator, so a failure names a sequence that can be
//! replayed. A test-only fault switch (`GAZETTE_FAULT_STALE_REUSE`) makes the layer reuse pages
//! whatever their view; the last test checks that the property then fails, so it cannot pass
//! by comparing nothing.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use gazette::build::{self, BuildOptions};

const CONFIG: &str = "title = \"Test\"\nbase_url = \"https://user.github.io/repo/\"\n\
                      language = \"fr\"\npaginate_by = 2\n";

/// A small deterministic generator (xorshift64*): the same seed, the same edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const TOPICS: [&str; 6] = [
    "Réforme des retraites",
    "Budget de l'État",
    "Marée noire en Bretagne",
    "Élections municipales",
    "Grève des cheminots",
    "Sécheresse dans le Sud",
];
const TAGS: [&str; 4] = [
    "Politique, France",
    "Économie",
    "Environnement, Bretagne",
    "Social",
];

/// Seed file name of article number `n`.
fn seed_name(n: usize) -> String {
    format!("{n:03}_{:016x}", 0xfeed_0000_u64 + n as u64)
}

/// Sentences the bodies are drawn from: bodies of different articles share some, as stories of
/// one archive do, so related lists are made; now and then two share enough to be copies of
/// one story (`site::copies`), so copy lists are made too.
const SENTENCES: [&str; 12] = [
    "Le gouvernement a présenté mardi un nouveau projet de loi devant les députés réunis en commission.",
    "Les associations ont réagi avec prudence et demandent des garanties supplémentaires avant le vote.",
    "Selon plusieurs sources proches du dossier, le texte pourrait être modifié dès la semaine prochaine.",
    "Les syndicats appellent à une journée de mobilisation nationale dans toutes les grandes villes du pays.",
    "Le maire a annoncé la fermeture provisoire de deux écoles après les intempéries de la nuit dernière.",
    "Les pêcheurs bretons craignent des pertes importantes si la pollution atteint les côtes cet été.",
    "La Commission européenne a ouvert une enquête sur les aides accordées aux entreprises du secteur.",
    "Les prix de l'énergie ont encore augmenté ce trimestre, pesant sur le budget de nombreux ménages.",
    "Un rapport parlementaire pointe des retards importants dans la rénovation des lignes ferroviaires.",
    "Les agriculteurs du Sud demandent des mesures d'urgence face à la sécheresse qui se prolonge.",
    "Le ministre de l'Économie a promis un plan de soutien chiffré avant la fin de l'année civile.",
    "Les électeurs seront appelés aux urnes au printemps pour désigner leurs nouveaux conseillers municipaux.",
];

/// A seed of article `n`, its text varied by `rng`: a title, four sentences of the pool, a
/// source and date line, tags.
fn seed_text(n: usize, rng: &mut Rng) -> String {
    let title = format!("{} ({n})", TOPICS[rng.below(TOPICS.len())]);
    let date = format!(
        "{:02}/{:02}/20{:02}",
        1 + rng.below(28),
        1 + rng.below(12),
        18 + rng.below(6)
    );
    let tags = TAGS[rng.below(TAGS.len())];
    let start = rng.below(SENTENCES.len());
    let step = 1 + rng.below(3);
    let body: Vec<&str> = (0..4)
        .map(|k| SENTENCES[(start + k * step) % SENTENCES.len()])
        .collect();
    format!(
        "{title}\n\n{} {}\n\n{} {}\n\nAFP, {date}\nEtiquettes : {tags},\n",
        body[0], body[1], body[2], body[3]
    )
}

/// The seeds of the project now, by name.
fn seed_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Applies one random edit to the project; returns what it did, for failure messages.
fn edit(root: &Path, rng: &mut Rng, next_id: &mut usize) -> String {
    let names = seed_names(root);
    let pick = |rng: &mut Rng| names[rng.below(names.len())].clone();
    let id_of = |name: &str| name.trim_end_matches(".txt").to_string();
    let overrides = root.join("content/articles");
    match rng.below(8) {
        0 | 1 => {
            *next_id += 1;
            let name = format!("{}.txt", seed_name(*next_id));
            std::fs::write(root.join("seeds").join(&name), seed_text(*next_id, rng)).unwrap();
            format!("add {name}")
        }
        2 => {
            let name = pick(rng);
            let n: usize = name[..3].parse().unwrap();
            std::fs::write(root.join("seeds").join(&name), seed_text(n, rng)).unwrap();
            format!("rewrite {name}")
        }
        3 if names.len() > 2 => {
            let name = pick(rng);
            std::fs::remove_file(root.join("seeds").join(&name)).unwrap();
            std::fs::remove_file(overrides.join(format!("{}.md", id_of(&name)))).ok();
            format!("remove {name}")
        }
        4 => {
            let name = pick(rng);
            let title = format!("Titre corrigé {}", rng.below(100));
            std::fs::create_dir_all(&overrides).unwrap();
            let tags = ["[\"Corrigé\"]", "[\"Politique\", \"Mis à jour\"]"][rng.below(2)];
            let text = format!("+++\ntitle = \"{title}\"\ntags = {tags}\n+++\n");
            std::fs::write(overrides.join(format!("{}.md", id_of(&name))), text).unwrap();
            format!("override {name}: {title}")
        }
        5 => {
            let removed: Vec<_> = std::fs::read_dir(&overrides)
                .map(|d| d.map(|e| e.unwrap().path()).collect())
                .unwrap_or_default();
            for path in &removed {
                std::fs::remove_file(path).unwrap();
            }
            format!("remove {} overrides", removed.len())
        }
        6 => {
            let dir = root.join("themes/default/templates");
            std::fs::create_dir_all(&dir).unwrap();
            let mark = rng.below(1000);
            let base = include_str!("../themes/default/templates/base.html")
                .replace("</body>", &format!("<p>Archive {mark}</p></body>"));
            std::fs::write(dir.join("base.html"), base).unwrap();
            format!("template base.html {mark}")
        }
        _ => {
            let per_page = 1 + rng.below(4);
            let config = CONFIG.replace("paginate_by = 2", &format!("paginate_by = {per_page}"));
            std::fs::write(root.join("config.toml"), config).unwrap();
            format!("config paginate_by = {per_page}")
        }
    }
}

/// A cached `gazette build` of `root` into its `dist/`, with `env` set.
fn cached_build(root: &Path, env: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    let out = root.join("dist");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gazette"));
    cmd.args(["build", "--quiet", "--root", root.to_str().unwrap()])
        .args(["--output", out.to_str().unwrap()])
        .env_remove("CI");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    common::tree(&out)
}

/// Runs `steps` random edits from `seed`; after each, the cached build (and, with `session`,
/// a serve session's rebuild) is compared with a full build. Returns the first difference.
fn run_sequence(seed: u64, steps: usize, session: bool, env: &[(&str, &str)]) -> Option<String> {
    let mut rng = Rng(seed);
    let mut next_id = 3;
    let seeds: Vec<(String, String)> = (1..=next_id)
        .map(|n| (format!("{}.txt", seed_name(n)), seed_text(n, &mut rng)))
        .collect();
    let refs: Vec<(&str, &str)> = seeds
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = common::site(CONFIG, &refs);
    let root = site.path();
    cached_build(root, env);
    let mut serve = build::Session::default();
    let mut served = serve
        .build(&BuildOptions::for_root(root), &Default::default())
        .ok()?
        .files;
    let mut done = Vec::new();
    for _ in 0..steps {
        done.push(edit(root, &mut rng, &mut next_id));
        let want = common::no_cache_tree(root);
        for bytes in want.values() {
            let page = String::from_utf8_lossy(bytes);
            SEEN_RELATED.fetch_or(page.contains("class=related"), Relaxed);
            SEEN_COPIES.fetch_or(page.contains("class=copies"), Relaxed);
        }
        let differs = |got: &BTreeMap<String, Vec<u8>>| -> Option<String> {
            let mut paths: Vec<&String> = got.keys().chain(want.keys()).collect();
            paths.sort();
            paths.dedup();
            paths
                .into_iter()
                .find(|p| got.get(*p) != want.get(*p))
                .cloned()
        };
        if let Some(path) = differs(&cached_build(root, env)) {
            return Some(format!(
                "sequence {seed}, cached build, {path} after {done:?}"
            ));
        }
        if session {
            let opts = BuildOptions::for_root(root);
            served = serve.build(&opts, &served).unwrap().files;
            // The output folder's marker is written with the folder, not served.
            let marker = want.get_key_value(".gazette-output");
            let got: BTreeMap<String, Vec<u8>> = served
                .iter()
                .map(|(p, b)| (p.to_string(), b.to_vec()))
                .chain(marker.map(|(p, b)| (p.clone(), b.clone())))
                .collect();
            if let Some(path) = differs(&got) {
                return Some(format!(
                    "sequence {seed}, serve session, {path} after {done:?}"
                ));
            }
        }
    }
    None
}

/// Whether some full build of the sequences had a related list, and a copy list: without
/// them, the property would say nothing of the pages that show them.
static SEEN_RELATED: AtomicBool = AtomicBool::new(false);
static SEEN_COPIES: AtomicBool = AtomicBool::new(false);

#[test]
fn random_edits_keep_cached_builds_and_serve_sessions_equal_to_full_builds() {
    for seed in [0x9e37_79b9_7f4a_7c15, 0x0123_4567_89ab_cdef, 42] {
        if let Some(failure) = run_sequence(seed, 10, true, &[]) {
            panic!("{failure}");
        }
    }
    assert!(SEEN_RELATED.load(Relaxed), "no page had related articles");
    assert!(
        SEEN_COPIES.load(Relaxed),
        "no page listed copies of its story"
    );
}

/// The property test catches a layer that reuses a page whose view changed.
#[test]
fn the_property_fails_when_the_layer_reuses_stale_pages() {
    let fault = [("GAZETTE_FAULT_STALE_REUSE", "1")];
    let caught = [0x9e37_79b9_7f4a_7c15, 0x0123_4567_89ab_cdef, 42]
        .into_iter()
        .find_map(|seed| run_sequence(seed, 10, false, &fault));
    assert!(caught.is_some(), "stale pages went unnoticed");
}
