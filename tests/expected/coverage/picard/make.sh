#!/usr/bin/env bash
# Regenerates the stored Picard CollectHsMetrics outputs under this folder (Debian
# picard-tools 2.27.5, samtools 1.16.1). Run from this folder: ./make.sh
# Every run uses Picard's defaults plus VALIDATION_STRINGENCY=SILENT (the public BAM has
# records htsjdk's strict validation rejects) and R= (needed for PER_TARGET_COVERAGE).
set -euo pipefail
D=$(cd ../../../../../shared/data/public 2>/dev/null && pwd || echo /work/shared/data/public)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
hs() { # NAME BAM BED REF [extra picard args]
  local name=$1 bam=$2 bed=$3 ref=$4; shift 4
  mkdir -p "$name"
  cp "$ref" "$T/ref.fa"; samtools faidx "$T/ref.fa"
  rm -f "$T/ref.dict"; PicardCommandLine CreateSequenceDictionary R="$T/ref.fa" O="$T/ref.dict" QUIET=true 2>/dev/null
  PicardCommandLine BedToIntervalList I="$bed" O="$T/$(basename "$bed" .bed).interval_list" SD="$bam" QUIET=true 2>/dev/null
  PicardCommandLine CollectHsMetrics I="$bam" O="$name/hs_metrics.txt" \
    BAIT_INTERVALS="$T/$(basename "$bed" .bed).interval_list" TARGET_INTERVALS="$T/$(basename "$bed" .bed).interval_list" \
    PER_TARGET_COVERAGE="$name/per_target.txt" R="$T/ref.fa" VALIDATION_STRINGENCY=SILENT "$@" 2>/dev/null
  # keep the metric and histogram lines only (the header holds paths and dates)
  sed -i -e '1,/^## METRICS CLASS/{/^## METRICS CLASS/!d}' "$name/hs_metrics.txt"
}
# 1. hand-made rules (make_rules_sam.py writes rules/input.sam, targets.bed, ref.fa)
python3 make_rules_sam.py && samtools faidx rules/ref.fa
samtools view -b -o "$T/rules.bam" rules/input.sam
hs rules "$T/rules.bam" rules/targets.bed rules/ref.fa
hs rules_cap50 "$T/rules.bam" rules/targets.bed rules/ref.fa COVERAGE_CAP=50
# 2. public: cnvkit NA12878 exome excerpt (real reads) with its 4 targets
hs na12878 "$D/cnvkit/na12878-chrM-Y-trunc.from_cram.bam" "$D/cnvkit/my-targets.bed" "$D/cnvkit/chrM-Y-trunc.hg19.fa"
# 3. public, no reference (metrics file only; Picard writes PER_TARGET_COVERAGE only with R=)
hs_noref() { # NAME BAM BED
  local name=$1 bam=$2 bed=$3 il
  mkdir -p "$name"
  il="$T/$(basename "$bed" .bed).interval_list"
  PicardCommandLine BedToIntervalList I="$bed" O="$il" SD="$bam" QUIET=true 2>/dev/null
  PicardCommandLine CollectHsMetrics I="$bam" O="$name/hs_metrics.txt" BAIT_INTERVALS="$il" \
    TARGET_INTERVALS="$il" VALIDATION_STRINGENCY=SILENT 2>/dev/null
  sed -i -e '1,/^## METRICS CLASS/{/^## METRICS CLASS/!d}' "$name/hs_metrics.txt"
}
# samtools bedcov.bam: spliced RNA-seq pairs with QC-fail and supplementary records
hs_noref bedcov "$D/samtools/bedcov/bedcov.bam" "$D/samtools/bedcov/bedcov_gG.bed"
# mosdepth's ovl.bam (one real bwa-mem pair on MT whose mates overlap) over a window
hs_noref ovl "$D/mosdepth/ovl.bam" ovl/window.bed
