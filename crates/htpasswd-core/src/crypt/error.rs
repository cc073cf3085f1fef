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
