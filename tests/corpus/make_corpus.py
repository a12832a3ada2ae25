#!/usr/bin/env python3
"""Writes the bad-input corpus (small files, a few hundred bytes each) into this directory.

Run from anywhere: python3 tests/corpus/make_corpus.py. Deterministic: re-running gives the same
bytes (gzip mtime 0). The expected outcome of each file is in EXPECTED.tsv, checked by
tests/corpus.rs. Nothing here is copied from the public test data.
"""
import gzip
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def records(n, prefix="r", suffix="", start=0):
    out = []
    bases = "ACGTNACGTTGCA"
    for i in range(start, start + n):
        seq = "".join(bases[(i * 7 + j * 3) % len(bases)] for j in range(20 + i % 11))
        qual = "".join(chr(ord("#") + (i + j * 5) % 40) for j in range(len(seq)))
        out.append(f"@{prefix}{i}{suffix} 1:N:0:1\n{seq}\n+\n{qual}\n")
    return "".join(out).encode()


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def bgzf_block(data):
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = co.compress(data) + co.flush()
    bsize = 18 + len(body) + 8 - 1
    head = struct.pack("<BBBBIBBHBBHH", 0x1F, 0x8B, 8, 4, 0, 0, 0xFF, 6, ord("B"), ord("C"), 2, bsize)
    return head + body + struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data))


BGZF_EOF = bgzf_block(b"")


def bgzf(data, block=300):
    return b"".join(bgzf_block(data[i : i + block]) for i in range(0, len(data), block)) + BGZF_EOF


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


good = records(12)
# Accepted variants.
write("ok.fq", good)
write("ok_crlf.fq", good.replace(b"\n", b"\r\n"))
write("ok_no_final_newline.fq", good[:-1])
write("ok_multimember.fq.gz", gz(good[:200]) + gz(good[200:]))
write("ok.fq.bgz", bgzf(good))
# FASTQ text faults.
write("len_mismatch.fq", b"@a\nACGT\n+\nIIII\n@b\nACGT\n+\nIII\n@c\nA\n+\nI\n")
write("missing_plus.fq", b"@a\nACGT\n+\nIIII\n@b\nACGT\nIIII\n@c\nACGT\n+\nIIII\n")
write("non_iupac.fq", b"@a\nACGT\n+\nIIII\n@b\nACXT\n+\nIIII\n")
write("embedded_nul.fq", b"@a\nACGT\n+\nIIII\n@b\nAC\x00T\n+\nIIII\n")
write("nul_in_quality.fq", b"@a\nACGT\n+\nII\x00I\n")
write("bad_title.fq", b"@a\nACGT\n+\nIIII\nb\nACGT\n+\nIIII\n")
write("fasta.fa", b">chr1 test\nACGTACGTACGT\nACGTACGT\n")
write("separator_mismatch.fq", b"@a\nACGT\n+b\nIIII\n")
write("truncated_record.fq", good + b"@last\nACGT\n+\n")
write("truncated_in_sequence.fq", good + b"@last\n")
write("empty.fq", b"")
write("blank_lines_only.fq", b"\n\n\r\n")
write("phred64.fq", b"@a\nACGTACGT\n+\nhhhhgg@B\n@b\nACGT\n+\nhhhh\n")
write("binary.bin", bytes(range(0, 256)) * 2)
write("bam_as_fastq.bam", bgzf(b"BAM\x01" + b"\x00" * 40))
# Compression faults.
g = gz(good)
write("truncated.fq.gz", g[: len(g) // 2])
write("no_trailer.fq.gz", g[:-8])
bad = bytearray(g)
bad[-8] ^= 0x01  # CRC32
write("bad_crc.fq.gz", bytes(bad))
bad = bytearray(g)
bad[-1] ^= 0x01  # ISIZE
write("bad_isize.fq.gz", bytes(bad))
bad = bytearray(g)
bad[30] ^= 0xFF  # deflate body
write("corrupt_deflate.fq.gz", bytes(bad))
write("trailing_garbage.fq.gz", g + b"this is not gzip\n")
b = bgzf(good)
write("bgzf_no_eof.fq.gz", b[: -len(BGZF_EOF)])
first = bgzf_block(good[:300])
write("bgzf_truncated_block.fq.gz", b[: len(first) + 20])
bad = bytearray(b)
bad[len(first) - 8] ^= 0x01
write("bgzf_bad_crc.fq.gz", bytes(bad))
bad = bytearray(b)
bad[16] = 10  # BSIZE of the first block far too small
write("bgzf_bad_bsize.fq.gz", bytes(bad))
# Pairs.
write("pair_R1.fq", records(6, suffix="/1"))
write("pair_R2_short.fq", records(5, suffix="/2"))
write("pair_R2_longer.fq", records(7, suffix="/2"))
r2 = records(6, suffix="/2").split(b"@")
r2[3], r2[4] = r2[4], r2[3]  # mates 3 and 4 swapped
write("pair_R2_swapped.fq", b"@".join(r2))
write("pair_R2.fq", records(6, suffix="/2"))
inter = b"".join(records(1, suffix="/1", start=i) + records(1, suffix="/2", start=i) for i in range(4))
write("interleaved_odd.fq", inter + records(1, suffix="/1", start=9))
write("interleaved_ok.fq", inter)


# Coverage: a tiny coordinate-sorted BAM written by hand, and panel BEDs.
def bam_record(ref_id, pos, name, n_bases, flag=0, mapq=60):
    name_b = name.encode() + b"\0"
    cigar = struct.pack("<I", (n_bases << 4) | 0)  # nM
    seq = bytes([0x12] * ((n_bases + 1) // 2))  # A/C pairs, 4-bit codes
    qual = bytes([30] * n_bases)
    body = struct.pack(
        "<iiBBHHHiiii", ref_id, pos, len(name_b), mapq, 4680, 1, flag, n_bases, -1, -1, 0
    )
    body += name_b + cigar + seq + qual
    return struct.pack("<i", len(body)) + body


def bam(records, refs=(("chr1", 100000), ("chr2", 50000)), sort_order="coordinate"):
    text = f"@HD\tVN:1.6\tSO:{sort_order}\n".encode()
    for n, l in refs:
        text += f"@SQ\tSN:{n}\tLN:{l}\n".encode()
    out = b"BAM\x01" + struct.pack("<i", len(text)) + text + struct.pack("<i", len(refs))
    for n, l in refs:
        nb = n.encode() + b"\0"
        out += struct.pack("<i", len(nb)) + nb + struct.pack("<i", l)
    out += b"".join(records)
    return bgzf(out, block=4096)


sorted_recs = [bam_record(0, 1000 + 10 * i, f"q{i}", 100) for i in range(20)]
sorted_recs += [bam_record(1, 500 + 10 * i, f"s{i}", 100) for i in range(10)]
write("cov_ok.bam", bam(sorted_recs))
ok_bam = bam(sorted_recs)
write("cov_no_eof.bam", ok_bam[: -len(BGZF_EOF)])
unsorted = list(sorted_recs)
unsorted[5], unsorted[15] = unsorted[15], unsorted[5]
write("cov_unsorted.bam", bam(unsorted))
write("cov_truncated.bam", ok_bam[: len(ok_bam) // 2])
write("cov_not_bam.bam", bgzf(b"this is not a BAM file\n" * 4))
write("cov_panel.bed", b"chr1\t900\t1400\tGENE_A\nchr1\t2000\t2500\tGENE_B\nchr2\t400\t700\tGENE_C\n")
write("cov_bed_start_after_end.bed", b"chr1\t900\t1400\tA\nchr1\t2500\t2000\tB\n")
write("cov_bed_negative.bed", b"chr1\t-5\t100\tA\n")
write("cov_bed_not_a_number.bed", b"chr1\t900\t1400\tA\nchr1\t1e3\t2000\tB\n")
write("cov_bed_two_columns.bed", b"chr1\t900\n")
write("cov_bed_spaces.bed", b"chr1 900 1400 A\n")
# A BGZF block whose ISIZE claims 2 GiB (found by the bam fuzz target: the header reader sized
# its buffer from it before inflating).
blk = bytearray(bgzf_block(b"BAM\x01" + b"\x00" * 8))
blk[-4:] = struct.pack("<I", 0x80000000)
write("cov_huge_isize.bam", bytes(blk) + BGZF_EOF)
# Header in its own block, then 40 record blocks whose CRC32 are all wrong (found by the bam
# fuzz target: the parallel inflate reported whichever block's error came first in time, so
# the message changed with the thread count). The first bad block must be the one reported.
text = b"@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:100000\n"
head = b"BAM\x01" + struct.pack("<i", len(text)) + text + struct.pack("<i", 1)
head += struct.pack("<i", 5) + b"chr1\x00" + struct.pack("<i", 100000)
blocks = [bgzf_block(head)]
for i in range(40):
    b = bytearray(bgzf_block(bam_record(0, 1000 + 10 * i, f"q{i}", 30)))
    b[-8] ^= 0xFF
    blocks.append(bytes(b))
write("cov_many_bad_blocks.bam", b"".join(blocks) + BGZF_EOF)
print("first bad block at", len(blocks[0]))
