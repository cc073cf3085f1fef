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
    /// yescrypt `$y$` at libxcrypt's default cost 5 (16 MiB). No ingress controller is known to
    /// check it (ingress-nginx's musl `crypt()` has no yescrypt), so every controller refuses it.
    Yescrypt,
    /// argon2id, 19 MiB, 2 passes, 1 lane (OWASP). No ingress controller checks it, so every
    /// controller refuses it.
    Argon2id,
}

impl HashScheme {
    /// Every scheme, in the order `--help` lists them.
    pub const ALL: [Self; 7] = [
        Self::Apr1,
        Self::Bcrypt,
        Self::Sha256,
        Self::Sha512,
        Self::Sha1,
        Self::Yescrypt,
        Self::Argon2id,
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
            Self::Yescrypt => "yescrypt",
            Self::Argon2id => "argon2id",
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
            Self::Yescrypt => HashParams::YESCRYPT_DEFAULT,
            Self::Argon2id => HashParams::ARGON2ID_DEFAULT,
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

#[cfg(test)]
mod tests {
    use htpasswd_core::crypt::Scheme;

    use super::HashScheme;
    use crate::Controller;

    /// Issue 20: no controller can check yescrypt or argon2id, so `--scheme yescrypt|argon2id`
    /// is refused for every one (ingress-auth's `users_plan` refuses by this table).
    #[test]
    fn memory_hard_schemes_are_checked_by_no_controller() {
        assert_eq!(HashScheme::Yescrypt.scheme(), Scheme::Yescrypt);
        assert_eq!(HashScheme::Argon2id.scheme(), Scheme::Argon2id);
        for controller in Controller::ALL {
            for scheme in [HashScheme::Yescrypt, HashScheme::Argon2id] {
                assert!(
                    !scheme.scheme().supported_by(controller.target()),
                    "{controller} {scheme}"
                );
            }
            // Kong takes passwords in clear: no scheme applies (its default is never used).
            assert!(
                controller.takes_plaintext()
                    || controller
                        .default_scheme()
                        .scheme()
                        .supported_by(controller.target())
            );
        }
    }
}
