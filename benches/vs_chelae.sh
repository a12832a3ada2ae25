#!/usr/bin/env bash
# panelprep against chelae, the speed bar, on the data of benches/compare.sh: default paired
# processing, interleaved, REPS runs each (single runs on a VM vary by several percent):
#   panelprep --no-report   panelprep --json --html   panelprep default (JSON, HTML, manifest)
#   chelae (its defaults, BGZF out)   fastp (only with FASTP=1; its JSON and HTML)
#   panelprep default with --manifest-checksums md5,sha256 (only with MD5=1)
#   the codec floor (only with FLOOR=1): `igzip -dc | libdeflate-gzip -LEVEL`, both mates at
#   once: what decompressing and recompressing the reads costs with no processing at all
# Prints best and median wall seconds, median CPU seconds, median peak RSS and the median wall
# and CPU ratios to chelae.
#
#   [PROFILE=novaseq|miseq|hiseq|legacy|art] [FASTP=1] [MD5=1] [FLOOR=1] benches/vs_chelae.sh [PAIRS] [THREADS] [LEVEL] [REPS]
#   (defaults: legacy, 2000000 2 1 5)
#
# Needs chelae (cargo install chelae; $CHELAE or PATH or /tmp/chelae-root/bin/chelae).
set -euo pipefail
PAIRS=${1:-2000000}
T=${2:-2}
Z=${3:-1}
REPS=${4:-5}
WORK=${WORK:-/tmp/pp-compare}
# shellcheck source=benches/data.sh
. "$(dirname "$0")/data.sh"
CHELAE=${CHELAE:-$(command -v chelae || echo /tmp/chelae-root/bin/chelae)}
[ -x "$CHELAE" ] || { echo "chelae not found (cargo install chelae)" >&2; exit 1; }

run() { # NAME CMD...: appends "wall cpu rss_kib" to $WORK/NAME.vs
  local name=$1; shift
  rm -rf "$WORK"/out_* "$WORK"/vs.*
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.one" "$@" >/dev/null 2>&1 || {
    echo "$name failed" >&2; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$WORK/$name.one" >> "$WORK/$name.vs"
}
PPT=("$PP" trim -i "$WORK/R1.fq.gz" -I "$WORK/R2.fq.gz" -o "$WORK/out_1.fq.gz" -O "$WORK/out_2.fq.gz" -w "$T" -z "$Z")

rm -f "$WORK"/*.vs
for _ in $(seq "$REPS"); do
  run pp_none "${PPT[@]}" --no-report
  run pp_report "${PPT[@]}" --json "$WORK/vs.json" --html "$WORK/vs.html"
  run pp_default "${PPT[@]}"
  [ -n "${MD5:-}" ] && run pp_md5 "${PPT[@]}" --manifest-checksums md5,sha256
  run chelae "$CHELAE" trim -t "$T" -c "$Z" -i "$WORK/R1.fq.gz" "$WORK/R2.fq.gz" -o "$WORK/out_1.fq.gz" "$WORK/out_2.fq.gz"
  if [ -n "${FLOOR:-}" ]; then
    run floor bash -c "igzip -dc '$WORK/R1.fq.gz' | libdeflate-gzip -$Z -c > '$WORK/out_1.fq.gz' &
      igzip -dc '$WORK/R2.fq.gz' | libdeflate-gzip -$Z -c > '$WORK/out_2.fq.gz' & wait"
  fi
  if [ -n "${FASTP:-}" ]; then
    run fastp fastp -w "$T" -z "$Z" -i "$WORK/R1.fq.gz" -I "$WORK/R2.fq.gz" -o "$WORK/out_1.fq.gz" -O "$WORK/out_2.fq.gz" -j "$WORK/vs.fastp.json" -h "$WORK/vs.fastp.html"
  fi
done

echo "# profile=$PROFILE pairs=$PAIRS threads=$T level=$Z reps=$REPS machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# panelprep $("$PP" --version | awk '{print $2}'), chelae $("$CHELAE" --version 2>/dev/null | awk '{print $2}'), fastp $(fastp --version 2>&1 | awk '{print $2}')"
FILES=("$WORK/pp_none.vs=panelprep --no-report" "$WORK/pp_report.vs=panelprep --json --html"
  "$WORK/pp_default.vs=panelprep default" "$WORK/chelae.vs=chelae trim")
[ -n "${MD5:-}" ] && FILES+=("$WORK/pp_md5.vs=panelprep default + MD5")
[ -n "${FASTP:-}" ] && FILES+=("$WORK/fastp.vs=fastp")
[ -n "${FLOOR:-}" ] && FILES+=("$WORK/floor.vs=codec floor (igzip + libdeflate-gzip)")
table "/ chelae" "$WORK/chelae.vs" "${FILES[@]}"
