#!/usr/bin/env bash
# Byte-identical outputs of two panelprep builds (for speed changes): runs BASE and NEW `trim`
# on the realistic 500k-pair sets of vs_chelae.sh (made by data.sh when missing) and on the
# public bowtie2-lambda and fastp reads, with the default options and with
# `--trim_poly_x --cut_tail`; compares both FASTQ outputs with `cmp` and the JSON reports
# without their time, command and version fields. Prints ALL IDENTICAL or each difference.
#
#   benches/same_output.sh BASE_BINARY NEW_BINARY [PAIRS]   (PAIRS default 500000)
set -euo pipefail
BASE=$1
NEW=$2
PAIRS=${3:-500000}
T=2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PUBLIC=$ROOT/../shared/data/public
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
sets=()
for p in novaseq miseq art; do
  WORK=/tmp/pp-compare-$p PROFILE=$p PAIRS=$PAIRS T=$T bash -c ". '$ROOT/benches/data.sh'" >/dev/null
  sets+=("$p=/tmp/pp-compare-$p/R1.fq.gz=/tmp/pp-compare-$p/R2.fq.gz")
done
[ -d "$PUBLIC" ] && sets+=("lambda=$PUBLIC/bowtie2-lambda/reads_1.fq.gz=$PUBLIC/bowtie2-lambda/reads_2.fq.gz"
  "fastp=$PUBLIC/fastp/R1.fq=$PUBLIC/fastp/R2.fq")
norm() { python3 -c "
import json, sys
drop = {'time', 'command', 'duration', 'seconds', 'date', 'version', 'elapsed', 'elapsed_seconds'}
def strip(o):
    if isinstance(o, dict): return {k: strip(v) for k, v in o.items() if k not in drop}
    if isinstance(o, list): return [strip(x) for x in o]
    return o
json.dump(strip(json.load(open(sys.argv[1]))), open(sys.argv[2], 'w'), sort_keys=True, indent=1)" "$1" "$2"; }
fail=0
for s in "${sets[@]}"; do
  IFS== read -r name r1 r2 <<<"$s"
  for extra in "" "--trim_poly_x --cut_tail"; do
    tag=$name$(echo "$extra" | tr -d ' -')
    for which in base new; do
      bin=$BASE; [ $which = new ] && bin=$NEW
      # shellcheck disable=SC2086
      "$bin" trim -i "$r1" -I "$r2" -o "$D/$which.1.fq.gz" -O "$D/$which.2.fq.gz" -w $T \
        --json "$D/$which.json" --html "$D/$which.html" $extra >/dev/null 2>&1
      norm "$D/$which.json" "$D/$which.norm.json"
    done
    for f in 1.fq.gz 2.fq.gz norm.json; do
      cmp -s "$D/base.$f" "$D/new.$f" || { echo "DIFF $tag $f"; fail=1; }
    done
  done
done
[ $fail = 0 ] && echo "ALL IDENTICAL"
exit $fail
