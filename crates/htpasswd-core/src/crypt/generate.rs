//! Generating a hash of any scheme with a fresh salt from the OS CSPRNG.
//!
//! ```
//! use htpasswd_core::crypt::{HashParams, Scheme, generate, verify};
//!
//! let made = generate(&HashParams::default(), b"s3cret")?;
//! assert_eq!(made.scheme(), Scheme::Apr1);
//! assert_eq!(verify(b"s3cret", made.as_bytes()), Ok(true));
//!
//! let des = generate(&HashParams::DesCrypt, b"longer than eight")?;
//! assert_eq!(des.truncated_to(), Some(8));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Many passwords at once ([`generate_batch`]): md5-crypt runs in SIMD lanes, every scheme on
//! all cores (feature `parallel`), each password with its own fresh salt, in input order.
//!
//! ```
//! use htpasswd_core::crypt::{HashParams, generate_batch, verify};
//!
//! let passwords: [&[u8]; 3] = [b"alpha", b"bravo", b"charlie"];
//! let made = generate_batch(&HashParams::BCRYPT_DEFAULT, &passwords).map_err(|(_, e)| e)?;
//! for (password, hash) in passwords.iter().zip(&made) {
//!     assert_eq!(verify(password, hash.as_bytes()), Ok(true));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use zeroize::Zeroize as _;

use super::argon2id::{self, Argon2idParams};
use super::bcrypt::{self, LongPassword};
use super::des_crypt;
use super::error::{GenerateError, RandomError};
use super::md5_crypt::batch::{Kernel, Md5CryptJob};
use super::md5_crypt::{Md5CryptHash, Md5Variant, Salt};
use super::plain::{PlainHash, PlainKind};
use super::scheme::{BcryptVersion, Scheme};
use super::sha_crypt::{self, ShaVariant};
use super::sha1;
use super::yescrypt;

/// Which scheme to generate, with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HashParams {
    /// `$apr1$` (Apache's default, `htpasswd -m`).
    #[default]
    Apr1,
    /// `$1$` (`openssl passwd -1`).
    Md5Crypt,
    /// `$2y$` (`htpasswd -B -C cost`).
    Bcrypt {
        /// 4..=17; Apache's default is 5 ([`bcrypt::DEFAULT_COST`]).
        cost: u32,
        /// Refuse (default) or truncate passwords over 72 bytes.
        long_passwords: LongPassword,
    },
    /// `$5$` (`htpasswd -2 [-r rounds]`).
    Sha256Crypt {
        /// 1000..=999999999; `None`: 5000 and no `rounds=` written.
        rounds: Option<u32>,
    },
    /// `$6$` (`htpasswd -5 [-r rounds]`).
    Sha512Crypt {
        /// 1000..=999999999; `None`: 5000 and no `rounds=` written.
        rounds: Option<u32>,
    },
    /// `{SHA}` (`htpasswd -s`).
    Sha1,
    /// `{SSHA}` with an 8-byte salt (nginx only).
    Ssha,
    /// `{PLAIN}` (nginx only).
    Plain,
    /// Traditional DES crypt (`htpasswd -d`): passwords are cut to 8 bytes, reported in
    /// [`Generated::truncated_to`].
    DesCrypt,
    /// The bare password (`htpasswd -p`): no Unix server accepts it.
    Plaintext,
    /// `$y$` (`mkpasswd -m yescrypt -R cost`): nginx and Apache on libxcrypt check it.
    Yescrypt {
        /// libxcrypt's `crypt_gensalt` cost, 1..=11; its default is 5 (16 MiB,
        /// [`yescrypt::DEFAULT_COST`]).
        cost: u32,
    },
    /// `$argon2id$v=19$m=...,t=...,p=...` (as `caddy hash-password --algorithm argon2id`
    /// writes): Caddy 2.11+ checks it.
    Argon2id(Argon2idParams),
}

impl HashParams {
    /// bcrypt with Apache's default cost 5, refusing passwords over 72 bytes.
    pub const BCRYPT_DEFAULT: Self = Self::Bcrypt {
        cost: bcrypt::DEFAULT_COST,
        long_passwords: LongPassword::Refuse,
    };

    /// yescrypt at libxcrypt's default cost 5 (16 MiB, `j9T`).
    pub const YESCRYPT_DEFAULT: Self = Self::Yescrypt {
        cost: yescrypt::DEFAULT_COST,
    };

    /// argon2id at OWASP's 19 MiB, 2 passes, 1 lane ([`Argon2idParams::DEFAULT`]).
    pub const ARGON2ID_DEFAULT: Self = Self::Argon2id(Argon2idParams::DEFAULT);

    /// The scheme these parameters generate.
    #[must_use]
    pub const fn scheme(&self) -> Scheme {
        match self {
            Self::Apr1 => Scheme::Apr1,
            Self::Md5Crypt => Scheme::Md5Crypt,
            Self::Bcrypt { .. } => Scheme::Bcrypt(BcryptVersion::V2y),
            Self::Sha256Crypt { .. } => Scheme::Sha256Crypt,
            Self::Sha512Crypt { .. } => Scheme::Sha512Crypt,
            Self::Sha1 => Scheme::Sha1,
            Self::Ssha => Scheme::Ssha,
            Self::Plain => Scheme::Plain,
            Self::DesCrypt => Scheme::DesCrypt,
            Self::Plaintext => Scheme::Plaintext,
            Self::Yescrypt { .. } => Scheme::Yescrypt,
            Self::Argon2id(_) => Scheme::Argon2id,
        }
    }
}

/// A freshly generated hash field. The bytes are wiped on drop (for plain forms they are the
/// password) and `Debug` does not show them for plain forms.
#[derive(Clone, PartialEq, Eq)]
pub struct Generated {
    scheme: Scheme,
    hash: Vec<u8>,
    truncated_to: Option<usize>,
}

impl Generated {
    /// The scheme.
    #[must_use]
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The hash field.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.hash
    }

    /// `Some(n)` when only the first `n` bytes of the password were hashed (DES crypt: 8;
    /// bcrypt with [`LongPassword::Truncate`]: 72).
    #[must_use]
    pub fn truncated_to(&self) -> Option<usize> {
        self.truncated_to
    }
}

impl Drop for Generated {
    fn drop(&mut self) {
        self.hash.zeroize();
    }
}

impl fmt::Debug for Generated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Generated");
        s.field("scheme", &self.scheme);
        if matches!(self.scheme, Scheme::Plain | Scheme::Plaintext) {
            s.field("hash", &"<redacted>");
        } else {
            s.field("hash", &String::from_utf8_lossy(&self.hash));
        }
        s.field("truncated_to", &self.truncated_to).finish()
    }
}

/// Hashes `password` (raw bytes) as `params` say, with a fresh salt from the OS CSPRNG.
///
/// # Errors
/// [`GenerateError`]: a cost or rounds out of range, a bcrypt password over 72 bytes without
/// truncation asked for, a password that cannot be stored in plain form, or a failing CSPRNG.
pub fn generate(params: &HashParams, password: &[u8]) -> Result<Generated, GenerateError> {
    let mut truncated_to = None;
    let hash = match *params {
        HashParams::Apr1 => Md5CryptHash::generate(Md5Variant::Apr1, password)?.to_bytes(),
        HashParams::Md5Crypt => Md5CryptHash::generate(Md5Variant::Md5Crypt, password)?.to_bytes(),
        HashParams::Bcrypt {
            cost,
            long_passwords,
        } => {
            let h = bcrypt::generate(password, cost, long_passwords)?;
            // bcrypt reads the password as a C string.
            let used = password.iter().take_while(|&&b| b != 0).count();
            if used > bcrypt::MAX_PASSWORD_LEN {
                truncated_to = Some(bcrypt::MAX_PASSWORD_LEN);
            }
            h.to_bytes()
        }
        HashParams::Sha256Crypt { rounds } => {
            sha_crypt::generate(ShaVariant::Sha256, password, rounds)?.to_bytes()
        }
        HashParams::Sha512Crypt { rounds } => {
            sha_crypt::generate(ShaVariant::Sha512, password, rounds)?.to_bytes()
        }
        HashParams::Sha1 => sha1::Sha1Hash::new(password).to_bytes(),
        HashParams::Ssha => sha1::generate_ssha(password)?.to_bytes(),
        HashParams::Plain => PlainHash::new(PlainKind::Prefixed, password)?
            .to_bytes()
            .to_vec(),
        HashParams::Plaintext => PlainHash::new(PlainKind::Bare, password)?
            .to_bytes()
            .to_vec(),
        HashParams::DesCrypt => {
            let (h, truncated) = des_crypt::generate(password)?;
            if truncated {
                truncated_to = Some(des_crypt::MAX_PASSWORD_LEN);
            }
            h.to_bytes()
        }
        HashParams::Yescrypt { cost } => yescrypt::generate(password, cost)?.to_bytes(),
        HashParams::Argon2id(p) => argon2id::generate(password, &p)?.to_bytes(),
    };
    Ok(Generated {
        scheme: params.scheme(),
        hash,
        truncated_to,
    })
}

/// Hashes every password as `params` say, each with its own fresh salt from the OS CSPRNG, on
/// all cores (rayon's current pool, with feature `parallel`; on the calling thread without it).
/// md5-crypt (`$apr1$`, `$1$`) runs through the multi-buffer SIMD kernels with the fastest
/// kernel this CPU has ([`Kernel::best`]); every other scheme hashes one password per task.
/// Output order = input order.
///
/// # Errors
/// The index of the first password [`generate`] refuses, with its [`GenerateError`]: a cost or
/// rounds out of range (reported at index 0), a bcrypt password over 72 bytes without
/// truncation asked for, a password that cannot be stored in plain form, or a failing CSPRNG.
/// Nothing is returned for the other passwords then.
pub fn generate_batch(
    params: &HashParams,
    passwords: &[&[u8]],
) -> Result<Vec<Generated>, (usize, GenerateError)> {
    generate_batch_with(params, passwords, Kernel::best(), &|_| ())
}

/// [`generate_batch`] with an explicit md5-crypt `kernel` (one this CPU does not run falls back
/// to [`Kernel::Scalar`]; other schemes ignore it), calling `progress(n)` (from worker threads)
/// as each `n` more passwords are hashed, for a progress bar; the counts add up to
/// `passwords.len()` when every password is hashed.
///
/// # Errors
/// As [`generate_batch`].
pub fn generate_batch_with(
    params: &HashParams,
    passwords: &[&[u8]],
    kernel: Kernel,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<Generated>, (usize, GenerateError)> {
    let variant = match *params {
        HashParams::Apr1 => Md5Variant::Apr1,
        HashParams::Md5Crypt => Md5Variant::Md5Crypt,
        _ => return generate_each(params, passwords, progress),
    };
    // Every salt's random bytes in one call to the OS CSPRNG: one system call per password
    // cost 4-5% of the apr1 time (`benches/generate_batch.rs`).
    let mut raw = vec![0u8; Salt::RANDOM_BYTES * passwords.len()];
    getrandom::fill(&mut raw).map_err(|e| (0, GenerateError::from(RandomError::new(e))))?;
    let (salts, _) = raw.as_chunks::<{ Salt::RANDOM_BYTES }>();
    let jobs: Vec<Md5CryptJob<'_>> = passwords
        .iter()
        .zip(salts)
        .map(|(password, raw)| Md5CryptJob {
            variant,
            password,
            salt: Salt::from_random_bytes(*raw),
        })
        .collect();
    #[cfg(feature = "parallel")]
    let hashes = super::md5_crypt::batch::par_hash_batch_with_progress(kernel, &jobs, progress);
    #[cfg(not(feature = "parallel"))]
    let hashes = {
        let hashes = super::md5_crypt::batch::hash_batch(kernel, &jobs);
        progress(hashes.len());
        hashes
    };
    Ok(hashes
        .iter()
        .map(|h| Generated {
            scheme: params.scheme(),
            hash: h.to_bytes(),
            truncated_to: None,
        })
        .collect())
}

/// Every other scheme: one [`generate`] per password, spread over rayon's threads.
///
/// Once a password fails, passwords after it are no longer hashed; passwords before it always
/// are, so the error reported is the first in input order whatever the threads did.
#[cfg(feature = "parallel")]
fn generate_each(
    params: &HashParams,
    passwords: &[&[u8]],
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<Generated>, (usize, GenerateError)> {
    use core::sync::atomic::{AtomicUsize, Ordering};

    use rayon::prelude::*;

    // Lowest index that failed so far.
    let failed = AtomicUsize::new(usize::MAX);
    // The cheap schemes (microseconds a hash) go in runs, so that scheduling does not dominate.
    let min_len = match params {
        HashParams::Sha1 | HashParams::Ssha | HashParams::Plain | HashParams::Plaintext => 256,
        HashParams::DesCrypt => 16,
        _ => 1,
    };
    let results: Vec<Option<Result<Generated, GenerateError>>> = passwords
        .par_iter()
        .enumerate()
        .with_min_len(min_len)
        .map(|(i, password)| {
            if failed.load(Ordering::Relaxed) < i {
                return None;
            }
            let made = generate(params, password);
            if made.is_err() {
                failed.fetch_min(i, Ordering::Relaxed);
            }
            progress(1);
            Some(made)
        })
        .collect();
    let mut out = Vec::with_capacity(passwords.len());
    for (i, (result, password)) in results.into_iter().zip(passwords).enumerate() {
        // A skipped password comes after a failed one, which returns first; hashing it here
        // keeps the answer right should that ever not hold.
        match result.unwrap_or_else(|| generate(params, password)) {
            Ok(made) => out.push(made),
            Err(e) => return Err((i, e)),
        }
    }
    Ok(out)
}

/// Every other scheme: one [`generate`] per password, on the calling thread.
#[cfg(not(feature = "parallel"))]
fn generate_each(
    params: &HashParams,
    passwords: &[&[u8]],
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<Generated>, (usize, GenerateError)> {
    let mut out = Vec::with_capacity(passwords.len());
    for (i, password) in passwords.iter().enumerate() {
        out.push(generate(params, password).map_err(|e| (i, e))?);
        progress(1);
    }
    Ok(out)
}
