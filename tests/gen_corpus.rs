//! Correctness of the benchmark corpus generator (examples/gen_corpus.rs). No timing here: speed
//! is measured by bench/run.sh.

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use gen_corpus::{generate, make_title, split_sentences, tag_vocabulary, Options};

fn options(n: usize, dir: &Path, seed: u64, hugo: bool) -> Options {
    Options {
        n,
        dir: dir.to_path_buf(),
        seed,
        hugo: hugo.then(|| dir.join("hugo")),
        vocab_rate: 0.2,
        no_vocab: false,
        base_url: "https://example.org/".into(),
        hugo_layouts: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/hugo-layouts"),
        quiet: true,
    }
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    generate(&options(40, a.path(), 7, true)).unwrap();
    generate(&options(40, b.path(), 7, true)).unwrap();
    generate(&options(40, c.path(), 8, false)).unwrap();
    let (ta, tb) = (tree(a.path()), tree(b.path()));
    assert!(
        ta.len() > 80,
        "seeds, Hugo pages, config, layouts: {}",
        ta.len()
    );
    assert_eq!(ta, tb);
    let seeds = |t: &BTreeMap<PathBuf, Vec<u8>>| -> Vec<Vec<u8>> {
        t.iter()
            .filter(|(p, _)| p.starts_with("seeds"))
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert_ne!(seeds(&ta), seeds(&tree(c.path())));
}

#[test]
fn seeds_have_the_real_forms_and_tags_from_the_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    let n = 300;
    let stats = generate(&options(n, dir.path(), 42, false)).unwrap();
    let vocab: HashSet<String> = tag_vocabulary().into_iter().collect();
    assert!((300..=340).contains(&vocab.len()), "{}", vocab.len());
    assert!(vocab.contains("Israël") && vocab.contains("Cybersécurité"));

    let names: Vec<String> = fs::read_dir(dir.path().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), n);
    let (mut tagless, mut undated, mut boilerplate) = (0, 0, 0);
    for name in &names {
        let (num, rest) = name.split_once('_').unwrap();
        assert!(
            num.len() == 5 && num.bytes().all(|b| b.is_ascii_digit()),
            "{name}"
        );
        let hex = rest.strip_suffix(".txt").unwrap();
        assert!(
            hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}"
        );

        let text = fs::read_to_string(dir.path().join("seeds").join(name)).unwrap();
        let words = text.split_whitespace().count();
        assert!((300..2200).contains(&words), "{name}: {words} words");
        match text.lines().find_map(|l| l.strip_prefix("Etiquettes : ")) {
            Some(list) => {
                let list = list.strip_suffix(',').expect("tag line ends with a comma");
                let tags: Vec<&str> = list.split(", ").collect();
                assert!((2..=8).contains(&tags.len()), "{name}: {tags:?}");
                for t in tags {
                    assert!(vocab.contains(t), "{name}: {t} not in the vocabulary");
                }
            }
            None => tagless += 1,
        }
        let dated = text.lines().any(|l| {
            l.rsplit_once(", ").is_some_and(|(_, d)| {
                d.len() == 10 && d.as_bytes()[2] == b'/' && d.as_bytes()[5] == b'/'
            })
        });
        undated += usize::from(!dated);
        boilerplate += usize::from(text.contains("Soyez le premier à commenter"));
    }
    assert_eq!(tagless, stats.tagless);
    assert_eq!(undated, stats.undated);
    assert!(
        tagless > 0 && undated > 0 && stats.duplicated > 0,
        "{stats:?}"
    );
    assert!(boilerplate > n * 9 / 10);
    assert!((550.0..750.0).contains(&stats.avg_words), "{stats:?}");
    assert!(stats.distinct_words > 5_000, "{stats:?}");
    let config = fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(config.contains("base_url = \"https://example.org/\""));
}

#[test]
fn sentence_rules_match_the_python_generator() {
    assert_eq!(
        split_sentences("de télécommunications.Cette offre. M. Gantz part. Fin"),
        vec![
            "de télécommunications.",
            "Cette offre.",
            "M. Gantz part.",
            "Fin"
        ]
    );
    assert_eq!(make_title("-Premier point. Second."), "Premier point.");
    let long = "mot ".repeat(40);
    let t = make_title(&long);
    assert!(t.ends_with('…') && t.chars().count() <= 101, "{t}");
}
