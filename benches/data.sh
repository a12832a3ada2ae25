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
