//! md5-crypt: Apache's `$apr1$` variant and the original `$1$` (FreeBSD, glibc, OpenSSL `-1`).
//!
//! Both are the same algorithm with a different magic string mixed into the set-up digest. The
//! salt is at most 8 bytes of any value but `$` (and NUL, which C callers cannot pass); the
//! password is raw bytes of any length, never truncated here.
//!
//! ```
//! use htpasswd_core::crypt::md5_crypt::{Md5CryptHash, Md5Variant, Salt};
//!
//! let salt = Salt::new(b"r31.....")?;
//! let hash = Md5CryptHash::new(Md5Variant::Apr1, b"myPassword", salt);
//! assert_eq!(hash.to_string(), "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/");
//!
//! let stored = Md5CryptHash::parse(b"$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/")?;
//! assert!(stored.verify(b"myPassword"));
//! assert!(!stored.verify(b"mypassword"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod algorithm;
pub mod batch;
mod encoding;
#[cfg(feature = "password-hash")]
mod mcf;

use core::fmt;

use subtle::ConstantTimeEq as _;

use self::encoding::{ALPHABET, CHECKSUM_LEN, DecodeError, decode_checksum, encode_checksum};
#[cfg(feature = "password-hash")]
pub use self::mcf::Md5Crypt;
use super::error::{Md5ParseError, RandomError, SaltError};

/// Which md5-crypt flavour: the magic string that starts the hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Md5Variant {
    /// Apache's `$apr1$` (APR `apr_md5_encode`, `htpasswd -m`, `openssl passwd -apr1`).
    Apr1,
    /// The original FreeBSD md5-crypt, `$1$` (`openssl passwd -1`, glibc/musl `crypt`).
    Md5Crypt,
}

impl Md5Variant {
    /// The prefix of a stored hash, magic string included: `$apr1$` or `$1$`.
    #[must_use]
    pub const fn prefix(self) -> &'static str {
        match self {
            Self::Apr1 => "$apr1$",
            Self::Md5Crypt => "$1$",
        }
    }

    /// The Modular Crypt Format identifier: `apr1` or `1`.
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Apr1 => "apr1",
            Self::Md5Crypt => "1",
        }
    }

    /// Finds the variant whose prefix starts `stored`.
    #[must_use]
    pub fn from_prefix(stored: &[u8]) -> Option<Self> {
        [Self::Apr1, Self::Md5Crypt]
            .into_iter()
            .find(|v| stored.starts_with(v.prefix().as_bytes()))
    }
}

/// An md5-crypt salt: at most 8 bytes, none of them `$` or NUL.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Salt {
    bytes: [u8; Salt::MAX_LEN],
    len: u8,
}

impl Salt {
    /// The longest salt md5-crypt uses.
    pub const MAX_LEN: usize = 8;

    /// Takes `text` as the salt exactly.
    ///
    /// # Errors
    /// [`SaltError`] when `text` is longer than 8 bytes or holds `$` or NUL.
    pub fn new(text: &[u8]) -> Result<Self, SaltError> {
        if text.len() > Self::MAX_LEN {
            return Err(SaltError::TooLong { len: text.len() });
        }
        Self::checked(text)
    }

    /// Reads the salt the way APR's `apr_md5_encode` reads its `salt` argument: a leading
    /// `$apr1$` or `$1$` is skipped, then the salt is the text up to the next `$`, of which at
    /// most the first 8 bytes count. So a whole stored hash works as a setting, and a longer
    /// salt is cut like APR and OpenSSL cut it.
    ///
    /// # Errors
    /// [`SaltError::Nul`] when the salt holds a NUL byte (no C caller can pass one).
    pub fn from_setting(setting: &[u8]) -> Result<Self, SaltError> {
        let rest =
            Md5Variant::from_prefix(setting).map_or(setting, |v| &setting[v.prefix().len()..]);
        let end = rest.iter().position(|&b| b == b'$').unwrap_or(rest.len());
        Self::checked(&rest[..end.min(Self::MAX_LEN)])
    }

    /// A fresh 8-character salt from the crypt alphabet (`./0-9A-Za-z`, 48 bits), drawn from the
    /// operating system's CSPRNG.
    ///
    /// # Errors
    /// [`RandomError`] when the operating system cannot supply random bytes.
    pub fn random() -> Result<Self, RandomError> {
        let mut raw = [0u8; Self::RANDOM_BYTES];
        getrandom::fill(&mut raw).map_err(RandomError::new)?;
        Ok(Self::from_random_bytes(raw))
    }

    /// Random bytes one [`Salt::random`] salt takes (8 characters of 6 bits).
    pub(crate) const RANDOM_BYTES: usize = 6;

    /// The 8-character salt [`Salt::random`] makes of `raw` (48 random bits), for callers that
    /// draw the bytes of many salts at once.
    pub(crate) fn from_random_bytes(raw: [u8; Self::RANDOM_BYTES]) -> Self {
        let bits = raw.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let bytes = core::array::from_fn(|i| ALPHABET[((bits >> (6 * i)) & 0x3f) as usize]);
        Self { bytes, len: 8 }
    }

    fn checked(text: &[u8]) -> Result<Self, SaltError> {
        if let Some(index) = text.iter().position(|&b| b == b'$') {
            return Err(SaltError::Dollar { index });
        }
        if let Some(index) = text.iter().position(|&b| b == 0) {
            return Err(SaltError::Nul { index });
        }
        let mut bytes = [0u8; Self::MAX_LEN];
        bytes[..text.len()].copy_from_slice(text);
        Ok(Self {
            bytes,
            // `text.len() <= 8` is checked by every caller.
            len: text.len() as u8,
        })
    }

    /// The salt bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Salt({:?})", String::from_utf8_lossy(self.as_bytes()))
    }
}

/// A stored or freshly computed md5-crypt hash: variant, salt and the 16-byte digest.
///
/// `Debug` and `Display` show the hash string; the password is never kept.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Md5CryptHash {
    variant: Md5Variant,
    salt: Salt,
    digest: [u8; 16],
}

/// The longest encoded hash: `$apr1$` + 8-byte salt + `$` + 22 characters.
pub const MAX_ENCODED_LEN: usize = 6 + Salt::MAX_LEN + 1 + CHECKSUM_LEN;

impl Md5CryptHash {
    /// Hashes `password` with `salt`.
    #[must_use]
    pub fn new(variant: Md5Variant, password: &[u8], salt: Salt) -> Self {
        let digest =
            algorithm::md5_crypt_digest(variant.prefix().as_bytes(), password, salt.as_bytes());
        Self {
            variant,
            salt,
            digest,
        }
    }

    /// Hashes `password` with a fresh random salt ([`Salt::random`]).
    ///
    /// # Errors
    /// [`RandomError`] when the operating system cannot supply random bytes.
    pub fn generate(variant: Md5Variant, password: &[u8]) -> Result<Self, RandomError> {
        Ok(Self::new(variant, password, Salt::random()?))
    }

    /// Parses a stored hash (`$apr1$SALT$CHECKSUM` or `$1$SALT$CHECKSUM`), byte for byte: no
    /// whitespace is trimmed.
    ///
    /// # Errors
    /// [`Md5ParseError`] naming the first thing that is wrong.
    pub fn parse(stored: &[u8]) -> Result<Self, Md5ParseError> {
        let variant = Md5Variant::from_prefix(stored).ok_or(Md5ParseError::UnknownPrefix)?;
        let rest = &stored[variant.prefix().len()..];
        let end = rest
            .iter()
            .position(|&b| b == b'$')
            .ok_or(Md5ParseError::MissingSaltTerminator)?;
        let salt_text = &rest[..end];
        if salt_text.len() > Salt::MAX_LEN {
            return Err(Md5ParseError::SaltTooLong {
                len: salt_text.len(),
            });
        }
        let salt = Salt::new(salt_text).map_err(|_| Md5ParseError::NulInSalt)?;
        let checksum = &rest[end + 1..];
        let checksum: &[u8; CHECKSUM_LEN] =
            checksum
                .try_into()
                .map_err(|_| Md5ParseError::ChecksumLength {
                    len: checksum.len(),
                })?;
        let digest = decode_checksum(checksum).map_err(|e| match e {
            DecodeError::InvalidChar(index) => Md5ParseError::InvalidChecksumChar {
                index: variant.prefix().len() + end + 1 + index,
            },
            DecodeError::NonCanonical => Md5ParseError::NonCanonicalChecksum,
        })?;
        Ok(Self {
            variant,
            salt,
            digest,
        })
    }

    /// Checks `password` against this hash; the digests are compared in constant time.
    #[must_use]
    pub fn verify(&self, password: &[u8]) -> bool {
        let computed = Self::new(self.variant, password, self.salt);
        computed.digest.ct_eq(&self.digest).into()
    }

    /// The variant (`$apr1$` or `$1$`).
    #[must_use]
    pub fn variant(&self) -> Md5Variant {
        self.variant
    }

    /// The salt.
    #[must_use]
    pub fn salt(&self) -> Salt {
        self.salt
    }

    /// The raw 16-byte digest.
    #[must_use]
    pub fn digest(&self) -> &[u8; 16] {
        &self.digest
    }

    /// Writes the hash string into `out` and returns the written part.
    #[must_use]
    pub fn encode_into<'a>(&self, out: &'a mut [u8; MAX_ENCODED_LEN]) -> &'a [u8] {
        let mut len = 0;
        for part in [
            self.variant.prefix().as_bytes(),
            self.salt.as_bytes(),
            b"$",
            &encode_checksum(&self.digest),
        ] {
            out[len..len + part.len()].copy_from_slice(part);
            len += part.len();
        }
        &out[..len]
    }

    /// The hash string as bytes (exact even for a salt that is not UTF-8).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode_into(&mut [0u8; MAX_ENCODED_LEN]).to_vec()
    }
}

/// Parses `stored` and checks `password` against it (constant-time compare).
///
/// # Errors
/// [`Md5ParseError`] when `stored` is not a well-formed md5-crypt hash.
pub fn verify(password: &[u8], stored: &[u8]) -> Result<bool, Md5ParseError> {
    Ok(Md5CryptHash::parse(stored)?.verify(password))
}

impl fmt::Display for Md5CryptHash {
    /// The hash string; a salt that is not UTF-8 is shown lossily (use
    /// [`Md5CryptHash::to_bytes`] for the exact bytes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; MAX_ENCODED_LEN];
        f.write_str(&String::from_utf8_lossy(self.encode_into(&mut buf)))
    }
}

impl fmt::Debug for Md5CryptHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Md5CryptHash({self})")
    }
}

impl core::str::FromStr for Md5CryptHash {
    type Err = Md5ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s.as_bytes())
    }
}
