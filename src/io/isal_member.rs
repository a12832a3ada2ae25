//! One gzip member inflated by ISA-L's igzip (the decoder behind `igzip -d` and fastp 0.23):
//! 1.1–1.7x the speed of zlib-rs on FASTQ, more with more quality values.
//!
//! The member's header (RFC 1952) is read here, because igzip 2.31 misparses a header that
//! carries several optional fields when it arrives in pieces; igzip then inflates and checks the
//! trailer's CRC32 and ISIZE. It stops at the member's end, so the bytes after it stay in the
//! reader for [`super::gzip_reader::GzipReader`] to classify. Built with the default `isal`
//! feature; without it flate2 decodes the members.

// Calls into ISA-L: a measured hot spot (inflate is a fifth of a run's CPU; docs/speed-realistic.md).
#![allow(unsafe_code)]

use std::io::{self, BufRead, Read};
use std::ptr;

use isal_sys::igzip_lib as isal;

/// A [`Read`] of one gzip member's decompressed bytes; `Ok(0)` once its trailer has been checked.
pub(crate) struct IsalMember<R> {
    /// Boxed: the state is about 50 KiB and must not move between calls.
    state: Box<isal::inflate_state>,
    inner: R,
    header_read: bool,
    finished: bool,
}

// SAFETY: the state's only pointers (`next_in`, `next_out`) are set before each
// `isal_inflate` call and cleared after it; between calls the state owns no borrowed memory.
unsafe impl<R: Send> Send for IsalMember<R> {}

impl<R: BufRead> IsalMember<R> {
    /// A decoder of the gzip member starting at `inner`'s position.
    pub(crate) fn new(inner: R) -> Self {
        let mut state = Box::<isal::inflate_state>::new_uninit();
        // SAFETY: the pointer is to a live, aligned, uniquely owned allocation; all-zero bytes
        // are a valid `inflate_state` (integers, arrays of integers and null raw pointers only),
        // so it is initialised before `isal_inflate_init` sets it up.
        let mut state = unsafe {
            ptr::write_bytes(state.as_mut_ptr(), 0, 1);
            let mut state = state.assume_init();
            isal::isal_inflate_init(&mut *state);
            state
        };
        state.crc_flag = isal::ISAL_GZIP_NO_HDR_VER;
        Self {
            state,
            inner,
            header_read: false,
            finished: false,
        }
    }

    /// The underlying reader (to report how far it has read).
    pub(crate) fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The underlying reader, positioned just after this member once `read` returned `Ok(0)`.
    pub(crate) fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: BufRead> Read for IsalMember<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.finished || out.is_empty() {
            return Ok(0);
        }
        if !self.header_read {
            read_header(&mut self.inner)?;
            self.header_read = true;
        }
        let out_len = out.len().min(u32::MAX as usize);
        loop {
            let input = self.inner.fill_buf()?;
            let at_end = input.is_empty();
            let in_len = input.len().min(u32::MAX as usize);
            let st = &mut *self.state;
            st.next_in = input.as_ptr().cast_mut();
            st.avail_in = in_len as u32;
            st.next_out = out.as_mut_ptr();
            st.avail_out = out_len as u32;
            // SAFETY: `next_in`/`avail_in` describe `input` (igzip only reads through it) and
            // `next_out`/`avail_out` describe `out`; both outlive the call, and the state was
            // initialised by `isal_inflate_init`.
            let ret = unsafe { isal::isal_inflate(st) };
            // On some errors igzip hands back bytes held from an earlier call (`avail_in` grows).
            let used = in_len.checked_sub(st.avail_in as usize);
            let wrote = out_len.saturating_sub(st.avail_out as usize);
            st.next_in = ptr::null_mut();
            st.next_out = ptr::null_mut();
            let finished = st.block_state == isal::isal_block_state_ISAL_BLOCK_FINISH;
            if ret != isal::ISAL_DECOMP_OK as i32 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, describe(ret)));
            }
            let Some(used) = used else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "gzip decoder gave back input it had not been given",
                ));
            };
            self.inner.consume(used);
            if finished {
                self.finished = true;
                return Ok(wrote);
            }
            if wrote > 0 {
                return Ok(wrote);
            }
            if at_end {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            if used == 0 {
                // Input offered, nothing taken and nothing written: igzip is stuck on bytes it
                // cannot use (it does not flag every malformed header).
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "gzip data that the decoder cannot advance on",
                ));
            }
        }
    }
}

/// Header flags (RFC 1952, 2.3.1).
const FHCRC: u8 = 1 << 1;
const FEXTRA: u8 = 1 << 2;
const FNAME: u8 = 1 << 3;
const FCOMMENT: u8 = 1 << 4;

/// Reads a gzip member header, checking its magic, method, flags and (FHCRC) header CRC.
fn read_header<R: BufRead>(r: &mut R) -> io::Result<()> {
    let bad = |what: &str| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("invalid gzip header: {what}"),
        )
    };
    let mut head = vec![0u8; 10];
    r.read_exact(&mut head)?;
    if head[..2] != [0x1f, 0x8b] {
        return Err(bad("no gzip magic"));
    }
    if head[2] != 8 {
        return Err(bad("compression method is not deflate"));
    }
    let flags = head[3];
    if flags & 0xe0 != 0 {
        return Err(bad("reserved flag bits set"));
    }
    if flags & FEXTRA != 0 {
        let mut len = [0u8; 2];
        r.read_exact(&mut len)?;
        head.extend_from_slice(&len);
        let start = head.len();
        head.resize(start + usize::from(u16::from_le_bytes(len)), 0);
        r.read_exact(&mut head[start..])?;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 && (r.read_until(0, &mut head)? == 0 || head.last() != Some(&0)) {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
    if flags & FHCRC != 0 {
        let mut crc = [0u8; 2];
        r.read_exact(&mut crc)?;
        if u16::from_le_bytes(crc) != libdeflater::crc32(&head) as u16 {
            return Err(bad("header CRC16 mismatch"));
        }
    }
    Ok(())
}

/// igzip's error codes in words.
fn describe(ret: i32) -> &'static str {
    match ret {
        isal::ISAL_INVALID_BLOCK => "invalid deflate block",
        isal::ISAL_INVALID_SYMBOL => "invalid deflate symbol",
        isal::ISAL_INVALID_LOOKBACK => "invalid deflate distance",
        isal::ISAL_INVALID_WRAPPER => "invalid gzip header",
        isal::ISAL_UNSUPPORTED_METHOD => "unsupported compression method",
        isal::ISAL_INCORRECT_CHECKSUM => "CRC32 or ISIZE mismatch in the gzip trailer",
        _ => "gzip decoding failed",
    }
}
