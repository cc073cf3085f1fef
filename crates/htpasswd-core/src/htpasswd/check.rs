//! The one-call, timing-safe password check.
//!
//! A check that answers "no such user" at once, or "unusable hash" without hashing, tells an
//! attacker which users exist by its timing. [`check_stored`] (and
//! [`HtpasswdFile::check`](super::HtpasswdFile::check), which calls it) therefore hashes the
//! password exactly once in every case: against the stored hash when it parses, otherwise against
//! a decoy of the file's own scheme and cost ([`Hash::decoy`]), whose outcome is thrown away.

use core::fmt;

use crate::crypt::{Hash, HashParseError};

/// What a password check found.
///
/// ```
/// use htpasswd_core::htpasswd::{HtpasswdFile, Verdict};
///
/// let file = HtpasswdFile::parse(b"alice:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\n");
/// assert_eq!(file.check(b"alice", b"password"), Verdict::Match);
/// assert_eq!(file.check(b"alice", b"Password"), Verdict::Mismatch);
/// assert_eq!(file.check(b"bob", b"password"), Verdict::NoSuchUser);
/// assert!(file.check(b"alice", b"password").is_match());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[must_use]
pub enum Verdict {
    /// The password matches the user's hash (the first entry of the user, as servers read it).
    Match,
    /// The password does not match.
    Mismatch,
    /// The file has no entry for the user.
    NoSuchUser,
    /// The user's stored hash cannot be checked: it does not parse, or is of a scheme this
    /// library does not know (locked accounts such as `!` or `*`, `$argon2id$`, an empty field).
    /// No password matches it.
    Unusable {
        /// Why the stored hash does not parse (names the scheme and defect, never a secret).
        reason: HashParseError,
    },
}

impl Verdict {
    /// Whether the password was accepted: `true` for [`Verdict::Match`] only.
    #[must_use]
    pub const fn is_match(&self) -> bool {
        matches!(self, Self::Match)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Match => f.write_str("password matches"),
            Self::Mismatch => f.write_str("password does not match"),
            Self::NoSuchUser => f.write_str("no such user"),
            Self::Unusable { reason } => write!(f, "the stored hash is unusable: {reason}"),
        }
    }
}

/// Checks `password` against `stored`, the hash field of a user's entry (`None`: no such user),
/// doing the same work in every case: one hash, of `stored` when it parses, otherwise of `decoy`
/// (normally [`Hash::decoy`] of every hash field of the same file), whose outcome is thrown away.
/// The final comparison is constant-time.
///
/// ```
/// use htpasswd_core::crypt::Hash;
/// use htpasswd_core::htpasswd::{Verdict, check_stored};
///
/// let stored: &[u8] = b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1";
/// let decoy = Hash::decoy([stored]);
/// assert_eq!(check_stored(Some(stored), b"password", &decoy), Verdict::Match);
/// assert_eq!(check_stored(None, b"password", &decoy), Verdict::NoSuchUser);
/// assert!(matches!(
///     check_stored(Some(b"$apr1$short"), b"password", &decoy),
///     Verdict::Unusable { .. }
/// ));
/// ```
pub fn check_stored(stored: Option<&[u8]>, password: &[u8], decoy: &Hash) -> Verdict {
    let parsed = stored.map(Hash::parse);
    let (target, fixed) = match &parsed {
        Some(Ok(hash)) => (hash, None),
        Some(Err(reason)) => (decoy, Some(Verdict::Unusable { reason: *reason })),
        None => (decoy, Some(Verdict::NoSuchUser)),
    };
    let matched = core::hint::black_box(target.verify(core::hint::black_box(password)));
    match fixed {
        // The decoy's outcome is thrown away: it never makes a match.
        Some(verdict) => verdict,
        None if matched => Verdict::Match,
        None => Verdict::Mismatch,
    }
}
