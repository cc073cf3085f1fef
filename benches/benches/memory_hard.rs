//! Memory-hard schemes (issue 20): one yescrypt `$y$` hash at libxcrypt's default cost 5
//! (16 MiB, `j9T`), ours (RustCrypto `yescrypt`) beside libxcrypt's `crypt_rn()` in the same
//! process, and one argon2id hash at our default (19 MiB, 2 passes, 1 lane; RustCrypto `argon2`).
//!
//! Before divan's wall-clock table, `main` prints paired thread-CPU-time medians (ours and
//! libxcrypt alternating, one hash each), which stay meaningful on a loaded machine.
//!
//! Run: `cargo bench -p htpasswd-benches --bench memory_hard`
//! (`BENCH_PAIRS=N` sets the number of pairs; 0 skips the paired table.)

// A benchmark that cannot set up its input has nothing to measure: failing loudly is right.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

#[path = "support/libxcrypt.rs"]
mod libxcrypt;

use std::ffi::CString;
use std::hint::black_box;

use htpasswd_core::crypt::argon2id::{Argon2idHash, Argon2idParams};
use htpasswd_core::crypt::yescrypt::{self, YescryptHash};
use libxcrypt::Libxcrypt;

const PASSWORD: &[u8] = b"correct horse battery";

/// A `$y$` hash at libxcrypt's default cost, made by us and checked by libxcrypt.
fn yescrypt_default() -> (YescryptHash, CString) {
    let ours = yescrypt::generate(PASSWORD, yescrypt::DEFAULT_COST).expect("generate");
    let text = CString::new(ours.to_bytes()).expect("no NUL");
    let theirs = Libxcrypt::new()
        .crypt(&CString::new(PASSWORD).expect("no NUL"), &text)
        .expect("libxcrypt computes yescrypt");
    assert_eq!(theirs, ours.to_bytes(), "libxcrypt disagrees with us");
    (ours, text)
}

fn argon2id_default() -> Argon2idHash {
    Argon2idHash::new(&Argon2idParams::DEFAULT, PASSWORD, b"0123456789abcdef").expect("hash")
}

fn main() {
    let pairs: usize = std::env::var("BENCH_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(11);
    if pairs > 0 {
        let (ours, setting) = yescrypt_default();
        let phrase = CString::new(PASSWORD).expect("no NUL");
        let mut lib = Libxcrypt::new();
        let (o, t, ratio) = libxcrypt::paired(
            pairs,
            || assert!(black_box(&ours).verify(black_box(PASSWORD))),
            || {
                black_box(lib.crypt(black_box(&phrase), &setting)).expect("hash");
            },
        );
        eprintln!(
            "yescrypt cost 5 (j9T, 16 MiB): ours {:.2} ms, libxcrypt {:.2} ms, ours/libxcrypt \
             {ratio:.3} (median of {pairs} pairs, thread CPU time)",
            o * 1e3,
            t * 1e3
        );
        let argon = argon2id_default();
        let mut times = Vec::new();
        for _ in 0..pairs {
            let t0 = libxcrypt::thread_cpu_ns();
            assert!(black_box(&argon).verify(black_box(PASSWORD)));
            times.push((libxcrypt::thread_cpu_ns() - t0) as f64 * 1e-9);
        }
        eprintln!(
            "argon2id m=19456,t=2,p=1: ours {:.2} ms (median of {pairs}, thread CPU time)",
            libxcrypt::median(&mut times) * 1e3
        );
    }
    divan::main();
}

/// One check of a `$y$j9T$` hash (libxcrypt's default), ours.
#[divan::bench(sample_count = 20)]
fn yescrypt_cost5_ours(bencher: divan::Bencher<'_, '_>) {
    let (ours, _) = yescrypt_default();
    bencher.bench_local(|| black_box(&ours).verify(black_box(PASSWORD)));
}

/// The same check through libxcrypt's `crypt_rn()`.
#[divan::bench(sample_count = 20)]
fn yescrypt_cost5_libxcrypt(bencher: divan::Bencher<'_, '_>) {
    let (_, setting) = yescrypt_default();
    let phrase = CString::new(PASSWORD).expect("no NUL");
    let mut lib = Libxcrypt::new();
    bencher.bench_local(|| lib.crypt(black_box(&phrase), &setting));
}

/// One check of an argon2id hash at our default (19 MiB, 2 passes, 1 lane).
#[divan::bench(sample_count = 20)]
fn argon2id_default_ours(bencher: divan::Bencher<'_, '_>) {
    let hash = argon2id_default();
    bencher.bench_local(|| black_box(&hash).verify(black_box(PASSWORD)));
}

/// Generation at the defaults: a fresh salt and one hash each.
#[divan::bench(sample_count = 10)]
fn generate_defaults(bencher: divan::Bencher<'_, '_>) {
    bencher.bench_local(|| {
        (
            yescrypt::generate(black_box(PASSWORD), yescrypt::DEFAULT_COST).expect("yescrypt"),
            htpasswd_core::crypt::argon2id::generate(black_box(PASSWORD), &Argon2idParams::DEFAULT)
                .expect("argon2id"),
        )
    });
}
