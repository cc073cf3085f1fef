//! htpasswd files: a lossless model ([`HtpasswdFile`]), locked crash-safe edits on disk
//! ([`edit_file`]), a one-call timing-safe password check ([`HtpasswdFile::check`]), and a lint
//! against the servers and ingress controllers that read them ([`lint`]).
//!
//! File content is bytes throughout; paths are [`Path`](std::path::Path)s.

mod check;
mod error;
mod lint;
mod model;
// Locked, crash-safe edits need flock(2), rename(2) over an open file and Unix modes and owners:
// Unix only (the rest of the crate is portable).
#[cfg(unix)]
mod write;

pub use self::check::{Verdict, check_stored, check_stored_with_limits};
pub use self::error::{
    EditError, FileError, HashFieldError, InvalidLines, LimitError, UsernameError,
};
pub use self::lint::{EntryReport, Finding, LintReport, Weakness, lint, lint_with_limits};
pub use self::model::{
    Duplicate, Entry, HtpasswdFile, Limits, LineEnding, LineKind, LineRef, SetOutcome, Which,
    check_hash_field,
};
#[cfg(unix)]
pub use self::write::{
    Create, EditOptions, Edited, InPlaceReason, WriteStrategy, Written, edit_file, read_file,
};
