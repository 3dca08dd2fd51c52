#!/bin/sh
# Two revisions' `scan -j 2` side by side on the same tree, interleaved, so both meet the same
# moments of a shared machine: wall and CPU (user+sys, workers included) of each run, then
# whether the two JSON reports are identical.
#
#   sh benchmarks/compare_scan.sh REV_A REV_B [RUNS] [TREE]
#
# Each revision's integrity/ and signatures/ are exported with `git archive` and run from a
# folder outside the checkout (from inside it, `python -m` would import the working tree).
set -eu
A=$1
B=$2
RUNS=${3:-5}
REPO=$(git rev-parse --show-toplevel)
TREE=${4:-$REPO/.bench/scanset}
PYTHON=${PYTHON:-$REPO/.venv/bin/python}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for rev in "$A" "$B"; do
    mkdir -p "$WORK/$rev"
    git -C "$REPO" archive "$rev" integrity signatures | tar -x -C "$WORK/$rev"
    # one unmeasured run writes the exported package's bytecode
    (cd "$WORK" && env -u PYTHONDONTWRITEBYTECODE PYTHONPATH="$WORK/$rev" "$PYTHON" -m integrity \
        scan "$TREE" -j 2 --no-cache --quiet --format json -o "$WORK/$rev.json" || true)
done
i=0
while [ "$i" -lt "$RUNS" ]; do
    for rev in "$A" "$B"; do
        (cd "$WORK" && env -u PYTHONDONTWRITEBYTECODE PYTHONPATH="$WORK/$rev" /usr/bin/time \
            -f "$rev wall %e s cpu %U+%S s" "$PYTHON" -m integrity scan "$TREE" -j 2 --no-cache \
            --quiet --format json -o "$WORK/$rev.json" 2>&1 | grep ' wall ' || true)
    done
    i=$((i + 1))
done
if cmp -s "$WORK/$A.json" "$WORK/$B.json"; then echo "reports identical"; else echo "reports differ"; fi
