//! Hashing many passwords at once, shared by `passwd -in/-stdin` and `--batch`: md5-crypt in
//! SIMD lanes on all cores, with a progress bar on a terminal (never on a pipe).

use std::io::IsTerminal as _;

use htpasswd_core::crypt::md5_crypt::MAX_ENCODED_LEN;
use htpasswd_core::crypt::md5_crypt::batch::{Md5CryptJob, par_hash_batch_with_progress};
use htpasswd_core::{Md5Variant, RandomError, Salt};
use indicatif::{ProgressBar, ProgressStyle};

/// Below this many hashes a progress bar would only flicker.
const PROGRESS_THRESHOLD: usize = 2_000;

/// A progress bar on stderr for `len` hashes, when stderr is a terminal and the run is long.
pub(crate) fn progress_bar(len: usize) -> Option<ProgressBar> {
    (len >= PROGRESS_THRESHOLD && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(len as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} hashes, {per_sec}, eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    })
}

/// md5-crypt hashes of `passwords`, in order: with `salt`, or a fresh salt from the OS CSPRNG
/// for each password.
///
/// # Errors
/// [`RandomError`] when the OS CSPRNG fails.
pub(crate) fn md5_hashes(
    variant: Md5Variant,
    passwords: &[&[u8]],
    salt: Option<Salt>,
) -> Result<Vec<Vec<u8>>, RandomError> {
    let mut jobs = Vec::with_capacity(passwords.len());
    for password in passwords {
        jobs.push(Md5CryptJob {
            variant,
            password,
            salt: match salt {
                Some(s) => s,
                None => Salt::random()?,
            },
        });
    }
    let bar = progress_bar(jobs.len());
    let hashes = par_hash_batch_with_progress(&jobs, &|n| {
        if let Some(bar) = &bar {
            bar.inc(n as u64);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut buf = [0u8; MAX_ENCODED_LEN];
    Ok(hashes
        .iter()
        .map(|h| h.encode_into(&mut buf).to_vec())
        .collect())
}
