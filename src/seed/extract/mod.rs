//! Main-content extraction: which lines of a whole scraped page are the article.
//!
//! A scraper that keeps the whole visible text of a page leaves menus, share bars, captions,
//! teasers, paywall notices and comment threads around the article. This stage decides, unit by
//! unit (a unit is a paragraph-sized line), what is article and what is furniture, from what
//! plain text still carries:
//!
//! 1. **Features** ([`features`]): length, words, stopword density in the page's language
//!    (lists from the `stop-words` crate), final punctuation, and cue words for furniture that
//!    every news site has (comments, "read also", subscription, credits; [`cues`]).
//! 2. **Classes**, jusText style: a long unit dense in stopwords is *good*, a fairly dense one
//!    *near-good*, a short one *short*, the rest *bad*; then short and near-good units take the
//!    class their neighbours give them (a short line between two paragraphs stays; a short line
//!    among menu items goes).
//! 3. **Region**, readability style: the contiguous run of units with the best score (good text
//!    counts for its length, furniture against it) is the article; a comment section or a
//!    "related / most read" header inside it ends it.
//! 4. **Headline**: the heading-like line nearest above the region, preferring the one the
//!    page-title line (`Headline | Site`) repeats.
//!
//! A page with little furniture (a seed that is only an article) is left whole: the stage is
//! then only the cue rules (captions, teasers, notices), so precision never costs the article.

mod cues;
mod features;
mod shape;

pub use cues::Cue;
pub use features::Class;

use features::Features;

/// What a unit became, shown by `gazette inspect --explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Part of the article (metadata roles are decided later, by the line classifier).
    Article,
    /// The headline.
    Headline,
    /// Site furniture outside the article (menus, footers, teasers lists).
    Furniture,
    /// A comment section or what follows it.
    Comment,
    /// A photo caption or credit.
    Caption,
    /// A "read also" / "related" teaser.
    Teaser,
    /// A paywall, subscription, newsletter, app or cookie notice.
    Notice,
}

impl Role {
    /// The word `inspect --explain` prints.
    pub fn label(self) -> &'static str {
        match self {
            Role::Article => "body",
            Role::Headline => "title",
            Role::Furniture => "furniture",
            Role::Comment => "comment",
            Role::Caption => "caption",
            Role::Teaser => "teaser",
            Role::Notice => "notice",
        }
    }
}

/// The decision on one unit and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// What it became.
    pub role: Role,
    /// The rule that decided it, for `inspect --explain`.
    pub rule: &'static str,
    /// Its class after context.
    pub class: Class,
    /// Stopword density (words in the stop list / words), when the language has a list.
    pub stop_density: Option<f32>,
}

/// The result of extraction over the units of one seed.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// One verdict per unit.
    pub verdicts: Vec<Verdict>,
    /// Unit index of the headline, when one was found above the article.
    pub headline: Option<usize>,
    /// Headline and site name read from a page-title line (`Headline | Site`).
    pub page_title: Option<(usize, String, String)>,
    /// Whether the page had enough furniture for the region rules to apply.
    pub active: bool,
    /// First and last unit (inclusive) where metadata lines may be read.
    pub meta_window: (usize, usize),
    /// The page's language (ISO 639-1) when whatlang found it reliably.
    pub page_language: Option<&'static str>,
    /// The units the page's language was detected on.
    pub language_sample: Vec<usize>,
}

impl Extraction {
    /// Whether unit `i` stays in the body when it is running text.
    pub fn keeps(&self, i: usize) -> bool {
        self.verdicts
            .get(i)
            .is_none_or(|v| matches!(v.role, Role::Article))
    }

    /// Whether unit `i` may be read as a metadata line (date, byline, tags, source).
    pub fn meta_allowed(&self, i: usize) -> bool {
        i >= self.meta_window.0 && i <= self.meta_window.1
    }
}

/// Fewest units left bad or short by context for a page to count as a whole page rather than
/// an article: headline, dateline, byline, source and tags alone stay under it.
const MIN_BAD_UNITS: usize = 8;
/// Units looked at above the article for its headline.
const HEADLINE_LOOKBACK: usize = 30;
/// Short units after the article still read for metadata (tags, source, credits).
const META_TAIL: usize = 12;

/// Decides, for each unit text, whether it is article or furniture. `meta_like` tells whether
/// a short line is a metadata line (date, byline), which is never a headline.
pub fn extract(texts: &[&str], meta_like: &dyn Fn(&str) -> bool) -> Extraction {
    let (lang, reliable, sampled) = features::page_language(texts);
    let stops = lang.and_then(features::stop_set);
    let feats: Vec<Features> = texts.iter().map(|t| Features::of(t, stops)).collect();
    let mut classes: Vec<Class> = feats.iter().map(Features::class).collect();
    features::context(&mut classes, &feats);
    let mut verdicts: Vec<Verdict> = feats
        .iter()
        .zip(&classes)
        .map(|(f, &class)| Verdict {
            role: Role::Article,
            rule: "kept: article text",
            class,
            stop_density: f.stop_density,
        })
        .collect();
    let bad = classes
        .iter()
        .filter(|c| matches!(c, Class::Bad | Class::Short))
        .count();
    let page_title = page_title(texts);
    let anchor = match &page_title {
        Some(p) => title_repeat(texts, p),
        None => bare_title_repeat(texts),
    };
    let region = region(&feats, &classes, anchor).map(|r| {
        let (r, gap) = split_at_gap(r, &feats, &classes);
        let r = below_anchor(r, anchor, texts, &feats, &classes);
        Region {
            gap: gap.map(|(a, b, _)| (a, b)),
            notice_box: gap.is_some_and(|g| g.2),
            ..Region::shaped(r, &feats, &classes)
        }
    });
    let region = region
        .map(|r| r.closed(texts, &feats, &classes))
        .map(|r| r.list_continued(texts, &feats))
        .map(|r| r.numbered_list(texts, &feats))
        .map(|r| r.below_section_list(&feats))
        .map(|r| r.with_items(texts, &feats, &classes));
    let end_cut = region.as_ref().and_then(|r| end_cue(&feats, r.s, r.e));
    let active = bad >= MIN_BAD_UNITS;
    let mut out = Extraction {
        verdicts: Vec::new(),
        headline: None,
        page_title,
        active,
        meta_window: (0, texts.len().saturating_sub(1)),
        page_language: lang.filter(|_| reliable),
        language_sample: sampled,
    };
    if active {
        if let Some(r) = &region {
            let (s, e) = (r.s, r.e);
            apply_region(&mut verdicts, &feats, r, end_cut);
            // Above a section's list, the headline is looked for above the section header.
            let top = r.listed_above.map_or(s, |(a, _)| a.saturating_sub(1));
            let h = headline(
                texts,
                &feats,
                top,
                out.page_title.as_ref(),
                anchor,
                meta_like,
            );
            if let Some(h) = h {
                verdicts[h].role = Role::Headline;
                verdicts[h].rule = "headline: heading-like line above the article";
            }
            out.headline = h;
            // Metadata after the article stops where comments or a related list begin.
            let closing =
                (e + 1..texts.len().min(e + META_TAIL + 1)).find(|&i| feats[i].cue.heads_section());
            let tail = (e + META_TAIL)
                .min(end_cut.unwrap_or(usize::MAX).saturating_sub(1))
                .min(closing.map_or(usize::MAX, |c| c - 1));
            out.meta_window = (h.unwrap_or(s), tail.max(e).min(texts.len() - 1));
        }
    }
    if !active {
        // An article alone keeps everything above a comment section.
        if let Some(c) = end_cut {
            for v in &mut verdicts[c..] {
                v.role = Role::Comment;
                v.rule = "comment: after a comment-section header";
            }
        }
    }
    apply_cues(&mut verdicts, &feats);
    out.verdicts = verdicts;
    out
}

/// The best-scoring contiguous run of units (maximum-sum segment): good text adds its length,
/// near-good half of it, bad units take away. A comment or related-list header is a barrier no
/// run crosses, and runs after the first comment header that follows real article text count
/// for a quarter (a long thread must not outweigh the article). `None` when nothing scores.
fn region(feats: &[Features], classes: &[Class], anchor: Option<usize>) -> Option<(usize, usize)> {
    let mut best: Option<(i64, usize, usize)> = None;
    let mut seg: Option<(i64, usize, usize)> = None;
    let mut sum = 0i64;
    let mut start = 0usize;
    let mut comments = false;
    let mut top = 0i64;
    let mut close = |seg: &mut Option<(i64, usize, usize)>, comments: bool| {
        if let Some((v, s, e)) = seg.take() {
            let v = if comments { v / 4 } else { v };
            if best.is_none_or(|b| v > b.0) {
                best = Some((v, s, e));
            }
        }
    };
    for (i, (f, c)) in feats.iter().zip(classes).enumerate() {
        if f.cue.heads_section() {
            top = top.max(seg.map_or(0, |s| s.0));
            close(&mut seg, comments);
            comments |= f.cue == Cue::CommentsStart && top >= MIN_ARTICLE_SCORE;
            sum = 0;
            start = i + 1;
            continue;
        }
        let mut score = features::score(f, *c);
        if score > 0 && anchor.is_some_and(|a| i > a && i <= a + ANCHOR_REACH) {
            score *= ANCHOR_WEIGHT;
        }
        if sum <= 0 {
            top = top.max(seg.map_or(0, |s| s.0));
            close(&mut seg, comments);
            sum = 0;
            start = i;
        }
        sum += score;
        if score > 0 && seg.is_none_or(|b| sum > b.0) {
            seg = Some((sum, start, i));
        }
    }
    close(&mut seg, comments);
    let (_, s, e) = best?;
    // The run may open on a non-positive unit; start on its first positive one.
    let s = (s..=e).find(|&i| features::score(&feats[i], classes[i]) > 0)?;
    Some((s, e))
}

/// Fewest consecutive bad units (share bar, tags, previous/next links) that split a run of
/// text in two.
const GAP_UNITS: usize = 8;
/// Fewest notices (newsletter sign-up, subscription offer, their confirmations) in a run of
/// bad units that make it a notice box, which closes the article like a long gap when no
/// paragraph among paragraphs follows it.
const NOTICE_BOX: usize = 3;

/// Units cut after a closing gap (first, last) and whether the gap was a notice box.
type ClosingCut = Option<(usize, usize, bool)>;

/// The main run without what follows a long closing gap inside it: the maximum-sum search
/// crosses a share bar, tags and previous/next links to reach a blog's "about" box or a
/// footer's prose. A gap of [`GAP_UNITS`] bad units holding a teaser or notice cue (the
/// navigation and share lines that close an article) ends the run when the text after it
/// scores a third or less of the text before it; so does a shorter run holding a notice box
/// ([`NOTICE_BOX`]) when no two paragraphs in a row follow it. Also gives the units cut, when
/// any.
fn split_at_gap(
    (s, e): (usize, usize),
    feats: &[Features],
    classes: &[Class],
) -> ((usize, usize), ClosingCut) {
    let sum = |a: usize, b: usize| -> i64 {
        (a..b).map(|i| features::score(&feats[i], classes[i])).sum()
    };
    let mut best: Option<(usize, usize, bool)> = None;
    let mut i = s;
    while i <= e {
        let k = (i..=e).take_while(|&k| classes[k] == Class::Bad).count();
        let closing = (i..i + k).any(|k| matches!(feats[k].cue, Cue::Teaser | Cue::Notice));
        let notices = (i..i + k).filter(|&k| feats[k].cue == Cue::Notice).count();
        let box_only = notices >= NOTICE_BOX && !(k >= GAP_UNITS && closing);
        let gap = (k >= GAP_UNITS && closing) || box_only;
        if gap && best.is_none_or(|b| k > b.1 - b.0) {
            best = Some((i, i + k, box_only));
        }
        i += k.max(1);
    }
    let Some((a, b, box_only)) = best else {
        return ((s, e), None);
    };
    let (head, tail) = (sum(s, a), sum(b, e + 1));
    // After a notice box, the article goes on only as paragraphs among paragraphs.
    let lone = !box_only || !shape::paragraphs_in_a_row(feats, b, e);
    if a > s && tail * 3 <= head && lone {
        // The box's own title (`Recevez notre lettre`), a short line without final
        // punctuation right above it, goes with it.
        let a = match a - 1 {
            t if box_only && t > s && classes[t] == Class::Short && !feats[t].sentence => t,
            _ => a,
        };
        ((s, a - 1), Some((a, e, box_only)))
    } else {
        ((s, e), None)
    }
}

/// Units after the headline the page title repeats whose text weighs more in the region search:
/// the article starts under its headline.
const ANCHOR_REACH: usize = 8;
/// How much more they weigh.
const ANCHOR_WEIGHT: i64 = 3;

/// The unit that repeats the page title's headline (the on-page headline): a line of three or
/// more words that the page-title line starts with, followed by a separator.
fn title_repeat(texts: &[&str], p: &(usize, String, String)) -> Option<usize> {
    let full = crate::text::fold(texts[p.0].trim());
    (p.0 + 1..texts.len()).find(|&i| {
        let t = texts[i].trim();
        if t.len() >= full.len() || t.split_whitespace().count() < 3 {
            return false;
        }
        let f = crate::text::fold(t);
        let site_after = full.strip_prefix(f.as_str()).is_some_and(|rest| {
            [" | ", " - ", " – ", " — ", " :: ", " · "]
                .iter()
                .any(|s| rest.starts_with(s))
        });
        // `Tribune : « Headline » – Site` above `« Headline »`: a kicker before it.
        let kicker_before = crate::text::fold(&p.1)
            .strip_suffix(f.as_str())
            .is_some_and(|kicker| kicker.ends_with(" : ") || kicker.ends_with(": "));
        site_after || kicker_before
    })
}

/// The unit that repeats a first line with no site name (`Headline` alone as the page title):
/// a later line equal to it, once folded.
fn bare_title_repeat(texts: &[&str]) -> Option<usize> {
    let (i, t) = texts
        .iter()
        .enumerate()
        .find(|(_, t)| t.chars().any(char::is_alphanumeric))?;
    let t = t.trim();
    if !features::headline_like(t) || t.split_whitespace().count() < 3 {
        return None;
    }
    let full = crate::text::fold(t);
    (i + 1..texts.len()).find(|&k| {
        let u = texts[k].trim();
        u.len() == t.len() && crate::text::fold(u) == full
    })
}

/// Fewest item lines in a run kept between paragraphs ([`Region::with_items`]).
const MIN_ITEMS: usize = 3;

/// Units at the top of the region that may still be the on-page headline and its kicker.
const ANCHOR_SLACK: usize = 3;

/// When the region opens on (or just above) the headline the page title repeats, the article
/// starts below it (and below a second copy of it): the headline is not body text.
fn below_anchor(
    (s, e): (usize, usize),
    anchor: Option<usize>,
    texts: &[&str],
    feats: &[Features],
    classes: &[Class],
) -> (usize, usize) {
    match anchor {
        Some(a) if a >= s && a < e && a <= s + ANCHOR_SLACK => (a + 1..=e)
            .find(|&i| {
                features::score(&feats[i], classes[i]) > 0 && texts[i].trim() != texts[a].trim()
            })
            .map_or((s, e), |s2| (s2, e)),
        _ => (s, e),
    }
}

/// Score of article text before a comment header for what follows it to count as comments.
const MIN_ARTICLE_SCORE: i64 = 400;

/// The first comment header after the region (within a few units): what follows is comments.
fn end_cue(feats: &[Features], _s: usize, e: usize) -> Option<usize> {
    feats
        .get(e + 1..)
        .and_then(|rest| {
            rest.iter()
                .take(4)
                .position(|f| f.cue == Cue::CommentsStart)
        })
        .map(|k| e + 1 + k)
}

/// The article's units: a main run `s..=e`, the related boxes inside it, and the teaser feed
/// cut from its end.
#[derive(Debug, Clone)]
struct Region {
    s: usize,
    e: usize,
    /// Runs of units (header and teasers) of a related box the article goes on after.
    boxes: Vec<(usize, usize)>,
    /// First and last unit of a teaser feed the main run closed on.
    feed: Option<(usize, usize)>,
    /// Units cut after a closing gap (share bar, previous/next links) inside the main run.
    gap: Option<(usize, usize)>,
    /// Whether that gap is a notice box (newsletter sign-up, subscription offer).
    notice_box: bool,
    /// Items of a list that began inside the article and goes on past its last paragraph.
    list: Option<(usize, usize)>,
    /// A short closing sentence kept after the last paragraph.
    closing: Option<usize>,
    /// Runs of short item lines between paragraphs (ingredients, figures) kept in the body.
    items: Vec<(usize, usize)>,
    /// Items (with the lines under each) of a numbered list the article goes on into.
    numbered: Option<(usize, usize)>,
    /// A list under a section header (`Most popular`) just above the article's first paragraph.
    listed_above: Option<(usize, usize)>,
}

impl Region {
    /// The main run `(s, e)` carried across related boxes the article continues after (or
    /// before), then cut before a teaser feed at its end.
    fn shaped((mut s, mut e): (usize, usize), feats: &[Features], classes: &[Class]) -> Region {
        let conn = shape::connected(feats);
        let mut boxes = Vec::new();
        for down in [true, false] {
            while let Some((span, bound)) = bridge(feats, classes, &conn, (s, e), down) {
                boxes.push(span);
                if down {
                    e = bound;
                } else {
                    s = bound;
                }
            }
        }
        let feed = shape::feed_tail(feats, &conn, s, e).map(|last| {
            let feed = (last + 1, e);
            e = last;
            feed
        });
        Region {
            s,
            e,
            boxes,
            feed,
            closing: None,
            gap: None,
            notice_box: false,
            list: None,
            items: Vec::new(),
            numbered: None,
            listed_above: None,
        }
    }

    /// The region with the runs of item lines inside it: three or more bad units in a row
    /// between paragraphs, with no cue, each opening with a lowercase word or a number
    /// (`500 g de cerises`, `3 œufs`). Menus, share bars and teaser titles open with capitals.
    fn with_items(mut self, texts: &[&str], feats: &[Features], classes: &[Class]) -> Region {
        let item = |k: usize| {
            let first = texts[k].trim_start().chars().next().unwrap_or(' ');
            classes[k] == Class::Bad
                && feats[k].cue == Cue::None
                && (first.is_lowercase() || first.is_ascii_digit())
        };
        let mut i = self.s + 1;
        while i < self.e {
            let run = (i..self.e).take_while(|&k| item(k)).count();
            if run >= MIN_ITEMS {
                self.items.push((i, i + run - 1));
            }
            i += run.max(1);
        }
        self
    }

    /// The region with the short sentence right after its last paragraph, when that sentence
    /// reads as the article's last words: prose-dense, four words or more, no cue, no label
    /// colon, not a question and not addressed to the reader (`Share your thoughts…` is a
    /// prompt). Letterless lines (minute marks of a live report) may come between; the
    /// sentence must then end as one.
    fn closed(mut self, texts: &[&str], feats: &[Features], classes: &[Class]) -> Region {
        // Lines without a letter (a minute mark, a score, an arrow) may stand between the last
        // paragraph and its closing sentence, which must then end as a sentence.
        let letterless = |k: &usize| !texts[*k].chars().any(char::is_alphabetic);
        let skipped = (self.e + 1..texts.len())
            .take(CLOSING_SKIP)
            .take_while(letterless)
            .count();
        let i = self.e + 1 + skipped;
        let (Some(f), None, None) = (feats.get(i), self.feed, self.gap) else {
            return self;
        };
        let t = texts[i].trim();
        if skipped > 0 && !f.sentence {
            return self;
        }
        let reader = crate::text::fold(t)
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| matches!(w, "you" | "your" | "vous" | "votre" | "vos" | "tu" | "ton"));
        // Its own class: a menu under it may have made it part of a link run.
        let closing = f.class() == Class::Short
            && classes[i] != Class::Good
            && f.cue == Cue::None
            && !t.ends_with('?')
            && !t.contains(':')
            && t.split_whitespace().count() >= 4
            && f.stop_density.is_some_and(|d| d >= features::STOPS_HIGH)
            && !reader;
        if closing {
            self.e = i;
            self.closing = Some(i);
        }
        self
    }
}

/// Fewest punctuation marks that make a list item's skeleton distinctive.
const SKELETON_MIN: usize = 2;
/// Punctuation marks compared (an item may add a bracket at its end).
const SKELETON_LEN: usize = 3;

/// The punctuation of a line, in order (`June 9 – Tampa, FL @ Arena` → `–,@`): items of one
/// structured list (dates, places, results) share it; menu entries have none.
fn skeleton(t: &str) -> Vec<char> {
    t.chars()
        .filter(|c| !c.is_alphanumeric() && !c.is_whitespace())
        .take(SKELETON_LEN)
        .collect()
}

/// Two skeletons of items of one list: the shorter (an item with fewer details) opens the
/// longer, with [`SKELETON_MIN`] marks at least.
fn same_list(a: &[char], b: &[char]) -> bool {
    let n = a.len().min(b.len());
    n >= SKELETON_MIN && a[..n] == b[..n]
}

impl Region {
    /// The region carried down a structured list that its last two units begin (tour dates,
    /// results, a schedule): following lines with the same punctuation skeleton and no cue are
    /// its items, however short or poor in stopwords.
    fn list_continued(mut self, texts: &[&str], feats: &[Features]) -> Region {
        let e = self.e;
        if self.feed.is_some() || self.gap.is_some() || e == 0 || e + 1 >= texts.len() {
            return self;
        }
        let sk = skeleton(texts[e]);
        if !same_list(&sk, &skeleton(texts[e - 1])) {
            return self;
        }
        let more = (e + 1..texts.len())
            .take_while(|&k| feats[k].cue == Cue::None && same_list(&sk, &skeleton(texts[k])))
            .count();
        if more > 0 {
            self.e = e + more;
            self.list = Some((e + 1, e + more));
        }
        self
    }
}

/// Most units one item of a numbered list may span (its line and the lines under it: a link,
/// a price, a short description).
const ITEM_SPAN: usize = 4;
/// Fewest items of a numbered list the article goes on into (the one it holds or opens on
/// included).
const NUMBERED_MIN: u32 = 3;

/// The number opening a list item (`1) …`, `2. …`, `3 – …`): numbered lists are written by
/// the article's author; menus, tag clouds and footers are not numbered.
fn item_number(t: &str) -> Option<u32> {
    let t = t.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let rest = &t[digits..];
    let marked = [") ", ". ", " - ", " – ", " — "]
        .iter()
        .any(|m| rest.starts_with(m));
    marked.then(|| t[..digits].parse().ok()).flatten()
}

impl Region {
    /// The region carried down a numbered list that its last paragraph opens or holds: items
    /// numbered on from the last one (or from 1 right after the last paragraph), each within
    /// [`ITEM_SPAN`] units of the one before, with the lines under each item, the last item
    /// taking as many as the shortest item before it. A list of picks, steps or reasons is the
    /// article, however short and poor in stopwords its lines.
    fn numbered_list(mut self, texts: &[&str], feats: &[Features]) -> Region {
        let e = self.e;
        if self.feed.is_some() || self.gap.is_some() {
            return self;
        }
        let held = (e.saturating_sub(ITEM_SPAN - 1)..=e)
            .rev()
            .find_map(|j| item_number(texts[j]).map(|n| (n + 1, j)));
        let (mut next, mut last, first) = match held {
            Some((n, j)) => (n, j, e + 1),
            None if texts.get(e + 1).and_then(|t| item_number(t)) == Some(1) => (2, e + 1, e + 1),
            None => return self,
        };
        let mut span = usize::MAX;
        let mut items = 1;
        for k in last + 1..texts.len() {
            if k - last > ITEM_SPAN || feats[k].cue.heads_section() {
                break;
            }
            if item_number(texts[k]) == Some(next) {
                span = span.min(k - last);
                (last, next, items) = (k, next + 1, items + 1);
            }
        }
        if items < NUMBERED_MIN {
            return self;
        }
        // The last item keeps the lines the shortest item had, up to a header.
        let end = (last + 1..(last + span).min(texts.len()))
            .take_while(|&k| item_number(texts[k]).is_none() && !feats[k].cue.heads_section())
            .last()
            .unwrap_or(last);
        self.e = end;
        self.numbered = Some((first, end));
        self
    }

    /// The region without a list it opens on right under a section header (`Most popular`,
    /// `Les plus lus`): three or more lines of up to [`LISTED_MAX`] characters, mostly without
    /// final punctuation (titles), none a paragraph among paragraphs, before the article's
    /// first connected paragraph. A sidebar
    /// laid out between the headline and the article is not its opening.
    fn below_section_list(mut self, feats: &[Features]) -> Region {
        let s = self.s;
        if s == 0 || feats[s - 1].cue != Cue::SectionEnd || !self.boxes.is_empty() {
            return self;
        }
        let conn = shape::connected(feats);
        let Some(c) = (s..=self.e).find(|&i| conn[i]) else {
            return self;
        };
        let listed = (s..c).all(|i| feats[i].chars <= LISTED_MAX && feats[i].cue == Cue::None);
        // Mostly titles: an article opening on short paragraphs ends them as sentences.
        let titles = (s..c).filter(|&i| !feats[i].sentence).count();
        if c - s >= LISTED_MIN && listed && titles * 2 > c - s {
            self.listed_above = Some((s, c - 1));
            self.s = c;
        }
        self
    }
}

/// Fewest lines of a section's list above the article.
const LISTED_MIN: usize = 3;
/// Longest line (characters) of such a list: a teaser's title.
const LISTED_MAX: usize = 150;

/// Letterless lines skipped between the last paragraph and a closing sentence.
const CLOSING_SKIP: usize = 2;

/// One bridge across the related box next to the region `(s, e)` (below it when `down`, else
/// above it): the box's units and the region's new bound. A box longer than
/// [`shape::BRIDGE_GAP`] is crossed only towards at least half as much text again as the
/// region holds: past a long list, a short run of prose is the site's footer.
fn bridge(
    feats: &[Features],
    classes: &[Class],
    conn: &[bool],
    (s, e): (usize, usize),
    down: bool,
) -> Option<((usize, usize), usize)> {
    let header = |i: &usize| feats[*i].cue.heads_section();
    let gap = shape::BRIDGE_GAP;
    let b = if down {
        (e + 1..feats.len().min(e + gap)).find(header)
    } else {
        (s.saturating_sub(gap)..s).rev().find(header)
    }?;
    if feats[b].cue != Cue::SectionEnd {
        return None;
    }
    let c = shape::continuation(feats, conn, b, down)?;
    let (bound, sum) = reach(feats, classes, c, down)?;
    let held: i64 = (s..=e)
        .map(|i| features::score(&feats[i], classes[i]))
        .sum();
    if c.abs_diff(b) > gap && sum * 2 < held {
        return None;
    }
    let span = if down {
        (e + 1, c - 1)
    } else {
        (c + 1, (s..=e).find(|&i| conn[i]).unwrap_or(s) - 1)
    };
    Some((span, bound))
}

/// The far end of the best-scoring run from `c` (down the page or up it) and its score,
/// stopping at the next header, when it scores above zero.
fn reach(feats: &[Features], classes: &[Class], c: usize, down: bool) -> Option<(usize, i64)> {
    let units: Box<dyn Iterator<Item = usize>> = if down {
        Box::new(c..feats.len())
    } else {
        Box::new((0..=c).rev())
    };
    let mut sum = 0i64;
    let mut best: Option<(i64, usize)> = None;
    for i in units {
        if feats[i].cue.heads_section() {
            break;
        }
        sum += features::score(&feats[i], classes[i]);
        if sum > 0 && best.is_none_or(|b| sum > b.0) {
            best = Some((sum, i));
        }
    }
    best.map(|b| (b.1, b.0))
}

/// Marks units outside the region as furniture (or comments after a comment cue), and bad
/// units, related boxes and a closing teaser feed inside it as furniture.
fn apply_region(verdicts: &mut [Verdict], feats: &[Features], r: &Region, cut: Option<usize>) {
    let (s, e) = (r.s, r.e);
    let comment_from = cut.filter(|&c| feats[c].cue == Cue::CommentsStart);
    for (i, v) in verdicts.iter_mut().enumerate() {
        if r.boxes.iter().any(|&(a, b)| (a..=b).contains(&i)) {
            v.role = Role::Furniture;
            v.rule = "furniture: related box inside the article";
        } else if i < s && r.listed_above.is_some_and(|(a, b)| (a..=b).contains(&i)) {
            v.role = Role::Furniture;
            v.rule = "furniture: list under a section header above the article";
        } else if i < s {
            v.role = Role::Furniture;
            v.rule = "furniture: before the article's main run of text";
        } else if i > e {
            if comment_from.is_some_and(|c| i >= c) {
                v.role = Role::Comment;
                v.rule = "comment: after a comment-section header";
            } else if r.gap.is_some_and(|(a, b)| (a..=b).contains(&i)) {
                v.role = Role::Furniture;
                v.rule = if r.notice_box {
                    "furniture: after a notice box (newsletter, offer) that closes the article"
                } else {
                    "furniture: after a share / previous-next gap that closes the article"
                };
            } else if r.feed.is_some_and(|(a, b)| (a..=b).contains(&i)) {
                v.role = Role::Furniture;
                v.rule = "furniture: teaser feed (lone paragraphs between short lines)";
            } else {
                v.role = Role::Furniture;
                v.rule = "furniture: after the article's main run of text";
            }
        } else if r.numbered.is_some_and(|(a, b)| (a..=b).contains(&i)) {
            v.rule = "kept: numbered list the article goes on into";
        } else if r.list.is_some_and(|(a, b)| (a..=b).contains(&i)) {
            v.rule = "kept: list going on past the article's last paragraph";
        } else if r.items.iter().any(|&(a, b)| (a..=b).contains(&i)) {
            v.rule = "kept: run of item lines between paragraphs";
        } else if r.closing == Some(i) {
            v.rule = "kept: closing sentence after the last paragraph";
        } else if v.class == Class::Bad {
            v.role = Role::Furniture;
            v.rule = "furniture: bad block (short or few stopwords) among bad neighbours";
        }
    }
}

/// Drops captions, teasers and notices wherever they are.
fn apply_cues(verdicts: &mut [Verdict], feats: &[Features]) {
    for (v, f) in verdicts.iter_mut().zip(feats) {
        if v.role != Role::Article {
            continue;
        }
        let (role, rule) = match f.cue {
            Cue::Caption => (Role::Caption, "caption: photo caption or credit"),
            Cue::Teaser => (Role::Teaser, "teaser: read-also / related link"),
            Cue::Notice => (Role::Notice, "notice: subscription, paywall or app prompt"),
            Cue::ReadingTime => (Role::Furniture, "furniture: reading time"),
            _ => continue,
        };
        v.role = role;
        v.rule = rule;
    }
}

/// A first line `Headline | Site` (or ` - `, ` – `, ` — `): (unit, headline part, site part).
fn page_title(texts: &[&str]) -> Option<(usize, String, String)> {
    let (i, t) = texts
        .iter()
        .enumerate()
        .find(|(_, t)| t.chars().any(char::is_alphanumeric))?;
    let t = t.trim();
    if t.chars().count() > 200 || features::ends_with_period(t) {
        return None;
    }
    let (cut, sep_len) = [" | ", " – ", " — ", " - ", " :: ", " · "]
        .iter()
        .filter_map(|sep| t.rfind(sep).map(|at| (at, sep.len())))
        .max_by_key(|(at, _)| *at)?;
    let head = t[..cut].trim();
    let site = t[cut + sep_len..].trim();
    let ok =
        head.split_whitespace().count() >= 2 && (1..=6).contains(&site.split_whitespace().count());
    ok.then(|| (i, head.to_string(), site.to_string()))
}

/// The headline above the article starting at unit `s`: the line the page title repeats, else
/// the nearest heading-like line of three or more words that is not metadata or a cue.
fn headline(
    texts: &[&str],
    feats: &[Features],
    s: usize,
    page_title: Option<&(usize, String, String)>,
    anchor: Option<usize>,
    meta_like: &dyn Fn(&str) -> bool,
) -> Option<usize> {
    let from = s.saturating_sub(HEADLINE_LOOKBACK);
    let after_title = page_title.map_or(0, |p| p.0 + 1);
    let from = from.max(after_title.min(s));
    if let Some(found) = anchor.filter(|&a| a < s) {
        return Some(found);
    }
    (from..s).rev().find(|&i| {
        let t = texts[i].trim();
        feats[i].cue == Cue::None
            && features::headline_like(t)
            && t.split_whitespace().count() >= 3
            && !meta_like(t)
    })
}

/// An editor's correction of the extraction, from an article override: the body starts or stops
/// at a given line of the seed, and dropped lines can be kept, without copying the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Extent {
    /// First line (1-based) of the body: running text above it is furniture.
    pub start: Option<usize>,
    /// Last line of the body: running text below it is furniture.
    pub stop: Option<usize>,
    /// Lines kept in the body whatever extraction decided.
    pub keep: Vec<usize>,
}

impl Extent {
    /// Whether the extent changes anything.
    pub fn is_empty(&self) -> bool {
        self.start.is_none() && self.stop.is_none() && self.keep.is_empty()
    }

    /// Applies the extent to the verdicts of units starting on `lines`.
    pub fn apply(&self, ex: &mut Extraction, lines: &[usize]) {
        if self.is_empty() {
            return;
        }
        let (lo, hi) = (self.start.unwrap_or(0), self.stop.unwrap_or(usize::MAX));
        for (v, &line) in ex.verdicts.iter_mut().zip(lines) {
            if self.keep.contains(&line)
                || (self.start.is_some() || self.stop.is_some())
                    && (lo..=hi).contains(&line)
                    && v.role != Role::Headline
            {
                v.role = Role::Article;
                v.rule = "kept: override (body_start / body_end / keep_lines)";
            } else if line < lo || line > hi {
                v.role = Role::Furniture;
                v.rule = "furniture: override (outside body_start..body_end)";
            }
        }
        let first = lines.iter().position(|&l| l >= lo).unwrap_or(0);
        let last = lines
            .iter()
            .rposition(|&l| l <= hi)
            .unwrap_or(lines.len().saturating_sub(1));
        ex.meta_window = (ex.meta_window.0.min(first), ex.meta_window.1.max(last));
    }
}

#[cfg(test)]
mod tests;
