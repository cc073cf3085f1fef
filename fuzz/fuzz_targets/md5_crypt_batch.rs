//! The multi-buffer kernels against the scalar path: the input is cut into jobs (variant, salt,
//! password per job, repeated so that lanes fill up), every available kernel must agree with
//! `Md5CryptHash::new` on every job.
#![no_main]

use htpasswd_core::crypt::md5_crypt::batch::{Kernel, Md5CryptJob, hash_batch};
use htpasswd_core::crypt::md5_crypt::{Md5CryptHash, Md5Variant, Salt};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Records separated by 0xff: first byte = variant bit + repeat count, then salt (up to the
    // first '$' and 8 bytes, APR-style), the rest of the record is the password.
    let mut owned: Vec<(Md5Variant, Salt, &[u8])> = Vec::new();
    for record in data.split(|&b| b == 0xff).take(16) {
        let Some((&control, rest)) = record.split_first() else {
            continue;
        };
        let variant = if control & 1 == 0 {
            Md5Variant::Apr1
        } else {
            Md5Variant::Md5Crypt
        };
        let salt_len = usize::from((control >> 1) & 0x0f).min(rest.len());
        let (salt_text, password) = rest.split_at(salt_len);
        let Ok(salt) = Salt::from_setting(salt_text) else {
            continue;
        };
        for _ in 0..=(control >> 5) * 4 {
            owned.push((variant, salt, password));
        }
    }
    let jobs: Vec<Md5CryptJob<'_>> = owned
        .iter()
        .map(|&(variant, salt, password)| Md5CryptJob {
            variant,
            password,
            salt,
        })
        .collect();
    let expected: Vec<Md5CryptHash> = jobs
        .iter()
        .map(|j| Md5CryptHash::new(j.variant, j.password, j.salt))
        .collect();
    for &kernel in Kernel::available() {
        assert_eq!(
            hash_batch(kernel, &jobs),
            expected,
            "{kernel:?} differs from scalar"
        );
    }
});
