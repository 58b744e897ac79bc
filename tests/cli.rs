//! The command line says what it does: each subcommand takes only the options it uses, and the
//! README's command table lists exactly the options `--help` shows.

mod common;

use std::collections::BTreeSet;

/// The long options (`--name`) in `text`.
fn long_options(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("--") {
        let name: String = rest[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        if !name.is_empty() {
            found.insert(format!("--{name}"));
        }
        rest = &rest[i + 2..];
    }
    found
}

/// The options `gazette COMMAND --help` lists, without `--help` itself.
fn help_options(command: &str) -> BTreeSet<String> {
    let o = common::gazette(&[command, "--help"]);
    assert!(o.status.success());
    let help = String::from_utf8_lossy(&o.stdout);
    let options = help.split("Options:").nth(1).unwrap_or_default();
    let mut found: BTreeSet<String> = options
        .lines()
        .filter(|l| l.trim_start().starts_with('-'))
        .flat_map(|l| long_options(l.split("  ").find(|p| p.contains("--")).unwrap_or("")))
        .collect();
    found.remove("--help");
    found
}

#[test]
fn each_command_takes_only_its_options_and_the_readme_lists_them() {
    let readme = std::fs::read_to_string(common::sample_root().join("README.md")).unwrap();
    let table = readme
        .split("## Commands")
        .nth(1)
        .and_then(|s| s.trim_start().split("\n\n").next())
        .unwrap();
    for command in ["build", "serve", "check", "inspect", "init"] {
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("| `gazette {command}")))
            .unwrap_or_else(|| panic!("README has no row for {command}"));
        let mut listed = long_options(row.rsplit('|').nth(1).unwrap());
        if command != "init" {
            listed.insert("--root".into());
        }
        assert_eq!(listed, help_options(command), "gazette {command}");
    }
    assert!(!help_options("init").contains("--root"));
    assert!(!help_options("serve").contains("--no-cache"));
    assert!(!help_options("inspect").contains("--output"));
}

/// `init --help` names every file `gazette init` writes, so a new user knows what appears in
/// the folder (the workflow and `.gitignore` included) before running it.
#[test]
fn init_help_names_every_file_init_writes() {
    let o = common::gazette(&["init", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout).into_owned();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    assert!(common::gazette(&["init", dir.to_str().unwrap()])
        .status
        .success());
    let written: Vec<String> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&dir).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    assert!(written.len() >= 5, "{written:?}");
    for file in &written {
        assert!(
            help.contains(file.as_str()),
            "init --help does not name {file}: {help}"
        );
    }
}
