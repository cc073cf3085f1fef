//! The htpasswd file model at scale: a 1,000,000-entry file (about 60 MB) parsed, serialised,
//! linted, and edited on disk with the full locked crash-safe path (lock, read, parse, update one
//! user, serialise, temporary file, fsync, rename, directory fsync), beside a plain `cp` of the
//! same file. Before the timings, the peak resident memory of one such edit in a fresh process is
//! printed against the file size.
//!
//! Run: `cargo bench -p htpasswd-benches --bench htpasswd_file`

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]
#![allow(clippy::cast_precision_loss)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use htpasswd_core::htpasswd::{EditOptions, HtpasswdFile, Which, edit_file, lint};

const ENTRIES: usize = 1_000_000;
const PEAK_ENV: &str = "HTPASSWD_BENCH_PEAK_RSS";

fn main() {
    if let Ok(job) = std::env::var(PEAK_ENV) {
        peak_child(&job);
        return;
    }
    report_peak_memory();
    divan::main();
    if let Some(dir) = fixture().0.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Where the generated file lives (under the target directory's temp area), made once.
fn fixture() -> &'static (PathBuf, Vec<u8>) {
    static FIXTURE: OnceLock<(PathBuf, Vec<u8>)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("htpasswd-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("htpasswd");
        let bytes = big_file(ENTRIES);
        std::fs::write(&path, &bytes).expect("write fixture");
        (path, bytes)
    })
}

/// `ENTRIES` apr1 entries with distinct users, a comment and a few CRLF lines, as in real files.
fn big_file(entries: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries * 60);
    out.extend_from_slice(b"# generated for the htpasswd_file bench\n");
    for i in 0..entries {
        out.extend_from_slice(
            format!("user{i:07}:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1").as_bytes(),
        );
        out.extend_from_slice(if i % 1000 == 0 { b"\r\n" } else { b"\n" });
    }
    out
}

fn middle_user() -> Vec<u8> {
    format!("user{:07}", ENTRIES / 2).into_bytes()
}

/// Child process: one full edit (or nothing, for the baseline), then its peak RSS (VmHWM).
fn peak_child(job: &str) {
    let path = Path::new(job.strip_prefix("edit:").unwrap_or(job));
    if job.starts_with("edit:") {
        let user = middle_user();
        let done = edit_file(path, &EditOptions::default(), |f| {
            f.update(&user, b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", Which::All)
        })
        .expect("edit");
        assert_eq!(done.value, 1);
    }
    let status = std::fs::read_to_string("/proc/self/status").expect("status");
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .expect("VmHWM");
    println!("{hwm}");
}

fn report_peak_memory() {
    let (path, bytes) = fixture();
    let run = |job: String| -> u64 {
        let out = Command::new(std::env::current_exe().expect("exe"))
            .env(PEAK_ENV, job)
            .output()
            .expect("run child");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("kB")
    };
    let baseline = run("none".into());
    let edit = run(format!("edit:{}", path.display()));
    let mib = |kb: u64| kb as f64 / 1024.0;
    let file_mib = bytes.len() as f64 / (1024.0 * 1024.0);
    eprintln!(
        "{ENTRIES} entries, file {file_mib:.1} MiB: peak RSS of one locked edit {:.1} MiB \
         (process baseline {:.1} MiB) = {:.2}x the file size above baseline",
        mib(edit),
        mib(baseline),
        (mib(edit) - mib(baseline)) / file_mib
    );
    std::fs::write(path, bytes).expect("restore fixture");
}

/// Parse 1M entries from bytes already in memory (the copy into the model included).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn parse(bencher: divan::Bencher<'_, '_>) {
    let (_, bytes) = fixture();
    bencher
        .with_inputs(|| bytes.clone())
        .bench_values(|b| black_box(HtpasswdFile::from_bytes(b)));
}

/// Serialise an edited 1M-entry model.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn serialise(bencher: divan::Bencher<'_, '_>) {
    let (_, bytes) = fixture();
    let mut file = HtpasswdFile::parse(bytes);
    file.update(&middle_user(), b"{SHA}x", Which::All)
        .expect("update");
    bencher.bench_local(|| black_box(file.to_bytes()));
}

/// Look up the last user (a full scan: first match wins, so no index is kept).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn lookup_last(bencher: divan::Bencher<'_, '_>) {
    let (_, bytes) = fixture();
    let file = HtpasswdFile::parse(bytes);
    let user = format!("user{:07}", ENTRIES - 1).into_bytes();
    bencher.bench_local(|| black_box(file.get(black_box(&user))).is_some());
}

/// Lint 1M entries (scheme, weakness, targets, duplicates).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn lint_all(bencher: divan::Bencher<'_, '_>) {
    let (_, bytes) = fixture();
    let file = HtpasswdFile::parse(bytes);
    bencher.bench_local(|| black_box(lint(&file)).entries.len());
}

/// The whole locked crash-safe edit of one user in a 1M-entry file on disk.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn edit_file_update_one_user(bencher: divan::Bencher<'_, '_>) {
    let (path, _) = fixture();
    let user = middle_user();
    let mut flip = false;
    bencher.bench_local(|| {
        flip = !flip;
        let hash: &[u8] = if flip { b"{SHA}one" } else { b"{SHA}two" };
        edit_file(path, &EditOptions::default(), |f| {
            f.update(&user, hash, Which::All)
        })
        .expect("edit")
    });
}

/// Reference: `cp` of the same file to a new name in the same directory.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn cp_same_file(bencher: divan::Bencher<'_, '_>) {
    let (path, _) = fixture();
    let dst = path.with_extension("copy");
    bencher.bench_local(|| {
        let st = Command::new("cp").arg(path).arg(&dst).status().expect("cp");
        assert!(st.success());
    });
}

/// Reference: `cp` then `sync` of the copy (what a durable copy costs, like our fsyncs).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn cp_and_fsync_same_file(bencher: divan::Bencher<'_, '_>) {
    let (path, _) = fixture();
    let dst = path.with_extension("copy");
    bencher.bench_local(|| {
        let st = Command::new("cp").arg(path).arg(&dst).status().expect("cp");
        assert!(st.success());
        std::fs::File::open(&dst)
            .expect("open")
            .sync_all()
            .expect("fsync");
    });
}
