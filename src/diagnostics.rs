//! Problems found during a build, collected per file into one summary (as Pagefind does)
//! instead of stopping at the first.

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing, nothing to fix (two near-identical seeds given distinct URLs): printed,
    /// and `--strict` accepts it.
    Note,
    /// The item was still built; `--strict` turns warnings into a failed build.
    Warning,
    /// The item was skipped (or, for site-wide files, the build failed).
    Error,
}

/// One problem, naming its file (and line when known) in its message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// `path: message` or `path:line: message`.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{label}: {}", self.message)
    }
}

/// Collected problems, in a deterministic order.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds a note.
    pub fn note(&mut self, message: impl Into<String>) {
        self.items.push(Diagnostic {
            severity: Severity::Note,
            message: message.into(),
        });
    }

    /// Adds a warning.
    pub fn warn(&mut self, message: impl Into<String>) {
        self.items.push(Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
        });
    }

    /// Adds an error.
    pub fn error(&mut self, message: impl Into<String>) {
        self.items.push(Diagnostic {
            severity: Severity::Error,
            message: message.into(),
        });
    }

    /// Every problem, in the order found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Appends another collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Adds a problem of any severity (one recorded by an earlier build).
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// All problems, errors first, then by message.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        v.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.message.cmp(&b.message)));
        v
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// How many warnings of one kind a seed shows before the others are summed up in one line.
pub const SHOWN_PER_KIND: usize = 3;

/// The warnings of one seed file (each `file: …` or `file:line: …`) as they are shown: the
/// first [`SHOWN_PER_KIND`] of each kind, then one line per kind counting the others. A 60 MB
/// seed once printed 44,275 lines, which hid every other warning of the build.
pub fn summarise(file: &str, warnings: &[String]) -> Vec<String> {
    // Kind → how many, and the first of them without its file and line.
    let mut seen: std::collections::BTreeMap<String, (usize, &str)> = Default::default();
    let mut out = Vec::new();
    for w in warnings {
        let (kind, message) = kind_of(file, w);
        let (n, _) = seen.entry(kind).or_insert((0, message));
        *n += 1;
        if *n <= SHOWN_PER_KIND {
            out.push(w.clone());
        }
    }
    for (n, first) in seen.into_values().filter(|(n, _)| *n > SHOWN_PER_KIND) {
        let more = thousands(n - SHOWN_PER_KIND);
        out.push(format!("{file}: … and {more} more like this ({first})"));
    }
    out
}

/// What a warning says once its file, line, numbers and quoted text are left out (warnings of
/// one kind differ only in those), and its message without its file and line.
fn kind_of<'a>(file: &str, warning: &'a str) -> (String, &'a str) {
    let rest = warning.strip_prefix(file).unwrap_or(warning);
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let mut kind = String::with_capacity(rest.len());
    let mut quoted = false;
    for c in rest.chars() {
        match c {
            '`' => {
                quoted = !quoted;
                if quoted {
                    kind.push_str("`…`");
                }
            }
            _ if quoted => {}
            '0'..='9' if kind.ends_with('N') => {}
            '0'..='9' => kind.push('N'),
            _ => kind.push(c),
        }
    }
    (kind, rest)
}

/// `44270` → `44,270`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_warnings_of_one_kind_are_summed_up() {
        let file = "seeds/001_a.txt";
        let mut warnings: Vec<String> = (1..=44_275)
            .map(|l| format!("{file}:{l}: impossible date `{l}/13/2020` ignored"))
            .collect();
        warnings.push(format!("{file}: no publication date found"));
        let shown = summarise(file, &warnings);
        assert_eq!(shown.len(), SHOWN_PER_KIND + 2, "{shown:#?}");
        assert_eq!(shown[0], warnings[0]);
        assert_eq!(shown[3], warnings[44_275]);
        assert_eq!(
            shown[4],
            "seeds/001_a.txt: … and 44,272 more like this (impossible date `1/13/2020` ignored)"
        );
        // A few of a kind are shown as they are.
        assert_eq!(summarise(file, &warnings[..3]), warnings[..3]);
    }
}
