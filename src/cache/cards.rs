//! The article cards of the last build (`cards.bin`), so that the pages an added seed
//! renumbers are rebuilt from cards instead of rendering every card again.

use std::path::Path;

use anyhow::{Context, Result};

use super::{seal, unseal, write_replace};
use crate::render::minify::Fragment;
use crate::render::CardStore;
use crate::seed::binary;

/// Name of the file holding the cards of the last build.
const CARDS_FILE: &str = "cards.bin";

/// Start of the cards file: what it is and the version of its layout.
const CARDS_MAGIC: &[u8] = b"gazette cards 2\n";

/// Reads the cards of the last build ([`CardStore`]); none if absent, unreadable or of
/// another version.
pub fn load_cards(dir: &Path) -> CardStore {
    let read = || -> Option<CardStore> {
        let path = dir.join(CARDS_FILE);
        let bytes = std::fs::read(&path).ok()?;
        let body = unseal(&path, &bytes, CARDS_MAGIC, &[b"gazette cards 1\n"])?;
        let mut r = binary::Reader::new(body);
        let context = r.read()?;
        let count: usize = r.read()?;
        let mut cards = rustc_hash::FxHashMap::with_capacity_and_hasher(
            count.min(bytes.len()),
            Default::default(),
        );
        for _ in 0..count {
            let digest: u128 = r.read()?;
            let level = u8::try_from(r.read::<u32>()?).ok()?;
            let minified: u32 = r.read()?;
            let text: String = r.read()?;
            let fragment = match minified {
                0 => Fragment::Raw(text.into()),
                1 => Fragment::Minified(text.into()),
                _ => return None,
            };
            cards.insert((digest, level), fragment);
        }
        r.is_empty().then_some(CardStore {
            context,
            cards,
            ..CardStore::default()
        })
    };
    read().unwrap_or_default()
}

/// Writes the cards of this build for the next one, in key order (same cards, same bytes).
pub fn save_cards(dir: &Path, store: &CardStore) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut keys: Vec<&(u128, u8)> = store.cards.keys().collect();
    keys.sort();
    let mut out = CARDS_MAGIC.to_vec();
    binary::write(&mut out, &store.context);
    binary::write(&mut out, &keys.len());
    for key in keys {
        let (minified, text) = match &store.cards[key] {
            Fragment::Raw(t) => (0u32, t),
            Fragment::Minified(t) => (1u32, t),
        };
        binary::write(&mut out, &key.0);
        binary::write(&mut out, &u32::from(key.1));
        binary::write(&mut out, &minified);
        binary::write(&mut out, text);
    }
    write_replace(&dir.join(CARDS_FILE), &seal(out)).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_round_trip_and_a_damaged_file_is_no_cards() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = CardStore {
            context: [3; 32],
            ..CardStore::default()
        };
        store.cards.insert(
            (u128::MAX - 1, 2),
            Fragment::Minified("<article>a</article>".into()),
        );
        store
            .cards
            .insert((5, 3), Fragment::Raw("<span>b</span>".into()));
        save_cards(dir.path(), &store).unwrap();
        assert_eq!(load_cards(dir.path()), store);
        let path = dir.path().join(CARDS_FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(load_cards(dir.path()), CardStore::default());
    }
}
