//! The C streaming API (`pp_stream_open/push/finish/free`) fed the same input in two random
//! splits (chunk sizes chosen by the fuzzer, empty pushes included), called exactly as a C
//! program would.
//!
//! Properties: no panic crosses the boundary (`PP_STATUS_PANIC` never comes back), no hang;
//! the status and the output bytes do not depend on how the input was split; they equal a
//! whole-buffer run through `pipeline::run_streams`; in passthrough mode the output is the
//! input's records unchanged; every failure leaves a message.
#![no_main]

use std::ffi::{CStr, c_int, c_void};
use std::io::Cursor;
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use panelprep::ffi::*;
use panelprep::pipeline::{Control, Layout, PipelineOptions, run_streams};
use panelprep_fuzz::{SharedBuf, frame_all, write_all};

unsafe extern "C" fn collect(userdata: *mut c_void, data: *const u8, len: usize) -> c_int {
    // SAFETY: userdata is the Vec<u8> passed to pp_stream_open; data/len are valid for the call.
    let out = unsafe { &mut *(userdata as *mut Vec<u8>) };
    out.extend_from_slice(unsafe { std::slice::from_raw_parts(data, len) });
    0
}

fn last_error() -> String {
    // SAFETY: pp_last_error_message returns a valid NUL-terminated string.
    unsafe { CStr::from_ptr(pp_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

/// One session over `input` cut at `cuts`; returns the status of the first failing call (or
/// of finish) and the output.
fn session(input: &[u8], cuts: &[u8], passthrough: bool, threads: u32) -> (pp_status, Vec<u8>) {
    let mut opts: *mut pp_options = std::ptr::null_mut();
    assert_eq!(pp_options_new(&mut opts), pp_status::PP_STATUS_OK);
    let json = if passthrough {
        c"{\"passthrough\": true, \"allow_empty\": true, \"compress\": false}"
    } else {
        c"{\"allow_empty\": true, \"compress\": false}"
    };
    assert_eq!(
        pp_options_set_json(opts, json.as_ptr()),
        pp_status::PP_STATUS_OK,
        "{}",
        last_error()
    );
    assert_eq!(
        pp_options_set_threads(opts, threads),
        pp_status::PP_STATUS_OK
    );
    let mut out: Box<Vec<u8>> = Box::default();
    let mut stream: *mut pp_stream = std::ptr::null_mut();
    let st = pp_stream_open(
        opts,
        1,
        Some(collect),
        &mut *out as *mut Vec<u8> as *mut c_void,
        None,
        std::ptr::null_mut(),
        &mut stream,
    );
    pp_options_free(opts);
    assert_eq!(st, pp_status::PP_STATUS_OK, "{}", last_error());
    let mut status = pp_status::PP_STATUS_OK;
    let mut rest = input;
    let mut i = 0;
    let mut last_empty = false;
    while !rest.is_empty() {
        let n = cuts
            .get(i % cuts.len().max(1))
            .map_or(rest.len(), |&c| usize::from(c) * 37 % 4096);
        // An empty push is fine once; then the next one takes at least a byte (no endless loop).
        let n = if n == 0 && last_empty { 1 } else { n };
        last_empty = n == 0;
        let n = n.min(rest.len());
        i += 1;
        let ptr = if n == 0 {
            std::ptr::null()
        } else {
            rest.as_ptr()
        };
        status = pp_stream_push(stream, 0, ptr, n);
        if status != pp_status::PP_STATUS_OK {
            break;
        }
        rest = &rest[n..];
    }
    if status == pp_status::PP_STATUS_OK {
        let mut report: *const pp_report = std::ptr::null();
        status = pp_stream_finish(stream, &mut report);
        if status == pp_status::PP_STATUS_OK {
            assert!(!report.is_null());
            pp_report_free(report);
        }
    }
    if status != pp_status::PP_STATUS_OK {
        assert!(!last_error().is_empty(), "a failure without a message");
    }
    assert_ne!(
        status,
        pp_status::PP_STATUS_PANIC,
        "panic at the C boundary: {}",
        last_error()
    );
    pp_stream_free(stream);
    (status, *out)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let passthrough = data[0] & 1 == 0;
    let n_cuts = usize::from(data[1] % 16).min(data.len() - 2);
    let cuts = &data[2..2 + n_cuts];
    let input = &data[2 + n_cuts..];
    let (s1, o1) = session(input, cuts, passthrough, 1);
    let (s2, o2) = session(input, &[1, 0, 200, 7], passthrough, 2);
    assert_eq!(s1, s2, "the split changed the status");
    assert_eq!(o1, o2, "the split changed the output");
    // The same bytes through the Rust streams API, in one piece.
    let base = if passthrough {
        PipelineOptions::passthrough()
    } else {
        PipelineOptions::default()
    };
    let opts = PipelineOptions {
        allow_empty: true,
        compress: Some(false),
        threads: 1,
        ..base
    };
    let sink = SharedBuf::default();
    let readers: Vec<(PathBuf, Box<dyn std::io::Read + Send>)> =
        vec![("<stream>".into(), Box::new(Cursor::new(input.to_vec())))];
    let writers: Vec<(PathBuf, Box<dyn std::io::Write + Send>)> =
        vec![("<output 1>".into(), Box::new(sink.clone()))];
    let rust = run_streams(&opts, Layout::Single, readers, writers, &Control::new());
    assert_eq!(
        rust.is_ok(),
        s1 == pp_status::PP_STATUS_OK,
        "C and Rust APIs disagree"
    );
    if rust.is_ok() {
        assert_eq!(sink.bytes(), o1, "C and Rust outputs differ");
        if passthrough && input.first() != Some(&0x1f) {
            let recs = frame_all(input, 1 << 17).expect("accepted input frames");
            assert_eq!(write_all(&recs), o1, "a read was lost or changed");
        }
    }
});
