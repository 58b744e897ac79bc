#!/usr/bin/env python3
"""Score gazette's extraction on French page layouts written for gazette (not scraped): a
national daily with a paywall, one with comments, a regional daily, an international
broadcaster and radio, Maghreb dailies, a food blog, an opinion page, a business daily. Each
text imitates how a scraper flattens such a page: menus, share bars, captions with credits,
teasers, paywall notices, comments, footers around the article. truth.json lists snippets the
article must keep ("with") and furniture it must drop ("without"); scoring as in
../shared/extraction-bench-fr/score.py (precision and recall over all snippets).

usage: score.py PATH/TO/gazette [--worst N]   (runs gazette from an empty folder)"""
import json, os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def norm(t):
    return re.sub(r"\s+", " ", t or "").strip()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    gaz = os.path.abspath(sys.argv[1])
    worst = int(sys.argv[sys.argv.index("--worst") + 1]) if "--worst" in sys.argv else 10
    truth = json.load(open(os.path.join(HERE, "truth.json")))
    files = [os.path.join(HERE, "seeds", n) for n in sorted(truth)]
    with tempfile.TemporaryDirectory() as empty:
        res = subprocess.run([gaz, "inspect", "--json", *files], capture_output=True, text=True, cwd=empty)
    try:
        recs = {os.path.basename(r["file"]): r for r in json.loads(res.stdout)}
    except (ValueError, KeyError):
        sys.exit(f"inspect printed no usable JSON (exit {res.returncode}): {res.stderr[-300:]}")
    tp = fp = fn = 0
    rows = []
    for n, item in sorted(truth.items()):
        r = recs.get(n, {})
        kept = norm("\n".join((r.get("summary") or []) + [r.get("body_text") or ""]))
        missed = [w for w in item["with"] if norm(w) not in kept]
        leaked = [w for w in item["without"] if norm(w) in kept]
        tp += len(item["with"]) - len(missed); fn += len(missed); fp += len(leaked)
        rows.append((len(missed) + len(leaked), n, item["url"], missed, leaked))
    for bad, n, url, missed, leaked in sorted(rows, reverse=True)[:worst]:
        print(f"  {n}  {url}")
        for w in missed:
            print(f"      missing: {w[:90]}")
        for w in leaked:
            print(f"      kept furniture: {w[:90]}")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"F1 {f:.3f}  precision {p:.3f}  recall {r:.3f}  on {len(rows)} pages")


if __name__ == "__main__":
    main()
