//! FASTQ records: [`RecordRef`] borrows from a chunk, [`ReadBuf`] is a reusable editable copy.

/// One FASTQ record as slices into its chunk (line ends and `\r` removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// The title line without the leading `@`.
    pub head: &'a [u8],
    /// The bases.
    pub seq: &'a [u8],
    /// The separator line without the leading `+` (usually empty).
    pub plus: &'a [u8],
    /// The quality characters, one per base.
    pub qual: &'a [u8],
}

impl RecordRef<'_> {
    /// The read name: the title up to the first space or tab.
    pub fn name(&self) -> &[u8] {
        let end = memchr::memchr2(b' ', b'\t', self.head).unwrap_or(self.head.len());
        &self.head[..end]
    }

    /// Appends the record in 4-line form (`\n` line ends) to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        write_record(out, self.head, self.seq, self.plus, self.qual);
    }
}

/// Appends one 4-line FASTQ record to `out`.
pub fn write_record(out: &mut Vec<u8>, head: &[u8], seq: &[u8], plus: &[u8], qual: &[u8]) {
    out.reserve(head.len() + seq.len() + plus.len() + qual.len() + 6);
    out.push(b'@');
    out.extend_from_slice(head);
    out.push(b'\n');
    out.extend_from_slice(seq);
    out.extend_from_slice(b"\n+");
    out.extend_from_slice(plus);
    out.push(b'\n');
    out.extend_from_slice(qual);
    out.push(b'\n');
}

/// An editable read whose buffers are reused from record to record (no allocation once warm).
///
/// Trimming narrows `seq`/`qual` in place; UMI extraction rewrites `head`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadBuf {
    /// The title line without `@`.
    pub head: Vec<u8>,
    /// The bases.
    pub seq: Vec<u8>,
    /// The separator text after `+`.
    pub plus: Vec<u8>,
    /// Quality characters, always Phred+33 once loaded.
    pub qual: Vec<u8>,
}

impl ReadBuf {
    /// Replaces the contents with `rec`, converting qualities from `phred_offset` to Phred+33.
    pub fn load(&mut self, rec: &RecordRef<'_>, phred_offset: u8) {
        self.head.clear();
        self.head.extend_from_slice(rec.head);
        self.seq.clear();
        self.seq.extend_from_slice(rec.seq);
        self.plus.clear();
        if !rec.plus.is_empty() {
            // Usually empty: skip the copy call.
            self.plus.extend_from_slice(rec.plus);
        }
        self.qual.clear();
        if phred_offset == 33 {
            self.qual.extend_from_slice(rec.qual);
        } else {
            let shift = phred_offset - 33;
            self.qual.extend(rec.qual.iter().map(|&q| q - shift));
        }
    }

    /// Number of bases.
    pub fn len(&self) -> usize {
        self.seq.len()
    }

    /// True when no bases are left.
    pub fn is_empty(&self) -> bool {
        self.seq.is_empty()
    }

    /// Removes `n` bases (and qualities) from the 5' end.
    pub fn trim_front(&mut self, n: usize) {
        let n = n.min(self.seq.len());
        self.seq.drain(..n);
        self.qual.drain(..n);
    }

    /// Keeps at most `len` bases from the 5' end.
    pub fn truncate(&mut self, len: usize) {
        self.seq.truncate(len);
        self.qual.truncate(len);
    }

    /// The read name: the title up to the first space or tab.
    pub fn name(&self) -> &[u8] {
        let end = memchr::memchr2(b' ', b'\t', &self.head).unwrap_or(self.head.len());
        &self.head[..end]
    }

    /// Appends the read in 4-line form to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        write_record(out, &self.head, &self.seq, &self.plus, &self.qual);
    }

    /// Borrows the read as a [`RecordRef`].
    pub fn as_ref(&self) -> RecordRef<'_> {
        RecordRef {
            head: &self.head,
            seq: &self.seq,
            plus: &self.plus,
            qual: &self.qual,
        }
    }
}
