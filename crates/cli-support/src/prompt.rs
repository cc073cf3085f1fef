//! Reading passwords: at a prompt with echo and signal keys off, or from standard input. Every
//! read is unbuffered and lands in a buffer that is wiped on drop, sized before the read so it
//! never reallocates: no copy of a password is left behind (standard input's own buffer is
//! never wiped, so it is never used).
//!
//! [`read_hidden`] follows glibc `getpass`: the controlling terminal when there is one, else a
//! prompt on standard error and a line from standard input. [`read_hidden_stdio`] always prompts
//! on standard error and reads standard input (for `--password-stdin`-style flags). Both only
//! read: what is printed after the answer (a newline, a mismatch message) is the caller's policy.
//! [`read_stdin`] reads a password piped in whole.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write as _};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt as _;

use rustix::termios::{LocalModes, OptionalActions, Termios, isatty, tcgetattr, tcsetattr};
use zeroize::Zeroizing;

/// Why no password was read.
#[derive(Debug)]
pub enum ReadError {
    /// Longer than the caller's limit.
    TooLong,
    /// Reading failed.
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLong => f.write_str("the password is too long"),
            Self::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

/// Echo and signal keys off on a terminal until dropped, as `getpass` does: with `ISIG` left
/// on, Ctrl-C or Ctrl-Z would stop the program before the drop and leave the terminal without
/// echo.
struct NoEcho<'a, F: AsFd> {
    fd: &'a F,
    saved: Termios,
}

impl<'a, F: AsFd> NoEcho<'a, F> {
    /// `None` when `fd` is not a terminal or its settings cannot be changed.
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

/// Standard input as an unbuffered file (a duplicate of fd 0), so no copy of a password is left
/// in a buffer that is never wiped.
fn stdin_file() -> io::Result<File> {
    Ok(File::from(io::stdin().as_fd().try_clone_to_owned()?))
}

/// Reads one line (without its `\n`) from `input`, byte by byte so nothing after it is consumed.
/// Says whether the line ended with `\n` (rather than at end of input). Bytes past `max_len` + 1
/// are read but not kept (the line is too long either way), so the buffer never reallocates and
/// leaves no unwiped copy behind.
fn read_line_unbuffered(
    mut input: impl Read,
    max_len: usize,
) -> io::Result<(Zeroizing<Vec<u8>>, bool)> {
    let mut line = Zeroizing::new(Vec::with_capacity(max_len.saturating_add(1)));
    let mut byte = Zeroizing::new([0u8; 1]);
    let mut newline = false;
    loop {
        match input.read(&mut byte[..]) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => {
                newline = true;
                break;
            }
            Ok(_) if line.len() > max_len => {}
            Ok(_) => line.push(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((line, newline))
}

/// Where a prompt was shown and its answer read.
#[derive(Debug)]
pub enum Channel {
    /// The controlling terminal.
    Tty(File),
    /// Prompt on standard error, answer from standard input.
    Stdio,
}

impl Channel {
    /// Writes `text` where the prompt went (a failed write leaves nothing to tell).
    pub fn say(&self, text: &[u8]) {
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
#[derive(Debug)]
#[non_exhaustive]
pub struct Hidden {
    /// The line without its `\n` (at most the limit + 1 bytes kept, so that a longer line shows
    /// as longer than the limit).
    pub line: Zeroizing<Vec<u8>>,
    /// Whether the line ended with `\n` (rather than at end of input).
    pub newline: bool,
    /// Whether echo was switched off while reading (the input was a terminal).
    pub hidden: bool,
    /// Where the prompt went, for what the caller prints next.
    pub channel: Channel,
}

/// Shows `text` on `channel` and reads one line from `input`, with echo and signal keys off
/// when `input` is a terminal.
fn ask(input: &File, channel: Channel, text: &str, max_len: usize) -> io::Result<Hidden> {
    let guard = NoEcho::new(input);
    channel.say(text.as_bytes());
    let read = read_line_unbuffered(input, max_len);
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

/// Prompts as glibc `getpass` does: shows `text` on the controlling terminal and reads one line
/// there with echo off; without a controlling terminal, shows `text` on standard error and reads
/// a line from standard input. At most `max_len` + 1 bytes of the line are kept.
///
/// # Errors
/// Reading or writing the terminal or the standard streams fails.
pub fn read_hidden(text: &str, max_len: usize) -> io::Result<Hidden> {
    let tty = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
        .open("/dev/tty");
    match tty {
        Ok(tty) => ask(&tty.try_clone()?, Channel::Tty(tty), text, max_len),
        Err(_) => ask(&stdin_file()?, Channel::Stdio, text, max_len),
    }
}

/// Shows `text` on standard error and reads one line from standard input, with echo and signal
/// keys off when standard input is a terminal. At most `max_len` + 1 bytes of the line are kept.
///
/// # Errors
/// Reading standard input fails.
pub fn read_hidden_stdio(text: &str, max_len: usize) -> io::Result<Hidden> {
    ask(&stdin_file()?, Channel::Stdio, text, max_len)
}

/// Whether standard input is a terminal (a prompt would be typed, not piped).
#[must_use]
pub fn stdin_is_terminal() -> bool {
    isatty(io::stdin())
}

/// All of standard input, fewer than `limit` bytes, with one trailing `\n` (and a `\r` before
/// it) removed. At most `limit` bytes are read.
///
/// # Errors
/// [`ReadError::TooLong`] when standard input holds `limit` bytes or more (Apache's `-i` reads
/// 256 bytes and refuses a full read); [`ReadError::Io`] when reading fails.
pub fn read_stdin(limit: usize) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    read_all(stdin_file()?, limit)
}

fn read_all(mut input: impl Read, limit: usize) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let mut buf = Zeroizing::new(vec![0u8; limit]);
    let mut len = 0;
    while len < limit {
        match input.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    buf.truncate(len);
    if len >= limit {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use rustix::fs::{Mode, OFlags};
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};

    use super::*;

    #[test]
    fn a_line_ends_at_its_newline_and_nothing_after_is_consumed() {
        let mut input: &[u8] = b"secret\nnext";
        let (line, newline) = read_line_unbuffered(&mut input, 256).unwrap();
        assert_eq!((line.as_slice(), newline), (&b"secret"[..], true));
        assert_eq!(input, b"next");
        let (line, newline) = read_line_unbuffered(&mut input, 256).unwrap();
        assert_eq!((line.as_slice(), newline), (&b"next"[..], false));
    }

    #[test]
    fn a_long_line_keeps_one_byte_past_the_limit_without_reallocating() {
        let long = vec![b'x'; 1000];
        let (line, newline) = read_line_unbuffered(&long[..], 8).unwrap();
        assert_eq!(line.len(), 9);
        assert_eq!(line.capacity(), 9, "the buffer grew");
        assert!(!newline);
    }

    #[test]
    fn piped_passwords_lose_one_line_end_and_full_reads_are_too_long() {
        let read = |b: &[u8], limit| read_all(b, limit).map(|v| v.to_vec());
        assert_eq!(read(b"pw\r\n", 256).unwrap(), b"pw");
        assert_eq!(read(b"pw\n\n", 256).unwrap(), b"pw\n");
        assert_eq!(read(b"", 256).unwrap(), b"");
        assert!(matches!(read(b"12345678", 8), Err(ReadError::TooLong)));
        assert_eq!(read(b"1234567", 8).unwrap(), b"1234567");
    }

    #[test]
    fn echo_and_signal_keys_are_off_while_reading_and_restored_after() {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
        grantpt(&master).and_then(|()| unlockpt(&master)).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let flags = OFlags::RDWR | OFlags::NOCTTY;
        let slave = File::from(rustix::fs::open(name.as_c_str(), flags, Mode::empty()).unwrap());
        let before = tcgetattr(&slave).unwrap().local_modes;
        assert!(before.contains(LocalModes::ECHO | LocalModes::ISIG));
        let guard = NoEcho::new(&slave).unwrap();
        let during = tcgetattr(&slave).unwrap().local_modes;
        assert!(!during.intersects(LocalModes::ECHO | LocalModes::ISIG));
        drop(guard);
        assert_eq!(tcgetattr(&slave).unwrap().local_modes, before);
        assert!(NoEcho::new(&File::open("/dev/null").unwrap()).is_none());
    }
}
