//! Problems found during a build, collected per file into one summary (as Pagefind does)
//! instead of stopping at the first.

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
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
