//! Boilerplate and repeated-content removal.

use crate::config::BoilerplateConfig;

/// gazette's default French and English site furniture.
pub const DEFAULT_BOILERPLATE: &[&str] =
    &["Soyez le premier à commenter", "Be the first to comment"];

/// Default patterns minus the disabled ones, plus the site's own.
pub fn boilerplate_patterns(cfg: &BoilerplateConfig) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if cfg.use_defaults {
        out.extend(
            DEFAULT_BOILERPLATE
                .iter()
                .filter(|p| !cfg.disable.iter().any(|d| d == *p))
                .map(|p| p.to_string()),
        );
    }
    out.extend(cfg.patterns.iter().cloned());
    out
}
