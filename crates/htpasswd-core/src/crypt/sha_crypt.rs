//! SHA-256-crypt (`$5$`) and SHA-512-crypt (`$6$`), Ulrich Drepper's specification, computed on
//! RustCrypto's SHA-2 compression functions (see `sha_crypt/engine.rs` for why not through a
//! `Digest` per round) and written out here.
//!
//! Layout: `$5$` or `$6$`, an optional `rounds=N$` (N from 1000 to 999999999; 5000 when
//! absent; kept in the output whenever it was given, even as 5000), the salt (the text up to the
//! next `$`, of which at most 16 bytes count), `$`, and the checksum (43 or 86 characters of the
//! crypt alphabet). Passwords are raw bytes of at most 511 bytes ([`MAX_PASSWORD_LEN`], as
//! libxcrypt): a longer one is refused at generation and never matches.
//!
//! ```
//! use htpasswd_core::crypt::sha_crypt::{ShaCryptHash, ShaVariant};
//!
//! let hash = ShaCryptHash::new(ShaVariant::Sha256, b"pw", b"abc", None)?;
//! assert_eq!(hash.to_string(), "$5$abc$/LKlXd6vuvdFX3oWbf2vGk3DgflzzsvOtMZsiOxqqY5");
//! assert!(ShaCryptHash::parse(b"$5$rounds=5000$abc$/LKlXd6vuvdFX3oWbf2vGk3DgflzzsvOtMZsiOxqqY5")?
//!     .verify(b"pw"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use subtle::ConstantTimeEq as _;
use zeroize::Zeroize as _;

use super::error::{GenerateError, HashParseError};
use super::salt::{CRYPT_ALPHABET, random_crypt_chars};
use super::scheme::{Scheme, is_crypt_char};

mod engine;

/// Rounds when `rounds=` is absent.
pub const DEFAULT_ROUNDS: u32 = 5_000;
/// The fewest rounds allowed.
pub const MIN_ROUNDS: u32 = 1_000;
/// The most rounds allowed.
pub const MAX_ROUNDS: u32 = 999_999_999;
/// The longest password hashed or checked, in bytes: libxcrypt's `crypt()` refuses longer ones
/// (`CRYPT_MAX_PASSPHRASE_SIZE`, 512 bytes with the NUL), so no server built on it accepts them,
/// and the work of one check grows with the password's length times the rounds.
pub const MAX_PASSWORD_LEN: usize = 511;
/// The longest salt used; a longer one is cut to this length.
pub const MAX_SALT_LEN: usize = 16;

/// Which SHA-crypt: `$5$` or `$6$`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShaVariant {
    /// SHA-256-crypt, `$5$` (`htpasswd -2`, `openssl passwd -5`).
    Sha256,
    /// SHA-512-crypt, `$6$` (`htpasswd -5`, `openssl passwd -6`).
    Sha512,
}

impl ShaVariant {
    /// `$5$` or `$6$`.
    #[must_use]
    pub const fn prefix(self) -> &'static str {
        match self {
            Self::Sha256 => "$5$",
            Self::Sha512 => "$6$",
        }
    }

    /// The matching [`Scheme`].
    #[must_use]
    pub const fn scheme(self) -> Scheme {
        match self {
            Self::Sha256 => Scheme::Sha256Crypt,
            Self::Sha512 => Scheme::Sha512Crypt,
        }
    }

    /// Length of the encoded checksum.
    #[must_use]
    pub const fn checksum_len(self) -> usize {
        match self {
            Self::Sha256 => 43,
            Self::Sha512 => 86,
        }
    }
}

/// A SHA-crypt hash: variant, rounds (`None` when not written), salt and encoded checksum.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ShaCryptHash {
    variant: ShaVariant,
    rounds: Option<u32>,
    salt: Vec<u8>,
    checksum: Vec<u8>,
}

/// Drepper's `b64_from_24bit`: `n` characters from three bytes, low bits first.
fn b64_from_24bit(b2: u8, b1: u8, b0: u8, n: usize, out: &mut Vec<u8>) {
    let mut w = (u32::from(b2) << 16) | (u32::from(b1) << 8) | u32::from(b0);
    for _ in 0..n {
        out.push(CRYPT_ALPHABET[(w & 0x3f) as usize]);
        w >>= 6;
    }
}

fn encode_256(d: &[u8; 32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(43);
    // Groups (i, i+10, i+20) rotating, as in the specification's step 22.
    let order: [(usize, usize, usize); 10] = [
        (0, 10, 20),
        (21, 1, 11),
        (12, 22, 2),
        (3, 13, 23),
        (24, 4, 14),
        (15, 25, 5),
        (6, 16, 26),
        (27, 7, 17),
        (18, 28, 8),
        (9, 19, 29),
    ];
    for (a, b, c) in order {
        b64_from_24bit(d[a], d[b], d[c], 4, &mut out);
    }
    b64_from_24bit(0, d[31], d[30], 3, &mut out);
    out
}

fn encode_512(d: &[u8; 64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(86);
    let order: [(usize, usize, usize); 21] = [
        (0, 21, 42),
        (22, 43, 1),
        (44, 2, 23),
        (3, 24, 45),
        (25, 46, 4),
        (47, 5, 26),
        (6, 27, 48),
        (28, 49, 7),
        (50, 8, 29),
        (9, 30, 51),
        (31, 52, 10),
        (53, 11, 32),
        (12, 33, 54),
        (34, 55, 13),
        (56, 14, 35),
        (15, 36, 57),
        (37, 58, 16),
        (59, 17, 38),
        (18, 39, 60),
        (40, 61, 19),
        (62, 20, 41),
    ];
    for (a, b, c) in order {
        b64_from_24bit(d[a], d[b], d[c], 4, &mut out);
    }
    b64_from_24bit(0, 0, d[63], 2, &mut out);
    out
}

fn checksum(variant: ShaVariant, password: &[u8], salt: &[u8], rounds: u32) -> Vec<u8> {
    match variant {
        ShaVariant::Sha256 => {
            let mut raw = engine::sha256_crypt(password, salt, rounds);
            let out = encode_256(&raw);
            raw.zeroize();
            out
        }
        ShaVariant::Sha512 => {
            let mut raw = engine::sha512_crypt(password, salt, rounds);
            let out = encode_512(&raw);
            raw.zeroize();
            out
        }
    }
}

impl ShaCryptHash {
    /// Hashes `password` with `salt` (at most the first 16 bytes count; `$` ends it) and
    /// `rounds` (`None`: 5000, not written).
    ///
    /// # Errors
    /// [`GenerateError::Rounds`] for rounds outside 1000..=999999999,
    /// [`GenerateError::PasswordOverCryptLimit`] for a password over [`MAX_PASSWORD_LEN`] bytes.
    pub fn new(
        variant: ShaVariant,
        password: &[u8],
        salt: &[u8],
        rounds: Option<u32>,
    ) -> Result<Self, GenerateError> {
        if let Some(r) = rounds
            && !(MIN_ROUNDS..=MAX_ROUNDS).contains(&r)
        {
            return Err(GenerateError::Rounds { rounds: r });
        }
        if password.len() > MAX_PASSWORD_LEN {
            return Err(GenerateError::PasswordOverCryptLimit {
                len: password.len(),
                max: MAX_PASSWORD_LEN,
            });
        }
        let end = salt
            .iter()
            .position(|&b| b == b'$' || b == 0)
            .unwrap_or(salt.len())
            .min(MAX_SALT_LEN);
        let salt = salt[..end].to_vec();
        let checksum = checksum(variant, password, &salt, rounds.unwrap_or(DEFAULT_ROUNDS));
        Ok(Self {
            variant,
            rounds,
            salt,
            checksum,
        })
    }

    /// Parses a stored hash, strictly: the salt must be at most 16 bytes (glibc would cut a
    /// longer one and so never reproduce the stored string), the checksum exactly 43 or 86
    /// crypt characters.
    ///
    /// # Errors
    /// [`HashParseError`] naming what is wrong.
    pub fn parse(stored: &[u8]) -> Result<Self, HashParseError> {
        let variant = if stored.starts_with(b"$5$") {
            ShaVariant::Sha256
        } else if stored.starts_with(b"$6$") {
            ShaVariant::Sha512
        } else {
            return Err(HashParseError::UnknownScheme);
        };
        let scheme = variant.scheme();
        let mut rest = &stored[3..];
        let mut offset = 3;
        let mut rounds = None;
        if let Some(after) = rest.strip_prefix(b"rounds=") {
            let end = after
                .iter()
                .position(|&b| b == b'$')
                .ok_or(HashParseError::MissingSeparator { scheme })?;
            let digits = &after[..end];
            if digits.is_empty()
                || digits.len() > 9
                || digits[0] == b'0'
                || !digits.iter().all(u8::is_ascii_digit)
            {
                return Err(HashParseError::Rounds);
            }
            let r = digits
                .iter()
                .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'));
            if !(MIN_ROUNDS..=MAX_ROUNDS).contains(&r) {
                return Err(HashParseError::Rounds);
            }
            rounds = Some(r);
            rest = &after[end + 1..];
            offset += 7 + end + 1;
        }
        let end = rest
            .iter()
            .position(|&b| b == b'$')
            .ok_or(HashParseError::MissingSeparator { scheme })?;
        let salt = &rest[..end];
        if salt.len() > MAX_SALT_LEN {
            return Err(HashParseError::Length {
                scheme,
                part: "salt",
                len: salt.len(),
            });
        }
        if let Some(i) = salt.iter().position(|&b| b == 0 || b == b':' || b == b'\n') {
            return Err(HashParseError::InvalidChar {
                scheme,
                index: offset + i,
            });
        }
        let checksum = &rest[end + 1..];
        if checksum.len() != variant.checksum_len() {
            return Err(HashParseError::Length {
                scheme,
                part: "checksum",
                len: checksum.len(),
            });
        }
        if let Some(i) = checksum.iter().position(|&b| !is_crypt_char(b)) {
            return Err(HashParseError::InvalidChar {
                scheme,
                index: offset + end + 1 + i,
            });
        }
        Ok(Self {
            variant,
            rounds,
            salt: salt.to_vec(),
            checksum: checksum.to_vec(),
        })
    }

    /// Checks `password`; the encoded checksums are compared in constant time (a stored
    /// checksum with non-canonical last character never matches, as with glibc). A password over
    /// [`MAX_PASSWORD_LEN`] bytes never matches and is not hashed, as with libxcrypt.
    #[must_use]
    pub fn verify(&self, password: &[u8]) -> bool {
        if password.len() > MAX_PASSWORD_LEN {
            return false;
        }
        let computed = checksum(
            self.variant,
            password,
            &self.salt,
            self.rounds.unwrap_or(DEFAULT_ROUNDS),
        );
        computed.ct_eq(&self.checksum).into()
    }

    /// The variant.
    #[must_use]
    pub fn variant(&self) -> ShaVariant {
        self.variant
    }

    /// The rounds as written (`None`: absent, 5000).
    #[must_use]
    pub fn rounds(&self) -> Option<u32> {
        self.rounds
    }

    /// The salt.
    #[must_use]
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The hash string.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(3 + 17 + MAX_SALT_LEN + 1 + 86);
        out.extend_from_slice(self.variant.prefix().as_bytes());
        if let Some(r) = self.rounds {
            out.extend_from_slice(format!("rounds={r}$").as_bytes());
        }
        out.extend_from_slice(&self.salt);
        out.push(b'$');
        out.extend_from_slice(&self.checksum);
        out
    }
}

/// Generates a hash with a fresh 16-character salt from the OS CSPRNG; `rounds=` is written
/// only when `rounds` is `Some` (as Apache `htpasswd -r`).
///
/// # Errors
/// [`GenerateError::Rounds`] for rounds outside 1000..=999999999,
/// [`GenerateError::PasswordOverCryptLimit`] for a password over [`MAX_PASSWORD_LEN`] bytes,
/// [`GenerateError::Random`] when the OS CSPRNG fails.
pub fn generate(
    variant: ShaVariant,
    password: &[u8],
    rounds: Option<u32>,
) -> Result<ShaCryptHash, GenerateError> {
    let salt = random_crypt_chars::<MAX_SALT_LEN>()?;
    ShaCryptHash::new(variant, password, &salt, rounds)
}

impl fmt::Display for ShaCryptHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

impl fmt::Debug for ShaCryptHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ShaCryptHash({self})")
    }
}
