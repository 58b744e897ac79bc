//! `gazette init DIR`: a new site, ready to build.

use std::path::Path;

use anyhow::{bail, Context, Result};

const CONFIG: &str = r#"# gazette site configuration. Every key is optional; unknown keys are an error.
title = "Ma gazette"
description = "Archives d’articles de presse"
# Where the site is published. Its path (/repo/) prefixes every link; `gazette build
# --base-url` overrides it (the GitHub Pages workflow does).
base_url = "http://127.0.0.1:1111/"
language = "fr"
paginate_by = 20

[tags]
infer = true
vocabulary = []

[tags.aliases]
# "Variante" = "Forme canonique"

[boilerplate]
patterns = []
"#;

const ABOUT: &str = r#"+++
title = "À propos"
menu_weight = 1
+++
Ce site rassemble des articles de presse archivés avec **gazette**.
"#;

/// The Pages workflow of a new site, with `@INSTALL@` and `@VERSION@` to fill in.
const PAGES_WORKFLOW: &str = include_str!("init/pages.yml");

/// The workflow's step that installs the released gazette (`@RELEASE_URL@` to fill in).
const INSTALL_SCRIPT: &str = include_str!("init/install.sh");

/// Where the release of this very gazette keeps its archives: the workflow installs the version
/// that wrote it, so that a site's build does not change under it until `init` is run again.
fn release_url() -> String {
    format!(
        "{}/releases/download/v{}",
        env!("CARGO_PKG_REPOSITORY").trim_end_matches('/'),
        env!("CARGO_PKG_VERSION")
    )
}

/// The `.github/workflows/pages.yml` that `init` writes: the site is published to GitHub Pages
/// with the released gazette, so a user's repository never compiles it.
pub fn pages_workflow() -> String {
    let script = INSTALL_SCRIPT.replace("@RELEASE_URL@", &release_url());
    let indented: Vec<String> = script
        .lines()
        .map(|line| match line {
            "" => String::new(),
            _ => format!("          {line}"),
        })
        .collect();
    PAGES_WORKFLOW
        .replace("@INSTALL@", &indented.join("\n"))
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

/// Creates `dir` with `config.toml`, `content/about.md`, `content/articles/`, `seeds/` (kept in
/// git by a `.gitkeep`), a `.gitignore` and the GitHub Pages workflow. Refuses a folder that
/// already has files, so nothing is ever overwritten.
pub fn run(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!("{} already exists and is not empty", dir.display());
        }
    }
    for sub in ["seeds", "content/articles", ".github/workflows"] {
        std::fs::create_dir_all(dir.join(sub))
            .with_context(|| format!("cannot create {}", dir.join(sub).display()))?;
    }
    let workflow = pages_workflow();
    let files = [
        ("config.toml", CONFIG),
        ("content/about.md", ABOUT),
        (".gitignore", "/dist/\n/.gazette-cache/\n"),
        ("seeds/.gitkeep", ""),
        (".github/workflows/pages.yml", workflow.as_str()),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!(
        "Created a new site in {}. Put seeds (*.txt) into {}/seeds and run: gazette build --root {}\n\
         To publish it on GitHub Pages, push it to a GitHub repository and choose \
         Settings → Pages → Source: GitHub Actions (.github/workflows/pages.yml does the rest).",
        dir.display(),
        dir.display(),
        dir.display()
    );
    Ok(())
}
