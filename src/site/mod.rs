//! Stage 3: assemble the site model from parsed seeds, overrides and content pages.
//!
//! Everything the renderer and the search index need is decided here, once: final field values
//! (overrides win), slugs and redirects, tags (aliases merged, inferred tags for tagless seeds),
//! sources, order, related articles and previous/next links. Later stages only read a [`Site`].

pub mod copies;
pub mod lock;
pub mod related;
pub mod slugs;
pub mod tags;
pub mod taxonomy;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::Hash;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::content::{ArticleOverride, Content, ContentPage};
use crate::diagnostics::Diagnostics;
use crate::seed::{Block, Origin, ParsedSeed, SeedBody};
use crate::urls::Urls;

/// A term (a tag, a source, an author) as it appears on an article: display name and slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
pub struct TermRef {
    /// Display name (`Israël`).
    pub name: String,
    /// URL slug (`israel`).
    pub slug: String,
}

/// The body of an article: parsed blocks, or Markdown from an override. Made with
/// [`Body::blocks`] or [`Body::html`], which also take its digest.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    /// Blocks recovered from the seed (plain text, escaped when rendered).
    Blocks {
        /// The blocks, shared with the seed's parse, with their digest.
        blocks: SeedBody,
    },
    /// HTML rendered from an override's Markdown.
    Html {
        /// The HTML.
        html: String,
        /// The same as plain text, paragraphs separated by blank lines.
        #[serde(skip)]
        text: String,
        /// See [`Body::digest`].
        #[serde(skip)]
        digest: u128,
    },
}

impl Body {
    /// A body of blocks.
    pub fn blocks(blocks: impl Into<SeedBody>) -> Body {
        Body::Blocks {
            blocks: blocks.into(),
        }
    }

    /// A body of HTML, with its plain text.
    pub fn html(html: String, text: String) -> Body {
        Body::Html {
            digest: crate::digest::of(&(&html, &text)),
            html,
            text,
        }
    }

    /// A digest of the body, taken once when it is made. Every build fingerprints each article
    /// two or three times (its pages, its search analysis and document files); hashing the
    /// bodies, most of an article's bytes, each time cost more than anything else in those
    /// fingerprints.
    pub fn digest(&self) -> u128 {
        match self {
            Body::Blocks { blocks } => blocks.digest(),
            Body::Html { digest, .. } => *digest,
        }
    }
}

/// One article as the site shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// Seed id (`004_372a7a80e6ed88e1`).
    pub id: String,
    /// Seed file.
    pub file: PathBuf,
    /// URL slug.
    pub slug: String,
    /// Slug set by an override, if any.
    #[serde(skip)]
    pub pinned_slug: Option<String>,
    /// Mechanical first words of the seed, the source of the default slug.
    #[serde(skip)]
    pub slug_hint: String,
    /// Route without base path: `articles/<slug>/`.
    pub route: String,
    /// Older routes that redirect here (after an override changed the slug).
    pub redirects_from: Vec<String>,
    /// Headline.
    pub title: String,
    /// Publication date.
    pub date: Option<NaiveDate>,
    /// Update date.
    pub updated: Option<NaiveDate>,
    /// Credited outlet.
    pub source: Option<TermRef>,
    /// Bylines: the people the article names as its authors.
    pub authors: Vec<TermRef>,
    /// Tags exactly as the seed or override states them, before aliases (for `inspect`).
    pub stated_tags: Vec<String>,
    /// Stated tags (aliases resolved).
    pub tags: Vec<TermRef>,
    /// Tags found in the text of a tagless seed.
    pub inferred_tags: Vec<TermRef>,
    /// ISO 639-1.
    pub language: String,
    /// Summary bullets.
    pub summary: Vec<String>,
    /// Dateline place.
    pub dateline: Option<String>,
    /// Body.
    pub body: Body,
    /// Words in the body.
    pub word_count: usize,
    /// Minutes.
    pub reading_time: u32,
    /// Hidden unless `--drafts`.
    pub draft: bool,
    /// Where each field came from (field name → origin), for `gazette inspect`.
    pub origins: BTreeMap<&'static str, Origin>,
    /// Parser warnings.
    pub warnings: Vec<String>,
}

impl Article {
    /// The body as plain text, blocks separated by blank lines: what search and tag inference
    /// read. Made on demand, since keeping it beside the blocks would hold every body twice.
    pub fn body_text(&self) -> Cow<'_, str> {
        match &self.body {
            Body::Blocks { blocks, .. } => Cow::Owned(blocks_to_text(blocks)),
            Body::Html { text, .. } => Cow::Borrowed(text),
        }
    }

    /// The first paragraph of [`Article::body_text`], without making the rest.
    pub fn first_paragraph(&self) -> Cow<'_, str> {
        match &self.body {
            Body::Blocks { blocks, .. } => {
                let first = blocks_to_text(blocks.get(..1).unwrap_or_default());
                match first.split_once("\n\n") {
                    Some((head, _)) => Cow::Owned(head.to_string()),
                    None => Cow::Owned(first),
                }
            }
            Body::Html { text, .. } => Cow::Borrowed(text.split("\n\n").next().unwrap_or("")),
        }
    }

    /// A digest of everything the article is by itself. Its page (but for the related, newer and
    /// older articles it links to, which are the site's: [`Site::related`]), its card and its
    /// feed entry are functions of it and of the site's settings, so a page whose articles keep
    /// their digests need not be rendered again. Every field is named here, so a new field does
    /// not compile until it is hashed or left out on purpose.
    pub fn digest(&self) -> u128 {
        let Article {
            id,
            file,
            slug,
            pinned_slug,
            slug_hint,
            route,
            redirects_from,
            title,
            date,
            updated,
            source,
            authors,
            stated_tags,
            tags,
            inferred_tags,
            language,
            summary,
            dateline,
            body,
            word_count,
            reading_time,
            draft,
            origins,
            warnings,
        } = self;
        // Two tuples: serde encodes tuples of up to 16.
        // A path is hashed as its bytes: serde refuses a path that is not UTF-8.
        let file = file.as_os_str().as_encoded_bytes();
        crate::digest::of(&(
            (
                id,
                file,
                slug,
                pinned_slug,
                slug_hint,
                route,
                redirects_from,
                title,
                date,
                updated,
                source,
                authors,
            ),
            (
                stated_tags,
                tags,
                inferred_tags,
                language,
                summary,
                dateline,
                body.digest(),
                word_count,
                reading_time,
                draft,
                origins,
                warnings,
            ),
        ))
    }

    /// Stated tags then inferred tags: what the site files the article under.
    pub fn all_tags(&self) -> impl Iterator<Item = &TermRef> {
        self.tags.iter().chain(self.inferred_tags.iter())
    }
}

/// A term of a taxonomy (a tag, a source, an author) with its articles.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    /// Display name.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Indices into [`Site::articles`], in site order.
    pub articles: Vec<usize>,
}

/// The whole site, ready to render.
#[derive(Debug, Clone)]
pub struct Site {
    /// Settings.
    pub config: Config,
    /// URL builder.
    pub urls: Urls,
    /// Articles, newest first; undated ones last, in seed order. Shared: an article a rebuild
    /// of `gazette serve` did not change is the last site's.
    pub articles: Vec<Arc<Article>>,
    /// The terms of each taxonomy of [`taxonomy::ALL`], in that order, whether or not it has
    /// pages (the search filters use them all).
    pub taxonomies: Vec<TermList>,
    /// Content pages sorted by slug.
    pub pages: Vec<ContentPage>,
    /// The related articles of each article, in site order: indices into
    /// [`Site::articles`], best first. Kept apart from the articles since they are positions,
    /// which shift whenever an article is added before them, while the articles themselves
    /// stay the same.
    pub related: Vec<Vec<usize>>,
    /// The other copies of each article's story (see [`copies`]), in site order: indices into
    /// [`Site::articles`], newest first. Empty for most articles.
    pub copies: Vec<Vec<usize>>,
    /// The [`Article::digest`] of each article, in site order, taken once when the site is
    /// assembled: the fingerprints of pages, search keys and cards all start from them.
    pub digests: Vec<u128>,
    /// The place of each article in seed (id) order, in site order. Seeds are named in the
    /// order they arrive, so a new seed, whatever its date, takes the next place: the search
    /// index numbers its documents by it, and related articles break ties on it, neither of
    /// which a back-dated seed then disturbs.
    pub seed_ranks: Vec<u32>,
    /// The `urls.lock` the slugs were given under (see [`lock`]).
    pub url_lock: Arc<lock::UrlLock>,
}

/// The terms of one taxonomy, sorted by slug.
#[derive(Debug, Clone)]
pub struct TermList {
    /// The taxonomy.
    pub taxonomy: &'static taxonomy::Taxonomy,
    /// Its terms, sorted by slug.
    pub terms: Vec<Term>,
}

impl Site {
    /// The terms of `taxonomy`, sorted by slug.
    pub fn terms_of(&self, taxonomy: &taxonomy::Taxonomy) -> &[Term] {
        self.taxonomies
            .iter()
            .find(|list| list.taxonomy.name == taxonomy.name)
            .map_or(&[], |list| &list.terms)
    }

    /// The `urls.lock` a build of this site leaves: the lock it was made under, with the slugs
    /// (and former slugs) of its articles, drafts aside since they are not published. Made
    /// only by `gazette build`, which writes it: a preview must not claim URLs.
    pub fn url_lock_after(&self) -> lock::UrlLock {
        let mut out = (*self.url_lock).clone();
        for a in self.articles.iter().filter(|a| !a.draft) {
            let former = a.redirects_from.iter().filter_map(|route| {
                let slug = route.strip_prefix("articles/")?.strip_suffix('/')?;
                Some(slug.to_string())
            });
            let slugs = std::iter::once(a.slug.clone()).chain(former).collect();
            out.entries.insert(a.id.clone(), slugs);
        }
        out
    }

    /// The index of the next newer article than article `i`, in site order.
    pub fn newer(&self, i: usize) -> Option<usize> {
        i.checked_sub(1)
    }

    /// The index of the next older article than article `i`, in site order.
    pub fn older(&self, i: usize) -> Option<usize> {
        (i + 1 < self.articles.len()).then_some(i + 1)
    }
}

/// Builds the site model. Problems (an override for an unknown seed, slug clashes) are
/// reported in the returned diagnostics.
pub fn assemble(
    config: &Config,
    urls: &Urls,
    seeds: Vec<impl Into<Arc<ParsedSeed>>>,
    content: Content,
    include_drafts: bool,
) -> (Site, Diagnostics) {
    assemble_from(config, urls, seeds, content, include_drafts, None)
}

/// What the assembly of a series of builds (the rebuilds of `gazette serve`) keeps for the
/// next one.
#[derive(Debug, Default)]
pub struct Memo {
    /// The related articles of the last site (see [`related::assign`]).
    pub related: related::Memo,
    /// The body signatures of the last site's articles, for finding copies.
    pub copies: copies::Memo,
    /// The articles of the last site, in id order, with what each was made from.
    articles: Vec<KeptArticle>,
    /// What those articles were made under besides their seed and override: a digest of the
    /// tag aliases.
    made_under: u128,
    /// The [`tags::Vocabulary::digest`] and tag limit their tags were inferred under, if
    /// they were.
    inferred_under: Option<(u128, usize)>,
    /// The first spellings their names were given.
    spellings: tags::Spellings,
}

/// An article of the last site and what it was made from. One whose seed (the same parse,
/// shared by the seed cache) and override are unchanged starts from it: it is not made again,
/// and it stays the same article (the same `Arc`, with its digest) unless the site around it
/// gives it another inferred tag, spelling or slug.
#[derive(Debug)]
struct KeptArticle {
    seed: Arc<ParsedSeed>,
    over: Option<ArticleOverride>,
    draft: Draft,
}

/// An article while the site is assembled.
#[derive(Debug)]
struct Draft {
    /// Shared with the last site until a step changes it ([`Draft::article_mut`]).
    article: Arc<Article>,
    /// [`Article::digest`], while the article is the one it was taken for.
    digest: Option<u128>,
    /// The names the article had before each was given its first spelling, when they differ
    /// from its own: the spellings of the next site are made from them.
    own_names: Option<Box<Names>>,
    /// [`slugs::default_slug`] of the article.
    default_slug: String,
}

/// The tag and source names of an article.
#[derive(Debug, Clone, PartialEq)]
struct Names {
    tags: Vec<TermRef>,
    inferred_tags: Vec<TermRef>,
    source: Option<TermRef>,
}

impl Names {
    fn of(a: &Article) -> Names {
        Names {
            tags: a.tags.clone(),
            inferred_tags: a.inferred_tags.clone(),
            source: a.source.clone(),
        }
    }

    /// Whether these are the names `a` has.
    fn are_those_of(&self, a: &Article) -> bool {
        self.tags == a.tags && self.inferred_tags == a.inferred_tags && self.source == a.source
    }
}

impl Draft {
    fn new(article: Article) -> Draft {
        Draft {
            default_slug: slugs::default_slug(&article.slug_hint, &article.id),
            article: Arc::new(article),
            digest: None,
            own_names: None,
        }
    }

    /// The article, to change: copied first if the last site shares it.
    fn article_mut(&mut self) -> &mut Article {
        self.digest = None;
        Arc::make_mut(&mut self.article)
    }

    /// The names the article states and was inferred, before first spellings.
    fn own_names(&self) -> (&[TermRef], &[TermRef], Option<&TermRef>) {
        match &self.own_names {
            Some(n) => (&n.tags, &n.inferred_tags, n.source.as_ref()),
            None => {
                let a = &self.article;
                (&a.tags, &a.inferred_tags, a.source.as_ref())
            }
        }
    }

    /// Puts the article's own names back (before setting what they are made from again).
    fn restore_own_names(&mut self) {
        if let Some(own) = self.own_names.take() {
            let a = self.article_mut();
            a.tags = own.tags;
            a.inferred_tags = own.inferred_tags;
            a.source = own.source;
        }
    }

    /// Gives each name its first spelling, keeping the article's own names aside if that
    /// changes any.
    fn spell(&mut self, spellings: &tags::Spellings) {
        let a = &self.article;
        if !spellings.differ(a.all_tags(), a.source.as_ref()) {
            return;
        }
        let own = match self.own_names.take() {
            Some(own) => *own,
            None => Names::of(a),
        };
        let a = self.article_mut();
        spellings.unify(
            a.tags.iter_mut().chain(a.inferred_tags.iter_mut()),
            a.source.as_mut(),
        );
        if !own.are_those_of(a) {
            self.own_names = Some(Box::new(own));
        }
    }

    /// Whether the article has this slug and these redirects already.
    fn has_slug(&self, slugged: &slugs::Slugged<'_>) -> bool {
        let a = &self.article;
        a.slug == slugged.slug
            && a.redirects_from.len() == slugged.redirect_from.len()
            && a.redirects_from
                .iter()
                .zip(&slugged.redirect_from)
                .all(|(route, from)| *route == Urls::article(from))
    }

    /// Sets the slug, route and redirects (routes of former slugs) of the article.
    fn set_slug(&mut self, slug: String, redirects: Vec<String>) {
        let a = self.article_mut();
        a.route = Urls::article(&slug);
        a.slug = slug;
        a.redirects_from = redirects;
    }
}

/// [`assemble`], starting from what the last assembly of a series (the rebuilds of `gazette
/// serve`) left in `memo`, and leaving this site's there. The site is the same either way.
pub fn assemble_from(
    config: &Config,
    urls: &Urls,
    seeds: Vec<impl Into<Arc<ParsedSeed>>>,
    content: Content,
    include_drafts: bool,
    mut memo: Option<&mut Memo>,
) -> (Site, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let seeds = sorted_seeds(seeds, &content, &mut diagnostics);
    let aliases = tags::Aliases::new(&config.tags.aliases);
    let made_under = crate::digest::of(&config.tags.aliases);
    let inferred_under = memo.as_deref().and_then(|m| m.inferred_under);
    let inputs = pair_with_kept(seeds, &content, memo.as_deref_mut(), made_under);
    let remember = memo.is_some();
    let (sources, mut drafts) = make_drafts(inputs, &aliases, remember, include_drafts);
    tags::warn_unusable(
        drafts.iter().map(|d| &*d.article),
        &aliases,
        &mut diagnostics,
    );

    // The vocabulary and the slugs read what each article states, and not each other:
    // decided side by side. Slugs are set last, after the steps that take an article as it is
    // while it is the one kept.
    let (vocabulary, (slugged, slug_diagnostics)) = rayon::join(
        || {
            tags::Vocabulary::new(
                drafts.iter().map(|d| d.own_names().0),
                &config.tags.vocabulary,
                &aliases,
            )
        },
        || slugs_to_set(&drafts, &content.url_lock),
    );
    diagnostics.extend(slug_diagnostics);
    let under = (vocabulary.digest, config.tags.max_inferred);
    infer_tags(
        config,
        &vocabulary,
        inferred_under == Some(under),
        &mut drafts,
    );
    let spellings = spell_names(&mut drafts, memo.as_deref());
    for (i, slug, redirect) in slugged {
        drafts[i].set_slug(slug, redirect);
    }
    drafts
        .par_iter_mut()
        .filter(|d| d.digest.is_none())
        .for_each(|d| d.digest = Some(d.article.digest()));

    let (articles, digests, seed_ranks) = in_site_order(&drafts);

    // Related articles and the term lists read the ordered articles only: side by side.
    let (related_memo, copies_memo) = match memo.as_deref_mut() {
        Some(m) => (Some(&mut m.related), Some(&mut m.copies)),
        None => (None, None),
    };
    // Related articles leave out copies of the article's story: they follow the copies.
    let ((related, copies), taxonomies) = rayon::join(
        || {
            let copies = copies::find(&articles, &digests, copies_memo);
            let related = related::assign(&articles, &seed_ranks, &copies, 5, related_memo);
            (related, copies)
        },
        || term_lists(&articles, &seed_ranks),
    );

    if let Some(memo) = memo {
        memo.articles = kept_articles(sources, drafts);
        memo.made_under = made_under;
        memo.inferred_under = config.tags.infer.then_some(under);
        memo.spellings = spellings;
    }
    let pages = content
        .pages
        .into_iter()
        .filter(|p| include_drafts || !p.fields.draft)
        .collect();
    let site = Site {
        config: config.clone(),
        urls: urls.clone(),
        articles,
        taxonomies,
        pages,
        related,
        copies,
        digests,
        seed_ranks,
        url_lock: content.url_lock,
    };
    (site, diagnostics)
}

/// The seeds in id order; an override for a seed that is not there is warned of.
fn sorted_seeds(
    seeds: Vec<impl Into<Arc<ParsedSeed>>>,
    content: &Content,
    diagnostics: &mut Diagnostics,
) -> Vec<Arc<ParsedSeed>> {
    let mut seeds: Vec<Arc<ParsedSeed>> = seeds.into_iter().map(Into::into).collect();
    seeds.sort_by(|a, b| a.id.cmp(&b.id));
    for (id, o) in &content.overrides {
        if seeds.binary_search_by(|s| s.id.as_str().cmp(id)).is_err() {
            diagnostics.warn(format!(
                "{}: override for seed {id:?}, but no seed has that id",
                o.file.display()
            ));
        }
    }
    seeds
}

/// A seed with its override and, if both are unchanged, the article the last site made of them.
type Input<'c> = (Arc<ParsedSeed>, Option<&'c ArticleOverride>, Option<Draft>);

/// Each seed (in id order) with its override and, if it is unchanged, its article kept in
/// `memo` from the last site, when that was made under the same aliases (`made_under`).
fn pair_with_kept<'c>(
    seeds: Vec<Arc<ParsedSeed>>,
    content: &'c Content,
    memo: Option<&mut Memo>,
    made_under: u128,
) -> Vec<Input<'c>> {
    let kept: Vec<KeptArticle> = memo
        .filter(|m| m.made_under == made_under)
        .map(|m| std::mem::take(&mut m.articles))
        .unwrap_or_default();
    // Both lists are in id order.
    let mut kept_iter = kept.into_iter().peekable();
    let mut inputs: Vec<Input<'c>> = Vec::with_capacity(seeds.len());
    for seed in seeds {
        while kept_iter.next_if(|k| k.seed.id < seed.id).is_some() {}
        let over = content.overrides.get(&seed.id);
        let same = kept_iter
            .next_if(|k| Arc::ptr_eq(&k.seed, &seed) && k.over.as_ref() == over)
            .map(|k| k.draft);
        inputs.push((seed, over, same));
    }
    inputs
}

/// What a session keeps of each article for the next build: its seed and override.
type Source = Option<(Arc<ParsedSeed>, Option<ArticleOverride>)>;

/// The draft of each article (drafts left out unless `include_drafts`), with what a session
/// (`remember`) keeps of it. A kept article is taken as it is; the others are made from their
/// seed and override.
fn make_drafts(
    inputs: Vec<Input<'_>>,
    aliases: &tags::Aliases,
    remember: bool,
    include_drafts: bool,
) -> (Vec<Source>, Vec<Draft>) {
    // Only the seeds made again need their names resolved.
    let names = tags::Resolved::of_seeds(
        inputs.iter().filter(|i| i.2.is_none()).map(|i| &*i.0),
        aliases,
    );
    inputs
        .into_par_iter()
        .map(|(seed, over, same)| match same {
            Some(draft) => (Some((seed, over.cloned())), draft),
            // A session keeps the seed for the next build; a build gives it away.
            None if remember => {
                let draft = Draft::new(apply(Arc::clone(&seed), over, &names));
                (Some((seed, over.cloned())), draft)
            }
            None => (None, Draft::new(apply(seed, over, &names))),
        })
        .filter(|(_, d)| include_drafts || !d.article.draft)
        .unzip()
}

/// Gives tagless articles the vocabulary tags found in their text (or takes them away when
/// inference is off). A kept article inferred its tags under the same vocabulary
/// (`same_vocabulary`): they stand.
fn infer_tags(
    config: &Config,
    vocabulary: &tags::Vocabulary,
    same_vocabulary: bool,
    drafts: &mut [Draft],
) {
    if !config.tags.infer {
        for d in drafts.iter_mut().filter(|d| !d.own_names().1.is_empty()) {
            d.restore_own_names();
            let a = d.article_mut();
            a.inferred_tags.clear();
            a.origins.remove("inferred_tags");
        }
        return;
    }
    drafts
        .par_iter_mut()
        .filter(|d| d.article.tags.is_empty() && !(same_vocabulary && d.digest.is_some()))
        .for_each(|d| {
            let a = &d.article;
            let inferred = vocabulary.infer(&a.title, &a.body_text(), config.tags.max_inferred);
            if d.own_names().1 == inferred.as_slice() {
                return;
            }
            d.restore_own_names();
            let a = d.article_mut();
            if inferred.is_empty() {
                a.origins.remove("inferred_tags");
            } else {
                a.origins.insert("inferred_tags", Origin::Detected);
            }
            a.inferred_tags = inferred;
        });
}

/// Gives every tag and source its first spelling in id order, and returns the spellings.
fn spell_names(drafts: &mut [Draft], memo: Option<&Memo>) -> tags::Spellings {
    let mut spellings = tags::Spellings::default();
    for d in drafts.iter() {
        let (tags, inferred, source) = d.own_names();
        spellings.note(tags.iter().chain(inferred), source);
    }
    // Under the same spellings as the last site, an article kept as it was has them already.
    let same_spellings = memo.is_some_and(|m| m.spellings == spellings);
    for d in drafts.iter_mut() {
        if !(same_spellings && d.digest.is_some()) {
            d.spell(&spellings);
        }
    }
    spellings
}

/// What a session keeps of each article for the next assembly.
fn kept_articles(sources: Vec<Source>, drafts: Vec<Draft>) -> Vec<KeptArticle> {
    sources
        .into_iter()
        .zip(drafts)
        .map(|(source, draft)| {
            let (seed, over) = source.expect("kept in a session");
            KeptArticle { seed, over, draft }
        })
        .collect()
}

/// The articles in site order ([`site_order`]), with their digests and seed ranks.
fn in_site_order(drafts: &[Draft]) -> (Vec<Arc<Article>>, Vec<u128>, Vec<u32>) {
    let order = site_order(drafts);
    let articles = order
        .iter()
        .map(|&i| Arc::clone(&drafts[i].article))
        .collect();
    let digests = order
        .iter()
        .map(|&i| drafts[i].digest.expect("every article has its digest"))
        .collect();
    let seed_ranks = order.iter().map(|&i| i as u32).collect();
    (articles, digests, seed_ranks)
}

/// Positions in `drafts` (id order) in site order: newest first; undated last in id order.
/// Ties break on the position: integers compared, not ids.
fn site_order(drafts: &[Draft]) -> Vec<usize> {
    let mut order: Vec<(bool, std::cmp::Reverse<Option<NaiveDate>>, usize)> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let date = d.article.date;
            (date.is_none(), std::cmp::Reverse(date), i)
        })
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, _, i)| i).collect()
}

/// The terms of every taxonomy, from the articles in site order and their seed ranks.
fn term_lists(articles: &[Arc<Article>], seed_ranks: &[u32]) -> Vec<TermList> {
    taxonomy::ALL
        .iter()
        .map(|&taxonomy| TermList {
            taxonomy,
            terms: collect_terms(articles, seed_ranks, |a| taxonomy.terms_of(a)),
        })
        .collect()
}

/// A slug, the routes redirecting to it, for the article at a position in the drafts.
type SlugToSet = (usize, String, Vec<String>);

/// The slugs (with the redirects, as routes) that differ from what each article (by position
/// in `drafts`, id order) has, under the published slugs of `lock`, and the problems found.
fn slugs_to_set(drafts: &[Draft], lock: &lock::UrlLock) -> (Vec<SlugToSet>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let inputs: Vec<slugs::SlugInput> = drafts
        .iter()
        .map(|d| slugs::SlugInput {
            id: &d.article.id,
            file: &d.article.file,
            pinned: d.article.pinned_slug.as_deref(),
            default: &d.default_slug,
            locked: lock.slugs_of(&d.article.id),
        })
        .collect();
    // Decided from borrowed defaults; only those that differ are copied out.
    let changed = slugs::assign(&inputs, &lock.owners(), &mut diagnostics)
        .into_iter()
        .enumerate()
        .filter(|(i, s)| !drafts[*i].has_slug(s))
        .map(|(i, s)| {
            let redirects = s.redirect_from.into_iter().map(Urls::article).collect();
            (i, s.slug.into_owned(), redirects)
        })
        .collect();
    (changed, diagnostics)
}

/// The terms the articles (in site order) are filed under, each named as the article with the
/// lowest seed rank spells it: the first spelling to arrive, which later seeds do not change.
/// (Tags and sources are given their first spelling earlier, [`tags::Spellings`]; bylines are
/// shown as each article writes them, and only the author's page takes one.)
fn collect_terms<'a, T: Iterator<Item = &'a TermRef>>(
    articles: &'a [Arc<Article>],
    seed_ranks: &[u32],
    terms_of: impl Fn(&'a Article) -> T,
) -> Vec<Term> {
    // Hashed while filled (tens of thousands of lookups), sorted once at the end.
    let mut by_slug: rustc_hash::FxHashMap<&str, (u32, &'a str, Term)> = Default::default();
    for (i, a) in articles.iter().enumerate() {
        let rank = seed_ranks[i];
        for t in terms_of(a) {
            let (first, name, term) = by_slug.entry(&t.slug).or_insert_with(|| {
                let term = Term {
                    name: String::new(),
                    slug: t.slug.clone(),
                    articles: Vec::new(),
                };
                (rank, &t.name, term)
            });
            if rank < *first {
                (*first, *name) = (rank, &t.name);
            }
            if term.articles.last() != Some(&i) {
                term.articles.push(i);
            }
        }
    }
    let mut terms: Vec<Term> = by_slug
        .into_values()
        .map(|(_, name, term)| Term {
            name: name.to_string(),
            ..term
        })
        .collect();
    terms.sort_by(|a, b| a.slug.cmp(&b.slug));
    terms
}

/// Joins blocks into plain text, blocks separated by a blank line, list items by newlines.
/// Written into one string: the text is made on demand (see [`Article::body_text`]), several
/// times per article and build, so copying each block once more to join it was wasted work.
pub fn blocks_to_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for (i, b) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        match b {
            Block::Paragraph { text } | Block::Heading { text } => out.push_str(text),
            Block::List { items } => {
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push('\n');
                    }
                    out.push_str(item);
                }
            }
        }
    }
    out
}

fn markdown_to_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                out.push_str("\n\n")
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

fn apply(
    seed: Arc<ParsedSeed>,
    ov: Option<&crate::content::ArticleOverride>,
    names: &tags::Resolved,
) -> Article {
    // A parse no one else holds (`gazette build`) is taken apart; a shared one (kept by a
    // session's seed cache) is copied.
    let seed = Arc::try_unwrap(seed).unwrap_or_else(|shared| ParsedSeed::clone(&shared));
    let mut origins = BTreeMap::new();
    let f = ov.map(|o| o.fields.clone()).unwrap_or_default();
    macro_rules! pick {
        ($name:literal, $ov:expr, $seed:expr) => {
            match $ov {
                Some(v) => {
                    origins.insert($name, Origin::Override);
                    v
                }
                None => {
                    origins.insert($name, $seed.origin.clone());
                    $seed.value
                }
            }
        };
    }
    let title = pick!("title", f.title, seed.title);
    let date = pick!("date", f.date.map(Some), seed.date);
    let source = pick!("source", f.source.map(Some), seed.source);
    let authors = author_refs(pick!("authors", f.authors, seed.authors));
    let stated_tags = pick!("tags", f.tags, seed.tags);
    let summary = pick!("summary", f.summary, seed.summary);
    let language = pick!("language", f.language, seed.language);
    origins.insert("updated", seed.updated.origin.clone());
    origins.insert("id", Origin::FileName);
    let markdown = ov.and_then(|o| o.body_markdown.as_deref());
    let (body, word_count, reading_time) = match markdown {
        Some(md) => markdown_body(md),
        None => (Body::blocks(seed.body), seed.word_count, seed.reading_time),
    };
    let body_origin = match markdown {
        Some(_) => Origin::Override,
        None => Origin::Detected,
    };
    origins.insert("body", body_origin);
    let tag_refs = tag_refs(&stated_tags, names);
    let source = source.map(|name| names.source(name));
    origins.insert(
        "slug",
        if f.slug.is_some() {
            Origin::Override
        } else {
            Origin::Line(1)
        },
    );
    Article {
        slug: String::new(),
        pinned_slug: f.slug.clone(),
        slug_hint: seed.slug_hint,
        route: String::new(),
        redirects_from: Vec::new(),
        id: seed.id,
        file: seed.file,
        title,
        date,
        updated: seed.updated.value,
        source,
        authors,
        tags: tag_refs,
        stated_tags,
        inferred_tags: Vec::new(),
        language,
        summary,
        dateline: seed.dateline,
        body,
        word_count,
        reading_time,
        draft: f.draft.unwrap_or(false),
        origins,
        warnings: seed.warnings,
    }
}

/// The body an override's Markdown gives, with its words and reading time.
fn markdown_body(md: &str) -> (Body, usize, u32) {
    let text = markdown_to_text(md);
    let words = text.split_whitespace().count();
    let html = crate::content::markdown_to_html(md);
    (Body::html(html, text), words, reading_minutes(words))
}

/// The tags of stated names, aliases resolved, each once (by slug).
fn tag_refs(stated: &[String], names: &tags::Resolved) -> Vec<TermRef> {
    let mut refs: Vec<TermRef> = Vec::new();
    for t in stated {
        let r = names.tag(t);
        // A name with nothing to make a URL of is dropped (see `tags::warn_unusable`).
        let usable = !r.slug.is_empty() && r.slug != "-";
        if usable && !refs.iter().any(|x| x.slug == r.slug) {
            refs.push(r);
        }
    }
    refs
}

/// The bylines as terms: each name once (by slug), a name with nothing to make a URL of left
/// out, as tags are.
fn author_refs(names: Vec<String>) -> Vec<TermRef> {
    let mut out: Vec<TermRef> = Vec::with_capacity(names.len());
    for name in names {
        let name = name.trim().to_string();
        let slug = slugs::term_slug(&name);
        if slug != "-" && !slug.is_empty() && !out.iter().any(|a| a.slug == slug) {
            out.push(TermRef { name, slug });
        }
    }
    out
}

/// Reading time at 230 words per minute, at least one minute.
pub fn reading_minutes(words: usize) -> u32 {
    words.div_ceil(230).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(body: Body) -> Article {
        let config = Config::parse("").unwrap();
        let urls = Urls::new("https://example.org/").unwrap();
        let seed = "Titre de l'article\nUn paragraphe pour commencer le texte de l'article.\n";
        let opts = crate::seed::ParseOptions::from_config(&config);
        let parsed =
            crate::seed::parse_seed(std::path::Path::new("001_a.txt"), seed.as_bytes(), &opts)
                .unwrap();
        let (site, _) = assemble(&config, &urls, vec![parsed], Content::default(), false);
        let mut a = Arc::unwrap_or_clone(site.articles.into_iter().next().unwrap());
        a.body = body;
        a
    }

    /// A series of assemblies keeps the tags it inferred and gives an unchanged text the same
    /// ones, until the vocabulary changes: every step equals an assembly from scratch.
    #[test]
    fn inferred_tags_kept_in_a_series_equal_fresh_ones() {
        let config = Config::parse("").unwrap();
        let urls = Urls::new("https://example.org/").unwrap();
        let opts = crate::seed::ParseOptions::from_config(&config);
        // Shared, as a session's seed cache shares them: an unchanged seed is the same `Arc`.
        let seed = |name: &str, text: &str| {
            Arc::new(
                crate::seed::parse_seed(std::path::Path::new(name), text.as_bytes(), &opts)
                    .unwrap(),
            )
        };
        let tagless = seed(
            "001_a.txt",
            "La Bretagne face au Maroc\nUn long texte sur la Bretagne, puis sur le Maroc et la Bretagne.\n",
        );
        let bretagne = seed(
            "002_b.txt",
            "Les ports bretons\nUn texte sur les ports.\nEtiquettes : Bretagne,\n",
        );
        let maroc = seed(
            "003_c.txt",
            "Rabat en fête\nUn texte sur Rabat.\nEtiquettes : Maroc,\n",
        );
        let inferred = |site: &Site| -> Vec<Vec<String>> {
            site.articles
                .iter()
                .map(|a| a.inferred_tags.iter().map(|t| t.name.clone()).collect())
                .collect()
        };
        let mut memo = Memo::default();
        let step = |seeds: Vec<Arc<ParsedSeed>>, memo: &mut Memo| {
            let fresh = assemble(&config, &urls, seeds.clone(), Content::default(), false).0;
            let kept =
                assemble_from(&config, &urls, seeds, Content::default(), false, Some(memo)).0;
            assert_eq!(inferred(&kept), inferred(&fresh));
            inferred(&kept)
        };
        let first = step(vec![tagless.clone(), bretagne.clone()], &mut memo);
        assert!(first.contains(&vec!["Bretagne".to_string()]), "{first:?}");
        // A new tag in the vocabulary: the unchanged text is searched again.
        let second = step(
            vec![tagless.clone(), bretagne.clone(), maroc.clone()],
            &mut memo,
        );
        assert!(
            second.contains(&vec!["Bretagne".to_string(), "Maroc".to_string()]),
            "{second:?}"
        );
        // The same vocabulary: the kept articles keep their tags, not inferred again
        // (tampered with here to show it).
        for kept in &mut memo.articles {
            Arc::make_mut(&mut kept.draft.article).inferred_tags.clear();
        }
        let all = vec![tagless, bretagne, maroc];
        let kept = assemble_from(
            &config,
            &urls,
            all.clone(),
            Content::default(),
            false,
            Some(&mut memo),
        )
        .0;
        assert!(inferred(&kept).iter().all(Vec::is_empty));
        // Another limit is another memo.
        let config = Config::parse("[tags]\nmax_inferred = 1\n").unwrap();
        let limited = assemble_from(
            &config,
            &urls,
            all,
            Content::default(),
            false,
            Some(&mut memo),
        )
        .0;
        assert!(
            inferred(&limited).iter().any(|t| t.len() == 1),
            "{:?}",
            inferred(&limited)
        );
    }

    fn para(t: &str) -> Block {
        Block::Paragraph { text: t.into() }
    }

    /// The first paragraph is the first piece of the whole text, whatever the body holds.
    #[test]
    fn first_paragraph_is_the_head_of_the_body_text() {
        let bodies = [
            Body::blocks(vec![]),
            Body::blocks(vec![para("Un."), para("Deux.")]),
            Body::blocks(vec![
                Block::List {
                    items: vec!["a".into(), "b".into()],
                },
                para("Deux."),
            ]),
            Body::html("<p>Un.</p><p>Deux.</p>".into(), "Un.\n\nDeux.".into()),
        ];
        let mut heads = Vec::new();
        for body in bodies {
            let a = article(body);
            let text = a.body_text();
            assert_eq!(a.first_paragraph(), text.split("\n\n").next().unwrap());
            heads.push(a.first_paragraph().into_owned());
        }
        assert_eq!(heads, ["", "Un.", "a\nb", "Un."]);
    }

    /// Bylines become author terms: one per slug, in byline order, unusable names left out.
    #[test]
    fn bylines_become_author_terms() {
        let names = ["Anne Durand", " Jean-Luc Émond ", "ANNE DURAND", "---"];
        let refs = author_refs(names.iter().map(|n| n.to_string()).collect());
        let pairs: Vec<(&str, &str)> = refs
            .iter()
            .map(|r| (r.name.as_str(), r.slug.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("Anne Durand", "anne-durand"),
                ("Jean-Luc Émond", "jean-luc-emond")
            ]
        );
    }

    /// Every taxonomy has its term list in the site, in definition order, each term listing
    /// its articles in site order.
    #[test]
    fn the_site_lists_the_terms_of_every_taxonomy() {
        let config = Config::parse("").unwrap();
        let urls = Urls::new("https://example.org/").unwrap();
        let opts = crate::seed::ParseOptions::from_config(&config);
        let seeds: Vec<ParsedSeed> = [
            (
                "001_a.txt",
                "Premier titre\nPar Anne Durand et Marc Petit\nAFP, 02/03/2022\nUn texte.\n",
            ),
            (
                "002_b.txt",
                "Second titre\nPar Anne Durand\nAFP, 03/03/2022\nUn autre texte.\n",
            ),
        ]
        .iter()
        .map(|(name, text)| {
            crate::seed::parse_seed(std::path::Path::new(name), text.as_bytes(), &opts).unwrap()
        })
        .collect();
        let (site, _) = assemble(&config, &urls, seeds, Content::default(), false);
        let names: Vec<&str> = site.taxonomies.iter().map(|l| l.taxonomy.name).collect();
        assert_eq!(names, ["tags", "sources", "authors"]);
        let authors: Vec<(&str, &[usize])> = site
            .terms_of(&taxonomy::AUTHORS)
            .iter()
            .map(|t| (t.name.as_str(), t.articles.as_slice()))
            .collect();
        assert_eq!(
            authors,
            [("Anne Durand", &[0, 1][..]), ("Marc Petit", &[1][..])]
        );
        assert_eq!(site.terms_of(&taxonomy::SOURCES)[0].articles, [0, 1]);
    }

    /// An author's page takes the first spelling to arrive (lowest seed id), whatever the
    /// dates: a newer seed spelling the name otherwise does not rename the page.
    #[test]
    fn an_author_is_named_as_the_first_seed_spells_it() {
        let config = Config::parse("").unwrap();
        let urls = Urls::new("https://example.org/").unwrap();
        let opts = crate::seed::ParseOptions::from_config(&config);
        let seed = |name: &str, byline: &str, date: &str| {
            let text = format!("Un titre\nPar {byline}\nAFP, {date}\nUn texte.\n");
            crate::seed::parse_seed(std::path::Path::new(name), text.as_bytes(), &opts).unwrap()
        };
        let seeds = vec![
            seed("001_a.txt", "Anne Durand", "02/03/2022"),
            seed("002_b.txt", "Anne DURAND", "05/03/2022"),
        ];
        let (site, _) = assemble(&config, &urls, seeds, Content::default(), false);
        let authors = site.terms_of(&taxonomy::AUTHORS);
        assert_eq!(authors.len(), 1);
        assert_eq!(authors[0].name, "Anne Durand");
        assert_eq!(authors[0].articles, [0, 1]);
        assert_eq!(
            site.articles[0].authors[0].name, "Anne DURAND",
            "bylines as written"
        );
    }
}

#[cfg(test)]
mod series_tests;
