//! The one-call check `HtpasswdFile::check` (issue 12): an unknown user, a user whose stored hash
//! does not parse, and a wrong password must cost the same (one hash of the file's own scheme and
//! cost), so timing does not tell which users exist. A right password is measured beside them.
//!
//! Two files of `USERS` users each: all `$apr1$` (8-character salts), and all bcrypt `$2y$` at
//! cost 5 (Apache's `htpasswd -B` default). In each, one user's hash is malformed (a truncated
//! hash of the file's scheme) and the checked users sit in the middle of the file.
//!
//! Run: `cargo bench -p htpasswd-benches --bench check`

// A benchmark that cannot set up its input has nothing to measure: failing loudly is right.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::sync::OnceLock;

use htpasswd_core::crypt::{HashParams, generate};
use htpasswd_core::{HtpasswdFile, Verdict};

/// Users per file.
const USERS: usize = 200;
/// The password of every user.
const PASSWORD: &[u8] = b"correct horse battery";
/// What the checks give instead.
const WRONG: &[u8] = b"incorrect horse battery";

fn main() {
    for (name, file) in [("apr1", apr1_file()), ("bcrypt", bcrypt_file())] {
        eprintln!(
            "{name} file: {USERS} users, decoy {:?}",
            file.decoy().scheme()
        );
    }
    divan::main();
}

/// A file of `USERS` entries `user<i>:<hash>`, user `USERS / 2` with `broken` instead of a hash.
fn file(params: &HashParams, broken: &[u8]) -> HtpasswdFile {
    let mut content = b"# generated for the check bench\n".to_vec();
    for i in 0..USERS {
        content.extend_from_slice(format!("user{i}:").as_bytes());
        if i == USERS / 2 {
            content.extend_from_slice(broken);
        } else {
            let made = generate(params, PASSWORD).unwrap();
            content.extend_from_slice(made.as_bytes());
        }
        content.push(b'\n');
    }
    let file = HtpasswdFile::parse(&content);
    // Computed once per file (on the first check), not per check: take it out of the timings.
    let _ = file.decoy();
    assert_eq!(file.check(b"user1", PASSWORD), Verdict::Match);
    file
}

fn apr1_file() -> &'static HtpasswdFile {
    static FILE: OnceLock<HtpasswdFile> = OnceLock::new();
    FILE.get_or_init(|| file(&HashParams::Apr1, b"$apr1$abcdefgh$truncated"))
}

fn bcrypt_file() -> &'static HtpasswdFile {
    static FILE: OnceLock<HtpasswdFile> = OnceLock::new();
    FILE.get_or_init(|| file(&HashParams::BCRYPT_DEFAULT, b"$2y$05$truncated"))
}

/// The user whose hash is malformed.
fn broken_user() -> Vec<u8> {
    format!("user{}", USERS / 2).into_bytes()
}

/// A real user next to the malformed one.
fn real_user() -> Vec<u8> {
    format!("user{}", USERS / 2 + 1).into_bytes()
}

fn bench_check(
    bencher: divan::Bencher<'_, '_>,
    file: &HtpasswdFile,
    user: &[u8],
    password: &[u8],
    expect: fn(&Verdict) -> bool,
) {
    assert!(expect(&file.check(user, password)));
    bencher.bench_local(|| file.check(black_box(user), black_box(password)));
}

mod apr1 {
    use super::*;

    #[divan::bench]
    fn unknown_user(bencher: divan::Bencher<'_, '_>) {
        bench_check(bencher, apr1_file(), b"nobody", PASSWORD, |v| {
            *v == Verdict::NoSuchUser
        });
    }

    #[divan::bench]
    fn malformed_hash(bencher: divan::Bencher<'_, '_>) {
        bench_check(bencher, apr1_file(), &broken_user(), PASSWORD, |v| {
            matches!(v, Verdict::Unusable { .. })
        });
    }

    #[divan::bench]
    fn wrong_password(bencher: divan::Bencher<'_, '_>) {
        bench_check(bencher, apr1_file(), &real_user(), WRONG, |v| {
            *v == Verdict::Mismatch
        });
    }

    #[divan::bench]
    fn right_password(bencher: divan::Bencher<'_, '_>) {
        bench_check(
            bencher,
            apr1_file(),
            &real_user(),
            PASSWORD,
            Verdict::is_match,
        );
    }

    /// What "no such user" cost before `check` (the removed `HtpasswdFile::verify` answered
    /// after the lookup alone): the gap the decoy closes.
    #[divan::bench]
    fn lookup_only_unknown_user(bencher: divan::Bencher<'_, '_>) {
        let file = apr1_file();
        assert!(file.get(b"nobody").is_none());
        bencher.bench_local(|| file.get(black_box(b"nobody")).is_none());
    }
}

mod bcrypt {
    use super::*;

    #[divan::bench]
    fn unknown_user(bencher: divan::Bencher<'_, '_>) {
        bench_check(bencher, bcrypt_file(), b"nobody", PASSWORD, |v| {
            *v == Verdict::NoSuchUser
        });
    }

    #[divan::bench]
    fn malformed_hash(bencher: divan::Bencher<'_, '_>) {
        bench_check(bencher, bcrypt_file(), &broken_user(), PASSWORD, |v| {
            matches!(v, Verdict::Unusable { .. })
        });
    }

    #[divan::bench]
    fn wrong_password(bencher: divan::Bencher<'_, '_>) {
        bench_check(bencher, bcrypt_file(), &real_user(), WRONG, |v| {
            *v == Verdict::Mismatch
        });
    }

    #[divan::bench]
    fn right_password(bencher: divan::Bencher<'_, '_>) {
        bench_check(
            bencher,
            bcrypt_file(),
            &real_user(),
            PASSWORD,
            Verdict::is_match,
        );
    }
}
