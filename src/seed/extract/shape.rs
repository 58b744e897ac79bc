//! The shape of the text around a paragraph: whether it sits among other paragraphs, as in an
//! article, or alone between short lines, as in a card of a teaser feed (kicker, title, author,
//! one-sentence blurb) or a "related" box. Plain text keeps this shape when it loses the markup.

use super::cues::Cue;
use super::features::{Class, Features};

/// A paragraph on its own features: long enough and dense enough in stopwords, no cue.
pub fn prose(f: &Features) -> bool {
    f.cue == Cue::None && f.class() == Class::Good
}

/// Captions, credits, teasers and notices sit between an article's paragraphs without
/// separating them.
fn transparent(f: &Features) -> bool {
    matches!(
        f.cue,
        Cue::Caption | Cue::Teaser | Cue::Notice | Cue::Copyright | Cue::ReadingTime
    )
}

/// For each unit, whether it is prose with prose right before or after it (captions and
/// notices in between skipped): a paragraph of running text rather than a lone blurb.
pub fn connected(feats: &[Features]) -> Vec<bool> {
    let mut out = vec![false; feats.len()];
    let mut mark = |order: &mut dyn Iterator<Item = usize>| {
        let mut prev = false;
        for i in order {
            let f = &feats[i];
            if transparent(f) {
                continue;
            }
            let p = prose(f);
            out[i] |= p && prev;
            prev = p;
        }
    };
    mark(&mut (0..feats.len()));
    mark(&mut (0..feats.len()).rev());
    out
}

/// Whether two paragraphs of prose follow each other within `s..=e` (captions and notices
/// between them skipped): running text, rather than a lone blurb among short lines.
pub fn paragraphs_in_a_row(feats: &[Features], s: usize, e: usize) -> bool {
    let mut prev = false;
    for f in feats.get(s..=e).unwrap_or_default() {
        if transparent(f) {
            continue;
        }
        let p = prose(f);
        if p && prev {
            return true;
        }
        prev = p;
    }
    false
}

/// Fewest lone paragraphs after the article's last connected one that make a teaser feed.
const FEED_MIN: usize = 3;
/// Longest lone paragraph (characters) read as a feed's blurb; an article's last sections,
/// one paragraph under each subheading, have longer ones.
const BLURB_MAX: usize = 350;

/// A line that labels a card (kicker, title, author, date, source) rather than says something:
/// not prose and without final punctuation.
fn label(f: &Features) -> bool {
    !prose(f) && !f.sentence
}

/// Fewest units between two blurbs of a feed: a card has two or more labels (kicker, title,
/// author, date) above its blurb, where a roundup of quotes has one source line per quote.
const CARD_GAP: usize = 3;

/// Where the article ends when the region `s..=e` closes on a teaser feed: before the labels
/// of the first card of a run of [`FEED_MIN`] or more lone (not connected), mostly blurb-sized
/// paragraphs,
/// each [`CARD_GAP`] or more units after the one before.
pub fn feed_tail(feats: &[Features], conn: &[bool], s: usize, e: usize) -> Option<usize> {
    let mut cards: Vec<usize> = Vec::new();
    for i in (s..=e).rev().filter(|&i| prose(&feats[i])) {
        let spaced = cards.last().is_none_or(|&next| next - i >= CARD_GAP);
        if !spaced || conn[i] {
            break;
        }
        cards.push(i);
    }
    // The first card too has its labels above it, not a single source line under a quote.
    while let Some(&first) = cards.last() {
        let prev = (s..first).rev().find(|&i| prose(&feats[i]));
        if prev.is_none_or(|p| first - p >= CARD_GAP) {
            break;
        }
        cards.pop();
    }
    let blurbs = cards
        .iter()
        .filter(|&&i| feats[i].chars <= BLURB_MAX)
        .count();
    if cards.len() < FEED_MIN || blurbs * 3 < cards.len() * 2 {
        return None;
    }
    let first = *cards.last()?;
    let top = (s..first).rev().find(|&i| !label(&feats[i]))?;
    (top >= s).then_some(top)
}

/// Units around the region searched for a "related" header, and the length of a short box.
pub const BRIDGE_GAP: usize = 12;
/// Units after a "related" header searched for the article's continuation (a long box).
const LONG_GAP: usize = 2 * BRIDGE_GAP;

/// Units a related box may hold before a second header still counts as part of it (two small
/// boxes in a row); after a longer list, a second header opens the page's closing lists.
const SMALL_BOX: usize = 4;

/// The nearest connected paragraph on the far side of the section header at `b` (below it when
/// `down`, else above it), within [`LONG_GAP`] units, before a comment header and before a
/// second section header that does not follow a small box: the article going on around a
/// related box. The lists after an article hold teasers, not running text.
pub fn continuation(feats: &[Features], conn: &[bool], b: usize, down: bool) -> Option<usize> {
    let mut range: Box<dyn Iterator<Item = usize>> = if down {
        Box::new(b + 1..feats.len().min(b + 1 + LONG_GAP))
    } else {
        Box::new((b.saturating_sub(LONG_GAP)..b).rev())
    };
    range
        .by_ref()
        .take_while(|&i| match feats[i].cue {
            Cue::CommentsStart => false,
            Cue::SectionEnd => i.abs_diff(b) <= SMALL_BOX,
            _ => true,
        })
        .find(|&i| conn[i])
}
