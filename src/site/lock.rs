//! `urls.lock`: the URL slug every published article was given, committed with the project.
//!
//! Published URLs are cited elsewhere, so a slug, once given, must never move: not when a new
//! seed with a lower id and the same first words arrives, not when the slug rules of a new
//! gazette version change, and not on a CI runner that builds without any cache. `gazette
//! build` records each article's slug here (one line per seed id, sorted, so that a pull
//! request shows every new or moved URL as a one-line diff), and every build honours it.
//!
//! A line is `<seed id> <slug> [<former slug> …]`: the article's slug, then the slugs it had
//! before an override moved it, which keep redirecting to it. Lines of seeds that are gone
//! stay, so that their URLs are never given to another article.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use rustc_hash::FxHashMap;

/// Name of the lock file under the project root.
pub const FILE: &str = "urls.lock";

/// Header written at the top of the file, for whoever opens it.
const HEADER: &str = "\
# urls.lock: the URL slug of every published article (articles/<slug>/), kept by
# `gazette build`. Commit it: every build, with or without a cache, keeps these URLs.
# One line per seed id: its slug, then former slugs that redirect to it. To move a URL,
# set `slug` in content/articles/<id>.md (the old URL then redirects); do not edit here.
";

/// The slugs of the published articles, by seed id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlLock {
    /// Seed id → its slug, then its former slugs (each redirecting to the first).
    pub entries: BTreeMap<String, Vec<String>>,
}

impl UrlLock {
    /// Reads the lock of the project at `root`; an absent file is an empty lock. A malformed
    /// one is an error naming the line: guessing could hand a cited URL to another article.
    pub fn load(root: &Path) -> Result<UrlLock> {
        let path = root.join(FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => UrlLock::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(UrlLock::default()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Parses the text of a lock file (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<UrlLock> {
        let mut lock = UrlLock::default();
        let mut owner_line: FxHashMap<&str, (&str, usize)> = FxHashMap::default();
        for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = || format!("{}:{n}", path.display());
            let mut words = line.split_whitespace();
            let id = words.next().unwrap_or_default();
            let slugs: Vec<&str> = words.collect();
            if slugs.is_empty() {
                bail!("{}: expected `<seed id> <slug>`, found {line:?}", at());
            }
            for slug in &slugs {
                if *slug == "-" || crate::urls::slugify(slug) != *slug {
                    bail!("{}: {slug:?} is not a slug (a-z, 0-9 and -)", at());
                }
                if let Some((other, m)) = owner_line.insert(slug, (id, n)) {
                    bail!("{}: slug {slug:?} is also that of {other} (line {m})", at());
                }
            }
            let slugs = slugs.into_iter().map(String::from).collect();
            if lock.entries.insert(id.to_string(), slugs).is_some() {
                bail!("{}: seed id {id} is listed twice", at());
            }
        }
        Ok(lock)
    }

    /// The text of the file: the header, then one line per id, in id order.
    pub fn render(&self) -> String {
        let mut out = HEADER.to_string();
        for (id, slugs) in &self.entries {
            out.push_str(id);
            for slug in slugs {
                out.push(' ');
                out.push_str(slug);
            }
            out.push('\n');
        }
        out
    }

    /// Writes the lock of the project at `root` if its text changed (through a temporary
    /// sibling and a rename, so that a crash leaves the old or the new file, never half).
    pub fn save(&self, root: &Path) -> Result<()> {
        let path = root.join(FILE);
        let text = self.render();
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            return Ok(());
        }
        crate::cache::write_replace(&path, text.as_bytes()).map(drop)
    }

    /// Slug → the id it belongs to, for every slug of the lock (current or former).
    pub fn owners(&self) -> FxHashMap<&str, &str> {
        self.entries
            .iter()
            .flat_map(|(id, slugs)| slugs.iter().map(move |s| (s.as_str(), id.as_str())))
            .collect()
    }

    /// The slugs locked for `id` (current first), none if it has no entry.
    pub fn slugs_of(&self, id: &str) -> &[String] {
        self.entries.get(id).map_or(&[], Vec::as_slice)
    }
}

/// The blake3 of the lock file of the project at `root` as it is now (of nothing if absent),
/// for a rebuild to tell whether it changed since the last build wrote it.
pub fn digest(root: &Path) -> [u8; 32] {
    let bytes = std::fs::read(root.join(FILE)).unwrap_or_default();
    *blake3::hash(&bytes).as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_what_would_be_ambiguous() {
        let path = Path::new("urls.lock");
        let mut lock = UrlLock::default();
        lock.entries
            .insert("002_b".into(), vec!["new".into(), "old".into()]);
        lock.entries.insert("001_a".into(), vec!["first".into()]);
        let text = lock.render();
        assert!(text.ends_with("001_a first\n002_b new old\n"), "{text}");
        assert_eq!(UrlLock::parse(&text, path).unwrap(), lock);
        assert_eq!(lock.owners()["old"], "002_b");

        let err = |t: &str| UrlLock::parse(t, path).unwrap_err().to_string();
        assert!(err("a x\nb x\n").contains("urls.lock:2: slug \"x\" is also that of a (line 1)"));
        assert!(err("a x\na y\n").contains("urls.lock:2: seed id a is listed twice"));
        assert!(err("a\n").contains("urls.lock:1: expected"));
        assert!(err("a Bad\n").contains("is not a slug"));
        assert!(err("<<<<<<< HEAD\n").contains("urls.lock:1"));
    }
}
