//! md5-crypt: one apr1 hash against its sequential lower bound (MD5 compressions per hash x time
//! per compression), and `openssl passwd -apr1 -in FILE` measured in the same run.
//!
//! Run: `cargo bench -p htpasswd-benches --bench md5_crypt`

// A benchmark that cannot set up its input has nothing to measure: failing loudly is right.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::io::Write as _;
use std::process::{Command, Stdio};

use divan::counter::ItemsCount;
use htpasswd_benches::{md5_crypt_blocks, password};
use htpasswd_core::crypt::md5_crypt::{Md5CryptHash, Md5Variant, Salt};

fn main() {
    for len in PASSWORD_LENGTHS {
        eprintln!(
            "apr1, {len}-byte password, 8-byte salt: {} MD5 compressions per hash",
            md5_crypt_blocks(len, 8, 6)
        );
    }
    divan::main();
}

const PASSWORD_LENGTHS: [usize; 3] = [12, 16, 32];

/// One MD5 compression of one 64-byte block: the unit of the lower bound.
#[divan::bench]
fn md5_compress_one_block(bencher: divan::Bencher<'_, '_>) {
    let block = [[0x5au8; 64]];
    let mut state = [0x6745_2301u32, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    bencher.bench_local(|| {
        md5::block_api::compress(black_box(&mut state), black_box(&block));
    });
}

/// One apr1 hash with an 8-character salt.
#[divan::bench(args = PASSWORD_LENGTHS)]
fn apr1_hash(bencher: divan::Bencher<'_, '_>, len: usize) {
    let pw = password(len);
    let salt = Salt::new(b"abcdefgh").expect("valid salt");
    bencher.bench(|| Md5CryptHash::new(Md5Variant::Apr1, black_box(&pw), black_box(salt)));
}

/// One verify of a stored apr1 hash (parse + hash + constant-time compare).
#[divan::bench]
fn apr1_verify(bencher: divan::Bencher<'_, '_>) {
    let pw = password(12);
    let stored =
        Md5CryptHash::new(Md5Variant::Apr1, &pw, Salt::new(b"abcdefgh").expect("salt")).to_bytes();
    bencher.bench(|| {
        htpasswd_core::crypt::md5_crypt::verify(black_box(&pw), black_box(&stored))
            .expect("well-formed")
    });
}

/// Passwords per `openssl passwd` run: enough that process start-up is a small share.
const OPENSSL_BATCH: usize = 2000;

/// `openssl passwd -apr1 -salt abcdefgh -in FILE` over 2000 12-character passwords; divan reports
/// the time per password (items). Skipped, with a message, where `openssl` is missing.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn openssl_passwd_apr1_per_hash(bencher: divan::Bencher<'_, '_>) {
    let dir = std::env::temp_dir().join(format!("htpasswd-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("passwords");
    let mut f = std::fs::File::create(&file).expect("password file");
    for i in 0..OPENSSL_BATCH {
        let mut pw = password(12);
        pw[0] = b'a' + (i % 26) as u8;
        f.write_all(&pw).expect("write");
        f.write_all(b"\n").expect("write");
    }
    drop(f);
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("SKIPPED openssl_passwd_apr1_per_hash: `openssl` not found on PATH");
        return;
    }
    bencher.counter(ItemsCount::new(OPENSSL_BATCH)).bench(|| {
        let status = Command::new("openssl")
            .args(["passwd", "-apr1", "-salt", "abcdefgh", "-in"])
            .arg(&file)
            .stdout(Stdio::null())
            .status()
            .expect("openssl runs");
        assert!(status.success());
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// Another Rust apr1 implementation (crate `htpasswd-verify`), same password and salt.
#[divan::bench]
fn other_crate_htpasswd_verify_apr1(bencher: divan::Bencher<'_, '_>) {
    let pw = String::from_utf8(password(12)).expect("ascii");
    let ours = Md5CryptHash::new(
        Md5Variant::Apr1,
        pw.as_bytes(),
        Salt::new(b"abcdefgh").expect("salt"),
    );
    let theirs = htpasswd_verify::md5::format_hash(
        &htpasswd_verify::md5::md5_apr1_encode(&pw, "abcdefgh"),
        "abcdefgh",
    );
    assert_eq!(
        theirs,
        ours.to_string(),
        "htpasswd-verify disagrees with us"
    );
    bencher.bench(|| htpasswd_verify::md5::md5_apr1_encode(black_box(&pw), black_box("abcdefgh")));
}

/// Hashes per passlib run (start-up amortised).
const PASSLIB_BATCH: usize = 500;

/// Python passlib `apr_md5_crypt` over 500 passwords in one interpreter; divan's item count
/// gives time per hash (interpreter start-up included, about 1% of the run). Skipped without
/// python3 + passlib.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn passlib_apr1_per_hash(bencher: divan::Bencher<'_, '_>) {
    let script = format!(
        "from passlib.hash import apr_md5_crypt as h\n\
         c = h.using(salt='abcdefgh')\n\
         for i in range({PASSLIB_BATCH}): c.hash('pw%08d' % i)\n"
    );
    let available = Command::new("python3")
        .args(["-c", "import passlib"])
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        eprintln!("SKIPPED passlib_apr1_per_hash: python3 with passlib not found");
        return;
    }
    bencher.counter(ItemsCount::new(PASSLIB_BATCH)).bench(|| {
        let status = Command::new("python3")
            .args(["-c", &script])
            .status()
            .expect("python3 runs");
        assert!(status.success());
    });
}

/// Apache `htpasswd -nbm user password` once per hash, as shell loops do (process start-up
/// included: that is the real cost of such a loop). Skipped without `htpasswd`.
#[divan::bench(sample_count = 20, sample_size = 5)]
fn apache_htpasswd_nbm_per_call(bencher: divan::Bencher<'_, '_>) {
    if Command::new("htpasswd").arg("-h").output().is_err() {
        eprintln!("SKIPPED apache_htpasswd_nbm_per_call: `htpasswd` (apache2-utils) not found");
        return;
    }
    bencher.bench(|| {
        let out = Command::new("htpasswd")
            .args(["-nbm", "user", "pw12345678ab"])
            .output()
            .expect("htpasswd runs");
        assert!(out.status.success());
    });
}
