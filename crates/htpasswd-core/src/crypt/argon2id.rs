//! argon2id (RFC 9106) as a PHC string, `$argon2id$v=19$m=M,t=T,p=P$SALT$HASH`: what Caddy
//! (2.11+, `caddy hash-password --algorithm argon2id`), argon2-cffi, PHP's `password_hash` and
//! Go's `x/crypto/argon2` users write. Computed with RustCrypto's `argon2`; the string is parsed
//! and written here (compared with argon2-cffi, the C reference, in `tests/memory_hard.rs`).
//!
//! Layout, strictly as those tools write it: version `v=19` (0x13; the older 0x10 is refused),
//! then `m=` (memory, KiB), `t=` (passes), `p=` (lanes) in that order, decimal without leading
//! zeros; the salt (8 to 64 bytes) and hash (16 to 64 bytes) in unpadded standard base64.
//! Memory and passes set what one check costs, so they are bounded by
//! [`CostLimits`](super::CostLimits) (1 GiB and 10 passes by default); parallelism is at most 16.
//!
//! ```
//! use htpasswd_core::crypt::argon2id::{self, Argon2idHash, Argon2idParams};
//!
//! let small = Argon2idParams { memory_kib: 64, time: 1, parallelism: 1 };
//! let made = argon2id::generate(b"secret", &small)?;
//! assert!(made.to_string().starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
//! let parsed = Argon2idHash::parse(made.to_string().as_bytes())?;
//! assert!(parsed.verify(b"secret"));
//! assert!(!parsed.verify(b"Secret"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use base64ct::{Base64Unpadded, Encoding as _};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroize as _;

use super::error::{GenerateError, HashParseError};
use super::salt::random_bytes;
use super::scheme::Scheme;

/// The PHC identifier and version this module reads and writes.
const PREFIX: &[u8] = b"$argon2id$v=19$";
/// Shortest and longest salt, bytes.
const SALT_LEN: core::ops::RangeInclusive<usize> = 8..=64;
/// Shortest and longest hash, bytes.
const HASH_LEN: core::ops::RangeInclusive<usize> = 16..=64;
/// The most lanes accepted (parsed or generated).
pub const MAX_PARALLELISM: u32 = 16;
/// The most memory we generate with, KiB (1 GiB, the default verification ceiling).
pub const MAX_GENERATE_MEMORY_KIB: u32 = 1 << 20;
/// The most passes we generate with (the default verification ceiling).
pub const MAX_GENERATE_TIME: u32 = 10;
/// Length of the salt we generate, bytes.
pub const GENERATED_SALT_LEN: usize = 16;
/// Length of the hash we generate, bytes (Caddy's and argon2-cffi's 32).
pub const GENERATED_HASH_LEN: usize = 32;

/// argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Argon2idParams {
    /// Memory, KiB (`m=`).
    pub memory_kib: u32,
    /// Passes over memory (`t=`).
    pub time: u32,
    /// Lanes (`p=`).
    pub parallelism: u32,
}

impl Argon2idParams {
    /// OWASP's recommendation and the RustCrypto default: 19 MiB, 2 passes, 1 lane.
    pub const DEFAULT: Self = Self {
        memory_kib: 19 * 1024,
        time: 2,
        parallelism: 1,
    };

    /// Memory one check takes, in bytes.
    #[must_use]
    pub const fn memory_bytes(&self) -> u64 {
        self.memory_kib as u64 * 1024
    }

    /// Whether argon2 itself takes these (memory at least 8 KiB per lane, passes and lanes at
    /// least 1, lanes at most 16).
    fn valid(&self) -> bool {
        (1..=MAX_PARALLELISM).contains(&self.parallelism)
            && self.time >= 1
            && u64::from(self.memory_kib) >= 8 * u64::from(self.parallelism)
    }
}

impl Default for Argon2idParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A parsed `$argon2id$` hash.
#[derive(Clone, PartialEq, Eq)]
pub struct Argon2idHash {
    params: Argon2idParams,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

/// A decimal without leading zeros that fits a `u32`.
fn decimal(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 10 || (digits[0] == b'0' && digits.len() > 1) {
        return None;
    }
    digits.iter().try_fold(0u32, |acc, &d| {
        if d.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        } else {
            None
        }
    })
}

fn compute(params: &Argon2idParams, password: &[u8], salt: &[u8], out: &mut [u8]) -> bool {
    let Ok(p) = Params::new(
        params.memory_kib,
        params.time,
        params.parallelism,
        Some(out.len()),
    ) else {
        return false;
    };
    Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
        .hash_password_into(password, salt, out)
        .is_ok()
}

impl Argon2idHash {
    /// Parses `$argon2id$v=19$m=M,t=T,p=P$SALT$HASH`, byte for byte (the stored form reads back
    /// identically from [`to_bytes`](Self::to_bytes)).
    ///
    /// # Errors
    /// [`HashParseError::UnknownScheme`] without the `$argon2id$` prefix,
    /// [`HashParseError::Argon2Params`] for another version or parameters that are not
    /// `m=M,t=T,p=P` with values argon2 takes (parallelism at most 16),
    /// [`HashParseError::MissingSeparator`] without the `$` around the salt,
    /// [`HashParseError::Base64`] for salt or hash that is not canonical unpadded base64,
    /// [`HashParseError::Length`] for a salt outside 8..=64 or a hash outside 16..=64 bytes.
    pub fn parse(field: &[u8]) -> Result<Self, HashParseError> {
        let scheme = Scheme::Argon2id;
        if !field.starts_with(b"$argon2id$") {
            return Err(HashParseError::UnknownScheme);
        }
        let rest = field
            .strip_prefix(PREFIX)
            .ok_or(HashParseError::Argon2Params)?;
        let mut parts = rest.split(|&b| b == b'$');
        let (Some(params), Some(salt), Some(hash), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(HashParseError::MissingSeparator { scheme });
        };
        let mut values = params.split(|&b| b == b',');
        let mut next = |key: &[u8]| {
            values
                .next()
                .and_then(|kv| kv.strip_prefix(key))
                .and_then(decimal)
                .ok_or(HashParseError::Argon2Params)
        };
        let params = Argon2idParams {
            memory_kib: next(b"m=")?,
            time: next(b"t=")?,
            parallelism: next(b"p=")?,
        };
        if values.next().is_some() || !params.valid() {
            return Err(HashParseError::Argon2Params);
        }
        let decode = |text: &[u8], part: &'static str, range: &core::ops::RangeInclusive<usize>| {
            let bytes = Base64Unpadded::decode_vec(
                core::str::from_utf8(text).map_err(|_| HashParseError::Base64 { scheme })?,
            )
            .map_err(|_| HashParseError::Base64 { scheme })?;
            if range.contains(&bytes.len()) {
                Ok(bytes)
            } else {
                Err(HashParseError::Length {
                    scheme,
                    part,
                    len: bytes.len(),
                })
            }
        };
        let salt = decode(salt, "salt", &SALT_LEN)?;
        let hash = decode(hash, "hash", &HASH_LEN)?;
        Ok(Self { params, salt, hash })
    }

    /// Hashes `password` with `salt` (8..=64 bytes) under `params`, giving a 32-byte hash.
    ///
    /// # Errors
    /// [`GenerateError::Argon2Params`] for parameters outside what we generate (memory from
    /// 8 x parallelism KiB to 1 GiB, time 1..=10, parallelism 1..=16) or a salt of the wrong
    /// length.
    pub fn new(
        params: &Argon2idParams,
        password: &[u8],
        salt: &[u8],
    ) -> Result<Self, GenerateError> {
        let refused = GenerateError::Argon2Params {
            memory_kib: params.memory_kib,
            time: params.time,
            parallelism: params.parallelism,
        };
        if !params.valid()
            || params.memory_kib > MAX_GENERATE_MEMORY_KIB
            || params.time > MAX_GENERATE_TIME
            || !SALT_LEN.contains(&salt.len())
        {
            return Err(refused);
        }
        let mut hash = vec![0u8; GENERATED_HASH_LEN];
        if !compute(params, password, salt, &mut hash) {
            return Err(refused);
        }
        Ok(Self {
            params: *params,
            salt: salt.to_vec(),
            hash,
        })
    }

    /// The cost parameters.
    #[must_use]
    pub fn params(&self) -> Argon2idParams {
        self.params
    }

    /// Memory one check takes, in bytes.
    #[must_use]
    pub fn memory_bytes(&self) -> u64 {
        self.params.memory_bytes()
    }

    /// Checks `password`; the hashes are compared in constant time.
    #[must_use]
    pub fn verify(&self, password: &[u8]) -> bool {
        let mut computed = vec![0u8; self.hash.len()];
        let ok = compute(&self.params, password, &self.salt, &mut computed);
        let same: bool = computed.ct_eq(&self.hash).into();
        computed.zeroize();
        ok && same
    }

    /// The PHC string.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

/// Hashes `password` under `params` with a fresh 16-byte salt from the OS CSPRNG, giving a
/// 32-byte hash, as Caddy and argon2-cffi write it.
///
/// # Errors
/// [`GenerateError::Argon2Params`] for parameters outside what we generate,
/// [`GenerateError::Random`] when the OS CSPRNG fails.
pub fn generate(password: &[u8], params: &Argon2idParams) -> Result<Argon2idHash, GenerateError> {
    let salt = random_bytes::<GENERATED_SALT_LEN>()?;
    Argon2idHash::new(params, password, &salt)
}

impl fmt::Display for Argon2idHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "$argon2id$v=19$m={},t={},p={}${}${}",
            self.params.memory_kib,
            self.params.time,
            self.params.parallelism,
            Base64Unpadded::encode_string(&self.salt),
            Base64Unpadded::encode_string(&self.hash)
        )
    }
}

impl fmt::Debug for Argon2idHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Argon2idHash({self})")
    }
}
