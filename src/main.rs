//! The `gazette` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use gazette::build::{self, BuildOptions};

/// mimalloc: the build allocates many small strings from several threads, where glibc's
/// allocator was a quarter of the profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// gazette: a static site generator for archives of raw news articles.
///
/// Reads plain-text seeds from `seeds/`, recovers each article's title, date, source, tags and
/// body, and writes a static site (article pages, paginated home, tag, source and author pages,
/// archive, Atom feeds, sitemap and a client-side search) into `dist/`.
#[derive(Parser, Debug)]
#[command(name = "gazette", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The project a command works on: each subcommand that reads one takes it, and only those.
#[derive(Args, Debug, Clone)]
struct Project {
    /// Project folder holding config.toml, seeds/, content/ and themes/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

/// What to publish: shared by `build` and `check`, so both see the same site.
#[derive(Args, Debug, Clone)]
struct PublishArgs {
    /// Publish URL, overriding `base_url` of config.toml (e.g. https://user.github.io/repo/).
    #[arg(long)]
    base_url: Option<String>,
    /// Include articles and pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Treat warnings (undated seeds, unreadable seeds, …) as a failure.
    #[arg(long)]
    strict: bool,
}

impl PublishArgs {
    /// Build options for the project at `root` with these settings.
    fn options(&self, root: PathBuf) -> BuildOptions {
        BuildOptions {
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            strict: self.strict,
            ..BuildOptions::for_root(root)
        }
    }
}

#[derive(Args, Debug, Clone)]
struct SiteArgs {
    #[command(flatten)]
    project: Project,
    /// Print only warnings and errors, not the summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Print per-stage timings and peak memory.
    #[arg(long, short)]
    verbose: bool,
    /// Output folder, replaced whole and atomically when the build succeeds [default: dist/
    /// under --root; a relative path is relative to the current folder]. A folder that holds
    /// files gazette did not write is refused unless --force is given.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Replace the output folder even if it holds files gazette did not write.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    publish: PublishArgs,
    /// Ignore and do not update .gazette-cache/ (parsed seeds, rendered pages, output manifest):
    /// rebuild everything and rewrite the output folder.
    #[arg(long)]
    no_cache: bool,
}

/// What `check` takes: the project, what to publish, and how much to say.
#[derive(Args, Debug, Clone)]
struct CheckArgs {
    #[command(flatten)]
    project: Project,
    #[command(flatten)]
    publish: PublishArgs,
    /// Print only problems, not the summary line.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug, Clone)]
struct ServeArgs {
    #[command(flatten)]
    project: Project,
    /// Print per-stage timings and how each rebuild made its pages.
    #[arg(long, short)]
    verbose: bool,
    /// Port to listen on; 0 picks a free one (the address is printed).
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Interface to listen on. Anything but loopback exposes your drafts to the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// URL whose path the site is served under (the origin is always the local address);
    /// defaults to base_url of config.toml.
    #[arg(long)]
    base_url: Option<String>,
    /// Include articles and pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into the output folder (default: dist/).
    Build(SiteArgs),
    /// Preview the site: build, serve it on 127.0.0.1 under the base path of base_url, rebuild
    /// when seeds/, content/, themes/ or config.toml change and reload the open page.
    Serve(ServeArgs),
    /// Check the site before publishing: every seed parses, every internal link and #anchor of
    /// the built pages resolves under the base path. Exit code 1 when anything is wrong.
    Check(CheckArgs),
    /// Show what gazette recovers from seeds: fields, where each came from, warnings.
    Inspect {
        #[command(flatten)]
        project: Project,
        /// Seed files to inspect (default: every seed of seeds/).
        paths: Vec<PathBuf>,
        /// Print one JSON array instead of text.
        #[arg(long)]
        json: bool,
        /// Exit with code 1 if any seed has a warning.
        #[arg(long)]
        strict: bool,
        /// Show each line of the seed with what it became and the rule that decided it.
        #[arg(long)]
        explain: bool,
    },
    /// Create a new site in DIR: config.toml, content/about.md, an empty seeds/ (kept in git
    /// by seeds/.gitkeep), a .gitignore and a GitHub Pages workflow (.github/workflows/pages.yml).
    Init {
        /// Folder to create (must not exist or be empty).
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    gazette::return_freed_memory_sooner();
    let cli = Cli::parse();
    let root = match &cli.command {
        Command::Build(a) => Some(&a.project.root),
        Command::Check(a) => Some(&a.project.root),
        Command::Serve(a) => Some(&a.project.root),
        Command::Inspect { .. } | Command::Init { .. } => None,
    };
    if let Some(Err(message)) = root.map(|r| check_root(r)) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let result = match &cli.command {
        Command::Build(args) => run_build(args),
        Command::Check(args) => run_check(args),
        Command::Serve(args) => gazette::serve::run(gazette::serve::ServeOptions {
            build: BuildOptions {
                base_url: args.base_url.clone(),
                drafts: args.drafts,
                ..BuildOptions::for_root(args.project.root.clone())
            },
            bind: args.bind,
            port: args.port,
            open: args.open,
            verbose: args.verbose,
        })
        .map(|()| ExitCode::SUCCESS),
        Command::Inspect {
            project,
            paths,
            json,
            strict: _,
            explain: true,
        } => gazette::inspect::explain(&project.root, paths, *json),
        Command::Inspect {
            project,
            paths,
            json,
            strict,
            ..
        } => gazette::inspect::run(&project.root, paths, *json, *strict),
        Command::Init { dir } => gazette::init::run(dir).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Refuses a `--root` that is not a gazette project before anything is created: a typo must
/// not build an empty site over an output folder.
fn check_root(root: &std::path::Path) -> Result<(), String> {
    if !root.is_dir() {
        return Err(format!(
            "the project folder {} does not exist (--root)",
            root.display()
        ));
    }
    if !root.join("config.toml").is_file() && !root.join("seeds").is_dir() {
        return Err(format!(
            "{} is not a gazette project: it has neither config.toml nor seeds/ \
             (create one with `gazette init DIR`)",
            root.display()
        ));
    }
    Ok(())
}

fn options(args: &SiteArgs) -> BuildOptions {
    let root = &args.project.root;
    let defaults = args.publish.options(root.clone());
    BuildOptions {
        output: args
            .output
            .clone()
            .unwrap_or_else(|| build::project_path(root, "dist")),
        cache: !args.no_cache,
        force: args.force,
        ..defaults
    }
}

/// A spinner with the current stage and elapsed time, drawn on stderr only in an interactive
/// terminal (not in CI logs, not with `--quiet`) and only once the build has taken long enough
/// to notice, so quick builds print nothing but their summary.
struct Spinner(Option<indicatif::ProgressBar>);

impl Spinner {
    fn start(quiet: bool) -> Spinner {
        use std::io::IsTerminal;
        if quiet || std::env::var_os("CI").is_some() || !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{elapsed}] {msg}")
                .expect("valid template"),
        );
        let delayed = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(400));
            if !delayed.is_finished() {
                delayed.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                delayed.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        });
        Spinner(Some(bar))
    }

    fn progress(&self) -> Option<build::Progress> {
        let bar = self.0.clone()?;
        Some(build::Progress(std::sync::Arc::new(move |stage: &str| {
            bar.set_message(format!("{stage}…"));
        })))
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

fn run_build(args: &SiteArgs) -> anyhow::Result<ExitCode> {
    let mut opts = options(args);
    gazette::output::stop_cleanly_on_signals();
    let spinner = Spinner::start(args.quiet);
    opts.progress = spinner.progress();
    let result = build::build(&opts);
    spinner.finish();
    match result {
        Ok(report) => {
            for d in report.diagnostics.sorted() {
                eprintln!("{d}");
            }
            if args.verbose {
                eprint!("{}", report.timings.report());
            }
            if !args.quiet {
                println!("{}", report.summary());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            for d in failure.diagnostics.sorted() {
                eprintln!("{d}");
            }
            eprintln!(
                "error: build failed, {} left as it was: {failure}",
                opts.output.display()
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn run_check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let opts = args.publish.options(args.project.root.clone());
    let ok = gazette::check::run(&opts, args.quiet)?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
