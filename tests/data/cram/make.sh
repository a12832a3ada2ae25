#!/usr/bin/env bash
# Regenerates the stored CRAM fixtures of tests/coverage_cram.rs (samtools 1.16.1). Run from
# this folder: ./make.sh
# Input: the hand-made Picard rules alignments and their reference
# (tests/expected/coverage/picard/rules/input.sam, ref.fa; 399 records, 2 contigs).
#   rules.cram           CRAM 3.0 (samtools' default), 50 records per slice and container (10
#                        containers, so that they are decoded in parallel); @SQ with M5, UR
#                        removed (it holds a local path)
#   rules.cram.crai      its index (for --scan index / auto)
#   rules.v31.cram       CRAM 3.1, samtools' default container size (one container)
#   rules.from_cram.bam  htslib's decoding of rules.cram written as BAM: the same alignments as
#                        the CRAM (CRAM keeps no =/X CIGAR operations: htslib decodes them as M,
#                        so input.sam itself is not the same alignments)
set -euo pipefail
R=../../expected/coverage/picard/rules
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for v in 3.0 3.1; do
  out=rules.cram; opts=(--output-fmt-option seqs_per_slice=50 --output-fmt-option slices_per_container=1)
  [ "$v" = 3.1 ] && out=rules.v31.cram && opts=()
  samtools view --no-PG -C -T "$R/ref.fa" --output-fmt-option "version=$v" "${opts[@]}" -o "$out" "$R/input.sam"
  samtools view -H --no-PG "$out" | sed 's/\tUR:[^\t]*//' > "$T/h.sam"
  samtools reheader --no-PG -i "$T/h.sam" "$out"
done
samtools view --no-PG -b -T "$R/ref.fa" -o rules.from_cram.bam rules.cram
samtools index rules.cram
