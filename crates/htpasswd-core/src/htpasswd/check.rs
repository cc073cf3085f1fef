//! The one-call, timing-safe password check.
//!
//! A check that answers "no such user" at once, or "unusable hash" without hashing, tells an
//! attacker which users exist by its timing. [`check_stored`] (and
//! [`HtpasswdFile::check`](super::HtpasswdFile::check), which calls it) therefore hashes the
//! password exactly once in every case: against the stored hash when it parses, otherwise against
//! a decoy of the file's own scheme and cost ([`Hash::decoy`]), whose outcome is thrown away.
//!
//! A stored hash whose cost is over the ceiling ([`CostLimits`]; a bcrypt cost-31 line would
//! take about 35 hours) is not checked: the verdict is [`Verdict::Unusable`] with
//! [`HashParseError::TooCostly`], after the decoy's ordinary amount of work.

use core::fmt;

use super::model::HtpasswdFile;
use crate::crypt::{CostLimits, Hash, HashParseError};

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
    /// library does not know (locked accounts such as `!` or `*`, `$argon2i$`, an empty field),
    /// or its cost is over the ceiling ([`HashParseError::TooCostly`]). No password matches it.
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
/// The final comparison is constant-time. A `stored` hash past the default [`CostLimits`] is
/// [`Verdict::Unusable`] ([`HashParseError::TooCostly`]) and the decoy is hashed instead.
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
    check_stored_with_limits(stored, password, decoy, &CostLimits::DEFAULT)
}

/// [`check_stored`] with the cost ceilings `limits`: a `stored` hash past them is
/// [`Verdict::Unusable`] with [`HashParseError::TooCostly`], and `decoy` is hashed instead (make
/// it with [`Hash::decoy_with_limits`] and the same `limits`).
///
/// ```
/// use htpasswd_core::crypt::{CostLimits, Hash, HashParseError};
/// use htpasswd_core::htpasswd::{Verdict, check_stored_with_limits};
///
/// let stored: &[u8] = b"$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS";
/// let strict = CostLimits::DEFAULT.with_bcrypt_cost(4);
/// let decoy = Hash::decoy_with_limits([], &strict);
/// assert!(matches!(
///     check_stored_with_limits(Some(stored), b"pw", &decoy, &strict),
///     Verdict::Unusable { reason: HashParseError::TooCostly { cost: 5, max: 4, .. } }
/// ));
/// let decoy = Hash::decoy([stored]);
/// let verdict = check_stored_with_limits(Some(stored), b"pw", &decoy, &CostLimits::DEFAULT);
/// assert_eq!(verdict, Verdict::Match);
/// ```
pub fn check_stored_with_limits(
    stored: Option<&[u8]>,
    password: &[u8],
    decoy: &Hash,
    limits: &CostLimits,
) -> Verdict {
    let parsed = stored.map(|field| Hash::parse_with_limits(field, limits));
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

impl HtpasswdFile {
    /// [`check`](Self::check) with the cost ceilings `limits` instead of the default ones.
    ///
    /// With the default `limits` the file's cached [`decoy`](Self::decoy) is used; with others
    /// a decoy is picked among the entries within `limits` on every call (one parse of each
    /// entry, no hashing), so a caller checking often with raised ceilings should keep the
    /// decoy itself and call [`check_stored_with_limits`].
    ///
    /// ```
    /// use htpasswd_core::crypt::{CostLimits, HashParseError};
    /// use htpasswd_core::htpasswd::{HtpasswdFile, Verdict};
    ///
    /// let file = HtpasswdFile::parse(
    ///     b"a:$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS\n",
    /// );
    /// let strict = CostLimits::DEFAULT.with_bcrypt_cost(4);
    /// assert!(matches!(
    ///     file.check_with_limits(b"a", b"pw", &strict),
    ///     Verdict::Unusable { reason: HashParseError::TooCostly { .. } }
    /// ));
    /// assert_eq!(file.check_with_limits(b"a", b"pw", &CostLimits::DEFAULT), Verdict::Match);
    /// ```
    pub fn check_with_limits(&self, user: &[u8], password: &[u8], limits: &CostLimits) -> Verdict {
        let own;
        let decoy = if *limits == CostLimits::DEFAULT {
            self.decoy()
        } else {
            own = Hash::decoy_with_limits(self.entries().map(|e| e.hash), limits);
            &own
        };
        // Every line is looked at, wherever the user's entry is (or is not).
        let mut first: Option<&[u8]> = None;
        for e in self.entries() {
            if first.is_none() && e.user == user {
                first = Some(e.hash);
            }
        }
        check_stored_with_limits(first, password, decoy, limits)
    }
}
