//! Hashing many passwords at once, shared by `passwd -in/-stdin` and `--batch`: every scheme on
//! all cores through `crypt::generate_batch_with` (md5-crypt in SIMD lanes), with a progress bar
//! on a terminal (never on a pipe), with the md5-crypt kernel `main` picked from
//! `HTPASSWD_MD5_KERNEL` (`htpasswd_cli_support::md5_kernel_from_env`).

use std::io::IsTerminal as _;

use htpasswd_core::crypt::md5_crypt::MAX_ENCODED_LEN;
use htpasswd_core::crypt::md5_crypt::batch::{Kernel, Md5CryptJob, par_hash_batch_with_progress};
use htpasswd_core::crypt::md5_crypt::{Md5Variant, Salt};
use htpasswd_core::crypt::{GenerateError, Generated, HashParams, generate_batch_with};
use indicatif::{ProgressBar, ProgressStyle};

/// Below this many hashes a progress bar would only flicker.
const PROGRESS_THRESHOLD: usize = 2_000;

/// A progress bar on stderr for `len` hashes, when stderr is a terminal and the run is long.
fn progress_bar(len: usize) -> Option<ProgressBar> {
    (len >= PROGRESS_THRESHOLD && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(len as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} hashes, {per_sec}, eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    })
}

/// Runs `work` with a progress callback that advances a bar (when one is shown).
fn with_progress<T>(len: usize, work: impl FnOnce(&(dyn Fn(usize) + Sync)) -> T) -> T {
    let bar = progress_bar(len);
    let done = work(&|n| {
        if let Some(bar) = &bar {
            bar.inc(n as u64);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    done
}

/// Hashes of `passwords` as `params` say, in order, each with a fresh salt from the OS CSPRNG,
/// on all cores (md5-crypt with `kernel`).
///
/// # Errors
/// The index of the first password the library refuses, with why.
pub(crate) fn generate(
    params: &HashParams,
    passwords: &[&[u8]],
    kernel: Kernel,
) -> Result<Vec<Generated>, (usize, GenerateError)> {
    with_progress(passwords.len(), |progress| {
        generate_batch_with(params, passwords, kernel, progress)
    })
}

/// md5-crypt hashes of `passwords`, in order, all with the given `salt` (`openssl passwd
/// -salt`), in SIMD lanes on all cores.
pub(crate) fn md5_hashes_with_salt(
    variant: Md5Variant,
    passwords: &[&[u8]],
    salt: Salt,
    kernel: Kernel,
) -> Vec<Vec<u8>> {
    let jobs: Vec<Md5CryptJob<'_>> = passwords
        .iter()
        .map(|password| Md5CryptJob {
            variant,
            password,
            salt,
        })
        .collect();
    let hashes = with_progress(jobs.len(), |progress| {
        par_hash_batch_with_progress(kernel, &jobs, progress)
    });
    let mut buf = [0u8; MAX_ENCODED_LEN];
    hashes
        .iter()
        .map(|h| h.encode_into(&mut buf).to_vec())
        .collect()
}
