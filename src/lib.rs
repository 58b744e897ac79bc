//! gazette: a static site generator for archives of raw news articles.
//!
//! The pipeline is visible in the module tree, one stage per module, plain data in and out:
//!
//! 1. [`seed`]: load `seeds/*.txt`, decode and parse each into a [`seed::ParsedSeed`].
//! 2. [`content`]: read `content/` (Markdown pages and per-article overrides).
//! 3. [`site`]: assemble the [`site::Site`] model (overrides, slugs, aliases, tags, sources,
//!    related articles, pagination).
//! 4. [`render`]: render every page with tera into in-memory [`output::OutputFile`]s.
//! 5. [`search`]: build the sharded client-side search index from the site model.
//! 6. [`output`]: write the files into `dist/` atomically.
//!
//! [`build`] drives the stages; [`urls`] is the one place where URLs and the base path are
//! computed.

pub mod build;
pub mod cache;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod digest;
pub mod init;
pub mod inspect;
pub mod output;
pub mod render;
pub mod search;
pub mod seed;
pub mod serve;
pub mod site;
pub mod text;
pub mod urls;
