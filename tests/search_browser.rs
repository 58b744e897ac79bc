//! Search tests that need Node (and, for the end-to-end part, Debian's Chromium and
//! `npm ci --prefix tests/browser`): the fixture site is built with the real `gazette build`
//! under a sub-path base URL, then
//! - `tokenize.test.mjs` checks the browser tokeniser against the Rust fixture,
//! - `client.test.mjs` runs the search engine of `search.js` in Node on the built index,
//! - `search.e2e.mjs` serves the site under `/sub/path/` and drives the page in headless Chromium.
//!
//! Missing tools fail the test when `CI` is set and print a skip notice otherwise.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `what` is available; without it, fail on CI and skip elsewhere.
fn require(ok: bool, what: &str) -> bool {
    if ok {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{what} is missing (CI is set): install it, see tests/search_browser.rs");
    }
    eprintln!("SKIPPED: {what} is missing; set CI=1 to make this a failure");
    false
}

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn build_fixture(port: u16) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("build")
        .arg("--root")
        .arg(root().join("tests/fixtures/search-site"))
        .arg("--output")
        .arg(&dist)
        .arg("--base-url")
        .arg(format!("http://127.0.0.1:{port}/sub/path/"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "gazette build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dist.join("search/meta.json").is_file());
    assert!(dist.join("search/index.html").is_file());
    (tmp, dist)
}

fn run_node(script: &str, args: &[&str]) {
    let out = Command::new("node")
        .arg(root().join("tests/browser").join(script))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    print!("{stdout}");
}

#[test]
fn search_page_in_node_and_chromium() {
    if !require(node_available(), "node") {
        return;
    }
    let port = free_port();
    let (_tmp, dist) = build_fixture(port);
    let dist_s = dist.to_str().unwrap();

    let html = std::fs::read_to_string(dist.join("search/index.html")).unwrap();
    assert!(html.contains("data-base=/sub/path/") || html.contains("data-base=\"/sub/path/\""));
    assert!(html.contains("/sub/path/static/search.js"));

    run_node("tokenize.test.mjs", &[]);
    run_node("client.test.mjs", &[dist_s]);

    let playwright = root().join("tests/browser/node_modules/playwright-core");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !require(
        playwright.is_dir(),
        "tests/browser/node_modules (run `npm ci --prefix tests/browser`)",
    ) || !require(
        Path::new(&chromium).is_file(),
        "Chromium at /usr/bin/chromium (apt-get install -y chromium)",
    ) {
        return;
    }
    run_node("search.e2e.mjs", &[dist_s, &port.to_string(), "/sub/path/"]);
}
