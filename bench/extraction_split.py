#!/usr/bin/env python3
"""Two-fold split of the extraction benchmark: scores gazette on the odd and the even pages
(file order) of ../shared/extraction-bench separately, with that benchmark's own score.py.

usage: extraction_split.py PATH/TO/gazette [BENCH_DIR]
Rules are chosen looking at one half only; the other half's figure shows whether they
generalise."""
import json, os, shutil, subprocess, sys, tempfile

gaz = os.path.abspath(sys.argv[1])
bench = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else
                        os.path.join(os.path.dirname(__file__), "../../shared/extraction-bench"))
truth = json.load(open(os.path.join(bench, "truth.json")))
names = sorted(truth)
for label, half in (("odd", names[0::2]), ("even", names[1::2])):
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(os.path.join(bench, "score.py"), d)
        os.symlink(os.path.join(bench, "seeds"), os.path.join(d, "seeds"))
        json.dump({n: truth[n] for n in half}, open(os.path.join(d, "truth.json"), "w"))
        out = subprocess.run([sys.executable, os.path.join(d, "score.py"), gaz, "--worst", "0"],
                             capture_output=True, text=True).stdout.strip().splitlines()
        print(f"{label:>4} half ({len(half)} pages): {out[-1] if out else '?'}")
