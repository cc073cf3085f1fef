//! `{SHA}` (base64 of the unsalted SHA-1 of the password; Apache `htpasswd -s`, nginx, Traefik,
//! Envoy Gateway) and `{SSHA}` (base64 of SHA-1(password + salt) followed by the salt; OpenLDAP,
//! nginx).
//!
//! Both are single fast SHA-1 computations: `{SHA}` has no salt at all. They exist for
//! compatibility (Envoy Gateway accepts nothing else), not for strength.
//!
//! ```
//! use htpasswd_core::crypt::sha1::{Sha1Hash, SshaHash};
//!
//! let hash = Sha1Hash::new(b"pw");
//! assert_eq!(hash.to_string(), "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=");
//! assert!(Sha1Hash::parse(b"{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=")?.verify(b"pw"));
//!
//! let salted = SshaHash::new(b"pw", b"salt");
//! assert!(SshaHash::parse(&salted.to_bytes())?.verify(b"pw"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use ::sha1::{Digest as _, Sha1};
use base64ct::{Base64, Encoding as _};
use subtle::ConstantTimeEq as _;

use super::error::{GenerateError, HashParseError};
use super::salt::random_bytes;
use super::scheme::Scheme;

/// SHA-1 digest length.
const DIGEST_LEN: usize = 20;
/// The salt length we generate for `{SSHA}` (OpenLDAP uses 4; passlib 4 to 16).
pub const SSHA_SALT_LEN: usize = 8;
/// The longest `{SSHA}` salt we read.
pub const SSHA_MAX_SALT_LEN: usize = 64;

fn sha1(parts: &[&[u8]]) -> [u8; DIGEST_LEN] {
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// An unsalted `{SHA}` hash.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Sha1Hash {
    digest: [u8; DIGEST_LEN],
}

impl Sha1Hash {
    /// Hashes `password` (raw bytes).
    #[must_use]
    pub fn new(password: &[u8]) -> Self {
        Self {
            digest: sha1(&[password]),
        }
    }

    /// Parses `{SHA}` + 28 characters of padded standard base64.
    ///
    /// # Errors
    /// [`HashParseError`] when the prefix is missing or the base64 is not a canonical encoding
    /// of 20 bytes.
    pub fn parse(stored: &[u8]) -> Result<Self, HashParseError> {
        let b64 = stored
            .strip_prefix(b"{SHA}")
            .ok_or(HashParseError::UnknownScheme)?;
        let err = HashParseError::Base64 {
            scheme: Scheme::Sha1,
        };
        let mut digest = [0u8; DIGEST_LEN];
        let decoded = Base64::decode(b64, &mut digest).map_err(|_| err)?;
        if decoded.len() != DIGEST_LEN {
            return Err(err);
        }
        Ok(Self { digest })
    }

    /// Checks `password`; the digests are compared in constant time.
    #[must_use]
    pub fn verify(&self, password: &[u8]) -> bool {
        sha1(&[password]).ct_eq(&self.digest).into()
    }

    /// The hash string.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = b"{SHA}".to_vec();
        out.extend_from_slice(Base64::encode_string(&self.digest).as_bytes());
        out
    }
}

/// A salted `{SSHA}` hash.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SshaHash {
    digest: [u8; DIGEST_LEN],
    salt: Vec<u8>,
}

impl SshaHash {
    /// Hashes `password` with `salt` (raw bytes, any length).
    #[must_use]
    pub fn new(password: &[u8], salt: &[u8]) -> Self {
        Self {
            digest: sha1(&[password, salt]),
            salt: salt.to_vec(),
        }
    }

    /// Parses `{SSHA}` + padded standard base64 of the 20-byte digest followed by the salt
    /// (0 to 64 bytes; nginx reads any length).
    ///
    /// # Errors
    /// [`HashParseError`] when the prefix is missing or the base64 is not canonical or too
    /// short.
    pub fn parse(stored: &[u8]) -> Result<Self, HashParseError> {
        let b64 = stored
            .strip_prefix(b"{SSHA}")
            .ok_or(HashParseError::UnknownScheme)?;
        let err = HashParseError::Base64 {
            scheme: Scheme::Ssha,
        };
        let mut buf = [0u8; DIGEST_LEN + SSHA_MAX_SALT_LEN];
        let decoded = Base64::decode(b64, &mut buf).map_err(|_| err)?;
        if decoded.len() < DIGEST_LEN {
            return Err(err);
        }
        let mut digest = [0u8; DIGEST_LEN];
        digest.copy_from_slice(&decoded[..DIGEST_LEN]);
        Ok(Self {
            digest,
            salt: decoded[DIGEST_LEN..].to_vec(),
        })
    }

    /// Checks `password`; the digests are compared in constant time.
    #[must_use]
    pub fn verify(&self, password: &[u8]) -> bool {
        sha1(&[password, &self.salt]).ct_eq(&self.digest).into()
    }

    /// The salt.
    #[must_use]
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The hash string.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut raw = self.digest.to_vec();
        raw.extend_from_slice(&self.salt);
        let mut out = b"{SSHA}".to_vec();
        out.extend_from_slice(Base64::encode_string(&raw).as_bytes());
        out
    }
}

/// Generates an `{SSHA}` hash with an 8-byte salt from the OS CSPRNG.
///
/// # Errors
/// [`GenerateError::Random`] when the OS CSPRNG fails.
pub fn generate_ssha(password: &[u8]) -> Result<SshaHash, GenerateError> {
    let salt = random_bytes::<SSHA_SALT_LEN>()?;
    Ok(SshaHash::new(password, &salt))
}

impl fmt::Display for Sha1Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

impl fmt::Debug for Sha1Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha1Hash({self})")
    }
}

impl fmt::Display for SshaHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

impl fmt::Debug for SshaHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SshaHash({self})")
    }
}
