//! A decoded CRAM record laid out as the bytes of a raw BAM record.

use noodles::sam;
use noodles::sam::alignment::record::cigar::op::Kind;

use super::super::cigar::Op;
use super::Fields;

/// The 4-bit BAM code of an IUPAC base (`=ACMGRSVTWYHKDBN`), N for anything else.
fn base_code(b: u8) -> u8 {
    match b.to_ascii_uppercase() {
        b'=' => 0,
        b'A' => 1,
        b'C' => 2,
        b'M' => 3,
        b'G' => 4,
        b'R' => 5,
        b'S' => 6,
        b'V' => 7,
        b'T' => 8,
        b'W' => 9,
        b'Y' => 10,
        b'H' => 11,
        b'K' => 12,
        b'D' => 13,
        b'B' => 14,
        _ => 15,
    }
}

/// The operation of a noodles CIGAR kind.
fn op_of(k: Kind) -> Op {
    match k {
        Kind::Match => Op::Match,
        Kind::Insertion => Op::Insertion,
        Kind::Deletion => Op::Deletion,
        Kind::Skip => Op::Skip,
        Kind::SoftClip => Op::SoftClip,
        Kind::HardClip => Op::HardClip,
        Kind::Pad => Op::Padding,
        Kind::SequenceMatch => Op::SeqMatch,
        Kind::SequenceMismatch => Op::SeqMismatch,
    }
}

/// UCSC binning scheme bin of a 0-based `[beg, end)` (SAM spec §5.3).
fn reg2bin(beg: i64, end: i64) -> u16 {
    let end = end - 1;
    let b = if beg >> 14 == end >> 14 {
        ((1 << 15) - 1) / 7 + (beg >> 14)
    } else if beg >> 17 == end >> 17 {
        ((1 << 12) - 1) / 7 + (beg >> 17)
    } else if beg >> 20 == end >> 20 {
        ((1 << 9) - 1) / 7 + (beg >> 20)
    } else if beg >> 23 == end >> 23 {
        ((1 << 6) - 1) / 7 + (beg >> 23)
    } else if beg >> 26 == end >> 26 {
        1 + (beg >> 26)
    } else {
        0
    };
    u16::try_from(b).unwrap_or(0)
}

/// Lays `rec` out as the bytes of a BAM record after `block_size` (no tags). Bases not in
/// `fields` are written as N and qualities as 0xFF (the lengths are kept). `ops` is scratch
/// space for the CIGAR words (noodles derives a CRAM record's CIGAR from its features on each
/// walk, so it is walked once).
pub(super) fn encode<R>(
    rec: &R,
    header: &sam::Header,
    fields: Fields,
    ops: &mut Vec<u32>,
    out: &mut Vec<u8>,
) -> Result<(), String>
where
    R: sam::alignment::Record + ?Sized,
{
    let text = |e: std::io::Error| e.to_string();
    let id = |r: Option<std::io::Result<usize>>| -> Result<i32, String> {
        match r.transpose().map_err(text)? {
            None => Ok(-1),
            Some(v) => i32::try_from(v).map_err(|_| format!("reference id {v} is out of range")),
        }
    };
    let pos = |p: Option<std::io::Result<noodles::core::Position>>| -> Result<i32, String> {
        match p.transpose().map_err(text)? {
            None => Ok(-1),
            Some(v) => i32::try_from(usize::from(v) - 1)
                .map_err(|_| format!("position {v} is out of range")),
        }
    };
    let name: &[u8] = rec.name().map_or(b"*", |n| n.as_ref());
    let lrn = u8::try_from(name.len() + 1)
        .map_err(|_| format!("read name of {} bytes is too long", name.len()))?;
    ops.clear();
    let mut ref_span: i64 = 0;
    for op in rec.cigar().iter() {
        let op = op.map_err(text)?;
        if op.kind().consumes_reference() {
            ref_span += op.len() as i64;
        }
        let len = u32::try_from(op.len())
            .ok()
            .filter(|&l| l < 1 << 28)
            .ok_or_else(|| format!("CIGAR operation of length {} is too long", op.len()))?;
        ops.push(len << 4 | op_of(op.kind()).code());
    }
    let n_cigar = u16::try_from(ops.len())
        .map_err(|_| format!("{} CIGAR operations do not fit a BAM record", ops.len()))?;
    let seq = rec.sequence();
    let n_seq = seq.len();
    let l_seq = u32::try_from(n_seq).map_err(|_| "sequence is too long".to_owned())?;
    let start = pos(rec.alignment_start())?;
    let flags = rec.flags().map_err(text)?.bits();
    let mapq = match rec.mapping_quality().transpose().map_err(text)? {
        Some(q) => u8::from(q),
        None => 255,
    };
    out.clear();
    out.extend_from_slice(&id(rec.reference_sequence_id(header))?.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.push(lrn);
    out.push(mapq);
    let bin_at = out.len();
    out.extend_from_slice(&4680u16.to_le_bytes());
    out.extend_from_slice(&n_cigar.to_le_bytes());
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(&l_seq.to_le_bytes());
    out.extend_from_slice(&id(rec.mate_reference_sequence_id(header))?.to_le_bytes());
    out.extend_from_slice(&pos(rec.mate_alignment_start())?.to_le_bytes());
    out.extend_from_slice(&rec.template_length().map_err(text)?.to_le_bytes());
    out.extend_from_slice(name);
    out.push(0);
    for op in ops.iter() {
        out.extend_from_slice(&op.to_le_bytes());
    }
    if start >= 0 {
        let bin = reg2bin(i64::from(start), i64::from(start) + ref_span.max(1));
        out[bin_at..bin_at + 2].copy_from_slice(&bin.to_le_bytes());
    }
    if fields.bases {
        let mut bases = seq.iter();
        while let Some(a) = bases.next() {
            let lo = bases.next().map_or(0, base_code);
            out.push(base_code(a) << 4 | lo);
        }
    } else {
        out.resize(out.len() + n_seq.div_ceil(2), 0xff);
    }
    let qual = fields.qualities.then(|| rec.quality_scores());
    match qual {
        Some(qual) if qual.len() == n_seq => {
            for q in qual.iter() {
                out.push(q.map_err(text)?);
            }
        }
        // not read, or not stored (`*`): BAM's 0xFF fill
        _ => out.resize(out.len() + n_seq, 0xff),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reg2bin_matches_the_spec() {
        assert_eq!(reg2bin(0, 1), 4681);
        assert_eq!(reg2bin(0, 1 << 14), 4681);
        assert_eq!(reg2bin(0, (1 << 14) + 1), 585);
    }
}
