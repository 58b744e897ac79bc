//! Robustness of the seed parser: arbitrary bytes and seed-like garbage never panic and always
//! give either a `SeedError` naming the file or a seed that satisfies the invariants the site
//! relies on; large inputs parse in linear time.

use std::path::Path;
use std::time::{Duration, Instant};

use gazette::seed::{clean, parse_seed, Block, ParseOptions, ParsedSeed, SeedError};
use proptest::prelude::*;

const FILE: &str = "seeds/123_0123456789abcdef.txt";

fn opts() -> ParseOptions {
    ParseOptions {
        default_language: "fr".into(),
        boilerplate: clean::boilerplate_patterns(&Default::default()),
    }
}

fn check_invariants(r: &Result<ParsedSeed, SeedError>) {
    match r {
        Err(e) => assert!(e.to_string().starts_with(FILE), "{e}"),
        Ok(s) => {
            assert!(!s.title.value.trim().is_empty(), "empty title");
            assert!(!s.body.is_empty(), "empty body");
            for b in s.body.iter() {
                match b {
                    Block::Paragraph { text } | Block::Heading { text } => {
                        assert!(!text.trim().is_empty(), "empty block in {:?}", s.body)
                    }
                    Block::List { items } => {
                        assert!(!items.is_empty());
                        assert!(items.iter().all(|i| !i.trim().is_empty()));
                    }
                }
            }
            assert!(s.reading_time >= 1);
            assert!(!s.id.is_empty());
            assert!(s.summary.value.iter().all(|i| !i.trim().is_empty()));
            assert!(s.tags.value.iter().all(|t| !t.trim().is_empty()));
            for w in &s.warnings {
                assert!(w.starts_with(FILE), "warning does not name the file: {w}");
            }
        }
    }
}

fn parse(bytes: &[u8]) -> Result<ParsedSeed, SeedError> {
    parse_seed(Path::new(FILE), bytes, &opts())
}

fn seed_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Soyez le premier à commenter".to_string()),
        Just("Lire aussi : la suite".to_string()),
        "[A-ZÉ][a-zéèàç’' ,]{0,80}[.!?]?",
        "[-•*–]{1,2} ?[A-Za-zé ,.]{0,40}",
        "(Par|By|Von) [A-Z][a-z]{0,8}( (et|and|und) [A-Z][a-z]{0,8})?,?",
        "[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}",
        "(Publié le|Mis à jour le|Updated) [0-9]{1,2} (juillet|mars|févr\\.|July) [0-9]{4}( à [0-9]{1,2}h[0-9]{2})?",
        "[A-Z]{2,5}, [0-9]{1,2}/[0-9]{1,2}/[0-9]{4}",
        "(Etiquettes|Tags|Mots-clés) ?: ?([A-Za-zé ]{0,10}[,;|]){0,8}",
        "(PARIS|Tel Aviv|Bruxelles)( \\(AFP\\) - |\\. |, 3 mars – )[A-Za-z ]{0,40}\\.?",
        "Source ?: ?[A-Za-z ]{0,20}",
        "[ \t\u{a0}\u{202f}\u{200b}]{0,4}",
        "\\PC{0,60}",
        "[«»“”()\\[\\]:;!?…—–-]{1,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        check_invariants(&parse(&bytes));
    }

    #[test]
    fn seed_like_text_never_panics(
        lines in proptest::collection::vec(seed_line(), 0..40),
        sep in prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("\n\n")],
    ) {
        let text = lines.join(sep);
        check_invariants(&parse(text.as_bytes()));
        // The same text glued to itself is still fine (repeat removal).
        let doubled = format!("{text}{}", lines.concat());
        check_invariants(&parse(doubled.as_bytes()));
    }

    #[test]
    fn utf16_and_legacy_encodings_never_panic(text in "\\PC{0,400}") {
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend(u.to_le_bytes());
        }
        check_invariants(&parse(&le));
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        check_invariants(&parse(&latin));
        // Odd-length UTF-16 (truncated file).
        le.push(0x41);
        check_invariants(&parse(&le));
    }
}

/// A varied article paragraph: pseudo-random words, so 8-word shingles do not recur and
/// repeat removal keeps every paragraph, as in a real (very long) article.
fn paragraph(i: usize) -> String {
    const WORDS: &[&str] = &[
        "le",
        "ministre",
        "rapport",
        "commission",
        "région",
        "dépenses",
        "année",
        "mesures",
        "gouvernement",
        "syndicats",
        "agriculteurs",
        "sécheresse",
        "aide",
        "plan",
        "députés",
        "jeudi",
        "mardi",
        "nouvelles",
        "règles",
        "logiciel",
        "espion",
        "téléphone",
        "enquête",
        "journal",
        "président",
        "accord",
        "réunion",
        "crise",
        "budget",
        "hausse",
        "baisse",
        "prix",
        "marché",
        "énergie",
        "école",
        "hôpital",
        "police",
        "justice",
        "tribunal",
        "ville",
    ];
    let mut x = (i as u64)
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = String::from("Selon le texte");
    for _ in 0..30 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.push(' ');
        out.push_str(WORDS[(x >> 33) as usize % WORDS.len()]);
    }
    out.push('.');
    out
}

fn big_article(target_bytes: usize) -> String {
    let mut s = String::with_capacity(target_bytes + 1000);
    let mut i = 0;
    while s.len() < target_bytes {
        s.push_str(&paragraph(i));
        s.push('\n');
        if i % 40 == 39 {
            s.push_str("Une section suivante\n");
        }
        i += 1;
    }
    s.push_str("RND, 27/07/2021\nEtiquettes : Maroc, France,\n");
    s
}

#[test]
fn single_one_megabyte_line() {
    let line = "mot ".repeat(250_000);
    let t = Instant::now();
    let r = parse(line.as_bytes());
    check_invariants(&r);
    let s = r.unwrap();
    assert!(s.title.value.chars().count() <= 110);
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
}

#[test]
fn five_hundred_tags() {
    let tags: Vec<String> = (0..500).map(|i| format!("Tag {i}")).collect();
    let text = format!("{}\nTags : {}\n", paragraph(1), tags.join(", "));
    let s = parse(text.as_bytes()).unwrap();
    assert_eq!(s.tags.value.len(), 500);
    assert_eq!(s.tags.value[499], "Tag 499");
}

#[test]
fn several_megabytes_parse_in_linear_time() {
    // Debug builds are slow; this checks that doubling the input roughly doubles the time.
    let small = big_article(1_000_000);
    let large = big_article(4_000_000);
    let t = Instant::now();
    let a = parse(small.as_bytes()).unwrap();
    let t_small = t.elapsed();
    let t = Instant::now();
    let b = parse(large.as_bytes()).unwrap();
    let t_large = t.elapsed();
    assert_eq!(
        a.date.value.map(|d| d.to_string()).as_deref(),
        Some("2021-07-27")
    );
    assert_eq!(b.source.value.as_deref(), Some("RND"));
    assert!(b.word_count > 4 * a.word_count / 2);
    // 4× the input must not cost more than ~10× the time (quadratic would be 16×).
    assert!(
        t_large < t_small * 10 + Duration::from_millis(200),
        "{t_small:?} vs {t_large:?}"
    );
}

#[test]
#[ignore = "timing: run with `cargo test --release --test parser_robustness -- --ignored --nocapture`"]
fn fifty_megabytes() {
    let text = big_article(50_000_000);
    let t = Instant::now();
    let s = parse(text.as_bytes()).unwrap();
    let el = t.elapsed();
    println!(
        "50 MB: {:?} ({:.1} MB/s), {} blocks, {} words",
        el,
        text.len() as f64 / 1e6 / el.as_secs_f64(),
        s.body.len(),
        s.word_count
    );
}
