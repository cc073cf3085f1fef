//! bcrypt: one hash at cost 5, 10 and 12, ours and libxcrypt's `crypt_rn()` (crypt_blowfish,
//! the C code Apache's APR carries too) in the same process, with the sequential bound: the
//! EksBlowfish key schedule is `2 x 2^cost x 521` dependent Blowfish encryptions (plus 521 for
//! the salted expansion and 192 for the output), so a hash cannot take less than that many
//! times the latency of one encryption.
//!
//! Before divan's wall-clock table, `main` prints paired thread-CPU-time medians (ours and
//! libxcrypt alternating, one hash each), which stay meaningful on a loaded machine.
//!
//! Run: `cargo bench -p htpasswd-benches --bench bcrypt`
//! (`BENCH_PAIRS=N` sets the number of pairs; 0 skips the paired table.)

// A benchmark that cannot set up its input has nothing to measure: failing loudly is right.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

#[path = "support/libxcrypt.rs"]
mod libxcrypt;

use std::ffi::CString;
use std::hint::black_box;

use htpasswd_core::crypt::BcryptVersion;
use htpasswd_core::crypt::bcrypt::BcryptHash;
use libxcrypt::Libxcrypt;

const COSTS: [u32; 3] = [5, 10, 12];
const SALT: [u8; 16] = *b"0123456789abcdef";
const PASSWORD: &[u8] = b"correct horse battery";

/// Blowfish encryptions in one bcrypt hash at `cost`.
fn encryptions(cost: u32) -> u64 {
    2 * (1u64 << cost) * 521 + 521 + 3 * 64
}

/// The setting string libxcrypt needs for the same salt and cost as ours.
fn setting(cost: u32) -> CString {
    let ours = BcryptHash::new(BcryptVersion::V2y, cost, PASSWORD, SALT).expect("cost in range");
    let s = ours.to_bytes();
    let mut c = Libxcrypt::new();
    let theirs = c
        .crypt(
            &CString::new(PASSWORD).expect("no NUL"),
            &CString::new(&s[..29]).expect("no NUL"),
        )
        .expect("libxcrypt computes bcrypt");
    assert_eq!(theirs, s, "libxcrypt disagrees with us");
    CString::new(&s[..29]).expect("no NUL")
}

type Sbox = [u32; 256];

/// Blowfish's F, written exactly as ours (crates/htpasswd-core/src/crypt/bcrypt/eks.rs).
#[inline(always)]
fn f(s0: &Sbox, s1: &Sbox, s2: &Sbox, s3: &Sbox, x: u32) -> u32 {
    let a = s0[usize::from((x >> 24) as u8)];
    let b = s1[usize::from((x >> 16) as u8)];
    let c = s2[usize::from((x >> 8) as u8)];
    let d = s3[usize::from(x as u8)];
    (a.wrapping_add(b) ^ c).wrapping_add(d)
}

/// `n` chained Blowfish encryptions written exactly as ours (byte-indexed S-boxes behind four
/// unrelated references, P XOR off the chain, 16 rounds unrolled), over fixed pseudo-random
/// S-boxes: the latency the key schedule is bound by, without its stores.
#[inline(never)]
fn encrypt_chain(s: &[Box<Sbox>; 4], p: &[u32; 18], n: u32) -> (u32, u32) {
    let [s0, s1, s2, s3] = s;
    let (mut l, mut r) = (1u32, 2u32);
    for _ in 0..n {
        l ^= p[0];
        for i in (1..17).step_by(2) {
            r = (r ^ p[i]) ^ f(s0, s1, s2, s3, l);
            l = (l ^ p[i + 1]) ^ f(s0, s1, s2, s3, r);
        }
        r ^= p[17];
        (l, r) = (r, l);
    }
    (l, r)
}

/// Pseudo-random S-boxes and P-array for [`encrypt_chain`].
fn tables() -> ([Box<Sbox>; 4], [u32; 18]) {
    let mut x = 0x9e37_79b9_u32;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    let s = core::array::from_fn(|_| Box::new(core::array::from_fn(|_| next())));
    (s, core::array::from_fn(|_| next()))
}

/// The EksBlowfish key schedule through RustCrypto's `blowfish` hooks
/// (`salted_expand_key`, `bc_expand_key`), as htpasswd-core computed bcrypt before issue 18:
/// the "before" column of the paired table (the output encryptions, 192 of ~10^6, left out).
fn rustcrypto_key_schedule(cost: u32) -> [u32; 2] {
    let mut key = [0u8; 72];
    for (k, b) in key.iter_mut().zip(PASSWORD.iter().chain([&0u8]).cycle()) {
        *k = *b;
    }
    let mut state = blowfish::Blowfish::bc_init_state();
    state.salted_expand_key(&SALT, &key);
    for _ in 0..(1u64 << cost) {
        state.bc_expand_key(&key);
        state.bc_expand_key(&SALT);
    }
    state.bc_encrypt([0, 0])
}

/// Encryptions per bench iteration in [`blowfish_encrypt_chained`].
const CHAIN: u32 = 1024;

fn main() {
    let pairs: usize = std::env::var("BENCH_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(11);
    // One encryption's latency, from a long chain timed in thread CPU time.
    let (s, p) = tables();
    let mut per_encryption = Vec::new();
    for _ in 0..15 {
        let t0 = libxcrypt::thread_cpu_ns();
        black_box(encrypt_chain(&s, &p, black_box(200_000)));
        per_encryption.push((libxcrypt::thread_cpu_ns() - t0) as f64 * 1e-9 / 200_000.0);
    }
    let enc = libxcrypt::median(&mut per_encryption);
    eprintln!(
        "one Blowfish encryption (chained, thread CPU time): {:.1} ns",
        enc * 1e9
    );
    let phrase = CString::new(PASSWORD).expect("no NUL");
    let mut lib = Libxcrypt::new();
    for cost in COSTS {
        let set = setting(cost);
        let n = encryptions(cost);
        eprint!(
            "bcrypt cost {cost:2}: {n} encryptions, bound {:.2} ms",
            n as f64 * enc * 1e3
        );
        if pairs == 0 {
            eprintln!();
            continue;
        }
        let (ours, theirs, ratio) = libxcrypt::paired(
            pairs,
            || {
                black_box(BcryptHash::new(
                    BcryptVersion::V2y,
                    cost,
                    black_box(PASSWORD),
                    SALT,
                ))
                .expect("hash");
            },
            || {
                black_box(lib.crypt(black_box(&phrase), &set)).expect("hash");
            },
        );
        eprintln!(
            "; ours {:.2} ms, libxcrypt {:.2} ms, ours/libxcrypt {ratio:.3} (median of {pairs} \
             pairs), ours/bound {:.3}",
            ours * 1e3,
            theirs * 1e3,
            ours / (n as f64 * enc)
        );
        let (before, theirs, ratio) = libxcrypt::paired(
            pairs,
            || {
                black_box(rustcrypto_key_schedule(black_box(cost)));
            },
            || {
                black_box(lib.crypt(black_box(&phrase), &set)).expect("hash");
            },
        );
        eprintln!(
            "  before (RustCrypto blowfish hooks) {:.2} ms, libxcrypt {:.2} ms, \
             before/libxcrypt {ratio:.3}",
            before * 1e3,
            theirs * 1e3
        );
    }
    divan::main();
}

/// `CHAIN` dependent Blowfish encryptions, our round code: divan reports the time per
/// encryption (items).
#[divan::bench]
fn blowfish_encrypt_chained(bencher: divan::Bencher<'_, '_>) {
    let (s, p) = tables();
    bencher
        .counter(divan::counter::ItemsCount::new(CHAIN))
        .bench_local(|| encrypt_chain(&s, &p, black_box(CHAIN)));
}

/// The same chain through RustCrypto's `blowfish` (`bc_encrypt`), which XORs each P word after
/// F, on the critical path.
#[divan::bench]
fn rustcrypto_blowfish_encrypt_chained(bencher: divan::Bencher<'_, '_>) {
    let bf = blowfish::Blowfish::bc_init_state();
    bencher
        .counter(divan::counter::ItemsCount::new(CHAIN))
        .bench_local(|| {
            let mut lr = [1u32, 2u32];
            for _ in 0..CHAIN {
                lr = bf.bc_encrypt(black_box(lr));
            }
            lr
        });
}

/// One `$2y$` hash, ours.
#[divan::bench(args = COSTS, sample_count = 10, sample_size = 1)]
fn bcrypt_hash(bencher: divan::Bencher<'_, '_>, cost: u32) {
    bencher.bench_local(|| {
        BcryptHash::new(BcryptVersion::V2y, cost, black_box(PASSWORD), SALT).expect("hash")
    });
}

/// One `$2y$` hash, libxcrypt's `crypt_rn()`, same password, salt and cost.
#[divan::bench(args = COSTS, sample_count = 10, sample_size = 1)]
fn libxcrypt_bcrypt_hash(bencher: divan::Bencher<'_, '_>, cost: u32) {
    let set = setting(cost);
    let phrase = CString::new(PASSWORD).expect("no NUL");
    let mut lib = Libxcrypt::new();
    bencher.bench_local(|| lib.crypt(black_box(&phrase), &set).expect("hash"));
}

/// Apache `htpasswd -nbB -C COST` once per hash (APR's own copy of crypt_blowfish; process
/// start-up included, about 1 ms). Skipped without `htpasswd`.
#[divan::bench(args = [10, 12], sample_count = 5, sample_size = 1)]
fn apache_htpasswd_nbb_per_call(bencher: divan::Bencher<'_, '_>, cost: u32) {
    if std::process::Command::new("htpasswd")
        .arg("-h")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED apache_htpasswd_nbb_per_call: `htpasswd` (apache2-utils) not found");
        return;
    }
    bencher.bench(|| {
        let out = std::process::Command::new("htpasswd")
            .args([
                "-nbB",
                "-C",
                &cost.to_string(),
                "user",
                "correct horse battery",
            ])
            .output()
            .expect("htpasswd runs");
        assert!(out.status.success());
    });
}
