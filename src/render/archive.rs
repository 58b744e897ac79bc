//! The archive: articles by year and month, with a bar chart drawn as inline SVG at build time.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::Datelike;
use serde::Serialize;

use super::lang::{count_of, month_name, month_short};
use crate::site::Site;

/// One month of the archive.
#[derive(Debug, Serialize)]
pub struct Month {
    /// 1–12.
    pub month: u32,
    /// Localised name.
    pub name: &'static str,
    /// `m-07`: anchor on the year page.
    pub anchor: String,
    /// Indices into `site.articles`, in site order (newest first).
    #[serde(skip)]
    pub articles: Vec<usize>,
    /// Number of articles.
    pub count: usize,
}

/// One year of the archive, months newest first.
#[derive(Debug, Serialize)]
pub struct Year {
    /// The year.
    pub year: i32,
    /// Months that have articles, newest first.
    pub months: Vec<Month>,
    /// Number of articles.
    pub count: usize,
}

/// Dated articles grouped by year and month, newest first.
pub fn years(site: &Site) -> Vec<Year> {
    let mut grouped: BTreeMap<i32, BTreeMap<u32, Vec<usize>>> = BTreeMap::new();
    for (i, a) in site.articles.iter().enumerate() {
        if let Some(d) = a.date {
            grouped
                .entry(d.year())
                .or_default()
                .entry(d.month())
                .or_default()
                .push(i);
        }
    }
    let lang = site.config.language.as_str();
    grouped
        .into_iter()
        .rev()
        .map(|(year, months)| {
            let months: Vec<Month> = months
                .into_iter()
                .rev()
                .map(|(month, articles)| Month {
                    month,
                    name: month_name(month as usize - 1, lang),
                    anchor: format!("m-{month:02}"),
                    count: articles.len(),
                    articles,
                })
                .collect();
            Year {
                year,
                count: months.iter().map(|m| m.count).sum(),
                months,
            }
        })
        .collect()
}

/// What the archive chart needs besides the counts: the words of the site's language and where
/// the archive lives.
pub struct ChartWords<'a> {
    /// The site language (`fr`, `en`, `de`).
    pub lang: &'a str,
    /// The chart's accessible name.
    pub label: &'a str,
    /// `article`, singular.
    pub article: &'a str,
    /// `articles`, plural.
    pub articles: &'a str,
    /// The archive's URL path (`/repo/archive/`): each bar links to its month on the year page.
    pub archive_url: &'a str,
}

/// Above this many months only years are labelled; up to it every month is, with its count.
const LABELLED_MONTHS: usize = 12;

/// A bar per month from the first to the last dated month, drawn at build time as an HTML list
/// (so labels stay legible at any width): each bar links to its month, says its month and
/// count to screen readers, and shows them when the chart is short enough to label every month.
pub fn chart_html(years: &[Year], words: &ChartWords) -> String {
    let mut counts: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for y in years {
        for m in &y.months {
            counts.insert((y.year, m.month), m.count);
        }
    }
    let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return String::new();
    };
    let mut months = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        months.push(((y, m), counts.get(&(y, m)).copied().unwrap_or(0)));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    let max = months.iter().map(|(_, c)| *c).max().unwrap_or(1).max(1);
    let every_month = months.len() <= LABELLED_MONTHS;
    let class = if every_month {
        "chart"
    } else {
        "chart chart-long"
    };
    let mut html = format!("<ol class=\"{class}\" aria-label=\"{}\">", words.label);
    for (i, &((y, m), count)) in months.iter().enumerate() {
        let bar = ChartBar {
            year: y,
            month: m,
            count,
            percent: (count * 100).div_ceil(max),
            shows_year: i == 0 || m == 1,
            every_month,
        };
        bar.write(&mut html, words);
    }
    html.push_str("</ol>");
    html
}

/// One month of the archive chart.
struct ChartBar {
    year: i32,
    month: u32,
    count: usize,
    /// Height, in percent of the tallest month.
    percent: usize,
    /// The first month and each January carry the year under their bar.
    shows_year: bool,
    /// Whether every month shows its name and count.
    every_month: bool,
}

impl ChartBar {
    fn write(&self, html: &mut String, words: &ChartWords) {
        let (y, m) = (self.year, self.month);
        let lang = words.lang;
        let name = month_name(m as usize - 1, lang);
        let count = count_of(self.count, words.article, words.articles, lang);
        let _ = write!(html, "<li>");
        if self.count > 0 {
            let _ = write!(
                html,
                "<a href=\"{}{y}/#m-{m:02}\" title=\"{name} {y} : {count}\">",
                words.archive_url
            );
        } else {
            let _ = write!(
                html,
                "<span class=\"chart-month\" title=\"{name} {y} : {count}\">"
            );
        }
        if self.every_month {
            let _ = write!(
                html,
                "<span class=\"chart-count\" aria-hidden=\"true\">{}</span>",
                self.count
            );
        }
        let _ = write!(
            html,
            "<span class=\"chart-track\"><span class=\"chart-bar\" style=\"height:{}%\"></span></span>",
            self.percent
        );
        let visible = match (self.every_month, self.shows_year) {
            (true, true) => format!("{}<br>{y}", month_short(m as usize - 1, lang)),
            (true, false) => month_short(m as usize - 1, lang).to_string(),
            (false, true) => y.to_string(),
            (false, false) => String::new(),
        };
        let _ = write!(
            html,
            "<span class=\"chart-label\" aria-hidden=\"true\">{visible}</span><span class=\"visually-hidden\">{name} {y} : {count}</span>"
        );
        let _ = write!(
            html,
            "{}</li>",
            if self.count > 0 { "</a>" } else { "</span>" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(year: i32, months: &[(u32, usize)]) -> Year {
        Year {
            year,
            count: months.iter().map(|m| m.1).sum(),
            months: months
                .iter()
                .rev()
                .map(|&(month, count)| Month {
                    month,
                    name: month_name(month as usize - 1, "fr"),
                    anchor: format!("m-{month:02}"),
                    articles: Vec::new(),
                    count,
                })
                .collect(),
        }
    }

    const WORDS: ChartWords = ChartWords {
        lang: "fr",
        label: "Articles par mois",
        article: "article",
        articles: "articles",
        archive_url: "/archive/",
    };

    #[test]
    fn a_single_month_is_one_labelled_full_bar_linking_to_it() {
        let html = chart_html(&[year(2022, &[(3, 1)])], &WORDS);
        assert_eq!(html.matches("<li>").count(), 1);
        assert!(html.contains("href=\"/archive/2022/#m-03\""), "{html}");
        assert!(html.contains("height:100%"), "{html}");
        assert!(html.contains(">mars<br>2022</span>"), "{html}");
        assert!(html.contains("mars 2022 : 1 article<"), "{html}");
        assert!(!html.contains("1 articles"), "{html}");
    }

    #[test]
    fn gaps_are_empty_bars_and_long_charts_label_only_years() {
        let html = chart_html(
            &[year(2022, &[(11, 4), (12, 0)]), year(2023, &[(2, 2)])],
            &WORDS,
        );
        assert_eq!(html.matches("<li>").count(), 4, "Nov, Dec, Jan, Feb");
        assert!(html.contains("janvier 2023 : 0 article<"), "{html}");
        assert!(html.contains(">janv.<br>2023<"), "{html}");
        assert!(html.contains("novembre 2022 : 4 articles"), "{html}");
        assert!(html.contains("height:50%"), "{html}");

        let long: Vec<(u32, usize)> = (1..=12).map(|m| (m, 1)).collect();
        let html = chart_html(&[year(2021, &long), year(2022, &[(1, 3)])], &WORDS);
        assert!(html.contains("chart-long"));
        assert!(html.contains("aria-hidden=\"true\">2022</span>"), "{html}");
        assert!(!html.contains("janv.<br>"), "{html}");
        assert_eq!(html.matches("chart-count").count(), 0);
    }
}
