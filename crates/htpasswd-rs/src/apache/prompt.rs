//! Reading passwords as Apache's htpasswd does: glibc `getpass(3)` for prompts (the controlling
//! terminal when there is one, with echo and signals off, else stdin and stderr), and `-i`'s
//! read of all of stdin.

use std::fs::{File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt as _;

use rustix::termios::{LocalModes, OptionalActions, isatty, tcgetattr, tcsetattr};
use zeroize::Zeroizing;

/// Longest prompted password Apache accepts (`apr_password_get` into a 257-byte buffer).
pub(crate) const MAX_PROMPTED: usize = 256;
/// `-i` reads at most this many bytes; reading this many means "too long" (Apache reads 256
/// bytes into a 257-byte buffer and refuses a full read).
pub(crate) const STDIN_LIMIT: usize = 256;

/// Why no password was read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Longer than Apache allows.
    TooLong,
    /// Reading failed.
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// Echo (and signal keys) off on a terminal until dropped, as `getpass` does; restoring also
/// prints the newline the user typed but did not see.
struct NoEcho<'a, F: AsFd> {
    fd: &'a F,
    saved: rustix::termios::Termios,
}

impl<'a, F: AsFd> NoEcho<'a, F> {
    fn new(fd: &'a F) -> Option<Self> {
        if !isatty(fd) {
            return None;
        }
        let saved = tcgetattr(fd).ok()?;
        let mut quiet = saved.clone();
        quiet.local_modes &= !(LocalModes::ECHO | LocalModes::ISIG);
        tcsetattr(fd, OptionalActions::Flush, &quiet).ok()?;
        Some(Self { fd, saved })
    }
}

impl<F: AsFd> Drop for NoEcho<'_, F> {
    fn drop(&mut self) {
        let _ = tcsetattr(self.fd, OptionalActions::Flush, &self.saved);
    }
}

/// Standard input as an unbuffered file (a duplicate of fd 0), so no copy of a password is
/// left in a buffer that is never wiped.
fn stdin_file() -> io::Result<File> {
    Ok(File::from(io::stdin().as_fd().try_clone_to_owned()?))
}

/// Reads one line (without its `\n`) from `input`, byte by byte so nothing after it is consumed.
/// Says whether the line ended with `\n` (rather than at end of input). Bytes past
/// [`MAX_PROMPTED`] + 1 are read but not kept (the line is too long either way), so the buffer
/// never reallocates and leaves no unwiped copy behind.
fn read_line_unbuffered(mut input: &File) -> io::Result<(Zeroizing<Vec<u8>>, bool)> {
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_PROMPTED + 1));
    let mut byte = Zeroizing::new([0u8; 1]);
    let mut newline = false;
    loop {
        match input.read(&mut byte[..]) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => {
                newline = true;
                break;
            }
            Ok(_) if line.len() > MAX_PROMPTED => {}
            Ok(_) => line.push(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((line, newline))
}

/// Prompts for a password as glibc `getpass` does and checks Apache's length limit.
///
/// # Errors
/// [`ReadError::TooLong`] over [`MAX_PROMPTED`] bytes; [`ReadError::Io`] when reading fails.
pub(crate) fn prompt(text: &str) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let tty = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
        .open("/dev/tty");
    let line = match tty {
        Ok(tty) => {
            let guard = NoEcho::new(&tty);
            (&tty).write_all(text.as_bytes())?;
            (&tty).flush()?;
            let read = read_line_unbuffered(&tty);
            if let Some(g) = guard {
                drop(g);
                if matches!(read, Ok((_, true))) {
                    let _ = (&tty).write_all(b"\n");
                }
            }
            read?.0
        }
        Err(_) => {
            let stdin = stdin_file()?;
            let guard = NoEcho::new(&stdin);
            let mut err = io::stderr().lock();
            err.write_all(text.as_bytes())?;
            err.flush()?;
            let read = read_line_unbuffered(&stdin);
            if let Some(g) = guard {
                drop(g);
                if matches!(read, Ok((_, true))) {
                    let _ = err.write_all(b"\n");
                }
            }
            read?.0
        }
    };
    if line.len() > MAX_PROMPTED {
        return Err(ReadError::TooLong);
    }
    Ok(line)
}

/// `-i`: all of stdin (at most [`STDIN_LIMIT`] - 1 bytes), one trailing `\n` (and a `\r`
/// before it) removed.
///
/// # Errors
/// [`ReadError::TooLong`] when stdin holds [`STDIN_LIMIT`] bytes or more; [`ReadError::Io`].
pub(crate) fn read_stdin() -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let mut buf = Zeroizing::new(vec![0u8; STDIN_LIMIT]);
    let mut stdin = stdin_file()?;
    let mut len = 0;
    while len < STDIN_LIMIT {
        match stdin.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    buf.truncate(len);
    if buf.len() >= STDIN_LIMIT {
        return Err(ReadError::TooLong);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    Ok(buf)
}
