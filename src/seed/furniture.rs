//! Site furniture learned from the archive (issue 19): lines that recur across the seeds of a
//! project outside any one story, without a hand-written pattern.
//!
//! Seeds scraped from one site carry the same menus, slogans, subscription offers and footers.
//! A line is furniture when it occurs in at least [`MIN_STORIES`] *distinct stories* of the
//! archive. Text that recurs because one story was published twice (a wire story in several
//! outlets, a page scraped twice) is never furniture: seeds sharing most of their long lines
//! are one story ([`learn`]) and count once.
//!
//! The data flow keeps each parse a pure function of its inputs:
//!
//! 1. [`fingerprints`]: per seed, the keys of its normalised lines, computed from its bytes
//!    and kept in the seed cache, so an unchanged seed is never read again to learn the model.
//! 2. [`learn`]: the archive's [`Model`], from every seed's fingerprints.
//! 3. [`Model::lines_of`]: the [`FurnitureLines`] of one seed (its lines the model calls
//!    furniture), an explicit input of that seed's parse and part of its cache key, so adding
//!    a seed re-parses exactly the seeds whose set it changes.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::extract::{Extraction, Role};

/// Distinct stories a line must appear in to be furniture. Two seeds sharing a line can be
/// chance (a story and its follow-up quoting one sentence); three unrelated stories carrying
/// the same line is how a page template looks, and a small archive learns its furniture from
/// its third seed of a site.
pub const MIN_STORIES: usize = 3;
/// Bytes (after normalisation) from which a line counts as long, paragraph-like: the
/// lines whose sharing tells two copies of one story apart from two pages of one site.
const LONG_LINE: usize = 100;
/// Fewest characters (letters or digits) a line needs to be fingerprinted: shorter lines
/// (bullets, numbers, lone symbols) say nothing about a template.
const MIN_ALNUM: usize = 3;
/// Most seeds a long line may be in to count as evidence that seeds are copies of one story:
/// a story is rarely republished more often, while a long footer or cookie notice of a site is
/// in all its seeds and must not make them one story (it also bounds the pairs counted).
const MAX_COPIES: usize = 10;
/// The top bit of a key marks a long line.
const LONG_BIT: u64 = 1 << 63;

/// The key of one line: a 64-bit hash of its lower-cased text with whitespace runs collapsed
/// and trimmed and invisible characters dropped, the top bit set for a long line; `None` for a
/// line too short to tell anything.
/// The normalised line is hashed as it is read, without a copy.
pub fn line_key(line: &str) -> Option<u64> {
    let (h, alnum) = match plain_alnum(line.as_bytes()) {
        Some(alnum) => {
            let mut h = Hash64::default();
            h.push_ascii(line.as_bytes());
            (h, alnum)
        }
        None => hash_normalised(line),
    };
    (alnum >= MIN_ALNUM).then(|| {
        let long = h.len >= LONG_LINE;
        let h = h.finish() & !LONG_BIT;
        if long {
            h | LONG_BIT
        } else {
            h
        }
    })
}

/// The letters and digits of a line that normalisation leaves as it is but for case: printable
/// ASCII and single spaces, no space at either end. Most lines are; their key is hashed a word
/// at a time. `None` for any other line.
fn plain_alnum(bytes: &[u8]) -> Option<usize> {
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return None;
    }
    let mut alnum = 0;
    let mut prev_space = false;
    for &b in bytes {
        let space = b == b' ';
        if !(b' '..=b'~').contains(&b) || (space && prev_space) {
            return None;
        }
        prev_space = space;
        alnum += usize::from(b.is_ascii_alphanumeric());
    }
    Some(alnum)
}

/// The hash and letter-or-digit count of any line, normalised as it is read, without a copy.
fn hash_normalised(line: &str) -> (Hash64, usize) {
    let mut h = Hash64::default();
    let mut alnum = 0usize;
    let mut space = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && !(b <= b' ' || b == 0x7F) {
            // Printable ASCII, the bulk of a line.
            i += 1;
            if space {
                h.push(b' ');
                space = false;
            }
            alnum += usize::from(b.is_ascii_alphanumeric());
            h.push(b.to_ascii_lowercase());
            continue;
        }
        let c = if b < 0x80 {
            i += 1;
            b as char
        } else {
            let Some(c) = line[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            c
        };
        if c.is_whitespace() {
            space = h.len > 0;
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if space {
            h.push(b' ');
            space = false;
        }
        alnum += usize::from(c.is_alphanumeric());
        let mut utf8 = [0u8; 4];
        for l in c.to_lowercase() {
            l.encode_utf8(&mut utf8).bytes().for_each(|b| h.push(b));
        }
    }
    (h, alnum)
}

/// A fast 64-bit hash fed byte by byte and mixed eight bytes at a time (keys are never kept
/// across gazette builds: the seed cache that stores them is valid for one build only).
#[derive(Default)]
struct Hash64 {
    h: u64,
    word: u64,
    len: usize,
}

impl Hash64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn push(&mut self, b: u8) {
        self.word |= u64::from(b) << (8 * (self.len % 8));
        self.len += 1;
        if self.len % 8 == 0 {
            self.h = (self.h.rotate_left(5) ^ self.word).wrapping_mul(Self::K);
            self.word = 0;
        }
    }

    /// [`Hash64::push`] of each byte of `run` lowercased (ASCII), with the whole eight-byte
    /// words of the run mixed directly: the same hash, without a branch per byte.
    fn push_ascii(&mut self, run: &[u8]) {
        let head = run.len().min((8 - self.len % 8) % 8);
        run[..head]
            .iter()
            .for_each(|b| self.push(b.to_ascii_lowercase()));
        let mut words = run[head..].chunks_exact(8);
        for w in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(w);
            word.make_ascii_lowercase();
            self.h = (self.h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(Self::K);
            self.len += 8;
        }
        words
            .remainder()
            .iter()
            .for_each(|b| self.push(b.to_ascii_lowercase()));
    }

    fn finish(&self) -> u64 {
        let mut h = (self.h.rotate_left(5) ^ self.word).wrapping_mul(Self::K);
        h = (h.rotate_left(5) ^ self.len as u64).wrapping_mul(Self::K);
        // Final avalanche (MurmurHash3's fmix64), so that every input bit reaches the top bits.
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

fn is_long(key: u64) -> bool {
    key & LONG_BIT != 0
}

/// The keys of a seed's lines, sorted and without repeats (a line twice in one seed is one
/// occurrence); a seed the parse cannot decode has none. UTF-8 text (the usual seed) is keyed
/// as it is, without the decoding the parse does: a key ignores what decoding normalises in a
/// line (whitespace, invisible characters), so the same lines get the same keys.
pub fn fingerprints(file: &Path, bytes: &[u8]) -> Vec<u64> {
    let raw = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut keys: Vec<u64> = match std::str::from_utf8(raw) {
        Ok(_) if raw.contains(&0) => return Vec::new(),
        // A `\r` is whitespace in a key: `\r\n` ends are as good as `\n`.
        Ok(text) => text.split('\n').filter_map(line_key).collect(),
        Err(_) => match super::decode::decode(file, bytes) {
            Ok(decoded) => decoded.text.split('\n').filter_map(line_key).collect(),
            Err(_) => return Vec::new(),
        },
    };
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Characters decoding removes from a line (zero-width, soft hyphen, stray controls).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    ) || c.is_control()
}

/// The archive's furniture: the keys of the lines found in [`MIN_STORIES`] distinct stories,
/// each with the number of stories it is in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    furniture: HashMap<u64, usize>,
}

impl Model {
    /// Whether the model calls no line furniture.
    pub fn is_empty(&self) -> bool {
        self.furniture.is_empty()
    }

    /// The furniture lines of a seed with these [`fingerprints`].
    pub fn lines_of(&self, fingerprints: &[u64]) -> FurnitureLines {
        if self.furniture.is_empty() {
            return FurnitureLines::default();
        }
        FurnitureLines(
            fingerprints
                .iter()
                .copied()
                .filter(|k| self.furniture.contains_key(k))
                .collect(),
        )
    }

    /// The number of stories a furniture line with this text is in (for `inspect --explain`).
    pub fn stories(&self, line: &str) -> Option<usize> {
        line_key(line).and_then(|k| self.furniture.get(&k).copied())
    }
}

/// Learns the model from every seed's [`fingerprints`] (each sorted, without repeats).
///
/// Seeds are grouped into stories first: two seeds are copies of one story when they share at
/// least half the long lines of the one with fewer (and at least one), counting only long lines
/// found in at most [`MAX_COPIES`] seeds. Copies are joined transitively (union-find). A line
/// is furniture when the seeds that have it belong to [`MIN_STORIES`] or more stories.
pub fn learn(seeds: &[&[u64]]) -> Model {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    for keys in seeds {
        for &k in *keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let candidates = seen.values().any(|&n| n as usize >= MIN_STORIES);
    if !candidates {
        return Model::default();
    }
    let mut stories = Stories::new(seeds.len());
    stories.join_copies(seeds, &seen);
    let mut furniture = HashMap::new();
    if stories.joined {
        let mut pairs: HashSet<(u64, usize)> = HashSet::new();
        let mut distinct: HashMap<u64, usize> = HashMap::new();
        for (i, keys) in seeds.iter().enumerate() {
            let root = stories.root(i);
            for &k in keys.iter().filter(|k| seen[k] as usize >= MIN_STORIES) {
                if pairs.insert((k, root)) {
                    *distinct.entry(k).or_default() += 1;
                }
            }
        }
        furniture.extend(distinct.into_iter().filter(|&(_, n)| n >= MIN_STORIES));
    } else {
        let many = seen.into_iter().map(|(k, n)| (k, n as usize));
        furniture.extend(many.filter(|&(_, n)| n >= MIN_STORIES));
    }
    Model { furniture }
}

/// The rule [`FurnitureLines::apply`] names, which `inspect --explain` completes with the
/// number of stories.
pub const RULE: &str = "furniture: line repeated across 3+ stories of the archive";

/// Union-find over seeds: which are copies of one story.
struct Stories {
    parent: Vec<usize>,
    joined: bool,
}

impl Stories {
    fn new(n: usize) -> Stories {
        Stories {
            parent: (0..n).collect(),
            joined: false,
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins the seeds that share enough long lines (see [`learn`]).
    fn join_copies(&mut self, seeds: &[&[u64]], seen: &HashMap<u64, u32>) {
        let mut holders: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, keys) in seeds.iter().enumerate() {
            for &k in keys.iter().filter(|&&k| is_long(k)) {
                if (2..=MAX_COPIES).contains(&(seen[&k] as usize)) {
                    holders.entry(k).or_default().push(i);
                }
            }
        }
        let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
        for list in holders.values() {
            for (x, &a) in list.iter().enumerate() {
                for &b in &list[x + 1..] {
                    *shared.entry((a, b)).or_default() += 1;
                }
            }
        }
        let long = |i: usize| seeds[i].iter().filter(|&&k| is_long(k)).count();
        let mut pairs: Vec<((usize, usize), usize)> = shared.into_iter().collect();
        pairs.sort_unstable();
        for ((a, b), n) in pairs {
            if n * 2 >= long(a).min(long(b)) {
                let (ra, rb) = (self.root(a), self.root(b));
                if ra != rb {
                    self.parent[ra.max(rb)] = ra.min(rb);
                    self.joined = true;
                }
            }
        }
    }
}

/// The lines of one seed that the archive's model calls furniture: an input of its parse.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct FurnitureLines(Vec<u64>);

impl FurnitureLines {
    /// A set of these line keys.
    pub fn new(mut keys: Vec<u64>) -> FurnitureLines {
        keys.sort_unstable();
        keys.dedup();
        FurnitureLines(keys)
    }

    /// Whether no line of the seed is furniture.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys, sorted.
    pub fn keys(&self) -> &[u64] {
        &self.0
    }

    /// Whether a line with this text is one of the furniture lines.
    pub fn contains(&self, text: &str) -> bool {
        line_key(text).is_some_and(|k| self.0.binary_search(&k).is_ok())
    }

    /// Marks furniture the article units whose text is a furniture line, with one exception:
    /// a line between two article lines that are not furniture is kept, since a story may
    /// quote a sentence other stories quote (background paragraphs of follow-ups) or use a
    /// subheading other stories use (`Contexte`), while template lines sit around the article
    /// or come in runs (a slogan above the footer). Nothing is marked when that would leave
    /// the seed no article text (then it is a story, not a template).
    pub fn apply<'a>(&self, ex: &mut Extraction, texts: impl Iterator<Item = &'a str>) {
        if self.0.is_empty() {
            return;
        }
        let texts: Vec<&str> = texts.collect();
        // Only kept units and their neighbours matter: the others are not keyed.
        let near_kept =
            |i: usize| (i.saturating_sub(1)..=i + 1).any(|j| ex.keeps(j) && j < texts.len());
        let recurring: Vec<bool> = (0..texts.len())
            .map(|i| near_kept(i) && self.contains(texts[i]))
            .collect();
        // The nearest kept units before and after `i`: the article text around it.
        let kept_before = |i: usize| (0..i).rev().find(|&j| ex.keeps(j));
        let kept_after = |i: usize| (i + 1..texts.len()).find(|&j| ex.keeps(j));
        let amid_article = |i: usize| {
            let clean = |j: Option<usize>| j.is_some_and(|j| !recurring[j]);
            clean(kept_before(i)) && clean(kept_after(i))
        };
        let hits: Vec<usize> = (0..texts.len())
            .filter(|&i| recurring[i] && ex.keeps(i) && !amid_article(i))
            .collect();
        let kept = ex
            .verdicts
            .iter()
            .filter(|v| v.role == Role::Article)
            .count();
        if hits.is_empty() || hits.len() >= kept {
            return;
        }
        for i in hits {
            ex.verdicts[i].role = Role::Furniture;
            ex.verdicts[i].rule = RULE;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{parse_seed_in, ParseOptions, SeedInputs};

    const MENU: &str = "Accueil\nPolitique\nÉconomie\nSport\nCulture\n";
    const SLOGAN: &str =
        "Le Quotidien du Soir, au plus près de celles et ceux qui font vivre la région.";
    const FOOTER: &str = "Abonnez-vous à notre lettre d’information quotidienne\n\
                          © Le Quotidien du Soir, tous droits réservés\n";

    /// A page of the site: its menu, an article of two paragraphs about `topic`, its footer.
    fn page(topic: &str) -> String {
        format!(
            "{MENU}\nLe dossier {topic} relancé\n\n\
             Le gouvernement a présenté mardi un plan consacré au dossier {topic}, dont les \
             grandes lignes avaient été dévoilées la semaine dernière par plusieurs ministres.\n\n\
             Les élus de l’opposition dénoncent une méthode précipitée sur le dossier {topic} \
             et réclament un débat au Parlement avant toute décision définitive sur le sujet.\n\n\
             {SLOGAN}\n\n{FOOTER}"
        )
    }

    /// A line's key, normalised then hashed one byte at a time (what [`line_key`] must equal).
    fn key_byte_by_byte(line: &str) -> u64 {
        let norm = line
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let mut h = Hash64::default();
        norm.bytes().for_each(|b| h.push(b));
        let long = if norm.len() >= LONG_LINE { LONG_BIT } else { 0 };
        (h.finish() & !LONG_BIT) | long
    }

    #[test]
    fn plain_lines_hash_as_single_bytes() {
        let long = "Subscribe ".repeat(12);
        for line in [
            "Accueil",
            long.trim(),
            "  Le  Quotidien du Soir,\tau plus près de celles et ceux ",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789abcdefghij",
            long.as_str(),
        ] {
            assert_eq!(line_key(line), Some(key_byte_by_byte(line)), "{line}");
        }
    }

    fn keys(texts: &[String]) -> Vec<Vec<u64>> {
        texts
            .iter()
            .map(|t| fingerprints(Path::new("s.txt"), t.as_bytes()))
            .collect()
    }

    fn learned(texts: &[String]) -> (Model, Vec<Vec<u64>>) {
        let keys = keys(texts);
        let refs: Vec<&[u64]> = keys.iter().map(Vec::as_slice).collect();
        (learn(&refs), keys)
    }

    fn body(text: &str, furniture: FurnitureLines) -> Vec<String> {
        let opts = ParseOptions {
            default_language: "fr".into(),
            boilerplate: Vec::new(),
        };
        let inputs = SeedInputs {
            furniture,
            ..SeedInputs::default()
        };
        let seed = parse_seed_in(
            Path::new("001_0123456789abcdef.txt"),
            text.as_bytes(),
            &opts,
            &inputs,
        )
        .expect("parses");
        seed.body
            .iter()
            .map(|b| crate::site::blocks_to_text(std::slice::from_ref(b)))
            .collect()
    }

    #[test]
    fn keys_ignore_case_spacing_and_tiny_lines() {
        assert_eq!(
            line_key("Abonnez-vous  à la LETTRE "),
            line_key("abonnez-vous à la lettre")
        );
        assert_ne!(line_key("Sport"), line_key("Culture"));
        assert_eq!(line_key("•"), None);
        assert_eq!(
            line_key("Pol\u{00AD}itique\u{a0}»"),
            line_key("Politique »")
        );
        assert_eq!(line_key("12"), None);
        assert!(!is_long(line_key("Sport").unwrap()));
        assert!(is_long(line_key(&"mot ".repeat(40)).unwrap()));
    }

    #[test]
    fn menu_and_footer_of_three_pages_of_a_site_are_dropped() {
        let pages: Vec<String> = ["santé", "retraites", "logement"].map(page).to_vec();
        let (model, keys) = learned(&pages);
        let lines = model.lines_of(&keys[0]);
        assert!(lines.contains("Sport") && lines.contains(SLOGAN));
        assert_eq!(model.stories(SLOGAN), Some(3));
        assert!(!lines.contains("Le dossier santé relancé"));
        let kept = body(&pages[0], lines);
        assert!(kept.iter().all(|p| p != SLOGAN), "{kept:?}");
        assert!(
            kept[0].contains("plan consacré au dossier santé"),
            "{kept:?}"
        );
        // Without the model, the slogan is in the body: the model is what removed it.
        let whole = body(&pages[0], FurnitureLines::default());
        assert!(whole.iter().any(|p| p == SLOGAN), "{whole:?}");
    }

    #[test]
    fn a_line_in_only_two_seeds_is_kept() {
        let pages: Vec<String> = ["santé", "retraites"].map(page).to_vec();
        let (model, keys) = learned(&pages);
        assert!(model.is_empty());
        assert!(model.lines_of(&keys[0]).is_empty());
    }

    #[test]
    fn a_wire_story_in_three_outlets_keeps_its_body() {
        let story = "La banque centrale a relevé jeudi son taux directeur d’un quart de point, \
                     pour la troisième fois cette année, afin de freiner une inflation persistante.\n\n\
                     Les marchés avaient largement anticipé cette décision, saluée par les \
                     analystes comme un signal de fermeté face à la hausse continue des prix.\n\n\
                     Le gouverneur a laissé entendre que d’autres hausses pourraient suivre si \
                     les chiffres du prochain trimestre ne montraient pas de ralentissement net.\n";
        let outlets: Vec<String> = ["Le Matin", "La Gazette", "Le Courrier"]
            .map(|o| {
                format!("{o}\nÀ la une\n\nLa banque centrale relève ses taux\n\n{story}\n© {o}\n")
            })
            .to_vec();
        let (model, keys) = learned(&outlets);
        for k in &keys {
            let lines = model.lines_of(k);
            assert!(!lines.contains("Les marchés avaient largement anticipé cette décision, saluée par les analystes comme un signal de fermeté face à la hausse continue des prix."));
        }
        let kept = body(&outlets[0], model.lines_of(&keys[0]));
        assert_eq!(kept.iter().filter(|p| p.len() > 100).count(), 3, "{kept:?}");
    }

    #[test]
    fn a_subheading_other_stories_use_stays_in_the_article() {
        let pages: Vec<String> = ["santé", "retraites", "logement"]
            .map(|t| page(t).replacen("Les élus", "Contexte\n\nLes élus", 1))
            .to_vec();
        let (model, keys) = learned(&pages);
        let lines = model.lines_of(&keys[2]);
        assert!(lines.contains("Contexte"));
        let kept = body(&pages[2], lines);
        assert!(kept.iter().any(|p| p == "Contexte"), "{kept:?}");
        assert!(kept.iter().all(|p| p != SLOGAN), "{kept:?}");
    }

    #[test]
    fn a_sentence_other_stories_quote_stays_in_the_article() {
        let quote =
            "Le ministère a rappelé que l’enquête ouverte en mars suivait toujours son cours.";
        let pages: Vec<String> = ["santé", "retraites", "logement"]
            .map(|t| page(t).replacen("Les élus", &format!("{quote}\n\nLes élus"), 1))
            .to_vec();
        let (model, keys) = learned(&pages);
        let lines = model.lines_of(&keys[1]);
        assert!(lines.contains(quote) && lines.contains(SLOGAN));
        let kept = body(&pages[1], lines);
        assert!(kept.iter().any(|p| p == quote), "{kept:?}");
        assert!(kept.iter().all(|p| p != SLOGAN), "{kept:?}");
    }

    #[test]
    fn copies_of_one_story_count_once() {
        // The same page scraped three times, and one other page of the site: two stories.
        let mut pages: Vec<String> = vec![page("santé"); 3];
        pages.push(page("retraites"));
        let (model, _) = learned(&pages);
        assert!(model.is_empty(), "two stories are not enough");
        pages.push(page("logement"));
        let (model, keys) = learned(&pages);
        assert!(model.lines_of(&keys[4]).contains("Sport"));
    }
}
