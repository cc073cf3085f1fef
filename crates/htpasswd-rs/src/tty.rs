//! Reading a password at the terminal without echo, shared by the Apache and OpenSSL modes.
//!
//! Like OpenSSL's UI and APR's `apr_password_get`: prompts go to the controlling terminal
//! (`/dev/tty`) and the answer is read there with echo off; without a terminal, the prompt goes
//! to standard error and one line is read from standard input. Either way a newline is written
//! after the answer (the user's Enter was not echoed).

use std::fs::File;
use std::io::{self, BufRead as _, Read as _, Write as _};

use rustix::termios::{self, LocalModes, OptionalActions};
use zeroize::Zeroizing;

/// Where prompts go and answers come from.
pub(crate) enum Terminal {
    /// The controlling terminal.
    Tty(File),
    /// No terminal: prompts on stderr, answers from stdin.
    Stdio,
}

impl Terminal {
    /// The controlling terminal if there is one, else standard input/error.
    pub(crate) fn open() -> Self {
        match File::options().read(true).write(true).open("/dev/tty") {
            Ok(tty) => Self::Tty(tty),
            Err(_) => Self::Stdio,
        }
    }

    /// Writes `text` where prompts go.
    pub(crate) fn say(&mut self, text: &str) {
        // A terminal that cannot be written to leaves nothing to tell.
        let _ = match self {
            Self::Tty(tty) => tty.write_all(text.as_bytes()).and_then(|()| tty.flush()),
            Self::Stdio => io::stderr().write_all(text.as_bytes()),
        };
    }

    /// Prompts and reads one line without echo; `None` at end of input before any byte, and,
    /// with `require_newline` (OpenSSL's rule), also when the input ends inside the line. The
    /// line ending (LF, or CR LF) is removed.
    ///
    /// # Errors
    /// The terminal or standard input cannot be read, or echo cannot be switched off.
    pub(crate) fn read_secret(
        &mut self,
        prompt: &str,
        require_newline: bool,
    ) -> io::Result<Option<Zeroizing<Vec<u8>>>> {
        self.say(prompt);
        let mut line = Zeroizing::new(Vec::new());
        let got = match self {
            Self::Tty(tty) => {
                let saved = termios::tcgetattr(&*tty)?;
                let mut quiet = saved.clone();
                quiet.local_modes.remove(LocalModes::ECHO);
                quiet.local_modes.insert(LocalModes::ECHONL);
                termios::tcsetattr(&*tty, OptionalActions::Flush, &quiet)?;
                let read = read_line(tty, &mut line);
                let restored = termios::tcsetattr(&*tty, OptionalActions::Flush, &saved);
                // ECHONL already echoed the newline when the user pressed Enter.
                restored?;
                read?
            }
            Self::Stdio => {
                let read = io::stdin().lock().read_until(b'\n', &mut line)?;
                self.say("\n");
                read
            }
        };
        if got == 0 || (require_newline && line.last() != Some(&b'\n')) {
            return Ok(None);
        }
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        Ok(Some(line))
    }
}

/// Reads bytes up to and including the first LF (or end of input), one at a time so nothing past
/// the line is consumed.
fn read_line(source: &mut File, line: &mut Vec<u8>) -> io::Result<usize> {
    let mut byte = [0u8; 1];
    let mut n = 0;
    loop {
        match source.read(&mut byte) {
            Ok(0) => return Ok(n),
            Ok(_) => {
                n += 1;
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    return Ok(n);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}
