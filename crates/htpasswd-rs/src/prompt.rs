//! Reading passwords at a prompt, shared by both modes: the controlling terminal when there is
//! one, with echo and signals off (so no key can leave the terminal without echo), else a prompt
//! on stderr and a line from stdin, read unbuffered so no copy of a password is left in a buffer
//! that is never wiped. [`prompt`] is Apache's policy (glibc `getpass`), [`read_hidden`] the
//! primitive the OpenSSL mode builds its own policy on; [`read_stdin`] is Apache's `-i`.

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

/// Where a prompt was shown and its answer read.
pub(crate) enum Channel {
    /// The controlling terminal.
    Tty(File),
    /// No terminal: prompt on stderr, answer from stdin.
    Stdio,
}

impl Channel {
    /// Writes `text` where the prompt went (a failed write leaves nothing to tell).
    pub(crate) fn say(&self, text: &[u8]) {
        let _ = match self {
            Self::Tty(tty) => {
                let mut tty = tty;
                tty.write_all(text).and_then(|()| tty.flush())
            }
            Self::Stdio => io::stderr().lock().write_all(text),
        };
    }
}

/// One answer to a prompt.
pub(crate) struct Hidden {
    /// The line without its `\n` (at most [`MAX_PROMPTED`] + 1 bytes kept).
    pub(crate) line: Zeroizing<Vec<u8>>,
    /// Whether the line ended with `\n` (rather than at end of input).
    pub(crate) newline: bool,
    /// Whether echo was switched off while reading (the input was a terminal).
    pub(crate) hidden: bool,
    /// Where the prompt went, for what the caller prints next.
    pub(crate) channel: Channel,
}

/// Shows `text` and reads one line with echo off where the input is a terminal. Prints nothing
/// after the answer: that is the caller's policy.
///
/// # Errors
/// Reading or writing the terminal or standard streams fails.
pub(crate) fn read_hidden(text: &str) -> io::Result<Hidden> {
    let tty = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
        .open("/dev/tty");
    let (input, channel) = match tty {
        Ok(tty) => (tty.try_clone()?, Channel::Tty(tty)),
        Err(_) => (stdin_file()?, Channel::Stdio),
    };
    let guard = NoEcho::new(&input);
    channel.say(text.as_bytes());
    let read = read_line_unbuffered(&input);
    let hidden = guard.is_some();
    drop(guard);
    let (line, newline) = read?;
    Ok(Hidden {
        line,
        newline,
        hidden,
        channel,
    })
}

/// Prompts for a password as glibc `getpass` does (after a hidden answer, the newline the user
/// typed but did not see) and checks Apache's length limit.
///
/// # Errors
/// [`ReadError::TooLong`] over [`MAX_PROMPTED`] bytes; [`ReadError::Io`] when reading fails.
pub(crate) fn prompt(text: &str) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let answer = read_hidden(text)?;
    if answer.hidden && answer.newline {
        answer.channel.say(b"\n");
    }
    if answer.line.len() > MAX_PROMPTED {
        return Err(ReadError::TooLong);
    }
    Ok(answer.line)
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
