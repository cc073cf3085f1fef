//! Passwords: generated from the OS CSPRNG, read from standard input or a terminal prompt.
//! Every buffer is wiped on drop.

use std::io::{self, BufRead as _, IsTerminal as _, Write as _};

use zeroize::Zeroizing;

/// Length of generated passwords: 24 characters of 62 give about 143 bits.
pub(crate) const GENERATED_LEN: usize = 24;

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A fresh random password of [`GENERATED_LEN`] letters and digits (rejection sampling, so
/// every character is uniform).
pub(crate) fn generate() -> Result<Zeroizing<String>, getrandom::Error> {
    let mut out = Zeroizing::new(String::with_capacity(GENERATED_LEN));
    let mut buf = Zeroizing::new([0u8; 64]);
    while out.len() < GENERATED_LEN {
        getrandom::fill(&mut buf[..])?;
        for &b in buf.iter() {
            // 248 = 4 * 62: bytes at or above it would bias the first characters.
            if b < 248 && out.len() < GENERATED_LEN {
                out.push(char::from(ALPHABET[usize::from(b % 62)]));
            }
        }
    }
    Ok(out)
}

/// Reads a password from all of standard input, without one trailing newline (LF or CRLF).
/// Returns `None` when it still holds a line break (a password cannot span lines).
pub(crate) fn read_stdin_password() -> io::Result<Option<Zeroizing<Vec<u8>>>> {
    let mut buf = Zeroizing::new(Vec::new());
    io::Read::read_to_end(&mut io::stdin().lock(), &mut buf)?;
    Ok(strip_one_line(buf))
}

fn strip_one_line(mut buf: Zeroizing<Vec<u8>>) -> Option<Zeroizing<Vec<u8>>> {
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    if buf.contains(&b'\n') || buf.contains(&b'\r') {
        None
    } else {
        Some(buf)
    }
}

/// Reads a password for `verify`: with a terminal on standard input, prompts on standard error
/// with echo off; otherwise reads standard input as [`read_stdin_password`] does.
pub(crate) fn read_password_for(user: &str) -> io::Result<Option<Zeroizing<Vec<u8>>>> {
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        return read_stdin_password();
    }
    let mut err = io::stderr().lock();
    write!(err, "Password for {user}: ")?;
    err.flush()?;
    let echo_off = EchoOff::new(&stdin);
    let mut line = Zeroizing::new(String::new());
    let read = stdin.lock().read_line(&mut line);
    drop(echo_off);
    writeln!(err)?;
    read?;
    Ok(strip_one_line(Zeroizing::new(line.as_bytes().to_vec())))
}

/// Turns terminal echo off until dropped.
struct EchoOff<'a> {
    fd: &'a io::Stdin,
    saved: Option<rustix::termios::Termios>,
}

impl<'a> EchoOff<'a> {
    fn new(fd: &'a io::Stdin) -> Self {
        let saved = rustix::termios::tcgetattr(fd).ok();
        if let Some(saved) = &saved {
            let mut quiet = saved.clone();
            quiet.local_modes -= rustix::termios::LocalModes::ECHO;
            // Best effort: if echo cannot be turned off the prompt still works.
            let _ = rustix::termios::tcsetattr(fd, rustix::termios::OptionalActions::Now, &quiet);
        }
        Self { fd, saved }
    }
}

impl Drop for EchoOff<'_> {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            let _ =
                rustix::termios::tcsetattr(self.fd, rustix::termios::OptionalActions::Now, saved);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_alphanumeric_and_distinct() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(a.len(), GENERATED_LEN);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(*a, *b);
    }

    #[test]
    fn one_trailing_newline_is_stripped() {
        let s = |b: &[u8]| strip_one_line(Zeroizing::new(b.to_vec())).map(|v| v.to_vec());
        assert_eq!(s(b"pw\n"), Some(b"pw".to_vec()));
        assert_eq!(s(b"pw\r\n"), Some(b"pw".to_vec()));
        assert_eq!(s(b"pw"), Some(b"pw".to_vec()));
        assert_eq!(s(b"p\nw\n"), None);
    }
}
