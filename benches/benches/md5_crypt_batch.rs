//! Multi-buffer md5-crypt throughput: per kernel on one core, and on all cores.
//!
//! Run: `cargo bench -p htpasswd-benches --bench md5_crypt_batch`
//! divan's item counter gives hashes per second.

// A benchmark that cannot set up its input has nothing to measure: failing loudly is right.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use divan::counter::ItemsCount;
use htpasswd_benches::password;
use htpasswd_core::crypt::md5_crypt::batch::{Kernel, Md5CryptJob, hash_batch, par_hash_batch};
use htpasswd_core::crypt::md5_crypt::{Md5Variant, Salt};

fn main() {
    eprintln!("kernels on this machine: {:?}", Kernel::available());
    divan::main();
}

/// Hashes per measured call: a multiple of every kernel's lane count.
const BATCH: usize = 480;

fn passwords(len: usize) -> Vec<Vec<u8>> {
    (0..BATCH)
        .map(|i| {
            let mut pw = password(len);
            if let Some(first) = pw.first_mut() {
                *first = b'a' + (i % 26) as u8;
            }
            pw
        })
        .collect()
}

fn jobs(passwords: &[Vec<u8>]) -> Vec<Md5CryptJob<'_>> {
    let salt = Salt::new(b"abcdefgh").unwrap();
    passwords
        .iter()
        .map(|p| Md5CryptJob {
            variant: Md5Variant::Apr1,
            password: p,
            salt,
        })
        .collect()
}

fn kernel_named(name: &str) -> Option<Kernel> {
    Kernel::from_name(name).filter(|k| k.is_available())
}

/// One core, one kernel, 12-byte passwords (1002 compressions each).
#[divan::bench(args = ["scalar", "sse2", "avx2", "avx512"], sample_count = 20)]
fn one_core_12_bytes(bencher: divan::Bencher<'_, '_>, kernel: &str) {
    let Some(kernel) = kernel_named(kernel) else {
        eprintln!("SKIPPED one_core_12_bytes({kernel}): not available on this CPU");
        return;
    };
    let owned = passwords(12);
    let jobs = jobs(&owned);
    bencher
        .counter(ItemsCount::new(BATCH))
        .bench(|| hash_batch(kernel, black_box(&jobs)));
}

/// One core, fastest kernel, by password length.
#[divan::bench(args = [8, 15, 16, 24, 48], sample_count = 20)]
fn one_core_fastest_by_length(bencher: divan::Bencher<'_, '_>, len: usize) {
    let owned = passwords(len);
    let jobs = jobs(&owned);
    bencher
        .counter(ItemsCount::new(BATCH))
        .bench(|| hash_batch(Kernel::best(), black_box(&jobs)));
}

/// All cores (rayon), fastest kernel, 12-byte passwords.
#[divan::bench(sample_count = 20)]
fn all_cores_12_bytes(bencher: divan::Bencher<'_, '_>) {
    let owned = passwords(12);
    let jobs = jobs(&owned);
    bencher
        .counter(ItemsCount::new(BATCH))
        .bench(|| par_hash_batch(Kernel::best(), black_box(&jobs)));
}
