#!/usr/bin/env bash
# Trimming accuracy on simulated 2x150 FFPE-like pairs (see src/simulate.rs), adapter-only
# settings for every tool, scored against the true insert length in the read names.
# Usage: benches/accuracy.sh [PAIRS] [SEED]   (env: DIR=/tmp/panelprep-acc, CHELAE=path)
set -euo pipefail
N=${1:-100000}
SEED=${2:-7}
DIR=${DIR:-/tmp/panelprep-acc}
CHELAE=${CHELAE:-$(command -v chelae || echo /tmp/chelae-root/bin/chelae)}
A1=AGATCGGAAGAGCACACGTCTGAACTCCAGTCA
A2=AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT
cd "$(dirname "$0")/.."
mkdir -p "$DIR"
cargo build --release --quiet --example trim_fastq --example score_trim --example sim_reads
EX=${CARGO_TARGET_DIR:-target}/release/examples
"$EX/sim_reads" "$N" "$SEED" "$DIR/R1.fq" "$DIR/R2.fq"
S="$EX/score_trim"
hdr() {
  echo
  echo "### $1 ($N pairs, seed $SEED)"
  echo
  echo "| tool | exact % | over-trimmed % | under-trimmed % | FP % (no adapter, trimmed) | FN % (adapter, untrimmed) | MAE (bp) | RMSE (bp) | reads dropped |"
  echo "|---|---|---|---|---|---|---|---|---|"
}
t() { local s=$SECONDS; "$@" >/dev/null 2>"$DIR/last.log"; echo $((SECONDS - s)) > "$DIR/last.time"; }

hdr "paired-end"
t "$EX/trim_fastq" --in1 "$DIR/R1.fq" --in2 "$DIR/R2.fq" --out1 "$DIR/pp1.fq" --out2 "$DIR/pp2.fq" -a $A1 --adapter_sequence_r2 $A2 -Q -L -G
"$S" "panelprep" 150 $((2 * N)) "$DIR/pp1.fq" "$DIR/pp2.fq"
t fastp -i "$DIR/R1.fq" -I "$DIR/R2.fq" -o "$DIR/fp1.fq" -O "$DIR/fp2.fq" -a $A1 --adapter_sequence_r2 $A2 -Q -L -G -w 2 -j "$DIR/fp.json" -h "$DIR/fp.html"
"$S" "fastp $(fastp --version 2>&1 | cut -d' ' -f2)" 150 $((2 * N)) "$DIR/fp1.fq" "$DIR/fp2.fq"
t cutadapt -j 2 -a $A1 -A $A2 -o "$DIR/ca1.fq" -p "$DIR/ca2.fq" "$DIR/R1.fq" "$DIR/R2.fq"
"$S" "cutadapt $(cutadapt --version)" 150 $((2 * N)) "$DIR/ca1.fq" "$DIR/ca2.fq"
t AdapterRemoval --file1 "$DIR/R1.fq" --file2 "$DIR/R2.fq" --adapter1 $A1 --adapter2 $A2 --output1 "$DIR/ar1.fq" --output2 "$DIR/ar2.fq" --minlength 0 --threads 2 --basename "$DIR/ar"
"$S" "AdapterRemoval $(AdapterRemoval --version 2>&1 | awk '{print $3}')" 150 $((2 * N)) "$DIR/ar1.fq" "$DIR/ar2.fq"
if [ -x "$CHELAE" ]; then
  t "$CHELAE" trim -i "$DIR/R1.fq" "$DIR/R2.fq" -o "$DIR/ch1.fq" "$DIR/ch2.fq" -a $A1 $A2 --trim-polyg 0 -l 0 -t 2
  "$S" "chelae $("$CHELAE" --version | awk '{print $2}')" 150 $((2 * N)) "$DIR/ch1.fq" "$DIR/ch2.fq"
fi

hdr "single-end (read 1 only)"
t "$EX/trim_fastq" --in1 "$DIR/R1.fq" --out1 "$DIR/pps.fq" -a $A1 -Q -L -G
"$S" "panelprep" 150 "$N" "$DIR/pps.fq"
t fastp -i "$DIR/R1.fq" -o "$DIR/fps.fq" -a $A1 -Q -L -G -w 2 -j "$DIR/fps.json" -h "$DIR/fps.html"
"$S" "fastp $(fastp --version 2>&1 | cut -d' ' -f2)" 150 "$N" "$DIR/fps.fq"
t cutadapt -j 2 -a $A1 -o "$DIR/cas.fq" "$DIR/R1.fq"
"$S" "cutadapt $(cutadapt --version)" 150 "$N" "$DIR/cas.fq"
t AdapterRemoval --file1 "$DIR/R1.fq" --adapter1 $A1 --output1 "$DIR/ars.fq" --minlength 0 --threads 2 --basename "$DIR/ars"
"$S" "AdapterRemoval $(AdapterRemoval --version 2>&1 | awk '{print $3}')" 150 "$N" "$DIR/ars.fq"
if [ -x "$CHELAE" ]; then
  t "$CHELAE" trim -i "$DIR/R1.fq" -o "$DIR/chs.fq" -a $A1 --trim-polyg 0 -l 0 -t 2
  "$S" "chelae $("$CHELAE" --version | awk '{print $2}')" 150 "$N" "$DIR/chs.fq"
fi
