#!/usr/bin/env bash
# What staged, atomic publishing costs a rebuild: `gazette build` after adding one seed to a
# 10,000-seed site, for two binaries side by side (interleaved rounds, each its own copy of
# the corpus), with the output on disk and on /dev/shm. Prints the median of each.
#
#   bench/publish.sh OLD_BINARY NEW_BINARY [--n 10000] [--rounds 7] [--disk DIR]
#
# OLD is typically a build of the commit before the change, NEW the current one. The disk
# folder defaults to /work/.publish-bench (anything not on tmpfs).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OLD="$(realpath "$1")"; NEW="$(realpath "$2")"; shift 2
N=10000; ROUNDS=7; DISK=/work/.publish-bench
while [[ $# -gt 0 ]]; do
    case "$1" in
        --n) N="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --disk) DISK="$2"; shift 2 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
GEN=/dev/shm/publish-bench-corpus
if [[ ! -f "$GEN/.done-$N" ]]; then
    rm -rf "$GEN"
    python3 "$HERE/gen_corpus.py" "$N" --out "$GEN/corpus" --seed 42 --only seeds >/dev/null
    python3 "$HERE/gen_corpus.py" "$((ROUNDS + 2))" --out "$GEN/extra" --seed 4242 --only seeds >/dev/null
    touch "$GEN/.done-$N"
fi
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for place in "$DISK" /dev/shm/publish-bench-run; do
    declare -A times=()
    for bin in old new; do
        rm -rf "$place/$bin"; mkdir -p "$place/$bin"
        cp -r "$GEN/corpus/seeds" "$place/$bin/seeds"
        # Seeds that have been in the repository a while: the cache trusts their stat.
        find "$place/$bin/seeds" -type f -exec touch -d '-2 hours' {} +
        printf 'title = "Bench"\nlanguage = "fr"\n' >"$place/$bin/config.toml"
        exe=$OLD; [[ $bin == new ]] && exe=$NEW
        "$exe" build --quiet --root "$place/$bin" --output "$place/$bin/dist" >/dev/null 2>&1
    done
    extras=("$GEN"/extra/seeds/*.txt)
    for ((r = 0; r < ROUNDS; r++)); do
        f="${extras[$r]}"; name="$(printf '%05d' $((N + r)))_${f##*_}"
        for bin in old new; do
            exe=$OLD; [[ $bin == new ]] && exe=$NEW
            cp "$f" "$place/$bin/seeds/$name"
            touch -d '-2 hours' "$place/$bin/seeds/$name"
            sync
            t0=$(date +%s%N)
            "$exe" build --quiet --root "$place/$bin" --output "$place/$bin/dist" >/dev/null 2>&1
            t1=$(date +%s%N)
            times[$bin]+="$(( (t1 - t0) / 1000000 )) "
        done
    done
    o=$(tr ' ' '\n' <<<"${times[old]}" | grep . | median)
    n=$(tr ' ' '\n' <<<"${times[new]}" | grep . | median)
    echo "add one seed at $N, output in $place: old ${o} ms, new ${n} ms, ratio $(awk "BEGIN{printf \"%.2f\", $n/$o}") (medians of $ROUNDS; old: ${times[old]}; new: ${times[new]})"
    rm -rf "$place"
    unset times
done
