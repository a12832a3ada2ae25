//! Adapter detection gives the same output from a file, from stdin (a pipe) and through a
//! push session, on reads whose adapter shares TruSeq's first 13 bases (Illumina single-end):
//! the sample is buffered and put back, never read twice; the CLI names the adapter it used.

use std::io::Write;
use std::process::{Command, Stdio};

use panelprep::pipeline::{Control, Layout, PushOutput, PushSession};
use panelprep::settings::RunSettings;
use panelprep::simulate::{Profile, SimOptions, write_pairs};
use panelprep::trim::ILLUMINA_SE;

struct Collect([Vec<u8>; 2]);

impl PushOutput for Collect {
    fn write(&mut self, output: usize, bytes: &[u8]) -> Result<(), panelprep::Error> {
        self.0[output.min(1)].extend_from_slice(bytes);
        Ok(())
    }
}

fn reads(pairs: u64) -> (Vec<u8>, Vec<u8>) {
    let opts = SimOptions {
        pairs,
        adapter_r1: ILLUMINA_SE.to_vec(),
        adapter_r2: ILLUMINA_SE.to_vec(),
        ..SimOptions::realistic(Profile::MiSeq)
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    write_pairs(&opts, &mut a, &mut b).expect("simulate");
    (a, b)
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_panelprep"))
}

/// Pushes `inputs` in uneven pieces through a session with the CLI's default settings.
fn push(layout: Layout, inputs: &[&[u8]]) -> [Vec<u8>; 2] {
    let opts = RunSettings::default()
        .pipeline_options(layout)
        .expect("options");
    let mut s = PushSession::start(&opts, layout, inputs.len(), Control::new()).expect("start");
    let mut out = Collect([Vec::new(), Vec::new()]);
    let mut pos = vec![0usize; inputs.len()];
    let mut step = 777usize;
    while pos.iter().zip(inputs).any(|(p, i)| *p < i.len()) {
        for (k, data) in inputs.iter().enumerate() {
            let end = (pos[k] + step).min(data.len());
            s.push(k, &data[pos[k]..end], &mut out).expect("push");
            pos[k] = end;
        }
        step = step * 3 % 65_521 + 1000;
    }
    let summary = s.finish(&mut out).expect("finish");
    assert_eq!(
        summary.adapters[0].as_deref(),
        Some(std::str::from_utf8(ILLUMINA_SE).unwrap_or(""))
    );
    assert!(
        summary.detected[0].is_some(),
        "the session detected the adapter"
    );
    out.0
}

#[test]
fn single_end_file_stdin_and_push_agree() {
    let (r1, _) = reads(6000);
    let dir = tempfile::tempdir().expect("tempdir");
    let inp = dir.path().join("R1.fq");
    std::fs::write(&inp, &r1).expect("write");
    let (f_out, p_out) = (dir.path().join("file.fq"), dir.path().join("pipe.fq"));
    let o = bin()
        .args(["trim", "--no-report", "-i"])
        .arg(&inp)
        .arg("-o")
        .arg(&f_out)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let msg = String::from_utf8_lossy(&o.stderr);
    assert!(
        msg.contains("Illumina single-end")
            && msg.contains(std::str::from_utf8(ILLUMINA_SE).unwrap_or("?")),
        "the CLI names the detected adapter: {msg}"
    );
    let mut child = bin()
        .args(["trim", "--no-report", "-i", "-", "-o"])
        .arg(&p_out)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = r1.clone();
    let feeder = std::thread::spawn(move || {
        for piece in data.chunks(4093) {
            if stdin.write_all(piece).is_err() {
                break;
            }
        }
    });
    let o = child.wait_with_output().expect("wait");
    feeder.join().expect("feeder");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file = std::fs::read(&f_out).expect("read");
    let pipe = std::fs::read(&p_out).expect("read");
    assert_eq!(file, pipe, "stdin output equals file output");
    let pushed = push(Layout::Single, &[&r1]);
    assert_eq!(pushed[0], file, "push-session output equals file output");
    // Detection did the work: the trimmed output is shorter than the input by much more than
    // the TruSeq prefix alone would give.
    assert!(
        file.len() * 10 < r1.len() * 9,
        "{} vs {}",
        file.len(),
        r1.len()
    );
}

#[test]
fn paired_end_file_and_push_agree_with_detection_by_default() {
    let (r1, r2) = reads(5000);
    let dir = tempfile::tempdir().expect("tempdir");
    let (i1, i2) = (dir.path().join("R1.fq"), dir.path().join("R2.fq"));
    std::fs::write(&i1, &r1).expect("write");
    std::fs::write(&i2, &r2).expect("write");
    let (o1, o2) = (dir.path().join("o1.fq"), dir.path().join("o2.fq"));
    let o = bin()
        .args(["trim", "--no-report", "-i"])
        .arg(&i1)
        .arg("-I")
        .arg(&i2)
        .arg("-o")
        .arg(&o1)
        .arg("-O")
        .arg(&o2)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let msg = String::from_utf8_lossy(&o.stderr);
    assert!(
        msg.contains("adapter R1") && msg.contains("adapter R2"),
        "{msg}"
    );
    let pushed = push(Layout::Paired, &[&r1, &r2]);
    assert_eq!(pushed[0], std::fs::read(&o1).expect("read"));
    assert_eq!(pushed[1], std::fs::read(&o2).expect("read"));
}
