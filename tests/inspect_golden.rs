//! Golden files of `gazette inspect --json` for the two real seeds of the sample site.
//!
//! Regenerate after an intended parser change with `UPDATE_GOLDEN=1 cargo test --test
//! inspect_golden`, then review the diff like any other change.

mod common;

use std::process::Command;

fn inspect(seed: &str) -> (String, serde_json::Value) {
    let o = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .current_dir(common::sample_root())
        .args(["inspect", "--json", &format!("seeds/{seed}.txt")])
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).expect("inspect prints JSON");
    (text, json)
}

fn golden(seed: &str) -> serde_json::Value {
    let (text, json) = inspect(seed);
    let path = common::sample_root().join(format!("tests/golden/{seed}.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).expect("golden file exists");
    assert_eq!(
        text, expected,
        "inspect output of {seed} changed; rerun with UPDATE_GOLDEN=1 and review the diff"
    );
    json.as_array().unwrap()[0].clone()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn seed_004_fields() {
    let a = golden("004_372a7a80e6ed88e1");
    assert_eq!(a["id"], "004_372a7a80e6ed88e1");
    assert_eq!(a["file"], "seeds/004_372a7a80e6ed88e1.txt");
    assert_eq!(a["date"], "2021-07-27");
    assert_eq!(a["source"], "RND");
    assert_eq!(a["language"], "fr");
    assert_eq!(
        strings(&a["tags"]),
        [
            "Maroc",
            "France",
            "Israël",
            "Pegasus",
            "Espionnage",
            "ONS Group",
            "Benny Gantz",
            "Emmanuel Macron"
        ]
    );
    assert_eq!(strings(&a["inferred_tags"]), Vec::<String>::new());
    let summary = strings(&a["summary"]);
    assert_eq!(summary.len(), 3);
    assert!(summary[0].starts_with("Lors de sa visite à Paris"));
    let body = a["body"].as_array().unwrap();
    assert!(body.iter().any(
        |b| b["kind"] == "heading" && b["text"] == "Israël s’inquiète d’une crise diplomatique"
    ));
    let text = a["body_text"].as_str().unwrap();
    assert!(text.starts_with("Tel Aviv. Le ministre israélien"));
    for gone in [
        "Soyez le premier",
        "Etiquettes",
        "RND, 27/07/2021",
        "-Lors de sa visite",
    ] {
        assert!(!text.contains(gone), "{gone:?} left in the body");
    }
    assert_eq!(a["dateline"], "Tel Aviv");
    assert_eq!(a["warnings"].as_array().unwrap().len(), 0);
}

#[test]
fn seed_000_every_paragraph_once() {
    let a = golden("000_49ee64380331eb27");
    assert_eq!(a["date"], serde_json::Value::Null);
    assert!(a["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("no publication date")));
    let title = a["title"].as_str().unwrap();
    assert!(title.starts_with("L'éditeur de spyware NSO"));
    assert!(title.chars().count() <= 112);
    let text = a["body_text"].as_str().unwrap();
    let raw = std::fs::read_to_string(common::sample_root().join("seeds/000_49ee64380331eb27.txt"))
        .unwrap();
    // Every paragraph of the original (first copy) appears exactly once in the clean body.
    let paragraphs: Vec<&str> = raw
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty() && p.len() < 1500)
        .collect();
    assert!(paragraphs.len() >= 8);
    let body = a["body"].as_array().unwrap();
    for p in paragraphs {
        let blocks = body.iter().filter(|b| b["text"] == p).count();
        assert_eq!(blocks, 1, "paragraph not exactly once: {p:.60}");
        if p.len() > 40 {
            assert_eq!(text.matches(p).count(), 1, "text repeated: {p:.60}");
        }
    }
    assert!(body
        .iter()
        .any(|b| b["kind"] == "heading" && b["text"] == "NSO dément"));
    // Tagless: it gets vocabulary tags found in its text, kept apart from `tags`.
    assert_eq!(strings(&a["tags"]), Vec::<String>::new());
    let inferred = strings(&a["inferred_tags"]);
    assert!(inferred.contains(&"Pegasus".to_string()), "{inferred:?}");
    assert!(!inferred.contains(&"Maroc".to_string()), "{inferred:?}");
    assert!(inferred.len() <= 8);
}

#[test]
fn inspect_text_names_origins() {
    let o = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .current_dir(common::sample_root())
        .args(["inspect", "seeds/004_372a7a80e6ed88e1.txt"])
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("2021-07-27  [line 11]"), "{text}");
    assert!(text.contains("[first sentence]"), "{text}");
}
