# Sourced by the comparison scripts: builds panelprep and makes $WORK/R{1,2}.fq.gz, PAIRS simulated
# 2x150 pairs (seed 7) as ordinary single-member gzip (pigz -4), as sequencers write, unless
# they are already there. Needs PAIRS, T and WORK set; sets ROOT and PP.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PP="$ROOT/target/release/panelprep"
mkdir -p "$WORK"
(cd "$ROOT" && cargo build --release --quiet)
if [ ! -s "$WORK/R1.fq.gz" ] || [ "$(cat "$WORK/pairs" 2>/dev/null)" != "$PAIRS" ]; then
  echo "generating $PAIRS pairs (2x150) ..." >&2
  "$PP" simulate --pairs "$PAIRS" --seed 7 -o "$WORK/R1.fq" -O "$WORK/R2.fq"
  pigz -f -4 -p "$T" "$WORK/R1.fq" "$WORK/R2.fq"
  echo "$PAIRS" > "$WORK/pairs"
fi

# summary FILE: "best median cpu" of a file of "wall cpu" lines (one per run): the shortest wall,
# the median wall and the median CPU seconds.
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
summary() {
  echo "$(cut -d' ' -f1 "$1" | sort -n | head -1) $(cut -d' ' -f1 "$1" | median) $(cut -d' ' -f2 "$1" | median)"
}
# table HEADING BASE FILE=LABEL...: best, median and CPU of each FILE ("wall cpu" lines) and its
# median against BASE's: as a ratio, or as a percentage when HEADING starts with "vs".
table() {
  local heading=$1 base_file=$2 base; shift 2
  read -r _ base _ < <(summary "$base_file")
  printf "%-30s %8s %8s %8s %10s
" run "best s" "median s" "CPU s" "$heading"
  for pair in "$@"; do
    read -r best med cpu < <(summary "${pair%%=*}")
    awk -v l="${pair#*=}" -v b="$best" -v m="$med" -v c="$cpu" -v z="$base" -v h="$heading" \
      'BEGIN { r = h ~ /^vs/ ? sprintf("%.1f%%", 100 * (m / z - 1)) : sprintf("%.2f", m / z);
               printf "%-30s %8.2f %8.2f %8.2f %10s\n", l, b, m, c, r }'
  done
}
