//! Locked, crash-safe read-modify-write of an htpasswd file on disk.
//!
//! Protocol (every editor using [`edit_file`] follows it, so none loses another's change):
//! 1. open the file and take an exclusive `flock` on it; if the path meanwhile names another
//!    inode (a writer renamed a new file over it while we waited), drop it and start again;
//! 2. read, parse, run the caller's edit, serialise;
//! 3. write a temporary file in the same directory, give it the original's mode and owner, fsync
//!    it, rename it over the original, fsync the directory; the lock is released after the rename.
//!
//! A reader therefore always sees the old or the new content, never a mix. Where the rename is
//! impossible (`EBUSY`/`EXDEV`: a single-file bind mount) or the owner cannot be kept, the content
//! is rewritten in place under the lock instead, and [`Written::InPlace`] says so and why.
//! A file that does not exist yet is created by renaming a temporary file into place without
//! replacing anything (`RENAME_NOREPLACE`, or `link` where that is unsupported); losing that
//! race to another creator restarts the edit on the file the winner wrote.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read as _, Seek as _, SeekFrom, Write as _};
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::{FlockOperation, flock};

use super::error::FileError;
use super::model::HtpasswdFile;

/// Give up after the file was replaced under us this many times in a row.
const MAX_ATTEMPTS: usize = 10_000;

/// Whether [`edit_file`] may create a missing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Create {
    /// A missing file is an error (`NotFound`).
    #[default]
    No,
    /// Create it with mode `0666 & ~umask`, as Apache's htpasswd does.
    Umask,
    /// Create it with exactly this mode (permission bits, e.g. `0o640`).
    Mode(u32),
}

/// How [`edit_file`] puts the new content in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum WriteStrategy {
    /// Temporary file + rename (atomic); in-place rewrite only where that is impossible.
    #[default]
    Replace,
    /// Always rewrite the existing file in place under the lock (keeps its inode, e.g. for hard
    /// links). Not atomic: a crash mid-write can leave a torn file.
    InPlace,
}

/// Options of [`edit_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EditOptions {
    /// Whether a missing file may be created.
    pub create: Create,
    /// How the new content is put in place.
    pub strategy: WriteStrategy,
}

impl EditOptions {
    /// Options with `create` set.
    #[must_use]
    pub fn create(mut self, create: Create) -> Self {
        self.create = create;
        self
    }

    /// Options with `strategy` set.
    #[must_use]
    pub fn strategy(mut self, strategy: WriteStrategy) -> Self {
        self.strategy = strategy;
        self
    }
}

/// Why the content was rewritten in place instead of replaced atomically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InPlaceReason {
    /// [`WriteStrategy::InPlace`] was asked for.
    Requested,
    /// The rename failed with `EBUSY` or `EXDEV` (the file is a mount point, e.g. a single-file
    /// bind mount).
    RenameImpossible(io::ErrorKind),
    /// No temporary file could be created next to the file (e.g. a read-only directory).
    NoTempFile(io::ErrorKind),
    /// The file's owner or group could not be given to the replacement (we are not root).
    OwnerNotKept,
}

/// How the new content reached the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Written {
    /// The edit changed nothing; the file was not touched.
    Unchanged,
    /// The file did not exist and was created.
    Created,
    /// The file was atomically replaced (temporary file, fsync, rename, directory fsync).
    Replaced,
    /// The file was rewritten in place under the lock (not atomic against a crash).
    InPlace(InPlaceReason),
}

/// Result of a successful [`edit_file`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited<T> {
    /// What the edit callback returned (on its last run).
    pub value: T,
    /// How the content was written.
    pub written: Written,
}

fn io_err<E>(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> FileError<E> {
    let path = path.to_path_buf();
    move |source| FileError::Io {
        action,
        path,
        source,
    }
}

fn lock(file: &File, op: FlockOperation) -> io::Result<()> {
    loop {
        match flock(file, op) {
            Err(rustix::io::Errno::INTR) => {}
            other => return other.map_err(io::Error::from),
        }
    }
}

/// The file a symbolic link points at (so the link is kept), or the path itself.
fn resolve(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Reads and parses an htpasswd file under a shared lock (so never half of a concurrent
/// [`edit_file`]'s write). [`HtpasswdFile::open`] does the same.
///
/// # Errors
/// [`FileError::Io`] when the file cannot be opened, locked or read.
pub fn read_file(
    path: impl AsRef<Path>,
) -> Result<HtpasswdFile, FileError<std::convert::Infallible>> {
    let path = path.as_ref();
    let mut file = File::open(path).map_err(io_err("cannot open", path))?;
    lock(&file, FlockOperation::LockShared).map_err(io_err("cannot lock", path))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(io_err("cannot read", path))?;
    Ok(HtpasswdFile::from_bytes(bytes))
}

impl HtpasswdFile {
    /// Reads and parses the htpasswd file at `path` under a shared lock: [`read_file`].
    ///
    /// # Errors
    /// [`FileError::Io`] when the file cannot be opened, locked or read.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, FileError<std::convert::Infallible>> {
        read_file(path)
    }
}

/// Edits an htpasswd file: locks it, parses it, runs `edit` on the model, and writes the result
/// back crash-safely (see the module documentation). Lines that cannot be entries are kept; an
/// `edit` that wants Apache's behaviour calls [`HtpasswdFile::check_entries`] and fails.
///
/// `edit` may run more than once (when another process creates the file at the same moment);
/// only its last run counts, and it always sees the current content. Nothing is written when it
/// fails or changes nothing.
///
/// ```no_run
/// use htpasswd_core::htpasswd::{Create, EditOptions, edit_file};
///
/// let done = edit_file(
///     "/etc/nginx/htpasswd",
///     &EditOptions::default().create(Create::Umask),
///     |file| file.set(b"alice", b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1"),
/// )?;
/// println!("{:?}: {:?}", done.value, done.written);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`FileError::Edit`] with `edit`'s error (nothing written); [`FileError::Io`] naming the
/// failed step and the path; [`FileError::Contended`] if the file kept being replaced.
pub fn edit_file<T, E, F>(
    path: impl AsRef<Path>,
    options: &EditOptions,
    mut edit: F,
) -> Result<Edited<T>, FileError<E>>
where
    F: FnMut(&mut HtpasswdFile) -> Result<T, E>,
{
    let target = resolve(path.as_ref());
    for _ in 0..MAX_ATTEMPTS {
        let mut file = match OpenOptions::new().read(true).write(true).open(&target) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound && options.create != Create::No => {
                match create_new(&target, options.create, &mut edit)? {
                    Some(edited) => return Ok(edited),
                    None => continue, // another process created it first: edit theirs
                }
            }
            Err(e) => return Err(io_err("cannot open", &target)(e)),
        };
        lock(&file, FlockOperation::LockExclusive).map_err(io_err("cannot lock", &target))?;
        let meta = file.metadata().map_err(io_err("cannot stat", &target))?;
        match fs::metadata(&target) {
            Ok(now) if now.dev() == meta.dev() && now.ino() == meta.ino() => {}
            Ok(_) => continue,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err("cannot stat", &target)(e)),
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut bytes)
            .map_err(io_err("cannot read", &target))?;
        let mut model = HtpasswdFile::from_bytes(bytes);
        let value = edit(&mut model).map_err(FileError::Edit)?;
        if model.is_unchanged() {
            return Ok(Edited {
                value,
                written: Written::Unchanged,
            });
        }
        let written = replace(&target, &file, &meta, &model, options.strategy)?;
        drop(file); // releases the lock, after the rename
        return Ok(Edited { value, written });
    }
    Err(FileError::Contended {
        path: target,
        attempts: MAX_ATTEMPTS,
    })
}

/// A new, empty temporary file next to `target`, opened for writing, with `mode` (before umask).
fn temp_file(target: &Path, mode: u32) -> io::Result<(File, PathBuf)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = parent_dir(target);
    let name = target.file_name().unwrap_or_else(|| "htpasswd".as_ref());
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.{n}.tmp", std::process::id()));
        let tmp = dir.join(tmp_name);
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
        {
            Ok(f) => return Ok((f, tmp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Buffer size for streaming the model to disk.
const WRITE_BUFFER: usize = 1 << 20;

/// Streams `model` into `file` from its current offset.
fn write_model(file: &File, model: &HtpasswdFile) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(WRITE_BUFFER, file);
    model.write_to(&mut w)?;
    w.flush()
}

/// Writes `model` over `file` in place: overwrite from offset 0, truncate, fsync.
fn in_place(mut file: &File, model: &HtpasswdFile) -> io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    write_model(file, model)?;
    file.set_len(model.serialized_len() as u64)?;
    file.sync_all()
}

fn replace<E>(
    target: &Path,
    file: &File,
    meta: &fs::Metadata,
    model: &HtpasswdFile,
    strategy: WriteStrategy,
) -> Result<Written, FileError<E>> {
    let in_place_because = |reason| {
        in_place(file, model)
            .map(|()| Written::InPlace(reason))
            .map_err(io_err("cannot rewrite in place", target))
    };
    if strategy == WriteStrategy::InPlace {
        return in_place_because(InPlaceReason::Requested);
    }
    let (tmp, tmp_path) = match temp_file(target, 0o600) {
        Ok(t) => t,
        Err(e) => return in_place_because(InPlaceReason::NoTempFile(e.kind())),
    };
    let cleanup = |e: io::Error, action| {
        let _ = fs::remove_file(&tmp_path);
        io_err(action, &tmp_path)(e)
    };
    let tmp_meta = tmp.metadata().map_err(|e| cleanup(e, "cannot stat"))?;
    if (tmp_meta.uid() != meta.uid() || tmp_meta.gid() != meta.gid())
        && let Err(e) = std::os::unix::fs::fchown(&tmp, Some(meta.uid()), Some(meta.gid()))
    {
        let _ = fs::remove_file(&tmp_path);
        return if e.kind() == io::ErrorKind::PermissionDenied {
            in_place_because(InPlaceReason::OwnerNotKept)
        } else {
            Err(io_err("cannot set the owner of", &tmp_path)(e))
        };
    }
    // After fchown, which may clear set-id bits.
    tmp.set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777))
        .map_err(|e| cleanup(e, "cannot set the mode of"))?;
    write_model(&tmp, model).map_err(|e| cleanup(e, "cannot write"))?;
    tmp.sync_all().map_err(|e| cleanup(e, "cannot fsync"))?;
    drop(tmp);
    match fs::rename(&tmp_path, target) {
        Ok(()) => {}
        Err(e) if matches!(e.raw_os_error(), Some(code) if code == rustix::io::Errno::BUSY.raw_os_error() || code == rustix::io::Errno::XDEV.raw_os_error()) =>
        {
            let _ = fs::remove_file(&tmp_path);
            return in_place_because(InPlaceReason::RenameImpossible(e.kind()));
        }
        Err(e) => return Err(cleanup(e, "cannot rename over the file from")),
    }
    sync_dir(parent_dir(target)).map_err(io_err("cannot fsync the directory of", target))?;
    Ok(Written::Replaced)
}

/// Creates `target` with the edited content of an empty file. `Ok(None)`: someone else created
/// it first.
fn create_new<T, E, F>(
    target: &Path,
    create: Create,
    edit: &mut F,
) -> Result<Option<Edited<T>>, FileError<E>>
where
    F: FnMut(&mut HtpasswdFile) -> Result<T, E>,
{
    let mut model = HtpasswdFile::new();
    let value = edit(&mut model).map_err(FileError::Edit)?;
    let out = model.to_bytes();
    let (mut tmp, tmp_path) = temp_file(target, 0o666)
        .map_err(io_err("cannot create a temporary file next to", target))?;
    let cleanup = |e: io::Error, action| {
        let _ = fs::remove_file(&tmp_path);
        io_err(action, &tmp_path)(e)
    };
    if let Create::Mode(mode) = create {
        tmp.set_permissions(fs::Permissions::from_mode(mode & 0o7777))
            .map_err(|e| cleanup(e, "cannot set the mode of"))?;
    }
    tmp.write_all(&out)
        .map_err(|e| cleanup(e, "cannot write"))?;
    tmp.sync_all().map_err(|e| cleanup(e, "cannot fsync"))?;
    drop(tmp);
    match rename_no_replace(&tmp_path, target) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let _ = fs::remove_file(&tmp_path);
            return Ok(None);
        }
        Err(e) => return Err(cleanup(e, "cannot move into place the new file")),
    }
    sync_dir(parent_dir(target)).map_err(io_err("cannot fsync the directory of", target))?;
    Ok(Some(Edited {
        value,
        written: Written::Created,
    }))
}

/// Moves `from` to `to` unless `to` exists (then `AlreadyExists`), atomically.
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            // Filesystems without RENAME_NOREPLACE: fall back to link + unlink.
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            Err(e) => return Err(e.into()),
        }
    }
    fs::hard_link(from, to)?;
    fs::remove_file(from)
}
