//! yescrypt, `$y$`: verification, and generation at libxcrypt's `crypt_gensalt` costs.
//!
//! yescrypt is what Debian, Ubuntu, Fedora and Arch put in `/etc/shadow` and what Debian's
//! `mkpasswd` writes by default, so such hashes end up in htpasswd files. nginx built on
//! libxcrypt (Debian 11+, Ubuntu 20.04+, Fedora, the official images) checks them through
//! `crypt()`; so does Apache httpd on such systems. No htpasswd tool writes them; this library
//! checks and writes them with RustCrypto's `yescrypt` ([`generate`] writes exactly the
//! parameter strings libxcrypt's `crypt_gensalt("$y$", cost)` writes, with a 16-byte salt as it
//! does; both directions are compared with libxcrypt's `crypt()` in `tests/memory_hard.rs`).
//!
//! The parameters of a stored hash set the memory and time one check costs. This verifier takes
//! the parameter strings libxcrypt's `crypt_gensalt` writes (three characters: flavour, N, r; so
//! p = 1 and t = 0) up to 1 GiB of memory (cost 11, `jFT`, the highest libxcrypt makes), and
//! refuses the rest as [`HashParseError::YescryptParams`]: a crafted line must not make a lint
//! or a login allocate gigabytes.
//!
//! ```
//! use htpasswd_core::crypt::yescrypt::YescryptHash;
//!
//! // crypt("secret", "$y$j75$Z3.gDU2.V4rsDrGVWHdnY.") from libxcrypt 4.4.33.
//! let stored = b"$y$j75$Z3.gDU2.V4rsDrGVWHdnY.$tsbgMcclVe7sE/stUaD9c5ZwicDK0YHX7izDHj86pS4";
//! let hash = YescryptHash::parse(stored).unwrap();
//! assert_eq!(hash.memory_bytes(), 1 << 20);
//! assert!(hash.verify(b"secret"));
//! assert!(!hash.verify(b"Secret"));
//! ```

use core::fmt;

use yescrypt::{CustomizedPasswordHasher as _, Mode, Params, PasswordVerifier as _, Yescrypt};

use super::error::{GenerateError, HashParseError};
use super::salt::random_bytes;
use super::scheme::{Scheme, is_crypt_char};

/// The lowest cost libxcrypt's `crypt_gensalt` takes for `$y$` (1 MiB, `j75`).
pub const MIN_COST: u32 = 1;
/// libxcrypt's default cost (`crypt_gensalt("$y$", 0)`, `mkpasswd -m yescrypt`): 16 MiB, `j9T`.
pub const DEFAULT_COST: u32 = 5;
/// The highest cost libxcrypt's `crypt_gensalt` takes (1 GiB, `jFT`).
pub const MAX_COST: u32 = 11;
/// The longest password hashed, in bytes: libxcrypt's `crypt()` refuses longer ones.
pub const MAX_PASSWORD_LEN: usize = 511;

/// N and r of libxcrypt's `crypt_gensalt("$y$", cost)` (flavour `j`, p = 1, t = 0): costs 1
/// and 2 are r = 8 with N = 2^(cost + 9) (1 and 2 MiB), costs 3 to 11 are r = 32 with
/// N = 2^(cost + 7) (4 MiB to 1 GiB).
///
/// # Errors
/// [`GenerateError::YescryptCost`] for a cost outside 1..=11.
pub fn params_for_cost(cost: u32) -> Result<Params, GenerateError> {
    let (log_n, r) = match cost {
        1 | 2 => (cost + 9, 8),
        3..=MAX_COST => (cost + 7, 32),
        _ => return Err(GenerateError::YescryptCost { cost }),
    };
    Params::new(Mode::default(), 1u64 << log_n, r, 1)
        .map_err(|_| GenerateError::YescryptCost { cost })
}

/// Hashes `password` at `cost` (libxcrypt's `crypt_gensalt` cost, 1..=11; see
/// [`params_for_cost`]) with a fresh 16-byte salt from the OS CSPRNG, as `mkpasswd -m yescrypt`
/// and libxcrypt write it.
///
/// # Errors
/// [`GenerateError::YescryptCost`] for a cost outside 1..=11,
/// [`GenerateError::PasswordOverCryptLimit`] for a password over 511 bytes,
/// [`GenerateError::Random`] when the OS CSPRNG fails.
pub fn generate(password: &[u8], cost: u32) -> Result<YescryptHash, GenerateError> {
    let params = params_for_cost(cost)?;
    if password.len() > MAX_PASSWORD_LEN {
        return Err(GenerateError::PasswordOverCryptLimit {
            len: password.len(),
            max: MAX_PASSWORD_LEN,
        });
    }
    let salt = random_bytes::<16>()?;
    let made = Yescrypt::from(params)
        .hash_password_customized(password, &salt, None, None, params)
        .map_err(|_| GenerateError::YescryptCost { cost })?;
    // Our own output: a parse failure would be a bug in the encoder, reported as the cost.
    YescryptHash::parse(made.as_str().as_bytes()).map_err(|_| GenerateError::YescryptCost { cost })
}

/// The most memory one check may take: 128 x N x r bytes.
pub const MAX_MEMORY_BYTES: u64 = 1 << 30;

/// A parsed `$y$` hash.
#[derive(Clone, PartialEq, Eq)]
pub struct YescryptHash {
    /// The stored field (ASCII: checked by `parse`).
    stored: String,
    /// Memory one check takes.
    memory: u64,
}

impl YescryptHash {
    /// Parses `$y$PARAMS$SALT$HASH`, byte for byte.
    ///
    /// # Errors
    /// [`HashParseError::MissingSeparator`] without the four `$`, [`HashParseError::InvalidChar`]
    /// for a byte outside the crypt alphabet, [`HashParseError::Length`] for an empty salt or a
    /// hash that is not 43 characters (32 bytes), [`HashParseError::YescryptParams`] for
    /// parameters this verifier does not take (see the module documentation).
    pub fn parse(field: &[u8]) -> Result<Self, HashParseError> {
        let scheme = Scheme::Yescrypt;
        let rest = field
            .strip_prefix(b"$y$")
            .ok_or(HashParseError::UnknownScheme)?;
        if let Some(index) = rest.iter().position(|&b| b != b'$' && !is_crypt_char(b)) {
            return Err(HashParseError::InvalidChar {
                scheme,
                index: index + 3,
            });
        }
        let mut parts = rest.split(|&b| b == b'$');
        let (Some(params), Some(salt), Some(hash), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(HashParseError::MissingSeparator { scheme });
        };
        if salt.is_empty() {
            return Err(HashParseError::Length {
                scheme,
                part: "salt",
                len: 0,
            });
        }
        if hash.len() != 43 {
            return Err(HashParseError::Length {
                scheme,
                part: "hash",
                len: hash.len(),
            });
        }
        let memory = Self::check_params(params)?;
        // Checked above: crypt characters and '$', all ASCII.
        let stored = field.iter().copied().map(char::from).collect();
        Ok(Self { stored, memory })
    }

    /// The memory one check of `params` takes, if this verifier takes them.
    fn check_params(params: &[u8]) -> Result<u64, HashParseError> {
        if params.len() != 3 {
            return Err(HashParseError::YescryptParams);
        }
        let parsed: Params = core::str::from_utf8(params)
            .ok()
            .and_then(|p| p.parse().ok())
            .ok_or(HashParseError::YescryptParams)?;
        let memory = 128u64
            .checked_mul(parsed.n())
            .and_then(|m| m.checked_mul(u64::from(parsed.r())))
            .and_then(|m| m.checked_mul(u64::from(parsed.p())))
            .filter(|&m| m <= MAX_MEMORY_BYTES)
            .ok_or(HashParseError::YescryptParams)?;
        Ok(memory)
    }

    /// Memory one check takes, in bytes (128 x N x r).
    #[must_use]
    pub fn memory_bytes(&self) -> u64 {
        self.memory
    }

    /// Checks `password`; the final comparison is constant-time (in `yescrypt`).
    #[must_use]
    pub fn verify(&self, password: &[u8]) -> bool {
        Yescrypt::default()
            .verify_password(password, self.stored.as_str())
            .is_ok()
    }

    /// The stored form, byte for byte as parsed.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.stored.as_bytes().to_vec()
    }
}

impl fmt::Debug for YescryptHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("YescryptHash")
            .field("stored", &self.stored)
            .finish()
    }
}
