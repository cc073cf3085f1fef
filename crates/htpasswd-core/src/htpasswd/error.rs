//! Error types of the htpasswd file model. Messages never contain a password or a hash.

use core::fmt;
use std::io;
use std::path::PathBuf;

/// A username that cannot be stored in an htpasswd file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UsernameError {
    /// A `:`, which ends the username field.
    Colon {
        /// Byte index of the `:`.
        index: usize,
    },
    /// A carriage return, which ends the line for nginx.
    CarriageReturn {
        /// Byte index of the CR.
        index: usize,
    },
    /// A line feed, which ends the line.
    LineFeed {
        /// Byte index of the LF.
        index: usize,
    },
    /// A NUL byte, which C servers cannot compare.
    Nul {
        /// Byte index of the NUL.
        index: usize,
    },
    /// A leading `#`: Apache and nginx skip such a line as a comment, so the user could never log in.
    CommentMarker,
    /// Leading white space: Apache skips it when reading, so the entry would belong to another
    /// username.
    LeadingWhitespace,
    /// Longer than the limit in force (Apache's htpasswd: 255 bytes).
    TooLong {
        /// Length of the username given.
        len: usize,
        /// The limit in force.
        max: usize,
    },
}

impl fmt::Display for UsernameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Colon { index } => write!(
                f,
                "username contains ':' at byte {index}; ':' separates the username from the hash"
            ),
            Self::CarriageReturn { index } => {
                write!(f, "username contains a carriage return at byte {index}")
            }
            Self::LineFeed { index } => write!(f, "username contains a line feed at byte {index}"),
            Self::Nul { index } => write!(f, "username contains a NUL byte at byte {index}"),
            Self::CommentMarker => write!(
                f,
                "username starts with '#'; servers read such a line as a comment"
            ),
            Self::LeadingWhitespace => write!(
                f,
                "username starts with white space, which Apache skips when reading the file"
            ),
            Self::TooLong { len, max } => {
                write!(f, "username is {len} bytes long; the limit is {max} bytes")
            }
        }
    }
}

impl std::error::Error for UsernameError {}

/// A hash field that cannot be stored in an htpasswd file. The field may be a plaintext password,
/// so the message names only the position of the offending byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HashFieldError {
    /// A `:`, which ends the hash field for Apache and nginx.
    Colon {
        /// Byte index of the `:`.
        index: usize,
    },
    /// A carriage return, which ends the hash field for nginx.
    CarriageReturn {
        /// Byte index of the CR.
        index: usize,
    },
    /// A line feed, which ends the line.
    LineFeed {
        /// Byte index of the LF.
        index: usize,
    },
    /// A NUL byte.
    Nul {
        /// Byte index of the NUL.
        index: usize,
    },
}

impl fmt::Display for HashFieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, index) = match self {
            Self::Colon { index } => ("':'", index),
            Self::CarriageReturn { index } => ("a carriage return", index),
            Self::LineFeed { index } => ("a line feed", index),
            Self::Nul { index } => ("a NUL byte", index),
        };
        write!(f, "hash field contains {what} at byte {index}")
    }
}

impl std::error::Error for HashFieldError {}

/// A length limit (see [`Limits`](super::Limits)) that an input exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitError {
    /// The password is longer than the limit (Apache's htpasswd: 255 bytes).
    PasswordTooLong {
        /// Length of the password given.
        len: usize,
        /// The limit in force.
        max: usize,
    },
    /// `user:hash` is longer than the limit (Apache's htpasswd: 254 bytes, 255 with the newline).
    RecordTooLong {
        /// Length of `user:hash` in bytes.
        len: usize,
        /// The limit in force.
        max: usize,
    },
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PasswordTooLong { len, max } => {
                write!(f, "password is {len} bytes long; the limit is {max} bytes")
            }
            Self::RecordTooLong { len, max } => write!(
                f,
                "the record 'user:hash' would be {len} bytes long; the limit is {max} bytes"
            ),
        }
    }
}

impl std::error::Error for LimitError {}

/// An edit of the file model that was refused; the model is left unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EditError {
    /// The username cannot be stored.
    Username(UsernameError),
    /// The hash field cannot be stored.
    Hash(HashFieldError),
    /// A length limit is exceeded.
    Limit(LimitError),
    /// [`HtpasswdFile::add`](super::HtpasswdFile::add) of a user that is already present.
    UserExists {
        /// 1-based line number of the first entry of that user.
        line: usize,
    },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Username(e) => e.fmt(f),
            Self::Hash(e) => e.fmt(f),
            Self::Limit(e) => e.fmt(f),
            Self::UserExists { line } => write!(f, "user already exists at line {line}"),
        }
    }
}

impl std::error::Error for EditError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Username(e) => Some(e),
            Self::Hash(e) => Some(e),
            Self::Limit(e) => Some(e),
            Self::UserExists { .. } => None,
        }
    }
}

impl From<UsernameError> for EditError {
    fn from(e: UsernameError) -> Self {
        Self::Username(e)
    }
}

impl From<HashFieldError> for EditError {
    fn from(e: HashFieldError) -> Self {
        Self::Hash(e)
    }
}

impl From<LimitError> for EditError {
    fn from(e: LimitError) -> Self {
        Self::Limit(e)
    }
}

/// Lines that cannot be entries (no `:`, not blank, not a comment), with their 1-based numbers.
///
/// Apache's htpasswd refuses to edit such a file (exit 7); [`HtpasswdFile::check_entries`]
/// returns this so a caller can do the same.
///
/// [`HtpasswdFile::check_entries`]: super::HtpasswdFile::check_entries
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLines {
    /// 1-based line numbers, ascending; never empty.
    pub lines: Vec<usize>,
}

impl fmt::Display for InvalidLines {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<String> = self
            .lines
            .iter()
            .take(10)
            .map(ToString::to_string)
            .collect();
        let more = if self.lines.len() > 10 {
            format!(" and {} more", self.lines.len() - 10)
        } else {
            String::new()
        };
        let s = if self.lines.len() == 1 { "" } else { "s" };
        write!(
            f,
            "not a valid htpasswd file: line{s} {}{more} {} no ':' and {} not a comment or blank",
            shown.join(", "),
            if self.lines.len() == 1 { "has" } else { "have" },
            if self.lines.len() == 1 { "is" } else { "are" },
        )
    }
}

impl std::error::Error for InvalidLines {}

/// A failed read-modify-write of an htpasswd file on disk.
#[derive(Debug)]
#[non_exhaustive]
pub enum FileError<E> {
    /// A system call failed.
    Io {
        /// What was being done, e.g. `"locking"`.
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// The edit callback refused the edit; nothing was written.
    Edit(E),
    /// The file kept being replaced under us while we waited for its lock.
    Contended {
        /// The file.
        path: PathBuf,
        /// How many times the lock was taken on a file that had been replaced meanwhile.
        attempts: usize,
    },
}

impl<E: fmt::Display> fmt::Display for FileError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io {
                action,
                path,
                source,
            } => write!(f, "{action} {}: {source}", path.display()),
            Self::Edit(e) => e.fmt(f),
            Self::Contended { path, attempts } => write!(
                f,
                "{} was replaced by another writer {attempts} times while waiting for its lock",
                path.display()
            ),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for FileError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Edit(e) => Some(e),
            Self::Contended { .. } => None,
        }
    }
}
