//! Error types of the hash schemes. Messages never contain a password.

use core::fmt;

/// The operating system's random number generator failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomError(getrandom::Error);

impl RandomError {
    pub(crate) fn new(inner: getrandom::Error) -> Self {
        Self(inner)
    }
}

impl fmt::Display for RandomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the operating system's random number generator failed: {}",
            self.0
        )
    }
}

impl std::error::Error for RandomError {}

/// A salt that md5-crypt cannot use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SaltError {
    /// More than 8 bytes.
    TooLong {
        /// Length of the salt given.
        len: usize,
    },
    /// A `$`, which ends the salt in a stored hash.
    Dollar {
        /// Byte index of the `$`.
        index: usize,
    },
    /// A NUL byte.
    Nul {
        /// Byte index of the NUL.
        index: usize,
    },
}

impl fmt::Display for SaltError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { len } => {
                write!(f, "salt is {len} bytes long; md5-crypt salts are at most 8")
            }
            Self::Dollar { index } => write!(
                f,
                "salt contains '$' at byte {index}; '$' ends the salt in a stored hash"
            ),
            Self::Nul { index } => write!(f, "salt contains a NUL byte at byte {index}"),
        }
    }
}

impl std::error::Error for SaltError {}

/// Why a stored md5-crypt hash could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Md5ParseError {
    /// The hash does not start with `$apr1$` or `$1$`.
    UnknownPrefix,
    /// No `$` ends the salt.
    MissingSaltTerminator,
    /// The salt is longer than 8 bytes.
    SaltTooLong {
        /// Length of the salt found.
        len: usize,
    },
    /// The salt holds a NUL byte.
    NulInSalt,
    /// The checksum is not 22 characters long.
    ChecksumLength {
        /// Length of the checksum found.
        len: usize,
    },
    /// A checksum character is not in the crypt alphabet `./0-9A-Za-z`.
    InvalidChecksumChar {
        /// Byte index in the whole hash string.
        index: usize,
    },
    /// The last checksum character encodes bits no digest has.
    NonCanonicalChecksum,
}

impl fmt::Display for Md5ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownPrefix => {
                f.write_str("md5-crypt hash does not start with '$apr1$' or '$1$'")
            }
            Self::MissingSaltTerminator => {
                f.write_str("md5-crypt hash has no '$' between salt and checksum")
            }
            Self::SaltTooLong { len } => {
                write!(
                    f,
                    "md5-crypt salt is {len} bytes long; at most 8 are allowed"
                )
            }
            Self::NulInSalt => f.write_str("md5-crypt salt contains a NUL byte"),
            Self::ChecksumLength { len } => write!(
                f,
                "md5-crypt checksum is {len} characters long; it must be 22"
            ),
            Self::InvalidChecksumChar { index } => write!(
                f,
                "md5-crypt checksum has a character outside './0-9A-Za-z' at byte {index}"
            ),
            Self::NonCanonicalChecksum => f.write_str(
                "md5-crypt checksum is not canonical: its last character is out of range",
            ),
        }
    }
}

impl std::error::Error for Md5ParseError {}

/// Why the hash field of an htpasswd line could not be read as a hash of its scheme. Messages
/// name the scheme and the defect, never a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HashParseError {
    /// The field is of no scheme this library knows (`$gy$`, `$argon2i$`, locked or empty
    /// fields, ...).
    UnknownScheme,
    /// A malformed `$apr1$` or `$1$` hash.
    Md5(Md5ParseError),
    /// The field (or the part of it named by `part`) has the wrong length.
    Length {
        /// The scheme the field's prefix or shape names.
        scheme: super::Scheme,
        /// Which part: `hash`, `salt`, `checksum`, ...
        part: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// A byte that the scheme's alphabet does not allow.
    InvalidChar {
        /// The scheme the field's prefix or shape names.
        scheme: super::Scheme,
        /// Byte index in the whole field.
        index: usize,
    },
    /// A bcrypt cost that is not two digits from `04` to `31`.
    BcryptCost,
    /// A SHA-crypt `rounds=` that is not a decimal number from 1000 to 999999999 without
    /// leading zeros.
    Rounds,
    /// A `$` that separates the parts of the hash is missing.
    MissingSeparator {
        /// The scheme the field's prefix names.
        scheme: super::Scheme,
    },
    /// The base64 after `{SHA}` or `{SSHA}` does not decode, or decodes to the wrong length.
    Base64 {
        /// The scheme the field's prefix names.
        scheme: super::Scheme,
    },
    /// yescrypt parameters this verifier does not take: not the three characters (flavour, N,
    /// r) that libxcrypt writes, not valid, or over 1 GiB of memory per check.
    YescryptParams,
    /// argon2id parameters this verifier does not take: a version other than `v=19`, or not
    /// `m=M,t=T,p=P` in that order with values argon2 allows (parallelism at most 16).
    Argon2Params,
    /// A well-formed hash whose cost parameter is over the verification ceiling
    /// ([`CostLimits`](super::CostLimits)): checking it would cost far more than any normal
    /// entry (a bcrypt cost-31 line costs about 35 hours per check).
    TooCostly {
        /// The scheme.
        scheme: super::Scheme,
        /// Which parameter: `cost` (bcrypt), `rounds` (SHA-crypt), `memory (bytes)` (yescrypt,
        /// argon2id) or `passes` (argon2id).
        what: &'static str,
        /// Its value.
        cost: u64,
        /// The ceiling it exceeds, in the same unit.
        max: u64,
    },
}

impl fmt::Display for HashParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownScheme => f.write_str("hash is of an unknown scheme"),
            Self::Md5(e) => e.fmt(f),
            Self::Length { scheme, part, len } => {
                write!(f, "{scheme} {part} has the wrong length ({len} bytes)")
            }
            Self::InvalidChar { scheme, index } => {
                write!(f, "{scheme} hash has an invalid character at byte {index}")
            }
            Self::BcryptCost => f.write_str("bcrypt cost is not two digits from 04 to 31"),
            Self::Rounds => f.write_str(
                "sha-crypt rounds= is not a number from 1000 to 999999999 without leading zeros",
            ),
            Self::MissingSeparator { scheme } => write!(f, "{scheme} hash lacks a '$' separator"),
            Self::Base64 { scheme } => {
                write!(f, "{scheme} hash is not valid base64 of the right length")
            }
            Self::YescryptParams => f.write_str(
                "yescrypt parameters are not the three characters libxcrypt writes, or need over \
                 1 GiB of memory",
            ),
            Self::Argon2Params => f.write_str(
                "argon2id parameters are not 'v=19$m=M,t=T,p=P' with values argon2 allows \
                 (parallelism at most 16)",
            ),
            Self::TooCostly {
                scheme,
                what,
                cost,
                max,
            } => write!(
                f,
                "{scheme} hash is too costly to check: {what} {cost} is over the ceiling of {max}"
            ),
        }
    }
}

impl std::error::Error for HashParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Md5(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Md5ParseError> for HashParseError {
    fn from(e: Md5ParseError) -> Self {
        Self::Md5(e)
    }
}

/// Why a hash could not be generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GenerateError {
    /// The operating system's random number generator failed (no salt).
    Random(RandomError),
    /// A bcrypt cost outside 4..=17 (Apache `htpasswd -C` accepts the same range).
    BcryptCost {
        /// The cost asked for.
        cost: u32,
    },
    /// A password longer than libxcrypt's `crypt()` takes (511 bytes): no server built on it
    /// could check the hash (SHA-crypt refuses it at generation).
    PasswordOverCryptLimit {
        /// The password's length in bytes.
        len: usize,
        /// The longest password `crypt()` takes.
        max: usize,
    },
    /// A password longer than bcrypt's 72 bytes, and truncation was not asked for.
    PasswordTooLong {
        /// The password's length in bytes.
        len: usize,
        /// The longest password the scheme uses whole.
        max: usize,
    },
    /// A SHA-crypt rounds count outside 1000..=999999999.
    Rounds {
        /// The rounds asked for.
        rounds: u32,
    },
    /// A yescrypt cost outside libxcrypt's `crypt_gensalt` range 1..=11.
    YescryptCost {
        /// The cost asked for.
        cost: u32,
    },
    /// argon2id parameters outside what we generate: memory from 8 x parallelism KiB to 1 GiB,
    /// time 1..=10, parallelism 1..=16.
    Argon2Params {
        /// Memory asked for, KiB.
        memory_kib: u32,
        /// Passes asked for.
        time: u32,
        /// Lanes asked for.
        parallelism: u32,
    },
    /// A password that cannot be stored as plaintext or `{PLAIN}` in an htpasswd file.
    UnstorablePassword {
        /// Why (never the password itself).
        reason: &'static str,
    },
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Random(e) => e.fmt(f),
            Self::BcryptCost { cost } => {
                write!(
                    f,
                    "bcrypt cost {cost} is out of range; it must be from 4 to 17"
                )
            }
            Self::PasswordOverCryptLimit { len, max } => write!(
                f,
                "password is {len} bytes long; libxcrypt's crypt() refuses passwords over {max} \
                 bytes, so no server could check the hash"
            ),
            Self::PasswordTooLong { len, max } => write!(
                f,
                "password is {len} bytes long; bcrypt uses only the first {max}, \
                 so it is refused unless truncation is asked for"
            ),
            Self::Rounds { rounds } => write!(
                f,
                "sha-crypt rounds {rounds} is out of range; it must be from 1000 to 999999999"
            ),
            Self::YescryptCost { cost } => write!(
                f,
                "yescrypt cost {cost} is out of range; it must be from 1 to 11 (as libxcrypt's \
                 crypt_gensalt)"
            ),
            Self::Argon2Params {
                memory_kib,
                time,
                parallelism,
            } => write!(
                f,
                "argon2id parameters m={memory_kib},t={time},p={parallelism} are out of range; \
                 memory must be from 8 x p KiB to 1048576 KiB (1 GiB), time from 1 to 10, \
                 parallelism from 1 to 16"
            ),
            Self::UnstorablePassword { reason } => {
                write!(f, "password cannot be stored in plain text: {reason}")
            }
        }
    }
}

impl std::error::Error for GenerateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Random(e) => Some(e),
            _ => None,
        }
    }
}

impl From<RandomError> for GenerateError {
    fn from(e: RandomError) -> Self {
        Self::Random(e)
    }
}
