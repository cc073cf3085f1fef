//! Multi-buffer md5-crypt: many independent hashes run side by side in SIMD lanes.
//!
//! One md5-crypt hash is 1000 sequential MD5 compressions and cannot be split, but many can run
//! at once. Every hash follows the same round schedule (which of the eight message layouts a
//! round uses depends only on the round number), so lanes stay in lock-step: lanes whose
//! password and salt have the same lengths share one layout geometry, the previous digest lands
//! at the same offset in each lane (a uniform shift), and each round is one multi-lane
//! compression per block.
//!
//! The code is laid out like RustCrypto's `sha2` and `md5` back ends: this module is the public
//! API, `plan` groups jobs by geometry into chunks, `lanes` drives one chunk (set-up, the 1000
//! rounds, the digests out) and `kernel` holds one file per multi-lane MD5 compression:
//!
//! | [`Kernel`] | where | lanes (wide, narrow) |
//! |---|---|---|
//! | [`Kernel::Avx512`] | x86_64 with AVX-512F: one `vprold` per rotation, one `vpternlogd` per round function | 32, 16 |
//! | [`Kernel::Avx2`] | x86_64 with AVX2 | 24, 8 |
//! | [`Kernel::Sse2`] | every x86_64 (baseline) | 12, 4 |
//! | [`Kernel::Portable`] | other architectures: `[u32; L]` lane arrays left to LLVM's auto-vectoriser (not measured on any of them yet) | 12, 4 |
//! | [`Kernel::Scalar`] | everywhere: one hash at a time ([`Md5CryptHash::new`]) | 1 |
//!
//! The CPU is probed once ([`Kernel::available`], [`Kernel::best`]); the caller picks the kernel
//! and passes it to every call, so the library never reads the environment (the command-line
//! tools read `HTPASSWD_MD5_KERNEL` to pick a slower kernel for comparisons). Several
//! interleaved registers per step hide the latency of MD5's serial chain. The scalar path takes
//! passwords too long for the prepared layouts and odd leftovers. Results are identical to the
//! scalar path, always: the differential tests in `tests/md5_crypt_batch.rs` check every kernel
//! the machine has.
//!
//! ```
//! use htpasswd_core::crypt::md5_crypt::batch::{Kernel, Md5CryptJob, hash_batch};
//! use htpasswd_core::crypt::md5_crypt::{Md5CryptHash, Md5Variant, Salt};
//!
//! let salt = Salt::new(b"abcdefgh")?;
//! let passwords: Vec<String> = (0..40).map(|i| format!("password{i:02}")).collect();
//! let jobs: Vec<Md5CryptJob<'_>> = passwords
//!     .iter()
//!     .map(|p| Md5CryptJob { variant: Md5Variant::Apr1, password: p.as_bytes(), salt })
//!     .collect();
//! let hashes = hash_batch(Kernel::best(), &jobs);
//! assert_eq!(hashes[7], Md5CryptHash::new(Md5Variant::Apr1, b"password07", salt));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod kernel;
mod lanes;
mod plan;

use self::plan::{Chunk, plan};
use super::{Md5CryptHash, Md5Variant, Salt};

/// One hash to compute.
#[derive(Clone, Copy, Debug)]
pub struct Md5CryptJob<'a> {
    /// `$apr1$` or `$1$`.
    pub variant: Md5Variant,
    /// The password bytes (any length).
    pub password: &'a [u8],
    /// The salt.
    pub salt: Salt,
}

/// A multi-buffer kernel: which multi-lane MD5 compression runs the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kernel {
    /// One hash at a time ([`Md5CryptHash::new`]); runs everywhere.
    Scalar,
    /// x86_64 SSE2: 3 x 4 lanes (baseline on every x86_64).
    Sse2,
    /// x86_64 AVX2: 3 x 8 lanes.
    Avx2,
    /// x86_64 AVX-512F: 2 x 16 lanes, with one-instruction rotations and round functions.
    Avx512,
    /// The portable multi-lane kernel, 12 and 4 lanes, on architectures other than x86_64 (left
    /// to LLVM's auto-vectoriser; not measured on any of them yet).
    Portable,
}

impl Kernel {
    /// Every kernel, in the order [`Kernel::available`] lists them.
    const ALL: [Self; 5] = [
        Self::Scalar,
        Self::Portable,
        Self::Sse2,
        Self::Avx2,
        Self::Avx512,
    ];

    /// The fastest kernel this CPU runs (the CPU is probed once per process).
    #[must_use]
    pub fn best() -> Self {
        Self::available().last().copied().unwrap_or(Self::Scalar)
    }

    /// Every kernel this CPU runs, slowest first ([`Kernel::Scalar`] always); the CPU is
    /// probed once per process.
    #[must_use]
    pub fn available() -> &'static [Self] {
        kernel::available()
    }

    /// Whether this CPU runs the kernel.
    #[must_use]
    pub fn is_available(self) -> bool {
        Self::available().contains(&self)
    }

    /// The kernel's name: `scalar`, `sse2`, `avx2`, `avx512` or `portable`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Scalar => "scalar",
            Self::Sse2 => "sse2",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
            Self::Portable => "portable",
        }
    }

    /// The kernel named `name` (ASCII case ignored), whether or not this CPU runs it; `None`
    /// for a name that is no kernel's. [`Kernel::is_available`] tells whether it runs here.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// Lanes one wide step of this kernel fills (1 for [`Kernel::Scalar`]): batches of a
    /// multiple of this many passwords of one length fill every lane.
    #[must_use]
    pub const fn lanes(self) -> usize {
        kernel::widths(self).0
    }

    /// Lanes of the narrow step used for leftovers (one register).
    const fn narrow_lanes(self) -> usize {
        kernel::widths(self).1
    }

    /// `self` when this CPU runs it, otherwise [`Kernel::Scalar`].
    fn or_scalar(self) -> Self {
        if self.is_available() {
            self
        } else {
            Self::Scalar
        }
    }
}

impl core::fmt::Display for Kernel {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// Hashes every job with `kernel`, on the calling thread. Output order = input order.
///
/// A kernel this CPU does not run ([`Kernel::is_available`]) falls back to [`Kernel::Scalar`]:
/// the result is the same, only slower.
#[must_use]
pub fn hash_batch(kernel: Kernel, jobs: &[Md5CryptJob<'_>]) -> Vec<Md5CryptHash> {
    let kernel = kernel.or_scalar();
    let mut digests = vec![[0u8; 16]; jobs.len()];
    for chunk in &plan(kernel, jobs) {
        for (index, digest) in run_chunk(kernel, jobs, chunk) {
            digests[index] = digest;
        }
    }
    assemble(jobs, &digests)
}

/// Hashes every job with `kernel` on all cores (rayon's current pool: the global one, one
/// thread per core by default, or the pool this is called in). Output order = input order; a
/// kernel this CPU does not run falls back to [`Kernel::Scalar`].
///
/// Work is cut into chunks of one kernel width (24 lanes with AVX2, about 0.2 ms each), which
/// rayon spreads over its threads.
#[cfg(feature = "parallel")]
#[must_use]
pub fn par_hash_batch(kernel: Kernel, jobs: &[Md5CryptJob<'_>]) -> Vec<Md5CryptHash> {
    par_hash_batch_with_progress(kernel, jobs, &|_| ())
}

/// [`par_hash_batch`], calling `progress(n)` from worker threads as each chunk of `n` hashes
/// completes (for a progress bar; the counts add up to `jobs.len()`).
#[cfg(feature = "parallel")]
#[must_use]
pub fn par_hash_batch_with_progress(
    kernel: Kernel,
    jobs: &[Md5CryptJob<'_>],
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Md5CryptHash> {
    use rayon::prelude::*;

    let kernel = kernel.or_scalar();
    let results: Vec<Vec<(usize, [u8; 16])>> = plan(kernel, jobs)
        .par_iter()
        .map(|chunk| {
            let done = run_chunk(kernel, jobs, chunk);
            progress(done.len());
            done
        })
        .collect();
    let mut digests = vec![[0u8; 16]; jobs.len()];
    for (index, digest) in results.into_iter().flatten() {
        digests[index] = digest;
    }
    assemble(jobs, &digests)
}

/// Checks each password against its stored hash with `kernel` on the calling thread
/// (constant-time compares of the digests). Output order = input order.
#[must_use]
pub fn verify_batch(kernel: Kernel, pairs: &[(&[u8], &Md5CryptHash)]) -> Vec<bool> {
    let jobs: Vec<Md5CryptJob<'_>> = pairs
        .iter()
        .map(|(password, hash)| Md5CryptJob {
            variant: hash.variant(),
            password,
            salt: hash.salt(),
        })
        .collect();
    hash_batch(kernel, &jobs)
        .iter()
        .zip(pairs)
        .map(|(computed, (_, stored))| {
            subtle::ConstantTimeEq::ct_eq(&computed.digest()[..], &stored.digest()[..]).into()
        })
        .collect()
}

/// Runs one chunk: the scalar path for a single job, the kernel's lanes otherwise.
fn run_chunk(kernel: Kernel, jobs: &[Md5CryptJob<'_>], chunk: &Chunk) -> Vec<(usize, [u8; 16])> {
    let lanes: Vec<&Md5CryptJob<'_>> = chunk.indices.iter().map(|&i| &jobs[i]).collect();
    let digests = if chunk.width == 1 {
        lanes.iter().map(|job| scalar_digest(job)).collect()
    } else {
        kernel::run(kernel, chunk.width, &lanes)
    };
    chunk.indices.iter().copied().zip(digests).collect()
}

/// One job on the scalar path.
fn scalar_digest(job: &Md5CryptJob<'_>) -> [u8; 16] {
    Md5CryptHash::new(job.variant, job.password, job.salt).digest
}

/// The hashes, in job order, from their digests.
fn assemble(jobs: &[Md5CryptJob<'_>], digests: &[[u8; 16]]) -> Vec<Md5CryptHash> {
    jobs.iter()
        .zip(digests)
        .map(|(job, digest)| Md5CryptHash {
            variant: job.variant,
            salt: job.salt,
            digest: *digest,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_ignore_case() {
        for kernel in Kernel::ALL {
            assert_eq!(Kernel::from_name(kernel.name()), Some(kernel));
            assert_eq!(
                Kernel::from_name(&kernel.name().to_ascii_uppercase()),
                Some(kernel)
            );
        }
        assert_eq!(Kernel::from_name("avx1024"), None);
        assert_eq!(Kernel::from_name(""), None);
    }

    #[test]
    fn available_is_slowest_first_and_best_is_last() {
        let available = Kernel::available();
        assert_eq!(available.first(), Some(&Kernel::Scalar));
        assert_eq!(available.last(), Some(&Kernel::best()));
        assert!(available.iter().all(|k| k.is_available()));
        // Listed in `ALL`'s order, each once.
        let positions: Vec<usize> = available
            .iter()
            .map(|k| {
                Kernel::ALL
                    .iter()
                    .position(|a| a == k)
                    .unwrap_or(usize::MAX)
            })
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{available:?}");
        // The same slice every time: probed once.
        assert!(core::ptr::eq(available, Kernel::available()));
    }

    #[test]
    fn unavailable_kernel_falls_back_to_scalar() {
        let missing = Kernel::ALL.into_iter().find(|k| !k.is_available());
        if let Some(missing) = missing {
            assert_eq!(missing.or_scalar(), Kernel::Scalar);
            let salt = Salt::new(b"abcdefgh").unwrap();
            let jobs = [Md5CryptJob {
                variant: Md5Variant::Apr1,
                password: b"password",
                salt,
            }; 30];
            let expected = Md5CryptHash::new(Md5Variant::Apr1, b"password", salt);
            assert!(hash_batch(missing, &jobs).iter().all(|h| *h == expected));
        }
        assert_eq!(Kernel::best().or_scalar(), Kernel::best());
    }
}
