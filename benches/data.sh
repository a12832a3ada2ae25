# Sourced by the comparison scripts: builds panelprep and makes $WORK/R{1,2}.fq.gz, PAIRS simulated
# 2x150 pairs (seed 7) as ordinary single-member gzip (pigz -4), as sequencers write, unless
# they are already there. Needs PAIRS, T and WORK set; sets ROOT, PP and PROFILE.
#
# PROFILE (environment, default legacy) picks the simulator's quality profile
# (`panelprep simulate --profile P`): novaseq (4 quality bins, Q37-dominant, read-2 decay),
# miseq or hiseq (full-resolution qualities, ~40 distinct values), legacy (the original
# generator, binned), art (not written by this project: art_illumina's empirical HiSeq 2500
# profile on a random 2 Mb genome, 35% of the pairs given a short insert and TruSeq adapters by
# `panelprep simulate --from-art`; needs art_illumina). The data of each profile goes to its own directory: WORK defaults to
# /tmp/pp-compare for legacy and /tmp/pp-compare-$PROFILE otherwise.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PP="$ROOT/target/release/panelprep"
PROFILE=${PROFILE:-legacy}
case "$PROFILE" in
  legacy | novaseq | miseq | hiseq | art) ;;
  *) echo "PROFILE must be legacy, novaseq, miseq, hiseq or art (got $PROFILE)" >&2; exit 2 ;;
esac
if [ "$WORK" = /tmp/pp-compare ] && [ "$PROFILE" != legacy ]; then
  WORK=/tmp/pp-compare-$PROFILE
fi
mkdir -p "$WORK"
(cd "$ROOT" && cargo build --release --quiet)
if [ ! -s "$WORK/R1.fq.gz" ] || [ "$(cat "$WORK/pairs" 2>/dev/null)" != "$PAIRS $PROFILE" ]; then
  echo "generating $PAIRS pairs (2x150, profile $PROFILE) ..." >&2
  if [ "$PROFILE" = art ]; then
    python3 -c "
import random
random.seed(7)
s=''.join(random.choice('ACGT') for _ in range(2000000))
print('>g'); print('\\n'.join(s[i:i+80] for i in range(0,len(s),80)))" > "$WORK/ref.fa"
    art_illumina -ss HS25 -i "$WORK/ref.fa" -p -l 150 -c "$PAIRS" -m 280 -s 40 -ir 0 -ir2 0 \
      -dr 0 -dr2 0 -rs 7 -q -o "$WORK/art" >/dev/null
    "$PP" simulate --from-art "$WORK/art" --seed 7 -o "$WORK/R1.fq" -O "$WORK/R2.fq" 2>/dev/null
    rm -f "$WORK"/art*.fq "$WORK"/art*.aln
  else
    "$PP" simulate --pairs "$PAIRS" --seed 7 --profile "$PROFILE" -o "$WORK/R1.fq" -O "$WORK/R2.fq"
  fi
  pigz -f -4 -p "$T" "$WORK/R1.fq" "$WORK/R2.fq"
  echo "$PAIRS $PROFILE" > "$WORK/pairs"
fi
# summary FILE: "best median cpu rss" of a file of "wall cpu [rss_kib]" lines (one per run): the
# shortest wall, the median wall, the median CPU seconds and the median peak RSS in MiB (0 when
# the lines have no RSS).
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
summary() {
  echo "$(cut -d' ' -f1 "$1" | sort -n | head -1) $(cut -d' ' -f1 "$1" | median) $(cut -d' ' -f2 "$1" | median) $(awk '{ print ($3 == "" ? 0 : $3 / 1024) }' "$1" | median)"
}
# table HEADING BASE FILE=LABEL...: best, median, CPU and peak RSS of each FILE ("wall cpu [rss]"
# lines) and its median wall and CPU against BASE's: as ratios, or as percentages when HEADING
# starts with "vs".
table() {
  local heading=$1 base_file=$2 base basecpu; shift 2
  read -r _ base basecpu _ < <(summary "$base_file")
  printf "%-30s %8s %8s %8s %8s %10s %10s\n" run "best s" "median s" "CPU s" "RSS MiB" "$heading" "CPU $heading"
  for pair in "$@"; do
    read -r best med cpu rss < <(summary "${pair%%=*}")
    awk -v l="${pair#*=}" -v b="$best" -v m="$med" -v c="$cpu" -v r="$rss" -v z="$base" -v zc="$basecpu" -v h="$heading" \
      'function f(x, y) { return h ~ /^vs/ ? sprintf("%.1f%%", 100 * (x / y - 1)) : sprintf("%.2f", x / y) }
       BEGIN { printf "%-30s %8.2f %8.2f %8.2f %8.1f %10s %10s\n", l, b, m, c, r, f(m, z), f(c, zc) }'
  done
}
