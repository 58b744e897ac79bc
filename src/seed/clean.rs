//! Boilerplate and repeated-content removal.
//!
//! Two kinds of noise come with scraped articles: site furniture (comment prompts, share
//! buttons, newsletter and cookie banners, photo credits) and repeats (the scraper picked up
//! the article body twice, sometimes with the paragraph breaks lost). Both are removed by
//! general rules here so the parser never needs to know which site a seed came from.

use std::cell::RefCell;
use std::rc::Rc;

// FxHash: fast and deterministic; these sets are only probed, never iterated, and their keys are
// already well-mixed hashes or a few short patterns.
use rustc_hash::FxHashSet as FastSet;

use crate::config::BoilerplateConfig;
use crate::text::fold;

/// gazette's default French and English site furniture. A pattern matches a whole line, case-
/// and accent-insensitively (trailing `.`/`!` and spaces before `:` ignored); a trailing `*`
/// makes it a prefix match. Listed here so `gazette inspect --boilerplate` can show them and
/// `[boilerplate] disable` can drop one.
pub const DEFAULT_BOILERPLATE: &[&str] = &[
    // Comment prompts.
    "Soyez le premier à commenter",
    "Be the first to comment",
    "Commenter",
    "Réagir",
    "Ajouter un commentaire",
    "Leave a comment",
    "Comments",
    "Commentaires",
    // Sharing.
    "Partager",
    "Partager cet article",
    "Partager sur Facebook",
    "Partager sur Twitter",
    "Partager sur X",
    "Partager par e-mail",
    "Partager :*",
    "Share",
    "Share this article",
    "Share this:*",
    "Share on Facebook",
    "Share on Twitter",
    "Tweet",
    "Imprimer",
    "Print",
    "Copier le lien",
    "Copy link",
    // Cross-links.
    "Lire aussi*",
    "À lire aussi*",
    "A lire également*",
    "À lire également*",
    "Voir aussi :*",
    "Read also*",
    "Read more:*",
    "Read more",
    "See also:*",
    "Related:*",
    // Subscription, accounts, ads.
    "Abonnez-vous",
    "Abonnez-vous*",
    "Déjà abonné ?*",
    "S'abonner",
    "Subscribe",
    "Subscribe now",
    "Publicité",
    "Advertisement",
    "Sponsored",
    "Se connecter",
    "Connexion",
    "Sign in",
    "Log in",
    "Anzeige",
    "Werbung",
    // Newsletters.
    "Newsletter",
    "Inscrivez-vous à notre newsletter*",
    "Inscrivez-vous à la newsletter*",
    "Recevez notre newsletter*",
    "Recevez gratuitement notre newsletter*",
    "Abonnez-vous à notre newsletter*",
    "Sign up for our newsletter*",
    "Subscribe to our newsletter*",
    "Get our newsletter*",
    // Cookies.
    "Ce site utilise des cookies*",
    "Nous utilisons des cookies*",
    "Accepter les cookies",
    "Accepter et fermer",
    "Gérer les cookies",
    "This site uses cookies*",
    "This website uses cookies*",
    "We use cookies*",
    "Accept cookies",
    "Accept all cookies",
    // App downloads.
    "Téléchargez l'application*",
    "Télécharger l'application*",
    "Téléchargez notre application*",
    "Download the app*",
    "Download our app*",
    "Get the app*",
    // Photo credits.
    "Photo :*",
    "Photos :*",
    "Photo d'illustration*",
    "Crédit photo*",
    "Crédits photo*",
    "Photo credit*",
    "Image :*",
    "©*",
    "(Photo by*",
    "(Photo :*",
    "Foto:*",
];

/// Default patterns minus the disabled ones, plus the site's own.
pub fn boilerplate_patterns(cfg: &BoilerplateConfig) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if cfg.use_defaults {
        out.extend(
            DEFAULT_BOILERPLATE
                .iter()
                .filter(|p| !cfg.disable.iter().any(|d| d == *p))
                .map(|p| p.to_string()),
        );
    }
    out.extend(cfg.patterns.iter().cloned());
    out
}

/// Lines longer than this are running text, never furniture (and are not folded whole).
const MAX_BOILERPLATE_LINE: usize = 400;

/// The comparable form of a line or pattern: folded, whitespace collapsed, no space before
/// `: ; ! ?` (French and English spacing agree), trailing `. ! …` and spaces dropped.
fn norm(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len());
    let mut space = false;
    for c in folded.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() && !matches!(c, ':' | ';' | '!' | '?') {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    while out.ends_with(['.', '!', '…', ' ']) {
        out.pop();
    }
    out
}

/// Boilerplate patterns compiled once per parse.
#[derive(Debug, Clone)]
pub struct Boilerplate {
    exact: FastSet<String>,
    prefixes: Vec<String>,
}

impl Boilerplate {
    /// Compiles `patterns` (see [`DEFAULT_BOILERPLATE`] for their meaning).
    pub fn new(patterns: &[String]) -> Boilerplate {
        let mut exact = FastSet::default();
        let mut prefixes = Vec::new();
        for p in patterns {
            match p.trim().strip_suffix('*') {
                Some(prefix) => {
                    let n = norm(prefix);
                    if !n.is_empty() {
                        prefixes.push(n);
                    }
                }
                None => {
                    let n = norm(p);
                    if !n.is_empty() {
                        exact.insert(n);
                    }
                }
            }
        }
        Boilerplate { exact, prefixes }
    }

    /// The compiled form of `patterns`, reused while a thread keeps parsing with the same
    /// patterns (compiling folds every pattern, which would otherwise be paid per seed).
    pub fn cached(patterns: &[String]) -> Rc<Boilerplate> {
        thread_local! {
            static LAST: RefCell<Option<(Vec<String>, Rc<Boilerplate>)>> =
                const { RefCell::new(None) };
        }
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((p, b)) = last.as_ref() {
                if p.as_slice() == patterns {
                    return Rc::clone(b);
                }
            }
            let b = Rc::new(Boilerplate::new(patterns));
            *last = Some((patterns.to_vec(), Rc::clone(&b)));
            b
        })
    }

    /// True when the whole line is site furniture.
    pub fn matches(&self, line: &str) -> bool {
        if line.len() > MAX_BOILERPLATE_LINE {
            return false;
        }
        let n = norm(line);
        if self.exact.contains(&n) {
            return true;
        }
        self.prefixes.iter().any(|p| {
            n.starts_with(p.as_str())
                && (
                    // Prefix must end at a word boundary unless it ends with punctuation.
                    !p.ends_with(|c: char| c.is_alphanumeric())
                        || !n[p.len()..].starts_with(|c: char| c.is_alphanumeric())
                )
        })
    }
}

/// Window of words whose hashes make up the "already seen" fingerprint of the text.
const SHINGLE: usize = 8;
/// Share of a block's words, covered by already-seen shingles, that makes it a repeat.
const REPEAT_SHARE: f64 = 0.8;

/// Word hashes of a block for repeat detection: lowercased (a repeat is the same text, so accents
/// need no folding), split on anything not a letter or digit and
/// on a lowercase→uppercase seam, so that paragraphs glued without a space
/// (`télécommunications.Cette`, `démentDe`) split exactly like their separate originals.
pub fn dedup_words(text: &str) -> Vec<u64> {
    // FNV-1a over lowercased characters: no allocation per word (this runs over whole seeds).
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut out = Vec::with_capacity(text.len() / 6 + 1);
    let mut h = OFFSET;
    let mut len = 0usize;
    let mut prev_lower = false;
    for c in text.chars() {
        // ASCII fast path: the same tests as below, without the Unicode tables.
        let (alnum, upper, lower, l) = if c.is_ascii() {
            let b = c as u8;
            (
                b.is_ascii_alphanumeric(),
                b.is_ascii_uppercase(),
                b.is_ascii_lowercase(),
                Some(b.to_ascii_lowercase()),
            )
        } else {
            let alnum = c.is_alphanumeric();
            (alnum, alnum && c.is_uppercase(), c.is_lowercase(), None)
        };
        let seam = alnum && prev_lower && upper;
        if (!alnum || seam) && len > 0 {
            out.push(h);
            h = OFFSET;
            len = 0;
        }
        if alnum {
            match l {
                Some(b) => h = (h ^ u64::from(b)).wrapping_mul(PRIME),
                None => {
                    for l in c.to_lowercase() {
                        h = (h ^ u64::from(u32::from(l))).wrapping_mul(PRIME);
                    }
                }
            }
            len += 1;
            prev_lower = lower;
        } else {
            prev_lower = false;
        }
    }
    if len > 0 {
        out.push(h);
    }
    out
}

/// A 64-bit hash of a word-hash sequence (its length included), for set membership only.
fn shingle_hash(words: &[u64]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (words.len() as u64).wrapping_mul(K);
    for &w in words {
        h = (h.rotate_left(23) ^ w).wrapping_mul(K);
    }
    // Final avalanche (murmur3 fmix64) so that every input bit reaches every output bit.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Remembers the text kept so far and tells whether a new block only repeats it.
///
/// Exact repeats of short blocks are caught by a set of their whole word sequences; longer
/// blocks by the share of their words covered by 8-word shingles already seen in the kept
/// text, so a block that glues earlier paragraphs together is recognised whatever came between
/// them originally, while a block with a fifth or more of new text is kept. Memory and time are linear in the
/// text size.
#[derive(Debug, Default)]
pub struct RepeatFilter {
    whole: FastSet<u64>,
    shingles: FastSet<u64>,
    /// Last words of the kept stream, so shingles span block boundaries.
    tail: Vec<u64>,
}

impl RepeatFilter {
    /// A filter that has seen nothing.
    pub fn new() -> RepeatFilter {
        RepeatFilter::default()
    }

    /// True when `text` repeats earlier kept text; otherwise records it as kept.
    pub fn is_repeat(&mut self, text: &str) -> bool {
        let words = dedup_words(text);
        if words.is_empty() {
            return false;
        }
        let whole = shingle_hash(&words);
        if self.whole.contains(&whole) {
            return true;
        }
        if words.len() >= SHINGLE {
            // Share of the block's words covered by an already-seen shingle.
            let mut covered = 0usize;
            let mut covered_to = 0usize;
            for (i, w) in words.windows(SHINGLE).enumerate() {
                if self.shingles.contains(&shingle_hash(w)) {
                    covered += i + SHINGLE - covered_to.max(i);
                    covered_to = i + SHINGLE;
                }
            }
            if covered as f64 >= REPEAT_SHARE * words.len() as f64 {
                return true;
            }
        }
        self.whole.insert(whole);
        let mut stream = std::mem::take(&mut self.tail);
        stream.extend_from_slice(&words);
        for w in stream.windows(SHINGLE) {
            self.shingles.insert(shingle_hash(w));
        }
        let keep = stream.len().saturating_sub(SHINGLE - 1);
        self.tail = stream.split_off(keep);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bp() -> Boilerplate {
        Boilerplate::new(&boilerplate_patterns(&BoilerplateConfig::default()))
    }

    #[test]
    fn defaults_match_whole_lines_and_prefixes() {
        let b = bp();
        assert!(b.matches("Soyez le premier à commenter"));
        assert!(b.matches("SOYEZ LE PREMIER A COMMENTER !"));
        assert!(b.matches("Lire aussi : Pegasus, le scandale"));
        assert!(b.matches("A lire aussi: la suite"));
        assert!(b.matches("Photo: AFP"));
        assert!(b.matches("Photo : Reuters"));
        assert!(b.matches("© AFP"));
        assert!(b.matches("(Photo by John Smith/Getty Images)"));
        assert!(b.matches("Partager"));
        assert!(!b.matches("Partager les données est un risque."));
        assert!(!b.matches("Lire aussitôt le rapport."));
        assert!(!b.matches("Photographs show the damage."));
        assert!(!b.matches("Soyez le premier à commenter cet article, a-t-il dit"));
    }

    #[test]
    fn config_extends_and_disables() {
        let cfg = BoilerplateConfig {
            use_defaults: true,
            patterns: vec!["Mon site*".into()],
            disable: vec!["Partager".into()],
        };
        let b = Boilerplate::new(&boilerplate_patterns(&cfg));
        assert!(b.matches("Mon site vous remercie"));
        assert!(!b.matches("Partager"));
        assert!(b.matches("Share"));
        let none = BoilerplateConfig {
            use_defaults: false,
            ..Default::default()
        };
        assert!(boilerplate_patterns(&none).is_empty());
    }

    #[test]
    fn glued_repeat_detected() {
        let mut f = RepeatFilter::new();
        let a = "Le premier paragraphe parle de beaucoup de choses importantes ici.";
        let b = "Le second paragraphe ajoute encore des détails très intéressants là.";
        let c = "Un titre";
        let d = "Le troisième paragraphe conclut avec une phrase assez longue aussi.";
        for p in [a, b, c, d] {
            assert!(!f.is_repeat(p));
        }
        assert!(f.is_repeat(&format!("{b}{d}")));
        assert!(f.is_repeat(a));
        assert!(f.is_repeat("Un   TITRE"));
        assert!(!f.is_repeat("Une phrase nouvelle qui ne répète rien de ce qui précède ici."));
    }

    #[test]
    fn glued_without_punctuation_splits_on_case_seam() {
        assert_eq!(dedup_words("démentDe son"), dedup_words("dément De son"));
    }
}
