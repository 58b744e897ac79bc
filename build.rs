//! Embeds the identity of this gazette: a digest of every source file that can change what it
//! writes (`src/`, the embedded `themes/`, the manifests and lock file) and of the compiler.
//!
//! Disk caches carry it and are trusted only by the gazette that wrote them. A hand-kept list
//! of "the files a stage uses" goes stale the day a stage calls a new helper; the whole tree
//! cannot. Hashing the sources here, once per compile, is cheaper than hashing the binary at
//! each run.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for dir in ["src", "themes"] {
        collect(&root.join(dir), &mut files);
        println!("cargo:rerun-if-changed={dir}");
    }
    for file in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        files.push(root.join(file));
        println!("cargo:rerun-if-changed={file}");
    }
    files.sort();
    let mut h = blake3::Hasher::new();
    for file in &files {
        let rel = file.strip_prefix(&root).unwrap_or(file);
        let bytes = std::fs::read(file).unwrap_or_default();
        h.update(rel.to_string_lossy().as_bytes()).update(&[0]);
        h.update(&(bytes.len() as u64).to_le_bytes()).update(&bytes);
    }
    h.update(compiler_version().as_bytes());
    h.update(std::env::var("TARGET").unwrap_or_default().as_bytes());
    let digest = h.finalize().to_hex();
    println!("cargo:rustc-env=GAZETTE_SOURCE_DIGEST={}", &digest[..32]);
}

/// Every file under `dir`, recursively (none when it does not exist).
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// `rustc -vV`: `std::hash::Hash` output and the layout of what the caches hold may change
/// with the compiler, so a gazette built by another compiler is another gazette.
fn compiler_version() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}
