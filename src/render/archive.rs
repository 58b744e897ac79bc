//! The archive: articles by year and month, with a bar chart drawn as inline SVG at build time.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::Datelike;
use serde::Serialize;

use super::lang::month_name;
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

/// A bar per month from the first to the last dated month, as an accessible inline SVG.
pub fn chart_svg(years: &[Year], lang: &str, label: &str, articles_word: &str) -> String {
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
    let bar = 10;
    let height = 100;
    let width = months.len() * bar;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 {width} {}\" preserveAspectRatio=\"none\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-title\">{label}</title>",
        height + 2
    );
    for (i, ((y, m), c)) in months.iter().enumerate() {
        let h = if *c == 0 {
            0
        } else {
            (c * height / max).max(2)
        };
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{h}\"><title>{} {y} : {c} {articles_word}</title></rect>",
            i * bar + 1,
            height - h + 2,
            bar - 2,
            month_name(*m as usize - 1, lang),
        );
    }
    svg.push_str("</svg>");
    svg
}
