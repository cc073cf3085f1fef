//! `crypt::generate_batch`: every scheme, each output verifying, input order kept, a fresh salt
//! per password, and the first bad password named by its index.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use htpasswd_core::crypt::bcrypt::LongPassword;
use htpasswd_core::crypt::md5_crypt::batch::Kernel;
use htpasswd_core::crypt::{
    GenerateError, HashParams, Scheme, generate_batch, generate_batch_with, verify,
};

/// bcrypt at its cheapest cost (tests run unoptimised), long passwords truncated (one of
/// [`passwords`] is 150 bytes long).
const BCRYPT_4: HashParams = HashParams::Bcrypt {
    cost: 4,
    long_passwords: LongPassword::Truncate,
};

/// Every scheme `generate` makes, at its cheapest cost.
const EVERY_SCHEME: [HashParams; 10] = [
    HashParams::Apr1,
    HashParams::Md5Crypt,
    BCRYPT_4,
    HashParams::Sha256Crypt { rounds: Some(1000) },
    HashParams::Sha512Crypt { rounds: Some(1000) },
    HashParams::Sha1,
    HashParams::Ssha,
    HashParams::Plain,
    HashParams::DesCrypt,
    HashParams::Plaintext,
];

/// Distinct passwords of mixed lengths (several md5-crypt geometries, leftovers, one password
/// too long for the SIMD layouts).
fn passwords(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let len = if i == 7 { 150 } else { 1 + i % 23 };
            let mut pw: Vec<u8> = (0..len).map(|j| b'a' + ((i + j) % 26) as u8).collect();
            pw[0] = b'0' + (i % 10) as u8;
            pw.extend_from_slice(format!("-{i}").as_bytes());
            pw
        })
        .collect()
}

fn as_slices(owned: &[Vec<u8>]) -> Vec<&[u8]> {
    owned.iter().map(Vec::as_slice).collect()
}

#[test]
fn every_scheme_verifies_in_input_order() {
    let owned = passwords(45);
    let passwords = as_slices(&owned);
    for params in EVERY_SCHEME {
        let made = generate_batch(&params, &passwords).unwrap();
        assert_eq!(made.len(), passwords.len(), "{params:?}");
        for (i, (password, hash)) in passwords.iter().zip(&made).enumerate() {
            assert_eq!(hash.scheme(), params.scheme(), "{params:?}");
            assert_eq!(
                verify(password, hash.as_bytes()),
                Ok(true),
                "{params:?}: password {i} does not verify against its own hash"
            );
            // Order: the next password does not verify against this hash (DES reads 8 bytes,
            // and these differ within their first 8).
            let other = passwords[(i + 1) % passwords.len()];
            assert_eq!(
                verify(other, hash.as_bytes()),
                Ok(false),
                "{params:?}: hash {i} verifies password {}",
                (i + 1) % passwords.len()
            );
        }
    }
}

#[test]
fn each_password_gets_a_fresh_salt() {
    let same = vec![&b"one password"[..]; 40];
    for params in EVERY_SCHEME {
        let made = generate_batch(&params, &same).unwrap();
        let distinct: HashSet<&[u8]> = made.iter().map(|h| h.as_bytes()).collect();
        match params.scheme() {
            // Unsalted: one value.
            Scheme::Sha1 | Scheme::Plain | Scheme::Plaintext => {
                assert_eq!(distinct.len(), 1, "{params:?}");
            }
            // 12-bit salts: some of 40 may repeat, not all.
            Scheme::DesCrypt => assert!(distinct.len() > 20, "{params:?}: {distinct:?}"),
            _ => assert_eq!(distinct.len(), same.len(), "{params:?}: a salt repeats"),
        }
    }
}

#[test]
fn first_bad_password_is_named_by_its_index() {
    let owned = passwords(40);
    let mut passwords = as_slices(&owned);
    let long = [b'x'; 73];
    passwords[7] = b"short now";
    passwords[9] = &long;
    passwords[31] = &long;
    let bcrypt = HashParams::Bcrypt {
        cost: 4,
        long_passwords: LongPassword::Refuse,
    };
    // Whatever the threads do, the first bad one in input order is reported.
    for _ in 0..5 {
        let (index, error) = generate_batch(&bcrypt, &passwords).unwrap_err();
        assert_eq!(index, 9);
        assert_eq!(error, GenerateError::PasswordTooLong { len: 73, max: 72 });
    }
    // Truncation asked for: all hashed, the long ones reported truncated.
    let made = generate_batch(&BCRYPT_4, &passwords).unwrap();
    assert_eq!(made[9].truncated_to(), Some(72));
    assert_eq!(made[8].truncated_to(), None);
    // A cost out of range fails at the first password.
    let bad_cost = HashParams::Bcrypt {
        cost: 3,
        long_passwords: LongPassword::Refuse,
    };
    assert_eq!(
        generate_batch(&bad_cost, &passwords).unwrap_err(),
        (0, GenerateError::BcryptCost { cost: 3 })
    );
    // A password that cannot be stored in plain text.
    let mut plain = as_slices(&owned);
    plain[4] = b"new\nline";
    let (index, error) = generate_batch(&HashParams::Plain, &plain).unwrap_err();
    assert_eq!(index, 4);
    assert!(matches!(error, GenerateError::UnstorablePassword { .. }));
}

#[test]
fn empty_batch_is_empty() {
    for params in EVERY_SCHEME {
        assert!(generate_batch(&params, &[]).unwrap().is_empty());
    }
}

#[test]
fn every_kernel_and_the_progress_count() {
    let owned = passwords(60);
    let passwords = as_slices(&owned);
    let runs = [
        (HashParams::Apr1, "scalar"),
        (HashParams::Apr1, "portable"),
        (HashParams::Apr1, "sse2"),
        (HashParams::Apr1, "avx2"),
        (HashParams::Apr1, "avx512"),
        (HashParams::Md5Crypt, "avx512"),
        (HashParams::Sha1, "scalar"),
        (BCRYPT_4, "avx2"),
    ];
    for (params, name) in runs {
        // A kernel this CPU does not run falls back to the scalar path; other schemes ignore it.
        let kernel = Kernel::from_name(name).unwrap();
        let done = AtomicUsize::new(0);
        let made = generate_batch_with(&params, &passwords, kernel, &|n| {
            done.fetch_add(n, Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(done.into_inner(), passwords.len(), "{params:?} {name}");
        for (password, hash) in passwords.iter().zip(&made) {
            assert_eq!(verify(password, hash.as_bytes()), Ok(true), "{name}");
        }
    }
}

/// In a rayon pool of two threads the work is spread over both (bcrypt, one task per password).
#[cfg(feature = "parallel")]
#[test]
fn bcrypt_batch_runs_on_every_thread_of_the_pool() {
    use std::sync::Mutex;
    use std::thread::ThreadId;

    let owned = passwords(64);
    let passwords = as_slices(&owned);
    let threads: Mutex<HashSet<ThreadId>> = Mutex::new(HashSet::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let made = pool.install(|| {
        generate_batch_with(&BCRYPT_4, &passwords, Kernel::best(), &|_| {
            threads.lock().unwrap().insert(std::thread::current().id());
        })
    });
    assert_eq!(made.unwrap().len(), passwords.len());
    assert_eq!(threads.into_inner().unwrap().len(), 2);
}
