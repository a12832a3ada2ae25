#!/usr/bin/env bash
# Panel coverage benchmark: panelprep coverage vs mosdepth, samtools bedcov and Picard
# CollectHsMetrics (picard-hs preset) on a generated
# gene-panel BAM (GRCh38 contigs, ~500 targets in 60 genes, ~70% of pairs on target).
#
# Usage: [REF=GRCh38.fa] benches/compare_coverage.sh [WORKDIR=target/coverage-bench] [PAIRS=1500000] [RUNS=3]
# Needs: cargo, samtools, mosdepth, picard-tools (PicardCommandLine), hyperfine, /usr/bin/time (GNU). Wall times are hyperfine
# means over RUNS runs after one warm-up (page cache warm); peak RSS from /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-target/coverage-bench}
PAIRS=${2:-1500000}
RUNS=${3:-3}
TH=20,50,100,250,500,1000
mkdir -p "$W"

cargo build --release --quiet --example make_panel_bam --bin panelprep
PP=target/release/panelprep
if [ ! -s "$W/panel.bam" ] || [ "$(cat "$W/pairs" 2>/dev/null)" != "$PAIRS" ]; then
  target/release/examples/make_panel_bam "$W" "$PAIRS" 60 42
  echo "$PAIRS" > "$W/pairs"
  rm -f "$W/panel.bam.bai"
fi
[ -s "$W/panel.bam.bai" ] || samtools index "$W/panel.bam"
BAM=$W/panel.bam
BED=$W/panel.bed
[ -s "$W/panel.interval_list" ] || PicardCommandLine BedToIntervalList I="$BED" O="$W/panel.interval_list" SD="$BAM" QUIET=true > /dev/null 2>&1

echo "## Input"
echo "- BAM: $(du -h "$BAM" | cut -f1), $(samtools idxstats "$BAM" | awk '{m+=$3; u+=$4} END {print m" mapped + "u" unmapped records"}')"
echo "- BED: $(wc -l < "$BED") targets, $(cut -f4 "$BED" | sort -u | wc -l) genes"
echo "- versions: $($PP --version), mosdepth $(mosdepth --version 2>&1 | awk '{print $2}'), $(samtools --version | head -1), $(hyperfine --version)"
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"

declare -A CMD
CMD[panelprep]="$PP coverage --bam $BAM --targets $BED --prefix $W/pp -t 2 -T $TH"
CMD[panelprep-full-scan]="$PP coverage --bam $BAM --targets $BED --prefix $W/ppfull -t 2 -T $TH --scan full"
CMD[panelprep-fast]="$PP coverage --bam $BAM --targets $BED --prefix $W/ppfast -t 2 -T $TH -x"
CMD[mosdepth]="mosdepth -t 2 -n --by $BED --thresholds $TH $W/md $BAM"
CMD[mosdepth-fast]="mosdepth -t 2 -n -x --by $BED --thresholds $TH $W/mdfast $BAM"
CMD[samtools-bedcov]="samtools bedcov -j $BED $BAM"
CMD[panelprep-picard-hs]="$PP coverage --bam $BAM --targets $BED --prefix $W/pphs -t 2 --preset picard-hs"
CMD[picard]="PicardCommandLine CollectHsMetrics I=$BAM O=$W/picard.hs.txt BAIT_INTERVALS=$W/panel.interval_list TARGET_INTERVALS=$W/panel.interval_list VALIDATION_STRINGENCY=SILENT QUIET=true"
ORDER="panelprep panelprep-full-scan panelprep-fast mosdepth mosdepth-fast samtools-bedcov panelprep-picard-hs picard"
# CRAM (optional, not run by default): REF=/path/GRCh38.fa (with .fai; the panel BAM's @SQ are
# GRCh38 primary contigs, same names and lengths). The generated reads have random bases, so the
# CRAM is substitution-heavy: slower to decode than a real one. panelprep reads a CRAM whole on
# one thread (no .crai region reads); mosdepth uses the .crai.
if [ -n "${REF:-}" ]; then
  [ -s "$W/panel.cram" ] || samtools view -C -T "$REF" -o "$W/panel.cram" "$BAM"
  [ -s "$W/panel.cram.crai" ] || samtools index "$W/panel.cram"
  CMD[panelprep-cram]="$PP coverage --bam $W/panel.cram -f $REF --targets $BED --prefix $W/ppcram -t 2 -T $TH"
  CMD[mosdepth-cram]="mosdepth -t 2 -n -f $REF --by $BED --thresholds $TH $W/mdcram $W/panel.cram"
  ORDER="$ORDER panelprep-cram mosdepth-cram"
fi

echo
echo "## Commands"
for k in $ORDER; do echo "- $k: \`${CMD[$k]}\`"; done

declare -A WALL RSS
for k in $ORDER; do
  hyperfine --warmup 1 --runs "$RUNS" --export-json "$W/$k.json" --output=null "${CMD[$k]}" > /dev/null
  WALL[$k]=$(python3 -c "import json,sys; print('%.3f' % json.load(open(sys.argv[1]))['results'][0]['mean'])" "$W/$k.json")
  /usr/bin/time -v sh -c "${CMD[$k]} > /dev/null" 2> "$W/$k.time"
  RSS[$k]=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$W/$k.time")
done

echo
echo "## Equality with mosdepth"
PAIRS_EQ="pp md|ppfast mdfast"
[ -n "${REF:-}" ] && PAIRS_EQ="$PAIRS_EQ|ppcram mdcram"
IFS='|' read -r -a EQ <<< "$PAIRS_EQ"
for pair in "${EQ[@]}"; do
  set -- $pair
  for f in regions.bed.gz thresholds.bed.gz; do
    if cmp -s <(zcat "$W/$1.$f") <(zcat "$W/$2.$f"); then echo "- $1.$f == $2.$f"; else echo "- $1.$f DIFFERS from $2.$f"; fi
  done
  if cmp -s "$W/$1.mosdepth.region.dist.txt" "$W/$2.mosdepth.region.dist.txt"; then echo "- $1.mosdepth.region.dist.txt == $2's"; else echo "- $1 region.dist DIFFERS"; fi
done

if python3 - "$W/pphs.hs_metrics.txt" "$W/picard.hs.txt" <<'PY'
import sys
def hs(p):
    L = open(p).read().split('\n')
    i = [k for k, l in enumerate(L) if l.startswith('## METRICS CLASS')][0]
    return dict(zip(L[i + 1].split('\t'), L[i + 2].split('\t')))
a, b = hs(sys.argv[1]), hs(sys.argv[2])
skip = {'BAIT_SET'}
bad = [k for k in b if k not in skip and a.get(k) != b[k]]
print('- picard-hs HsMetrics vs Picard: %d of %d compared fields equal%s' % (len(b) - len(skip) - len(bad), len(b) - len(skip), (' (differ: ' + ', '.join(bad) + ')') if bad else ''))
PY
then :; fi

echo
echo "## Results (2 threads where the tool has threads)"
echo "| tool | wall s (mean of $RUNS) | peak RSS MiB | wall vs panelprep |"
echo "|---|---:|---:|---:|"
for k in $ORDER; do
  r=$(python3 -c "print('%.2fx' % (${WALL[$k]}/${WALL[panelprep]}))")
  echo "| $k | ${WALL[$k]} | ${RSS[$k]} | $r |"
done
