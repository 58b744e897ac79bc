//! Search tests that need Node (and, for the end-to-end part, Debian's Chromium and
//! `npm ci --prefix tests/browser`): the fixture site is built with the real `gazette build`
//! under a sub-path base URL, then
//! - `tokenize.test.mjs` checks the browser tokeniser against the Rust fixture,
//! - `client.test.mjs` runs the search engine of `search.js` in Node on the built index,
//! - `search.e2e.mjs` serves the site under `/sub/path/` and drives the page in headless Chromium,
//! - `pages.e2e.mjs` opens every kind of page of that site and of the sample site on a desktop
//!   and a phone, light and dark, and requires zero axe-core violations and a sound layout.
//!
//! Missing tools fail a test when `CI` is set; otherwise it is reported ignored, with the reason.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
    build_site(&root().join("tests/fixtures/search-site"), port)
}

/// Builds the site at `site_root` under `http://127.0.0.1:PORT/sub/path/` into a temp dir.
fn build_site(site_root: &Path, port: u16) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("build")
        .arg("--root")
        .arg(site_root)
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

fn main() {
    let node = (!node_available()).then(|| "node is missing".to_string());
    let chromium = chromium();
    let browser = node.clone().or_else(|| {
        if !root()
            .join("tests/browser/node_modules/playwright-core")
            .is_dir()
        {
            Some("tests/browser/node_modules is missing (npm ci --prefix tests/browser)".into())
        } else if !root().join("tests/browser/node_modules/axe-core").is_dir() {
            Some("axe-core is missing (npm ci --prefix tests/browser)".into())
        } else if !Path::new(&chromium).is_file() {
            Some(format!(
                "Chromium is missing at {chromium} (apt-get install chromium)"
            ))
        } else {
            None
        }
    });
    common::run_needing_tools(vec![
        common::NeedsTools {
            name: "search_client_in_node",
            missing: node,
            body: search_client_in_node,
        },
        common::NeedsTools {
            name: "search_page_in_chromium",
            missing: browser.clone(),
            body: search_page_in_chromium,
        },
        common::NeedsTools {
            name: "every_page_kind_accessible_in_chromium",
            missing: browser,
            body: every_page_kind_accessible_in_chromium,
        },
    ])
}

/// The browser the end-to-end test drives.
fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// The tokeniser and the search client, run by Node on a built site.
fn search_client_in_node() {
    let port = free_port();
    let (_tmp, dist) = build_fixture(port);
    let html = std::fs::read_to_string(dist.join("search/index.html")).unwrap();
    assert!(html.contains("data-base=/sub/path/") || html.contains("data-base=\"/sub/path/\""));
    assert!(html.contains("/sub/path/static/search.js"));
    run_node("tokenize.test.mjs", &[]);
    run_node("client.test.mjs", &[dist.to_str().unwrap()]);
}

/// The search page in Chromium, served under a sub-path.
fn search_page_in_chromium() {
    let port = free_port();
    let (_tmp, dist) = build_fixture(port);
    let dist_s = dist.to_str().unwrap();
    run_node("search.e2e.mjs", &[dist_s, &port.to_string(), "/sub/path/"]);
}

/// Every kind of page, of the search fixture (many articles, months, tags) and of the sample site
/// (an about page, an undated article), through axe-core and the layout checks of pages.e2e.mjs.
fn every_page_kind_accessible_in_chromium() {
    for site in [
        root().join("tests/fixtures/search-site"),
        common::sample_root(),
    ] {
        let port = free_port();
        let (_tmp, dist) = build_site(&site, port);
        let dist_s = dist.to_str().unwrap();
        run_node("pages.e2e.mjs", &[dist_s, &port.to_string(), "/sub/path/"]);
    }
}
