//! Hand-made alignments with known traps (deletions, soft clips, ref skips, overlapping mates
//! including mosdepth's contained-mate case, duplicates, secondary, QC-fail, supplementary,
//! MAPQ 0, low base qualities, reads across target edges), written to BAM with noodles from
//! inline SAM. Oracles: mosdepth 0.3.3 outputs stored under tests/expected/coverage (made by
//! running this test with PANELPREP_BLESS=1 and mosdepth installed), live mosdepth when
//! installed. The picard-hs preset is checked against real Picard in coverage_picard.rs.

use crate::util::coverage as common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use panelprep::coverage::{CoverageOptions, Preset, ScanMode};

/// (name, flag, pos 1-based, mapq, cigar, mate pos, tlen, quality char)
type Read = (&'static str, u16, u32, u8, &'static str, u32, i32, char);

const READS: &[Read] = &[
    ("r1", 99, 101, 60, "100M", 151, 150, 'I'),
    ("r1", 147, 151, 60, "100M", 101, -150, 'I'),
    ("r2", 99, 121, 60, "50M", 121, 50, 'I'),
    ("r2", 147, 121, 60, "50M", 121, -50, 'I'),
    ("r3", 99, 301, 60, "10S40M5D50M", 331, 120, 'I'),
    ("r3", 147, 331, 60, "60M3I30M", 301, -120, 'I'),
    ("r4", 1024, 101, 60, "50M", 0, 0, 'I'),
    ("r5", 0, 310, 0, "50M", 0, 0, 'I'),
    ("r6", 256, 100, 60, "50M", 0, 0, 'I'),
    ("r7", 512, 105, 60, "50M", 0, 0, 'I'),
    ("r8", 0, 491, 60, "50M", 0, 0, 'I'),
    ("r9", 0, 101, 60, "20M100N20M", 0, 0, 'I'),
    ("r10", 2048, 350, 60, "30M", 0, 0, 'I'),
    ("r12", 99, 161, 60, "80M", 171, 90, 'I'),
    ("r12", 147, 171, 60, "20M", 161, -90, 'I'),
    ("r13", 0, 351, 60, "30M", 0, 0, '('),
    ("r14", 16, 355, 37, "5S20M2D10M5H", 0, 0, '5'),
    ("r11", 4, 150, 0, "*", 0, 0, 'I'),
];

const BED: &str = "chrT\t100\t200\tGENEA\nchrT\t150\t260\tGENEA\nchrT\t300\t400\tGENEB\nchrT\t500\t520\tGENEC\nchrT\t700\t800\tGENED\nchrT\t340\t360\n";

fn sam_text() -> String {
    let mut s =
        String::from("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chrT\tLN:1000\n@SQ\tSN:chrU\tLN:500\n");
    let mut reads = READS.to_vec();
    reads.sort_by_key(|r| r.2);
    for (name, flag, pos, mapq, cigar, mpos, tlen, q) in reads {
        let qlen: u32 = if cigar == "*" {
            10
        } else {
            let mut n = 0;
            let mut num = 0u32;
            for ch in cigar.chars() {
                if let Some(d) = ch.to_digit(10) {
                    num = num * 10 + d;
                } else {
                    if matches!(ch, 'M' | 'I' | 'S' | '=' | 'X') {
                        n += num;
                    }
                    num = 0;
                }
            }
            n
        };
        let rnext = if mpos > 0 { "=" } else { "*" };
        s.push_str(&format!(
            "{name}\t{flag}\tchrT\t{pos}\t{mapq}\t{cigar}\t{rnext}\t{mpos}\t{tlen}\t{}\t{}\n",
            "A".repeat(qlen as usize),
            q.to_string().repeat(qlen as usize)
        ));
    }
    s
}

/// Writes the inline SAM as BAM with noodles (and a BAI with samtools when installed).
fn make_bam(dir: &Path) -> (PathBuf, PathBuf) {
    use noodles::{bam, sam};
    let text = sam_text();
    let mut reader = sam::io::Reader::new(text.as_bytes());
    let header = reader.read_header().expect("sam header");
    let path = dir.join("handmade.bam");
    let mut writer = bam::io::Writer::new(std::fs::File::create(&path).expect("create"));
    writer.write_header(&header).expect("bam header");
    for rec in reader.records() {
        let rec = rec.expect("sam record");
        sam::alignment::io::Write::write_alignment_record(&mut writer, &header, &rec)
            .expect("write");
    }
    writer.try_finish().expect("finish");
    let bed = dir.join("handmade.bed");
    std::fs::write(&bed, BED).expect("bed");
    (path, bed)
}

fn index(bam: &Path) -> bool {
    have("samtools")
        && Command::new("samtools")
            .arg("index")
            .arg(bam)
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
}

fn opts(p: Preset, scan: ScanMode) -> CoverageOptions {
    let mut o = p.options();
    o.thresholds = vec![0, 1, 2, 3, 4];
    o.scan = scan;
    o
}

fn stored_cmp(ours: &Path, tag: &str) {
    let files = [
        (".regions.bed.gz", true),
        (".thresholds.bed.gz", true),
        (".mosdepth.region.dist.txt", false),
    ];
    for (suffix, gz) in files {
        let got = if gz {
            gunzip(&with(ours, suffix))
        } else {
            std::fs::read_to_string(with(ours, suffix)).expect("read")
        };
        let want_path = expected(&format!("handmade.{tag}{}", suffix.trim_end_matches(".gz")));
        let want = std::fs::read_to_string(&want_path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with PANELPREP_BLESS=1 and mosdepth installed)",
                want_path.display()
            )
        });
        assert_eq!(
            got, want,
            "{tag}{suffix} differs from stored mosdepth output"
        );
    }
}

#[test]
fn handmade_matches_stored_and_live_mosdepth() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (bam, bed) = make_bam(tmp.path());
    let indexed = index(&bam);
    let live = indexed && have("mosdepth");
    let bless = std::env::var_os("PANELPREP_BLESS").is_some();
    for (tag, preset, extra) in [
        ("default", Preset::Mosdepth, vec![]),
        ("fast", Preset::MosdepthFast, vec!["-x"]),
    ] {
        if live {
            let theirs = mosdepth(
                &bam,
                &bed,
                tmp.path(),
                &format!("m{tag}"),
                "0,1,2,3,4",
                &extra,
            );
            if bless {
                for s in [".regions.bed.gz", ".thresholds.bed.gz"] {
                    std::fs::write(
                        expected(&format!("handmade.{tag}{}", s.trim_end_matches(".gz"))),
                        gunzip(&with(&theirs, s)),
                    )
                    .expect("bless");
                }
                std::fs::copy(
                    with(&theirs, ".mosdepth.region.dist.txt"),
                    expected(&format!("handmade.{tag}.mosdepth.region.dist.txt")),
                )
                .expect("bless");
            }
            let scans: &[ScanMode] = if indexed {
                &[ScanMode::Full, ScanMode::Index]
            } else {
                &[ScanMode::Full]
            };
            for &scan in scans {
                let (_, ours) = run_to(&opts(preset, scan), &bam, &bed, tmp.path(), "o");
                assert_same_as_mosdepth(&ours, &theirs, true);
            }
        }
        let (_, ours) = run_to(&opts(preset, ScanMode::Full), &bam, &bed, tmp.path(), "s");
        stored_cmp(&ours, tag);
    }
}

#[test]
fn filter_counts_are_reported() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (bam, bed) = make_bam(tmp.path());
    let (r, _) = run_to(
        &opts(Preset::Mosdepth, ScanMode::Full),
        &bam,
        &bed,
        tmp.path(),
        "c",
    );
    let ex = &r.records.excluded;
    let count = |flag: u16| READS.iter().filter(|x| x.1 & flag != 0).count() as u64;
    assert_eq!(r.records.records_read, READS.len() as u64);
    assert_eq!(ex.unmapped.records, count(4));
    assert_eq!(ex.duplicate.records, count(1024));
    assert_eq!(ex.secondary.records, count(256));
    assert_eq!(ex.qc_fail.records, count(512));
    assert_eq!(
        ex.supplementary.records, 0,
        "mosdepth keeps supplementary records"
    );
    // r4 (dup) covers 0-based [100,150), r6 (secondary) [99,149): territory starts at 100
    assert_eq!(
        (ex.duplicate.target_bases, ex.secondary.target_bases),
        (50, 49)
    );
    assert!(ex.mate_overlap_bases > 0);
    let (r, _) = run_to(
        &opts(Preset::PicardHs, ScanMode::Full),
        &bam,
        &bed,
        tmp.path(),
        "p",
    );
    // picard-hs: Picard's own counts (supplementary records are kept, as Picard keeps them)
    let hs = &r.picard.as_ref().expect("picard-hs report").counts;
    let aligned = |x: &Read| -> u64 {
        let (mut n, mut num) = (0u64, 0u64);
        for ch in x.4.chars() {
            match ch.to_digit(10) {
                Some(d) => num = num * 10 + u64::from(d),
                None => {
                    if matches!(ch, 'M' | '=' | 'X') {
                        n += num;
                    }
                    num = 0;
                }
            }
        }
        n
    };
    assert_eq!(
        hs.exc_mapq,
        READS
            .iter()
            .filter(|x| x.3 < 20 && x.1 & (4 | 256 | 512 | 1024) == 0)
            .map(aligned)
            .sum::<u64>()
    );
    assert_eq!(
        hs.exc_dupe,
        READS
            .iter()
            .filter(|x| x.1 & 1024 != 0)
            .map(aligned)
            .sum::<u64>()
    );
    assert_eq!(
        hs.exc_baseq, 30,
        "r13 has quality 7 on all 30 aligned bases"
    );
    assert_eq!(
        hs.total_reads,
        READS.iter().filter(|x| x.1 & (256 | 2048) == 0).count() as u64
    );
}
