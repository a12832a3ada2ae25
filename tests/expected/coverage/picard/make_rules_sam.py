#!/usr/bin/env python3
"""Writes rules/input.sam, rules/targets.bed and rules/ref.fa: hand-made alignments, one or
more per Picard CollectHsMetrics rule (see README.md). Deterministic; no arguments."""
import random

random.seed(19)
LEN = {"c1": 2000, "c2": 2000}
ref = {c: "".join(random.choice("ACGT") for _ in range(n)) for c, n in LEN.items()}
ADAPTER = "AGATCGGAAGAGCTCGTATGCCGTCTTCTGCTTG"  # Illumina single-end 3' adapter (Picard's list)


def comp(s):
    return s.translate(str.maketrans("ACGT", "TGCA"))


def qlen(cigar):
    n, num = 0, ""
    for ch in cigar:
        if ch.isdigit():
            num += ch
        else:
            if ch in "MIS=X":
                n += int(num)
            num = ""
    return n


reads = []


def add(name, flag, contig, pos, mapq, cigar, rnext="*", pnext=0, seq=None, qual="I"):
    n = qlen(cigar)
    if seq is None:
        seq = ref[contig][pos - 1:pos - 1 + n].ljust(n, "A")
    if len(qual) == 1:
        qual = qual * n
    reads.append((contig, pos, name, flag, mapq, cigar, rnext, pnext, seq[:n], qual[:n]))


# overlapping opposite-strand pair (clip of the leftmost mate)
add("p1", 99, "c1", 101, 60, "100M", "=", 151)
add("p1", 147, "c1", 151, 60, "100M", "=", 101)
# same-strand pair: Picard clips without looking at strands
add("p2", 65, "c1", 121, 60, "50M", "=", 131)
add("p2", 129, "c1", 131, 60, "50M", "=", 121)
# mate on another contig at a larger position: Picard clips without looking at the contig
add("p3", 97, "c1", 301, 60, "50M", "c2", 350)
# =/X elements are clipped whole once they reach the mate's start
add("p4", 99, "c1", 311, 60, "20=5X25=", "=", 321)
add("p4", 147, "c1", 321, 60, "50M", "=", 311)
# equal starts: the second of pair is dropped, the first kept
add("p5", 99, "c1", 341, 60, "30M", "=", 341)
add("p5", 147, "c1", 341, 60, "30M", "=", 341)
# insertions after the mate's start count as clipped bases; soft clip at the end
add("p6", 99, "c1", 161, 60, "10S30M2I20M5D30M", "=", 200)
add("p6", 147, "c1", 200, 60, "40M", "=", 161)
# trailing hard clip after a soft clip (htsjdk does not subtract the soft clip then)
add("h1", 99, "c1", 221, 60, "40M10S5H", "=", 241)
add("h1", 147, "c1", 241, 60, "40M", "=", 221)
# mate unmapped: no clip
add("u1", 73, "c1", 181, 60, "50M", "=", 181)
add("u1", 133, "c1", 181, 0, "*", "=", 181)
# supplementary counted (bases, not reads), secondary ignored altogether
add("s1", 2048, "c1", 361, 60, "30M")
add("s2", 256, "c1", 361, 60, "30M")
# duplicate, QC-fail, low MAPQ
add("d1", 1024, "c1", 371, 60, "20M")
add("q1", 512, "c1", 371, 60, "20M")
add("m1", 0, "c1", 381, 10, "20M")
# MAPQ 0 adapter reads (forward: first 16 bases; reverse: last 16 bases complemented) and a
# MAPQ 0 read that is not an adapter
add("a1", 0, "c1", 391, 0, "30M", seq=ADAPTER[:30])
add("a2", 16, "c1", 391, 0, "30M", seq=("C" * 14 + comp(ADAPTER[:16])[::-1]))
add("a3", 0, "c1", 391, 0, "30M")
# one mismatch still an adapter
add("a4", 0, "c1", 395, 0, "20M", seq="T" + ADAPTER[1:20])
# low base qualities, mixed qualities
add("b1", 0, "c1", 121, 60, "20M", qual="(")
add("b2", 0, "c1", 131, 60, "20M", qual="((((((((((IIIII#####")
# near bait (within 250 of a bait) and off bait reads
add("o1", 0, "c1", 1001, 60, "50M")
add("o2", 0, "c1", 1100, 60, "50M")
# deep coverage above the cap on c2 (250x on 100-200, 120x on 200-300)
for i in range(250):
    add(f"deep{i}", 0, "c2", 101, 60, "100M")
for i in range(120):
    add(f"mid{i}", 0, "c2", 201, 60, "100M")
# an unmapped read with no position
reads_unplaced = [("*", 0, "un1", 4, 0, "*", "*", 0, "ACGTACGTAC", "IIIIIIIIII")]

order = {"c1": 0, "c2": 1}
reads.sort(key=lambda r: (order[r[0]], r[1]))
with open("rules/input.sam", "w") as f:
    f.write("@HD\tVN:1.6\tSO:coordinate\n")
    for c, n in LEN.items():
        f.write(f"@SQ\tSN:{c}\tLN:{n}\n")
    f.write("@RG\tID:rg1\tSM:rules\n")
    for c, pos, name, flag, mapq, cigar, rnext, pnext, seq, qual in reads + reads_unplaced:
        if cigar == "*" and flag & 4 and c != "*":
            seq, qual = "ACGTACGTAC", "IIIIIIIIII"
        f.write(f"{name}\t{flag}\t{c}\t{pos}\t{mapq}\t{cigar}\t{rnext}\t{pnext}\t0\t{seq}\t{qual}\tRG:Z:rg1\n")
with open("rules/targets.bed", "w") as f:
    f.write("c1\t100\t200\tGA\nc1\t150\t260\tGA\nc1\t300\t400\tGB\nc1\t300\t400\tGB\n"
            "c1\t500\t520\tGC\nc1\t700\t800\tGD\nc1\t1500\t1510\tGE\nc2\t100\t300\tGF\n")
with open("rules/ref.fa", "w") as f:
    for c, s in ref.items():
        f.write(f">{c}\n")
        for i in range(0, len(s), 60):
            f.write(s[i:i + 60] + "\n")
