//! `.gazette-cache/`: what one build keeps so that the next one redoes only what changed.
//!
//! - **Parsed seeds** (`seeds-*.bin`): each seed's [`ParsedSeed`], keyed by its path, the
//!   blake3 of its bytes and the digest of its other inputs ([`crate::seed::SeedInputs`]: its
//!   override's extent, its furniture lines), with the keys of its lines (so the archive's
//!   furniture model is learned without reading unchanged seeds), valid only for the parser
//!   that wrote it ([`parser_key`]), in the
//!   compact binary form of [`crate::seed::binary`] (a tenth of the load time of JSON), kept
//!   encoded until a build takes it. The seed's size and modification time are recorded too:
//!   when they have not changed (and the file was not written just before it was read, see
//!   [`CachedSeed::vouches_for`]), the seed is not even read, as git and make do.
//! - **Output manifest** (`manifest.bin`): every file of the last successful build in the
//!   output folder, with its size, modification time, blake3 and the render fingerprint of the
//!   page. When the output folder still matches it, unchanged pages are taken from the folder
//!   instead of being rendered again, and only files whose bytes changed are written.
//!
//! - **Cards** (`cards.bin`): each article card as the last build rendered and minified it,
//!   keyed by the article's digest, so that the pages an added seed renumbers (every home
//!   page) are rebuilt from cards instead of rendering them all again.
//!
//! - **Search analyses** (`search-*.bin`): each article's text analysis for the search index,
//!   kept by [`crate::search::cache`].
//!
//! - **The last build** (`last-build.bin`): the stamp of its inputs ([`InputStamp`]) and its
//!   report, so that a rebuild with nothing changed ends after checking the stats.
//!
//! The folder is safe to delete at any time (the next build is a full one) and is ignored by
//! git. Any doubt (unreadable file, other gazette version, other output folder, an output file
//! edited by hand) means a full build: the cache can make a build faster, never different.
//!
//! Each kind of file has its module: [`seeds`], [`manifest`], [`cards`], [`last_build`]; the
//! output sink that reuses the last build's files is [`update`]. This module holds what they
//! share: the folder's name and the sealing of every file.

mod cards;
mod last_build;
mod manifest;
mod seeds;
mod update;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

pub use cards::{load_cards, save_cards};
pub use last_build::{input_stamp, InputStamp, LastBuild};
pub use manifest::{absolute, Entry, Manifest};
pub use seeds::{parser_key, CachedSeed, FileStat, SeedCache, WatchedSeeds};
pub use update::Update;

/// Name of the cache folder under the project root.
pub const DIR: &str = ".gazette-cache";

/// Folder of the cache folder where a build moves sites it replaced and will not reuse, for
/// the next build to remove in the background.
pub const TRASH_DIR: &str = "trash";

/// A hasher fed each part followed by a 0 byte (so that no two lists of parts feed it the
/// same bytes): the start of every cache key, which names the sources a cached result was
/// computed by.
pub fn hash_parts(parts: &[&str]) -> blake3::Hasher {
    let mut h = blake3::Hasher::new();
    for part in parts {
        h.update(part.as_bytes()).update(&[0]);
    }
    h
}

/// How long before its last reading a seed must have been modified for its size and
/// modification time alone to vouch for its bytes. A file written in the same timestamp tick as
/// the reading could change again without its modification time changing (git calls these
/// entries "racy"); 3 s covers the coarsest common timestamps (2 s on FAT).
pub(crate) const TRUST_AFTER_NANOS: u64 = 3_000_000_000;

/// Nanoseconds since the epoch, now.
pub fn now_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Length of the checksum that ends every cache file.
const SEAL_LEN: usize = 32;

/// `bytes` (a cache file: its magic, then its content), the identity of this gazette
/// ([`crate::digest::SOURCE`]) and the blake3 of both: a flipped byte in a cached parse or card
/// would otherwise be published as text, build after build, and a cache written by another
/// gazette may hold what this one would not make.
pub(crate) fn seal(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.extend_from_slice(crate::digest::SOURCE.as_bytes());
    let sum = blake3::hash(&bytes);
    bytes.extend_from_slice(sum.as_bytes());
    bytes
}

/// The content after `magic` of the sealed cache file `path` read as `bytes`, or `None` when
/// it is not one this gazette wrote. A file of another gazette (another version or build) is
/// quietly ignored. A file that is neither intact nor of a known layout (one of this or
/// another gazette version, or an unsealed one of the `older` layouts) is damaged or foreign:
/// it is reported once ([`warn_damaged`]), and the caller rebuilds what it held.
pub(crate) fn unseal<'a>(
    path: &Path,
    bytes: &'a [u8],
    magic: &[u8],
    older: &[&[u8]],
) -> Option<&'a [u8]> {
    let intact = bytes
        .len()
        .checked_sub(SEAL_LEN)
        .map(|n| bytes.split_at(n))
        .filter(|(body, sum)| blake3::hash(body).as_bytes() == *sum)
        .map(|(body, _)| body);
    match intact {
        Some(body) => {
            let content = body.strip_prefix(magic);
            if content.is_none() && !body.starts_with(b"gazette ") {
                warn_damaged(path, "not a gazette cache file");
            }
            content?.strip_suffix(crate::digest::SOURCE.as_bytes())
        }
        None => {
            if !older.iter().any(|m| bytes.starts_with(m)) {
                warn_damaged(path, "its checksum does not match its content");
            }
            None
        }
    }
}

/// Says on stderr, once per file and process, that a cache file was discarded. Not a build
/// diagnostic: the site is not at fault and the output is the same, so `--strict` does not
/// fail on it, and a later up-to-date build does not repeat it.
fn warn_damaged(path: &Path, why: &str) {
    static WARNED: Mutex<std::collections::BTreeSet<PathBuf>> =
        Mutex::new(std::collections::BTreeSet::new());
    let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
    if warned.insert(path.to_path_buf()) {
        eprintln!(
            "warning: {}: damaged cache file ({why}); discarded, its content is made again",
            path.display()
        );
    }
}

/// Writes `bytes` to `path` through a temporary sibling and a rename; returns the file's size
/// and modification time (a rename keeps both).
pub(crate) fn write_replace(path: &Path, bytes: &[u8]) -> Result<(u64, u128)> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let stat = crate::output::write_file(&tmp, bytes)?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(stat)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache sealed by another gazette (another source tree or compiler) is not trusted,
    /// even intact; one sealed by this gazette is.
    #[test]
    fn only_this_gazettes_caches_are_trusted() {
        let path = Path::new("x.bin");
        let sealed = seal(b"gazette test 1\npayload".to_vec());
        assert_eq!(
            unseal(path, &sealed, b"gazette test 1\n", &[]),
            Some(&b"payload"[..])
        );
        let mut foreign = b"gazette test 1\npayload".to_vec();
        foreign.extend_from_slice(&[b'0'; 32]);
        let sum = blake3::hash(&foreign);
        foreign.extend_from_slice(sum.as_bytes());
        assert_ne!(crate::digest::SOURCE.as_bytes(), &[b'0'; 32][..]);
        assert_eq!(unseal(path, &foreign, b"gazette test 1\n", &[]), None);
    }
}
