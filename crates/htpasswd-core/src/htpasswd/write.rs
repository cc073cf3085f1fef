//! Locked, crash-safe read-modify-write of an htpasswd file on disk.
//!
//! Protocol (every editor using [`edit_file`] follows it, so none loses another's change):
//! 1. open the file and take an exclusive `flock` on it; if the path meanwhile names another
//!    inode (a writer renamed a new file over it while we waited), drop it and start again;
//! 2. read, parse, run the caller's edit, serialise;
//! 3. write a temporary file in the same directory, give it the original's mode and owner, fsync
//!    it, rename it over the original, fsync the directory; the lock is released after the rename.
//!
//! The temporary file has no name until its content is complete and synced (`O_TMPFILE`, then
//! `linkat` through `/proc/self/fd`, on Linux filesystems that support it), so a writer killed
//! mid-write leaves nothing behind; elsewhere it is a named `.NAME.PID.N.tmp`, and the next writer
//! removes those of writers that no longer run, under the lock. A symbolic link is kept: its
//! target is edited, or created when the link dangles (as Apache's htpasswd does).
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

/// Most symbolic links followed in a row, as Linux (`ELOOP` after 40).
const MAX_LINKS: usize = 40;

/// The file a symbolic link points at, through any chain of links (so the links are kept), or
/// the path itself. A dangling link gives the path it points at, which an edit that may create
/// the file then creates, as Apache's htpasswd does (`fopen` follows the link).
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&current)?;
                // A relative target is relative to the directory holding the link.
                current = if to.is_absolute() {
                    to
                } else {
                    parent_dir(&current).join(to)
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::from(rustix::io::Errno::LOOP))
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
    let target = resolve(path.as_ref()).map_err(io_err("cannot resolve", path.as_ref()))?;
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
        remove_stale_temps(&target);
        let written = replace(&target, &file, &meta, &model, options.strategy)?;
        drop(file); // releases the lock, after the rename
        return Ok(Edited { value, written });
    }
    Err(FileError::Contended {
        path: target,
        attempts: MAX_ATTEMPTS,
    })
}

/// The temporary file the new content is written to before it takes the target's place.
struct Temp {
    file: File,
    /// Its name, for a named temporary file; `None` for an unnamed one (`O_TMPFILE`), which
    /// disappears with its last descriptor until [`Temp::link_as`] names it.
    path: Option<PathBuf>,
}

/// `.NAME.PID.N.tmp` next to `target`, with a fresh `N`.
fn temp_name(target: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target.file_name().unwrap_or_else(|| "htpasswd".as_ref());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.{n}.tmp", std::process::id()));
    parent_dir(target).join(tmp_name)
}

/// A new, empty temporary file next to `target`, opened for writing, with `mode` (before umask):
/// unnamed where possible, else named.
fn temp_file(target: &Path, mode: u32) -> io::Result<Temp> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if !named_only()
        && let Some(file) = unnamed_temp(parent_dir(target), mode)
    {
        return Ok(Temp { file, path: None });
    }
    loop {
        let tmp = temp_name(target);
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
        {
            Ok(file) => {
                return Ok(Temp {
                    file,
                    path: Some(tmp),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

/// An unnamed file in `dir` (`O_TMPFILE`) that [`Temp::link_as`] can name later: `None` where the
/// filesystem does not support it or `/proc` (through which it is linked without privileges:
/// `AT_EMPTY_PATH` needs `CAP_DAC_READ_SEARCH`) is not mounted.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn unnamed_temp(dir: &Path, mode: u32) -> Option<File> {
    use rustix::fs::{CWD, Mode, OFlags, openat};
    let fd = openat(
        CWD,
        dir,
        OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC,
        Mode::from_bits_truncate(mode),
    )
    .ok()?;
    let file = File::from(fd);
    fs::symlink_metadata(proc_fd_path(&file)).ok()?;
    Some(file)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn proc_fd_path(file: &File) -> PathBuf {
    use std::os::fd::AsRawFd as _;
    PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()))
}

impl Temp {
    /// Gives the file the name `to`, which must not exist (then `AlreadyExists`).
    fn link_as(&self, to: &Path) -> io::Result<()> {
        match &self.path {
            Some(from) => rename_no_replace(from, to),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            None => {
                use rustix::fs::{AtFlags, CWD, linkat};
                linkat(
                    CWD,
                    proc_fd_path(&self.file),
                    CWD,
                    to,
                    AtFlags::SYMLINK_FOLLOW,
                )
                .map_err(io::Error::from)
            }
            #[cfg(not(any(target_os = "linux", target_os = "android")))]
            None => Err(io::ErrorKind::Unsupported.into()),
        }
    }

    /// A name next to `target` for the complete file, to rename over it: its own, or a fresh
    /// `.NAME.PID.N.tmp` linked to the unnamed file (so only the moment between this link and
    /// the rename could leave a name behind).
    fn named(&self, target: &Path) -> io::Result<PathBuf> {
        if let Some(path) = &self.path {
            return Ok(path.clone());
        }
        loop {
            let tmp = temp_name(target);
            match self.link_as(&tmp) {
                Ok(()) => return Ok(tmp),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Removes the file's name, if it has one (after a failure).
    fn discard(&self) {
        if let Some(path) = &self.path {
            let _ = fs::remove_file(path);
        }
    }
}

/// Removes the `.NAME.PID.N.tmp` files next to `target` left by writers that were killed before
/// they renamed them (their process no longer exists, as `/proc` says). Called with the lock on
/// `target` held, when no other writer that follows the protocol can be writing one (creators of
/// a missing file work without the lock, and their process exists). Nothing is removed without
/// `/proc`, and failures are ignored: this only tidies.
fn remove_stale_temps(target: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Some(name) = target.file_name() else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent_dir(target)) else {
        return;
    };
    let mut prefix = b".".to_vec();
    prefix.extend_from_slice(name.as_encoded_bytes());
    prefix.push(b'.');
    let own = std::process::id().to_string();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(middle) = file_name
            .as_encoded_bytes()
            .strip_prefix(&prefix[..])
            .and_then(|rest| rest.strip_suffix(b".tmp"))
        else {
            continue;
        };
        let Some((pid, n)) = std::str::from_utf8(middle)
            .ok()
            .and_then(|m| m.split_once('.'))
        else {
            continue;
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(pid) || !digits(n) || pid == own || proc.join(pid).exists() {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
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
    let tmp = match temp_file(target, 0o600) {
        Ok(t) => t,
        Err(e) => return in_place_because(InPlaceReason::NoTempFile(e.kind())),
    };
    // Errors name the temporary file, or the target for an unnamed one.
    let tmp_label = tmp.path.clone().unwrap_or_else(|| target.to_path_buf());
    let cleanup = |e: io::Error, action| {
        tmp.discard();
        io_err(action, &tmp_label)(e)
    };
    let tmp_meta = tmp.file.metadata().map_err(|e| cleanup(e, "cannot stat"))?;
    if (tmp_meta.uid() != meta.uid() || tmp_meta.gid() != meta.gid())
        && let Err(e) = std::os::unix::fs::fchown(&tmp.file, Some(meta.uid()), Some(meta.gid()))
    {
        tmp.discard();
        return if e.kind() == io::ErrorKind::PermissionDenied {
            in_place_because(InPlaceReason::OwnerNotKept)
        } else {
            Err(io_err("cannot set the owner of", &tmp_label)(e))
        };
    }
    // After fchown, which may clear set-id bits.
    tmp.file
        .set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777))
        .map_err(|e| cleanup(e, "cannot set the mode of"))?;
    write_model(&tmp.file, model).map_err(|e| cleanup(e, "cannot write"))?;
    tmp.file
        .sync_all()
        .map_err(|e| cleanup(e, "cannot fsync"))?;
    let tmp_path = tmp
        .named(target)
        .map_err(|e| cleanup(e, "cannot name the temporary file for"))?;
    drop(tmp);
    match fs::rename(&tmp_path, target) {
        Ok(()) => {}
        Err(e) if matches!(e.raw_os_error(), Some(code) if code == rustix::io::Errno::BUSY.raw_os_error() || code == rustix::io::Errno::XDEV.raw_os_error()) =>
        {
            let _ = fs::remove_file(&tmp_path);
            return in_place_because(InPlaceReason::RenameImpossible(e.kind()));
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp_path);
            return Err(io_err("cannot rename over the file from", &tmp_path)(e));
        }
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
    let mut tmp = temp_file(target, 0o666)
        .map_err(io_err("cannot create a temporary file next to", target))?;
    let tmp_label = tmp.path.clone().unwrap_or_else(|| target.to_path_buf());
    let fail = |tmp: &Temp, e: io::Error, action| {
        tmp.discard();
        io_err(action, &tmp_label)(e)
    };
    if let Create::Mode(mode) = create {
        tmp.file
            .set_permissions(fs::Permissions::from_mode(mode & 0o7777))
            .map_err(|e| fail(&tmp, e, "cannot set the mode of"))?;
    }
    if let Err(e) = tmp.file.write_all(&out) {
        return Err(fail(&tmp, e, "cannot write"));
    }
    tmp.file
        .sync_all()
        .map_err(|e| fail(&tmp, e, "cannot fsync"))?;
    // Named into place without replacing anything: `linkat` of the unnamed file, or
    // `RENAME_NOREPLACE` of the named one.
    match tmp.link_as(target) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            tmp.discard();
            return Ok(None);
        }
        Err(e) => return Err(fail(&tmp, e, "cannot move into place the new file")),
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

/// Whether to skip unnamed temporary files: never, outside this module's tests.
#[cfg(not(test))]
#[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
const fn named_only() -> bool {
    false
}

#[cfg(test)]
#[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
fn named_only() -> bool {
    tests::named_only()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::cell::Cell;
    use std::fs;
    use std::path::Path;

    use super::{Create, EditOptions, Written, edit_file};

    thread_local! {
        static NAMED_ONLY: Cell<bool> = const { Cell::new(false) };
    }

    /// Whether this thread uses named temporary files only (as where `O_TMPFILE` is
    /// unsupported), so that path is tested on filesystems that support it.
    pub(super) fn named_only() -> bool {
        NAMED_ONLY.with(Cell::get)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn named_temporary_files_create_replace_and_leave_nothing() {
        let dir =
            std::env::temp_dir().join(format!("htpasswd-core-named-temp-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("htpasswd");
        for named in [true, false] {
            NAMED_ONLY.with(|n| n.set(named));
            let _ = fs::remove_file(&path);
            let create = EditOptions::default().create(Create::Umask);
            let done = edit_file(&path, &create, |f| f.set(b"a", b"1")).unwrap();
            assert_eq!(done.written, Written::Created);
            // A creator that finds the file made meanwhile edits it instead.
            let done = edit_file(&path, &create, |f| f.set(b"b", b"2")).unwrap();
            assert_eq!(done.written, Written::Replaced);
            assert_eq!(fs::read(&path).unwrap(), b"a:1\nb:2\n");
            assert_eq!(names(&dir), ["htpasswd"], "named only: {named}");
        }
        NAMED_ONLY.with(|n| n.set(false));
        let _ = fs::remove_dir_all(&dir);
    }
}
