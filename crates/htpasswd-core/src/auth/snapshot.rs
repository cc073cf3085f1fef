//! Immutable snapshots of an htpasswd file, and loading one from disk with the identity of what
//! was read (resolved path, device, inode, length, times), so a reload notices a changed file
//! and a swapped Kubernetes `..data` symlink alike.

use core::fmt;
use std::collections::HashMap;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::crypt::{CostLimits, Hash};
use crate::htpasswd::HtpasswdFile;

/// What one load of the file holds: user -> stored hash (the first entry of a user, as Apache
/// and nginx read it), and the decoy hashed for unknown users and unusable hashes. `Debug` shows
/// counts only (stored hashes are not for logs).
pub(crate) struct Snapshot {
    pub(crate) users: HashMap<Box<[u8]>, Arc<[u8]>>,
    pub(crate) decoy: Hash,
    /// The cost ceilings stored hashes are checked under.
    pub(crate) limits: CostLimits,
    pub(crate) ready: bool,
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("users", &self.users.len())
            .field("decoy", &self.decoy.scheme())
            .field("ready", &self.ready)
            .finish()
    }
}

impl Snapshot {
    pub(crate) fn of(file: &HtpasswdFile, limits: CostLimits) -> Self {
        let mut users: HashMap<Box<[u8]>, Arc<[u8]>> = HashMap::new();
        for entry in file.entries() {
            users
                .entry(entry.user.into())
                .or_insert_with(|| entry.hash.into());
        }
        Self {
            users,
            decoy: if limits == CostLimits::DEFAULT {
                file.decoy().clone()
            } else {
                Hash::decoy_with_limits(file.entries().map(|e| e.hash), &limits)
            },
            limits,
            ready: true,
        }
    }

    /// No file yet: nobody is allowed, and [`Authenticator::is_ready`](super::Authenticator::is_ready) is false.
    pub(crate) fn not_ready(limits: CostLimits) -> Self {
        Self {
            users: HashMap::new(),
            decoy: HtpasswdFile::new().decoy().clone(),
            limits,
            ready: false,
        }
    }
}

/// Why a load of the htpasswd file was refused. The authenticator keeps its last good snapshot.
/// Messages name the path and the defect, never file content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// The path could not be resolved, opened or read.
    Io {
        /// The path as configured.
        path: PathBuf,
        /// What failed: "resolve", "open" or "read".
        action: &'static str,
        /// The OS error's kind.
        kind: io::ErrorKind,
        /// The OS error's message.
        message: String,
    },
    /// The file is longer than the configured maximum.
    TooLarge {
        /// Its length in bytes.
        len: u64,
        /// The maximum.
        max: u64,
    },
    /// Lines that are neither entries, comments nor blank: probably not an htpasswd file, or
    /// one cut short.
    InvalidLines {
        /// Their 1-based numbers (at most the first 10).
        lines: Vec<usize>,
        /// How many there are.
        count: usize,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io {
                path,
                action,
                message,
                ..
            } => write!(f, "cannot {action} {}: {message}", path.display()),
            Self::TooLarge { len, max } => {
                write!(
                    f,
                    "the htpasswd file is {len} bytes, over the maximum of {max}"
                )
            }
            Self::InvalidLines { lines, count } => {
                write!(
                    f,
                    "{count} line(s) of the htpasswd file are not entries: line"
                )?;
                for (i, line) in lines.iter().enumerate() {
                    write!(f, "{}{line}", if i == 0 { " " } else { ", " })?;
                }
                if *count > lines.len() {
                    f.write_str(", ...")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

fn io_error(path: &Path, action: &'static str) -> impl FnOnce(io::Error) -> LoadError {
    let path = path.to_path_buf();
    move |e| LoadError::Io {
        path,
        action,
        kind: e.kind(),
        message: e.to_string(),
    }
}

/// What a path resolved to when it was read: any change means the file must be read again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    resolved: PathBuf,
    stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    unix: (u64, u64, i64, i64),
}

impl Stamp {
    fn of(meta: &Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            // Device, inode and change time (ctime moves on every write and rename, even one
            // that restores the modification time).
            #[cfg(unix)]
            unix: (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()),
        }
    }
}

/// The identity `path` has now, without reading it.
pub(crate) fn identify(path: &Path) -> Result<Identity, LoadError> {
    let resolved = fs::canonicalize(path).map_err(io_error(path, "resolve"))?;
    let meta = fs::metadata(&resolved).map_err(io_error(path, "resolve"))?;
    Ok(Identity {
        stamp: Stamp::of(&meta),
        resolved,
    })
}

/// A load that did not complete for a passing reason (the file changed while it was read, or is
/// being edited under an exclusive lock): try again at the next tick.
#[derive(Debug)]
pub(crate) struct Retry;

/// Reads and parses the file at `path`.
pub(crate) fn load(
    path: &Path,
    max_len: u64,
) -> Result<Result<(HtpasswdFile, Identity), LoadError>, Retry> {
    let resolved = match fs::canonicalize(path) {
        Ok(resolved) => resolved,
        Err(e) => return Ok(Err(io_error(path, "resolve")(e))),
    };
    let mut file = match File::open(&resolved) {
        Ok(file) => file,
        // Resolved a moment ago: swapped away since (kubelet deletes the old `..data` target).
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Retry),
        Err(e) => return Ok(Err(io_error(path, "open")(e))),
    };
    // htpasswd-rs edits in place under an exclusive lock: never read one half-written.
    // Other errors (a file system without locks): read anyway.
    if let Err(rustix::io::Errno::WOULDBLOCK) =
        rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockShared)
    {
        return Err(Retry);
    }
    let before = match file.metadata() {
        Ok(meta) => Stamp::of(&meta),
        Err(e) => return Ok(Err(io_error(path, "read")(e))),
    };
    if before.len > max_len {
        return Ok(Err(LoadError::TooLarge {
            len: before.len,
            max: max_len,
        }));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(before.len).unwrap_or(0));
    if let Err(e) = (&mut file).take(max_len + 1).read_to_end(&mut bytes) {
        return Ok(Err(io_error(path, "read")(e)));
    }
    match file.metadata() {
        Ok(meta) if Stamp::of(&meta) == before && bytes.len() as u64 == before.len => {}
        // Written while read (or cut short): read it again at the next tick.
        _ => return Err(Retry),
    }
    Ok(parse(bytes).map(|file| {
        (
            file,
            Identity {
                resolved,
                stamp: before,
            },
        )
    }))
}

/// Parses file content, refusing content with lines that cannot be entries.
pub(crate) fn parse(bytes: Vec<u8>) -> Result<HtpasswdFile, LoadError> {
    let file = HtpasswdFile::from_bytes(bytes);
    if let Err(invalid) = file.check_entries() {
        let count = invalid.lines.len();
        let mut lines = invalid.lines;
        lines.truncate(10);
        return Err(LoadError::InvalidLines { lines, count });
    }
    Ok(file)
}
