//! Any stored hash: parse by scheme, verify, and the dummy verification for unknown users.
//!
//! ```
//! use htpasswd_core::crypt::{Scheme, dummy_verify, verify};
//!
//! let stored = b"$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/";
//! assert_eq!(verify(b"myPassword", stored), Ok(true));
//! assert_eq!(verify(b"wrong", stored), Ok(false));
//! // An unknown scheme is an error, never a match.
//! assert!(verify(b"pw", b"$argon2i$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA").is_err());
//! // No such user: spend the same time as checking against a real entry, then fail.
//! assert!(!dummy_verify(b"myPassword", Some(stored)));
//! ```
//!
//! [`Hash::decoy`] picks the hash that stands in for a missing or unusable one: a hash of the
//! file's own scheme and cost, so that a check of an unknown user costs what a real one costs.

use core::fmt;
use std::collections::HashMap;

use super::argon2id::Argon2idHash;
use super::bcrypt::BcryptHash;
use super::des_crypt::DesCryptHash;
use super::error::HashParseError;
use super::limits::CostLimits;
use super::md5_crypt::{Md5CryptHash, Md5Variant};
use super::plain::PlainHash;
use super::scheme::Scheme;
use super::sha_crypt::ShaCryptHash;
use super::sha1::{Sha1Hash, SshaHash};
use super::yescrypt::YescryptHash;

/// A parsed stored hash of any known scheme.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hash {
    /// `$apr1$` or `$1$`.
    Md5(Md5CryptHash),
    /// `$2a$`, `$2b$`, `$2x$`, `$2y$`.
    Bcrypt(BcryptHash),
    /// `$5$` or `$6$`.
    ShaCrypt(ShaCryptHash),
    /// `{SHA}`.
    Sha1(Sha1Hash),
    /// `{SSHA}`.
    Ssha(SshaHash),
    /// Traditional DES crypt.
    Des(DesCryptHash),
    /// `{PLAIN}` or bare plaintext.
    Plain(PlainHash),
    /// `$y$`.
    Yescrypt(YescryptHash),
    /// `$argon2id$`.
    Argon2id(Argon2idHash),
}

/// The stand-in for "no usable hash" when no field of a file parses: `$apr1$` with an
/// 8-character salt, what Apache's htpasswd writes by default. Parsing it costs nothing; checking
/// a password against it costs one apr1 hash, like a real check.
const FALLBACK_DECOY: &[u8] = b"$apr1$dummysal$......................";

/// What decides the cost of checking a password against a hash: its scheme and, where the
/// scheme has one, its cost parameter (bcrypt cost, SHA-crypt rounds, yescrypt memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, core::hash::Hash)]
struct CostClass {
    scheme: Scheme,
    cost: u64,
}

impl Hash {
    /// Classifies `field` ([`Scheme::classify`]) and parses it as that scheme, byte for byte.
    ///
    /// Entries whose cost is over the default [`CostLimits`] are refused as
    /// [`HashParseError::TooCostly`]; [`parse_with_limits`](Self::parse_with_limits) takes other
    /// ceilings.
    ///
    /// # Errors
    /// [`HashParseError::UnknownScheme`] for [`Scheme::Unknown`], [`HashParseError::TooCostly`]
    /// past the default ceilings, otherwise the scheme's own parse error.
    pub fn parse(field: &[u8]) -> Result<Self, HashParseError> {
        Self::parse_with_limits(field, &CostLimits::DEFAULT)
    }

    /// [`parse`](Self::parse) with the cost ceilings `limits`.
    ///
    /// # Errors
    /// As [`parse`](Self::parse), with [`HashParseError::TooCostly`] past `limits`.
    pub fn parse_with_limits(field: &[u8], limits: &CostLimits) -> Result<Self, HashParseError> {
        let hash = Self::parse_any_cost(field)?;
        limits.admit(&hash)?;
        Ok(hash)
    }

    /// Parses without a cost ceiling (only the schemes' own bounds).
    fn parse_any_cost(field: &[u8]) -> Result<Self, HashParseError> {
        Ok(match Scheme::classify(field) {
            Scheme::Apr1 | Scheme::Md5Crypt => Self::Md5(Md5CryptHash::parse(field)?),
            Scheme::Bcrypt(_) => Self::Bcrypt(BcryptHash::parse(field)?),
            Scheme::Sha256Crypt | Scheme::Sha512Crypt => {
                Self::ShaCrypt(ShaCryptHash::parse(field)?)
            }
            Scheme::Sha1 => Self::Sha1(Sha1Hash::parse(field)?),
            Scheme::Ssha => Self::Ssha(SshaHash::parse(field)?),
            Scheme::DesCrypt => Self::Des(DesCryptHash::parse(field)?),
            Scheme::Plain | Scheme::Plaintext => Self::Plain(PlainHash::parse(field)?),
            Scheme::Yescrypt => Self::Yescrypt(YescryptHash::parse(field)?),
            Scheme::Argon2id => Self::Argon2id(Argon2idHash::parse(field)?),
            Scheme::Unknown => return Err(HashParseError::UnknownScheme),
        })
    }

    /// The scheme.
    #[must_use]
    pub fn scheme(&self) -> Scheme {
        match self {
            Self::Md5(h) => match h.variant() {
                Md5Variant::Apr1 => Scheme::Apr1,
                Md5Variant::Md5Crypt => Scheme::Md5Crypt,
            },
            Self::Bcrypt(h) => Scheme::Bcrypt(h.version()),
            Self::ShaCrypt(h) => h.variant().scheme(),
            Self::Sha1(_) => Scheme::Sha1,
            Self::Ssha(_) => Scheme::Ssha,
            Self::Des(_) => Scheme::DesCrypt,
            Self::Plain(h) => match h.kind() {
                super::plain::PlainKind::Prefixed => Scheme::Plain,
                super::plain::PlainKind::Bare => Scheme::Plaintext,
            },
            Self::Yescrypt(_) => Scheme::Yescrypt,
            Self::Argon2id(_) => Scheme::Argon2id,
        }
    }

    /// The hash a timing-safe check works against when the stored one is missing (no such user)
    /// or unusable (does not parse): among the `fields` that parse, the first one of the most
    /// common scheme-and-cost (bcrypt cost, SHA-crypt rounds, yescrypt memory; ties go to the one
    /// seen first); when none parses (an empty file), an `$apr1$` hash with an 8-character salt,
    /// Apache's default. Checking any password against the decoy costs what checking it against
    /// a typical hash of `fields` costs; its outcome must be thrown away.
    ///
    /// ```
    /// use htpasswd_core::crypt::{Hash, Scheme};
    ///
    /// let fields: [&[u8]; 3] = [
    ///     b"$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/",
    ///     b"not a hash",
    ///     b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1",
    /// ];
    /// assert_eq!(Hash::decoy(fields).scheme(), Scheme::Apr1);
    /// assert_eq!(Hash::decoy([]).scheme(), Scheme::Apr1);
    /// ```
    ///
    /// Fields past the default [`CostLimits`] do not parse, so they never make the decoy;
    /// [`decoy_with_limits`](Self::decoy_with_limits) takes other ceilings.
    #[must_use]
    pub fn decoy<'a>(fields: impl IntoIterator<Item = &'a [u8]>) -> Self {
        Self::decoy_with_limits(fields, &CostLimits::DEFAULT)
    }

    /// [`decoy`](Self::decoy) among the fields that parse within `limits`.
    #[must_use]
    pub fn decoy_with_limits<'a>(
        fields: impl IntoIterator<Item = &'a [u8]>,
        limits: &CostLimits,
    ) -> Self {
        // Per cost class: how many fields, and the first parsed hash with its position.
        let mut classes: HashMap<CostClass, (usize, usize, Self)> = HashMap::new();
        for (position, field) in fields.into_iter().enumerate() {
            let Ok(hash) = Self::parse_with_limits(field, limits) else {
                continue;
            };
            classes
                .entry(hash.cost_class())
                .and_modify(|(count, _, _)| *count += 1)
                .or_insert((1, position, hash));
        }
        classes
            .into_values()
            // Most fields first, then earliest first seen.
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, _, hash)| hash)
            .unwrap_or_else(Self::fallback_decoy)
    }

    /// The decoy of a file without one usable hash ([`FALLBACK_DECOY`]).
    fn fallback_decoy() -> Self {
        Self::parse(FALLBACK_DECOY).unwrap_or_else(|_| Self::Sha1(Sha1Hash::new(b"")))
    }

    /// The scheme and cost parameter: hashes of one class cost the same to check.
    fn cost_class(&self) -> CostClass {
        let cost = match self {
            Self::Bcrypt(h) => u64::from(h.cost()),
            Self::ShaCrypt(h) => u64::from(h.rounds().unwrap_or(5000)),
            Self::Yescrypt(h) => h.memory_bytes(),
            Self::Argon2id(h) => {
                let p = h.params();
                (u64::from(p.memory_kib) << 32)
                    | (u64::from(p.time) << 8)
                    | u64::from(p.parallelism)
            }
            _ => 0,
        };
        CostClass {
            scheme: self.scheme(),
            cost,
        }
    }

    /// Checks `password` (raw bytes); the final comparison is constant-time.
    #[must_use]
    pub fn verify(&self, password: &[u8]) -> bool {
        match self {
            Self::Md5(h) => h.verify(password),
            Self::Bcrypt(h) => h.verify(password),
            Self::ShaCrypt(h) => h.verify(password),
            Self::Sha1(h) => h.verify(password),
            Self::Ssha(h) => h.verify(password),
            Self::Des(h) => h.verify(password),
            Self::Plain(h) => h.verify(password),
            Self::Yescrypt(h) => h.verify(password),
            Self::Argon2id(h) => h.verify(password),
        }
    }

    /// The stored form, byte for byte as parsed (for plain forms this holds the password).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::Md5(h) => h.to_bytes(),
            Self::Bcrypt(h) => h.to_bytes(),
            Self::ShaCrypt(h) => h.to_bytes(),
            Self::Sha1(h) => h.to_bytes(),
            Self::Ssha(h) => h.to_bytes(),
            Self::Des(h) => h.to_bytes(),
            Self::Plain(h) => h.to_bytes().to_vec(),
            Self::Yescrypt(h) => h.to_bytes(),
            Self::Argon2id(h) => h.to_bytes(),
        }
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Md5(h) => h.fmt(f),
            Self::Bcrypt(h) => h.fmt(f),
            Self::ShaCrypt(h) => h.fmt(f),
            Self::Sha1(h) => h.fmt(f),
            Self::Ssha(h) => h.fmt(f),
            Self::Des(h) => h.fmt(f),
            Self::Plain(h) => h.fmt(f),
            Self::Yescrypt(h) => h.fmt(f),
            Self::Argon2id(h) => h.fmt(f),
        }
    }
}

/// Parses `stored` (an htpasswd hash field) and checks `password` against it.
///
/// # Errors
/// [`HashParseError`] when `stored` is of an unknown scheme, malformed, or past the default
/// [`CostLimits`] (then nothing is hashed): never a match.
pub fn verify(password: &[u8], stored: &[u8]) -> Result<bool, HashParseError> {
    Ok(Hash::parse(stored)?.verify(password))
}

/// For a user who does not exist: does the work of verifying `password` against `like` (a hash
/// of the same file, so the same scheme and cost as real users) or, without a usable `like`,
/// against the [`Hash::decoy`] of an empty file (one `$apr1$` hash), and returns `false` whatever
/// the outcome. A caller that runs this for unknown users makes "no such user" take as long as
/// "wrong password"; [`HtpasswdFile::check`](crate::htpasswd::HtpasswdFile::check) does it for
/// every file.
#[must_use]
pub fn dummy_verify(password: &[u8], like: Option<&[u8]>) -> bool {
    let target = Hash::decoy(like);
    let _ = core::hint::black_box(target.verify(core::hint::black_box(password)));
    false
}
