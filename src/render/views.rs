//! Borrowed serialisation views of the site model for templates.
//!
//! Templates see URLs already joined with the base path, dates already formatted in the site
//! language and bodies already escaped into HTML, so a theme cannot forget any of them.

use anyhow::{Context as _, Result};
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use tera::{Context, Tera};

use super::html::{body_html, escape};
use super::lang::{format_date, Labels};
use super::minify::{self, Fragment};
use crate::site::taxonomy::{Taxonomy, AUTHORS, SOURCES, TAGS};
use crate::site::{Article, Site, Term, TermRef};

/// The theme's partial for an article card.
const CARD_TEMPLATE: &str = "partials/card.html";

/// A link to a term's page: a tag, a source, an author.
#[derive(Serialize)]
pub struct TermLink<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL with base path.
    pub url: String,
    /// True for inferred tags.
    pub inferred: bool,
}

/// The most copies of a story an article page names.
const MAX_COPIES: usize = 8;

/// An article in a list (home, tag page, related articles).
#[derive(Serialize)]
pub struct ArticleCard<'a> {
    /// Headline.
    pub title: &'a str,
    /// URL with base path.
    pub url: String,
    /// `2021-07-27` or null.
    pub date: Option<String>,
    /// `27 juillet 2021` in the site language, or null.
    pub date_display: Option<String>,
    /// Source link.
    pub source: Option<TermLink<'a>>,
    /// Stated then inferred tags.
    pub tags: Vec<TermLink<'a>>,
    /// Bylines, each linked to its author's page.
    pub authors: Vec<TermLink<'a>>,
    /// A short plain-text teaser.
    pub teaser: String,
    /// Minutes.
    pub reading_time: u32,
    /// Article language when it differs from the site language, else null.
    pub lang: Option<&'a str>,
}

/// A card in a list: the card's fields plus its HTML, rendered once (see
/// [`ViewBuilder::render_cards_with`]).
#[derive(Serialize)]
pub struct CardItem<'a> {
    /// The [`ArticleCard`] fields.
    #[serde(flatten)]
    pub card: &'a serde_json::Value,
    /// The theme's `partials/card.html` for this card, heading level 2.
    pub html: Cow<'a, str>,
    /// The same with a level-3 heading.
    pub html_h3: Cow<'a, str>,
}

/// The id of the card of article `i` with a heading of `level` (2 or 3), as in markers.
pub fn card_id(i: usize, level: u8) -> usize {
    i * 2 + usize::from(level != 2)
}

/// The article and heading level of card `id` (the inverse of [`card_id`]).
pub fn card_of_id(id: usize) -> (usize, u8) {
    (id / 2, if id % 2 == 0 { 2 } else { 3 })
}

/// Everything an article page shows.
#[derive(Serialize)]
pub struct ArticleView<'a> {
    /// The list view fields.
    #[serde(flatten)]
    pub card: ArticleCard<'a>,
    /// Seed id.
    pub id: &'a str,
    /// Absolute URL.
    pub permalink: String,
    /// Article language (always set).
    pub language: &'a str,
    /// Update date, formatted.
    pub updated_display: Option<String>,
    /// `2021-07-27` or null.
    pub updated: Option<String>,
    /// Summary bullets.
    pub summary: &'a [String],
    /// Dateline place.
    pub dateline: Option<&'a str>,
    /// Escaped body HTML.
    pub body_html: String,
    /// Words.
    pub word_count: usize,
    /// Related articles.
    pub related: Vec<CardItem<'a>>,
    /// The other copies of the story (the same wire story elsewhere, or scraped twice), as
    /// cards: the reader sees who else published it.
    pub copies: Vec<&'a serde_json::Value>,
    /// Copies beyond those listed: a story reprinted by a hundred outlets names a few.
    pub more_copies: usize,
    /// Next newer article.
    pub newer: Option<&'a serde_json::Value>,
    /// Next older article.
    pub older: Option<&'a serde_json::Value>,
    /// JSON-LD `NewsArticle`, safe to put inside a `<script>` element.
    pub json_ld: String,
    /// Meta description.
    pub description: String,
}

/// An Atom feed entry: the article without the page-only parts (related articles, JSON-LD),
/// which would cost a lot across hundreds of tag feeds.
#[derive(Serialize)]
pub struct FeedEntry<'a> {
    /// The list view fields.
    #[serde(flatten)]
    pub card: ArticleCard<'a>,
    /// Absolute URL.
    pub permalink: String,
    /// Article language.
    pub language: &'a str,
    /// `2021-07-27` or null.
    pub updated: Option<String>,
    /// Summary or teaser.
    pub description: String,
    /// Escaped body HTML.
    pub body_html: String,
}

/// Builds views; holds what every view needs.
pub struct ViewBuilder<'a> {
    /// The site.
    pub site: &'a Site,
    /// Localised labels.
    pub labels: &'static Labels,
    /// The card of every article, serialised once, on first use: a card appears on list, tag,
    /// source, archive and related lists, and serialising it for each was a large share of
    /// rendering; an incremental build needs only the cards of the pages it renders.
    cards: Vec<OnceLock<Arc<serde_json::Value>>>,
    /// Renders card HTML, once set by [`ViewBuilder::render_cards_with`].
    card_renderer: Option<CardRenderer<'a>>,
    /// Each card as rendered by the theme, at heading levels 2 and 3, made on first use.
    card_html: Vec<[OnceLock<Result<Fragment, String>>; 2]>,
    /// Cards an earlier build made, and the digest of each article to find its own.
    earlier: Option<(&'a CardStore, &'a [u128])>,
}

/// Cards made by a build, for the next build of the same site to take instead of rendering
/// them again: an added seed changes the page numbers of every home page, and rendering and
/// minifying their cards again was most of an incremental build's rendering.
///
/// A card is keyed by the [`crate::site::Article::digest`] of its article and its heading
/// level; a store is valid only for the theme, settings and shared context it was made with
/// ([`CardStore::context`]).
///
/// `gazette serve` also keeps, in memory only, each card serialised for templates and the
/// minified shells of the list pages (see [`minify::Shells`]): the home pages an added article
/// renumbers are then spliced from what is kept, not serialised and minified again.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CardStore {
    /// Digest of everything besides the article that a card depends on.
    pub context: [u8; 32],
    /// (article digest, heading level) → the card as lists show it.
    pub cards: rustc_hash::FxHashMap<(u128, u8), Fragment>,
    /// Article digest → the card serialised for templates (memory only).
    pub values: rustc_hash::FxHashMap<u128, Arc<serde_json::Value>>,
    /// The minified shells of the list pages of the build (memory only).
    pub shells: minify::Shells,
}

/// The cards of one build, by article position: see [`ViewBuilder::into_made`].
pub struct MadeCards {
    values: Vec<Option<Arc<serde_json::Value>>>,
    fragments: Vec<[Option<Fragment>; 2]>,
}

impl CardStore {
    /// The store for the next build: this one (the earlier store, taken whole) with the cards
    /// of this build added, under the shared `context` digest of this build; and whether it
    /// changed. With the `shells` its list pages used, the store keeps those and the
    /// serialised cards ([`CardStore::values`]); without, the serialised cards are freed.
    ///
    /// The earlier cards are kept rather than copied into a new store: a card of an article
    /// that changed or left stays until the store holds more than twice the site's cards, and
    /// is then dropped with the others of its kind. Copying the live cards into a new store
    /// every build took longer than anything else a rebuild did on one core.
    pub fn update(
        self,
        context: [u8; 32],
        digests: &[u128],
        made: MadeCards,
        shells: Option<minify::Shells>,
    ) -> (CardStore, bool) {
        let keep_memos = shells.is_some();
        let same = self.context == context;
        let mut changed = !same;
        let mut store = if same { self } else { CardStore::default() };
        store.context = context;
        store.shells = shells.unwrap_or_default();
        if keep_memos {
            for (value, digest) in made.values.into_iter().zip(digests) {
                if let Some(value) = value {
                    store.values.entry(*digest).or_insert(value);
                }
            }
        } else {
            store.values = Default::default();
        }
        for (levels, digest) in made.fragments.into_iter().zip(digests) {
            for (fragment, level) in levels.into_iter().zip([2, 3]) {
                if let Some(fragment) = fragment {
                    if let std::collections::hash_map::Entry::Vacant(free) =
                        store.cards.entry((*digest, level))
                    {
                        free.insert(fragment);
                        changed = true;
                    }
                }
            }
        }
        let stale = |held: usize, live: usize| held > 2 * live + 1024;
        if stale(store.cards.len(), 2 * digests.len()) || stale(store.values.len(), digests.len()) {
            let current: rustc_hash::FxHashSet<u128> = digests.iter().copied().collect();
            store.cards.retain(|(d, _), _| current.contains(d));
            store.values.retain(|d, _| current.contains(d));
            changed = true;
        }
        (store, changed)
    }
}

/// What rendering a card's HTML takes.
struct CardRenderer<'a> {
    tera: &'a Tera,
    common: &'a Context,
    minify: bool,
}

impl<'a> ViewBuilder<'a> {
    /// Prepares the views of a site.
    pub fn new(site: &'a Site, labels: &'static Labels) -> ViewBuilder<'a> {
        ViewBuilder {
            site,
            labels,
            cards: site.articles.iter().map(|_| OnceLock::new()).collect(),
            card_renderer: None,
            card_html: site.articles.iter().map(|_| Default::default()).collect(),
            earlier: None,
        }
    }

    /// Takes cards from `earlier` (made under the same shared context) instead of rendering
    /// them, finding each article's by its digest in `digests`.
    pub fn reuse_cards(&mut self, earlier: &'a CardStore, digests: &'a [u128]) {
        self.earlier = Some((earlier, digests));
    }

    /// What this build made or took of each article's card (its serialised fields, its HTML
    /// at both heading levels), apart from the store it took them from, which the builder only
    /// borrowed. Takes the builder, so that the cards move instead of being copied.
    pub fn into_made(self) -> MadeCards {
        MadeCards {
            values: self.cards.into_iter().map(OnceLock::into_inner).collect(),
            fragments: self
                .card_html
                .into_iter()
                .map(|levels| levels.map(|slot| slot.into_inner().and_then(Result::ok)))
                .collect(),
        }
    }

    /// The card of article `i`, serialised.
    pub fn card_value(&self, i: usize) -> &serde_json::Value {
        self.cards[i].get_or_init(|| {
            if let Some((earlier, digests)) = self.earlier {
                if let Some(value) = earlier.values.get(&digests[i]) {
                    return Arc::clone(value);
                }
            }
            Arc::new(
                serde_json::to_value(self.card(&self.site.articles[i])).expect("cards serialise"),
            )
        })
    }

    /// Lets lists show each card as the HTML of the theme's `partials/card.html`, rendered
    /// once per article and heading level, on first use: a card shows on up to a dozen pages
    /// (home, tags, source, archive, related lists), and rendering it once instead of on each
    /// page removes most of the cost of list pages. Lists get it as the card's `html` (heading
    /// level 2) and `html_h3` (level 3, for cards under a section heading such as related
    /// articles); see [`CardItem`]. Themes may still include the partial themselves.
    ///
    /// With `minify`, a list gets a small marker instead, and the card, minified once, replaces
    /// the marker when the page is minified ([`minify::html_with_fragments`]).
    pub fn render_cards_with(&mut self, tera: &'a Tera, common: &'a Context, minify: bool) {
        self.card_renderer = Some(CardRenderer {
            tera,
            common,
            minify,
        });
    }

    /// The theme's card partial for article `i` with a heading of `level` (2 or 3), as rendered.
    pub fn render_card(&self, i: usize, level: u8) -> Result<String> {
        let r = self
            .card_renderer
            .as_ref()
            .context("internal error: card HTML asked for before render_cards_with")?;
        let card = self.card_value(i);
        let mut ctx = r.common.clone();
        ctx.insert("item", card);
        ctx.insert("level", &level);
        r.tera
            .render(CARD_TEMPLATE, &ctx)
            .map_err(|e| anyhow::anyhow!(super::tera_error_chain(&e)))
            .with_context(|| format!("cannot render the card of {}", card["url"]))
    }

    /// Card `id` (see [`card_id`]) as a page shows it: rendered once, and minified once on a
    /// minified site.
    pub fn card_fragment(&self, id: usize) -> Result<&Fragment> {
        let (i, level) = card_of_id(id);
        let slot = self
            .card_html
            .get(i)
            .map(|levels| &levels[id % 2])
            .context("internal error: no such card")?;
        let minify = self.card_renderer.as_ref().is_some_and(|r| r.minify);
        slot.get_or_init(|| {
            if let Some((earlier, digests)) = self.earlier {
                if let Some(f) = earlier.cards.get(&(digests[i], level)) {
                    return Ok(f.clone());
                }
            }
            self.render_card(i, level)
                .map(|raw| Fragment::new(raw, minify))
                .map_err(|e| format!("{e:#}"))
        })
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// The card of article `i` as lists show it: its fields and its HTML (or, on a minified
    /// site, the markers standing for it).
    pub fn card_item(&self, i: usize) -> Result<CardItem<'_>> {
        let minify = self.card_renderer.as_ref().is_some_and(|r| r.minify);
        let html = |level: u8| -> Result<Cow<'_, str>> {
            let id = card_id(i, level);
            Ok(if minify {
                Cow::Owned(minify::marker(id))
            } else {
                Cow::Borrowed(self.card_fragment(id)?.text())
            })
        };
        Ok(CardItem {
            card: self.card_value(i),
            html: html(2)?,
            html_h3: html(3)?,
        })
    }

    /// Absolute-path URL of a route.
    pub fn url(&self, route: &str) -> String {
        self.site.urls.route(route)
    }

    /// The links to the pages of the article's terms of `taxonomy`, stated then inferred.
    fn term_links(&self, taxonomy: &Taxonomy, a: &'a Article) -> Vec<TermLink<'a>> {
        let [stated, inferred] = (taxonomy.values)(a);
        let link = |t: &'a TermRef, inferred: bool| TermLink {
            name: &t.name,
            url: self.url(&taxonomy.term_route(&t.slug)),
            inferred,
        };
        let stated = stated.iter().map(|t| link(t, false));
        stated
            .chain(inferred.iter().map(|t| link(t, true)))
            .collect()
    }

    /// List view of an article.
    pub fn card(&self, a: &'a Article) -> ArticleCard<'a> {
        let lang = self.site.config.language.as_str();
        ArticleCard {
            title: &a.title,
            url: self.url(&a.route),
            date: a.date.map(|d| d.format("%Y-%m-%d").to_string()),
            date_display: a.date.map(|d| format_date(d, lang)),
            source: self.term_links(&SOURCES, a).pop(),
            tags: self.term_links(&TAGS, a),
            authors: self.term_links(&AUTHORS, a),
            teaser: teaser(a, 220),
            reading_time: a.reading_time,
            lang: (a.language != lang).then_some(a.language.as_str()),
        }
    }

    /// Page view of article `i`.
    pub fn article(&'a self, i: usize) -> Result<ArticleView<'a>> {
        let a = &self.site.articles[i];
        let lang = self.site.config.language.as_str();
        let permalink = self.site.urls.absolute(&a.route);
        let description = description(a);
        Ok(ArticleView {
            json_ld: json_ld(self.site, a, &permalink, &description),
            card: self.card(a),
            id: &a.id,
            permalink,
            language: &a.language,
            updated_display: a.updated.map(|d| format_date(d, lang)),
            updated: a.updated.map(|d| d.format("%Y-%m-%d").to_string()),
            summary: &a.summary,
            dateline: a.dateline.as_deref(),
            body_html: body_under_headline(a),
            word_count: a.word_count,
            // Copies of the story are listed as such; related articles never hold one.
            related: self.site.related[i]
                .iter()
                .map(|&r| self.card_item(r))
                .collect::<Result<_>>()?,
            copies: self.site.copies[i]
                .iter()
                .take(MAX_COPIES)
                .map(|&c| self.card_value(c))
                .collect(),
            more_copies: self.site.copies[i].len().saturating_sub(MAX_COPIES),
            newer: self.site.newer(i).map(|n| self.card_value(n)),
            older: self.site.older(i).map(|o| self.card_value(o)),
            description,
        })
    }

    /// Feed view of article `i`.
    pub fn feed_entry(&self, i: usize) -> FeedEntry<'_> {
        let a = &self.site.articles[i];
        FeedEntry {
            card: self.card(a),
            permalink: self.site.urls.absolute(&a.route),
            language: &a.language,
            updated: a.updated.map(|d| d.format("%Y-%m-%d").to_string()),
            description: description(a),
            body_html: body_under_headline(a),
        }
    }

    /// The archive's link to the list of undated articles, when there are any: the archive
    /// lists dated articles by month, and this is how the others are reached.
    pub fn undated_link(&self, count: usize) -> Option<UndatedLink> {
        (count > 0).then(|| UndatedLink {
            url: self.url(&crate::urls::Urls::undated()),
            count,
        })
    }

    /// Name, URL and count of a term, for index pages.
    pub fn term_entry(&self, t: &'a Term, route: String) -> TermEntry<'a> {
        TermEntry {
            name: &t.name,
            slug: &t.slug,
            url: self.url(&route),
            count: t.articles.len(),
        }
    }
}

/// A taxonomy as every template sees it (`taxonomies`): the menu lists those with pages, the
/// search page a filter for each.
#[derive(Serialize)]
pub struct TaxonomyView {
    /// `tags`, `sources`, `authors`: the `kind` of its pages.
    pub name: &'static str,
    /// Whether it has pages (`[taxonomies]` of `config.toml`).
    pub pages: bool,
    /// URL of its index, with base path.
    pub url: String,
    /// Its labels in the site language.
    #[serde(flatten)]
    pub labels: &'static crate::site::taxonomy::Labels,
    /// Query parameter of its search filter (`tag`).
    pub param: &'static str,
    /// Key of its search filter in `search/f/facets.json`.
    pub filter_key: &'static str,
}

/// The site's taxonomies as templates see them.
pub fn taxonomies(site: &Site) -> Vec<TaxonomyView> {
    let lang = site.config.language.as_str();
    site.taxonomies
        .iter()
        .map(|list| {
            let t = list.taxonomy;
            TaxonomyView {
                name: t.name,
                pages: t.enabled(&site.config),
                url: site.urls.route(&t.index_route()),
                labels: t.labels(lang),
                param: t.param,
                filter_key: t.filter_key,
            }
        })
        .collect()
}

/// The archive's entry for the articles without a date (`undated` in `archive.html`).
#[derive(Serialize)]
pub struct UndatedLink {
    /// URL of the first page of the list, with base path.
    pub url: String,
    /// Number of undated articles.
    pub count: usize,
}

/// A line of the index of a taxonomy.
#[derive(Serialize)]
pub struct TermEntry<'a> {
    /// Display name.
    pub name: &'a str,
    /// Slug.
    pub slug: &'a str,
    /// URL with base path.
    pub url: String,
    /// Number of articles.
    pub count: usize,
}

/// Meta description: the summary bullets, else the opening of the body.
fn description(a: &Article) -> String {
    if a.summary.is_empty() {
        teaser(a, 200)
    } else {
        truncate_chars(&a.summary.join(" "), 200)
    }
}

/// The first `max` characters of the body, cut on a word. When the headline was made from the
/// body's first sentence, the teaser starts after that sentence: a card must not say its
/// headline twice.
pub fn teaser(a: &Article, max: usize) -> String {
    let first = a.first_paragraph();
    match after_headline(&first, &a.title) {
        Some("") => {
            let body = a.body_text();
            let next = body.split("\n\n").nth(1).unwrap_or("");
            truncate_chars(next, max)
        }
        Some(rest) => truncate_chars(rest, max),
        None => truncate_chars(&first, max),
    }
}

/// What follows, in `text`, the sentence `title` was cut from, when `text` opens with it (after
/// a dateline such as `Tel Aviv.` at most).
fn after_headline<'t>(text: &'t str, title: &str) -> Option<&'t str> {
    const DATELINE: usize = 60;
    let head = title.trim_end_matches('…').trim_end();
    if head.is_empty() {
        return None;
    }
    let at = text.find(head).filter(|&at| at <= DATELINE)?;
    let rest = &text[at + head.len()..];
    if let Some(after) = rest.strip_prefix(['.', '!', '?', '…']) {
        return Some(after.trim_start());
    }
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = matches!(c, '.' | '!' | '?' | '…');
        if ends && chars.peek().is_none_or(|(_, n)| n.is_whitespace()) {
            return Some(rest[i + c.len_utf8()..].trim_start());
        }
    }
    Some("")
}

/// The body's HTML as the article page and feed entries show it, under the headline: when the
/// headline was made from the body's first sentence, the lead does not say it again. A whole
/// sentence is left out of the first paragraph (it is the headline); a sentence the headline
/// was cut from goes on after `…` where the headline stopped. A dateline before it stays.
fn body_under_headline(a: &Article) -> String {
    let html = body_html(&a.body);
    if a.origins.get("title") != Some(&crate::seed::Origin::FirstSentence) {
        return html;
    }
    let first = a.first_paragraph();
    let Some(lead) = lead_under_headline(&first, &a.title, a.dateline.as_deref()) else {
        return html;
    };
    let Some(rest) = html.strip_prefix(&format!("<p>{}</p>\n", escape(&first))) else {
        return html;
    };
    if lead.is_empty() {
        return rest.to_string();
    }
    format!("<p>{}</p>\n{rest}", escape(&lead))
}

/// The first paragraph `text` without the headline `title` made from its first sentence:
/// `None` when the paragraph does not open with the headline (after the article's `dateline`,
/// `Tel Aviv.`, at most).
fn lead_under_headline(text: &str, title: &str, dateline: Option<&str>) -> Option<String> {
    const DATELINE: usize = 60;
    let head = title.trim_end_matches('…').trim_end();
    if head.is_empty() {
        return None;
    }
    let at = text.find(head).filter(|&at| {
        at == 0 || (at <= DATELINE && dateline.is_some_and(|d| text.starts_with(d)))
    })?;
    let (dateline, rest) = (text[..at].trim_end(), &text[at + head.len()..]);
    let join = |lead: &str| match (dateline.is_empty(), lead.is_empty()) {
        (true, _) => lead.to_string(),
        (false, true) => dateline.to_string(),
        (false, false) => format!("{dateline} {lead}"),
    };
    match rest.strip_prefix(['.', '!', '?', '…']) {
        // The headline is the whole sentence.
        Some(after) if !title.ends_with('…') => Some(join(after.trim_start())),
        // Cut within the sentence (on a word, or at a clause): the lead takes it up there.
        _ => {
            let after = rest.trim_start_matches([',', ';', ':', ' ', '\u{a0}']);
            Some(join(&format!("…{after}")))
        }
    }
}

/// Cuts text to at most `max` characters on a word boundary, adding `…` when cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c))
    )
}

fn json_ld(site: &Site, a: &Article, permalink: &str, description: &str) -> String {
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "url": permalink,
        "mainEntityOfPage": permalink,
        "inLanguage": a.language,
        "description": description,
        "wordCount": a.word_count,
        "publisher": {"@type": "Organization", "name": site.config.title},
    });
    if let Some(d) = a.date {
        v["datePublished"] = d.format("%Y-%m-%d").to_string().into();
    }
    if let Some(d) = a.updated {
        v["dateModified"] = d.format("%Y-%m-%d").to_string().into();
    }
    if !a.authors.is_empty() {
        v["author"] = a
            .authors
            .iter()
            .map(|n| serde_json::json!({"@type": "Person", "name": n.name}))
            .collect();
    }
    if let Some(s) = &a.source {
        v["sourceOrganization"] = serde_json::json!({"@type": "Organization", "name": s.name});
    }
    let keywords: Vec<&str> = a.all_tags().map(|t| t.name.as_str()).collect();
    if !keywords.is_empty() {
        v["keywords"] = keywords.join(", ").into();
    }
    script_safe_json(&v)
}

/// JSON that cannot close the `<script>` element it sits in nor open a comment.
pub fn script_safe_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Escapes for HTML attributes and text (re-exported for templates built in Rust).
pub fn esc(text: &str) -> String {
    escape(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lead_does_not_repeat_a_headline_made_from_it() {
        let lead = |text, title| lead_under_headline(text, title, None);
        // The whole sentence is the headline: the lead starts at the next one.
        assert_eq!(
            lead(
                "Le maire a démissionné. Il part demain.",
                "Le maire a démissionné"
            )
            .as_deref(),
            Some("Il part demain.")
        );
        assert_eq!(
            lead("Le maire a démissionné.", "Le maire a démissionné").as_deref(),
            Some("")
        );
        // Cut on a word: the sentence goes on after `…`, the dateline stays.
        assert_eq!(
            lead_under_headline(
                "Tel Aviv. Le ministre prévoit de commenter le scandale mercredi. Suite.",
                "Le ministre prévoit de commenter…",
                Some("Tel Aviv")
            )
            .as_deref(),
            Some("Tel Aviv. …le scandale mercredi. Suite.")
        );
        // Cut at a clause, without an ellipsis.
        assert_eq!(
            lead(
                "Le texte est adopté, malgré l’opposition. Fin.",
                "Le texte est adopté"
            )
            .as_deref(),
            Some("…malgré l’opposition. Fin.")
        );
        assert_eq!(lead("Autre chose. Le maire.", "Le maire"), None);
    }

    /// A teaser does not repeat a headline cut from its first sentence: it starts after that
    /// sentence (or with the next paragraph), and is left whole under any other headline.
    #[test]
    fn teasers_start_after_the_sentence_the_headline_was_cut_from() {
        let text = "Le gouvernement a annoncé mardi des mesures pour les agriculteurs, qui \
                    manifestent depuis des semaines. Les syndicats ont salué un premier pas.";
        let clause = "Le gouvernement a annoncé mardi des mesures pour les agriculteurs";
        assert_eq!(
            after_headline(text, clause),
            Some("Les syndicats ont salué un premier pas.")
        );
        let whole = "Le gouvernement a annoncé mardi des mesures pour les agriculteurs, qui \
                     manifestent depuis des semaines";
        assert_eq!(
            after_headline(text, whole),
            Some("Les syndicats ont salué un premier pas.")
        );
        assert_eq!(
            after_headline(text, &format!("{}…", &clause[..30])),
            Some("Les syndicats ont salué un premier pas.")
        );
        assert_eq!(
            after_headline("Une seule phrase ici.", "Une seule phrase ici"),
            Some("")
        );
        assert_eq!(after_headline(text, "Un autre titre"), None);
        let dated = format!("Tel Aviv. {text}");
        assert_eq!(
            after_headline(&dated, clause),
            Some("Les syndicats ont salué un premier pas.")
        );
    }

    /// Cards made for the articles of `digests`, at both levels, named after their digest.
    fn made(digests: &[u128]) -> MadeCards {
        MadeCards {
            values: digests
                .iter()
                .map(|d| Some(Arc::new(serde_json::json!(d.to_string()))))
                .collect(),
            fragments: digests
                .iter()
                .map(|d| [2, 3].map(|l| Some(Fragment::Minified(format!("{d}/{l}").into()))))
                .collect(),
        }
    }

    /// A store grows by the cards a build made, says whether it changed, keeps the cards of
    /// articles that left until it holds more than twice the site's, and starts again under
    /// another context.
    #[test]
    fn a_card_store_grows_and_is_pruned() {
        let context = [1; 32];
        let shells = || Some(minify::Shells::default());
        let first: Vec<u128> = (0..10).collect();
        let (store, changed) = CardStore::default().update(context, &first, made(&first), shells());
        assert!(changed);
        assert_eq!((store.cards.len(), store.values.len()), (20, 10));
        // The same cards again: unchanged.
        let (store, changed) = store.update(context, &first, made(&first), shells());
        assert!(!changed);
        // One article changed: its new card is added, the old one kept for now.
        let second: Vec<u128> = (1..11).collect();
        let (store, changed) = store.update(context, &second, made(&second), shells());
        assert!(changed);
        assert_eq!(store.cards.len(), 22);
        assert!(store.cards.contains_key(&(0, 2)));
        // Without shells (`gazette build`), no serialised cards are kept.
        let (kept, _) = store.clone().update(context, &second, made(&second), None);
        assert!(kept.values.is_empty() && kept.cards.len() == 22);
        // A site of one article: the stale cards outnumber the rule and go.
        let (many, _) = CardStore::default().update(
            context,
            &(0..2000).collect::<Vec<_>>(),
            made(&(0..2000).collect::<Vec<_>>()),
            shells(),
        );
        let (pruned, changed) = many.update(context, &[5], made(&[5]), shells());
        assert!(changed);
        assert_eq!((pruned.cards.len(), pruned.values.len()), (2, 1));
        // Another context: nothing is kept.
        let (other, changed) = pruned.update([2; 32], &[7], made(&[7]), shells());
        assert!(changed);
        assert_eq!(other.cards.len(), 2);
        assert!(other.cards.contains_key(&(7, 3)));
    }
}
