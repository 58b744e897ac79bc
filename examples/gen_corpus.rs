//! Deterministic synthetic corpus of French news seeds, for benchmarks.
//!
//! ```text
//! cargo run --release --example gen_corpus -- N DIR [--seed 42] [--hugo DIR2]
//! ```
//!
//! Writes, for `N` articles:
//!
//! - `DIR/seeds/NNNNN_<16 hex>.txt`: raw seed text in the forms of the real seeds in `seeds/`
//!   (lead bullets `-Text`, paragraphs on one line separated by a newline or a blank line, an
//!   optional sub-heading, an optional dateline `Paris. `, then the trailer `SOURCE, DD/MM/YYYY`,
//!   `Etiquettes : a, b, c,` and `Soyez le premier à commenter`). Some seeds are undated, some
//!   tagless, some repeat their body glued on one line (like seed 000);
//! - `DIR/config.toml`, so that `gazette build --root DIR` works;
//! - `DIR/manifest.jsonl` (one line per article: ground truth) and `DIR/stats.json` (totals);
//! - with `--hugo DIR2`: the same articles as a Hugo site (`hugo.toml`, `content/posts/*.md`
//!   with front matter, and `layouts/` copied from `bench/hugo-layouts/`).
//!
//! The statistics follow `bench/gen_corpus.py` (the generator the reference figures for Zola,
//! Hugo and Pagefind were measured on): 300–900 words per article (about 640 on average), 2–8
//! tags drawn Zipf-like (s = 1) from about 330 accented tags, dates in 2015–2024, and 20% of the
//! lowercase words of 5+ letters replaced by pseudo-French words drawn Zipf-like from a
//! 500,000-entry lexicon so that the vocabulary grows like a real corpus's (about 120k distinct
//! words at 10k articles). The random generator is SplitMix64, so a given `--seed` gives the same
//! bytes on every platform.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use clap::Parser;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The real seeds the sentences, leads, headings, tags and sources are drawn from.
const REAL_SEEDS: [&str; 2] = [
    include_str!("../seeds/000_49ee64380331eb27.txt"),
    include_str!("../seeds/004_372a7a80e6ed88e1.txt"),
];

const BOILERPLATE: &str = "Soyez le premier à commenter";

/// Probability that a seed has no `SOURCE, DD/MM/YYYY` line.
const P_UNDATED: f64 = 0.03;
/// Probability that a seed has no `Etiquettes :` line.
const P_TAGLESS: f64 = 0.04;
/// Probability that a seed repeats its body glued on one line after itself (like seed 000).
const P_DUPLICATED: f64 = 0.02;
/// Probability that the first paragraph starts with a dateline (`Paris. `).
const P_DATELINE: f64 = 0.25;

const SOURCES: &[&str] = &[
    "RND",
    "Belga",
    "AFP",
    "Le Soir",
    "La Libre Belgique",
    "Le Monde",
    "Data News",
    "Libération",
    "Le Figaro",
    "L'Écho",
    "Reuters",
    "Ouest-France",
    "Les Échos",
    "RTBF",
    "Le Temps",
    "France Info",
    "Mediapart",
    "L'Express",
    "Le Point",
    "Courrier international",
    "20 Minutes",
    "Le Parisien",
    "Sud Ouest",
    "La Dépêche du Midi",
    "Tribune de Genève",
    "24 heures",
    "Le Devoir",
    "La Presse",
    "Jeune Afrique",
    "Knack",
];

/// Ordered roughly by popularity: rank r gets weight 1/(r+1). Same list as gen_corpus.py.
const TAGS: &str = "France|Pegasus|Espionnage|Israël|Maroc|Cybersécurité|Emmanuel Macron|\
NSO Group|États-Unis|Vie privée|Surveillance|Belgique|Union européenne|Sécurité|Logiciel espion|\
Justice|Smartphones|Données personnelles|Télécommunications|Économie|Allemagne|Politique|Défense|\
Diplomatie|Médias|Journalistes|Intelligence artificielle|Apple|Google|Meta|Microsoft|Amazon|Chine|\
Russie|Ukraine|Royaume-Uni|Espagne|Italie|Suisse|Pays-Bas|Luxembourg|Canada|Québec|Algérie|\
Tunisie|Sénégal|Côte d'Ivoire|Égypte|Liban|Syrie|Irak|Iran|Arabie saoudite|Émirats arabes unis|\
Qatar|Turquie|Grèce|Pologne|Hongrie|Roumanie|Bulgarie|Serbie|Croatie|Autriche|Portugal|Irlande|\
Danemark|Suède|Norvège|Finlande|Estonie|Lettonie|Lituanie|Japon|Corée du Sud|Inde|Pakistan|\
Bangladesh|Indonésie|Vietnam|Thaïlande|Philippines|Australie|Nouvelle-Zélande|Brésil|Argentine|\
Chili|Pérou|Colombie|Équateur|Mexique|Venezuela|Cuba|Haïti|Éthiopie|Kenya|Nigeria|Afrique du Sud|\
Rwanda|République démocratique du Congo|Mali|Burkina Faso|Niger|Cameroun|Gabon|Madagascar|\
Mozambique|Angola|Libye|Soudan|Yémen|Afghanistan|Kazakhstan|Arménie|Azerbaïdjan|Géorgie|\
Biélorussie|Moldavie|Taïwan|Hong Kong|Singapour|Malaisie|Benny Gantz|Florence Parly|Joe Biden|\
Donald Trump|Angela Merkel|Olaf Scholz|Vladimir Poutine|Volodymyr Zelensky|Xi Jinping|\
Mohammed VI|Recep Tayyip Erdoğan|Ursula von der Leyen|Charles Michel|Alexander De Croo|\
Pedro Sánchez|Giorgia Meloni|Viktor Orbán|Boris Johnson|Rishi Sunak|Justin Trudeau|Narendra Modi|\
Benyamin Netanyahou|Naftali Bennett|Jean Castex|Élisabeth Borne|Gabriel Attal|Gérald Darmanin|\
Bruno Le Maire|Marine Le Pen|Jean-Luc Mélenchon|Éric Zemmour|Édouard Philippe|Thierry Breton|\
Margrethe Vestager|Christine Lagarde|António Guterres|Elon Musk|Mark Zuckerberg|Tim Cook|\
Sundar Pichai|Jeff Bezos|Omri Lavie|Gary Miller|Mobileum|Huawei|ZTE|Orange|Proximus|Telenet|SFR|\
Bouygues Telecom|Free|Vodafone|Deutsche Telekom|Ericsson|Nokia|Samsung|Xiaomi|TikTok|Twitter|X|\
Telegram|WhatsApp|Signal|Facebook|Instagram|YouTube|Netflix|Spotify|Uber|Airbnb|Tesla|Airbus|\
Dassault|Thales|Safran|Renault|Stellantis|TotalEnergies|EDF|Engie|BNP Paribas|Société Générale|\
Crédit Agricole|ING|KBC|Belfius|Euronext|Bitcoin|Ethereum|Cryptomonnaies|Blockchain|Startups|\
Finance|Bourse|Inflation|Énergie|Nucléaire|Climat|Environnement|Transport|Mobilité|Santé|\
Covid-19|Vaccins|Hôpitaux|Éducation|Universités|Recherche|Emploi|Télétravail|Immigration|\
Élections|Parlement|Sénat|Assemblée nationale|Commission européenne|Conseil de l'Europe|OTAN|ONU|\
Interpol|Europol|Mossad|CIA|NSA|DGSE|Sûreté de l'État|Police|Armée|Terrorisme|Criminalité|Fraude|\
Rançongiciels|Piratage|Hameçonnage|Fuite de données|RGPD|Chiffrement|Cloud|Centres de données|5G|\
Fibre optique|Satellites|Espace|Drones|Robotique|Semi-conducteurs|Puces|Jeux vidéo|\
Réseaux sociaux|Désinformation|Liberté de la presse|Droits humains|Amnesty International|\
Citizen Lab|Forbidden Stories|Lanceurs d'alerte|Washington Post|Wall Street Journal|Knack|\
Scandale|Enquête|Procès|Cour de justice de l'UE|Cour européenne des droits de l'homme|\
Concurrence|Antitrust|Fiscalité|Impôts|Budget|Dette|Commerce|Exportations|Sanctions|Agriculture|\
Alimentation|Tourisme|Culture|Cinéma|Musique|Sport|Football|Jeux olympiques|Tour de France|\
Formule 1|Météo|Inondations|Incendies|Séismes|Logement|Immobilier|Retraites|Grèves|Syndicats|\
Manifestations|Consommation|Pouvoir d'achat|Commerce en ligne|Publicité|Cookies|\
Protection des consommateurs|Cyberattaque|Vulnérabilités|Failles zero-day|SS7|Géolocalisation|\
Écoutes";

const SYLLABLES: &str = "ba be bé bi bo bu ca ce cé ci co cu cha che ché chi cho da de dé di do \
du fa fe fé fi fo fu ga ge gé gi go gu ja je jé jo la le lé li lo lu ma me mé mi mo mu na ne né ni \
no nu pa pe pé pi po pu ra re ré ri ro ru sa se sé si so su ta te té ti to tu va ve vé vi vo vu tra \
tré tri pro pré pri bla blé cla clé fla flé gra gré pla plé vra con com dis in an en on ou oi eu au \
ai ion ier mon ven ser par por ter tor vil cor mar bor gal";

const SUFFIXES: &str = "tion ment isme ique eur euse age ance ence ité ier ière el elle al ale ant \
ante é ée er ir ais ait ons ez ent iste oire ure esse ois oise aire eux ès ème ure ette eau ard arde \
if ive able ible ude";

const EXTRA_HEADINGS: &[&str] = &[
    "Réactions",
    "Contexte",
    "Enquête en cours",
    "Un précédent",
    "Ce qu'il faut retenir",
    "Démenti",
    "Les suites judiciaires",
    "Inquiétudes à Bruxelles",
];

const DATELINES: &[&str] = &[
    "Paris",
    "Bruxelles",
    "Tel Aviv",
    "Genève",
    "Washington",
    "Londres",
    "Berlin",
    "Montréal",
    "Rabat",
    "Alger",
    "Dakar",
    "Luxembourg",
    "Liège",
    "Lyon",
    "Marseille",
    "New York",
];

/// Size of the pseudo-French lexicon the substituted words are drawn from.
const LEXICON_SIZE: usize = 500_000;

/// Command line of the generator.
#[derive(Parser, Debug, Clone)]
#[command(about = "Write N deterministic synthetic French news seeds (and optionally a Hugo site)")]
pub struct Options {
    /// Number of articles.
    pub n: usize,
    /// Output folder: seeds go to DIR/seeds/, plus DIR/config.toml, manifest.jsonl, stats.json.
    pub dir: PathBuf,
    /// Random seed; the same seed gives the same bytes.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Also write the same articles as a Hugo site into this folder.
    #[arg(long)]
    pub hugo: Option<PathBuf>,
    /// Fraction of lowercase words of 5+ letters replaced by pseudo-French words.
    #[arg(long, default_value_t = 0.2)]
    pub vocab_rate: f64,
    /// Do not substitute words (vocabulary of the two real seeds only).
    #[arg(long)]
    pub no_vocab: bool,
    /// Base URL written to config.toml and hugo.toml.
    #[arg(long, default_value = "https://example.org/")]
    pub base_url: String,
    /// Folder of the Hugo layouts copied into the Hugo site.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/hugo-layouts"))]
    pub hugo_layouts: PathBuf,
    /// Print nothing (stats.json is still written).
    #[arg(long, short)]
    pub quiet: bool,
}

#[allow(dead_code)]
fn main() -> Result<()> {
    let opts = Options::parse();
    let stats = generate(&opts)?;
    if !opts.quiet {
        println!("{}", serde_json::to_string(&stats)?);
    }
    Ok(())
}

// ------------------------------------------------------------------------------------ random

/// SplitMix64: tiny, fast, and the same sequence on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in [lo, hi].
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// Zipf-like distribution over ranks 0..n: rank r has weight 1/(r+1).
struct Zipf {
    cum: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut acc = 0.0;
        let cum = (0..n)
            .map(|r| {
                acc += 1.0 / (r + 1) as f64;
                acc
            })
            .collect();
        Zipf { cum }
    }

    fn draw(&self, rng: &mut Rng) -> usize {
        let x = rng.f64() * self.cum[self.cum.len() - 1];
        self.cum.partition_point(|&c| c < x).min(self.cum.len() - 1)
    }
}

// ------------------------------------------------------------------------------ seed parsing

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits a line into sentences like gen_corpus.py: glued sentences (`télécoms.Cette`) are
/// separated first, and `M.`, `Mme.`, `Dr.`, `etc.` do not end a sentence.
pub fn split_sentences(line: &str) -> Vec<String> {
    let line = unglue(line);
    let mut parts = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for tok in line.split(' ') {
        cur.push(tok);
        if ends_sentence(tok) {
            parts.push(cur.join(" "));
            cur.clear();
        }
    }
    if !cur.is_empty() {
        parts.push(cur.join(" "));
    }
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `([a-zà-ÿ)'’”][.!?]['’”]?)([A-ZÀ-ÖØ-Þ])` → `\1 \2`.
fn unglue(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let lower = |c: char| c.is_ascii_lowercase() || ('à'..='ÿ').contains(&c) || ")'’”".contains(c);
    let upper = |c: char| c.is_ascii_uppercase() || (('À'..='Þ').contains(&c) && c != '×');
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        out.push(chars[i]);
        if lower(chars[i]) && i + 1 < chars.len() && ".!?".contains(chars[i + 1]) {
            let mut j = i + 2;
            if j < chars.len() && "'’”".contains(chars[j]) {
                j += 1;
            }
            if j < chars.len() && upper(chars[j]) {
                out.extend(&chars[i + 1..j]);
                out.push(' ');
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out
}

fn ends_sentence(tok: &str) -> bool {
    let t = tok.trim_end_matches(['\'', '’', '”', '»']);
    // at most one closing quote
    let quotes = tok.chars().count() - t.chars().count();
    if quotes > 1 || !t.ends_with(['.', '!', '?']) {
        return false;
    }
    if let Some(stem) = tok.strip_suffix('.') {
        let start = stem
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        if ["M", "Mme", "Dr", "St", "p", "ex", "etc"].contains(&&stem[start..]) {
            return false;
        }
    }
    true
}

fn is_heading(line: &str) -> bool {
    line.chars().count() < 60
        && !line.ends_with(['.', '!', '?', ':', ',', ';', '\'', '’', '”', '»'])
        && line.split_whitespace().count() <= 8
}

/// Sentences, leads, headings, tags and sources found in real seeds.
#[derive(Default)]
struct Material {
    sentences: Vec<String>,
    leads: Vec<String>,
    headings: Vec<String>,
    tags: Vec<String>,
    sources: Vec<String>,
}

fn parse_date_line(line: &str) -> Option<&str> {
    // ^(.{1,60}), (\d{2})/(\d{2})/(\d{4})\s*$
    let line = line.trim_end();
    let (source, date) = line.rsplit_once(", ")?;
    let b = date.as_bytes();
    let ok = b.len() == 10
        && b[2] == b'/'
        && b[5] == b'/'
        && [0, 1, 3, 4, 6, 7, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    let n = source.chars().count();
    (ok && (1..=60).contains(&n)).then_some(source)
}

fn parse_material(texts: &[&str]) -> Material {
    let mut m = Material::default();
    let mut seen = HashSet::new();
    for text in texts {
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line == BOILERPLATE {
                continue;
            }
            if let Some(rest) = line.strip_prefix("Etiquettes") {
                if let Some(list) = rest.trim_start().strip_prefix(':') {
                    m.tags.extend(
                        list.split(',')
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(String::from),
                    );
                    continue;
                }
            }
            if let Some(source) = parse_date_line(line) {
                m.sources.push(source.trim().to_string());
                continue;
            }
            if let Some(lead) = line.strip_prefix('-') {
                let lead = lead.trim().to_string();
                if seen.insert(lead.clone()) {
                    m.leads.push(lead);
                }
                continue;
            }
            if is_heading(line) {
                m.headings.push(line.to_string());
                continue;
            }
            for s in split_sentences(line) {
                if s.split_whitespace().count() >= 3 && seen.insert(s.clone()) {
                    m.sentences.push(s);
                }
            }
        }
    }
    m
}

// ------------------------------------------------------------------------------- generation

/// NFKD, combining marks dropped, lowercase, runs of anything but `[a-z0-9]` → `-`.
fn slugify(s: &str, drop_apostrophes: bool) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s
        .nfkd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(char::to_lowercase)
    {
        if drop_apostrophes && (c == '\'' || c == '’') {
            continue;
        }
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// The tag vocabulary: the real seeds' tags then [`TAGS`], without duplicates or slug clashes
/// (under both gazette-like and Hugo slug rules).
pub fn tag_vocabulary() -> Vec<String> {
    let m = parse_material(&REAL_SEEDS);
    build_tag_vocabulary(&m.tags)
}

fn build_tag_vocabulary(seed_tags: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut seen_z = HashSet::new();
    let mut seen_h = HashSet::new();
    let mut out = Vec::new();
    for t in seed_tags.iter().map(String::as_str).chain(TAGS.split('|')) {
        if !seen.insert(t) {
            continue;
        }
        let (z, h) = (slugify(t, false), slugify(t, true));
        if !z.is_empty() && !h.is_empty() && seen_z.insert(z) && seen_h.insert(h) {
            out.push(t.to_string());
        }
    }
    out
}

/// A sentence cut into word and non-word runs, with the indexes of the substitutable words.
struct Tokens {
    toks: Vec<String>,
    subst: Vec<usize>,
}

fn tokenize(s: &str) -> Tokens {
    let mut toks: Vec<String> = Vec::new();
    let mut prev: Option<bool> = None;
    for c in s.chars() {
        let w = is_word_char(c);
        if prev == Some(w) {
            toks.last_mut().unwrap().push(c);
        } else {
            toks.push(c.to_string());
        }
        prev = Some(w);
    }
    let subst = toks
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            *i > 0
                && t.chars().count() >= 5
                && t.chars().all(char::is_alphabetic)
                && t.chars().any(char::is_lowercase)
                && !t.chars().any(char::is_uppercase)
        })
        .map(|(i, _)| i)
        .collect();
    Tokens { toks, subst }
}

/// The pseudo-French lexicon, built lazily: rank r's word depends on r only.
struct Lexicon {
    zipf: Zipf,
    words: Vec<Option<Box<str>>>,
    syllables: Vec<&'static str>,
    suffixes: Vec<&'static str>,
}

impl Lexicon {
    fn new() -> Lexicon {
        Lexicon {
            zipf: Zipf::new(LEXICON_SIZE),
            words: vec![None; LEXICON_SIZE],
            syllables: SYLLABLES.split_whitespace().collect(),
            suffixes: SUFFIXES.split_whitespace().collect(),
        }
    }

    fn draw(&mut self, rng: &mut Rng) -> &str {
        let rank = self.zipf.draw(rng);
        if self.words[rank].is_none() {
            let mut r = Rng::new((rank as u64).wrapping_mul(7919).wrapping_add(17));
            let n = 1 + usize::from(rank > 200) + usize::from(rank > 5000) + r.below(2);
            let mut w = String::new();
            for _ in 0..n {
                w.push_str(self.syllables[r.below(self.syllables.len())]);
            }
            w.push_str(self.suffixes[r.below(self.suffixes.len())]);
            self.words[rank] = Some(w.into());
        }
        self.words[rank].as_deref().unwrap()
    }
}

fn render_sentence(t: &Tokens, rng: &mut Rng, lexicon: Option<&mut Lexicon>, rate: f64) -> String {
    let mut out = String::with_capacity(t.toks.iter().map(String::len).sum::<usize>() + 16);
    match lexicon {
        Some(lex) if !t.subst.is_empty() => {
            let mut next = t.subst.iter().peekable();
            for (i, tok) in t.toks.iter().enumerate() {
                if next.peek() == Some(&&i) {
                    next.next();
                    if rng.chance(rate) {
                        out.push_str(lex.draw(rng));
                        continue;
                    }
                }
                out.push_str(tok);
            }
        }
        _ => t.toks.iter().for_each(|tok| out.push_str(tok)),
    }
    out
}

/// Title rule of gen_corpus.py: first line, leading `-` stripped, first sentence, cut at the
/// last space before 100 characters with `…`.
pub fn make_title(first_line: &str) -> String {
    let s = first_line.trim_start_matches('-').trim();
    let mut s = split_sentences(s).into_iter().next().unwrap_or_default();
    if s.chars().count() > 100 {
        let head: String = s.chars().take(100).collect();
        let cut = head.rfind(' ').filter(|&i| i > 0).unwrap_or(head.len());
        s = head[..cut]
            .trim_end_matches([' ', ',', ';', ':'])
            .to_string()
            + "…";
    }
    s
}

fn md_escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        if "\\*_`[]<>".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    if out.starts_with(['#', '+', '=', '>', '-']) {
        out.insert(0, '\\');
    }
    let digits = out.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).expect("string serializes")
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Lead,
    Para,
    Head,
}

/// Corpus totals, written to stats.json.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Stats {
    pub n: usize,
    pub seed: u64,
    pub vocab_rate: f64,
    pub total_words: usize,
    pub avg_words: f64,
    pub distinct_words: usize,
    pub tags_used: usize,
    pub tag_vocab: usize,
    pub top_tags: Vec<(String, usize)>,
    pub undated: usize,
    pub tagless: usize,
    pub duplicated: usize,
    pub with_dateline: usize,
    pub seed_bytes: usize,
    pub source_sentences: usize,
    pub sources: usize,
}

const GAZETTE_CONFIG: &str = "# Written by examples/gen_corpus.rs\n\
title = \"Actualités\"\n\
description = \"Corpus synthétique d'articles de presse\"\n\
base_url = \"BASE_URL\"\n\
language = \"fr\"\n";

const HUGO_CONFIG: &str = r#"baseURL = "BASE_URL"
title = "Actualités"
locale = "fr"
defaultContentLanguage = "fr"
removePathAccents = true
enableRobotsTXT = true
capitalizeListTitles = false
disableKinds = ["section"]
timeout = "600s"

[pagination]
pagerSize = 20

[taxonomies]
tag = "tags"

[outputs]
home = ["html", "rss"]
taxonomy = ["html"]
term = ["html", "rss"]

[services.rss]
limit = 20

[markup.goldmark.extensions.typographer]
disable = true

[params]
description = "Corpus synthétique d'articles de presse"
"#;

/// Writes the corpus described by `opts` and returns its totals.
pub fn generate(opts: &Options) -> Result<Stats> {
    if opts.vocab_rate.is_nan() || !(0.0..=1.0).contains(&opts.vocab_rate) {
        bail!("--vocab-rate must be within 0..1");
    }
    let m = parse_material(&REAL_SEEDS);
    let tag_vocab = build_tag_vocabulary(&m.tags);
    let mut sources: Vec<&str> = Vec::new();
    for s in m
        .sources
        .iter()
        .map(String::as_str)
        .chain(SOURCES.iter().copied())
    {
        if !sources.contains(&s) {
            sources.push(s);
        }
    }
    let tag_zipf = Zipf::new(tag_vocab.len());
    let src_zipf = Zipf::new(sources.len());
    let sent_toks: Vec<Tokens> = m.sentences.iter().map(|s| tokenize(s)).collect();
    let lead_toks: Vec<Tokens> = m
        .leads
        .iter()
        .chain(&m.sentences)
        .map(|s| tokenize(s))
        .collect();
    let mut headings: Vec<&str> = m.headings.iter().map(String::as_str).collect();
    headings.extend(EXTRA_HEADINGS);
    let mut lexicon = (!opts.no_vocab).then(Lexicon::new);
    let rate = opts.vocab_rate;
    let mut rng = Rng::new(opts.seed);
    let d0 = NaiveDate::from_ymd_opt(2015, 1, 1)
        .unwrap()
        .num_days_from_ce() as usize;
    let d1 = NaiveDate::from_ymd_opt(2024, 12, 31)
        .unwrap()
        .num_days_from_ce() as usize;

    let seeds_dir = opts.dir.join("seeds");
    reset_dir(&seeds_dir)?;
    let hugo_posts = opts.hugo.as_ref().map(|h| h.join("content").join("posts"));
    if let (Some(hugo), Some(posts)) = (&opts.hugo, &hugo_posts) {
        reset_dir(&hugo.join("content"))?;
        fs::create_dir_all(posts)?;
    }

    let width = 5.max(opts.n.to_string().len());
    let mut manifest = String::new();
    let mut stats = Stats {
        n: opts.n,
        seed: opts.seed,
        vocab_rate: if opts.no_vocab { 0.0 } else { rate },
        total_words: 0,
        avg_words: 0.0,
        distinct_words: 0,
        tags_used: 0,
        tag_vocab: tag_vocab.len(),
        top_tags: Vec::new(),
        undated: 0,
        tagless: 0,
        duplicated: 0,
        with_dateline: 0,
        seed_bytes: 0,
        source_sentences: m.sentences.len(),
        sources: sources.len(),
    };
    let mut distinct: HashSet<String> = HashSet::new();
    let mut tag_counts: HashMap<usize, usize> = HashMap::new();
    let mut order: Vec<usize> = (0..sent_toks.len()).collect();

    for idx in 0..opts.n {
        let target = rng.range(300, 900);
        let hexid = format!("{:016x}", rng.next_u64());
        let date = NaiveDate::from_num_days_from_ce_opt(rng.range(d0, d1) as i32).unwrap();
        let source = sources[src_zipf.draw(&mut rng)];
        let k = rng.range(2, 8);
        let mut tags: Vec<usize> = Vec::with_capacity(k);
        while tags.len() < k {
            let t = tag_zipf.draw(&mut rng);
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let blank_sep = rng.chance(0.5);
        let mut body: Vec<(Kind, String)> = Vec::new();
        let mut words = 0;
        if rng.chance(0.4) {
            let n_leads = rng.range(1, 3);
            let mut picked: Vec<usize> = Vec::new();
            while picked.len() < n_leads {
                let j = rng.below(lead_toks.len());
                if !picked.contains(&j) {
                    picked.push(j);
                }
            }
            for j in picked {
                let s = render_sentence(&lead_toks[j], &mut rng, lexicon.as_mut(), rate);
                words += s.split_whitespace().count();
                body.push((Kind::Lead, s));
            }
        }
        rng.shuffle(&mut order);
        let mut pos = 0;
        let mut head_at = rng.chance(0.5).then(|| rng.range(300, 600));
        while words < target {
            if head_at.is_some_and(|h| words >= h) {
                let h = headings[rng.below(headings.len())];
                words += h.split_whitespace().count();
                body.push((Kind::Head, h.to_string()));
                head_at = None;
            }
            let mut para = String::new();
            for _ in 0..rng.range(1, 4) {
                if pos == order.len() {
                    rng.shuffle(&mut order);
                    pos = 0;
                }
                if !para.is_empty() {
                    para.push(' ');
                }
                let s = render_sentence(&sent_toks[order[pos]], &mut rng, lexicon.as_mut(), rate);
                para.push_str(&s);
                pos += 1;
            }
            words += para.split_whitespace().count();
            body.push((Kind::Para, para));
        }
        // Irregularities of real seeds.
        let dated = !rng.chance(P_UNDATED);
        let tagged = !rng.chance(P_TAGLESS);
        let duplicated = rng.chance(P_DUPLICATED);
        let dateline = rng
            .chance(P_DATELINE)
            .then(|| DATELINES[rng.below(DATELINES.len())]);
        let trailing_newline = rng.chance(0.5);
        let title = make_title(&body[0].1);
        if let Some(place) = dateline {
            if let Some(first) = body.iter_mut().find(|(k, _)| *k == Kind::Para) {
                first.1 = format!("{place}. {}", first.1);
                words += place.split_whitespace().count();
            }
        }

        // --- the seed
        let sep = if blank_sep { "\n\n" } else { "\n" };
        let mut txt = String::with_capacity(8 * 1024);
        for (i, (kind, t)) in body.iter().enumerate() {
            if i > 0 {
                txt.push_str(sep);
            }
            if *kind == Kind::Lead {
                txt.push('-');
            }
            txt.push_str(t);
        }
        if duplicated {
            // like seed 000: the body again, paragraphs glued on one line, first one missing
            txt.push_str(sep);
            for (_, t) in body.iter().filter(|(k, _)| *k == Kind::Para).skip(1) {
                txt.push_str(t);
                words += t.split_whitespace().count();
            }
        }
        if dated {
            let _ = write!(txt, "\n{source}, {}", date.format("%d/%m/%Y"));
        }
        if tagged {
            txt.push_str("\nEtiquettes : ");
            for &t in &tags {
                txt.push_str(&tag_vocab[t]);
                txt.push_str(", ");
            }
            txt.pop();
        }
        if dated || tagged || !duplicated {
            txt.push('\n');
            txt.push_str(BOILERPLATE);
        }
        if trailing_newline {
            txt.push('\n');
        }
        let seed_name = format!("{idx:0width$}_{hexid}.txt");
        fs::write(seeds_dir.join(&seed_name), &txt)
            .with_context(|| format!("cannot write {}", seeds_dir.join(&seed_name).display()))?;

        // --- totals
        stats.total_words += words;
        stats.seed_bytes += txt.len();
        stats.undated += usize::from(!dated);
        stats.tagless += usize::from(!tagged);
        stats.duplicated += usize::from(duplicated);
        stats.with_dateline += usize::from(dateline.is_some());
        if tagged {
            for &t in &tags {
                *tag_counts.entry(t).or_default() += 1;
            }
        }
        for (_, t) in &body {
            for w in t
                .split(|c: char| !is_word_char(c))
                .filter(|w| !w.is_empty())
            {
                if !distinct.contains(w) {
                    let lw = w.to_lowercase();
                    if !distinct.contains(&lw) {
                        distinct.insert(lw);
                    }
                }
            }
        }
        let tag_names: Vec<&str> = if tagged {
            tags.iter().map(|&t| tag_vocab[t].as_str()).collect()
        } else {
            Vec::new()
        };
        let slug = format!("{idx:0width$}-{hexid}");
        let entry = serde_json::json!({
            "id": idx, "seed": seed_name, "slug": slug, "title": title,
            "date": dated.then(|| date.to_string()), "source": dated.then_some(source),
            "tags": tag_names, "words": words, "duplicated": duplicated,
            "dateline": dateline,
        });
        manifest.push_str(&entry.to_string());
        manifest.push('\n');

        // --- the Hugo page: the same article, without the glued duplicate
        if let Some(posts) = &hugo_posts {
            let mut md = String::with_capacity(txt.len() + 512);
            md.push_str("+++\ntitle = ");
            md.push_str(&toml_str(&title));
            if dated {
                let _ = write!(md, "\ndate = {date}");
            }
            if !tag_names.is_empty() {
                let list: Vec<String> = tag_names.iter().map(|t| toml_str(t)).collect();
                let _ = write!(md, "\ntags = [{}]", list.join(", "));
            }
            if dated {
                let _ = write!(md, "\n[params]\nsource = {}", toml_str(source));
            }
            md.push_str("\n+++\n\n");
            let mut parts = Vec::with_capacity(body.len());
            for (kind, t) in &body {
                parts.push(match kind {
                    Kind::Lead => format!("- {}", md_escape(t)),
                    Kind::Head => format!("\n## {}\n", md_escape(t)),
                    Kind::Para => format!("\n{}\n", md_escape(t)),
                });
            }
            md.push_str(parts.join("\n").replace("\n\n\n", "\n\n").trim());
            md.push('\n');
            fs::write(posts.join(format!("{slug}.md")), md)?;
        }
    }

    fs::write(
        opts.dir.join("config.toml"),
        GAZETTE_CONFIG.replace("BASE_URL", &opts.base_url),
    )?;
    fs::write(opts.dir.join("manifest.jsonl"), manifest)?;
    if let Some(hugo) = &opts.hugo {
        fs::write(
            hugo.join("hugo.toml"),
            HUGO_CONFIG.replace("BASE_URL", &opts.base_url),
        )?;
        let layouts = hugo.join("layouts");
        if layouts.exists() {
            fs::remove_dir_all(&layouts)?;
        }
        copy_dir(&opts.hugo_layouts, &layouts)
            .with_context(|| format!("cannot copy {}", opts.hugo_layouts.display()))?;
    }

    stats.avg_words = (stats.total_words as f64 / opts.n.max(1) as f64 * 10.0).round() / 10.0;
    stats.distinct_words = distinct.len();
    stats.tags_used = tag_counts.len();
    let mut top: Vec<(usize, usize)> = tag_counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    stats.top_tags = top
        .into_iter()
        .take(5)
        .map(|(t, c)| (tag_vocab[t].clone(), c))
        .collect();
    fs::write(
        opts.dir.join("stats.json"),
        serde_json::to_string_pretty(&stats)? + "\n",
    )?;
    Ok(stats)
}

/// Empties (or creates) `dir`.
fn reset_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
