//! What the list templates read of their cards, found in the parsed templates.
//!
//! A list page (`index.html`, `taxonomy_single.html`, `undated.html`) gets its articles as
//! `paginator.items`, each with the card's fields and its HTML. The default theme only prints
//! `item.html`. When a theme's list templates read nothing else of an item, a list page is a
//! function of its page-level values and of how many cards it shows, not of which: it is
//! rendered with stand-ins for the cards (their places), and the cards are put in afterwards.
//! Building each card's fields into every list page's context was the largest part of
//! rendering lists, and a memoised page shell then serves every rebuild where only the cards
//! moved (adding the newest article moves every card of every home page).
//!
//! The check is conservative: any use of an item it does not understand (a field, the item
//! passed whole to a macro or a filter, `__tera_context`, a block overridden inside the loop)
//! makes the lists render with full cards, as before.

use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

/// The paginator fields a list template may read without reading its items.
const PAGE_FIELDS: [&str; 5] = [
    "paginator.number",
    "paginator.total_pages",
    "paginator.total_items",
    "paginator.prev",
    "paginator.next",
];

/// What a list template reads of its page when it reads only the HTML of its cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageReads {
    /// Where it reads `paginator.total_items`. Where it does not (the home pages of the
    /// default theme), or only on the first page, adding an article leaves the context of
    /// the other pages as it was, but for the cards; the default theme's tag pages read it on
    /// every page, so each of them is rendered again when an article joins the tag.
    pub total_items: ItemCount,
}

/// Where a list template reads `paginator.total_items`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemCount {
    /// Nowhere.
    Unread,
    /// Only under `{% if paginator.number == 1 %}`: the other pages go without it.
    FirstPage,
    /// Anywhere else.
    Everywhere,
}

impl ItemCount {
    /// Whether page `number` (from 1) may read the count.
    pub fn read_on(self, number: usize) -> bool {
        match self {
            ItemCount::Unread => false,
            ItemCount::FirstPage => number == 1,
            ItemCount::Everywhere => true,
        }
    }
}

/// What the list template `name` reads of its page, when it reads of `paginator.items` only
/// each item's `html` or `html_h3` in a `{% for %}` loop over the items; `None` when it may
/// read more.
pub fn placed_cards(tera: &Tera, name: &str) -> Option<PageReads> {
    let mut total_items = ItemCount::Unread;
    reads_only_card_html(tera, name, &mut total_items).then_some(PageReads { total_items })
}

fn reads_only_card_html(tera: &Tera, name: &str, total_items: &mut ItemCount) -> bool {
    // `get_template` is public but hidden from tera's docs; the version is pinned in Cargo.lock
    // and the tests below would catch a change of the AST.
    let Ok(template) = tera.get_template(name) else {
        return true; // a theme without the template renders no such page
    };
    let mut walk = Walk {
        tera,
        scope: Vec::new(),
        depth: 0,
        first_page: 0,
        total_items: ItemCount::Unread,
    };
    let mut ok = walk.nodes(&template.ast);
    for parent in &template.parents {
        ok = ok && tera.get_template(parent).is_ok_and(|t| walk.nodes(&t.ast));
    }
    // Macros see only their arguments, never the caller's loop variables; their bodies are
    // checked all the same, in an empty scope.
    let mut macro_files: Vec<&str> = vec![name];
    macro_files.extend(template.parents.iter().map(String::as_str));
    let imported: Vec<String> = macro_files
        .iter()
        .filter_map(|f| tera.get_template(f).ok())
        .flat_map(|t| t.imported_macro_files.iter().map(|(file, _)| file.clone()))
        .collect();
    macro_files.extend(imported.iter().map(String::as_str));
    for file in macro_files {
        let Ok(t) = tera.get_template(file) else {
            return false;
        };
        for m in t.macros.values() {
            ok = ok && m.args.values().flatten().all(|e| walk.expr(e)) && walk.nodes(&m.body);
        }
    }
    *total_items = walk.total_items;
    ok
}

/// A walk over template nodes with the loop variables in scope: `true` for a card stand-in
/// (a variable over `paginator.items`), `false` for any other.
struct Walk<'t> {
    tera: &'t Tera,
    scope: Vec<(String, bool)>,
    depth: usize,
    /// How many `{% if paginator.number == 1 %}` the walk is in.
    first_page: usize,
    /// Where `paginator.total_items` was read so far.
    total_items: ItemCount,
}

impl Walk<'_> {
    fn in_card_loop(&self) -> bool {
        self.scope.iter().any(|(_, card)| *card)
    }

    fn nodes(&mut self, nodes: &[Node]) -> bool {
        nodes.iter().all(|n| self.node(n))
    }

    fn node(&mut self, node: &Node) -> bool {
        match node {
            Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..)
            // Checked apart, in an empty scope (see `reads_only_card_html`).
            | Node::MacroDefinition(..) => true,
            Node::VariableBlock(_, e) => self.expr(e),
            // A `paginator` of its own would make the page fields read after it another value.
            Node::Set(_, set) => set.key != "paginator" && self.expr(&set.value),
            Node::FilterSection(_, section, _) => {
                section.filter.args.values().all(|e| self.expr(e)) && self.nodes(&section.body)
            }
            // A child template could fill the block with reads of the loop variable (tera
            // refuses blocks in loops today; this keeps the check sound if it ever allows them).
            Node::Block(_, block, _) => !self.in_card_loop() && self.nodes(&block.body),
            Node::Include(_, names, _) => {
                // Included templates see the loop variables of the place they are included at.
                self.depth += 1;
                let ok = self.depth < 16
                    && names.iter().all(|name| match self.tera.get_template(name) {
                        Ok(t) => self.nodes(&t.ast),
                        Err(_) => true, // `ignore missing`, or an error at render time
                    });
                self.depth -= 1;
                ok
            }
            Node::Forloop(_, forloop, _) => {
                let over_cards = forloop.key.is_none()
                    && !forloop.container.negated
                    && forloop.container.filters.is_empty()
                    && matches!(&forloop.container.val, ExprVal::Ident(i) if i == "paginator.items");
                if !over_cards && !self.expr(&forloop.container) {
                    return false;
                }
                let bound = 1 + usize::from(forloop.key.is_some());
                if let Some(key) = &forloop.key {
                    self.scope.push((key.clone(), false));
                }
                self.scope.push((forloop.value.clone(), over_cards));
                let ok = self.nodes(&forloop.body)
                    && forloop.empty_body.as_deref().is_none_or(|b| self.nodes(b));
                self.scope.truncate(self.scope.len() - bound);
                ok
            }
            Node::If(conditions, _) => {
                conditions
                    .conditions
                    .iter()
                    .all(|(_, e, body)| {
                        if !self.expr(e) {
                            return false;
                        }
                        let guard = usize::from(is_first_page_test(e));
                        self.first_page += guard;
                        let ok = self.nodes(body);
                        self.first_page -= guard;
                        ok
                    })
                    && conditions
                        .otherwise
                        .as_ref()
                        .is_none_or(|(_, body)| self.nodes(body))
            }
        }
    }

    fn expr(&mut self, e: &Expr) -> bool {
        e.filters
            .iter()
            .all(|f| f.args.values().all(|a| self.expr(a)))
            && self.value(&e.val)
    }

    fn value(&mut self, v: &ExprVal) -> bool {
        match v {
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => true,
            ExprVal::Ident(ident) => self.ident(ident),
            ExprVal::Math(m) => self.expr(&m.lhs) && self.expr(&m.rhs),
            ExprVal::Logic(l) => self.expr(&l.lhs) && self.expr(&l.rhs),
            ExprVal::Test(t) => self.ident(&t.ident) && t.args.iter().all(|a| self.expr(a)),
            ExprVal::MacroCall(call) => call.args.values().all(|a| self.expr(a)),
            ExprVal::FunctionCall(call) => call.args.values().all(|a| self.expr(a)),
            ExprVal::Array(items) => items.iter().all(|a| self.expr(a)),
            ExprVal::StringConcat(concat) => concat.values.iter().all(|v| self.value(v)),
            ExprVal::In(i) => self.expr(&i.lhs) && self.expr(&i.rhs),
        }
    }

    /// Whether reading `ident` (`item.html`, `paginator.links`, `config.title`) is allowed.
    fn ident(&mut self, ident: &str) -> bool {
        let root_end = ident.find(['.', '[']).unwrap_or(ident.len());
        let root = &ident[..root_end];
        if let Some((_, card)) = self.scope.iter().rev().find(|(name, _)| name == root) {
            return !card || ident[root_end..] == *".html" || ident[root_end..] == *".html_h3";
        }
        match root {
            "__tera_context" => false,
            "paginator" => {
                if ident == "paginator.total_items" {
                    self.total_items = match (self.first_page, self.total_items) {
                        (0, _) | (_, ItemCount::Everywhere) => ItemCount::Everywhere,
                        _ => ItemCount::FirstPage,
                    };
                }
                PAGE_FIELDS.contains(&ident)
                    || ident == "paginator.links"
                    || ident.starts_with("paginator.links.")
                    || ident.starts_with("paginator.links[")
            }
            _ => true,
        }
    }
}

/// Whether `e` is exactly `paginator.number == 1` (either way round): the body it guards is
/// rendered on the first page of a list only.
fn is_first_page_test(e: &Expr) -> bool {
    fn plain(e: &Expr) -> Option<&ExprVal> {
        (!e.negated && e.filters.is_empty()).then_some(&e.val)
    }
    let Some(ExprVal::Logic(logic)) = plain(e) else {
        return false;
    };
    let number = |e: &Expr| matches!(plain(e), Some(ExprVal::Ident(i)) if i == "paginator.number");
    let one = |e: &Expr| matches!(plain(e), Some(ExprVal::Int(1)));
    logic.operator == tera::ast::LogicOperator::Eq
        && ((number(&logic.lhs) && one(&logic.rhs)) || (one(&logic.lhs) && number(&logic.rhs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.to_vec()).unwrap();
        tera
    }

    fn lists(index: &str) -> bool {
        reads(index).is_some()
    }

    fn reads(index: &str) -> Option<PageReads> {
        placed_cards(&tera(&[
            ("base.html", "<main>{% block main %}{% endblock main %}</main>{% for item in nav %}{{ item.url }}{% endfor %}"),
            ("index.html", index),
            ("partials/card.html", "{{ item.title }}"),
            ("partials/html.html", "{{ item.html | safe }}"),
            ("partials/count.html", "{{ paginator.total_items }}"),
            ("macros.html", "{% macro card(c) %}{{ c.title }}{% endmacro card %}"),
        ]), "index.html")
    }

    #[test]
    fn the_default_theme_reads_only_card_html() {
        let theme =
            crate::render::theme::Theme::load(std::path::Path::new("/nonexistent"), "default")
                .unwrap();
        let tera = crate::render::load_templates(&theme).unwrap();
        let reads = |name| placed_cards(&tera, name);
        let count = |total_items| Some(PageReads { total_items });
        assert_eq!(reads("index.html"), count(ItemCount::Unread));
        assert_eq!(reads("taxonomy_single.html"), count(ItemCount::Everywhere));
        assert_eq!(reads("undated.html"), count(ItemCount::FirstPage));
    }

    #[test]
    fn reads_of_the_item_count_are_noticed() {
        let loop_ = "{% for item in paginator.items %}{{ item.html | safe }}{% endfor %}";
        let count = |total_items| Some(PageReads { total_items });
        assert_eq!(reads(loop_), count(ItemCount::Unread));
        for (read, expected) in [
            ("{{ paginator.total_items }}", ItemCount::Everywhere),
            (
                "{% if paginator.total_items > 1 %}s{% endif %}",
                ItemCount::Everywhere,
            ),
            (
                "{% if paginator.number == 1 %}{{ paginator.total_items }}{% endif %}",
                ItemCount::FirstPage,
            ),
            (
                "{% if 1 == paginator.number %}{% include \"partials/count.html\" %}{% endif %}",
                ItemCount::FirstPage,
            ),
            (
                "{% if x %}{% elif paginator.number == 1 %}{{ paginator.total_items }}{% endif %}",
                ItemCount::FirstPage,
            ),
            (
                "{% if paginator.number == 1 %}{% else %}{{ paginator.total_items }}{% endif %}",
                ItemCount::Everywhere,
            ),
            (
                "{% if paginator.number == 1 %}{% endif %}{{ paginator.total_items }}",
                ItemCount::Everywhere,
            ),
            (
                "{% if paginator.number != 1 %}{{ paginator.total_items }}{% endif %}",
                ItemCount::Everywhere,
            ),
            (
                "{% if not paginator.number == 1 %}{{ paginator.total_items }}{% endif %}",
                ItemCount::Everywhere,
            ),
            (
                "{% if paginator.number == 2 %}{{ paginator.total_items }}{% endif %}",
                ItemCount::Everywhere,
            ),
            (
                "{% if paginator.number == 1 %}{{ paginator.total_items }}{% endif %}{{ paginator.total_items }}",
                ItemCount::Everywhere,
            ),
        ] {
            let index = format!("{loop_}{read}");
            assert_eq!(reads(&index), count(expected), "{index}");
        }
    }

    #[test]
    fn reads_of_html_and_page_fields_are_allowed() {
        for index in [
            "{% for item in paginator.items %}{{ item.html | safe }}{% endfor %}",
            "{% extends \"base.html\" %}{% block main %}{% for c in paginator.items %}{{ c.html_h3 | safe }}{% endfor %}{{ paginator.total_items }}{% for l in paginator.links %}{{ l.url }}{% endfor %}{% endblock main %}",
            "{% for item in paginator.items %}{% include \"partials/html.html\" %}{% endfor %}",
            "{% for item in paginator.items %}{% for item in nav %}{{ item.title }}{% endfor %}{% endfor %}",
            "{% import \"macros.html\" as m %}{{ m::card(c=config) }}",
        ] {
            assert!(lists(index), "{index}");
        }
    }

    #[test]
    fn any_other_read_of_an_item_is_refused() {
        for index in [
            "{% for item in paginator.items %}{{ item.title }}{% endfor %}",
            "{% for item in paginator.items %}{% if item.date %}x{% endif %}{% endfor %}",
            "{% for item in paginator.items %}{% if item.tags is defined %}x{% endif %}{% endfor %}",
            "{% for item in paginator.items %}{% include \"partials/card.html\" %}{% endfor %}",
            "{% for item in paginator.items %}{{ item | json_encode }}{% endfor %}",
            "{% for item in paginator.items %}{{ item['title'] }}{% endfor %}",
            "{% import \"macros.html\" as m %}{% for item in paginator.items %}{{ m::card(c=item) }}{% endfor %}",
            "{% for item in paginator.items | reverse %}{{ item.html }}{% endfor %}",
            "{% for i, item in paginator.items %}{{ item.html }}{% endfor %}",
            "{{ paginator.items | length }}",
            "{{ paginator.items[0].title }}",
            "{% set p = paginator %}{{ p.items[0].title }}",
            "{{ __tera_context }}",
            "{% for item in paginator.items %}{% set x = item %}{% endfor %}{{ x.title }}",
            "{% for item in paginator.items %}{% filter upper %}{{ item.title }}{% endfilter %}{% endfor %}",
            "{% set paginator = config %}{% if paginator.number == 1 %}{% endif %}",
        ] {
            assert!(!lists(index), "{index}");
        }
    }
}
