//! The built sample site is valid HTML5 according to the W3C Nu validator (vnu.jar).
//!
//! `.ci/run` installs Java and `tests/vnu/node_modules/vnu-jar`. Without them the test fails
//! when `CI` is set and is reported as ignored, with the reason, otherwise.

mod common;

use std::process::Command;

fn vnu_jar() -> Option<std::path::PathBuf> {
    let jar = common::sample_root().join("tests/vnu/node_modules/vnu-jar/build/dist/vnu.jar");
    let java = Command::new("java").arg("-version").output().is_ok();
    (jar.exists() && java).then_some(jar)
}

fn main() {
    common::run_needing_tools(vec![common::NeedsTools {
        name: "sample_site_is_valid_html_at_root_and_under_a_sub_path",
        missing: vnu_jar()
            .is_none()
            .then(|| "java or tests/vnu/node_modules/vnu-jar is missing".to_string()),
        body: sample_site_is_valid_html_at_root_and_under_a_sub_path,
    }])
}

fn sample_site_is_valid_html_at_root_and_under_a_sub_path() {
    let jar = vnu_jar().expect("checked by main");
    let tmp = tempfile::tempdir().unwrap();
    for (name, extra) in [
        ("root", vec![]),
        ("sub", vec!["--base-url", "https://user.github.io/repo/"]),
    ] {
        let out = tmp.path().join(name);
        common::build(&common::sample_root(), &out, &extra);
        let o = Command::new("java")
            .args([
                "-jar",
                jar.to_str().unwrap(),
                "--errors-only",
                "--skip-non-html",
                "--format",
                "gnu",
            ])
            .arg(&out)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&o.stderr);
        assert!(
            o.status.success() && report.trim().is_empty(),
            "HTML validation errors ({name}):\n{report}"
        );
    }
}
