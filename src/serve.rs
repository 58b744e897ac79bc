//! `gazette serve`: a local preview that is what GitHub Pages will serve, kept up to date.
//!
//! The site is built in memory with its origin replaced by the local address but its base path
//! kept (`/repo/`), so links that would break under a Pages sub-path break here too. Files are
//! served from memory; a watcher rebuilds when `seeds/`, `content/`, `themes/` or `config.toml`
//! change, and a small script injected only in this mode long-polls
//! `<base>__gazette/events` and reloads the page when a new build (or a build error) is ready.
//!
//! A failed build does not stop the server: every request gets an error page with the message
//! (escaped) until the next successful build, which the same script picks up.
//!
//! Only the built files are ever served; request paths are still vetted (no `..`, encoded or
//! not, no backslashes, no NUL) so that a future on-disk mode cannot be tricked either.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::build::{self, BuildOptions};
use crate::check::percent_decode;
use crate::output::SiteFiles;
use crate::render::html::escape;
use crate::urls::BasePath;

/// Path, under the base path, of the long-poll endpoint of the live-reload script.
pub const EVENTS: &str = "__gazette/events";

/// Placeholder for the build generation in the injected script, filled in when a page is
/// served so that the rendered pages (and the render cache) do not change with every build.
const GEN_PLACEHOLDER: &str = "__GAZETTE_GEN__";

/// How long a long-poll request waits for a new build before answering "nothing new".
const POLL_WAIT: Duration = Duration::from_secs(25);

/// Settings of `gazette serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Build settings; `base_url` is the user's `--base-url` (its path is kept), and `render`
    /// is set by the server.
    pub build: BuildOptions,
    /// Interface to listen on: loopback unless the user asks for another.
    pub bind: IpAddr,
    /// Port; 0 picks a free one (printed on start).
    pub port: u16,
    /// Open the site in the default browser once it is built.
    pub open: bool,
    /// Print per-stage timings of each rebuild.
    pub verbose: bool,
}

/// What the server currently has to offer.
struct State {
    /// Bumped after every build, successful or not; the reload script compares it.
    generation: u64,
    /// Base path of the last build attempt (`/` or `/repo/`).
    base: String,
    /// The built files, or the message of the failed build.
    site: std::result::Result<Arc<SiteFiles>, String>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// Who may ask ([`AllowedHosts`]).
    hosts: AllowedHosts,
    /// Long-polls being held now (at most [`MAX_POLLS`]).
    polls: std::sync::atomic::AtomicUsize,
}

/// The live-reload snippet injected before `</body>`: long-polls the events endpoint with the
/// generation the page was served at and reloads when the server has another one (a new
/// build, a build error, or a restarted server).
pub fn reload_script(base: &str) -> String {
    format!(
        "<script data-gazette-gen=\"{GEN_PLACEHOLDER}\">(function(){{\
var s=document.currentScript,g=s?s.getAttribute(\"data-gazette-gen\"):\"0\",u=\"{base}{EVENTS}?since=\";\
function p(){{fetch(u+g,{{cache:\"no-store\"}}).then(function(r){{if(!r.ok)throw r;return r.text()}})\
.then(function(t){{if(t.trim()!==g){{location.reload()}}else{{p()}}}})\
.catch(function(){{setTimeout(p,1000)}})}}p()}})()</script>"
    )
}

/// Where a request goes, decided from its raw target alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A built file, by output path (`articles/x/index.html`).
    File(String),
    /// The live-reload long-poll, with the generation the page knows.
    Events(Option<u64>),
    /// Redirect to this location (the base path, or a folder's slash form).
    Redirect(String),
    /// Not part of the site.
    NotFound,
    /// Malformed (bad escape, backslash, NUL).
    BadRequest,
    /// Tries to leave the site (`..` or `.` segments, encoded or not).
    Forbidden,
}

/// Maps a raw request target to a route, refusing anything that tries to leave the site.
/// `exists` says whether an output path is a built file.
pub fn route(target: &str, base: &str, exists: &dyn Fn(&str) -> bool) -> Route {
    let (raw_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let raw_lower = raw_path.to_ascii_lowercase();
    if raw_path.contains(['\\', '\0']) || raw_lower.contains("%5c") || raw_lower.contains("%00") {
        return Route::BadRequest;
    }
    let Some(path) = percent_decode(raw_path) else {
        return Route::BadRequest;
    };
    if !path.starts_with('/') || path.contains(['\\', '\0']) {
        return Route::BadRequest;
    }
    if path.split('/').any(|s| s == ".." || s == ".") {
        return Route::Forbidden;
    }
    if base != "/" && (path == "/" || path == base.trim_end_matches('/')) {
        return Route::Redirect(base.to_string());
    }
    let Some(rel) = path.strip_prefix(base) else {
        return Route::NotFound;
    };
    if rel == EVENTS {
        let since = query.and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("since="))
                .and_then(|v| v.parse().ok())
        });
        return Route::Events(since);
    }
    if rel
        .split('/')
        .any(|s| s.starts_with('.') && !s.is_empty() && s != ".nojekyll")
    {
        // Hidden files are never part of a page's URL space.
        return Route::NotFound;
    }
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if exists(&file) {
        return Route::File(file);
    }
    if !rel.is_empty() && !rel.ends_with('/') && exists(&format!("{rel}/index.html")) {
        return Route::Redirect(format!("{}/", encode_path(&path)));
    }
    Route::NotFound
}

/// A decoded path as a `Location` may carry it: every byte but unreserved ones and `/`
/// percent-encoded. A header value must be visible ASCII, and a folder may be named `été`.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Most live-reload long-polls held at once: each holds a thread for up to [`POLL_WAIT`], and
/// a page left open in many tabs (or a script) must not pile up threads without bound.
const MAX_POLLS: usize = 64;

/// The names a request's `Host` may give: loopback names, the IP the server is bound to (any
/// IP literal when bound to all interfaces) and the host of `base_url`. A page of another
/// site whose name was made to point at this machine (DNS rebinding) sends its own name, and
/// must not read the preview, drafts included.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    names: Vec<String>,
    any_ip: bool,
}

impl AllowedHosts {
    /// The hosts of a server bound to `bound`, previewing a site whose `base_url` may be known.
    pub fn new(bound: IpAddr, base_url: Option<&str>) -> AllowedHosts {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
        names.push(bound.to_string());
        if let Some(host) = base_url.and_then(url_host) {
            names.push(host);
        }
        AllowedHosts {
            names,
            any_ip: bound.is_unspecified(),
        }
    }

    /// Whether a request with this `Host` header is answered. A request without one (HTTP/1.0)
    /// is: browsers always send it, and DNS rebinding needs a browser.
    pub fn allows(&self, host: Option<&str>) -> bool {
        let Some(host) = host else {
            return true;
        };
        let name = host_name(host);
        self.names.contains(&name) || (self.any_ip && name.parse::<IpAddr>().is_ok())
    }
}

/// The name of a `Host` header value, without its port or brackets, in lower case.
fn host_name(host: &str) -> String {
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The host of an `http(s)://host[:port]/…` URL.
fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(host_name(authority)).filter(|h| !h.is_empty())
}

/// The Content-Type of an output file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The page shown for every request while the build is broken.
fn error_page(message: &str, generation: u64, base: &str) -> String {
    let script = reload_script(base).replace(GEN_PLACEHOLDER, &generation.to_string());
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Build error – gazette</title>\
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;background:#2b0b0b;color:#fde8e8}}\
main{{max-width:60rem;margin:2rem auto;padding:0 1rem}}pre{{white-space:pre-wrap;background:#1a0505;\
padding:1rem;border-left:4px solid #f05252;overflow:auto}}</style></head><body><main>\
<h1>The site failed to build</h1><p>Fix the file named below and save: this page reloads by itself.</p>\
<pre>{}</pre></main>{script}</body></html>",
        escape(message)
    )
}

/// The site's `base_url`: `--base-url` when given, else that of `config.toml`, if readable.
fn configured_base_url(opts: &BuildOptions) -> Option<String> {
    opts.base_url.clone().or_else(|| {
        crate::config::Config::load(&opts.root.join("config.toml"))
            .ok()
            .map(|c| c.base_url)
    })
}

/// Base path used for serving: from `--base-url` when given, else from `config.toml`, else `/`.
fn base_path(opts: &BuildOptions) -> String {
    configured_base_url(opts)
        .and_then(|u| BasePath::from_base_url(&u).ok())
        .map(|b| b.as_str().to_string())
        .unwrap_or_else(|| "/".to_string())
}

/// Builds and swaps the result into the shared state; prints what happened.
fn rebuild(
    shared: &Shared,
    opts: &ServeOptions,
    origin: &str,
    builder: &mut build::Session,
    changes: &build::Changes,
) {
    let start = Instant::now();
    let base = base_path(&opts.build);
    let mut b = opts.build.clone();
    b.base_url = Some(format!("{origin}{base}"));
    b.render.inject_before_body_end = Some(reload_script(&base));
    // The site being served is what the rebuild shares unchanged pages with.
    let served = shared
        .state
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .site
        .clone()
        .unwrap_or_default();
    let result = builder.build_after(&b, &served, changes);
    drop(served);
    // What the new site replaces is freed after the page is told to reload, not before: the
    // last model and site of a large archive take tens of milliseconds to free.
    let mut model = None;
    let site = match result {
        Ok(mut built) => {
            for d in built.diagnostics.sorted() {
                eprintln!("{d}");
            }
            if opts.verbose {
                eprint!("{}", built.timings.report());
                let p = built.pages;
                eprintln!(
                    "  pages: {} rendered, {} spliced into kept shells, {} kept",
                    p.templated, p.spliced, p.kept
                );
            }
            eprintln!(
                "built {} articles, {} files in {} ms",
                built.site.articles.len(),
                built.files.len(),
                start.elapsed().as_millis()
            );
            let files = std::mem::take(&mut built.files);
            model = Some(built);
            Ok(Arc::new(files))
        }
        Err(failure) => {
            let mut text = format!("error: {failure}\n");
            for d in failure.diagnostics.sorted() {
                text.push_str(&format!("\n{d}"));
            }
            eprintln!("{text}");
            eprintln!("build failed; serving an error page until it is fixed");
            Err(text)
        }
    };
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    state.generation += 1;
    state.base = base;
    let replaced = std::mem::replace(&mut state.site, site);
    drop(state);
    shared.changed.notify_all();
    drop((replaced, model));
}

/// Runs the preview server until Ctrl-C.
pub fn run(opts: ServeOptions) -> Result<()> {
    let addr = SocketAddr::new(opts.bind, opts.port);
    let server = tiny_http::Server::http(addr)
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let server = Arc::new(server);
    let local = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    let origin = origin_of(local);
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            generation: 0,
            base: base_path(&opts.build),
            site: Err("not built yet".into()),
        }),
        changed: Condvar::new(),
        hosts: AllowedHosts::new(local.ip(), configured_base_url(&opts.build).as_deref()),
        polls: std::sync::atomic::AtomicUsize::new(0),
    });
    let mut session = build::Session::default();
    rebuild(
        &shared,
        &opts,
        &origin,
        &mut session,
        &build::Changes::Unknown,
    );
    let base = shared
        .state
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .base
        .clone();
    let url = format!("{origin}{base}");
    println!("serving {url} (Ctrl-C to stop)");
    watch_and_rebuild(Arc::clone(&shared), opts.clone(), origin, session)?;
    {
        let server = Arc::clone(&server);
        ctrlc::set_handler(move || server.unblock())
            .context("cannot install the Ctrl-C handler")?;
    }
    if opts.open {
        open_browser(&url);
    }
    for request in server.incoming_requests() {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || handle(request, &shared));
    }
    eprintln!("stopped");
    Ok(())
}

/// The origin a browser reaches the server at: loopback when it listens on every address.
fn origin_of(local: SocketAddr) -> String {
    let host = if local.ip().is_unspecified() {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        local.ip()
    };
    match host {
        IpAddr::V4(ip) => format!("http://{ip}:{}", local.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}", local.port()),
    }
}

/// Starts watching the project's inputs, and a thread that rebuilds the session after each
/// burst of changes.
fn watch_and_rebuild(
    shared: Arc<Shared>,
    opts: ServeOptions,
    origin: String,
    mut session: build::Session,
) -> Result<()> {
    let watch_root = opts.build.root.canonicalize().with_context(|| {
        format!(
            "cannot open the project folder {}",
            opts.build.root.display()
        )
    })?;
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx).context("cannot start the file watcher")?;
    watch(&mut watcher, &watch_root)?;
    std::thread::spawn(move || {
        // Debounce by hand rather than with notify-debouncer-mini, which drops the event
        // kind: the build's own reads (inotify open/close events) must not trigger builds.
        while let Ok(first) = rx.recv() {
            let mut changed = input_changes(first, &watch_root);
            if changed.is_empty() {
                continue;
            }
            // Wait until the burst (an editor's save, a `git checkout`) is over.
            while let Ok(e) = rx.recv_timeout(Duration::from_millis(100)) {
                changed.extend(input_changes(e, &watch_root));
            }
            changed.sort();
            changed.dedup();
            // A folder created after start (`seeds/` in a new site) needs its own watch.
            if changed.iter().any(|p| p.is_dir()) {
                let _ = watch(&mut watcher, &watch_root);
            }
            eprintln!("changed: {}", describe_changes(&changed, &watch_root));
            let changes = classify(&changed, &watch_root);
            rebuild(&shared, &opts, &origin, &mut session, &changes);
        }
    });
    Ok(())
}

/// The first three changed paths, relative to the project, and how many more.
fn describe_changes(changed: &[PathBuf], root: &Path) -> String {
    let names: Vec<String> = changed
        .iter()
        .take(3)
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    match changed.len().saturating_sub(3) {
        0 => names.join(", "),
        more => format!("{} and {more} more", names.join(", ")),
    }
}

/// Watches the inputs of the site: the project folder itself (for `config.toml` and newly
/// created input folders) and each input folder recursively.
fn watch(w: &mut notify::RecommendedWatcher, root: &Path) -> Result<()> {
    use notify::{RecursiveMode, Watcher};
    w.watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    for dir in ["seeds", "content", "themes"] {
        let d = root.join(dir);
        if d.is_dir() {
            w.watch(&d, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", d.display()))?;
        }
    }
    Ok(())
}

/// The input paths an event changed; none for reads (the build's own file accesses).
fn input_changes(event: notify::Result<notify::Event>, root: &Path) -> Vec<PathBuf> {
    match event {
        // Lost events (a full queue): anything may have changed, and the project folder
        // itself stands for it (see `classify`).
        Err(_) => vec![root.to_path_buf()],
        Ok(e) if e.need_rescan() => vec![root.to_path_buf()],
        Ok(e) if !matches!(e.kind, notify::EventKind::Access(_)) => {
            e.paths.into_iter().filter(|p| is_input(root, p)).collect()
        }
        _ => Vec::new(),
    }
}

/// What a burst of changed paths tells the build: only files directly in `seeds/` (by name),
/// or anything else (then every input is looked at again).
fn classify(changed: &[PathBuf], root: &Path) -> build::Changes {
    let seeds = root.join("seeds");
    let mut names = std::collections::BTreeSet::new();
    for path in changed {
        match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) if parent == seeds => {
                names.insert(name.to_os_string());
            }
            _ => return build::Changes::Unknown,
        }
    }
    build::Changes::Seeds(names)
}

/// Whether a changed path is an input of the build (not `dist/`, the cache or editor noise at
/// the top of the project).
fn is_input(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut comps = rel.components();
    match comps
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
    {
        Some(first) if first == "config.toml" || first == crate::site::lock::FILE => {
            comps.next().is_none()
        }
        Some(first) => matches!(first.as_str(), "seeds" | "content" | "themes"),
        None => false,
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = cmd {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
}

/// A response header. Values are ASCII by construction (see [`encode_path`]); one that is
/// not is sent empty rather than panicking in a request thread.
fn header(name: &str, value: &str) -> tiny_http::Header {
    let value = if value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        value
    } else {
        ""
    };
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("static header names and visible ASCII values are valid")
}

fn respond(request: tiny_http::Request, status: u16, ctype: &str, body: Vec<u8>) {
    let head = request.method() == &tiny_http::Method::Head;
    let len = body.len();
    let mut response = tiny_http::Response::from_data(if head { Vec::new() } else { body })
        .with_status_code(status)
        .with_header(header("Content-Type", ctype))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    if head {
        response = response.with_header(header("Content-Length", &len.to_string()));
    }
    let _ = request.respond(response);
}

fn handle(request: tiny_http::Request, shared: &Shared) {
    use tiny_http::Method;
    if !matches!(request.method(), Method::Get | Method::Head) {
        return respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
        );
    }
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    if !shared.hosts.allows(host.as_deref()) {
        return respond(
            request,
            421,
            "text/plain; charset=utf-8",
            b"misdirected request: this preview answers to localhost only\n".to_vec(),
        );
    }
    let (generation, base, site) = {
        let s = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        (s.generation, s.base.clone(), s.site.clone())
    };
    let target = request.url().to_string();
    let exists = |p: &str| site.as_ref().is_ok_and(|files| files.contains_key(p));
    match route(&target, &base, &exists) {
        Route::BadRequest => respond(
            request,
            400,
            "text/plain; charset=utf-8",
            b"bad request\n".to_vec(),
        ),
        Route::Forbidden => respond(
            request,
            403,
            "text/plain; charset=utf-8",
            b"forbidden\n".to_vec(),
        ),
        Route::Events(since) => poll(request, shared, since, generation),
        _ if site.is_err() => {
            let msg = site.as_ref().err().cloned().unwrap_or_default();
            respond(
                request,
                500,
                "text/html; charset=utf-8",
                error_page(&msg, generation, &base).into_bytes(),
            )
        }
        Route::Redirect(location) => {
            let response = tiny_http::Response::empty(302)
                .with_header(header("Location", &location))
                .with_header(header("Cache-Control", "no-store"));
            let _ = request.respond(response);
        }
        Route::File(path) => {
            let files = site.as_ref().expect("checked above");
            let bytes = fill_generation(&files[&path], &path, generation);
            respond(request, 200, content_type(&path), bytes)
        }
        Route::NotFound => {
            let files = site.as_ref().expect("checked above");
            let body = match files.get("404.html") {
                Some(b) => fill_generation(b, "404.html", generation),
                None => b"<!doctype html><title>404</title><h1>404 Not Found</h1>".to_vec(),
            };
            respond(request, 404, "text/html; charset=utf-8", body)
        }
    }
}

/// Answers a long-poll: at once when the page is behind, else when a build is done or
/// [`POLL_WAIT`] has passed. Past [`MAX_POLLS`] held at once, at once with 503 and
/// `Retry-After`: the reload script tries again a second later.
fn poll(request: tiny_http::Request, shared: &Shared, since: Option<u64>, generation: u64) {
    use std::sync::atomic::Ordering;
    let mut current = generation;
    if since == Some(generation) {
        if shared.polls.fetch_add(1, Ordering::SeqCst) >= MAX_POLLS {
            shared.polls.fetch_sub(1, Ordering::SeqCst);
            let response =
                tiny_http::Response::from_data(b"too many live-reload clients\n".to_vec())
                    .with_status_code(503)
                    .with_header(header("Retry-After", "1"))
                    .with_header(header("Cache-Control", "no-store"));
            let _ = request.respond(response);
            return;
        }
        let guard = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, _) = shared
            .changed
            .wait_timeout_while(guard, POLL_WAIT, |s| s.generation == generation)
            .unwrap_or_else(|e| e.into_inner());
        current = guard.generation;
        drop(guard);
        shared.polls.fetch_sub(1, Ordering::SeqCst);
    }
    respond(
        request,
        200,
        "text/plain; charset=utf-8",
        current.to_string().into_bytes(),
    )
}

/// Puts the current generation into the injected script of an HTML page.
fn fill_generation(bytes: &[u8], path: &str, generation: u64) -> Vec<u8> {
    if !path.ends_with(".html") {
        return bytes.to_vec();
    }
    let needle = GEN_PLACEHOLDER.as_bytes();
    match bytes.windows(needle.len()).rposition(|w| w == needle) {
        Some(i) => {
            let mut out = Vec::with_capacity(bytes.len());
            out.extend_from_slice(&bytes[..i]);
            out.extend_from_slice(generation.to_string().as_bytes());
            out.extend_from_slice(&bytes[i + needle.len()..]);
            out
        }
        None => bytes.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(target: &str) -> Route {
        let files = [
            "index.html",
            "articles/a/index.html",
            "static/style.css",
            "static/été/index.html",
            "404.html",
        ];
        route(target, "/repo/", &|p| files.contains(&p))
    }

    #[test]
    fn a_redirect_to_a_non_ascii_folder_is_a_valid_header() {
        let route = r("/repo/static/%C3%A9t%C3%A9");
        assert_eq!(route, Route::Redirect("/repo/static/%C3%A9t%C3%A9/".into()));
        let Route::Redirect(location) = route else {
            unreachable!()
        };
        // What used to panic in the request thread.
        let h = header("Location", &location);
        assert_eq!(h.value.as_str(), "/repo/static/%C3%A9t%C3%A9/");
        assert_eq!(header("Location", "/été/").value.as_str(), "");
    }

    #[test]
    fn only_known_hosts_are_answered() {
        let loopback = AllowedHosts::new(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some("https://user.github.io/repo/"),
        );
        for ok in [
            "localhost",
            "localhost:8000",
            "127.0.0.1:4000",
            "[::1]:4000",
            "LOCALHOST.",
            "user.github.io",
        ] {
            assert!(loopback.allows(Some(ok)), "{ok}");
        }
        assert!(loopback.allows(None));
        for refused in [
            "evil.example",
            "evil.example:4000",
            "192.168.1.5",
            "localhost.evil.example",
            "",
        ] {
            assert!(!loopback.allows(Some(refused)), "{refused}");
        }
        let lan = AllowedHosts::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), None);
        assert!(lan.allows(Some("192.168.1.5:4000")));
        assert!(!lan.allows(Some("evil.example")));
    }

    #[test]
    fn routes_under_the_base_path() {
        assert_eq!(r("/"), Route::Redirect("/repo/".into()));
        assert_eq!(r("/repo"), Route::Redirect("/repo/".into()));
        assert_eq!(r("/repo/"), Route::File("index.html".into()));
        assert_eq!(r("/repo/?x=1"), Route::File("index.html".into()));
        assert_eq!(
            r("/repo/articles/a"),
            Route::Redirect("/repo/articles/a/".into())
        );
        assert_eq!(
            r("/repo/static/style.css?h=1"),
            Route::File("static/style.css".into())
        );
        assert_eq!(r("/repo/nope"), Route::NotFound);
        assert_eq!(r("/other/"), Route::NotFound);
        assert_eq!(r("/repo/__gazette/events?since=3"), Route::Events(Some(3)));
    }

    /// Only files directly in `seeds/` make a seed-only change; anything else, or lost events
    /// (the project folder standing for them), makes every input be looked at again.
    #[test]
    fn changes_are_seeds_only_when_every_path_is_a_seed_file() {
        let root = Path::new("/site");
        let paths = |ps: &[&str]| -> Vec<PathBuf> { ps.iter().map(PathBuf::from).collect() };
        match classify(
            &paths(&["/site/seeds/001_a.txt", "/site/seeds/002_b.txt"]),
            root,
        ) {
            build::Changes::Seeds(names) => {
                assert_eq!(names.len(), 2);
                assert!(names.contains(std::ffi::OsStr::new("002_b.txt")));
            }
            other => panic!("{other:?}"),
        }
        for mixed in [
            &["/site/seeds/001_a.txt", "/site/config.toml"][..],
            &["/site/seeds/sub/001_a.txt"],
            &["/site/seeds"],
            &["/site"],
            &["/site/themes/default/templates/base.html"],
        ] {
            assert!(
                matches!(classify(&paths(mixed), root), build::Changes::Unknown),
                "{mixed:?}"
            );
        }
        let lost = input_changes(Err(notify::Error::generic("queue overflow")), root);
        assert!(matches!(classify(&lost, root), build::Changes::Unknown));
    }

    #[test]
    fn refuses_traversal() {
        assert_eq!(r("/repo/../etc/passwd"), Route::Forbidden);
        assert_eq!(r("/repo/%2e%2e/etc/passwd"), Route::Forbidden);
        assert_eq!(r("/repo/..%2fetc/passwd"), Route::Forbidden);
        assert_eq!(r("/repo/%2E%2E%2F%2E%2E%2Fetc"), Route::Forbidden);
        assert_eq!(r("/repo/./index.html"), Route::Forbidden);
        assert_eq!(r("/repo/..\\etc"), Route::BadRequest);
        assert_eq!(r("/repo/%5c..%5cetc"), Route::BadRequest);
        assert_eq!(r("/repo/index.html%00.css"), Route::BadRequest);
        assert_eq!(r("/repo/%zz"), Route::BadRequest);
        assert_eq!(r("repo/"), Route::BadRequest);
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("search/x.bin"), "application/octet-stream");
    }

    #[test]
    fn generation_is_filled_in() {
        let page = format!("<p>x</p>{}", reload_script("/repo/"));
        let out = String::from_utf8(fill_generation(page.as_bytes(), "index.html", 7)).unwrap();
        assert!(out.contains("data-gazette-gen=\"7\""));
        assert!(out.contains("/repo/__gazette/events?since="));
    }

    #[test]
    fn error_page_escapes_the_message() {
        let p = error_page("bad <script>alert(1)</script>", 2, "/");
        assert!(!p.contains("<script>alert"));
        assert!(p.contains("&lt;script&gt;"));
    }
}
