//! Stage 6: write the built files into the output folder, all or nothing.
//!
//! A full build writes into a fresh folder beside the output and swaps it in with renames only
//! once every file is written, so a failed build leaves the previous `dist/` untouched. Nothing
//! outside the output folder and its temporary sibling is ever written or deleted.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

/// A file of the built site: path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// `articles/x/index.html`, always with `/` separators.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Refuses output folders whose replacement would destroy the site's sources: the project
/// root itself, one of its ancestors, or a folder inside `seeds/`, `content/` or `themes/`.
pub fn check_output_location(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root);
    let output = absolute(output);
    if root.starts_with(&output) {
        bail!(
            "refusing to write the site into {}: it contains the project itself",
            output.display()
        );
    }
    for source in ["seeds", "content", "themes", "src"] {
        if output.starts_with(root.join(source)) {
            bail!(
                "refusing to write the site into {}: it is inside the project's {source}/ folder",
                output.display()
            );
        }
    }
    Ok(())
}

/// The absolute, lexically normal form of a path (`a/./b/../c` → `/cwd/a/c`), without touching
/// the file system, so `dist` and `./dist` are one folder even before it exists.
pub fn absolute(path: &Path) -> PathBuf {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Checks that every path is relative, free of `..`, and unique.
pub fn validate(files: &[OutputFile]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for f in files {
        if f.path.is_empty()
            || f.path.starts_with('/')
            || f.path
                .split('/')
                .any(|c| c == ".." || c == "." || c.is_empty())
        {
            bail!("internal error: invalid output path {:?}", f.path);
        }
        if !seen.insert(f.path.as_str()) {
            bail!(
                "two pages want the same output file {:?}; check slugs of content pages and overrides",
                f.path
            );
        }
    }
    Ok(())
}

fn write_tree(dir: &Path, files: &[OutputFile]) -> Result<()> {
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for f in files {
        if let Some(parent) = Path::new(&f.path).parent() {
            dirs.insert(dir.join(parent));
        }
    }
    for d in &dirs {
        fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    files.par_iter().try_for_each(|f| {
        let path = dir.join(&f.path);
        fs::write(&path, &f.bytes).with_context(|| format!("cannot write {}", path.display()))
    })
}

/// Writes `files` as the new content of `output`, replacing it atomically (by renames) once
/// everything is written.
pub fn write_all(output: &Path, files: &[OutputFile]) -> Result<()> {
    validate(files)?;
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = output
        .file_name()
        .context("the output path has no folder name")?
        .to_string_lossy()
        .into_owned();
    let staging = parent.join(format!(".{name}.gazette-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.gazette-old-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).ok();
    }
    if let Err(e) = write_tree(&staging, files) {
        fs::remove_dir_all(&staging).ok();
        return Err(e);
    }
    if output.exists() {
        fs::rename(output, &retired)
            .with_context(|| format!("cannot move the old {} aside", output.display()))?;
    }
    if let Err(e) = fs::rename(&staging, output) {
        // Put the previous site back before reporting.
        if retired.exists() {
            fs::rename(&retired, output).ok();
        }
        fs::remove_dir_all(&staging).ok();
        return Err(e)
            .with_context(|| format!("cannot move the new site into {}", output.display()));
    }
    if retired.exists() {
        fs::remove_dir_all(&retired)
            .with_context(|| format!("cannot remove {}", retired.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: b"x".to_vec(),
        }
    }

    #[test]
    fn rejects_escaping_and_duplicate_paths() {
        assert!(validate(&[file("../x")]).is_err());
        assert!(validate(&[file("/x")]).is_err());
        assert!(validate(&[file("a//b")]).is_err());
        assert!(validate(&[file("a"), file("a")]).is_err());
        assert!(validate(&[file("a/b.html"), file("c")]).is_ok());
    }

    #[test]
    fn refuses_outputs_that_hold_the_sources() {
        let root = Path::new("/tmp/site");
        assert!(check_output_location(root, Path::new("/tmp/site")).is_err());
        assert!(check_output_location(root, Path::new("/tmp")).is_err());
        assert!(check_output_location(root, Path::new("/tmp/site/seeds/out")).is_err());
        assert!(check_output_location(root, Path::new("/tmp/site/dist")).is_ok());
        assert!(check_output_location(root, Path::new("/tmp/site/dist/../..")).is_err());
    }

    #[test]
    fn swaps_in_the_new_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("dist");
        write_all(&out, &[file("a/index.html")]).unwrap();
        write_all(&out, &[file("b.html")]).unwrap();
        assert!(!out.join("a").exists());
        assert!(out.join("b.html").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
