#!/usr/bin/env python3
"""Turns the raw files of bench/run.sh (hyperfine JSON exports, GNU time peak RSS, sizes,
`gazette build -v` output) into RESULT.json and RESULT.md.

Usage: report.py RAW_DIR RESULT   (writes RESULT.json and RESULT.md)
"""
import glob
import json
import os
import re
import statistics
import sys

raw, result = sys.argv[1], sys.argv[2]

# Targets from the benchmark issue (10k seeds, full build with search index and minification).
TARGETS = {
    "ratio_cp_floor_max": 1.5,
    "hugo_over_gazette_min": 4.0,
    "rss_10k_max_mb": 300,
    "addone_max_s": 0.150,
    "full_100k_max_s": 20.0,
    "rss_100k_max_mb": 1536,
}


def kv_file(path):
    out = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            k, _, v = line.rstrip("\n").partition(" ")
            if k:
                out[k] = int(v) if v.isdigit() else v
    return out


def measurement(name):
    path = os.path.join(raw, name + ".json")
    if not os.path.exists(path):
        return None
    failed = os.path.exists(os.path.join(raw, name + ".failed"))
    try:
        times = json.load(open(path))["results"][0]["times"]
    except (ValueError, KeyError, IndexError):
        times = []
    if not times:
        return {"runs": 0, "failed": True, "median_s": None, "peak_rss_mb": None}
    rss = [int(x) for x in open(os.path.join(raw, name + ".rss")).read().split() if x.isdigit()]
    m = {
        "runs": len(times),
        "median_s": round(statistics.median(times), 4),
        "min_s": round(min(times), 4),
        "max_s": round(max(times), 4),
        "times_s": [round(t, 4) for t in times],
        "peak_rss_mb": round(statistics.median(rss) / 1024, 1) if rss else None,
        "peak_rss_max_mb": round(max(rss) / 1024, 1) if rss else None,
        "failed": failed,
    }
    return m


def serve_rebuilds(n, kind="serve"):
    """The medians examples/serve_rebuild printed (ms), and its peak RSS, if it ran. `kind` is
    `serve` (seeds of any date added) or `serve-newest` (seeds dated after all others)."""
    path = os.path.join(raw, f"gazette-{kind}-{n}.txt")
    if not os.path.exists(path):
        return None
    out = {"failed": os.path.exists(os.path.join(raw, f"gazette-{kind}-{n}.failed"))}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"(first build|rebuild, no change|rebuild, one seed added)\s+([\d.]+) ms", line)
        if m:
            key = {"first build": "first_ms", "rebuild, no change": "nochange_ms",
                   "rebuild, one seed added": "addone_ms"}[m.group(1)]
            out[key] = float(m.group(2))
        if line.startswith("last rebuild equals a fresh build:"):
            out["equals_fresh"] = line.strip().endswith("true")
    rss_path = os.path.join(raw, f"gazette-{kind}-{n}.rss")
    rss = [int(x) for x in open(rss_path).read().split()
           if x.isdigit()] if os.path.exists(rss_path) else []
    out["peak_rss_mb"] = round(max(rss) / 1024, 1) if rss else None
    return out


def stage_lines(n):
    path = os.path.join(raw, f"gazette-verbose-{n}.stages")
    return [l.rstrip() for l in open(path, encoding="utf-8")] if os.path.exists(path) else []


def parse_rate(n, lines):
    """Seeds per second of the parse stage, if `build -v` names one with a duration."""
    for line in lines:
        if re.search(r"\bparse|\bseeds?\b", line, re.I):
            m = re.search(r"(\d+(?:\.\d+)?)\s*(ms|s)\b", line)
            if m:
                secs = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
                if secs > 0:
                    return round(n / secs), line.strip()
    return None, None


sizes = sorted({int(re.search(r"-(\d+)\.json$", p).group(1))
                for p in glob.glob(os.path.join(raw, "gazette-full-*.json"))})
machine = kv_file(os.path.join(raw, "machine.txt"))
data = {"machine": machine, "targets": TARGETS, "sizes": {}}
for n in sizes:
    d = {k: measurement(f"{k}-{n}") for k in
         ("gazette-full", "gazette-nochange", "gazette-addone", "gazette-addnewest",
          "pagefind-gazette", "hugo",
          "cp-floor", "pagefind-hugo")}
    d = {k: v for k, v in d.items() if v is not None}
    d["gazette-size"] = kv_file(os.path.join(raw, f"gazette-size-{n}.txt"))
    d["hugo-size"] = kv_file(os.path.join(raw, f"hugo-size-{n}.txt"))
    stats = os.path.join(raw, f"corpus-{n}.stats.json")
    d["corpus"] = json.load(open(stats)) if os.path.exists(stats) else {}
    d["gazette-serve"] = serve_rebuilds(n)
    d["gazette-serve-newest"] = serve_rebuilds(n, "serve-newest")
    lines = stage_lines(n)
    d["gazette-verbose"] = lines
    d["parse_rate_seeds_per_s"], d["parse_line"] = parse_rate(n, lines)
    g = d.get("gazette-full")
    if g and not g["failed"]:
        if "cp-floor" in d:
            d["ratio_gazette_over_cp"] = round(g["median_s"] / d["cp-floor"]["median_s"], 2)
        if "hugo" in d:
            d["ratio_hugo_over_gazette"] = round(d["hugo"]["median_s"] / g["median_s"], 2)
        if "pagefind-gazette" in d:
            d["ratio_pagefind_over_gazette"] = round(
                d["pagefind-gazette"]["median_s"] / g["median_s"], 2)
    data["sizes"][str(n)] = d

with open(result + ".json", "w", encoding="utf-8") as fh:
    json.dump(data, fh, ensure_ascii=False, indent=1)


def fmt_t(m):
    if not m:
        return "–"
    if m["failed"]:
        return "FAILED"
    t = m["median_s"]
    s = f"{t * 1000:.0f} ms" if t < 1 else f"{t:.2f} s"
    if m["peak_rss_mb"] is not None:
        s += f" / {m['peak_rss_mb']:.0f} MB"
    return s


def fmt_b(b):
    if b in (None, ""):
        return "–"
    b = int(b)
    return f"{b / 1e6:.1f} MB" if b >= 1e6 else f"{b / 1e3:.0f} kB"


cols = [str(n) for n in sizes]
md = [f"# gazette benchmark, {machine.get('date', '?')}", ""]
md.append(f"Machine: {machine.get('nproc', '?')} × {machine.get('cpu', '?')}, "
          f"{machine.get('ram', '?')} RAM, kernel {machine.get('kernel', '?')}, "
          f"{machine.get('rustc', '?')}; gazette {machine.get('commit', '?')}, "
          f"{machine.get('hugo', 'no hugo')} (Hugo), pagefind {machine.get('pagefind', '?')}, "
          f"{machine.get('hyperfine', 'own loop')}; load average at the end "
          f"{machine.get('loadavg', '?')}. Median of {machine.get('runs', '?')} runs; "
          "wall time / peak RSS (GNU time); output on /dev/shm.")
md.append("")
md.append("| Measurement | " + " | ".join(f"{int(c):,} seeds" for c in cols) + " |")
md.append("|---|" + "---|" * len(cols))


def row(label, f):
    md.append(f"| {label} | " + " | ".join(f(data["sizes"][c]) for c in cols) + " |")


row("gazette full build (search index, minified)", lambda d: fmt_t(d.get("gazette-full")))
row("gazette no-change rebuild", lambda d: fmt_t(d.get("gazette-nochange")))
row("gazette add-one-seed rebuild (seed of any date)", lambda d: fmt_t(d.get("gazette-addone")))
row("gazette add-one-seed rebuild (newest article)",
    lambda d: fmt_t(d.get("gazette-addnewest")))


def fmt_serve(d, key, kind="gazette-serve"):
    s = d.get(kind)
    if not s:
        return "–"
    if s["failed"] or key not in s or not s.get("equals_fresh"):
        return "FAILED"
    t = f"{s[key]:.0f} ms" if s[key] < 1000 else f"{s[key] / 1000:.2f} s"
    if key == "addone_ms" and s.get("peak_rss_mb"):
        t += f" / {s['peak_rss_mb']:.0f} MB"
    return t


row("`gazette serve` rebuild, one seed of any date added (in memory; session peak)",
    lambda d: fmt_serve(d, "addone_ms"))
row("`gazette serve` rebuild, newest article added (in memory; session peak)",
    lambda d: fmt_serve(d, "addone_ms", "gazette-serve-newest"))
row("`gazette serve` rebuild, nothing changed", lambda d: fmt_serve(d, "nochange_ms"))
row("Hugo full build (--minify)", lambda d: fmt_t(d.get("hugo")))
row("`cp -r` of Hugo's output (floor)", lambda d: fmt_t(d.get("cp-floor")))
row("Pagefind indexing gazette's output", lambda d: fmt_t(d.get("pagefind-gazette")))
row("Pagefind indexing Hugo's output", lambda d: fmt_t(d.get("pagefind-hugo")))
row("**gazette / cp floor** (target ≤ 1.5)", lambda d: str(d.get("ratio_gazette_over_cp", "–")))
row("**Hugo / gazette** (target ≥ 4)", lambda d: str(d.get("ratio_hugo_over_gazette", "–")))
row("Pagefind / gazette", lambda d: str(d.get("ratio_pagefind_over_gazette", "–")))
row("parse rate (seeds/s, from `build -v`)",
    lambda d: f"{d['parse_rate_seeds_per_s']:,}" if d.get("parse_rate_seeds_per_s") else "–")
row("gazette output files / bytes",
    lambda d: f"{d['gazette-size'].get('files', '–')} / {fmt_b(d['gazette-size'].get('bytes'))}")
row("Hugo output files / bytes",
    lambda d: f"{d['hugo-size'].get('files', '–')} / {fmt_b(d['hugo-size'].get('bytes'))}"
    if d["hugo-size"] else "–")
row("gazette search index (dist/search/) files / bytes",
    lambda d: f"{d['gazette-size'].get('search_files', '–')} / "
              f"{fmt_b(d['gazette-size'].get('search_bytes'))}")
row("Pagefind index of gazette's output", lambda d: fmt_b(d["gazette-size"].get("pagefind_bytes")))
row("bytes fetched per one-word query", lambda d: "see bench/search_compare.*")
row("corpus: words / distinct words",
    lambda d: f"{d['corpus'].get('total_words', 0):,} / {d['corpus'].get('distinct_words', 0):,}")
md.append("")
for c in cols:
    lines = data["sizes"][c]["gazette-verbose"]
    if lines:
        md.append(f"`gazette build -v` at {int(c):,} seeds:")
        md.append("")
        md.append("```")
        md.extend(lines[-40:])
        md.append("```")
        md.append("")
with open(result + ".md", "w", encoding="utf-8") as fh:
    fh.write("\n".join(md) + "\n")
