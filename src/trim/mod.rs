//! Read trimming: adapters (SE search, PE overlap), poly-G/X, quality windows, fixed cuts, UMIs.
//!
//! [`Trimmer`] applies the steps in fastp's order, for single reads and pairs alike:
//!
//! 1. UMI extraction into the name (`--umi_loc read1/read2/per_read/index1/index2/per_index`,
//!    and `index_file` with the index read the caller passes to [`Trimmer::trim_se_indexed`] /
//!    [`Trimmer::trim_pe_indexed`]);
//! 2. fixed cuts `-f/-t` (`-F/-T` for read 2);
//! 3. quality cuts: `--cut_front`, then `--cut_right` or else `--cut_tail` (fastp windows), then
//!    cutadapt-style BWA trimming (`--quality_cutoff`, `--nextseq_trim`);
//! 4. poly-G (auto for two-colour instruments, from the first read's name);
//! 5. adapters: for pairs the insert analysis (`overlap::analyze`) which cuts both mates at the
//!    insert end, falling back to each mate's adapter sequences when the pair gives no answer
//!    (with `--correction`, mismatches in the overlap take the better base); single reads use
//!    the adapter sequences (`-a`, `--adapter_fasta`) directly;
//! 6. poly-X; 7. maximum length `-b/-B`.
//!
//! No step allocates once the caller's [`ReadBuf`]s and [`TrimOutcome`]s are warm.

pub mod adapter;
mod detect;
pub mod overlap;
mod pair;
pub mod polyx;
pub mod quality;
mod tables;
pub mod umi;

pub use adapter::{Adapter, AdapterPreset, Hit, parse_fasta};
pub use adapter::{
    ILLUMINA_PE_R1, ILLUMINA_SE, MGI_R1, MGI_R2, NEXTERA, SMALL_RNA, TRUSEQ_R1, TRUSEQ_R2,
};
pub use detect::{
    Detection, KNOWN as KNOWN_ADAPTERS, detect_adapter, detect_adapter_se, is_two_colour,
};
pub use overlap::{Insert, OverlapParams};
pub use umi::{UmiLoc, UmiOptions, check_umi_index_file};

use crate::fastq::ReadBuf;
use tables::Weights;

/// Poly-G trimming mode (fastp `-g/--trim_poly_g`, `-G/--disable_trim_poly_g`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolyG {
    /// On for two-colour instruments (NextSeq, NovaSeq, ...) detected from the read name.
    #[default]
    Auto,
    /// Always on.
    On,
    /// Always off.
    Off,
}

/// All trimming settings. [`Default`] follows fastp's defaults (adapter trimming on with
/// auto-detection left to the caller, poly-G auto, everything else off).
#[derive(Debug, Clone, PartialEq)]
pub struct TrimOptions {
    /// Adapter trimming on (fastp `-A` turns it off). Default true.
    pub adapter_trimming: bool,
    /// Read 1 adapter (`-a/--adapter_sequence`); `None`: overlap analysis only for pairs, no
    /// adapter search for single reads (callers run [`detect_adapter_se`] first, as fastp does).
    pub adapter_r1: Option<Vec<u8>>,
    /// Read 2 adapter (`--adapter_sequence_r2`). Default `None` (read 1's is not reused).
    pub adapter_r2: Option<Vec<u8>>,
    /// Extra adapters (`--adapter_fasta`), searched in every read after the main one.
    pub adapter_fasta: Vec<Vec<u8>>,
    /// Shortest adapter prefix trimmed at a read's 3' end (`--adapter_min_overlap`). Default 4.
    pub adapter_min_overlap: usize,
    /// Mismatches allowed per aligned adapter base (`--adapter_error_rate`). Default 0.1.
    pub adapter_error_rate: f64,
    /// For pairs without an insert call: shortest adapter prefix trimmed from one mate alone
    /// (`--adapter_min_overlap_pe`). Default 8.
    pub pe_fallback_min_overlap: usize,
    /// Tolerate extra adapter mismatches at bases below Q15 (`--adapter_quality_aware`).
    /// Default true; false gives plain cutadapt-like counting.
    pub adapter_quality_aware: bool,
    /// Paired-end insert analysis settings.
    pub overlap: OverlapParams,
    /// Correct mismatched overlap bases from the better-quality mate (`-c/--correction`).
    pub correction: bool,
    /// Bases cut from the 5' end of read 1 (`-f/--trim_front1`). Default 0.
    pub trim_front1: usize,
    /// Bases cut from the 3' end of read 1 (`-t/--trim_tail1`). Default 0.
    pub trim_tail1: usize,
    /// Bases cut from the 5' end of read 2 (`-F/--trim_front2`). Default 0.
    pub trim_front2: usize,
    /// Bases cut from the 3' end of read 2 (`-T/--trim_tail2`). Default 0.
    pub trim_tail2: usize,
    /// Read 1 maximum length after trimming, 0 = none (`-b/--max_len1`).
    pub max_len1: usize,
    /// Read 2 maximum length after trimming, 0 = none (`-B/--max_len2`).
    pub max_len2: usize,
    /// fastp `-5/--cut_front`.
    pub cut_front: bool,
    /// fastp `-3/--cut_tail`.
    pub cut_tail: bool,
    /// fastp `-r/--cut_right` (replaces `cut_tail` when both are set, as in fastp).
    pub cut_right: bool,
    /// Window size for `cut_front` (`--cut_front_window_size`, default `-W` = 4).
    pub cut_front_window_size: usize,
    /// Mean quality for `cut_front` (`--cut_front_mean_quality`, default `-M` = 20).
    pub cut_front_mean_quality: u8,
    /// Window size for `cut_tail` (default 4).
    pub cut_tail_window_size: usize,
    /// Mean quality for `cut_tail` (default 20).
    pub cut_tail_mean_quality: u8,
    /// Window size for `cut_right` (default 4).
    pub cut_right_window_size: usize,
    /// Mean quality for `cut_right` (default 20).
    pub cut_right_mean_quality: u8,
    /// BWA-style 5' cutoff (cutadapt `-q FRONT,`); 0 = off.
    pub quality_cutoff_front: u8,
    /// BWA-style 3' cutoff (cutadapt `-q BACK`); 0 = off.
    pub quality_cutoff_back: u8,
    /// Treat 3' G bases as quality `back - 1` in BWA trimming (cutadapt `--nextseq-trim`).
    pub nextseq_trim: bool,
    /// Poly-G mode. Default auto.
    pub poly_g: PolyG,
    /// Minimum poly-G run (`--poly_g_min_len`). Default 10.
    pub poly_g_min_len: usize,
    /// Poly-X trimming (`-x/--trim_poly_x`). Default off.
    pub poly_x: bool,
    /// Minimum poly-X run (`--poly_x_min_len`). Default 10.
    pub poly_x_min_len: usize,
    /// UMI extraction (`-U/--umi`); `None` = off.
    pub umi: Option<UmiOptions>,
}

impl Default for TrimOptions {
    fn default() -> Self {
        TrimOptions {
            adapter_trimming: true,
            adapter_r1: None,
            adapter_r2: None,
            adapter_fasta: Vec::new(),
            adapter_min_overlap: 4,
            adapter_error_rate: 0.1,
            pe_fallback_min_overlap: 8,
            adapter_quality_aware: true,
            overlap: OverlapParams::default(),
            correction: false,
            trim_front1: 0,
            trim_tail1: 0,
            trim_front2: 0,
            trim_tail2: 0,
            max_len1: 0,
            max_len2: 0,
            cut_front: false,
            cut_tail: false,
            cut_right: false,
            cut_front_window_size: 4,
            cut_front_mean_quality: 20,
            cut_tail_window_size: 4,
            cut_tail_mean_quality: 20,
            cut_right_window_size: 4,
            cut_right_mean_quality: 20,
            quality_cutoff_front: 0,
            quality_cutoff_back: 0,
            nextseq_trim: false,
            poly_g: PolyG::Auto,
            poly_g_min_len: 10,
            poly_x: false,
            poly_x_min_len: 10,
            umi: None,
        }
    }
}

/// What trimming did to one read. Reuse one per mate and worker: [`Trimmer`] resets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrimOutcome {
    /// UMI bases moved from the read into the name.
    pub umi_bases: usize,
    /// Bases removed by `-f/-t` (`-F/-T`).
    pub fixed_bases: usize,
    /// Bases removed by quality cuts (windows and BWA).
    pub quality_bases: usize,
    /// Bases removed as poly-G.
    pub poly_g_bases: usize,
    /// Bases removed as adapter (including anything after it).
    pub adapter_bases: usize,
    /// Read position (after the earlier steps) where the adapter began.
    pub adapter_seq_start: Option<usize>,
    /// The removed adapter bases (buffer reused between reads), for adapter tallies.
    pub adapter_seq: Vec<u8>,
    /// Bases removed as poly-X.
    pub poly_x_bases: usize,
    /// Bases removed by the maximum length.
    pub max_len_bases: usize,
    /// Bases changed by overlap correction.
    pub corrected_bases: usize,
    /// Bases removed from the 5' end in total (UMI, fixed and quality cuts).
    pub front_bases: usize,
    umi_scratch: (Vec<u8>, Vec<u8>),
    /// Work buffer of the pair analysis (kept between pairs).
    overlap_work: Vec<u8>,
}

impl TrimOutcome {
    fn reset(&mut self) {
        let scratch = std::mem::take(&mut self.umi_scratch);
        let overlap_work = std::mem::take(&mut self.overlap_work);
        let mut ad = std::mem::take(&mut self.adapter_seq);
        ad.clear();
        *self = TrimOutcome {
            adapter_seq: ad,
            umi_scratch: scratch,
            overlap_work,
            ..TrimOutcome::default()
        };
    }

    /// Total bases removed from the read by trimming (the UMI included).
    pub fn trimmed_bases(&self) -> usize {
        self.umi_bases
            + self.fixed_bases
            + self.quality_bases
            + self.poly_g_bases
            + self.adapter_bases
            + self.poly_x_bases
            + self.max_len_bases
    }
}

/// The trimming engine: built once from [`TrimOptions`], shared read-only by worker threads.
#[derive(Debug, Clone)]
pub struct Trimmer {
    opts: TrimOptions,
    /// Adapters searched in single reads / read 1 (main first, then FASTA).
    se1: Vec<Adapter>,
    /// Adapters searched in read 2.
    se2: Vec<Adapter>,
    pe1: Option<Adapter>,
    pe2: Option<Adapter>,
    weights: Weights,
}

/// Which mate a step is working on.
#[derive(Clone, Copy)]
enum Mate {
    R1,
    R2,
}

impl Trimmer {
    /// Validates the options and builds the adapter finders and score tables.
    pub fn new(opts: &TrimOptions) -> Result<Self, crate::Error> {
        let bad = |m: String| crate::Error::Options(m);
        if !(0.0..0.5).contains(&opts.adapter_error_rate) {
            return Err(bad(format!(
                "adapter error rate {} not in [0, 0.5)",
                opts.adapter_error_rate
            )));
        }
        if opts.adapter_min_overlap == 0 {
            return Err(bad("adapter minimum overlap must be at least 1".into()));
        }
        for w in [
            opts.cut_front_window_size,
            opts.cut_tail_window_size,
            opts.cut_right_window_size,
        ] {
            if !(1..=1000).contains(&w) {
                return Err(bad(format!("cut window size {w} not in 1..=1000")));
            }
        }
        if let Some(u) = &opts.umi {
            u.validate().map_err(bad)?;
        }
        let mk = |s: &[u8]| Adapter::new(s, opts.adapter_error_rate).map_err(bad);
        let mut se1 = Vec::new();
        let mut se2 = Vec::new();
        let mut pe1 = None;
        let mut pe2 = None;
        if let Some(a) = &opts.adapter_r1 {
            se1.push(mk(a)?);
            pe1 = Some(mk(a)?);
        }
        if let Some(a) = &opts.adapter_r2 {
            se2.push(mk(a)?);
            pe2 = Some(mk(a)?);
        }
        for a in &opts.adapter_fasta {
            se1.push(mk(a)?);
            se2.push(mk(a)?);
        }
        Ok(Trimmer {
            opts: opts.clone(),
            se1,
            se2,
            pe1,
            pe2,
            weights: Weights::new(),
        })
    }

    /// The options this trimmer was built from.
    pub fn options(&self) -> &TrimOptions {
        &self.opts
    }

    fn poly_g_on(&self, name: &[u8]) -> bool {
        match self.opts.poly_g {
            PolyG::On => true,
            PolyG::Off => false,
            PolyG::Auto => is_two_colour(name),
        }
    }

    /// Steps 2–4: fixed cuts, quality cuts, poly-G. Returns nothing; offsets go to `out`.
    fn pre_adapter(&self, r: &mut ReadBuf, out: &mut TrimOutcome, mate: Mate, poly_g: bool) {
        let o = &self.opts;
        let (front, tail) = match mate {
            Mate::R1 => (o.trim_front1, o.trim_tail1),
            Mate::R2 => (o.trim_front2, o.trim_tail2),
        };
        if front + tail > 0 {
            let before = r.len();
            let keep = before.saturating_sub(front + tail);
            r.trim_front(front);
            r.truncate(keep);
            out.fixed_bases += before - r.len();
            out.front_bases += front.min(before);
        }
        let before = r.len();
        if o.cut_front && !r.is_empty() {
            let n = quality::cut_front(
                &r.seq,
                &r.qual,
                o.cut_front_window_size,
                o.cut_front_mean_quality,
            );
            // fastp drops the read when the cut reaches its last base.
            let n = if n + 1 >= r.len() { r.len() } else { n };
            r.trim_front(n);
            out.front_bases += n;
        }
        if o.cut_right && !r.is_empty() {
            let keep =
                quality::cut_right(&r.qual, o.cut_right_window_size, o.cut_right_mean_quality);
            r.truncate(keep);
        } else if o.cut_tail && !r.is_empty() {
            let keep = quality::cut_tail(
                &r.seq,
                &r.qual,
                o.cut_tail_window_size,
                o.cut_tail_mean_quality,
            );
            r.truncate(keep);
        }
        if (o.quality_cutoff_front > 0 || o.quality_cutoff_back > 0) && !r.is_empty() {
            let (s, e) = quality::bwa_trim(
                &r.seq,
                &r.qual,
                o.quality_cutoff_front,
                o.quality_cutoff_back,
                o.nextseq_trim,
            );
            r.truncate(e);
            r.trim_front(s);
            out.front_bases += s;
        }
        out.quality_bases += before - r.len();
        if poly_g {
            let n = polyx::poly_g(&r.seq, o.poly_g_min_len);
            if n > 0 {
                let keep = r.len() - n;
                r.truncate(keep);
                out.poly_g_bases += n;
            }
        }
    }

    /// Steps 6–7: poly-X and maximum length.
    fn post_adapter(&self, r: &mut ReadBuf, out: &mut TrimOutcome, mate: Mate) {
        let o = &self.opts;
        if o.poly_x {
            let n = polyx::poly_x(&r.seq, o.poly_x_min_len);
            if n > 0 {
                let keep = r.len() - n;
                r.truncate(keep);
                out.poly_x_bases += n;
            }
        }
        let max = match mate {
            Mate::R1 => o.max_len1,
            Mate::R2 => o.max_len2,
        };
        if max > 0 && r.len() > max {
            out.max_len_bases += r.len() - max;
            r.truncate(max);
        }
    }

    /// Cuts `r` at `pos` as adapter and records it.
    fn cut_adapter(r: &mut ReadBuf, out: &mut TrimOutcome, pos: usize) {
        if pos < r.len() {
            out.adapter_bases += r.len() - pos;
            out.adapter_seq_start = Some(pos);
            out.adapter_seq.clear();
            out.adapter_seq.extend_from_slice(&r.seq[pos..]);
            r.truncate(pos);
        }
    }

    /// Leftmost adapter hit among `adapters` with at least `min_overlap` aligned bases.
    fn search(
        &self,
        adapters: &[Adapter],
        r: &ReadBuf,
        min_overlap: usize,
        qa: bool,
    ) -> Option<Hit> {
        let mut best: Option<Hit> = None;
        let q = qa.then_some(&r.qual[..]);
        for a in adapters {
            if let Some(h) = a.find_q(&r.seq, q, min_overlap)
                && best.is_none_or(|b| h.pos < b.pos)
            {
                best = Some(h);
            }
        }
        best
    }

    fn umi_se(&self, r: &mut ReadBuf, index: Option<&[u8]>, out: &mut TrimOutcome) {
        if let Some(u) = &self.opts.umi {
            let before = r.len();
            umi::apply(u, r, None, index, &mut out.umi_scratch);
            out.umi_bases = before - r.len();
            out.front_bases += out.umi_bases;
        }
    }

    /// Trims a single-end read in place (no UMI with [`UmiLoc::IndexFile`]: see
    /// [`Trimmer::trim_se_indexed`]).
    pub fn trim_se(&self, r: &mut ReadBuf, out: &mut TrimOutcome) {
        self.trim_se_indexed(r, None, out);
    }

    /// Trims a single-end read in place; `index` is the sequence of its record in the UMI index
    /// file ([`UmiLoc::IndexFile`]), ignored by the other UMI locations.
    pub fn trim_se_indexed(&self, r: &mut ReadBuf, index: Option<&[u8]>, out: &mut TrimOutcome) {
        out.reset();
        self.umi_se(r, index, out);
        let pg = self.poly_g_on(&r.head);
        self.pre_adapter(r, out, Mate::R1, pg);
        if self.opts.adapter_trimming
            && !self.se1.is_empty()
            && let Some(h) = self.search(
                &self.se1,
                r,
                self.opts.adapter_min_overlap,
                self.opts.adapter_quality_aware,
            )
        {
            Self::cut_adapter(r, out, h.pos);
        }
        self.post_adapter(r, out, Mate::R1);
    }

    /// Trims a pair in place; returns the detected insert size when the pair analysis made a
    /// call (also for inserts longer than the reads, from their overlap). No UMI with
    /// [`UmiLoc::IndexFile`]: see [`Trimmer::trim_pe_indexed`].
    ///
    /// # Examples
    ///
    /// A 24 bp insert read through into the TruSeq adapters, trimmed in memory:
    ///
    /// ```
    /// use panelprep::fastq::ReadBuf;
    /// use panelprep::trim::{TrimOptions, TrimOutcome, Trimmer};
    /// let insert = b"ACGTTGCAAGGCTTACCGATGCAT";
    /// let revcomp: Vec<u8> = insert.iter().rev().map(|b| match b {
    ///     b'A' => b'T', b'C' => b'G', b'G' => b'C', _ => b'A',
    /// }).collect();
    /// let (a1, a2) = (&b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCA"[..], &b"AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT"[..]);
    /// let read = |name: &[u8], seq: Vec<u8>| ReadBuf {
    ///     head: name.to_vec(),
    ///     qual: vec![b'I'; seq.len()],
    ///     seq,
    ///     plus: Vec::new(),
    /// };
    /// let mut r1 = read(b"p1/1", [&insert[..], &a1[..26]].concat());
    /// let mut r2 = read(b"p1/2", [&revcomp[..], &a2[..26]].concat());
    /// let trimmer = Trimmer::new(&TrimOptions {
    ///     adapter_r1: Some(a1.to_vec()),
    ///     adapter_r2: Some(a2.to_vec()),
    ///     ..TrimOptions::default()
    /// })?;
    /// let mut outcome = [TrimOutcome::default(), TrimOutcome::default()];
    /// let insert_size = trimmer.trim_pe(&mut r1, &mut r2, &mut outcome);
    /// assert_eq!(insert_size, Some(24));
    /// assert_eq!(r1.seq, insert);
    /// assert_eq!(r2.seq, revcomp);
    /// # Ok::<(), panelprep::Error>(())
    /// ```
    pub fn trim_pe(
        &self,
        r1: &mut ReadBuf,
        r2: &mut ReadBuf,
        out: &mut [TrimOutcome; 2],
    ) -> Option<usize> {
        self.trim_pe_indexed(r1, r2, None, out)
    }

    /// [`Trimmer::trim_pe`] with the pair's record in the UMI index file ([`UmiLoc::IndexFile`]:
    /// its UMI goes into both mates' names, as fastp does for index UMIs).
    pub fn trim_pe_indexed(
        &self,
        r1: &mut ReadBuf,
        r2: &mut ReadBuf,
        index: Option<&[u8]>,
        out: &mut [TrimOutcome; 2],
    ) -> Option<usize> {
        let [o1, o2] = out;
        o1.reset();
        o2.reset();
        if let Some(u) = &self.opts.umi {
            let (b1, b2) = (r1.len(), r2.len());
            umi::apply(u, r1, Some(r2), index, &mut o1.umi_scratch);
            o1.umi_bases = b1 - r1.len();
            o2.umi_bases = b2 - r2.len();
            o1.front_bases += o1.umi_bases;
            o2.front_bases += o2.umi_bases;
        }
        let pg = self.poly_g_on(&r1.head);
        self.pre_adapter(r1, o1, Mate::R1, pg);
        self.pre_adapter(r2, o2, Mate::R2, pg);
        let mut insert = None;
        if (self.opts.adapter_trimming || self.opts.correction) && !r1.is_empty() && !r2.is_empty()
        {
            let m1 = overlap::Mate {
                seq: &r1.seq,
                qual: &r1.qual,
                front: o1.front_bases,
                adapter: self.pe1.as_ref(),
            };
            let m2 = overlap::Mate {
                seq: &r2.seq,
                qual: &r2.qual,
                front: o2.front_bases,
                adapter: self.pe2.as_ref(),
            };
            let work = &mut o1.overlap_work;
            insert = overlap::analyze(&m1, &m2, &self.opts.overlap, &self.weights, work);
        }
        if let Some(ins) = insert {
            if self.opts.correction {
                let n = correct(r1, r2, o1.front_bases, o2.front_bases, ins.len);
                o1.corrected_bases = n.0;
                o2.corrected_bases = n.1;
            }
            if self.opts.adapter_trimming {
                let k1 = ins.len.saturating_sub(o1.front_bases);
                let k2 = ins.len.saturating_sub(o2.front_bases);
                Self::cut_adapter(r1, o1, k1);
                Self::cut_adapter(r2, o2, k2);
            }
        } else if self.opts.adapter_trimming {
            // The pair gave no call: strict mismatch counting for each mate's own hit, then the
            // pair decision (a hit in one mate cuts the other where it does not disagree).
            // A mate whose partner is unusable (mostly low quality) is searched as a single
            // read (single-end overlap and quality awareness): the pair cannot add evidence.
            let soft = self.opts.overlap.soft_below;
            let lone = |other: &ReadBuf| soft > 0 && pair::unusable(&other.qual, soft + 33);
            let hit = |ads: &[Adapter], r: &ReadBuf, other: &ReadBuf| {
                let (min, qa) = if lone(other) {
                    (
                        self.opts.adapter_min_overlap,
                        self.opts.adapter_quality_aware,
                    )
                } else {
                    (self.opts.pe_fallback_min_overlap, false)
                };
                self.search(ads, r, min, qa).map(|h| h.pos)
            };
            let h1 = hit(&self.se1, r1, r2);
            let h2 = hit(&self.se2, r2, r1);
            let cuts = pair::decide(
                &pair::MateView::of(r1, o1.front_bases, h1),
                &pair::MateView::of(r2, o2.front_bases, h2),
                (soft > 0).then(|| soft.saturating_add(33)),
            );
            if let Some(p) = cuts[0] {
                Self::cut_adapter(r1, o1, p);
            }
            if let Some(p) = cuts[1] {
                Self::cut_adapter(r2, o2, p);
            }
        }
        self.post_adapter(r1, o1, Mate::R1);
        self.post_adapter(r2, o2, Mate::R2);
        insert.map(|i| i.len)
    }
}

/// fastp-style overlap correction: where the mates disagree, a base of quality >= 30 replaces a
/// base of quality <= 14 in the other mate (quality copied too). Returns bases changed per mate.
fn correct(r1: &mut ReadBuf, r2: &mut ReadBuf, f1: usize, f2: usize, k: usize) -> (usize, usize) {
    const GOOD: u8 = 33 + 30;
    const BAD: u8 = 33 + 14;
    let (l1, l2) = (r1.len(), r2.len());
    if k < f2 {
        return (0, 0);
    }
    let lo = f1.max((k - f2).saturating_sub(l2));
    let hi = (f1 + l1).min(k - f2);
    let mut n = (0, 0);
    for i in lo..hi {
        let a = i - f1;
        let b = k - 1 - f2 - i;
        let (x, y) = (r1.seq[a], tables::complement(r2.seq[b]));
        if x == y || x == b'N' || y == b'N' {
            continue;
        }
        let (qa, qb) = (r1.qual[a], r2.qual[b]);
        if qa >= GOOD && qb <= BAD {
            r2.seq[b] = tables::complement(x);
            r2.qual[b] = qa;
            n.1 += 1;
        } else if qb >= GOOD && qa <= BAD {
            r1.seq[a] = y;
            r1.qual[a] = qb;
            n.0 += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests;
