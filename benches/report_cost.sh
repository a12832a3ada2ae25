#!/usr/bin/env bash
# Cost of the QC report and of the upload manifest: the same default paired-end run three ways,
# interleaved, REPS times each (best and median wall seconds, median user+sys CPU seconds):
#   --no-report                  no statistics at all
#   --json J --html H            statistics, JSON and HTML (no manifest: no checksums)
#   (default)                    JSON, HTML and the manifest (MD5 + SHA-256 of every input and output)
#
#   [PROFILE=novaseq|miseq|hiseq|legacy|art] benches/report_cost.sh [PAIRS] [THREADS] [LEVEL] [REPS]     (defaults: 2000000 2 1 3)
#
# Uses the data of benches/compare.sh in $WORK (default /tmp/pp-compare), generating it if needed.
set -euo pipefail
PAIRS=${1:-2000000}
T=${2:-2}
Z=${3:-1}
REPS=${4:-3}
WORK=${WORK:-/tmp/pp-compare}
# shellcheck source=benches/data.sh
. "$(dirname "$0")/data.sh"

run() { # NAME ARGS...: appends "wall cpu" to $WORK/NAME.cost
  local name=$1; shift
  rm -f "$WORK"/out_* "$WORK"/rc.*
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.one" "$PP" trim -i "$WORK/R1.fq.gz" -I "$WORK/R2.fq.gz" \
    -o "$WORK/out_1.fq.gz" -O "$WORK/out_2.fq.gz" -w "$T" -z "$Z" "$@" >/dev/null 2>&1
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$WORK/$name.one" >> "$WORK/$name.cost"
}

rm -f "$WORK"/*.cost
for _ in $(seq "$REPS"); do
  run none --no-report
  run report --json "$WORK/rc.json" --html "$WORK/rc.html"
  run manifest
done

echo "# profile=$PROFILE pairs=$PAIRS threads=$T level=$Z reps=$REPS machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
table "vs none" "$WORK/none.cost" "$WORK/none.cost=--no-report" \
  "$WORK/report.cost=statistics + JSON + HTML" "$WORK/manifest.cost=+ manifest (default)"
