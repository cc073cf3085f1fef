//! Salts from the operating system's CSPRNG.

use super::error::RandomError;

/// The crypt base64 alphabet `./0-9A-Za-z` (md5-crypt, SHA-crypt, DES crypt).
pub(crate) const CRYPT_ALPHABET: &[u8; 64] =
    b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `N` random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(RandomError::new)?;
    Ok(out)
}

/// `N` random characters of the crypt alphabet, 6 bits of entropy each.
pub(crate) fn random_crypt_chars<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out: [u8; N] = random_bytes()?;
    for b in &mut out {
        *b = CRYPT_ALPHABET[usize::from(*b & 0x3f)];
    }
    Ok(out)
}
