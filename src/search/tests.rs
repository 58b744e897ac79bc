//! Index tests on a small site built through the real parser and site model, plus a reference
//! reader of the index files (what `search.js` does, minus typos and UI) to check ranking.

use std::collections::BTreeMap;
use std::path::Path;

use super::analyze::HINT_NONE;
use super::*;
use crate::config::Config;
use crate::seed::{parse_seed, ParseOptions};
use crate::urls::Urls;

const SEEDS: &[(&str, &str)] = &[
    (
        "001_aaaaaaaaaaaaaaaa.txt",
        "Israël : l’armée renforce sa défense\nL'armée israélienne a annoncé mardi un nouveau dispositif de défense aérienne au nord du pays.\nLes responsables de la défense ont présenté le plan aux journalistes.\nRND, 02/03/2023\nEtiquettes : Israël, Défense,\nSoyez le premier à commenter\n",
    ),
    (
        "002_bbbbbbbbbbbbbbbb.txt",
        "Des espions au service de Pegasus\nUn espion a livré des secrets sur le logiciel Pegasus et ses clients.\nLe président Emmanuel Macron aurait été visé, selon plusieurs journalistes.\nLe Monde, 05/04/2022\nEtiquettes : Pegasus, Espionnage,\nSoyez le premier à commenter\n",
    ),
    (
        "003_cccccccccccccccc.txt",
        "Mobileum dément tout accord\nL'entreprise Mobileum affirme n'avoir jamais traité avec NSO. Le journaliste qui a révélé l'affaire maintient ses informations.\nLe Soir, 01/01/2021\nEtiquettes : NSO Group,\nSoyez le premier à commenter\n",
    ),
    (
        "004_dddddddddddddddd.txt",
        "Une recette de gâteau\nLa pâte doit reposer une heure avant la cuisson. Un gâteau simple et rapide.\nCuisine, 01/01/2020\nEtiquettes : Cuisine,\nSoyez le premier à commenter\n",
    ),
];

fn site_of(seeds: &[(&str, &str)], config: &str) -> Site {
    let config = Config::parse(config).unwrap();
    let urls = Urls::new("https://example.org/repo/").unwrap();
    let opts = ParseOptions::from_config(&config);
    let parsed = seeds
        .iter()
        .map(|(name, text)| parse_seed(Path::new(name), text.as_bytes(), &opts).unwrap())
        .collect();
    let (site, _) = crate::site::assemble(&config, &urls, parsed, Default::default(), false);
    site
}

fn files_of(site: &Site) -> BTreeMap<String, Vec<u8>> {
    build_index(site)
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

/// Reads the shard key notation of [`front_code`] (as `decodeKeys` in `search.js` does).
fn decode_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut prev: Vec<char> = Vec::new();
    for token in text.split(' ') {
        let (head, run) = token.split_once('|').unwrap_or((token, ""));
        let shared = usize::from_str_radix(&head[..1], 36).unwrap();
        prev.truncate(shared);
        prev.extend(head[1..].chars());
        keys.push(prev.iter().collect());
        for c in run.chars() {
            *prev.last_mut().unwrap() = c;
            keys.push(prev.iter().collect());
        }
    }
    keys
}

/// Minimal reader of the index: exact term lookup and BM25 over payload impacts.
struct Reader {
    files: BTreeMap<String, Vec<u8>>,
    n: u32,
    keys: Vec<String>,
    /// The date rank of each document, by id, read from `o.bin` as `search.js` reads it.
    ranks: Vec<u32>,
}

impl Reader {
    fn new(site: &Site) -> Reader {
        let files = files_of(site);
        let meta: serde_json::Value = serde_json::from_slice(&files["search/meta.json"]).unwrap();
        let width = meta["ow"].as_u64().unwrap() as usize;
        let ranks = files["search/o.bin"]
            .chunks(width)
            .map(|c| c.iter().rev().fold(0u32, |r, &b| r * 256 + u32::from(b)))
            .collect();
        Reader {
            n: meta["n"].as_u64().unwrap() as u32,
            keys: decode_keys(meta["keys"].as_str().unwrap()),
            files,
            ranks,
        }
    }

    /// Dictionary entries of the shard holding `term`: (term, df, block, offset, len).
    fn shard(&self, term: &str) -> Vec<(String, u32, usize, usize, usize)> {
        let key = self
            .keys
            .iter()
            .filter(|k| term.starts_with(k.as_str()))
            .max_by_key(|k| k.len())
            .expect("a shard");
        let text =
            String::from_utf8(self.files[&format!("search/t/{}.txt", file_name(key))].clone())
                .unwrap();
        let (mut out, mut block, mut offset, mut prev) = (Vec::new(), 0, 0, String::new());
        for line in text.lines() {
            if line.is_empty() {
                block += 1;
                offset = 0;
                continue;
            }
            let mut parts = line.split(' ');
            let head = parts.next().unwrap();
            let shared = usize::from_str_radix(&head[..1], 36).unwrap();
            let t: String = prev.chars().take(shared).collect::<String>() + &head[1..];
            let df = u32::from_str_radix(parts.next().unwrap(), 36).unwrap();
            let len = usize::from_str_radix(parts.next().unwrap(), 36).unwrap();
            out.push((t.clone(), df, block, offset, len));
            offset += len;
            prev = t;
        }
        out
    }

    fn postings(&self, term: &str) -> Vec<(u32, u8)> {
        let Some(key) = self
            .keys
            .iter()
            .filter(|k| term.starts_with(k.as_str()))
            .max_by_key(|k| k.len())
        else {
            return Vec::new();
        };
        let Some((_, df, block, off, len)) = self.shard(term).into_iter().find(|e| e.0 == term)
        else {
            return Vec::new();
        };
        let bytes = &self.files[&format!("search/p/{}.{block}.bin", file_name(key))];
        let list = decode_postings(&bytes[off..off + len], self.n, true).unwrap();
        assert_eq!(list.len(), df as usize);
        list
    }

    /// Titles ranked for a query (AND of its terms).
    fn search(&self, site: &Site, query: &str) -> Vec<String> {
        let terms = tokenize::terms(query, "fr");
        let mut scores: BTreeMap<u32, (usize, f64)> = BTreeMap::new();
        for t in &terms {
            let list = self.postings(t);
            let df = list.len() as f64;
            let idf = (1.0 + (f64::from(self.n) - df + 0.5) / (df + 0.5)).ln();
            for (doc, p) in list {
                let e = scores.entry(doc).or_default();
                e.0 += 1;
                e.1 += idf * f64::from(p >> 2);
            }
        }
        let mut ranked: Vec<(u32, f64)> = scores
            .into_iter()
            .filter(|(_, (n, _))| *n == terms.len())
            .map(|(d, (_, s))| (d, s))
            .collect();
        // Equal scores: newest first, as `search.js` breaks ties.
        let rank = |d: u32| self.ranks[d as usize];
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(rank(b.0).cmp(&rank(a.0))));
        ranked
            .into_iter()
            .map(|(d, _)| {
                site.articles[self.n as usize - 1 - rank(d) as usize]
                    .title
                    .clone()
            })
            .collect()
    }
}

#[test]
fn queries_find_the_expected_articles() {
    let site = site_of(SEEDS, "");
    let r = Reader::new(&site);
    let titles = |q: &str| r.search(&site, q);
    assert_eq!(
        titles("israel"),
        vec!["Israël : l’armée renforce sa défense"]
    );
    assert_eq!(titles("DEFENSE"), titles("défense"));
    assert_eq!(titles("l’armée"), titles("armée"));
    assert_eq!(titles("l'armée").len(), 1);
    // Plural and singular meet; three articles mention journalists.
    assert_eq!(titles("journalistes").len(), 3);
    assert_eq!(titles("journalistes"), titles("journaliste"));
    assert_eq!(titles("espions"), titles("espion"));
    assert_eq!(titles("espions"), vec!["Des espions au service de Pegasus"]);
    assert!(titles("gâteau pegasus").is_empty());
}

#[test]
fn title_and_tag_matches_outrank_body_matches() {
    let seeds = [
        (
            "010_aaaaaaaaaaaaaaaa.txt",
            "Le budget de la ville\nLe conseil a voté le budget. Un mot sur Pegasus en passant, puis le budget encore.\nRND, 01/02/2023\nEtiquettes : Budget,\nSoyez le premier à commenter\n",
        ),
        (
            "011_bbbbbbbbbbbbbbbb.txt",
            "Pegasus, le logiciel espion\nLe logiciel a infecté des téléphones.\nRND, 01/01/2023\nEtiquettes : Pegasus,\nSoyez le premier à commenter\n",
        ),
        (
            "012_cccccccccccccccc.txt",
            "Une autre affaire\nRien à voir avec le sujet, sinon une seule phrase qui cite le logiciel Pegasus.\nRND, 01/03/2023\nEtiquettes : Divers,\nSoyez le premier à commenter\n",
        ),
    ];
    let site = site_of(&seeds, "");
    let r = Reader::new(&site);
    let ranked = r.search(&site, "pegasus");
    assert_eq!(ranked.len(), 3);
    assert_eq!(ranked[0], "Pegasus, le logiciel espion");
}

#[test]
fn stop_words_are_not_indexed() {
    let site = site_of(SEEDS, "");
    let r = Reader::new(&site);
    for w in ["le", "la", "de", "l", "d"] {
        assert!(r.postings(w).is_empty(), "{w}");
    }
    assert!(!r.postings("pegasus").is_empty());
}

#[test]
fn output_is_deterministic_and_under_search() {
    let site = site_of(SEEDS, "");
    let a = build_index(&site);
    let b = build_index(&site);
    assert_eq!(a, b);
    assert!(a.iter().all(|f| f.path.starts_with("search/")));
    let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(paths, sorted);
}

#[test]
fn doc_files_hold_display_fields_without_base_path() {
    let site = site_of(SEEDS, "");
    let files = files_of(&site);
    let idx = site
        .articles
        .iter()
        .position(|a| a.title.starts_with("Israël"))
        .unwrap();
    let id = site.seed_ranks[idx];
    let doc: serde_json::Value =
        serde_json::from_slice(&files[&format!("search/d/{id}.json")]).unwrap();
    assert_eq!(doc["r"], site.articles[idx].route.as_str());
    assert!(!doc["r"].as_str().unwrap().starts_with("/repo"));
    assert_eq!(doc["d"], "2023-03-02");
    assert_eq!(doc["s"][0], "RND");
    assert!(doc["g"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t[0] == "Israël"));
    assert!(doc["x"].as_str().unwrap().contains("dispositif"));
}

#[test]
fn excerpt_is_cut_in_segments_and_hints_point_to_them() {
    let long = format!(
        "Titre long\n{}\nPegasus apparaît seulement à la fin.\nRND, 01/02/2023\nEtiquettes : Divers,\nSoyez le premier à commenter\n",
        "Une phrase de remplissage sans intérêt particulier. ".repeat(30)
    );
    let seeds = [("020_aaaaaaaaaaaaaaaa.txt", long.as_str())];
    let site = site_of(&seeds, "[search]\nexcerpt_chars = 600\n");
    let files = files_of(&site);
    let doc: serde_json::Value = serde_json::from_slice(&files["search/d/0.json"]).unwrap();
    assert!(doc["x"].as_str().unwrap().chars().count() <= 200);
    assert_eq!(doc["m"], 2);
    let rest: serde_json::Value = serde_json::from_slice(&files["search/d/0.1.json"]).unwrap();
    assert_eq!(rest["t"], doc["t"]);
    assert_eq!(rest["r"], doc["r"]);
    let segs = rest["y"].as_array().unwrap();
    assert_eq!(segs.len(), 2);
    assert!(segs[0].as_str().unwrap().len() <= 200);
    assert!(segs[1].as_str().unwrap().len() <= 2 * 200);
    let r = Reader::new(&site);
    assert_eq!(r.postings("pegasus")[0].1 & 3, HINT_NONE);
    assert_eq!(r.postings("remplissag")[0].1 & 3, 0);
    assert_eq!(r.postings("titr")[0].1 & 3, HINT_NONE);
}

#[test]
fn keys_are_front_coded() {
    assert_eq!(front_code(&["co", "cob", "coc", "d"]), "0co 2b|c 0d");
    let keys = [
        "ab", "ac", "b", "co", "coa", "cob", "coc", "cz", "d", "é", "éa", "éb", "я1", "я2",
    ];
    let coded = front_code(&keys);
    assert_eq!(coded, "0ab|c 0b 0co 2a|bc 1z 0d|é 1a|b 0я1|2");
    assert_eq!(decode_keys(&coded), keys);
}

#[test]
fn crowded_prefixes_split_into_deeper_shards() {
    let words: Vec<String> = (0..2000)
        .map(|i| format!("co{}x", encode::base36(i * 7919)))
        .collect();
    let terms: Vec<&str> = {
        let mut v: Vec<&str> = words.iter().map(String::as_str).collect();
        v.push("co");
        v.sort_unstable();
        v
    };
    let mut shards = Vec::new();
    shard_terms(&terms, 2, &|t: &str| t.len() + 8, &mut shards);
    assert!(shards.len() > 1);
    assert!(shards.iter().any(|(k, t)| k == "co" && t == &vec!["co"]));
    for (key, terms) in &shards {
        assert!(terms.iter().all(|t| t.starts_with(key.as_str())));
    }
    let total: usize = shards.iter().map(|s| s.1.len()).sum();
    assert_eq!(total, terms.len());
}

/// Terms of the fixture word list, compared by `tests/browser/tokenize.test.mjs` with the
/// tokeniser of `search.js`. `GAZETTE_BLESS=1` rewrites the fixture after a deliberate change.
#[test]
fn tokenizer_fixture_matches() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/fixtures");
    let words = std::fs::read_to_string(dir.join("words.txt")).unwrap();
    let mut out = String::new();
    for line in words.lines() {
        let terms = tokenize::terms(line, "fr");
        out.push_str(line);
        out.push('\t');
        out.push_str(&terms.join(" "));
        out.push('\n');
    }
    let path = dir.join("terms.fr.tsv");
    if std::env::var_os("GAZETTE_BLESS").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        expected == out,
        "tokeniser output changed; rerun with GAZETTE_BLESS=1 if intended"
    );
}

/// Word pairs of `tests/browser/fixtures/families.tsv` (`word word 0|1`): whether their French
/// stems are of one family. `tests/browser/tokenize.test.mjs` checks `search.js` on the same file.
#[test]
fn family_fixture_matches() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/fixtures/families.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let stem = |w: &str| tokenize::terms(w, "fr").concat();
    let mut checked = 0;
    for line in text.lines() {
        let [a, b, want]: [&str; 3] = line.split('\t').collect::<Vec<_>>().try_into().unwrap();
        let (sa, sb) = (stem(a), stem(b));
        let family = sa != sb && tokenize::is_family(&sa, &sb);
        assert_eq!(family, want == "1", "{a} ({sa}) / {b} ({sb})");
        checked += 1;
    }
    assert!(checked >= 10);
}

/// The client matches a word's family among the terms of the one dictionary shard it reads:
/// `espionnag` must sit in the shard of `espion`, even once the `es` shards split.
#[test]
fn family_terms_share_a_shard() {
    let mut seeds: Vec<(String, String)> = (0..400)
        .map(|i| {
            (
                format!("{:03}_{:016x}.txt", i + 1, i),
                format!("Esp{i:x}q\nLes esp{i:x}rit et espa{i:x}ces.\nLe Soir, 01/01/2021\n"),
            )
        })
        .collect();
    seeds.push((
        "999_ffffffffffffffff.txt".into(),
        "Espionnage et espions\nUn espion et un réseau d'espionnage.\nLe Soir, 01/01/2021\n".into(),
    ));
    let seeds: Vec<(&str, &str)> = seeds
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = site_of(&seeds, "");
    let r = Reader::new(&site);
    assert!(r
        .keys
        .iter()
        .any(|k| k.chars().count() > 2 && k.starts_with("es")));
    let shard: Vec<String> = r.shard("espion").into_iter().map(|e| e.0).collect();
    assert!(shard.contains(&"espion".to_string()) && shard.contains(&"espionnag".to_string()));
}

fn newest_seed(title: &str) -> String {
    format!(
        "{title}\nUn nouvel article sur Pegasus et la défense, publié après tous les autres.\nRND, 01/06/2024\nEtiquettes : Pegasus, Défense,\nSoyez le premier à commenter\n"
    )
}

/// The same index with the cache as without, from an empty, warm or outdated cache.
#[test]
fn cached_index_equals_uncached_after_add_change_remove() {
    let dir = tempfile::tempdir().unwrap();
    let check = |seeds: &[(&str, &str)]| {
        let site = site_of(seeds, "");
        assert!(build_index_cached(&site, dir.path()) == build_index(&site));
    };
    check(SEEDS);
    assert!((0..8).any(|i| dir.path().join(format!("search-{i}.bin")).is_file()));
    // Warm, nothing changed.
    check(SEEDS);
    // Add the newest article.
    let added = newest_seed("Un article tout neuf");
    let mut seeds = SEEDS.to_vec();
    seeds.push(("005_eeeeeeeeeeeeeeee.txt", &added));
    check(&seeds);
    // Change one (its text, then only its tags).
    let changed = SEEDS[1].1.replace("Un espion", "Une espionne");
    seeds[1].1 = &changed;
    check(&seeds);
    let retagged = changed.replace(
        "Etiquettes : Pegasus, Espionnage,",
        "Etiquettes : Espionnage,",
    );
    seeds[1].1 = &retagged;
    check(&seeds);
    // Remove two: their entries are dropped.
    seeds.remove(2);
    seeds.remove(0);
    check(&seeds);
    let key = cache::cache_key(site_of(&seeds, "").config.search.excerpt_chars.max(2));
    assert_eq!(
        cache::AnalysisCache::load(dir.path(), &key).len(),
        seeds.len()
    );
    // Another excerpt length is another analysis: the cache is not used for it.
    let other = site_of(&seeds, "[search]\nexcerpt_chars = 90\n");
    assert!(build_index_cached(&other, dir.path()) == build_index(&other));
}

/// The in-memory cache of `gazette serve` gives the same index as none, through changes and
/// a change of excerpt length (which is another analysis).
#[test]
fn memory_cache_index_equals_uncached() {
    let mut memory = cache::MemoryCache::default();
    let site = site_of(SEEDS, "");
    assert!(build_index_in_memory(&site, &mut memory) == build_index(&site));
    assert_eq!(memory.len(), SEEDS.len());
    let changed = SEEDS[1].1.replace("Un espion", "Une espionne");
    let mut seeds = SEEDS.to_vec();
    seeds[1].1 = &changed;
    seeds.remove(0);
    let site = site_of(&seeds, "");
    assert!(build_index_in_memory(&site, &mut memory) == build_index(&site));
    assert_eq!(memory.len(), seeds.len());
    let other = site_of(&seeds, "[search]\nexcerpt_chars = 90\n");
    assert!(build_index_in_memory(&other, &mut memory) == build_index(&other));
}

#[test]
fn analysis_cache_round_trips_and_saves_only_when_changed() {
    let dir = tempfile::tempdir().unwrap();
    let site = site_of(SEEDS, "");
    let articles: Vec<&Article> = site.articles.iter().map(|a| &**a).collect();
    let keys: Vec<[u8; 32]> = articles.iter().map(|a| cache::article_key(a)).collect();
    let mut c = cache::AnalysisCache::default();
    c.update(&articles, &keys, 300);
    c.save(dir.path(), "k");
    let back = cache::AnalysisCache::load(dir.path(), "k");
    assert_eq!(back.len(), SEEDS.len());
    let fresh = analyze::analyze_all(&articles, 300);
    for (k, a) in keys.iter().zip(&fresh) {
        assert_eq!(back.get(k), Some(a));
    }
    // Another key: nothing.
    assert!(cache::AnalysisCache::load(dir.path(), "other").is_empty());
    // Nothing changed: nothing written.
    let mut again = back;
    again.update(&articles, &keys, 300);
    for i in 0..8 {
        let _ = std::fs::remove_file(dir.path().join(format!("search-{i}.bin")));
    }
    again.save(dir.path(), "k");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Every key is distinct as soon as anything the analysis reads differs.
#[test]
fn article_key_covers_what_the_analysis_reads() {
    let site = site_of(SEEDS, "");
    let a: &crate::site::Article = &site.articles[0];
    let base = cache::article_key(a);
    let mut b = a.clone();
    b.title.push('!');
    assert_ne!(cache::article_key(&b), base);
    let mut b = a.clone();
    if let crate::site::Body::Blocks { blocks, .. } = &b.body {
        let mut blocks = blocks.to_vec();
        blocks.push(crate::seed::Block::Paragraph { text: "!".into() });
        b.body = crate::site::Body::blocks(blocks);
    }
    assert_ne!(cache::article_key(&b), base);
    let mut b = a.clone();
    b.language = "en".into();
    assert_ne!(cache::article_key(&b), base);
    let mut b = a.clone();
    b.summary.push("x".into());
    assert_ne!(cache::article_key(&b), base);
    let mut b = a.clone();
    b.tags[0].name.push('x');
    assert_ne!(cache::article_key(&b), base);
    // What the analysis does not read (the route, the date) does not matter.
    let mut b = a.clone();
    b.route.push('x');
    b.date = None;
    assert_eq!(cache::article_key(&b), base);
}

/// A document file's fingerprint changes with everything the file shows; a kept file would
/// otherwise show stale values.
#[test]
fn doc_fingerprint_covers_what_the_document_shows() {
    let site = site_of(SEEDS, "");
    let a: &crate::site::Article = &site.articles[0];
    let key = cache::article_key(a);
    let base = super::doc_fingerprint(a, &key, 300);
    assert_ne!(super::doc_fingerprint(a, &key, 301), base, "excerpt length");
    let other_key = [7u8; 32];
    assert_ne!(super::doc_fingerprint(a, &other_key, 300), base, "body");
    type Change = fn(&mut crate::site::Article);
    let author = || crate::site::TermRef {
        name: "Anne Durand".into(),
        slug: "anne-durand".into(),
    };
    let mut signed = a.clone();
    signed.authors.push(author());
    let signed_fp = super::doc_fingerprint(&signed, &key, 300);
    assert_ne!(signed_fp, base, "an author");
    signed.authors[0].name.push('x');
    assert_ne!(
        super::doc_fingerprint(&signed, &key, 300),
        signed_fp,
        "author name"
    );
    let changes: [(&str, Change); 6] = [
        ("route", |b| b.route.push('x')),
        ("title", |b| b.title.push('x')),
        ("date", |b| b.date = None),
        ("source", |b| b.source = None),
        ("tag slug", |b| b.tags[0].slug.push('x')),
        ("inferred tag", |b| {
            b.inferred_tags.push(crate::site::TermRef {
                name: "X".into(),
                slug: "x".into(),
            })
        }),
    ];
    for (what, change) in changes {
        let mut b = a.clone();
        change(&mut b);
        assert_ne!(super::doc_fingerprint(&b, &key, 300), base, "{what}");
    }
}

/// Damaged, truncated or foreign shards are no cache: no panic, no error, the same index.
#[test]
fn a_damaged_analysis_cache_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let site = site_of(SEEDS, "");
    let want = build_index(&site);
    assert!(build_index_cached(&site, dir.path()) == want);
    let shards: Vec<std::path::PathBuf> = (0..8)
        .map(|i| dir.path().join(format!("search-{i}.bin")))
        .filter(|p| p.is_file())
        .collect();
    assert!(!shards.is_empty());
    let good: Vec<Vec<u8>> = shards.iter().map(|p| std::fs::read(p).unwrap()).collect();
    type Damage = Box<dyn Fn(&[u8]) -> Vec<u8>>;
    let damages: Vec<Damage> = vec![
        Box::new(|b| b[..b.len() / 2].to_vec()),
        Box::new(|b| b[..b.len() - 1].to_vec()),
        Box::new(|b| {
            let mut v = b.to_vec();
            for x in v.iter_mut().skip(40).step_by(7) {
                *x ^= 0x5a;
            }
            v
        }),
        Box::new(|b| {
            let mut v = b.to_vec();
            v.push(0);
            v
        }),
        // One letter of a word changed: the shard still decodes, as another word; only the
        // checksum tells.
        Box::new(|b| {
            let mut v = b.to_vec();
            // From the end: the last entry's words lie just before the checksum.
            let at = (40..v.len() - 40)
                .rev()
                .find(|&i| v[i..i + 5].iter().all(u8::is_ascii_lowercase))
                .expect("a word in the shard");
            v[at + 2] = if v[at + 2] == b'q' { b'w' } else { b'q' };
            v
        }),
        Box::new(|_| b"gazette seed cache 2\n".to_vec()),
        Box::new(|_| Vec::new()),
    ];
    for damage in &damages {
        for (p, g) in shards.iter().zip(&good) {
            std::fs::write(p, damage(g)).unwrap();
        }
        assert!(build_index_cached(&site, dir.path()) == want);
        // The damaged shards were replaced by good ones.
        for (p, g) in shards.iter().zip(&good) {
            assert_eq!(&std::fs::read(p).unwrap(), g);
        }
    }
    // A cache folder that cannot be written is no error either.
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    assert!(build_index_cached(&site, &file) == want);
}

/// Checks that every document file of the index `before` is in `after` as it was, and returns
/// the document `after` adds under the next id.
fn next_document(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> serde_json::Value {
    let mut ids = 0;
    for (path, bytes) in before {
        if path.starts_with("search/d/") {
            assert_eq!(after.get(path), Some(bytes), "{path}");
            ids += usize::from(!path.ends_with(".1.json"));
        }
    }
    serde_json::from_slice(&after[&format!("search/d/{ids}.json")]).unwrap()
}

/// Adding the newest article keeps the document files of the others, and with the rounded
/// length averages the postings of terms it does not contain.
#[test]
fn adding_the_newest_article_keeps_existing_doc_files() {
    let before = files_of(&site_of(SEEDS, ""));
    let added = newest_seed("Un article tout neuf");
    let mut seeds = SEEDS.to_vec();
    seeds.push(("005_eeeeeeeeeeeeeeee.txt", &added));
    let site = site_of(&seeds, "");
    assert_eq!(site.articles[0].title, "Un article tout neuf");
    let after = files_of(&site);
    let newest = next_document(&before, &after);
    assert_eq!(newest["t"], "Un article tout neuf");
    let meta: serde_json::Value = serde_json::from_slice(&after["search/meta.json"]).unwrap();
    assert_eq!(meta["v"], FORMAT_VERSION);
}

/// A seed dated before every other, named last, takes the next id: the other articles keep
/// their document files, `o.bin` ranks it oldest, and a session updates its posting lists in
/// place instead of making them again.
#[test]
fn a_back_dated_seed_takes_the_next_id() {
    let first = site_of(SEEDS, "");
    let before = files_of(&first);
    let old = "Un article ancien\nUn vieil article sur Pegasus et la défense, retrouvé dans les archives.\nRND, 01/06/2015\nEtiquettes : Pegasus,\nSoyez le premier à commenter\n";
    let mut seeds = SEEDS.to_vec();
    seeds.push(("005_eeeeeeeeeeeeeeee.txt", old));
    let site = site_of(&seeds, "");
    assert_eq!(site.articles.last().unwrap().title, "Un article ancien");
    let after = files_of(&site);
    let added = next_document(&before, &after);
    assert_eq!(added["t"], "Un article ancien");
    let n = SEEDS.len();
    // Every document's rank puts it where the site lists it (newest first).
    let reader = Reader::new(&site);
    assert_eq!(reader.ranks.len(), n + 1);
    for (id, &rank) in reader.ranks.iter().enumerate() {
        let doc: serde_json::Value =
            serde_json::from_slice(&after[&format!("search/d/{id}.json")]).unwrap();
        assert_eq!(doc["t"], site.articles[n - rank as usize].title.as_str());
    }
    // In a session, with articles of equal field lengths so that the averages stay put.
    let words = ["alpha", "bravo", "charlie", "delta", "echo"];
    let texts: Vec<(String, String)> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let year = [2020, 2021, 2022, 2023, 2015][i];
            (
                format!("{:03}_{}.txt", i + 1, "f".repeat(16)),
                format!("Article {w}\nUn texte sur {w} et la défense.\nRND, 01/06/{year}\nEtiquettes : Pegasus,\n"),
            )
        })
        .collect();
    let seeds_of = |k: usize| -> Vec<(&str, &str)> {
        texts[..k]
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect()
    };
    let mut memory = cache::MemoryCache::default();
    build_index_in_memory(&site_of(&seeds_of(4), ""), &mut memory);
    let site = site_of(&seeds_of(5), "");
    assert_eq!(site.articles.last().unwrap().title, "Article echo");
    assert!(build_index_in_memory(&site, &mut memory) == build_index(&site));
    assert_eq!(memory.postings.as_ref().map(|p| p.updates), Some(1));
}

#[test]
fn averages_keep_four_significant_bits() {
    assert_eq!(coarse(0.0), 0.0);
    assert_eq!(coarse(1.0), 1.0);
    assert_eq!(coarse(15.0), 15.0);
    assert_eq!(coarse(17.0), 18.0);
    assert_eq!(coarse(1000.0), 1024.0);
    assert_eq!(coarse(641.3), 640.0);
    assert_eq!(coarse(0.3), 0.3125);
    for x in [3.7, 99.0, 640.0, 12_345.6] {
        assert!((coarse(x) - x).abs() / x <= 1.0 / 16.0);
    }
}
