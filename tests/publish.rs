//! Publishing a gazette site: the Pages workflow that `gazette init` writes installs the released
//! binary. Its install step is run here against a local HTTP server that serves an archive packed
//! from this tree's binary by the release workflow's own packing script.
#![cfg(target_os = "linux")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `run: |` blocks of the steps named `step` in a workflow, dedented.
fn step_scripts(workflow: &str, step: &str) -> Vec<String> {
    let lines: Vec<&str> = workflow.lines().collect();
    let mut scripts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() != format!("- name: {step}") {
            continue;
        }
        let run = lines[i + 1];
        assert_eq!(run.trim(), "run: |", "step {step} has no run block");
        let run_indent = run.len() - run.trim_start().len();
        let body: Vec<&str> = lines[i + 2..]
            .iter()
            .take_while(|l| l.is_empty() || l.len() - l.trim_start().len() > run_indent)
            .copied()
            .collect();
        let indent = body[0].len() - body[0].trim_start().len();
        let script: Vec<&str> = body.iter().map(|l| l.get(indent..).unwrap_or("")).collect();
        scripts.push(script.join("\n") + "\n");
    }
    scripts
}

/// Serves the files of `dir` on 127.0.0.1 (404 for anything else); returns the base URL.
fn serve_dir(dir: PathBuf) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("a local port");
    let port = server.server_addr().to_ip().expect("an IP address").port();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let name = request.url().trim_start_matches('/').to_string();
            let file = dir.join(&name);
            let response = match std::fs::read(&file) {
                Ok(bytes) if !name.contains("..") => tiny_http::Response::from_data(bytes),
                _ => tiny_http::Response::from_string("not found").with_status_code(404),
            };
            let _ = request.respond(response);
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// Packs this tree's gazette binary with the release workflow's script into `out`.
fn pack_release(target: &str, out: &Path) {
    let script = common::sample_root().join(".github/scripts/package-release.sh");
    let o = Command::new("bash")
        .arg(script)
        .args([target, env!("CARGO_BIN_EXE_gazette")])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Runs the install step as a GitHub runner would (`bash -e`), with its runner variables in `runner`.
fn run_install(script: &str, release_url: &str, runner: &Path) -> Output {
    std::fs::create_dir_all(runner.join("temp")).unwrap();
    let file = runner.join("install.sh");
    std::fs::write(&file, script).unwrap();
    Command::new("bash")
        .arg("-e")
        .arg(&file)
        .current_dir(runner)
        .env("GAZETTE_RELEASE_URL", release_url)
        .env("RUNNER_TEMP", runner.join("temp"))
        .env("GITHUB_PATH", runner.join("github_path"))
        .output()
        .unwrap()
}

/// The install step of the workflow that `gazette init` writes, checked to be the same in both jobs.
fn init_install_script(site: &Path) -> String {
    let o = common::gazette(&["init", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let workflow = std::fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap();
    let scripts = step_scripts(&workflow, "Install gazette");
    assert_eq!(scripts.len(), 2, "one install step per job");
    assert_eq!(scripts[0], scripts[1]);
    scripts[0].clone()
}

fn linux_target() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}

#[test]
fn init_workflow_installs_the_released_binary_after_checking_it() {
    let tmp = tempfile::tempdir().unwrap();
    let script = init_install_script(&tmp.path().join("site"));
    let default_url = format!(
        "{}/releases/download/v{}",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION")
    );
    assert!(script.contains(&default_url), "{script}");

    let release = tmp.path().join("release");
    pack_release(&linux_target(), &release);
    let url = serve_dir(release);
    let runner = tmp.path().join("runner");
    let o = run_install(&script, &url, &runner);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let path = std::fs::read_to_string(runner.join("github_path")).unwrap();
    let installed = Path::new(path.trim()).join("gazette");
    assert!(installed.starts_with(runner.join("temp")), "{path}");
    let version = Command::new(&installed).arg("--version").output().unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("gazette {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn init_workflow_refuses_an_archive_that_does_not_match_its_checksum() {
    let tmp = tempfile::tempdir().unwrap();
    let script = init_install_script(&tmp.path().join("site"));
    let release = tmp.path().join("release");
    let target = linux_target();
    pack_release(&target, &release);
    let sums = release.join(format!("gazette-{target}.tar.gz.sha256"));
    let line = std::fs::read_to_string(&sums).unwrap();
    let flipped = if line.starts_with('0') { "1" } else { "0" };
    std::fs::write(&sums, format!("{flipped}{}", &line[1..])).unwrap();

    let url = serve_dir(release);
    let runner = tmp.path().join("runner");
    let o = run_install(&script, &url, &runner);
    assert!(!o.status.success(), "a corrupt archive was installed");
    let out = String::from_utf8_lossy(&o.stdout) + String::from_utf8_lossy(&o.stderr);
    assert!(out.contains("FAILED"), "{out}");
    assert!(!runner.join("github_path").exists());
    assert!(!runner
        .join(format!("temp/gazette/gazette-{target}"))
        .exists());
}

#[test]
fn init_workflow_fails_clearly_when_the_release_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let script = init_install_script(&tmp.path().join("site"));
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let url = serve_dir(empty);
    let o = run_install(&script, &url, &tmp.path().join("runner"));
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("404"));
}

#[test]
fn init_workflow_publishes_with_pages_and_rebuilds_on_dispatch() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    init_install_script(&site);
    let workflow = std::fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap();
    for needed in [
        "workflow_dispatch:",
        "repository_dispatch:",
        "pages: read",
        "pages: write",
        "id-token: write",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
        "actions/cache@",
        "path: |\n            .gazette-cache\n",
        "gazette build --base-url \"$BASE_URL\" --output dist",
    ] {
        assert!(workflow.contains(needed), "no {needed:?} in:\n{workflow}");
    }
    assert!(
        !workflow.contains("cargo "),
        "the site's workflow compiles gazette"
    );
    for placeholder in ["@INSTALL@", "@RELEASE_URL@", "@VERSION@"] {
        assert!(
            !workflow.contains(placeholder),
            "{placeholder} left in the workflow"
        );
    }
    let gitignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(gitignore.contains("dist/") && gitignore.contains(".gazette-cache/"));
    assert!(site.join("seeds/.gitkeep").exists());
}
