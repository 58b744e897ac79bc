//! Stage 4: render the site model into in-memory files with tera.
//!
//! Templates are parsed once; pages are independent jobs rendered in parallel with rayon and
//! returned in a fixed order, so the output is the same whatever the thread schedule.

pub mod archive;
pub mod html;
pub mod lang;
pub mod list_reads;
pub mod locate;
pub mod minify;
pub mod theme;
pub mod views;

use std::borrow::Cow;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::output::{OutputFile, Sink};
use crate::site::taxonomy::Taxonomy;
use crate::site::{Site, Term};
use crate::urls::Urls;
use lang::Labels;
use theme::Theme;
pub use views::CardStore;
use views::ViewBuilder;

/// Entries in each Atom feed.
const FEED_ENTRIES: usize = 20;

/// URLs a sitemap file may list (the sitemaps.org protocol's limit).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// Options that change what is rendered, not what the site is.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// HTML inserted before `</body>` of every page: the live-reload script of `gazette serve`.
    /// Never set by `gazette build`.
    pub inject_before_body_end: Option<String>,
    /// URLs per sitemap file; a larger site gets `sitemap.xml` as an index of
    /// `sitemap-1.xml`, `sitemap-2.xml`, …. [`SITEMAP_MAX_URLS`] except in tests.
    pub sitemap_max_urls: usize,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            inject_before_body_end: None,
            sitemap_max_urls: SITEMAP_MAX_URLS,
        }
    }
}

/// Parses every template of the theme once. Errors name the template and line.
pub fn load_templates(theme: &Theme) -> Result<Tera> {
    let mut tera = Tera::default();
    let templates = theme.templates()?;
    tera.add_raw_templates(templates)
        .map_err(|e| anyhow::anyhow!(tera_error_chain(&e)))
        .context("template error")?;
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's own escaper also turns `/` into `&#x2F;`, which bloats every URL for nothing.
    tera.set_escape_fn(html::escape);
    Ok(tera)
}

/// Tera's error with its causes, which hold the template name, line and column.
pub fn tera_error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[derive(Serialize)]
struct NavItem {
    title: String,
    url: String,
}

/// What every template receives.
#[derive(Serialize)]
struct Common<'a> {
    config: &'a crate::config::Config,
    base_path: &'a str,
    site_url: String,
    lang: &'a str,
    t: &'a Labels,
    nav: Vec<NavItem>,
    /// Every taxonomy: its index (when it has pages), its labels, its search filter.
    taxonomies: Vec<views::TaxonomyView>,
    feed_url: Option<String>,
    search_url: Option<String>,
    stylesheet: String,
    generator: &'static str,
}

/// One page of a paginated list of articles: the home, a term's, or the undated articles.
struct ListPage<'a> {
    first_route: String,
    title: String,
    kind: ListKind<'a>,
    items: &'a [usize],
    number: usize,
}

/// What a paginated list lists, which decides its template and what it adds to its context.
#[derive(Clone, Copy)]
enum ListKind<'a> {
    /// The home pages: every article.
    Home,
    /// The pages of a term of a taxonomy (a tag, a source, an author).
    Term(&'static Taxonomy, &'a Term),
    /// The articles without a date, linked from the archive: a crawler and a reader reach them
    /// without the archive page carrying every card.
    Undated,
}

impl<'a> ListKind<'a> {
    /// The template of its pages.
    fn template(self) -> &'static str {
        match self {
            ListKind::Home => "index.html",
            ListKind::Term(..) => "taxonomy_single.html",
            ListKind::Undated => "undated.html",
        }
    }

    /// What tells its pages apart from other lists' in fingerprints and shell keys: the kind,
    /// and for a term, its taxonomy, name and slug.
    fn key(self) -> (u8, &'static str, &'a str, &'a str) {
        match self {
            ListKind::Home => (0, "", "", ""),
            ListKind::Term(taxonomy, t) => (1, taxonomy.name, &t.name, &t.slug),
            ListKind::Undated => (2, "", "", ""),
        }
    }
}

/// One output page to render.
enum Job<'a> {
    Article(usize),
    Redirect {
        from: &'a str,
        to: &'a str,
    },
    List(ListPage<'a>),
    TermIndex {
        taxonomy: &'static Taxonomy,
        terms: &'a [Term],
    },
    Archive,
    ArchiveYear(usize),
    Page(usize),
    Search,
    NotFound,
    /// The site's feed, or a term's.
    Feed {
        term: Option<(&'static Taxonomy, &'a Term)>,
    },
    /// `sitemap.xml`, or part `n` (from 1) of a split sitemap, with the range of its entries
    /// in [`Plan::sitemap`].
    Sitemap {
        part: Option<usize>,
        entries: std::ops::Range<usize>,
    },
    /// `sitemap.xml` listing the parts of a split sitemap.
    SitemapIndex {
        parts: usize,
    },
}

/// Renders every page, feed and crawl file, plus the theme's static assets, handing each file to
/// `sink` as soon as it is ready.
///
/// When the sink tracks fingerprints, each page gets one: a hash of its template context, the
/// templates, the shared context and the render options. A page whose fingerprint the sink
/// already has ([`Sink::reuse`]) is neither rendered nor minified.
///
/// Cards come from `earlier_cards` when they were made under the same theme and settings; the
/// cards of this build are added to that store and returned for the next one (none unless the
/// sink tracks fingerprints), with whether the store changed. With `keep_memos` (the rebuilds
/// of `gazette serve`) they also carry what is kept in memory only: the cards serialised for
/// templates and the shells of list pages.
///
/// A failure names the template line of what failed when it can be found ([`locate`]).
pub fn render(
    site: &Site,
    theme: &Theme,
    tera: &Tera,
    opts: &RenderOptions,
    sink: &dyn Sink,
    earlier_cards: CardStore,
    keep_memos: bool,
) -> Result<Rendered> {
    render_site(site, theme, tera, opts, sink, earlier_cards, keep_memos).map_err(|e| {
        match locate::locate(&format!("{e:#}"), theme) {
            Some(at) => e.context(at),
            None => e,
        }
    })
}

/// [`render`], its errors as they come.
fn render_site(
    site: &Site,
    theme: &Theme,
    tera: &Tera,
    opts: &RenderOptions,
    sink: &dyn Sink,
    earlier_cards: CardStore,
    keep_memos: bool,
) -> Result<Rendered> {
    let labels = lang::labels(&site.config.language);
    let common_ctx = Context::from_serialize(common(site, theme, labels))
        .context("cannot build template context")?;
    let shared_digest = shared_digest(site, theme, opts, &common_ctx)?;
    // Article digests stand for articles in fingerprints (see `input_key`), when the sink
    // keeps fingerprints.
    let digests: Option<&[u128]> = sink.tracks_fingerprints().then_some(&site.digests[..]);
    let mut builder = ViewBuilder::new(site, labels);
    builder.render_cards_with(tera, &common_ctx, site.config.minify);
    if let Some(digests) = digests {
        if earlier_cards.context == shared_digest {
            builder.reuse_cards(&earlier_cards, digests);
        }
    }
    let shells = keep_memos.then(|| minify::ShellMemo::new(&earlier_cards.shells));
    let years = archive::years(site);
    // The home pages list every article in site order; the list is built once, not per page.
    let every_article: Vec<usize> = (0..site.articles.len()).collect();
    let Plan { jobs, sitemap } = plan(site, &years, &every_article, opts.sitemap_max_urls.max(1));
    // Shells of list pages are kept for up to twice as many pages as there are.
    let list_pages = jobs
        .iter()
        .filter(|job| matches!(job, Job::List(_)))
        .count();
    let counters = Counters::default();
    let pages = Pages {
        counters: &counters,
        site,
        sitemap: &sitemap,
        builder: &builder,
        tera,
        common: &common_ctx,
        shared: &shared_digest,
        digests,
        years: &years,
        opts,
        sink,
        shells: shells.as_ref(),
        placed_index: list_reads::placed_cards(tera, "index.html"),
        placed_term: list_reads::placed_cards(tera, "taxonomy_single.html"),
        placed_undated: list_reads::placed_cards(tera, "undated.html"),
    };
    jobs.par_iter().try_for_each(|job| pages.render(job))?;
    write_assets(site, theme, sink, &shared_digest)?;
    write_crawl_files(site, sink)?;
    let made = builder.into_made();
    let shells = shells.map(|memo| memo.into_kept(2 * list_pages));
    let (cards, cards_changed) = match digests {
        Some(digests) => earlier_cards.update(shared_digest, digests, made, shells),
        None => (CardStore::default(), false),
    };
    Ok(Rendered {
        cards,
        cards_changed,
        pages: counters.counts(),
    })
}

/// What every template receives: settings, menu, labels, the taxonomies, site-wide URLs.
fn common<'a>(site: &'a Site, theme: &Theme, labels: &'a Labels) -> Common<'a> {
    let mut menu: Vec<_> = site
        .pages
        .iter()
        .filter_map(|p| p.fields.menu_weight.map(|w| (w, p)))
        .collect();
    menu.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.slug.cmp(&b.1.slug)));
    let nav = menu
        .into_iter()
        .map(|(_, p)| NavItem {
            title: p.fields.title.clone(),
            url: site.urls.route(&Urls::page(&p.slug)),
        })
        .collect();
    Common {
        config: &site.config,
        base_path: site.urls.base_path(),
        site_url: site.urls.absolute(""),
        lang: &site.config.language,
        t: labels,
        nav,
        taxonomies: views::taxonomies(site),
        feed_url: site.config.feeds.then(|| site.urls.route("atom.xml")),
        search_url: site
            .config
            .search
            .enabled
            .then(|| site.urls.route(&Urls::search())),
        stylesheet: site.urls.route(&format!(
            "static/style.css?h={}",
            asset_hash(theme, "style.css")
        )),
        generator: concat!("gazette ", env!("CARGO_PKG_VERSION")),
    }
}

/// A digest of everything every page depends on besides its own context: the gazette, the
/// theme, the common context and the render options.
fn shared_digest(
    site: &Site,
    theme: &Theme,
    opts: &RenderOptions,
    common_ctx: &Context,
) -> Result<[u8; 32]> {
    let mut shared = blake3::Hasher::new();
    shared.update(crate::digest::SOURCE.as_bytes());
    shared.update(theme.digest().as_bytes());
    serde_json::to_writer(&mut shared, &common_ctx.clone().into_json())
        .context("cannot hash the template context")?;
    shared.update(
        opts.inject_before_body_end
            .as_deref()
            .unwrap_or("")
            .as_bytes(),
    );
    shared.update(&[site.config.minify as u8]);
    Ok(*shared.finalize().as_bytes())
}

/// Hands the theme's static assets to the sink. They carry the fingerprint of the shared part,
/// which covers every theme file and the settings: a sink holding them from an earlier build
/// keeps them, not minified again.
fn write_assets(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    shared_digest: &[u8; 32],
) -> Result<()> {
    for (name, bytes) in theme.assets() {
        let path = format!("static/{name}");
        let mut fingerprint = None;
        if sink.tracks_fingerprints() {
            let mut hasher = blake3::Hasher::new();
            hasher
                .update(shared_digest)
                .update(b"asset\0")
                .update(name.as_bytes());
            let fp = fingerprint_of(hasher);
            if sink.reuse(&path, fp) {
                continue;
            }
            fingerprint = Some(fp);
        }
        let bytes = if site.config.minify {
            minify::asset(name, bytes)
        } else {
            bytes.to_vec()
        };
        sink.put(OutputFile { path, bytes }, fingerprint)?;
    }
    Ok(())
}

/// Hands the files for hosts and crawlers to the sink: `.nojekyll`, `robots.txt` and, with a
/// custom domain, `CNAME`.
fn write_crawl_files(site: &Site, sink: &dyn Sink) -> Result<()> {
    let mut files = vec![
        OutputFile {
            path: ".nojekyll".into(),
            bytes: Vec::new(),
        },
        OutputFile {
            path: "robots.txt".into(),
            bytes: format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                site.urls.absolute("sitemap.xml")
            )
            .into_bytes(),
        },
    ];
    if let Some(domain) = site
        .config
        .domain
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        files.push(OutputFile {
            path: "CNAME".into(),
            bytes: format!("{}\n", domain.trim()).into_bytes(),
        });
    }
    files.into_iter().try_for_each(|file| sink.put(file, None))
}

/// A short content hash of a theme asset, appended to its URL so browsers never keep a stale
/// stylesheet after an update.
fn asset_hash(theme: &Theme, name: &str) -> String {
    let bytes = theme
        .files
        .get(&format!("static/{name}"))
        .map(Vec::as_slice)
        .unwrap_or_default();
    blake3::hash(bytes).to_hex()[..10].to_string()
}

/// The one list of the build's pages, in a fixed order, with the sitemap made from it: what
/// is rendered and what is listed for crawlers cannot disagree.
fn plan<'a>(
    site: &'a Site,
    years: &[archive::Year],
    every_article: &'a [usize],
    max_sitemap_urls: usize,
) -> Plan<'a> {
    let mut jobs: Vec<Job<'a>> = Vec::new();
    let per = site.config.paginate_by;
    let home_pages = site.articles.len().div_ceil(per).max(1);
    for number in 1..=home_pages {
        jobs.push(Job::List(ListPage {
            first_route: String::new(),
            title: site.config.title.clone(),
            kind: ListKind::Home,
            items: every_article,
            number,
        }));
    }
    for (i, a) in site.articles.iter().enumerate() {
        jobs.push(Job::Article(i));
        for from in &a.redirects_from {
            jobs.push(Job::Redirect { from, to: &a.route });
        }
    }
    for list in site.taxonomies.iter() {
        if list.taxonomy.enabled(&site.config) {
            taxonomy_jobs(site, list.taxonomy, &list.terms, &mut jobs);
        }
    }
    jobs.push(Job::Archive);
    for y in 0..years.len() {
        jobs.push(Job::ArchiveYear(y));
    }
    let undated = undated_articles(site, every_article);
    for number in 1..=undated.len().div_ceil(per) {
        jobs.push(Job::List(ListPage {
            first_route: Urls::undated(),
            title: lang::labels(&site.config.language).undated_page.to_string(),
            kind: ListKind::Undated,
            items: undated,
            number,
        }));
    }
    for i in 0..site.pages.len() {
        jobs.push(Job::Page(i));
    }
    if site.config.search.enabled {
        jobs.push(Job::Search);
    }
    jobs.push(Job::NotFound);
    if site.config.feeds {
        jobs.push(Job::Feed { term: None });
    }
    let sitemap: Vec<SitemapEntry> = jobs
        .iter()
        .filter_map(|job| job.sitemap_entry(site, years))
        .collect();
    // The sitemap comes first: it is the largest page (every URL of the site), made on one
    // core, and last in the queue it kept the other core waiting at the end of rendering.
    jobs.splice(0..0, sitemap_jobs(sitemap.len(), max_sitemap_urls));
    Plan { jobs, sitemap }
}

/// The sitemap of `count` entries: one file, or an index and parts of at most `max_urls`.
fn sitemap_jobs<'a>(count: usize, max_urls: usize) -> Vec<Job<'a>> {
    if count <= max_urls {
        return vec![Job::Sitemap {
            part: None,
            entries: 0..count,
        }];
    }
    let parts = count.div_ceil(max_urls);
    std::iter::once(Job::SitemapIndex { parts })
        .chain((0..parts).map(|i| Job::Sitemap {
            part: Some(i + 1),
            entries: i * max_urls..((i + 1) * max_urls).min(count),
        }))
        .collect()
}

/// The articles without a date: the tail of the site's order (`every_article`), which puts them
/// last.
fn undated_articles<'a>(site: &Site, every_article: &'a [usize]) -> &'a [usize] {
    let first = site.articles.partition_point(|a| a.date.is_some());
    debug_assert!(site.articles[first..].iter().all(|a| a.date.is_none()));
    &every_article[first..]
}

/// The pages of a taxonomy: its index, then each term's pages and feed.
fn taxonomy_jobs<'a>(
    site: &'a Site,
    taxonomy: &'static Taxonomy,
    terms: &'a [Term],
    jobs: &mut Vec<Job<'a>>,
) {
    let per = site.config.paginate_by;
    jobs.push(Job::TermIndex { taxonomy, terms });
    for t in terms {
        let first_route = taxonomy.term_route(&t.slug);
        for number in 1..=t.articles.len().div_ceil(per).max(1) {
            jobs.push(Job::List(ListPage {
                first_route: first_route.clone(),
                title: t.name.clone(),
                kind: ListKind::Term(taxonomy, t),
                items: &t.articles,
                number,
            }));
        }
        if taxonomy.feeds && site.config.feeds {
            jobs.push(Job::Feed {
                term: Some((taxonomy, t)),
            });
        }
    }
}

/// Every page of a build, and the sitemap made from the same list.
struct Plan<'a> {
    jobs: Vec<Job<'a>>,
    /// The entries of the sitemap: the pages of `jobs` a crawler should know, in their order.
    sitemap: Vec<SitemapEntry>,
}

impl Job<'_> {
    /// The page's sitemap entry: every HTML page a crawler should know has one; redirects,
    /// the 404 page, feeds and the sitemap itself have none.
    fn sitemap_entry(&self, site: &Site, years: &[archive::Year]) -> Option<SitemapEntry> {
        let plain = |route: String| SitemapEntry {
            loc: site.urls.absolute(&route),
            lastmod: None,
        };
        Some(match self {
            Job::Article(i) => {
                let a = &site.articles[*i];
                SitemapEntry {
                    loc: site.urls.absolute(&a.route),
                    lastmod: a
                        .updated
                        .max(a.date)
                        .map(|d| d.format("%Y-%m-%d").to_string()),
                }
            }
            Job::List(ListPage {
                first_route,
                number,
                ..
            }) => plain(Urls::paginated(first_route, *number)),
            Job::TermIndex { taxonomy, .. } => plain(taxonomy.index_route()),
            Job::Archive => plain(Urls::archive()),
            Job::ArchiveYear(y) => plain(Urls::archive_year(years[*y].year)),
            Job::Page(i) => plain(Urls::page(&site.pages[*i].slug)),
            Job::Search => plain(Urls::search()),
            _ => return None,
        })
    }
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: Option<String>,
    current: bool,
}

#[derive(Serialize)]
struct Paginator<'a> {
    number: usize,
    total_pages: usize,
    /// Left out for a template that reads only its cards' HTML and not the count (on this
    /// page: see [`list_reads::ItemCount`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    total_items: Option<usize>,
    items: Vec<ListItem<'a>>,
    prev: Option<String>,
    next: Option<String>,
    links: Vec<PageLink>,
}

/// A card on a list page.
#[derive(Serialize)]
#[serde(untagged)]
enum ListItem<'a> {
    /// The card's fields and HTML.
    Card(views::CardItem<'a>),
    /// Only the card's HTML, for list templates that read nothing else (see
    /// [`list_reads`]); on a minified site, markers numbered by the card's place on the page
    /// ([`placed_marker`]), so that the page is the same whichever cards fill it.
    Placed {
        html: Cow<'a, str>,
        html_h3: Cow<'a, str>,
    },
}

/// The marker id of the card at `place` on a list page, with a heading of `level`.
fn placed_marker(place: usize, level: u8) -> usize {
    views::card_id(place, level)
}

/// The card id ([`views::card_id`]) a placed marker of a list page showing `page` stands for.
fn card_at_marker(page: &[usize], id: usize) -> usize {
    let (place, level) = views::card_of_id(id);
    views::card_id(page[place], level)
}

fn paginator<'a>(
    builder: &'a ViewBuilder<'a>,
    first_route: &str,
    items: &[usize],
    number: usize,
    placed: Option<list_reads::PageReads>,
) -> Result<Paginator<'a>> {
    let site = builder.site;
    let per = site.config.paginate_by;
    let total_pages = items.len().div_ceil(per).max(1);
    let slice = page_items(items, number, per);
    let url = |n: usize| site.urls.route(&Urls::paginated(first_route, n));
    let mut links = Vec::new();
    let mut last_shown = 0;
    for n in 1..=total_pages {
        let show = n == 1 || n == total_pages || n.abs_diff(number) <= 2;
        if show {
            if n > last_shown + 1 {
                links.push(PageLink {
                    number: 0,
                    url: None,
                    current: false,
                });
            }
            links.push(PageLink {
                number: n,
                url: Some(url(n)),
                current: n == number,
            });
            last_shown = n;
        }
    }
    Ok(Paginator {
        number,
        total_pages,
        total_items: placed
            .is_none_or(|reads| reads.total_items.read_on(number))
            .then_some(items.len()),
        items: slice
            .iter()
            .enumerate()
            .map(|(place, &i)| {
                if placed.is_none() {
                    return builder.card_item(i).map(ListItem::Card);
                }
                let html = |level: u8| -> Result<Cow<'a, str>> {
                    Ok(if site.config.minify {
                        Cow::Owned(minify::marker(placed_marker(place, level)))
                    } else {
                        Cow::Borrowed(builder.card_fragment(views::card_id(i, level))?.text())
                    })
                };
                Ok(ListItem::Placed {
                    html: html(2)?,
                    html_h3: html(3)?,
                })
            })
            .collect::<Result<_>>()?,
        prev: (number > 1).then(|| url(number - 1)),
        next: (number < total_pages).then(|| url(number + 1)),
        links,
    })
}

/// The key a list page of placed cards keeps its minified shell under (see
/// [`minify::ShellMemo`]): everything the page shows but its cards, which are spliced in. With
/// placed cards, the context of a list page ([`paginator`], and what [`Pages::render`] adds to
/// it) is a function of these fields of its job, of how many pages and items it counts (the
/// item count only where the template reads it, see [`list_reads::ItemCount`]) and of what
/// every page shares (`shared`: templates, settings, base path), not of which articles fill
/// it. In debug builds every spliced page is checked against the page rendered in full.
fn placed_list_key(
    shared: &[u8; 32],
    list: &ListPage,
    per: usize,
    reads: list_reads::PageReads,
) -> u128 {
    let ListPage {
        first_route,
        title,
        kind,
        items,
        number,
    } = list;
    let total_pages = items.len().div_ceil(per).max(1);
    let on_page = page_items(items, *number, per).len();
    let total_items = reads.total_items.read_on(*number).then_some(items.len());
    crate::digest::of(&(
        shared,
        "placed list",
        first_route,
        title,
        kind.key(),
        number,
        (total_pages, on_page, total_items),
    ))
}

/// The items on page `number` (from 1) of a list paginated by `per`.
fn page_items(items: &[usize], number: usize, per: usize) -> &[usize] {
    &items[((number - 1) * per).min(items.len())..(number * per).min(items.len())]
}

/// How the pages of a build were made: what `gazette serve -v` reports after each rebuild.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageCounts {
    /// Pages and feeds taken from the last build as they were (same fingerprint).
    pub kept: usize,
    /// List pages made by splicing their cards into a shell kept from the last build, without
    /// their template.
    pub spliced: usize,
    /// Pages and feeds rendered with their template.
    pub templated: usize,
}

/// [`PageCounts`] as the pages are made, side by side.
#[derive(Debug, Default)]
struct Counters {
    kept: std::sync::atomic::AtomicUsize,
    spliced: std::sync::atomic::AtomicUsize,
    templated: std::sync::atomic::AtomicUsize,
}

impl Counters {
    fn add(counter: &std::sync::atomic::AtomicUsize) {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn counts(self) -> PageCounts {
        PageCounts {
            kept: self.kept.into_inner(),
            spliced: self.spliced.into_inner(),
            templated: self.templated.into_inner(),
        }
    }
}

/// What [`render`] leaves for the next build and tells of this one.
#[derive(Debug)]
pub struct Rendered {
    /// The cards for the next build.
    pub cards: CardStore,
    /// Whether they differ from the earlier ones (the card cache is saved only then).
    pub cards_changed: bool,
    /// How the pages were made.
    pub pages: PageCounts,
}

/// A page about to be rendered: its template, its route and, for a list page of placed cards,
/// the articles in its places and where its shell is kept.
struct PageSetup<'j, 'a> {
    template: &'static str,
    route: String,
    placed: Option<&'j [usize]>,
    shell_key: Option<minify::ShellKey<'a, 'a>>,
}

/// What became of a list page of placed cards when its shell was looked up.
enum Shell<'a> {
    /// Spliced into its kept shell and handed to the sink.
    Spliced,
    /// To be rendered; its shell is then kept under this key, if shells are kept.
    Missing(Option<minify::ShellKey<'a, 'a>>),
}

/// What every page of a build is rendered with.
#[derive(Clone, Copy)]
struct Pages<'a> {
    /// How the pages were made, so far.
    counters: &'a Counters,
    site: &'a Site,
    /// Every entry of the sitemap ([`Plan::sitemap`]).
    sitemap: &'a [SitemapEntry],
    builder: &'a ViewBuilder<'a>,
    tera: &'a Tera,
    common: &'a Context,
    /// Digest of what every page depends on besides its own context.
    shared: &'a [u8; 32],
    /// Article digests, when the sink keeps fingerprints.
    digests: Option<&'a [u128]>,
    years: &'a [archive::Year],
    opts: &'a RenderOptions,
    sink: &'a dyn Sink,
    /// The shells of list pages, kept from one rebuild to the next (`gazette serve`).
    shells: Option<&'a minify::ShellMemo<'a>>,
    /// What `index.html` reads of its page when it reads only the HTML of its cards
    /// ([`list_reads`]): its pages then get stand-ins for their cards, numbered by place,
    /// instead of the cards' fields.
    placed_index: Option<list_reads::PageReads>,
    /// The same for `taxonomy_single.html`.
    placed_term: Option<list_reads::PageReads>,
    /// The same for `undated.html`.
    placed_undated: Option<list_reads::PageReads>,
}

impl<'a> Pages<'a> {
    /// Renders one page and hands it to the sink, unless the sink has it already.
    fn render(&self, job: &Job) -> Result<()> {
        let Some(fingerprint) = self.reuse_by_inputs(job) else {
            return Ok(());
        };
        // The page's own values; the shared ones are added after fingerprinting.
        let mut ctx = Context::new();
        let Some(setup) = self.page_context(job, &mut ctx, fingerprint)? else {
            return Ok(());
        };
        self.write_page(job, setup, ctx, fingerprint)
    }

    /// Pages that show articles are fingerprinted from the digests of those articles, before
    /// their context is built: building and hashing the context of every page of a large site
    /// costs more than the few pages an added seed changes. `None` when the sink kept the
    /// page; else the page's fingerprint, if it has one yet.
    fn reuse_by_inputs(&self, job: &Job) -> Option<Option<u64>> {
        let Some((template, route, key)) = self
            .digests
            .and_then(|d| input_key(job, self.site, self.years, d, self.sitemap))
        else {
            return Some(None);
        };
        // Started from the digest of the shared part: cloning a hasher that had taken it
        // copied ~2 KB of hasher state per page.
        let mut hasher = blake3::Hasher::new();
        hasher
            .update(self.shared)
            .update(b"inputs\0")
            .update(template.as_bytes())
            .update(&[0]);
        hasher.update(key.as_bytes());
        let fp = fingerprint_of(hasher);
        if self.sink.reuse(&Urls::output_path(&route), fp) {
            Counters::add(&self.counters.kept);
            return None;
        }
        Some(Some(fp))
    }

    /// Fills `ctx` with the page's own values; returns its template and route, or `None` when
    /// the page was already handed to the sink (a list page spliced into a kept shell).
    fn page_context<'j>(
        &self,
        job: &'j Job<'j>,
        ctx: &mut Context,
        fingerprint: Option<u64>,
    ) -> Result<Option<PageSetup<'j, 'a>>> {
        let Pages {
            site,
            builder,
            years,
            ..
        } = *self;
        let urls = &site.urls;
        let labels = builder.labels;
        let (template, route): (&str, String) = match job {
            Job::Article(i) => {
                let a = &site.articles[*i];
                ctx.insert("article", &builder.article(*i)?);
                ctx.insert("page_title", &a.title);
                ("article.html", a.route.clone())
            }
            Job::Redirect { from, to } => {
                ctx.insert("target", &urls.route(to));
                ctx.insert("target_absolute", &urls.absolute(to));
                ctx.insert("page_title", labels.redirect);
                ("redirect.html", from.to_string())
            }
            Job::List(list) => return self.list_context(job, list, ctx, fingerprint),
            Job::TermIndex { taxonomy, terms } => self.term_index_context(taxonomy, terms, ctx),
            Job::Archive => self.archive_context(ctx)?,
            Job::ArchiveYear(y) => self.archive_year_context(&years[*y], ctx)?,
            Job::Page(i) => {
                let p = &site.pages[*i];
                ctx.insert("page_title", &p.fields.title);
                ctx.insert("description", &p.fields.description);
                ctx.insert("content", &p.html);
                ("page.html", Urls::page(&p.slug))
            }
            Job::Search => {
                ctx.insert("page_title", labels.search);
                ("search.html", Urls::search())
            }
            Job::NotFound => {
                ctx.insert("page_title", labels.not_found);
                ("404.html", "404.html".to_string())
            }
            Job::Feed { term } => self.feed_context(*term, ctx),
            Job::Sitemap { part, entries } => {
                let entries = sitemap_part(self.sitemap, entries.clone())?;
                let route = sitemap_route(*part);
                ctx.insert("entries", entries);
                ("sitemap.xml", route)
            }
            Job::SitemapIndex { parts } => {
                let sitemaps: Vec<String> = (1..=*parts)
                    .map(|n| urls.absolute(&sitemap_part_route(n)))
                    .collect();
                ctx.insert("sitemaps", &sitemaps);
                ("sitemap_index.xml", "sitemap.xml".to_string())
            }
        };
        Ok(Some(PageSetup {
            template,
            route,
            placed: None,
            shell_key: None,
        }))
    }

    /// The context of a page of a list: the home, a term's, the undated articles ([`Job::List`]).
    fn list_context<'j>(
        &self,
        job: &Job,
        list: &'j ListPage<'j>,
        ctx: &mut Context,
        fingerprint: Option<u64>,
    ) -> Result<Option<PageSetup<'j, 'a>>> {
        let ListPage {
            first_route,
            title,
            kind,
            items,
            number,
        } = list;
        let Pages { site, builder, .. } = *self;
        let urls = &site.urls;
        let labels = builder.labels;
        // The articles of a list page whose cards are placed (see `ListItem::Placed`).
        let mut placed: Option<&[usize]> = None;
        // Where a list page of placed cards keeps its shell (see `placed_list_key`).
        let mut shell_key = None;
        let reads = self.placed_reads(*kind);
        if let Some(page_reads) = reads {
            let page = page_items(items, *number, site.config.paginate_by);
            placed = Some(page);
            match self.splice_into_kept_shell(job, list, page, page_reads, fingerprint)? {
                Shell::Spliced => return Ok(None),
                Shell::Missing(key) => shell_key = key,
            }
        }
        let p = paginator(builder, first_route, items, *number, reads)?;
        ctx.insert("paginator", &p);
        let page_title = if *number > 1 {
            format!("{title} – {} {number}", labels.page)
        } else {
            title.clone()
        };
        ctx.insert("page_title", &page_title);
        ctx.insert("heading", title);
        match kind {
            ListKind::Home => {}
            ListKind::Term(taxonomy, t) => {
                ctx.insert("kind", taxonomy.name);
                if taxonomy.feeds && site.config.feeds {
                    ctx.insert("term_feed_url", &urls.route(&taxonomy.feed_route(&t.slug)));
                }
            }
            ListKind::Undated => ctx.insert("archive_url", &urls.route(&Urls::archive())),
        }
        Ok(Some(PageSetup {
            template: kind.template(),
            route: Urls::paginated(first_route, *number),
            placed,
            shell_key,
        }))
    }

    /// What the template of a list of `kind` reads of its page, when it reads only the HTML of
    /// its cards ([`list_reads`]).
    fn placed_reads(&self, kind: ListKind) -> Option<list_reads::PageReads> {
        match kind {
            ListKind::Home => self.placed_index,
            ListKind::Term(..) => self.placed_term,
            ListKind::Undated => self.placed_undated,
        }
    }

    /// A minified page of placed cards is its shell with its cards spliced in, and its shell is
    /// a function of the job but for which articles fill it: looked up before its context is
    /// even built, and the page handed to the sink when the shell is kept.
    fn splice_into_kept_shell(
        &self,
        job: &Job,
        list: &ListPage,
        page: &[usize],
        page_reads: list_reads::PageReads,
        fingerprint: Option<u64>,
    ) -> Result<Shell<'a>> {
        let Pages {
            site,
            builder,
            shared,
            sink,
            shells,
            ..
        } = *self;
        let (Some(memo), true) = (shells, site.config.minify) else {
            return Ok(Shell::Missing(None));
        };
        let key = placed_list_key(shared, list, site.config.paginate_by, page_reads);
        let fragment = |id: usize| builder.card_fragment(card_at_marker(page, id));
        let Some(bytes) = memo.page(key, fragment)? else {
            return Ok(Shell::Missing(Some(minify::ShellKey {
                memo,
                key: Some(key),
            })));
        };
        let route = Urls::paginated(&list.first_route, list.number);
        if cfg!(debug_assertions) {
            let how = "spliced into a kept shell";
            self.check_against_template(job, &route, &bytes, how)?;
        }
        let path = Urls::output_path(&route);
        Counters::add(&self.counters.spliced);
        sink.put(OutputFile { path, bytes }, fingerprint)?;
        Ok(Shell::Spliced)
    }

    /// The context of the page listing every term of a taxonomy ([`Job::TermIndex`]).
    fn term_index_context(
        &self,
        taxonomy: &Taxonomy,
        terms: &[Term],
        ctx: &mut Context,
    ) -> (&'static str, String) {
        let builder = self.builder;
        let entries: Vec<_> = terms
            .iter()
            .map(|t| builder.term_entry(t, taxonomy.term_route(&t.slug)))
            .collect();
        ctx.insert("kind", taxonomy.name);
        ctx.insert("terms", &entries);
        let labels = taxonomy.labels(&self.site.config.language);
        ctx.insert("page_title", labels.plural);
        ("taxonomy_list.html", taxonomy.index_route())
    }

    /// The context of the archive's front page ([`Job::Archive`]): the years and their chart.
    fn archive_context(&self, ctx: &mut Context) -> Result<(&'static str, String)> {
        let Pages { site, years, .. } = *self;
        let labels = self.builder.labels;
        ctx.insert("years", years);
        let words = archive::ChartWords {
            lang: &site.config.language,
            label: labels.per_month,
            article: labels.article,
            articles: labels.articles,
            archive_url: &site.urls.route(&Urls::archive()),
        };
        ctx.insert("chart_html", &archive::chart_html(years, &words));
        let undated = site.articles.iter().filter(|a| a.date.is_none()).count();
        ctx.insert("undated", &self.builder.undated_link(undated));
        ctx.insert("page_title", labels.archive);
        Ok(("archive.html", Urls::archive()))
    }

    /// The context of one year of the archive ([`Job::ArchiveYear`]).
    fn archive_year_context(
        &self,
        year: &archive::Year,
        ctx: &mut Context,
    ) -> Result<(&'static str, String)> {
        let builder = self.builder;
        let labels = builder.labels;
        #[derive(Serialize)]
        struct MonthView<'a> {
            name: &'static str,
            anchor: &'a str,
            items: Vec<views::CardItem<'a>>,
        }
        let months: Vec<MonthView> = year
            .months
            .iter()
            .map(|m| -> Result<MonthView> {
                Ok(MonthView {
                    name: m.name,
                    anchor: &m.anchor,
                    items: m
                        .articles
                        .iter()
                        .map(|&i| builder.card_item(i))
                        .collect::<Result<_>>()?,
                })
            })
            .collect::<Result<_>>()?;
        ctx.insert("year", &year.year);
        ctx.insert("count", &year.count);
        ctx.insert("months", &months);
        ctx.insert("page_title", &format!("{} {}", labels.archive, year.year));
        Ok(("archive_year.html", Urls::archive_year(year.year)))
    }

    /// The context of the site's Atom feed, or of a term's ([`Job::Feed`]).
    fn feed_context(
        &self,
        term: Option<(&Taxonomy, &Term)>,
        ctx: &mut Context,
    ) -> (&'static str, String) {
        let Pages { site, builder, .. } = *self;
        let urls = &site.urls;
        let (items, title, route, alternate): (Vec<usize>, String, String, String) = match term {
            None => (
                (0..site.articles.len().min(FEED_ENTRIES)).collect(),
                site.config.title.clone(),
                "atom.xml".into(),
                String::new(),
            ),
            Some((taxonomy, t)) => (
                t.articles.iter().take(FEED_ENTRIES).copied().collect(),
                format!("{} – {}", site.config.title, t.name),
                taxonomy.feed_route(&t.slug),
                taxonomy.term_route(&t.slug),
            ),
        };
        let entries: Vec<_> = items.iter().map(|&i| builder.feed_entry(i)).collect();
        let updated = items
            .iter()
            .filter_map(|&i| {
                let a = &site.articles[i];
                a.updated.max(a.date)
            })
            .max();
        ctx.insert("feed_title", &title);
        ctx.insert("feed_url", &urls.absolute(&route));
        ctx.insert("feed_alternate", &urls.absolute(&alternate));
        ctx.insert(
            "feed_updated",
            &updated
                .map(|d| format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
                .unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
        );
        ctx.insert("entries", &entries);
        ("atom.xml", route)
    }

    /// Renders the page `setup` describes with `ctx` and hands it to the sink, unless the
    /// sink has a page of the same context.
    fn write_page(
        &self,
        job: &Job,
        setup: PageSetup<'_, 'a>,
        mut ctx: Context,
        mut fingerprint: Option<u64>,
    ) -> Result<()> {
        let Pages {
            site,
            builder,
            shared,
            sink,
            shells,
            ..
        } = *self;
        let urls = &site.urls;
        let PageSetup {
            template,
            route,
            placed,
            shell_key,
        } = setup;
        ctx.insert("canonical", &urls.absolute(&route));
        ctx.insert("current_path", &urls.route(&route));
        let path = Urls::output_path(&route);
        if sink.tracks_fingerprints() && fingerprint.is_none() {
            let own = ctx.into_json();
            let mut hasher = blake3::Hasher::new();
            hasher
                .update(shared)
                .update(b"context\0")
                .update(template.as_bytes())
                .update(&[0]);
            // Serialised whole, then hashed: blake3 takes one large input much faster than the
            // many small writes of the serialiser (the sitemap's context has every page).
            let json = serde_json::to_vec(&own).context("cannot hash the template context")?;
            hasher.update(&json);
            let fp = fingerprint_of(hasher);
            if sink.reuse(&path, fp) {
                Counters::add(&self.counters.kept);
                return Ok(());
            }
            fingerprint = Some(fp);
            ctx = Context::from_value(own).context("cannot build template context")?;
        }
        let is_html = path.ends_with(".html");
        let minified = is_html && site.config.minify;
        // The card a marker of this page stands for.
        let card_of_marker = |id: usize| match placed {
            Some(page) => card_at_marker(page, id),
            None => id,
        };
        let fragment = |id: usize| builder.card_fragment(card_of_marker(id));
        let bytes = self.render_text(template, ctx, &route, is_html, |text| {
            if !minified {
                return Ok(text.as_bytes().to_vec());
            }
            // List pages keep their shell when an added article only moves their cards.
            let shells = shell_key.or_else(|| {
                shells
                    .filter(|_| matches!(job, Job::List(_)))
                    .map(|memo| minify::ShellKey { memo, key: None })
            });
            let bytes = minify::html_with_fragments(text, fragment, shells)?;
            if cfg!(debug_assertions) {
                // Against each card as the theme rendered it, before any minification.
                let expanded = minify::expand_markers(text, |id| {
                    let (i, level) = views::card_of_id(card_of_marker(id));
                    builder.render_card(i, level)
                })?;
                anyhow::ensure!(
                    bytes == minify::html(expanded.as_bytes()),
                    "internal error: minifying /{route} card by card differs from minifying it whole"
                );
            }
            Ok(bytes)
        })?;
        sink.put(OutputFile { path, bytes }, fingerprint)
    }

    /// Checks a page made without its template (`how`: spliced into a kept shell, or the
    /// sitemap written directly) against the same page rendered in full, through its template,
    /// without shells nor fingerprints (debug builds: what tests run).
    fn check_against_template(&self, job: &Job, route: &str, made: &[u8], how: &str) -> Result<()> {
        let sink = crate::output::Collect::default();
        let counters = Counters::default();
        let full = Pages {
            counters: &counters,
            shells: None,
            digests: None,
            sink: &sink,
            ..*self
        };
        full.render(job)?;
        let path = Urls::output_path(route);
        let rendered = sink.into_files().into_iter().find(|(f, _)| f.path == path);
        anyhow::ensure!(
            rendered.is_some_and(|(f, _)| f.bytes == made),
            "internal error: /{route} {how} differs from /{route} rendered"
        );
        Ok(())
    }

    /// Renders `template` with the page's own context `ctx` and the shared one, puts the
    /// live-reload snippet into it if it `is_html`, and hands the text to `finish`.
    fn render_text(
        &self,
        template: &str,
        ctx: Context,
        route: &str,
        is_html: bool,
        finish: impl FnOnce(&str) -> Result<Vec<u8>>,
    ) -> Result<Vec<u8>> {
        Counters::add(&self.counters.templated);
        let mut full = self.common.clone();
        full.extend(ctx);
        let mut text = self
            .tera
            .render(template, &full)
            .map_err(|e| anyhow::anyhow!(tera_error_chain(&e)))
            .with_context(|| format!("cannot render /{route} with template {template}"))?;
        if is_html {
            if let Some(snippet) = &self.opts.inject_before_body_end {
                match text.rfind("</body>") {
                    Some(i) => text.insert_str(i, snippet),
                    None => text.push_str(snippet),
                }
            }
        }
        finish(&text)
    }
}

/// The first 8 bytes of a finished fingerprint hash.
fn fingerprint_of(hasher: blake3::Hasher) -> u64 {
    u64::from_le_bytes(
        hasher.finalize().as_bytes()[..8]
            .try_into()
            .expect("8 bytes"),
    )
}

/// For the jobs that show articles (article pages, lists, archive years, feeds) and the
/// sitemap: the template, the route and
/// a hash of every input `Pages::render` builds the page's own context from, with each article
/// standing for itself by its [`crate::site::Article::digest`]. Everything else a page depends
/// on (theme, settings, shared context) is in the shared part of the fingerprint. Other jobs
/// are few and are fingerprinted by hashing their context.
///
/// This must name every input of the matching arm of `Pages::render`: a missed input would leave
/// a stale page after an incremental build. `tests/incremental.rs` checks incremental builds
/// against full ones.
fn input_key(
    job: &Job,
    site: &Site,
    years: &[archive::Year],
    digests: &[u128],
    sitemap: &[SitemapEntry],
) -> Option<(&'static str, String, blake3::Hash)> {
    let mut h = Inputs {
        stream: crate::digest::Stream::default(),
        digests,
    };
    let (template, route) = match job {
        Job::Article(i) => h.article_page(site, *i),
        Job::List(list) => h.list_page(list, site.config.paginate_by),
        Job::Feed { term } => h.feed(site, *term),
        Job::ArchiveYear(y) => h.archive_year(&years[*y]),
        // Its entries, hashed as they are: serialising every URL of the site to hash its
        // context, and making that back into a context, cost more than rendering it.
        Job::Sitemap { part, entries } => {
            // A sitemap that is not as planned is reported when the page is rendered.
            let entries = sitemap_part(sitemap, entries.clone()).ok()?;
            h.count(entries.len());
            for e in entries {
                h.text(&e.loc);
                match &e.lastmod {
                    Some(d) => h.stream.update(&[1]).update(d.as_bytes()),
                    None => h.stream.update(&[0]),
                };
            }
            ("sitemap.xml", sitemap_route(*part))
        }
        _ => return None,
    };
    h.stream.update(route.as_bytes());
    Some((template, route, h.stream.finalize()))
}

/// The inputs of a page as [`input_key`] hashes them, each article by its digest.
struct Inputs<'a> {
    stream: crate::digest::Stream,
    digests: &'a [u128],
}

impl Inputs<'_> {
    fn article(&mut self, i: usize) {
        self.stream.update(&self.digests[i].to_le_bytes());
    }

    fn optional_article(&mut self, i: Option<usize>) {
        match i {
            Some(i) => {
                self.stream.update(&[1]);
                self.article(i);
            }
            None => {
                self.stream.update(&[0]);
            }
        }
    }

    fn text(&mut self, text: &str) {
        self.stream.update(text.as_bytes()).update(&[0]);
    }

    fn count(&mut self, n: usize) {
        self.stream.update(&(n as u64).to_le_bytes());
    }

    /// An article page: the article, its related articles, the newer and older ones.
    fn article_page(&mut self, site: &Site, i: usize) -> (&'static str, String) {
        self.article(i);
        let related = &site.related[i];
        self.count(related.len());
        for &r in related {
            self.article(r);
        }
        let copies = &site.copies[i];
        self.count(copies.len());
        for &c in copies {
            self.article(c);
        }
        self.optional_article(site.newer(i));
        self.optional_article(site.older(i));
        ("article.html", site.articles[i].route.clone())
    }

    /// A page of a list (the home, a term's, the undated articles): what it is, its number, its count, its articles.
    fn list_page(&mut self, list: &ListPage, per: usize) -> (&'static str, String) {
        let ListPage {
            first_route,
            title,
            kind,
            items,
            number,
        } = list;
        self.text(first_route);
        self.text(title);
        let (tag, taxonomy, name, slug) = kind.key();
        self.stream.update(&[tag]);
        for text in [taxonomy, name, slug] {
            self.text(text);
        }
        self.count(*number);
        self.count(items.len());
        for &i in page_items(items, *number, per) {
            self.article(i);
        }
        (kind.template(), Urls::paginated(first_route, *number))
    }

    /// The site's feed or a term's: the term, and the articles it lists.
    fn feed(&mut self, site: &Site, term: Option<(&Taxonomy, &Term)>) -> (&'static str, String) {
        let (items, route): (Vec<usize>, String) = match term {
            None => (
                (0..site.articles.len().min(FEED_ENTRIES)).collect(),
                "atom.xml".into(),
            ),
            Some((taxonomy, t)) => {
                self.text(&t.name);
                self.text(&t.slug);
                (
                    t.articles.iter().take(FEED_ENTRIES).copied().collect(),
                    taxonomy.feed_route(&t.slug),
                )
            }
        };
        self.count(items.len());
        for i in items {
            self.article(i);
        }
        ("atom.xml", route)
    }

    /// A year of the archive: its months and their articles.
    fn archive_year(&mut self, year: &archive::Year) -> (&'static str, String) {
        self.stream.update(&year.year.to_le_bytes());
        self.count(year.count);
        self.count(year.months.len());
        for m in &year.months {
            self.text(m.name);
            self.text(&m.anchor);
            self.count(m.articles.len());
            for &i in &m.articles {
                self.article(i);
            }
        }
        ("archive_year.html", Urls::archive_year(year.year))
    }
}

/// Route of the sitemap, or of its part `n` (from 1) when it is split.
fn sitemap_route(part: Option<usize>) -> String {
    part.map_or_else(|| "sitemap.xml".to_string(), sitemap_part_route)
}

/// Route of part `n` (from 1) of a split sitemap.
fn sitemap_part_route(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

/// The entries in `range` of the sitemap.
fn sitemap_part(all: &[SitemapEntry], range: std::ops::Range<usize>) -> Result<&[SitemapEntry]> {
    all.get(range)
        .context("internal error: a sitemap part outside the sitemap")
}
