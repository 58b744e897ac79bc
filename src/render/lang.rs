//! Interface words and dates in the site language.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Interface words handed to templates as `t`.
#[derive(Debug, Serialize)]
pub struct Labels {
    pub skip: &'static str,
    pub home: &'static str,
    pub archive: &'static str,
    pub search: &'static str,
    pub search_placeholder: &'static str,
    pub reading_time: &'static str,
    pub by: &'static str,
    pub updated: &'static str,
    pub related: &'static str,
    pub also_published: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    pub page: &'static str,
    pub articles: &'static str,
    pub article: &'static str,
    pub undated: &'static str,
    /// The heading of the list of undated articles, linked from the archive.
    pub undated_page: &'static str,
    pub inferred: &'static str,
    pub summary: &'static str,
    pub not_found: &'static str,
    pub not_found_text: &'static str,
    pub feed: &'static str,
    pub source: &'static str,
    pub pagination: &'static str,
    pub redirect: &'static str,
    pub per_month: &'static str,
    /// The main navigation's landmark name (not a repeat of its first link).
    pub main_nav: &'static str,
    /// The home page's heading: the masthead already names the site.
    pub latest: &'static str,
    /// The header search form's landmark name, distinct from the search page's form.
    pub search_site: &'static str,
}

/// French labels.
pub static FR: Labels = Labels {
    skip: "Aller au contenu",
    home: "Accueil",
    archive: "Archives",
    search: "Rechercher",
    search_placeholder: "Rechercher un article…",
    reading_time: "min de lecture",
    by: "Par",
    updated: "Mis à jour le",
    related: "Articles liés",
    also_published: "Aussi publié par",
    newer: "Article plus récent",
    older: "Article plus ancien",
    previous_page: "Page précédente",
    next_page: "Page suivante",
    page: "Page",
    articles: "articles",
    article: "article",
    undated: "Sans date",
    undated_page: "Articles sans date",
    inferred: "étiquette déduite du texte",
    summary: "En bref",
    not_found: "Page introuvable",
    not_found_text: "Cette page n’existe pas ou a été déplacée.",
    feed: "Flux Atom",
    source: "Source",
    pagination: "Pagination",
    redirect: "Cette page a été déplacée :",
    per_month: "Articles par mois",
    main_nav: "Navigation principale",
    latest: "Derniers articles",
    search_site: "Recherche dans le site",
};

/// English labels.
pub static EN: Labels = Labels {
    skip: "Skip to content",
    home: "Home",
    archive: "Archive",
    search: "Search",
    search_placeholder: "Search articles…",
    reading_time: "min read",
    by: "By",
    updated: "Updated",
    related: "Related articles",
    also_published: "Also published by",
    newer: "Newer article",
    older: "Older article",
    previous_page: "Previous page",
    next_page: "Next page",
    page: "Page",
    articles: "articles",
    article: "article",
    undated: "Undated",
    undated_page: "Undated articles",
    inferred: "tag inferred from the text",
    summary: "Summary",
    not_found: "Page not found",
    not_found_text: "This page does not exist or has moved.",
    feed: "Atom feed",
    source: "Source",
    pagination: "Pagination",
    redirect: "This page has moved:",
    per_month: "Articles per month",
    main_nav: "Main navigation",
    latest: "Latest articles",
    search_site: "Site search",
};

/// German labels.
pub static DE: Labels = Labels {
    skip: "Zum Inhalt springen",
    home: "Startseite",
    archive: "Archiv",
    search: "Suchen",
    search_placeholder: "Artikel suchen…",
    reading_time: "Min. Lesezeit",
    by: "Von",
    updated: "Aktualisiert am",
    related: "Verwandte Artikel",
    also_published: "Auch veröffentlicht von",
    newer: "Neuerer Artikel",
    older: "Älterer Artikel",
    previous_page: "Vorherige Seite",
    next_page: "Nächste Seite",
    page: "Seite",
    articles: "Artikel",
    article: "Artikel",
    undated: "Ohne Datum",
    undated_page: "Artikel ohne Datum",
    inferred: "aus dem Text abgeleitetes Schlagwort",
    summary: "Kurz gefasst",
    not_found: "Seite nicht gefunden",
    not_found_text: "Diese Seite existiert nicht oder wurde verschoben.",
    feed: "Atom-Feed",
    source: "Quelle",
    pagination: "Seitennavigation",
    redirect: "Diese Seite wurde verschoben:",
    per_month: "Artikel pro Monat",
    main_nav: "Hauptnavigation",
    latest: "Neueste Artikel",
    search_site: "Website-Suche",
};

/// Labels for a language, French when unknown (gazette's first language).
pub fn labels(lang: &str) -> &'static Labels {
    match lang {
        "en" => &EN,
        "de" => &DE,
        _ => &FR,
    }
}

const FR_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DE_MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// Short month names, for the archive chart's labels.
const FR_MONTHS_SHORT: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const EN_MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DE_MONTHS_SHORT: [&str; 12] = [
    "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez.",
];

/// Short month name in the language: a label that fits under a bar of the archive chart.
pub fn month_short(month0: usize, lang: &str) -> &'static str {
    match lang {
        "en" => EN_MONTHS_SHORT[month0],
        "de" => DE_MONTHS_SHORT[month0],
        _ => FR_MONTHS_SHORT[month0],
    }
}

/// `1 article`, `2 articles`; French counts 0 and 1 in the singular, English and German 1 only.
pub fn count_of(n: usize, one: &str, many: &str, lang: &str) -> String {
    let singular = n == 1 || (n == 0 && lang == "fr");
    format!("{n} {}", if singular { one } else { many })
}

/// Month name in the language.
pub fn month_name(month0: usize, lang: &str) -> &'static str {
    match lang {
        "en" => EN_MONTHS[month0],
        "de" => DE_MONTHS[month0],
        _ => FR_MONTHS[month0],
    }
}

/// `27 juillet 2021`, `1er août 2017`, `July 27, 2021`, `27. Juli 2021`.
pub fn format_date(d: NaiveDate, lang: &str) -> String {
    let m = month_name(d.month0() as usize, lang);
    match lang {
        "en" => format!("{m} {}, {}", d.day(), d.year()),
        "de" => format!("{}. {m} {}", d.day(), d.year()),
        _ if d.day() == 1 => format!("1er {m} {}", d.year()),
        _ => format!("{} {m} {}", d.day(), d.year()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_site_language() {
        let d = NaiveDate::from_ymd_opt(2021, 7, 27).unwrap();
        assert_eq!(format_date(d, "fr"), "27 juillet 2021");
        assert_eq!(format_date(d, "en"), "July 27, 2021");
        assert_eq!(format_date(d, "de"), "27. Juli 2021");
        let d = NaiveDate::from_ymd_opt(2017, 8, 1).unwrap();
        assert_eq!(format_date(d, "fr"), "1er août 2017");
    }

    #[test]
    fn counts_agree_in_number_in_each_language() {
        assert_eq!(count_of(0, "article", "articles", "fr"), "0 article");
        assert_eq!(count_of(1, "article", "articles", "fr"), "1 article");
        assert_eq!(count_of(2, "article", "articles", "fr"), "2 articles");
        assert_eq!(count_of(0, "article", "articles", "en"), "0 articles");
        assert_eq!(count_of(1, "article", "articles", "en"), "1 article");
    }
}
