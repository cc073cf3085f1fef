//! SHA-256-crypt and SHA-512-crypt: one hash at 5,000 and 200,000 rounds, ours and
//! libxcrypt's `crypt_rn()` in the same process, with the sequential bound: every round is
//! one SHA-2 compression (two for SHA-256-crypt when the round message passes 55 bytes, as
//! here) that depends on the last, so a hash cannot take less than rounds x compressions per
//! round x the time of one compression (measured here on the same `sha2` back end we call).
//!
//! Before divan's wall-clock table, `main` prints paired thread-CPU-time medians (ours and
//! libxcrypt alternating, one hash each), which stay meaningful on a loaded machine.
//!
//! Run: `cargo bench -p htpasswd-benches --bench sha_crypt`
//! (`BENCH_PAIRS=N` sets the number of pairs; 0 skips the paired table.)

// A benchmark that cannot set up its input has nothing to measure: failing loudly is right.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

#[path = "support/libxcrypt.rs"]
mod libxcrypt;

use std::ffi::CString;
use std::hint::black_box;

use htpasswd_core::crypt::sha_crypt::{ShaCryptHash, ShaVariant};
use libxcrypt::Libxcrypt;

const ROUNDS: [u32; 2] = [5_000, 200_000];
const SALT: &[u8] = b"saltstringsaltst";
/// A 12-byte password: 64 + 16 + 2 x 12 = 104 bytes, one SHA-512 block per round; for
/// SHA-256 32 + 16 + 24 = 72 bytes, two blocks.
const PASSWORD: &[u8] = b"pw12345678ab";

fn ours(variant: ShaVariant, rounds: u32) -> Vec<u8> {
    ShaCryptHash::new(variant, PASSWORD, SALT, Some(rounds))
        .expect("rounds in range")
        .to_bytes()
}

/// The setting string for libxcrypt, after checking it computes the same hash as ours.
fn setting(variant: ShaVariant, rounds: u32) -> CString {
    let hash = ours(variant, rounds);
    let cut = hash.iter().rposition(|&b| b == b'$').expect("separator");
    let set = CString::new(&hash[..cut]).expect("no NUL");
    let theirs = Libxcrypt::new()
        .crypt(&CString::new(PASSWORD).expect("no NUL"), &set)
        .expect("libxcrypt computes SHA-crypt");
    assert_eq!(theirs, hash, "libxcrypt disagrees with us");
    set
}

/// Compressions per round for [`PASSWORD`] and [`SALT`] (the longest round message; the
/// shorter ones fit the same number of blocks here).
fn blocks_per_round(variant: ShaVariant) -> u64 {
    match variant {
        ShaVariant::Sha256 => 2,
        ShaVariant::Sha512 => 1,
    }
}

/// Seconds per compression of one block, median of thread-CPU-timed runs of `n` chained calls.
fn compression_time(variant: ShaVariant) -> f64 {
    const N: u32 = 200_000;
    let mut v = Vec::new();
    for _ in 0..15 {
        let t0 = libxcrypt::thread_cpu_ns();
        match variant {
            ShaVariant::Sha256 => {
                let mut state = [1u32; 8];
                let block = [[0x5au8; 64]];
                for _ in 0..N {
                    sha2::block_api::compress256(black_box(&mut state), black_box(&block));
                }
            }
            ShaVariant::Sha512 => {
                let mut state = [1u64; 8];
                let block = [[0x5au8; 128]];
                for _ in 0..N {
                    sha2::block_api::compress512(black_box(&mut state), black_box(&block));
                }
            }
        }
        v.push((libxcrypt::thread_cpu_ns() - t0) as f64 * 1e-9 / f64::from(N));
    }
    libxcrypt::median(&mut v)
}

fn main() {
    let pairs: usize = std::env::var("BENCH_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(11);
    let phrase = CString::new(PASSWORD).expect("no NUL");
    let mut lib = Libxcrypt::new();
    for variant in [ShaVariant::Sha512, ShaVariant::Sha256] {
        let per_block = compression_time(variant);
        eprintln!(
            "{} compression of one block (sha2, thread CPU time): {:.1} ns",
            variant.prefix(),
            per_block * 1e9
        );
        for rounds in ROUNDS {
            let set = setting(variant, rounds);
            let bound = f64::from(rounds) * blocks_per_round(variant) as f64 * per_block;
            eprint!(
                "{} rounds={rounds}: bound {:.2} ms",
                variant.prefix(),
                bound * 1e3
            );
            if pairs == 0 {
                eprintln!();
                continue;
            }
            let (t_ours, t_theirs, ratio) = libxcrypt::paired(
                pairs,
                || {
                    black_box(ours(variant, black_box(rounds)));
                },
                || {
                    black_box(lib.crypt(black_box(&phrase), &set)).expect("hash");
                },
            );
            eprintln!(
                "; ours {:.2} ms, libxcrypt {:.2} ms, ours/libxcrypt {ratio:.3} (median of \
                 {pairs} pairs), ours/bound {:.3}",
                t_ours * 1e3,
                t_theirs * 1e3,
                t_ours / bound
            );
            // Before issue 18: RustCrypto's `sha-crypt` (a `Digest` per round).
            let params = sha_crypt::Params::new(rounds).expect("rounds in range");
            let (before, t_theirs, ratio) = libxcrypt::paired(
                pairs,
                || match variant {
                    ShaVariant::Sha256 => {
                        black_box(sha_crypt::sha256_crypt(PASSWORD, SALT, black_box(params)));
                    }
                    ShaVariant::Sha512 => {
                        black_box(sha_crypt::sha512_crypt(PASSWORD, SALT, black_box(params)));
                    }
                },
                || {
                    black_box(lib.crypt(black_box(&phrase), &set)).expect("hash");
                },
            );
            eprintln!(
                "  before (RustCrypto sha-crypt) {:.2} ms, libxcrypt {:.2} ms, \
                 before/libxcrypt {ratio:.3}",
                before * 1e3,
                t_theirs * 1e3
            );
        }
    }
    // A 64-byte password: odd rounds start with a whole block of password and salt bytes
    // (SHA-512: 64 + 16 + 64 of the first 128; SHA-256 likewise), compressed once per hash.
    let long: Vec<u8> = (0..64u8).map(|i| b'a' + i % 26).collect();
    let long_phrase = CString::new(long.clone()).expect("no NUL");
    for variant in [ShaVariant::Sha512, ShaVariant::Sha256] {
        let hash = ShaCryptHash::new(variant, &long, SALT, Some(5000))
            .expect("rounds")
            .to_bytes();
        let cut = hash.iter().rposition(|&b| b == b'$').expect("separator");
        let set = CString::new(&hash[..cut]).expect("no NUL");
        assert_eq!(lib.crypt(&long_phrase, &set).expect("hash"), hash);
        if pairs == 0 {
            continue;
        }
        let (t_ours, t_theirs, ratio) = libxcrypt::paired(
            pairs,
            || {
                black_box(ShaCryptHash::new(
                    variant,
                    black_box(&long),
                    SALT,
                    Some(5000),
                ))
                .expect("hash");
            },
            || {
                black_box(lib.crypt(black_box(&long_phrase), &set)).expect("hash");
            },
        );
        eprintln!(
            "{} rounds=5000, 64-byte password: ours {:.2} ms, libxcrypt {:.2} ms, \
             ours/libxcrypt {ratio:.3}",
            variant.prefix(),
            t_ours * 1e3,
            t_theirs * 1e3
        );
    }
    divan::main();
}

/// One SHA-512 compression (the unit of the `$6$` bound).
#[divan::bench]
fn sha512_compress_one_block(bencher: divan::Bencher<'_, '_>) {
    let block = [[0x5au8; 128]];
    let mut state = [1u64; 8];
    bencher.bench_local(|| sha2::block_api::compress512(black_box(&mut state), black_box(&block)));
}

/// One SHA-256 compression (the unit of the `$5$` bound).
#[divan::bench]
fn sha256_compress_one_block(bencher: divan::Bencher<'_, '_>) {
    let block = [[0x5au8; 64]];
    let mut state = [1u32; 8];
    bencher.bench_local(|| sha2::block_api::compress256(black_box(&mut state), black_box(&block)));
}

/// One `$6$rounds=N$` hash, ours.
#[divan::bench(args = ROUNDS, sample_count = 10, sample_size = 1)]
fn sha512_crypt_hash(bencher: divan::Bencher<'_, '_>, rounds: u32) {
    bencher.bench_local(|| ours(ShaVariant::Sha512, black_box(rounds)));
}

/// One `$6$rounds=N$` hash, libxcrypt's `crypt_rn()`.
#[divan::bench(args = ROUNDS, sample_count = 10, sample_size = 1)]
fn libxcrypt_sha512_crypt_hash(bencher: divan::Bencher<'_, '_>, rounds: u32) {
    let set = setting(ShaVariant::Sha512, rounds);
    let phrase = CString::new(PASSWORD).expect("no NUL");
    let mut lib = Libxcrypt::new();
    bencher.bench_local(|| lib.crypt(black_box(&phrase), &set).expect("hash"));
}

/// One `$5$rounds=N$` hash, ours.
#[divan::bench(args = ROUNDS, sample_count = 10, sample_size = 1)]
fn sha256_crypt_hash(bencher: divan::Bencher<'_, '_>, rounds: u32) {
    bencher.bench_local(|| ours(ShaVariant::Sha256, black_box(rounds)));
}

/// One `$5$rounds=N$` hash, libxcrypt's `crypt_rn()`.
#[divan::bench(args = ROUNDS, sample_count = 10, sample_size = 1)]
fn libxcrypt_sha256_crypt_hash(bencher: divan::Bencher<'_, '_>, rounds: u32) {
    let set = setting(ShaVariant::Sha256, rounds);
    let phrase = CString::new(PASSWORD).expect("no NUL");
    let mut lib = Libxcrypt::new();
    bencher.bench_local(|| lib.crypt(black_box(&phrase), &set).expect("hash"));
}

/// Apache `htpasswd -nb5 -r 200000` (and `-nb2`) once per hash: Apache hands SHA-crypt to the
/// system `crypt()`, libxcrypt (process start-up included, about 1 ms). Skipped without
/// `htpasswd`.
#[divan::bench(args = ["-nb5", "-nb2"], sample_count = 5, sample_size = 1)]
fn apache_htpasswd_r200000_per_call(bencher: divan::Bencher<'_, '_>, flag: &str) {
    if std::process::Command::new("htpasswd")
        .arg("-h")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED apache_htpasswd_r200000_per_call: `htpasswd` (apache2-utils) not found");
        return;
    }
    bencher.bench(|| {
        let out = std::process::Command::new("htpasswd")
            .args([flag, "-r", "200000", "user", "pw12345678ab"])
            .output()
            .expect("htpasswd runs");
        assert!(out.status.success());
    });
}
