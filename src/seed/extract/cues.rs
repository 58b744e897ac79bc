//! Furniture cues: the few words every news site uses, in many languages, for its comment
//! section, its "read also" links, its photo credits and its subscription prompts. These are
//! general knowledge of page furniture, matched on folded text (lowercase, no accents), never
//! phrases of one site.

/// What a cue says a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// No cue.
    None,
    /// Opens a comment section (`12 comments`, `Leave a reply`, `Réagissez`).
    CommentsStart,
    /// Opens a related / most-read list: the article is over.
    SectionEnd,
    /// A single "read also" link.
    Teaser,
    /// A photo caption or credit.
    Caption,
    /// Subscription, paywall, newsletter, app, cookie or login prompt.
    Notice,
    /// A copyright line.
    Copyright,
    /// A reading-time line (`Lecture 3 min`, `5 min read`): page furniture, never a headline.
    ReadingTime,
}

impl Cue {
    /// Whether the cue heads what follows an article: a comment section or a related list.
    pub fn heads_section(self) -> bool {
        matches!(self, Cue::CommentsStart | Cue::SectionEnd)
    }
}

/// Headers of a comment section (whole line, folded, number and punctuation removed).
const COMMENT_HEADERS: &[&str] = &[
    "comments",
    "comment",
    "commentaires",
    "commentaire",
    "reactions",
    "reaction",
    "reagir",
    "reagissez",
    "leave a reply",
    "leave a comment",
    "post a comment",
    "add a comment",
    "add comment",
    "join the conversation",
    "join the discussion",
    "show comments",
    "view comments",
    "laisser un commentaire",
    "laissez un commentaire",
    "ajouter un commentaire",
    "poster un commentaire",
    "vos commentaires",
    "vos reactions",
    "voir les commentaires",
    "afficher les commentaires",
    "kommentare",
    "comentarios",
    "comentarios",
    "commenti",
    "comentarii",
    "komentarze",
    "komentari",
    "komentar",
    "kommentarer",
    "reacties",
    "commenter cet article",
    "comment on this article",
    "comment on this story",
    "discussion",
];

/// Headers of the lists that follow an article (whole line, folded).
const SECTION_HEADERS: &[&str] = &[
    "related",
    "related articles",
    "related stories",
    "related posts",
    "related news",
    "related content",
    "related coverage",
    "more stories",
    "more news",
    "more from",
    "most read",
    "most popular",
    "popular",
    "popular articles",
    "popular stories",
    "popular posts",
    "popular now",
    "latest stories",
    "recommended stories",
    "editors picks",
    "editor s picks",
    "more on",
    "les plus populaires",
    "derniers articles",
    "nos derniers articles",
    "a lire ensuite",
    "sur le meme theme",
    "ailleurs sur le web",
    "most viewed",
    "trending",
    "trending now",
    "you may also like",
    "you might also like",
    "recommended",
    "recommended for you",
    "we recommend",
    "nous vous recommandons",
    "a ne pas manquer",
    "read next",
    "up next",
    "latest news",
    "top stories",
    "sur le meme sujet",
    "a lire aussi",
    "lire aussi",
    "a lire egalement",
    "les plus lus",
    "les plus lues",
    "articles les plus lus",
    "les plus partages",
    "les plus commentes",
    "articles correspondants",
    "articles lies",
    "a lire sur le meme sujet",
    "pour aller plus loin",
    "en savoir plus",
    "most commented",
    "most shared",
    "dans la meme rubrique",
    "a voir aussi",
    "a decouvrir",
    "a decouvrir aussi",
    "about the author",
    "about the authors",
    "a propos de l auteur",
    "a propos des auteurs",
    "nos articles",
    "articles similaires",
    "articles associes",
    "vous aimerez aussi",
    "vous aimerez aussi",
    "vous pourriez aussi aimer",
    "dernieres actualites",
    "dernieres infos",
    "en continu",
    "mehr zum thema",
    "meistgelesen",
    "tambien te puede interesar",
    "noticias relacionadas",
    "leggi anche",
    "veja tambem",
    "leia tambem",
];

/// Openings of a single "read also" link line (folded).
const TEASER_OPENINGS: &[&str] = &[
    "lire aussi",
    "a lire aussi",
    "lire egalement",
    "a lire egalement",
    "lire la suite",
    "voir aussi",
    "a voir aussi",
    "a voir",
    "a ecouter",
    "ecouter aussi",
    "read also",
    "read more",
    "also read",
    "see also",
    "related",
    "more:",
    "continue reading",
    "click here",
    "article suivant",
    "article precedent",
    "next article",
    "previous article",
    "next post",
    "previous post",
    "watch:",
    "leggi anche",
    "lesen sie auch",
    "mehr zum thema",
    "leia tambem",
    "lea tambien",
];

/// Openings of a caption or credit line (folded).
const CAPTION_OPENINGS: &[&str] = &[
    "photo",
    "photos",
    "credit",
    "credits",
    "image",
    "images",
    "illustration",
    "legende",
    "caption",
    "source image",
    "foto",
    "bild",
    "above:",
    "pictured",
    "video",
    "(photo",
    "(credit",
    "(image",
];

/// Words that mark a credit at the end of a short line (`… / AFP`, `Getty Images`).
const CREDIT_WORDS: &[&str] = &[
    "getty images",
    "shutterstock",
    "afp photo",
    "reuters/",
    "/ afp",
    "/afp",
    "/ reuters",
    "ap photo",
    "istock",
    "epa",
    "photo credit",
    "photograph:",
];

/// Phrases of subscription, paywall, newsletter, app, login and cookie prompts (folded): a
/// line of up to [`CUE_MAX_WORDS`] words holding one is a notice.
const NOTICE_PHRASES: &[&str] = &[
    "abonnez-vous",
    "abonnez vous",
    "deja abonne",
    "s'abonner",
    "reserve aux abonnes",
    "reservee aux abonnes",
    "article reserve",
    "il vous reste",
    "de cet article a lire",
    "inscrivez-vous",
    "connectez-vous",
    "identifiez-vous",
    "telechargez l'application",
    "telecharger l'application",
    "notre newsletter",
    "la newsletter",
    "nos newsletters",
    "tous droits reserves",
    "suivez-nous",
    "already a subscriber",
    "subscribe to",
    "subscribe now",
    "subscribers only",
    "for subscribers",
    "sign up for",
    "sign up to",
    "create an account",
    "create a free account",
    "free trial",
    "download the app",
    "download our app",
    "our newsletter",
    "all rights reserved",
    "we use cookies",
    "uses cookies",
    "utilise des cookies",
    "utilisons des cookies",
    "follow us",
    "share this",
    "share on",
    "click to",
    "partager sur",
    "partagez sur",
    "to continue reading",
    "pour lire la suite",
    "pour continuer a lire",
    "offre speciale",
    "offre decouverte",
    "sans engagement",
    "premier mois",
    "special offer",
    "first month",
    "cancel anytime",
    "successfully subscribed",
    "thanks for signing up",
    "thank you for signing up",
    "thanks for subscribing",
    "thank you for subscribing",
    "activation link",
    "merci pour votre inscription",
    "merci de votre inscription",
    "offrir cet article",
    "offrir l'article",
    "gift this article",
    "gift article",
    "plein ecran",
    "full screen",
];

/// Words that make a short line (up to [`NOTICE_SHORT_WORDS`] words) a notice.
const NOTICE_WORDS: &[&str] = &[
    "abonne",
    "abonnes",
    "abonnement",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscriber",
    "subscription",
    "login",
    "sign in",
    "log in",
    "sign up",
    "se connecter",
    "connexion",
    "per month",
    "par mois",
    "/mois",
    "/month",
    "advertisement",
    "publicite",
    "sponsored",
    "sponsorise",
    // Footer link labels: prose about a privacy policy or terms is not a notice.
    "privacy policy",
    "terms of use",
    "terms of service",
    "politique de confidentialite",
    "mentions legales",
    "conditions generales",
];

/// Longest line (words) that the single words of [`NOTICE_WORDS`] mark as a notice.
const NOTICE_SHORT_WORDS: usize = 12;

/// Longest line (words) that a notice or caption cue may mark: a longer one is prose that
/// merely mentions the word.
const CUE_MAX_WORDS: usize = 40;

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

/// The cue of a unit, if any.
pub fn cue(text: &str, words: usize) -> Cue {
    if words > CUE_MAX_WORDS + 20 || text.len() > 600 {
        return long_caption(text);
    }
    let copyright = text
        .as_bytes()
        .get(..9)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"copyright"));
    if text.contains('©') || copyright {
        return Cue::Copyright;
    }
    if words > CUE_MAX_WORDS {
        return long_caption(text);
    }
    let folded = crate::text::fold(text.trim());
    let bare = bare(&folded);
    let found = phrases_in(&folded);
    if (words <= 12 && comments_start(&folded, &bare, found)) || counted_on(&bare, &folded) {
        return Cue::CommentsStart;
    }
    if words <= 6 && section_header(&bare) {
        return Cue::SectionEnd;
    }
    if words <= READING_TIME_WORDS && reading_time(&folded) {
        return Cue::ReadingTime;
    }
    let lead = lead(&folded);
    if same_first_byte(TEASER_OPENINGS, lead).any(|o| opens(lead, o) || glued_to_title(text, o)) {
        return Cue::Teaser;
    }
    if (words <= 25 && caption_like(&folded, lead, found))
        || trailing_credit(&folded)
        || capitals_credit(text)
    {
        return Cue::Caption;
    }
    let notice = (words <= CUE_MAX_WORDS && found & NOTICE_PHRASE != 0)
        || (words <= NOTICE_SHORT_WORDS && found & NOTICE_WORD != 0);
    if notice {
        return Cue::Notice;
    }
    Cue::None
}

/// `À lire aussiSoudan : …`: a teaser opening glued to the linked title, as a scraper leaves
/// a label and a link that had no space between them.
fn glued_to_title(text: &str, opening: &str) -> bool {
    let n = opening.chars().count();
    let mut chars = text.trim_start().chars();
    let head: String = chars.by_ref().take(n).collect();
    opening.contains(' ')
        && chars.next().is_some_and(char::is_uppercase)
        && crate::text::fold(&head) == opening
}

/// A caption closed by its credit in capitals, after a full stop or a bar:
/// `… près de Crest, le 11 août 2025. JEAN DURAND / LE QUOTIDIEN`, `… | ARCHIVES OUEST-FRANCE`.
fn capitals_credit(text: &str) -> bool {
    let t = text.trim_end();
    let Some(at) = [". ", " | "]
        .iter()
        .filter_map(|sep| t.rfind(sep).map(|at| at + sep.len()))
        .max()
    else {
        return false;
    };
    let credit = t[at..].trim();
    let words = credit.split_whitespace().count();
    (2..=CREDIT_MAX_WORDS).contains(&words)
        && (credit.contains('/') || credit.chars().filter(|c| c.is_alphabetic()).count() >= 10)
        && !credit
            .chars()
            .any(|c| c.is_lowercase() || c.is_ascii_digit() || c == ':')
        && t[..at].split_whitespace().count() >= 4
}

/// Words that, with a count, head a comment section (`34 responses to …`, `12 réactions`).
const COUNTED_COMMENT_WORDS: &[&str] = &[
    "comments",
    "comment",
    "commentaires",
    "commentaire",
    "responses",
    "replies",
    "reponses",
    "reactions",
    "thoughts",
    "kommentare",
    "comentarios",
    "commenti",
];

/// Endings of the line above a comment (`jane says:`, `Paul a écrit :`), before the colon,
/// which may follow a space or not.
const COMMENTER_ENDINGS: &[&str] = &[" says", " said", " wrote", " dit", " a ecrit", " a dit"];

/// Phrases of a comment form (`Your email address will not be published`).
const COMMENT_FORM: &[&str] = &[
    "will not be published",
    "be the first to comment",
    "soyez le premier a commenter",
    "soyez la premiere a commenter",
    "required fields are marked",
    "ne sera pas publiee",
    "ne sera pas publie",
    "champs obligatoires sont indiques",
    "you must be logged in to post a comment",
    "connecte pour publier un commentaire",
    "comments are subject to",
    "please enable javascript to view the comments",
    "comments powered by",
];

/// A comment-section header: a known header, a count of comments, a comment form, or a
/// commenter's line.
fn comments_start(folded: &str, bare: &str, found: u8) -> bool {
    if header_of(bare, comment_headers()) || found & COMMENT_FORM_PHRASE != 0 {
        return true;
    }
    let counted = folded
        .split_whitespace()
        .next()
        .is_some_and(|w| w.parse::<u32>().is_ok())
        && bare
            .split(' ')
            .take(2)
            .any(|w| COUNTED_COMMENT_WORDS.contains(&w));
    counted || commenter_line(folded)
}

/// A commenter's line: one of [`COMMENTER_ENDINGS`], then a colon with at most one space
/// before it. Read in place, without a copy: it is asked of every short unit.
fn commenter_line(folded: &str) -> bool {
    let Some(before) = folded.trim_end().strip_suffix(':') else {
        return false;
    };
    let before = before.strip_suffix(' ').unwrap_or(before);
    COMMENTER_ENDINGS.iter().any(|e| before.ends_with(e))
}

/// Words that may follow a section header to qualify it (`Most read in world news`, `Top
/// stories in Nation`, `Les plus lus de la semaine`).
const HEADER_QUALIFIERS: &[&str] = &[
    "in", "on", "from", "of", "at", "for", "this", "today", "now", "dans", "en", "de", "du", "des",
    "sur", "cette", "ce", "stories", "articles", "news", "posts", "videos",
];

/// A header of the lists that follow an article: a known one (after a short site name), one
/// qualified by up to three words, `More … stories` or `More from` a site.
fn section_header(bare: &str) -> bool {
    let headers = section_headers();
    if header_of(bare, headers) {
        return true;
    }
    // A known header, then a qualifier and at most two more words.
    let qualified = bare.match_indices(' ').any(|(at, _)| {
        let rest = &bare[at + 1..];
        rest.split(' ').count() <= 3
            && rest
                .split(' ')
                .next()
                .is_some_and(|w| HEADER_QUALIFIERS.contains(&w))
            && headers.contains(&bare[..at])
    });
    let words: Vec<&str> = bare.split(' ').collect();
    let more = words.len() <= 5
        && matches!(words.first(), Some(&("more" | "plus")))
        && words
            .last()
            .is_some_and(|w| matches!(*w, "stories" | "articles" | "news" | "videos"));
    let from_site = bare
        .strip_prefix("more from ")
        .or_else(|| bare.strip_prefix("plus de "))
        .is_some_and(|site| site.split(' ').count() <= 4);
    qualified || more || from_site
}

/// A comment count over the article's title, of any length: `12 thoughts on “Title”`,
/// `3 responses to “Title”`, `5 réponses à « Titre »`.
fn counted_on(bare: &str, folded: &str) -> bool {
    let counted = folded
        .split_whitespace()
        .next()
        .is_some_and(|w| w.parse::<u32>().is_ok());
    let mut words = bare.split(' ');
    counted
        && words
            .next()
            .is_some_and(|w| COUNTED_COMMENT_WORDS.contains(&w))
        && words
            .next()
            .is_some_and(|w| matches!(w, "on" | "to" | "sur" | "a" | "pour" | "zu" | "su"))
}

/// `bare` is one of `headers`, or a header after a short site name of one or two words
/// (`PFT Most Commented`).
fn header_of(bare: &str, headers: &FxHashSet<&'static str>) -> bool {
    headers.contains(bare)
        || bare
            .match_indices(' ')
            .take(2)
            .any(|(at, _)| headers.contains(&bare[at + 1..]))
}

/// [`COMMENT_HEADERS`] as a set: every unit is looked up, so a set rather than a scan.
fn comment_headers() -> &'static FxHashSet<&'static str> {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMENT_HEADERS.iter().copied().collect())
}

/// [`SECTION_HEADERS`] as a set.
fn section_headers() -> &'static FxHashSet<&'static str> {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| SECTION_HEADERS.iter().copied().collect())
}

/// The folded line without digits and punctuation, words single-spaced (`12 Comments:` →
/// `comments`).
fn bare(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    for w in folded
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The folded line from its first letter, digit or opening bracket (bullets and quotes off).
fn lead(folded: &str) -> &str {
    folded.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '(')
}

/// The openings of `list` that start with the first byte of `lead`: the only ones [`opens`]
/// can accept, and most lines rule out all but a few of a list this way.
fn same_first_byte<'a>(list: &'a [&'a str], lead: &'a str) -> impl Iterator<Item = &'a &'a str> {
    let first = lead.as_bytes().first();
    list.iter().filter(move |o| o.as_bytes().first() == first)
}

/// `lead` (see [`lead`]) starts with `opening` as a whole word (or the opening ends in
/// punctuation).
fn opens(lead: &str, opening: &str) -> bool {
    lead.strip_prefix(opening).is_some_and(|rest| {
        opening.ends_with([':', '/']) || rest.is_empty() || !rest.starts_with(char::is_alphanumeric)
    })
}

/// Bits of [`phrases_in`]: which list a phrase found in a line comes from.
const NOTICE_PHRASE: u8 = 1;
const NOTICE_WORD: u8 = 2;
const CREDIT: u8 = 4;
const COMMENT_FORM_PHRASE: u8 = 8;
const CAPTION_HINT: u8 = 16;

/// Words a credit inside a caption holds (`…, photo: X`, `Crédit : X`, `(c) X`), anywhere in a
/// word: they gate the closer look of [`caption_like`].
const CAPTION_HINTS: &[&str] = &["photo", "credit", "(c) "];

/// The lists ([`NOTICE_PHRASES`], [`NOTICE_WORDS`], [`CREDIT_WORDS`], [`COMMENT_FORM`],
/// [`CAPTION_HINTS`]) with a phrase occurring in `folded` (as whole words, but for the comment
/// form and the hints), found in one pass of one automaton shared by the rules of [`cue`].
fn phrases_in(folded: &str) -> u8 {
    static AC: OnceLock<(aho_corasick::AhoCorasick, Vec<(u8, &'static str)>)> = OnceLock::new();
    let (ac, pats) = AC.get_or_init(|| {
        let pats: Vec<(u8, &str)> = [
            (NOTICE_PHRASE, NOTICE_PHRASES),
            (NOTICE_WORD, NOTICE_WORDS),
            (CREDIT, CREDIT_WORDS),
            (COMMENT_FORM_PHRASE, COMMENT_FORM),
            (CAPTION_HINT, CAPTION_HINTS),
        ]
        .iter()
        .flat_map(|(bit, list)| list.iter().map(move |p| (*bit, *p)))
        .collect();
        // A DFA: a little more memory, once, for the fastest scan of every unit.
        let ac = aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(pats.iter().map(|p| p.1))
            .expect("fixed phrase lists build an automaton");
        (ac, pats)
    });
    let mut bits = 0u8;
    for m in ac.find_overlapping_iter(folded) {
        let (bit, w) = pats[m.pattern().as_usize()];
        if bit & (COMMENT_FORM_PHRASE | CAPTION_HINT) != 0 || word_at(folded, m.start(), w) {
            bits |= bit;
        }
    }
    bits
}

/// `w`, found at byte `at` of `folded`, is not inside a longer word.
fn word_at(folded: &str, at: usize, w: &str) -> bool {
    let before = folded[..at].chars().next_back();
    let after = folded[at + w.len()..].chars().next();
    let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    (edge(before) || !w.starts_with(char::is_alphanumeric))
        && (edge(after) || !w.ends_with(char::is_alphanumeric))
}

/// A caption or credit: opens with a caption word and a colon or dash, or is a short line
/// ending in a credit.
fn caption_like(folded: &str, lead: &str, found: u8) -> bool {
    let opened = same_first_byte(CAPTION_OPENINGS, lead).any(|o| {
        opens(lead, o) && {
            let rest = lead[o.len()..].trim_start();
            o.ends_with(':') || rest.starts_with([':', '-', '–', '|', '/']) || rest.is_empty()
        }
    });
    let credit_inside = found & CAPTION_HINT != 0
        && folded.split_whitespace().count() <= 15
        && [
            ", photo:",
            ", photo :",
            "photo:",
            "credit photo",
            "credit:",
            "credits:",
            "(c) ",
        ]
        .iter()
        .any(|p| folded.contains(p));
    opened || credit_inside || found & CREDIT != 0
}

/// Labels of a credit at the end of a caption (`… module for a Mars mission. Credit: ESA`).
const TRAILING_CREDITS: &[&str] = &[
    " credit:",
    " credit :",
    " credits:",
    " credits :",
    " photo:",
    " photo :",
    " photograph:",
    " image:",
    " image :",
    " illustration:",
    " illustration :",
];

/// Longest credit (words) after a trailing credit label.
const CREDIT_MAX_WORDS: usize = 8;

/// A caption that ends with its credit: a credit label followed by a few words, closing the
/// line.
fn trailing_credit(folded: &str) -> bool {
    // Every label ends with a colon: most lines are ruled out by one scan.
    folded.contains(':')
        && TRAILING_CREDITS.iter().any(|label| {
            folded.rfind(label).is_some_and(|at| {
                let rest = &folded[at + label.len()..];
                let n = rest.split_whitespace().count();
                (1..=CREDIT_MAX_WORDS).contains(&n) && !rest.trim_end().ends_with(['.', '!', '?'])
            })
        })
}

/// Longest reading-time line (words): `Temps de lecture : 3 minutes`.
const READING_TIME_WORDS: usize = 7;

/// Words saying that a duration is a reading time, in the languages of the stop lists most
/// pages use.
const READING_WORDS: &[&str] = &[
    "lecture",
    "lire",
    "read",
    "reading",
    "lesezeit",
    "lesedauer",
    "lettura",
    "leitura",
    "lectura",
];

/// A reading-time line: a number of minutes (`3 min`, `4 minutes`, `3min`) and a reading word.
fn reading_time(folded: &str) -> bool {
    if !folded.contains("min") {
        return false;
    }
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let minutes = |w: &str| matches!(w, "min" | "mins" | "mn" | "minute" | "minutes" | "minuten");
    let timed = words.iter().enumerate().any(|(i, w)| {
        let digits = w.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0
            && (minutes(&w[digits..])
                || (digits == w.len() && words.get(i + 1).is_some_and(|n| minutes(n))))
    });
    timed && words.iter().any(|w| READING_WORDS.contains(w))
}

/// Bytes at the end of a long line read for a credit.
const CREDIT_TAIL: usize = 160;

/// A caption too long for the other cues that still ends with its credit (`… with a fan to
/// circulate air. Credit: ESA`): running text never closes on a credit label and a name.
/// Only the line's tail is folded, and only when it holds a colon.
fn long_caption(text: &str) -> Cue {
    let mut at = text.len().saturating_sub(CREDIT_TAIL);
    while !text.is_char_boundary(at) {
        at += 1;
    }
    let tail = &text[at..];
    if tail.contains(':') && trailing_credit(&crate::text::fold(tail)) {
        Cue::Caption
    } else {
        Cue::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(t: &str) -> Cue {
        cue(t, t.split_whitespace().count())
    }

    #[test]
    fn glued_teasers_and_capital_credits() {
        assert_eq!(
            c("À lire aussiLe port de Brest agrandit son terminal"),
            Cue::Teaser
        );
        assert_eq!(c("A lire aussi demain"), Cue::Teaser);
        assert_eq!(
            c("Le port de Brest, le 2 mars 2024. MARC LE GALL / LA DÉPÊCHE"),
            Cue::Caption
        );
        assert_eq!(
            c("La nouvelle halle vue du quai. | ARCHIVES LE TÉLÉGRAMME"),
            Cue::Caption
        );
        assert_eq!(
            c("Le texte a été adopté par l'Assemblée. Selon l'ONU, la situation reste grave."),
            Cue::None
        );
        assert_eq!(c("Le sommet s'est tenu à Paris. OTAN UE"), Cue::None);
        assert_eq!(
            c("More information: J. Doe et al. (2018). DOI: 10.1007/978-3-319"),
            Cue::None
        );
        assert_eq!(c("Offrir cet article"), Cue::Notice);
    }

    #[test]
    fn comment_and_section_headers() {
        assert_eq!(c("12 commentaires"), Cue::CommentsStart);
        assert_eq!(c("Leave a Reply"), Cue::CommentsStart);
        assert_eq!(c("Comments (4)"), Cue::CommentsStart);
        assert_eq!(c("Sur le même sujet"), Cue::SectionEnd);
        assert_eq!(c("Most Read"), Cue::SectionEnd);
        assert_eq!(
            c("12 réponses à « La piscine du centre-ville ferme ses portes pour un an de travaux »"),
            Cue::CommentsStart
        );
        assert_eq!(c("Most read in world news"), Cue::SectionEnd);
        assert_eq!(c("Les plus lus de la semaine"), Cue::SectionEnd);
        assert_eq!(c("À lire aussi : La piscine rouvre"), Cue::Teaser);
    }

    #[test]
    fn commenter_lines() {
        assert_eq!(c("jane says:"), Cue::CommentsStart);
        assert_eq!(c("Paul a écrit :"), Cue::CommentsStart);
        assert_eq!(c("Paul dit:"), Cue::CommentsStart);
        assert_eq!(c("Paul a écrit  :"), Cue::None);
        assert_eq!(c("Le ministre dit : non"), Cue::None);
    }

    #[test]
    fn captions_and_credits() {
        assert_eq!(c("(Photo : AFP)"), Cue::Caption);
        assert_eq!(c("Photo: John Smith/Getty Images"), Cue::Caption);
        assert_eq!(
            c("Des manifestants à Paris, le 3 mars. Ludovic Marin / AFP"),
            Cue::Caption
        );
        assert_eq!(c("© Reuters"), Cue::Copyright);
        assert_eq!(
            c("Le piquet de grève dans le hall / (C) Jean Dupont"),
            Cue::Caption
        );
        assert_eq!(
            c("Le photographe a exposé ses images au musée pendant tout l'été."),
            Cue::None
        );
        assert_eq!(
            c("Les ministres réunis à Bruxelles lundi pour un conseil consacré aux sanctions. Crédit : Jean Dupont/AFP"),
            Cue::Caption
        );
        assert_eq!(
            c("A cross-section of the module showing the crew quarters. Credit: ESA"),
            Cue::Caption
        );
        let long = "Les maisons du quartier ancien, inondées pour la troisième fois en dix ans, \
            vues depuis le clocher de l'église, où les habitants ont trouvé refuge pendant la \
            nuit, avant que les pompiers ne viennent les chercher en barque au petit matin, \
            tandis que la rivière continuait de monter et que la pluie ne cessait pas de tomber \
            sur toute la vallée.";
        assert_eq!(
            c(&format!("{long} Crédit photo : Jean Dupont / AFP")),
            Cue::Caption
        );
        assert_eq!(c(long), Cue::None);
        assert_eq!(
            c(&format!(
                "{long} Le maire l'a dit en une image : tout est à refaire."
            )),
            Cue::None
        );
        assert_eq!(
            c("Le ministre a répondu sans détour à la question de la photo : il ne savait rien."),
            Cue::None
        );
    }

    #[test]
    fn reading_times() {
        assert_eq!(c("Lecture 3 min"), Cue::ReadingTime);
        assert_eq!(c("Temps de lecture : 4 minutes"), Cue::ReadingTime);
        assert_eq!(c("3 min de lecture"), Cue::ReadingTime);
        assert_eq!(c("5 min read"), Cue::ReadingTime);
        assert_eq!(c("Lesezeit: 6min"), Cue::ReadingTime);
        assert_eq!(c("Lecture du verdict à 15 h"), Cue::None);
        assert_eq!(c("La minute de lecture du jour"), Cue::None);
    }

    #[test]
    fn teasers_and_notices() {
        assert_eq!(c("À lire aussi : La piscine rouvre"), Cue::Teaser);
        assert_eq!(c("Read more: Pool closes"), Cue::Teaser);
        assert_eq!(c("Article suivant : La piscine rouvre"), Cue::Teaser);
        assert_eq!(c("Lire aussitôt la lettre, dit-il."), Cue::None);
        assert_eq!(c("Il vous reste 64 % de cet article à lire."), Cue::Notice);
        assert_eq!(c("Sign up for our daily newsletter"), Cue::Notice);
        assert_eq!(c("Offre spéciale : 1 € par mois"), Cue::Notice);
        assert_eq!(
            c("Mentions légales | Politique de confidentialité"),
            Cue::Notice
        );
        assert_eq!(c("Privacy Policy"), Cue::Notice);
        assert_eq!(
            c("La CNIL estime que la nouvelle politique de confidentialité du réseau social ne respecte pas le consentement des utilisateurs européens."),
            Cue::None
        );
        assert_eq!(
            c("Le gouvernement offre une aide aux familles modestes touchées par la hausse des prix."),
            Cue::None
        );
    }
}
