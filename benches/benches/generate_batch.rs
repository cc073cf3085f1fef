//! `crypt::generate_batch` over 200 bcrypt passwords (cost 5, Apache's default) in a rayon pool
//! of 1 and of 2 threads: the bulk paths of `htpasswd-rs --batch -B` and `ingress-auth secret
//! --users-file --scheme bcrypt` scale with the cores (2 threads: about half the wall time).
//!
//! Run: `cargo bench -p htpasswd-benches --bench generate_batch`
//! divan's item counter gives hashes per second.

// A benchmark that cannot set up its input has nothing to measure: failing loudly is right.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use divan::counter::ItemsCount;
use htpasswd_benches::password;
use htpasswd_core::crypt::{HashParams, generate_batch};

fn main() {
    eprintln!(
        "cores available: {}",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    divan::main();
}

/// Users per batch, as in issue 12's "200 users".
const USERS: usize = 200;

/// 200 distinct 12-character passwords.
fn passwords() -> Vec<Vec<u8>> {
    (0..USERS)
        .map(|i| {
            let mut pw = password(12);
            pw[0] = b'a' + (i % 26) as u8;
            pw[1] = b'a' + (i / 26 % 26) as u8;
            pw
        })
        .collect()
}

/// bcrypt cost 5 (`htpasswd -B`'s default) over 200 passwords, in a pool of `threads` threads.
#[divan::bench(args = [1, 2], sample_count = 10, sample_size = 1)]
fn bcrypt_cost5_200_users(bencher: divan::Bencher<'_, '_>, threads: usize) {
    let owned = passwords();
    let passwords: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("rayon pool");
    bencher.counter(ItemsCount::new(USERS)).bench(|| {
        pool.install(|| generate_batch(&HashParams::BCRYPT_DEFAULT, black_box(&passwords)))
            .expect("bcrypt of short passwords")
    });
}

/// apr1 over 200 passwords (the SIMD kernels), in a pool of `threads` threads, for comparison.
#[divan::bench(args = [1, 2], sample_count = 20)]
fn apr1_200_users(bencher: divan::Bencher<'_, '_>, threads: usize) {
    let owned = passwords();
    let passwords: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("rayon pool");
    bencher.counter(ItemsCount::new(USERS)).bench(|| {
        pool.install(|| generate_batch(&HashParams::Apr1, black_box(&passwords)))
            .expect("apr1 never refuses a password")
    });
}
