#!/bin/sh
# Regenerates the fastp outputs that tests/cli_fastp_compat.rs compares against (fastp 0.23.2).
# Run from this directory: sh make.sh
set -eu
DEMO=../../data
# pe_R1.fq / pe_R2.fq: 60 generated pairs of 100 random bases (seed 20), every sixth pair of a
# kind: 0, 5 both mates good; 1 read 1 of low quality; 2 read 2 with 8 Ns; 3 both of low
# quality; 4 read 1 of 40 bases.
python3 - <<'PY'
import random
rng = random.Random(20)
def seq(n): return "".join(rng.choice("ACGT") for _ in range(n))
r1, r2 = open("pe_R1.fq", "w"), open("pe_R2.fq", "w")
for i in range(60):
    k = i % 6
    s1, s2 = seq(40 if k == 4 else 100), seq(100)
    q1, q2 = ["I"] * len(s1), ["I"] * len(s2)
    if k in (1, 3): q1 = ["#"] * 60 + ["I"] * 40
    if k == 3: q2 = ["#"] * 60 + ["I"] * 40
    if k == 2: s2 = s2[:30] + "N" * 8 + s2[38:]
    name = "GEN:1:FC:1:1:%d:1" % (1000 + i)
    r1.write("@%s 1:N:0:ACGT\n%s\n+\n%s\n" % (name, s1, "".join(q1)))
    r2.write("@%s 2:N:0:ACGT\n%s\n+\n%s\n" % (name, s2, "".join(q2)))
PY
titles() { awk 'NR % 4 == 1' "$1"; }
F="fastp -w 1 -j /dev/null -h /dev/null"
# 1. single-end: --reads_to_process, --failed_out (fixed adapter: adapter detection is not
#    what is compared here).
$F -i $DEMO/demo_R1.fq.gz --reads_to_process 500 -a AGATCGGAAGAGCACACGTCTGAACTCCAGTCA \
   -l 100 -q 20 -u 30 -n 1 -o se.out.fq --failed_out se.failed.fq
titles se.out.fq > se.out.titles && rm se.out.fq
# 2. pairs: --failed_out without and with --unpaired1/2.
$F -i pe_R1.fq -I pe_R2.fq -l 50 -n 5 -o pe.out1.fq -O pe.out2.fq --failed_out pe.failed.fq
$F -i pe_R1.fq -I pe_R2.fq -l 50 -n 5 -o pe.u.out1.fq -O pe.u.out2.fq \
   --unpaired1 pe.u.unpaired1.fq --unpaired2 pe.u.unpaired2.fq --failed_out pe.u.failed.fq
rm pe.u.out1.fq pe.u.out2.fq
# 3. --stdin (interleaved pairs on stdin) and --stdout (interleaved pairs on stdout).
awk 'NR==FNR{a[FNR]=$0;next}{b[FNR]=$0}END{for(i=1;i<=FNR;i+=4){for(j=0;j<4;j++)print a[i+j];for(j=0;j<4;j++)print b[i+j]}}' pe_R1.fq pe_R2.fq \
  | $F --stdin --interleaved_in -l 50 -n 5 --stdout > pe.stdout.fq
# 4. --reads_to_process on pairs.
$F -i pe_R1.fq -I pe_R2.fq --reads_to_process 25 -l 50 -n 5 -o pe.r25.out1.fq -O pe.r25.out2.fq
rm pe.r25.out2.fq
# 5. fastp's own test pairs (public data, read in place; one read 1 is empty).
PUB=../../../../shared/data/public/fastp
$F -i $PUB/R1.fq -I $PUB/R2.fq -o pub.out1.fq -O pub.out2.fq --failed_out pub.failed.fq
# 6. --merge on the demo pairs (first 400): merged reads, unmerged pairs; --include_unmerged
#    (titles only).
$F -i $DEMO/demo_R1.fq.gz -I $DEMO/demo_R2.fq.gz --reads_to_process 400 -m \
   --merged_out merge.merged.fq -o merge.out1.fq -O merge.out2.fq
$F -i $DEMO/demo_R1.fq.gz -I $DEMO/demo_R2.fq.gz --reads_to_process 400 -m \
   --include_unmerged --merged_out merge.all.fq
titles merge.all.fq > merge.all.titles && rm merge.all.fq
# 7. --dedup: dup_R1.fq / dup_R2.fq are the 60 generated pairs, then pairs 0-19 again, then
#    pairs 20-29 with read 1 repeated but read 2 changed (not duplicate pairs; duplicate read
#    1s for single-end).
python3 - <<'PY'
def recs(p):
    l = open(p).read().splitlines(True)
    return ["".join(l[i:i + 4]) for i in range(0, len(l), 4)]
a, b = recs("pe_R1.fq"), recs("pe_R2.fq")
def other(r):
    h, s, p, q = r.splitlines(True)
    return h + s[::-1].lstrip("\n") + "\n" + p + q
with open("dup_R1.fq", "w") as f1, open("dup_R2.fq", "w") as f2:
    f1.write("".join(a + a[:20] + a[20:30]))
    f2.write("".join(b + b[:20] + [other(r) for r in b[20:30]]))
PY
$F -i dup_R1.fq -I dup_R2.fq -D -l 50 -n 5 -o dedup.out1.fq -O dedup.out2.fq
$F -i dup_R1.fq -D --dup_calc_accuracy 3 -l 30 -o dedup.se.fq
# 8. --fix_mgi_id on MGI-style names (mgi_R1.fq / mgi_R2.fq: 40 pairs, titles ending /1 /2);
#    --filter_by_index1/2 (idx_R1.fq / idx_R2.fq: 40 pairs, dual indexes from four barcodes,
#    every fifth index 1 with one mismatch; bl1.txt, bl2.txt the barcode lists).
python3 - <<'PY'
import random
rng = random.Random(7)
def seq(n): return "".join(rng.choice("ACGT") for _ in range(n))
bcs = ["ACGTACGT", "TTGGCCAA", "GATTACAG", "CCCCGGGG"]
with open("mgi_R1.fq", "w") as a, open("mgi_R2.fq", "w") as b:
    for i in range(40):
        n = "V300012345L1C001R%03d%07d" % (i % 3 + 1, i)
        a.write("@%s/1\n%s\n+\n%s\n" % (n, seq(80), "I" * 80))
        b.write("@%s/2\n%s\n+\n%s\n" % (n, seq(80), "I" * 80))
with open("idx_R1.fq", "w") as a, open("idx_R2.fq", "w") as b:
    for i in range(40):
        i1, i2 = bcs[i % 4], bcs[(i // 4) % 4]
        if i % 5 == 0:
            i1 = i1[:3] + ("A" if i1[3] != "A" else "C") + i1[4:]
        n = "GEN:1:FC:1:1:%d:1" % (1000 + i)
        a.write("@%s 1:N:0:%s+%s\n%s\n+\n%s\n" % (n, i1, i2, seq(80), "I" * 80))
        b.write("@%s 2:N:0:%s+%s\n%s\n+\n%s\n" % (n, i1, i2, seq(80), "I" * 80))
open("bl1.txt", "w").write("ACGTACGT\nGATTACAG\n")
open("bl2.txt", "w").write("TTGGCCAA\r\n")
PY
$F -i mgi_R1.fq -I mgi_R2.fq --fix_mgi_id -o mgi.out1.fq -O mgi.out2.fq
$F -i idx_R1.fq -I idx_R2.fq --filter_by_index1 bl1.txt --filter_by_index2 bl2.txt \
   -o idx.t0.out1.fq -O idx.t0.out2.fq
$F -i idx_R1.fq -I idx_R2.fq --filter_by_index1 bl1.txt --filter_by_index2 bl2.txt \
   --filter_by_index_threshold 1 -o idx.t1.out1.fq -O idx.t1.out2.fq
$F -i idx_R1.fq --filter_by_index1 bl1.txt -o idx.se.fq
# 9. -s/--split, -S/--split_by_lines with -d (into split/). fastp cuts at its packs of 1000
#    reads: it writes these 20 passing pairs to the first file and leaves the others empty;
#    panelprep cuts exactly, so only the names and the concatenation are compared.
mkdir -p split
$F -i pe_R1.fq -I pe_R2.fq -l 50 -n 5 -s 3 -o split/s.out1.fq -O split/s.out2.fq
$F -i pe_R1.fq -I pe_R2.fq -l 50 -n 5 -S 1000 -d 2 -o split/S.out1.fq -O split/S.out2.fq
