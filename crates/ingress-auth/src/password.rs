//! Passwords: generated from the OS CSPRNG, read from standard input or a terminal prompt
//! (`htpasswd-cli-support`'s, shared with `htpasswd-rs`). Every buffer is wiped on drop.

use std::io;

use htpasswd_cli_support::printable;
use htpasswd_cli_support::prompt::{self, ReadError};
use zeroize::Zeroizing;

use crate::error::Error;

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

/// Longest password read from standard input or typed at a prompt.
pub(crate) const MAX_READ: usize = 4096;

/// What standard input (or the terminal) gave for a password.
pub(crate) enum Answer {
    /// One line, without its line end.
    Password(Zeroizing<Vec<u8>>),
    /// Nothing at all: standard input was empty, or the prompt was answered with end of input.
    Nothing,
    /// More than one line (a password cannot span lines).
    MultiLine,
}

/// Why no password was read.
pub(crate) enum ReadFailure {
    /// Longer than [`MAX_READ`] bytes.
    TooLong,
    /// Reading failed.
    Io(io::Error),
}

impl ReadFailure {
    /// The error to report, after `context` (the flag or the step).
    pub(crate) fn into_error(self, context: &str) -> Error {
        match self {
            Self::TooLong => Error::input(format!(
                "{context}: the password is longer than {MAX_READ} bytes"
            )),
            Self::Io(e) => Error::io(format!("{context}: {e}")),
        }
    }
}

impl From<ReadError> for ReadFailure {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::TooLong => Self::TooLong,
            ReadError::Io(e) => Self::Io(e),
        }
    }
}

/// Reads the password of `user`: with a terminal on standard input, a prompt on standard error
/// with echo and signal keys off; otherwise all of standard input, without one trailing line end
/// (LF or CRLF). Unbuffered reads into wiped buffers (the shared prompt of both binaries).
pub(crate) fn read_password_for(user: &str) -> Result<Answer, ReadFailure> {
    let line = if prompt::stdin_is_terminal() {
        let text = format!("Password for {}: ", printable(user.as_bytes()));
        let answer = prompt::read_hidden_stdio(&text, MAX_READ).map_err(ReadFailure::Io)?;
        answer.channel.say(b"\n");
        if answer.line.len() > MAX_READ {
            return Err(ReadFailure::TooLong);
        }
        if answer.line.is_empty() && !answer.newline {
            return Ok(Answer::Nothing);
        }
        let mut line = answer.line;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        line
    } else {
        prompt::read_stdin(MAX_READ + 1)?
    };
    Ok(classify(line))
}

/// Sorts a read password (its line end already removed); an empty read is [`Answer::Nothing`].
fn classify(line: Zeroizing<Vec<u8>>) -> Answer {
    if line.contains(&b'\n') || line.contains(&b'\r') {
        Answer::MultiLine
    } else if line.is_empty() {
        Answer::Nothing
    } else {
        Answer::Password(line)
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
    fn a_read_is_one_password_nothing_or_several_lines() {
        let c = |b: &[u8]| match classify(Zeroizing::new(b.to_vec())) {
            Answer::Password(p) => Some(p.to_vec()),
            Answer::Nothing => None,
            Answer::MultiLine => Some(b"<lines>".to_vec()),
        };
        assert_eq!(c(b"pw"), Some(b"pw".to_vec()));
        assert_eq!(c(b""), None);
        assert_eq!(c(b"p\nw"), Some(b"<lines>".to_vec()));
        assert_eq!(c(b"p\rw"), Some(b"<lines>".to_vec()));
    }
}
