//! The hash schemes passwords given in clear are hashed with.

use core::fmt;

use htpasswd_core::crypt::{HashParams, Scheme};

/// The hash scheme for passwords given in clear (`--scheme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HashScheme {
    /// `$apr1$` (what `openssl passwd -apr1` and `htpasswd -m` write).
    #[default]
    Apr1,
    /// bcrypt `$2y$`, cost 5 (as `htpasswd -B`); passwords over 72 bytes are refused.
    Bcrypt,
    /// SHA-256-crypt `$5$`, 5000 rounds.
    Sha256,
    /// SHA-512-crypt `$6$`, 5000 rounds.
    Sha512,
    /// Unsalted `{SHA}`: weak; only for controllers that accept nothing else.
    Sha1,
}

impl HashScheme {
    /// Every scheme, in the order `--help` lists them.
    pub const ALL: [Self; 5] = [
        Self::Apr1,
        Self::Bcrypt,
        Self::Sha256,
        Self::Sha512,
        Self::Sha1,
    ];

    /// The command-line name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Apr1 => "apr1",
            Self::Bcrypt => "bcrypt",
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
            Self::Sha1 => "sha1",
        }
    }

    /// The generation parameters.
    #[must_use]
    pub const fn params(self) -> HashParams {
        match self {
            Self::Apr1 => HashParams::Apr1,
            Self::Bcrypt => HashParams::BCRYPT_DEFAULT,
            Self::Sha256 => HashParams::Sha256Crypt { rounds: None },
            Self::Sha512 => HashParams::Sha512Crypt { rounds: None },
            Self::Sha1 => HashParams::Sha1,
        }
    }

    /// The scheme of the hashes it writes.
    #[must_use]
    pub const fn scheme(self) -> Scheme {
        self.params().scheme()
    }
}

impl fmt::Display for HashScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
