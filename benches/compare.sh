#!/usr/bin/env bash
# Side-by-side comparison of panelprep with its peers on the same generated data, same threads,
# same compression level, in one run; prints wall time, peak RSS and ratios.
#
#   [PROFILE=novaseq|miseq|hiseq|legacy|art] benches/compare.sh [PAIRS] [THREADS] [LEVEL]      (defaults: 2000000 2 1)
#
# Needs: fastp, igzip (Debian isal), libdeflate-gzip (Debian libdeflate-tools), pigz, GNU time.
# Optional: chelae (cargo install chelae), cutadapt. Data and outputs go to $WORK (default /tmp/pp-compare).
set -euo pipefail
PAIRS=${1:-2000000}
T=${2:-2}
Z=${3:-1}
WORK=${WORK:-/tmp/pp-compare}
# shellcheck source=benches/data.sh
. "$(dirname "$0")/data.sh"

# run NAME CMD...: wall seconds and peak RSS (KiB) into $WORK/NAME.time
run() {
  local name=$1; shift
  sync; rm -f "$WORK"/out_*
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$@" >/dev/null 2>"$WORK/$name.log" || {
    echo "$name failed: $(tail -3 "$WORK/$name.log")" >&2; echo "nan 0" > "$WORK/$name.time"; }
}

floor() { # the same bytes inflated by igzip and deflated by libdeflate at the same level, 2 files in parallel
  (igzip -d -c "$WORK/R1.fq.gz" | libdeflate-gzip -"$Z" -c > "$WORK/out_f1.gz") &
  (igzip -d -c "$WORK/R2.fq.gz" | libdeflate-gzip -"$Z" -c > "$WORK/out_f2.gz") &
  wait
}
export -f floor; export WORK Z

MODE=${MODE:-passthrough}
if [ "$MODE" = passthrough ]; then
  run panelprep "$PP" trim -i "$WORK/R1.fq.gz" -I "$WORK/R2.fq.gz" -o "$WORK/out_1.fq.gz" -O "$WORK/out_2.fq.gz" -w "$T" -z "$Z" --passthrough ${PP_ARGS:-}
  run fastp fastp -w "$T" -A -G -Q -L -z "$Z" -i "$WORK/R1.fq.gz" -I "$WORK/R2.fq.gz" -o "$WORK/out_1.fq.gz" -O "$WORK/out_2.fq.gz" -j /dev/null -h /dev/null
  run floor bash -c floor
  NAMES="panelprep fastp floor"
else
  run panelprep "$PP" trim -i "$WORK/R1.fq.gz" -I "$WORK/R2.fq.gz" -o "$WORK/out_1.fq.gz" -O "$WORK/out_2.fq.gz" -w "$T" -z "$Z" ${PP_ARGS:-}
  run fastp fastp -w "$T" -z "$Z" -i "$WORK/R1.fq.gz" -I "$WORK/R2.fq.gz" -o "$WORK/out_1.fq.gz" -O "$WORK/out_2.fq.gz" -j /dev/null -h /dev/null
  CHELAE=${CHELAE:-$(command -v chelae || echo /tmp/chelae-root/bin/chelae)}
  if [ -x "$CHELAE" ]; then
    # chelae's defaults (adapter detection by overlap, poly-G, quality, length filter), BGZF out.
    run chelae "$CHELAE" trim -t "$T" -c "$Z" -i "$WORK/R1.fq.gz" "$WORK/R2.fq.gz" -o "$WORK/out_1.fq.gz" "$WORK/out_2.fq.gz"
    NAMES="panelprep fastp chelae"
  else
    NAMES="panelprep fastp"
  fi
  if [ -z "${SKIP_CUTADAPT:-}" ] && command -v cutadapt >/dev/null; then
    run cutadapt cutadapt -j "$T" -Z -a AGATCGGAAGAGCACACGTCTGAACTCCAGTCA -A AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT -q 15 -m 15 -o "$WORK/out_1.fq.gz" -p "$WORK/out_2.fq.gz" "$WORK/R1.fq.gz" "$WORK/R2.fq.gz"
    NAMES="$NAMES cutadapt"
  fi
fi

echo "# mode=$MODE profile=$PROFILE pairs=$PAIRS threads=$T level=$Z machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# panelprep $("$PP" --version | awk '{print $2}'), fastp $(fastp --version 2>&1 | awk '{print $2}'), chelae $("${CHELAE:-/tmp/chelae-root/bin/chelae}" --version 2>/dev/null | awk '{print $2}'), cutadapt $(cutadapt --version 2>/dev/null), isal $(dpkg-query -W -f='${Version}' isal 2>/dev/null), libdeflate $(dpkg-query -W -f='${Version}' libdeflate-tools 2>/dev/null)"
read -r PT PM < "$WORK/panelprep.time"
printf "%-10s %9s %11s %16s\n" tool seconds "peak MiB" "time / panelprep"
for n in $NAMES; do
  read -r t m < "$WORK/$n.time"
  awk -v n="$n" -v t="$t" -v m="$m" -v p="$PT" 'BEGIN { printf "%-10s %9.2f %11.1f %16.2f\n", n, t, m/1024, t/p }'
done
