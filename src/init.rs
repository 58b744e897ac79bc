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

/// Creates `dir` with `config.toml`, `content/about.md`, `content/articles/`, `seeds/` and a
/// `.gitignore`. Refuses a folder that already has files, so nothing is ever overwritten.
pub fn run(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!("{} already exists and is not empty", dir.display());
        }
    }
    for sub in ["seeds", "content/articles"] {
        std::fs::create_dir_all(dir.join(sub))
            .with_context(|| format!("cannot create {}", dir.join(sub).display()))?;
    }
    let files = [
        ("config.toml", CONFIG),
        ("content/about.md", ABOUT),
        (".gitignore", "/dist\n/.gazette-cache\n"),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!(
        "Created a new site in {}. Put seeds (*.txt) into {}/seeds and run: gazette build --root {}",
        dir.display(),
        dir.display(),
        dir.display()
    );
    Ok(())
}
