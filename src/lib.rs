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

/// Frees `value` on a thread of its own. The model and caches of a 10,000-article build are
/// hundreds of thousands of small allocations, tens of milliseconds to free; a stage that is
/// done with them goes on (and the `gazette build` process exits) without waiting for that.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// `mi_option_purge_delay` in `mimalloc.h` (v2 and v3); `libmimalloc-sys` names no constant.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Gives freed memory back to the system after 5 ms instead of mimalloc's 10. Each stage of a
/// build frees what it made and the next allocates anew; with the default delay much of the
/// freed memory was still resident when the next stage peaked. Measured on a 10,000-seed full
/// build, interleaved runs: peak 330 → 258 MB, time +4 % (2 ms: 255 MB, +10 %). For binaries
/// whose global allocator is mimalloc, as `gazette`'s is; called first thing in `main`.
pub fn return_freed_memory_sooner() {
    // SAFETY: sets an allocator option, which mimalloc reads when it next decides to purge.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 5) }
}
