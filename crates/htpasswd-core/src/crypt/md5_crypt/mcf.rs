//! RustCrypto `password-hash` traits over `mcf` types, in the style of the `sha-crypt` crate.

use mcf::{PasswordHash, PasswordHashRef};
use password_hash::{Error, PasswordHasher, PasswordVerifier, Result};

use super::encoding::ALPHABET;
use super::{Md5CryptHash, Md5Variant, Salt};

/// md5-crypt for the [`PasswordHasher`] / [`PasswordVerifier`] traits.
///
/// As with `sha-crypt`, the salt given to [`PasswordHasher::hash_password_with_salt`] is raw
/// bytes: it is encoded with the crypt base64 alphabet and its first 8 characters (48 bits) are
/// the md5-crypt salt. Verification accepts both `$apr1$` and `$1$` hashes, whatever variant the
/// value was made with.
///
/// ```
/// use htpasswd_core::crypt::md5_crypt::Md5Crypt;
/// use password_hash::{PasswordHasher, PasswordVerifier};
///
/// let hash = Md5Crypt::APR1.hash_password_with_salt(b"hunter2", b"\x01\x02\x03\x04\x05\x06")?;
/// assert!(hash.as_str().starts_with("$apr1$"));
/// Md5Crypt::APR1.verify_password(b"hunter2", &hash)?;
/// assert!(Md5Crypt::APR1.verify_password(b"hunter3", &hash).is_err());
/// # Ok::<(), password_hash::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Md5Crypt {
    variant: Md5Variant,
}

impl Md5Crypt {
    /// Apache's `$apr1$`.
    pub const APR1: Self = Self {
        variant: Md5Variant::Apr1,
    };
    /// The original `$1$`.
    pub const MD5_CRYPT: Self = Self {
        variant: Md5Variant::Md5Crypt,
    };
}

impl From<Md5Variant> for Md5Crypt {
    fn from(variant: Md5Variant) -> Self {
        Self { variant }
    }
}

impl PasswordHasher<PasswordHash> for Md5Crypt {
    fn hash_password_with_salt(&self, password: &[u8], salt: &[u8]) -> Result<PasswordHash> {
        if salt.len() < 6 {
            return Err(Error::SaltInvalid);
        }
        // Crypt-base64 of the first 6 bytes: exactly 8 characters.
        let bits = salt[..6]
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let text: [u8; 8] = core::array::from_fn(|i| ALPHABET[((bits >> (6 * i)) & 0x3f) as usize]);
        let salt = Salt::new(&text).map_err(|_| Error::SaltInvalid)?;
        let hash = Md5CryptHash::new(self.variant, password, salt);
        PasswordHash::new(hash.to_string()).map_err(|_| Error::EncodingInvalid)
    }
}

impl PasswordVerifier<PasswordHashRef> for Md5Crypt {
    fn verify_password(&self, password: &[u8], hash: &PasswordHashRef) -> Result<()> {
        if !matches!(hash.id(), "apr1" | "1") {
            return Err(Error::Algorithm);
        }
        let parsed =
            Md5CryptHash::parse(hash.as_str().as_bytes()).map_err(|_| Error::EncodingInvalid)?;
        if parsed.verify(password) {
            Ok(())
        } else {
            Err(Error::PasswordInvalid)
        }
    }
}

impl PasswordVerifier<PasswordHash> for Md5Crypt {
    fn verify_password(&self, password: &[u8], hash: &PasswordHash) -> Result<()> {
        self.verify_password(password, hash.as_password_hash_ref())
    }
}

impl PasswordVerifier<str> for Md5Crypt {
    fn verify_password(&self, password: &[u8], hash: &str) -> Result<()> {
        let hash = PasswordHashRef::new(hash).map_err(|_| Error::EncodingInvalid)?;
        self.verify_password(password, hash)
    }
}
