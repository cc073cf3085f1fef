//! Passwords stored as they are: nginx's `{PLAIN}` prefix, and bare plaintext as Apache
//! `htpasswd -p` writes it (which Apache itself checks only on Windows and NetWare).
//!
//! The stored bytes are the password, so they are wiped when dropped and never shown by
//! `Debug`. Generation refuses passwords that would not survive a round trip through an
//! htpasswd file: `:` (nginx ends the hash there), CR, LF and NUL, and, for bare plaintext,
//! anything [`Scheme::classify`] would read as another scheme (a `$`, `{`, `!` or `*` start, 13
//! crypt-alphabet characters, the empty password).
//!
//! ```
//! use htpasswd_core::crypt::plain::{PlainHash, PlainKind};
//!
//! let stored = PlainHash::parse(b"{PLAIN}secret")?;
//! assert_eq!(stored.kind(), PlainKind::Prefixed);
//! assert!(stored.verify(b"secret"));
//! assert!(!stored.verify(b"Secret"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::error::{GenerateError, HashParseError};
use super::scheme::Scheme;

/// Which plain form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlainKind {
    /// `{PLAIN}` + password (nginx).
    Prefixed,
    /// The bare password (`htpasswd -p`).
    Bare,
}

/// A stored plain password.
#[derive(Clone, PartialEq, Eq)]
pub struct PlainHash {
    kind: PlainKind,
    password: Zeroizing<Vec<u8>>,
}

fn check_storable(password: &[u8]) -> Result<(), GenerateError> {
    let reason = if password.contains(&b':') {
        "it contains ':', which ends the hash field"
    } else if password.iter().any(|&b| b == b'\n' || b == b'\r') {
        "it contains a line break"
    } else if password.contains(&0) {
        "it contains a NUL byte"
    } else {
        return Ok(());
    };
    Err(GenerateError::UnstorablePassword { reason })
}

impl PlainHash {
    /// Stores `password` in the given form.
    ///
    /// # Errors
    /// [`GenerateError::UnstorablePassword`] when the password holds `:`, CR, LF or NUL, or (bare
    /// form) would be read back as another scheme.
    pub fn new(kind: PlainKind, password: &[u8]) -> Result<Self, GenerateError> {
        check_storable(password)?;
        if kind == PlainKind::Bare && Scheme::classify(password) != Scheme::Plaintext {
            return Err(GenerateError::UnstorablePassword {
                reason: "bare, it would be read as another hash scheme (use {PLAIN})",
            });
        }
        Ok(Self {
            kind,
            password: Zeroizing::new(password.to_vec()),
        })
    }

    /// Reads a `{PLAIN}` field or a field [`Scheme::classify`] calls plaintext.
    ///
    /// # Errors
    /// [`HashParseError::UnknownScheme`] for a field of another scheme.
    pub fn parse(stored: &[u8]) -> Result<Self, HashParseError> {
        let (kind, password) = match Scheme::classify(stored) {
            Scheme::Plain => (PlainKind::Prefixed, &stored[b"{PLAIN}".len()..]),
            Scheme::Plaintext => (PlainKind::Bare, stored),
            _ => return Err(HashParseError::UnknownScheme),
        };
        Ok(Self {
            kind,
            password: Zeroizing::new(password.to_vec()),
        })
    }

    /// The form.
    #[must_use]
    pub fn kind(&self) -> PlainKind {
        self.kind
    }

    /// Checks `password` in constant time (for equal lengths; the length itself is not hidden).
    #[must_use]
    pub fn verify(&self, password: &[u8]) -> bool {
        self.password.as_slice().ct_eq(password).into()
    }

    /// The field as stored (holds the password: wipe it after use).
    #[must_use]
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(7 + self.password.len()));
        if self.kind == PlainKind::Prefixed {
            out.extend_from_slice(b"{PLAIN}");
        }
        out.extend_from_slice(&self.password);
        out
    }
}

impl fmt::Debug for PlainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlainHash({:?}, <redacted>)", self.kind)
    }
}
