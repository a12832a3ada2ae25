#!/usr/bin/env bash
# Trimming accuracy against fastp, AdapterRemoval, cutadapt (and chelae if installed) on the
# same files, scored against the true cut point in the read names (`cut=N`, else `ins=N`).
#
# Data sources (each 2x150):
#   novaseq  panelprep simulate --profile novaseq (4-bin qualities, ~90% Q30, failing read-2
#            tails, failed reads 2, dimers, 1-39 bp inserts, indels), TruSeq adapters
#   miseq-se panelprep simulate --profile miseq --adapter illumina-se: an Illumina adapter that
#            shares TruSeq's first 13 bases (the detection trap), full-resolution qualities
#   art      art_illumina HS25 (empirical HiSeq 2500 profiles, not written by this project),
#            35% of pairs given a short insert + TruSeq adapters by `simulate --from-art`
# Modes: paired-end and single-end (read 1), each with the adapters given and with default
# settings (no adapter given: each tool's defaults; cutadapt has none, so it gets the common
# `-a AGATCGGAAGAGC`; AdapterRemoval its built-in TruSeq defaults). Quality and length
# filtering off in every tool (-Q -L, --minlength 0) so that every read is scored; poly-G
# trimming off (-G) with adapters given, each tool's default otherwise.
#
# Usage: benches/accuracy.sh [PAIRS] [SEED] [SOURCES...]   (env: DIR=/tmp/panelprep-acc,
#        CHELAE=path). Prints markdown tables: overall rows, then exact % per insert class.
set -euo pipefail
N=${1:-20000}
SEED=${2:-7}
shift 2 || true
SOURCES=${*:-novaseq miseq-se art}
DIR=${DIR:-/tmp/panelprep-acc}
CHELAE=${CHELAE:-$(command -v chelae || echo /tmp/chelae-root/bin/chelae)}
cd "$(dirname "$0")/.."
mkdir -p "$DIR"
cargo build --release --quiet --bin panelprep --example score_trim
T=${CARGO_TARGET_DIR:-target}/release
PP=$T/panelprep
S=$T/examples/score_trim
FASTP_V=$(fastp --version 2>&1 | cut -d' ' -f2)
AR_V=$(AdapterRemoval --version 2>&1 | awk '{print $3}')
CA_V=$(cutadapt --version)
ROWS=$DIR/rows.md
CLS=$DIR/classes.md

make_source() { # name -> $DIR/name/R{1,2}.fq, sets A1 A2
  local d=$DIR/$1
  mkdir -p "$d"
  case $1 in
    novaseq)
      A1=AGATCGGAAGAGCACACGTCTGAACTCCAGTCA; A2=AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT
      "$PP" simulate --profile novaseq --pairs "$N" --seed "$SEED" -o "$d/R1.fq" -O "$d/R2.fq" ;;
    miseq-se)
      A1=AGATCGGAAGAGCTCGTATGCCGTCTTCTGCTTG; A2=$A1
      "$PP" simulate --profile miseq --adapter illumina-se --pairs "$N" --seed "$SEED" -o "$d/R1.fq" -O "$d/R2.fq" ;;
    art)
      A1=AGATCGGAAGAGCACACGTCTGAACTCCAGTCA; A2=AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT
      python3 -c "
import random
random.seed($SEED)
s=''.join(random.choice('ACGT') for _ in range(2000000))
print('>g'); print('\n'.join(s[i:i+80] for i in range(0,len(s),80)))" > "$d/ref.fa"
      art_illumina -ss HS25 -i "$d/ref.fa" -p -l 150 -c "$N" -m 280 -s 40 -ir 0 -ir2 0 -dr 0 -dr2 0 \
        -rs "$SEED" -q -o "$d/art" >/dev/null
      "$PP" simulate --from-art "$d/art" --seed "$SEED" -o "$d/R1.fq" -O "$d/R2.fq" 2>/dev/null ;;
  esac
}

score() { # name src mode files...
  local name=$1 src=$2 mode=$3; shift 3
  local n=$N; [ $# -eq 2 ] && n=$((2 * N))
  echo "$("$S" "$name" 150 "$n" "$@" | sed "s/^| /| $src | $mode | /")" >> "$ROWS"
  echo "$("$S" --classes "$name" 150 "$@" | sed "s/^| /| $src | $mode | /")" >> "$CLS"
}

q() { "$@" >/dev/null 2>"$DIR/last.log" || { cat "$DIR/last.log" >&2; return 1; }; }

run_source() {
  local src=$1 d=$DIR/$1
  make_source "$src"
  local i1=$d/R1.fq i2=$d/R2.fq o=$d/out
  for mode in given default; do
    local pa=() fa=() ca=() ar=() pas=() fas=() cas=() ars=() g=()
    if [ $mode = given ]; then
      pa=(-a $A1 --adapter_sequence_r2 $A2); fa=(-a $A1 --adapter_sequence_r2 $A2)
      ca=(-a $A1 -A $A2); ar=(--adapter1 $A1 --adapter2 $A2)
      pas=(-a $A1); fas=(-a $A1); cas=(-a $A1); ars=(--adapter1 $A1); g=(-G)
    else
      ca=(-a AGATCGGAAGAGC -A AGATCGGAAGAGC); cas=(-a AGATCGGAAGAGC)
    fi
    # paired-end
    q "$PP" trim -i "$i1" -I "$i2" -o "$o.pp1.fq" -O "$o.pp2.fq" "${pa[@]}" -Q -L "${g[@]}" --no-report
    score "panelprep" "$src" "PE $mode" "$o.pp1.fq" "$o.pp2.fq"
    if [ $mode = default ]; then
      q "$PP" trim -i "$i1" -I "$i2" -o "$o.ppc1.fq" -O "$o.ppc2.fq" -Q -L --fastp_compat --no-report
      score "panelprep --fastp_compat" "$src" "PE $mode" "$o.ppc1.fq" "$o.ppc2.fq"
    fi
    q fastp -i "$i1" -I "$i2" -o "$o.fp1.fq" -O "$o.fp2.fq" "${fa[@]}" -Q -L "${g[@]}" -w 2 -j "$o.fp.json" -h "$o.fp.html"
    score "fastp $FASTP_V" "$src" "PE $mode" "$o.fp1.fq" "$o.fp2.fq"
    if [ $mode = default ]; then
      q fastp -i "$i1" -I "$i2" -o "$o.fpd1.fq" -O "$o.fpd2.fq" --detect_adapter_for_pe -Q -L -w 2 -j "$o.fp.json" -h "$o.fp.html"
      score "fastp $FASTP_V --detect_adapter_for_pe" "$src" "PE $mode" "$o.fpd1.fq" "$o.fpd2.fq"
    fi
    q cutadapt -j 2 "${ca[@]}" -o "$o.ca1.fq" -p "$o.ca2.fq" "$i1" "$i2"
    score "cutadapt $CA_V" "$src" "PE $mode" "$o.ca1.fq" "$o.ca2.fq"
    q AdapterRemoval --file1 "$i1" --file2 "$i2" "${ar[@]}" --output1 "$o.ar1.fq" --output2 "$o.ar2.fq" --minlength 0 --threads 2 --basename "$o.ar"
    score "AdapterRemoval $AR_V" "$src" "PE $mode" "$o.ar1.fq" "$o.ar2.fq"
    if [ -x "$CHELAE" ]; then
      local cha=(); [ $mode = given ] && cha=(-a $A1 $A2)
      q "$CHELAE" trim -i "$i1" "$i2" -o "$o.ch1.fq" "$o.ch2.fq" "${cha[@]}" -l 0 -t 2
      score "chelae" "$src" "PE $mode" "$o.ch1.fq" "$o.ch2.fq"
    fi
    # single-end (read 1)
    q "$PP" trim -i "$i1" -o "$o.pps.fq" "${pas[@]}" -Q -L "${g[@]}" --no-report
    score "panelprep" "$src" "SE $mode" "$o.pps.fq"
    q fastp -i "$i1" -o "$o.fps.fq" "${fas[@]}" -Q -L "${g[@]}" -w 2 -j "$o.fps.json" -h "$o.fps.html"
    score "fastp $FASTP_V" "$src" "SE $mode" "$o.fps.fq"
    q cutadapt -j 2 "${cas[@]}" -o "$o.cas.fq" "$i1"
    score "cutadapt $CA_V" "$src" "SE $mode" "$o.cas.fq"
    q AdapterRemoval --file1 "$i1" "${ars[@]}" --output1 "$o.ars.fq" --minlength 0 --threads 2 --basename "$o.ars"
    score "AdapterRemoval $AR_V" "$src" "SE $mode" "$o.ars.fq"
    if [ -x "$CHELAE" ]; then
      local chs=(); [ $mode = given ] && chs=(-a $A1)
      q "$CHELAE" trim -i "$i1" -o "$o.chs.fq" "${chs[@]}" -l 0 -t 2
      score "chelae" "$src" "SE $mode" "$o.chs.fq"
    fi
  done
}

: > "$ROWS"; : > "$CLS"
for src in $SOURCES; do run_source "$src"; done
echo "### Overall ($N pairs per source, seed $SEED)"
echo
echo "| source | mode | tool | exact % | over-trimmed % | under-trimmed % | FP % (no adapter, trimmed) | FN % (adapter, untrimmed) | MAE (bp) | RMSE (bp) | reads dropped |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
cat "$ROWS"
echo
echo "### Exact % per insert class"
echo
echo "| source | mode | tool | dimer | 1-39 | 40-129 | 130-146 | 147-149 | no adapter | reads per class |"
echo "|---|---|---|---|---|---|---|---|---|---|"
cat "$CLS"
