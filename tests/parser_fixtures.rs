//! Fixture-per-case tests of the seed parser.
//!
//! Each `tests/fixtures/parser/<case>.txt` (raw bytes, any encoding) comes with
//! `<case>.expected.json`, a *partial* expectation: only the keys listed are checked, so a case
//! documents one rule without freezing unrelated output. Keys:
//!
//! * any `ParsedSeed` field (`title`, `date`, `source`, `tags`, `summary`, `body`, …): equals the
//!   field's value (for `Field`s, the value without its origin);
//! * `<field>_origin`: the origin as `gazette inspect` prints it (`line 3`, `first sentence`);
//! * `error`: parsing must fail with a message containing this text;
//! * `warnings_contain` (list), `no_warnings` (bool);
//! * `body_contains` / `body_excludes` (lists of substrings of the body text), `headings`
//!   (heading texts in order), `lists` (list blocks), `paragraphs` (how many);
//! * `title_starts_with`, `title_max_chars`;
//! * inputs: `file` (path given to the parser, default a well-formed seed name),
//!   `default_language`, `boilerplate_config` (a `[boilerplate]` table as JSON).

use std::path::{Path, PathBuf};

use gazette::config::BoilerplateConfig;
use gazette::seed::{clean, parse_seed, Block, ParseOptions, ParsedSeed};
use serde_json::{json, Map, Value};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parser")
}

fn body_text(seed: &ParsedSeed) -> String {
    seed.body
        .iter()
        .map(|b| match b {
            Block::Paragraph { text } | Block::Heading { text } => text.clone(),
            Block::List { items } => items.join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn str_list(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected a list, got {v}"))
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

/// Checks one case; returns the failures.
fn check(case: &str, bytes: &[u8], expected: &Map<String, Value>) -> Vec<String> {
    let mut fails = Vec::new();
    let file = expected
        .get("file")
        .and_then(Value::as_str)
        .unwrap_or("seeds/100_0123456789abcdef.txt");
    let bp_cfg: BoilerplateConfig = match expected.get("boilerplate_config") {
        Some(v) => serde_json::from_value(v.clone()).expect("boilerplate_config"),
        None => BoilerplateConfig::default(),
    };
    let opts = ParseOptions {
        default_language: expected
            .get("default_language")
            .and_then(Value::as_str)
            .unwrap_or("fr")
            .to_string(),
        boilerplate: clean::boilerplate_patterns(&bp_cfg),
    };
    let result = parse_seed(Path::new(file), bytes, &opts);
    let seed = match (result, expected.get("error")) {
        (Err(e), Some(want)) => {
            let want = want.as_str().expect("error is a string");
            if !e.to_string().contains(want) {
                fails.push(format!("{case}: error `{e}` does not contain `{want}`"));
            }
            if !e.to_string().starts_with(file) {
                fails.push(format!("{case}: error `{e}` does not name the file"));
            }
            return fails;
        }
        (Err(e), None) => return vec![format!("{case}: unexpected error: {e}")],
        (Ok(s), Some(_)) => return vec![format!("{case}: expected an error, got {s:#?}")],
        (Ok(s), None) => s,
    };
    let full = serde_json::to_value(&seed).expect("serialises");
    let body = body_text(&seed);
    let mut fail = |key: &str, got: &dyn std::fmt::Debug, want: &Value| {
        fails.push(format!("{case}: `{key}`: got {got:?}, want {want}"));
    };
    for (key, want) in expected {
        match key.as_str() {
            "file" | "default_language" | "boilerplate_config" => {}
            "warnings_contain" => {
                for w in str_list(want) {
                    if !seed.warnings.iter().any(|x| x.contains(&w)) {
                        fail(key, &seed.warnings, &json!(w));
                    }
                }
            }
            "no_warnings" => {
                if want.as_bool() == Some(true) && !seed.warnings.is_empty() {
                    fail(key, &seed.warnings, want);
                }
            }
            "body_contains" => {
                for s in str_list(want) {
                    if !body.contains(&s) {
                        fail(key, &body, &json!(s));
                    }
                }
            }
            "body_excludes" => {
                for s in str_list(want) {
                    if body.contains(&s) {
                        fail(key, &body, &json!(s));
                    }
                }
            }
            "headings" => {
                let got: Vec<&str> = seed
                    .body
                    .iter()
                    .filter_map(|b| match b {
                        Block::Heading { text } => Some(text.as_str()),
                        _ => None,
                    })
                    .collect();
                if got != str_list(want) {
                    fail(key, &got, want);
                }
            }
            "lists" => {
                let got: Vec<&Vec<String>> = seed
                    .body
                    .iter()
                    .filter_map(|b| match b {
                        Block::List { items } => Some(items),
                        _ => None,
                    })
                    .collect();
                if serde_json::to_value(&got).unwrap() != *want {
                    fail(key, &got, want);
                }
            }
            "paragraphs" => {
                let n = seed
                    .body
                    .iter()
                    .filter(|b| matches!(b, Block::Paragraph { .. }))
                    .count();
                if Some(n as u64) != want.as_u64() {
                    fail(key, &seed.body, want);
                }
            }
            "title_starts_with" => {
                if !seed.title.value.starts_with(want.as_str().unwrap_or("")) {
                    fail(key, &seed.title.value, want);
                }
            }
            "title_max_chars" => {
                if seed.title.value.chars().count() as u64 > want.as_u64().unwrap_or(0) {
                    fail(key, &seed.title.value, want);
                }
            }
            k if k.ends_with("_origin") => {
                let field = &k[..k.len() - "_origin".len()];
                let origin = match field {
                    "title" => &seed.title.origin,
                    "date" => &seed.date.origin,
                    "updated" => &seed.updated.origin,
                    "source" => &seed.source.origin,
                    "authors" => &seed.authors.origin,
                    "tags" => &seed.tags.origin,
                    "language" => &seed.language.origin,
                    "summary" => &seed.summary.origin,
                    other => panic!("{case}: no origin for `{other}`"),
                };
                if Some(origin.to_string().as_str()) != want.as_str() {
                    fail(key, origin, want);
                }
            }
            k => {
                let got = full
                    .get(k)
                    .unwrap_or_else(|| panic!("{case}: unknown expectation key `{k}`"));
                // A `Field` compares by its value.
                let got = match got {
                    Value::Object(o) if o.contains_key("origin") && o.contains_key("value") => {
                        &o["value"]
                    }
                    other => other,
                };
                if got != want {
                    fail(k, got, want);
                }
            }
        }
    }
    fails
}

#[test]
fn parser_fixtures() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "only {} fixtures", cases.len());
    let mut fails = Vec::new();
    for txt in &cases {
        let case = txt.file_stem().unwrap().to_string_lossy().into_owned();
        let exp_path = txt.with_file_name(format!("{case}.expected.json"));
        let exp_text = std::fs::read_to_string(&exp_path)
            .unwrap_or_else(|e| panic!("{}: {e}", exp_path.display()));
        let expected: Map<String, Value> = serde_json::from_str(&exp_text)
            .unwrap_or_else(|e| panic!("{}: {e}", exp_path.display()));
        let bytes = std::fs::read(txt).expect("fixture bytes");
        fails.extend(check(&case, &bytes, &expected));
    }
    assert!(fails.is_empty(), "\n{}\n", fails.join("\n"));
}
