//! Which hash scheme the hash field of an htpasswd line uses.
//!
//! [`Scheme::classify`] looks at the bytes of the hash field only (the text after the first `:`
//! up to the end of the line or the next `:`), never at the password. It answers from the prefix
//! (`$apr1$`, `$2y$`, `{SHA}`, ...) or, for prefix-less fields, from the shape: 13 characters of
//! the crypt alphabet are traditional DES crypt, anything else without a `$`, `{`, `*` or `!`
//! start is plaintext as Apache's `htpasswd -p` writes it. Everything else (`$gy$`, `$7$`,
//! `$argon2i$`, ...) is [`Scheme::Unknown`], which no verifier ever treats as a match or as
//! plaintext.
//!
//! ```
//! use htpasswd_core::crypt::{BcryptVersion, Scheme};
//!
//! assert_eq!(Scheme::classify(b"$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/"), Scheme::Apr1);
//! assert_eq!(
//!     Scheme::classify(b"$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS"),
//!     Scheme::Bcrypt(BcryptVersion::V2y)
//! );
//! assert_eq!(Scheme::classify(b"XzxaQei6hAl2U"), Scheme::DesCrypt);
//! assert_eq!(Scheme::classify(b"$y$j9T$abcdefgh$UGYCVcUwcoG0k8SZZ.Uz3i0RYQNy1YmYj4I4poBPer2"), Scheme::Yescrypt);
//! assert_eq!(Scheme::classify(b"$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"), Scheme::Argon2id);
//! assert_eq!(Scheme::classify(b"$argon2i$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"), Scheme::Unknown);
//! ```

use core::fmt;

/// The four bcrypt version letters found in the wild.
///
/// All four compute the same hash for passwords without bytes >= 0x80; `$2x$` marks hashes made
/// by the pre-2011 crypt_blowfish that mishandled such bytes, `$2a$` is the original, `$2b$`
/// (OpenBSD) and `$2y$` (crypt_blowfish, Apache) mark the fixed implementations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BcryptVersion {
    /// `$2a$`.
    V2a,
    /// `$2b$`.
    V2b,
    /// `$2x$`.
    V2x,
    /// `$2y$`: what Apache `htpasswd -B` writes.
    V2y,
}

impl BcryptVersion {
    /// Every version, in prefix order.
    pub const ALL: [Self; 4] = [Self::V2a, Self::V2b, Self::V2x, Self::V2y];

    /// The prefix of a stored hash: `$2a$`, `$2b$`, `$2x$` or `$2y$`.
    #[must_use]
    pub const fn prefix(self) -> &'static str {
        match self {
            Self::V2a => "$2a$",
            Self::V2b => "$2b$",
            Self::V2x => "$2x$",
            Self::V2y => "$2y$",
        }
    }

    /// The version letter: `a`, `b`, `x` or `y`.
    #[must_use]
    pub const fn letter(self) -> u8 {
        self.prefix().as_bytes()[2]
    }

    /// The version whose prefix starts `stored`.
    #[must_use]
    pub fn from_prefix(stored: &[u8]) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| stored.starts_with(v.prefix().as_bytes()))
    }
}

/// A password hash scheme that may appear in the hash field of an htpasswd line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scheme {
    /// Apache's md5-crypt, `$apr1$` (`htpasswd -m`, the default).
    Apr1,
    /// The original md5-crypt, `$1$` (`openssl passwd -1`).
    Md5Crypt,
    /// bcrypt, `$2a$`, `$2b$`, `$2x$` or `$2y$` (`htpasswd -B` writes `$2y$`).
    Bcrypt(BcryptVersion),
    /// SHA-256-crypt, `$5$` with optional `rounds=` (`htpasswd -2`).
    Sha256Crypt,
    /// SHA-512-crypt, `$6$` with optional `rounds=` (`htpasswd -5`).
    Sha512Crypt,
    /// Unsalted SHA-1, `{SHA}` + base64 (`htpasswd -s`).
    Sha1,
    /// Salted SHA-1, `{SSHA}` + base64(digest + salt) (OpenLDAP; nginx checks it).
    Ssha,
    /// `{PLAIN}` + the password (nginx only).
    Plain,
    /// Traditional DES crypt: 2 salt + 11 hash characters (`htpasswd -d`).
    DesCrypt,
    /// yescrypt, `$y$` (verification only: what `/etc/shadow` and Debian's `mkpasswd` hold;
    /// nginx on libxcrypt checks it).
    Yescrypt,
    /// The password itself, as `htpasswd -p` writes it. Apache checks it only on Windows and
    /// NetWare; no Unix server accepts it.
    Plaintext,
    /// argon2id as a PHC string, `$argon2id$v=19$m=...,t=...,p=...$salt$hash` (Caddy 2.11+).
    Argon2id,
    /// Anything else: `$gy$`, `$7$`, `$argon2i$`, `{SSHA512}`, locked (`!`, `*`) or empty
    /// fields. Never a match, never plaintext.
    Unknown,
}

/// The crypt base64 alphabet `./0-9A-Za-z`.
pub(crate) fn is_crypt_char(b: u8) -> bool {
    b == b'.' || b == b'/' || b.is_ascii_alphanumeric()
}

impl Scheme {
    /// Every scheme, `Unknown` last.
    pub const ALL: [Self; 16] = [
        Self::Apr1,
        Self::Md5Crypt,
        Self::Bcrypt(BcryptVersion::V2a),
        Self::Bcrypt(BcryptVersion::V2b),
        Self::Bcrypt(BcryptVersion::V2x),
        Self::Bcrypt(BcryptVersion::V2y),
        Self::Sha256Crypt,
        Self::Sha512Crypt,
        Self::Sha1,
        Self::Ssha,
        Self::Plain,
        Self::DesCrypt,
        Self::Yescrypt,
        Self::Plaintext,
        Self::Argon2id,
        Self::Unknown,
    ];

    /// Says which scheme the hash field `hash_field` uses, from its prefix or shape alone. The
    /// field is taken byte for byte: no whitespace is trimmed, so the caller passes the field
    /// without its line ending (nginx ends the field at CR, LF or `:`; Apache strips trailing
    /// whitespace); a DES hash with a `\r` left on it reads as plaintext.
    ///
    /// A known prefix decides the scheme even when the rest is malformed; parsing the hash
    /// reports the malformation.
    #[must_use]
    pub fn classify(hash_field: &[u8]) -> Self {
        match hash_field.first() {
            None | Some(b'*' | b'!') => Self::Unknown,
            Some(b'$') => {
                if hash_field.starts_with(b"$apr1$") {
                    Self::Apr1
                } else if hash_field.starts_with(b"$1$") {
                    Self::Md5Crypt
                } else if let Some(v) = BcryptVersion::from_prefix(hash_field) {
                    Self::Bcrypt(v)
                } else if hash_field.starts_with(b"$5$") {
                    Self::Sha256Crypt
                } else if hash_field.starts_with(b"$6$") {
                    Self::Sha512Crypt
                } else if hash_field.starts_with(b"$y$") {
                    Self::Yescrypt
                } else if hash_field.starts_with(b"$argon2id$") {
                    Self::Argon2id
                } else {
                    Self::Unknown
                }
            }
            Some(b'{') => {
                if hash_field.starts_with(b"{SHA}") {
                    Self::Sha1
                } else if hash_field.starts_with(b"{SSHA}") {
                    Self::Ssha
                } else if hash_field.starts_with(b"{PLAIN}") {
                    Self::Plain
                } else {
                    Self::Unknown
                }
            }
            Some(_) => {
                if hash_field.len() == 13 && hash_field.iter().all(|&b| is_crypt_char(b)) {
                    Self::DesCrypt
                } else {
                    Self::Plaintext
                }
            }
        }
    }

    /// A short lower-case name for messages and tables: `apr1`, `md5-crypt`, `bcrypt-2y`,
    /// `sha256-crypt`, `sha512-crypt`, `sha1`, `ssha`, `plain`, `des-crypt`, `yescrypt`,
    /// `plaintext`, `argon2id`, `unknown`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Apr1 => "apr1",
            Self::Md5Crypt => "md5-crypt",
            Self::Bcrypt(BcryptVersion::V2a) => "bcrypt-2a",
            Self::Bcrypt(BcryptVersion::V2b) => "bcrypt-2b",
            Self::Bcrypt(BcryptVersion::V2x) => "bcrypt-2x",
            Self::Bcrypt(BcryptVersion::V2y) => "bcrypt-2y",
            Self::Sha256Crypt => "sha256-crypt",
            Self::Sha512Crypt => "sha512-crypt",
            Self::Sha1 => "sha1",
            Self::Ssha => "ssha",
            Self::Plain => "plain",
            Self::DesCrypt => "des-crypt",
            Self::Yescrypt => "yescrypt",
            Self::Plaintext => "plaintext",
            Self::Argon2id => "argon2id",
            Self::Unknown => "unknown",
        }
    }

    /// The prefix that marks the scheme in a stored hash (`$apr1$`, `{SHA}`, ...); `None` for
    /// DES crypt, plaintext and unknown fields, which have none.
    #[must_use]
    pub const fn prefix(self) -> Option<&'static str> {
        match self {
            Self::Apr1 => Some("$apr1$"),
            Self::Md5Crypt => Some("$1$"),
            Self::Bcrypt(v) => Some(v.prefix()),
            Self::Sha256Crypt => Some("$5$"),
            Self::Sha512Crypt => Some("$6$"),
            Self::Sha1 => Some("{SHA}"),
            Self::Ssha => Some("{SSHA}"),
            Self::Plain => Some("{PLAIN}"),
            Self::Yescrypt => Some("$y$"),
            Self::Argon2id => Some("$argon2id$"),
            Self::DesCrypt | Self::Plaintext | Self::Unknown => None,
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
