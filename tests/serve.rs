//! `gazette serve` end to end: the real binary on a free loopback port, spoken to over raw TCP.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CONFIG: &str = "title = \"Test\"\nbase_url = \"https://user.github.io/repo/\"\n\
                      language = \"fr\"\n[search]\nenabled = false\n";

/// A running server, killed when dropped so a failing test leaves nothing behind.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .env_remove("CI")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("gazette serve starts");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    // `serving http://127.0.0.1:PORT/repo/ (Ctrl-C to stop)`
    let url = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.ends_with("/repo/"), "served under the base path: {url}");
    let port = url["http://127.0.0.1:".len()..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    Server { child, port }
}

struct Response {
    status: u16,
    headers: String,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Sends `target` exactly as written (no normalisation, unlike real clients).
fn get(port: u16, target: &str) -> Response {
    get_as(port, target, "127.0.0.1")
}

/// Sends a request for `target` without reading the answer.
fn send(port: u16, target: &str, host: &str) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    s
}

/// [`get`] with this `Host` header.
fn get_as(port: u16, target: &str, host: &str) -> Response {
    read_response(send(port, target, host))
}

fn read_response(mut s: TcpStream) -> Response {
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    Response {
        status,
        headers: head.to_string(),
        body: body.to_string(),
    }
}

fn generation(page: &Response) -> u64 {
    let i = page
        .body
        .find("data-gazette-gen=")
        .expect("live-reload script injected");
    page.body[i + "data-gazette-gen=".len()..]
        .trim_start_matches('"')
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap()
}

/// Long-polls the events endpoint the way the injected script does, reloading `target` after
/// each new generation until `done` holds for it (an editor's save may take two builds).
/// Gives up after a minute so a broken server fails the test instead of hanging it.
fn reload_until(
    port: u16,
    mut since: u64,
    target: &str,
    done: impl Fn(&Response) -> bool,
) -> Response {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            std::time::Instant::now() < deadline,
            "no such rebuild of {target}"
        );
        let r = get(port, &format!("/repo/__gazette/events?since={since}"));
        assert_eq!(r.status, 200);
        let g: u64 = r.body.trim().parse().unwrap();
        if g != since {
            since = g;
            let page = get(port, target);
            if done(&page) {
                return page;
            }
        }
    }
}

fn new_site() -> tempfile::TempDir {
    common::site(
        CONFIG,
        &[(
            "001_aaaaaaaaaaaaaaaa.txt",
            &common::french_seed("Réforme des retraites", "12/03/2023", "Politique, France"),
        )],
    )
}

#[test]
fn serves_under_the_base_path_and_reloads_after_a_new_seed() {
    let site = new_site();
    let server = start(site.path());
    let port = server.port;

    let root = get(port, "/");
    assert_eq!(root.status, 302);
    assert_eq!(root.header("Location").as_deref(), Some("/repo/"));

    let home = get(port, "/repo/");
    assert_eq!(home.status, 200);
    assert!(home
        .header("Content-Type")
        .unwrap()
        .starts_with("text/html"));
    assert!(home.body.contains("Réforme des retraites"));
    assert!(
        home.body.contains("/repo/__gazette/events"),
        "the reload script polls under the sub-path"
    );
    assert!(home.body.contains("href=/repo/") || home.body.contains("href=\"/repo/"));

    let css = get(port, "/repo/static/style.css");
    assert_eq!(css.status, 200);
    assert!(css.header("Content-Type").unwrap().starts_with("text/css"));
    let feed = get(port, "/repo/atom.xml");
    assert!(feed
        .header("Content-Type")
        .unwrap()
        .starts_with("application/atom+xml"));

    let missing = get(port, "/repo/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html"), "the site's 404 page");

    let polled = generation(&home);
    std::fs::write(
        site.path().join("seeds/002_bbbbbbbbbbbbbbbb.txt"),
        common::french_seed("Grève dans les transports", "14/03/2023", "Transports"),
    )
    .unwrap();
    let home = reload_until(port, polled, "/repo/", |p| {
        p.body.contains("Grève dans les transports")
    });
    assert_eq!(home.status, 200);
    assert!(
        generation(&home) > polled,
        "the page carries the new generation"
    );
}

#[test]
fn refuses_requests_that_leave_the_site() {
    let site = new_site();
    // A secret next to the project: a file server rooted at the project would leak it.
    std::fs::write(site.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let server = start(site.path());
    for target in [
        "/repo/../secret.txt",
        "/repo/../../../../etc/passwd",
        "/repo/%2e%2e/secret.txt",
        "/repo/%2E%2E/%2E%2E/etc/passwd",
        "/repo/..%2fsecret.txt",
        "/repo/..%2f..%2f..%2fetc%2fpasswd",
        "/repo/..\\secret.txt",
        "/repo/%5c..%5csecret.txt",
        "/repo/index.html%00.css",
        "/repo/./../config.toml",
        "/../config.toml",
    ] {
        let r = get(server.port, target);
        assert!(
            matches!(r.status, 400 | 403 | 404),
            "{target}: status {}",
            r.status
        );
        assert!(!r.body.contains("TOP-SECRET"), "{target} leaked a file");
        assert!(!r.body.contains("root:"), "{target} leaked /etc/passwd");
        assert!(!r.body.contains("base_url"), "{target} leaked config.toml");
    }
}

#[test]
fn shows_a_broken_template_and_recovers() {
    let site = new_site();
    let server = start(site.path());
    let port = server.port;
    let g0 = generation(&get(port, "/repo/"));

    let templates = site.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("index.html"), "{% if <b>broken %}").unwrap();
    let error = reload_until(port, g0, "/repo/", |p| p.status == 500);
    let g1 = generation(&error);
    for target in ["/repo/", "/repo/tags/", "/repo/static/style.css"] {
        let page = get(port, target);
        assert_eq!(page.status, 500, "{target}");
        assert!(page.body.contains("index.html"), "names the template");
        assert!(
            page.body.contains("&lt;b&gt;broken") && !page.body.contains("<b>broken"),
            "the error is escaped"
        );
        assert!(
            page.body.contains("/repo/__gazette/events"),
            "it reloads by itself"
        );
    }

    std::fs::remove_file(templates.join("index.html")).unwrap();
    let home = reload_until(port, g1, "/repo/", |p| p.status == 200);
    assert!(home.body.contains("Réforme des retraites"));
}

#[test]
fn answers_only_to_its_own_host_names() {
    let site = new_site();
    let server = start(site.path());
    // A DNS-rebinding page sends its own name: refused, whatever it asks for.
    for target in ["/repo/", "/repo/__gazette/events?since=0"] {
        let r = get_as(server.port, target, "evil.example:4000");
        assert_eq!(r.status, 421, "{target}: {}", r.body);
        assert!(!r.body.contains("Réforme"), "{target} leaked the site");
    }
    for host in [
        "localhost",
        &format!("localhost:{}", server.port),
        "[::1]",
        "user.github.io",
    ] {
        assert_eq!(get_as(server.port, "/repo/", host).status, 200, "{host}");
    }
}

#[test]
fn caps_the_long_poll_clients() {
    let site = new_site();
    let server = start(site.path());
    let since = generation(&get(server.port, "/repo/"));
    let target = format!("/repo/__gazette/events?since={since}");
    // 64 pages waiting for a rebuild, each holding a thread of the server.
    let held: Vec<TcpStream> = (0..64)
        .map(|_| send(server.port, &target, "127.0.0.1"))
        .collect();
    // Let the server take them all before the 65th.
    std::thread::sleep(Duration::from_millis(500));
    let start = std::time::Instant::now();
    let extra = get(server.port, &target);
    assert_eq!(extra.status, 503, "{}", extra.body);
    assert_eq!(extra.header("Retry-After").as_deref(), Some("1"));
    assert!(start.elapsed() < Duration::from_secs(5), "answered at once");
    // Pages still load meanwhile.
    assert_eq!(get(server.port, "/repo/").status, 200);
    drop(held);
}

#[test]
fn redirects_to_a_non_ascii_folder_without_failing() {
    let site = new_site();
    let folder = site.path().join("themes/default/static/été");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("index.html"), "<p>été</p>").unwrap();
    let server = start(site.path());
    let r = get(server.port, "/repo/static/%C3%A9t%C3%A9");
    assert_eq!(r.status, 302, "{}", r.headers);
    assert_eq!(
        r.header("Location").as_deref(),
        Some("/repo/static/%C3%A9t%C3%A9/")
    );
    let page = get(server.port, "/repo/static/%C3%A9t%C3%A9/");
    assert_eq!(page.status, 200);
}

#[test]
fn honours_urls_lock_and_never_writes_it() {
    let site = new_site();
    let lock = "001_aaaaaaaaaaaaaaaa ancienne-adresse\n";
    std::fs::write(site.path().join("urls.lock"), lock).unwrap();
    let server = start(site.path());
    let page = get(server.port, "/repo/articles/ancienne-adresse/");
    assert_eq!(page.status, 200, "the locked URL is served");
    assert!(page.body.contains("Réforme des retraites"));
    let since = generation(&page);
    std::fs::write(
        site.path().join("seeds/002_bbbbbbbbbbbbbbbb.txt"),
        common::french_seed("Grève dans les transports", "14/03/2023", "Transports"),
    )
    .unwrap();
    reload_until(server.port, since, "/repo/", |p| {
        p.body.contains("Grève dans les transports")
    });
    // A preview claims no URL: only `gazette build` records them.
    assert_eq!(
        std::fs::read_to_string(site.path().join("urls.lock")).unwrap(),
        lock
    );
}
