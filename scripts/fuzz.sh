#!/usr/bin/env bash
# Runs each fuzz target for a given time, one after the other, at the lowest CPU priority.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 120 s, every target)
#   scripts/fuzz.sh --build                              (build only)
#
# Works on the stable toolchain: cargo-fuzz needs nightly-only flags (-Zsanitizer), which
# RUSTC_BOOTSTRAP=1 unlocks on stable. Needs `cargo install cargo-fuzz`.
# Corpora live in fuzz/corpus/TARGET (not committed) and are seeded at run time from the
# public test data in ../shared/data/public (read in place, never copied into the repository)
# and from tests/corpus. Crashes land in fuzz/artifacts/TARGET; the executions count of each
# run is printed at the end and appended to fuzz/runs.log.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA=${PANELPREP_DATA:-$ROOT/../shared/data/public}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
  exit 2
fi

ALL_TARGETS=$(cargo fuzz list)
if [ "${1:-}" = "--build" ]; then
  nice -n 19 cargo fuzz build
  exit 0
fi
SECS=${1:-120}
shift || true
TARGETS=${*:-$ALL_TARGETS}

# Writes seed files for one target from the public data and the bad-input corpus.
seed() {
  local t=$1 dir=fuzz/corpus/$1
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return 0   # keep an existing corpus
  local files=()
  if [ -d "$DATA" ]; then
    while IFS= read -r f; do files+=("$f"); done < <(
      find "$DATA" -type f \( -name '*.fq*' -o -name '*.fastq*' \) -size -64k | sort | head -200)
  else
    echo "note: $DATA is absent; seeding from tests/corpus only" >&2
  fi
  while IFS= read -r f; do files+=("$f"); done < <(find tests/corpus -type f ! -name '*.tsv' ! -name '*.py' | sort)
  local i=0
  for f in "${files[@]}"; do
    i=$((i + 1))
    case $t in
      # [chunk target][0 read sizes] + FASTQ text
      fastq_parse)
        if head -c2 "$f" | od -An -tx1 | grep -q '1f 8b'; then continue; fi
        { printf '\005\000'; head -c 16384 "$f"; } >"$dir/seed$i" ;;
      # raw container bytes: plain, gzip, BGZF
      decompress) head -c 65536 "$f" >"$dir/seed$i" ;;
      # [paired][batch][2 read sizes] R1 0xff R2: a file paired with itself
      paired)
        if head -c2 "$f" | od -An -tx1 | grep -q '1f 8b'; then continue; fi
        { printf '\000\003\007\100'; head -c 8192 "$f"; printf '\377'; head -c 8192 "$f"; } >"$dir/seed$i" ;;
      *)
        head -c 65536 "$f" >"$dir/seed$i" ;;
    esac
  done
}

nice -n 19 cargo fuzz build
mkdir -p fuzz/logs
failed=""
for t in $TARGETS; do
  seed "$t"
  echo "== $t for ${SECS}s"
  log=fuzz/logs/$t-$(date -u +%Y%m%dT%H%M%SZ).log
  # One job, one worker: the machine is shared. Targets that run the threaded engine build a
  # rayon pool per input; rayon does not join its workers when a pool is dropped, so
  # LeakSanitizer sees a worker's deque (and TLS destructors) of a pool still winding down as
  # leaked. Leak checking is off for those targets (AddressSanitizer itself stays on).
  case $t in
    decompress|paired|ffi_stream|bam) leaks=0 ;;
    *) leaks=1 ;;
  esac
  set +e
  nice -n 19 cargo fuzz run "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$SECS" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
    -detect_leaks="$leaks" -print_final_stats=1 2>&1 | tee "$log" |
    grep -E '^(#[0-9]+.*(pulse|DONE))|==[0-9]+==|panicked|SUMMARY|stat::'
  status=${PIPESTATUS[0]}
  set -e
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
  echo "$(date -u +%FT%TZ) target=$t seconds=$SECS execs=${execs:-?} exit=$status" | tee -a fuzz/runs.log
  if [ "$status" != 0 ]; then
    echo "$t: fuzzer stopped with status $status; see $log and fuzz/artifacts/$t" >&2
    failed="$failed $t"
  fi
done
if [ -n "$failed" ]; then
  echo "failed:$failed" >&2
  exit 1
fi
