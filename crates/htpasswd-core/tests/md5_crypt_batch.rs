//! Multi-buffer md5-crypt against the scalar path: random batches (mixed lengths 0..300, mixed
//! salts of 0..8 bytes, both magics), on every kernel this machine runs.

use htpasswd_core::crypt::md5_crypt::batch::{Kernel, Md5CryptJob, hash_batch, verify_batch};
use htpasswd_core::crypt::md5_crypt::{Md5CryptHash, Md5Variant, Salt};

use crate::support::{Rng, seed};

fn random_jobs(rng: &mut Rng, owned: &mut Vec<(Vec<u8>, Salt, Md5Variant)>, n: usize) {
    for _ in 0..n {
        // Half the jobs share a few common geometries so that wide chunks fill up.
        let len = if rng.below(2) == 0 {
            *rng.pick(&[8usize, 12, 16, 20])
        } else {
            rng.below(300)
        };
        let password: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
        let salt_len = if rng.below(2) == 0 { 8 } else { rng.below(9) };
        let salt_text: Vec<u8> = (0..salt_len)
            .map(|_| {
                loop {
                    let c = 1 + rng.below(255) as u8;
                    if c != b'$' {
                        break c;
                    }
                }
            })
            .collect();
        let variant = if rng.below(2) == 0 {
            Md5Variant::Apr1
        } else {
            Md5Variant::Md5Crypt
        };
        owned.push((password, Salt::new(&salt_text).unwrap(), variant));
    }
}

fn jobs(owned: &[(Vec<u8>, Salt, Md5Variant)]) -> Vec<Md5CryptJob<'_>> {
    owned
        .iter()
        .map(|(password, salt, variant)| Md5CryptJob {
            variant: *variant,
            password,
            salt: *salt,
        })
        .collect()
}

#[test]
fn every_kernel_matches_the_scalar_path() {
    let mut rng = Rng::new(seed("every_kernel_matches_the_scalar_path"));
    let mut owned = Vec::new();
    random_jobs(&mut rng, &mut owned, 160);
    let jobs = jobs(&owned);
    let expected: Vec<Md5CryptHash> = jobs
        .iter()
        .map(|j| Md5CryptHash::new(j.variant, j.password, j.salt))
        .collect();
    let kernels = Kernel::available();
    eprintln!("kernels on this machine: {kernels:?}");
    assert!(kernels.contains(&Kernel::Scalar));
    #[cfg(target_arch = "x86_64")]
    assert!(
        kernels.contains(&Kernel::Sse2),
        "SSE2 is baseline on x86_64"
    );
    for &kernel in kernels {
        let got = hash_batch(kernel, &jobs);
        assert_eq!(got.len(), expected.len());
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(
                g,
                e,
                "{kernel:?}: job {i} (password of {} bytes, salt of {} bytes)",
                jobs[i].password.len(),
                jobs[i].salt.as_bytes().len()
            );
        }
    }
}

/// Full wide chunks of one geometry, including a 16-byte password (two blocks in 571 rounds)
/// and a 60-byte one (the digest crosses a block boundary in odd rounds).
#[test]
fn wide_chunks_of_one_geometry_match() {
    for len in [0usize, 15, 16, 60, 111] {
        let owned: Vec<(Vec<u8>, Salt, Md5Variant)> = (0..50)
            .map(|i| {
                let pw: Vec<u8> = (0..len).map(|j| (i * 31 + j * 7) as u8).collect();
                (pw, Salt::new(b"abcdefgh").unwrap(), Md5Variant::Apr1)
            })
            .collect();
        let jobs = jobs(&owned);
        for &kernel in Kernel::available() {
            let got = hash_batch(kernel, &jobs);
            for (job, hash) in jobs.iter().zip(&got) {
                assert_eq!(
                    *hash,
                    Md5CryptHash::new(job.variant, job.password, job.salt),
                    "{kernel:?}, length {len}"
                );
            }
        }
    }
}

#[cfg(feature = "parallel")]
#[test]
fn parallel_batch_keeps_input_order() {
    use htpasswd_core::crypt::md5_crypt::batch::par_hash_batch;
    let mut rng = Rng::new(seed("parallel_batch_keeps_input_order"));
    let mut owned = Vec::new();
    random_jobs(&mut rng, &mut owned, 120);
    let jobs = jobs(&owned);
    let expected = hash_batch(Kernel::Scalar, &jobs);
    for &kernel in Kernel::available() {
        assert_eq!(par_hash_batch(kernel, &jobs), expected, "{kernel:?}");
    }
    // Every kernel by name, whether this CPU runs it or not (then the scalar path runs).
    for name in ["scalar", "portable", "sse2", "avx2", "avx512"] {
        let kernel = Kernel::from_name(name).unwrap();
        assert_eq!(par_hash_batch(kernel, &jobs), expected, "{kernel:?}");
    }
}

#[test]
fn verify_batch_tells_right_from_wrong() {
    let salt = Salt::new(b"s4lt").unwrap();
    let stored: Vec<Md5CryptHash> = (0..30)
        .map(|i| Md5CryptHash::new(Md5Variant::Apr1, format!("pw{i}").as_bytes(), salt))
        .collect();
    let guesses: Vec<String> = (0..30)
        .map(|i| format!("pw{}", if i % 3 == 0 { i + 1 } else { i }))
        .collect();
    let pairs: Vec<(&[u8], &Md5CryptHash)> =
        guesses.iter().map(|g| g.as_bytes()).zip(&stored).collect();
    for &kernel in Kernel::available() {
        let results = verify_batch(kernel, &pairs);
        assert_eq!(results.len(), pairs.len());
        for (i, ok) in results.iter().enumerate() {
            assert_eq!(*ok, i % 3 != 0, "{kernel:?}: guess {i}");
        }
        assert!(hash_batch(kernel, &[]).is_empty());
    }
}
