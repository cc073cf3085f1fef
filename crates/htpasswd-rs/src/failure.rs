//! The one failure type of `htpasswd-rs`: every way a run of any mode can fail, with its
//! message and its exit code. The code is chosen in [`Failure::code`] and nowhere else (as
//! uutils' `UError::code`); the text in [`Failure::render`]. No message contains a password.

use std::io;
use std::path::{Path, PathBuf};

use htpasswd_core::htpasswd::{EditError, HashFieldError, UsernameError};

use crate::Outcome;
use crate::apache::usage::USAGE;

/// `openssl passwd`'s exit code for every failure.
const OPENSSL_FAILURE: u8 = 1;

/// Apache htpasswd's exit codes (DESIGN.md): every exit of the Apache mode and of its
/// extensions (`--list`, `--lint`, `--batch`) is one of these, chosen by
/// [`Failure::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Ok = 0,
    FilePerm = 1,
    Syntax = 2,
    PwMismatch = 3,
    Overflow = 5,
    BadUser = 6,
    Invalid = 7,
    Random = 8,
    General = 9,
}

/// Why a run failed. The Apache mode's failures are named by `argv[0]` as Apache's are; the
/// extensions (`--batch`, `--list`, `--lint`) name `htpasswd-rs`; the OpenSSL mode's carry
/// OpenSSL's text.
#[derive(Debug)]
pub(crate) enum Failure {
    Usage,
    IllegalOption(u8),
    MissingArgument(u8),
    BadCost,
    ModeConflict,
    FilenameTooLong,
    UserTooLong,
    UserColon,
    ArgPasswordTooLong,
    /// Ours: Apache writes `user:*0` and exits 0.
    RoundsOutOfRange,
    /// Ours: a username Apache would write into a line no server reads as that user.
    BadUsername(UsernameError),
    CannotReadWrite(PathBuf),
    MustCreate(PathBuf),
    CannotCreate(PathBuf),
    PasswordTooLong,
    StdinPasswordTooLong,
    PasswordMismatch,
    /// Ours: Apache silently cuts the password at the NUL.
    PasswordNul,
    ReadPassword(io::Error),
    BcryptCost,
    Random(String),
    /// Ours: `-p` with a password that would end the hash field early.
    PlainUnstorable(HashFieldError),
    RecordTooLong,
    /// `found` entries of the user came before the first invalid line ("Updating " each).
    InvalidFile {
        path: PathBuf,
        prefix: &'static str,
        found: usize,
    },
    VerifyFailed,
    EmptyHash(Vec<u8>),
    UserNotFound(Vec<u8>),
    Edit(EditError),
    Update(PathBuf, String),
    Read(PathBuf, String),
    /// An extension's usage error (the text after `htpasswd-rs: `).
    ExtensionUsage(String),
    /// `--list`/`--lint`: the file cannot be read (the library's message).
    ExtensionRead(String),
    /// `--lint`: findings at or above the level (the findings are on stdout).
    LintFindings,
    /// `--batch`: the users file cannot be read.
    ReadUsers(String, io::Error),
    /// `--batch`: a bad line of the users file `name`.
    UsersLine {
        name: String,
        number: usize,
        problem: LineProblem,
    },
    /// `--batch`: hashing refused the parameters (the library's message).
    BatchHash(String),
    /// The OpenSSL mode: OpenSSL's text, printed as it is (possibly nothing).
    OpenSsl(String),
    /// `HTPASSWD_MD5_KERNEL` names no kernel this CPU runs (the text after `htpasswd-rs: `).
    KernelEnv(String),
}

/// What is wrong with a line of a `--batch` users file.
#[derive(Debug)]
pub(crate) enum LineProblem {
    NoColon,
    BadUser(UsernameError),
    PasswordTooLong(usize),
    PasswordNul,
    Duplicate(usize),
    RecordTooLong,
}

impl Failure {
    /// The exit code, chosen here and only here.
    pub(crate) fn code(&self) -> u8 {
        // Apache htpasswd's meanings, for the Apache mode and its extensions.
        let exit = match self {
            Self::OpenSsl(_) => return OPENSSL_FAILURE,
            // An unusable environment, before any mode runs: 1, as OpenSSL exits.
            Self::KernelEnv(_) => return OPENSSL_FAILURE,
            Self::ExtensionUsage(_) | Self::BatchHash(_) => Exit::Syntax,
            Self::ExtensionRead(_) | Self::ReadUsers(..) => Exit::FilePerm,
            Self::LintFindings => Exit::Invalid,
            Self::UsersLine { problem, .. } => match problem {
                LineProblem::NoColon => Exit::Invalid,
                LineProblem::BadUser(_) | LineProblem::Duplicate(_) => Exit::BadUser,
                LineProblem::PasswordTooLong(_) | LineProblem::RecordTooLong => Exit::Overflow,
                LineProblem::PasswordNul => Exit::General,
            },
            Self::Usage
            | Self::IllegalOption(_)
            | Self::MissingArgument(_)
            | Self::BadCost
            | Self::ModeConflict
            | Self::RoundsOutOfRange => Exit::Syntax,
            Self::FilenameTooLong
            | Self::UserTooLong
            | Self::ArgPasswordTooLong
            | Self::PasswordTooLong
            | Self::StdinPasswordTooLong
            | Self::RecordTooLong => Exit::Overflow,
            Self::UserColon | Self::BadUsername(_) | Self::UserNotFound(_) => Exit::BadUser,
            Self::CannotReadWrite(_)
            | Self::MustCreate(_)
            | Self::CannotCreate(_)
            | Self::Update(..)
            | Self::Read(..) => Exit::FilePerm,
            Self::PasswordMismatch | Self::BcryptCost | Self::VerifyFailed => Exit::PwMismatch,
            Self::InvalidFile { .. } | Self::EmptyHash(_) => Exit::Invalid,
            Self::Random(_) => Exit::Random,
            Self::PasswordNul
            | Self::ReadPassword(_)
            | Self::PlainUnstorable(_)
            | Self::Edit(_) => Exit::General,
        };
        exit as u8
    }

    /// Appends the stderr text to `out`, naming the program as `prog` (Apache's `argv[0]`;
    /// `htpasswd-rs` for the extensions).
    pub(crate) fn render(&self, prog: &[u8], out: &mut Vec<u8>) {
        let base = prog.rsplit(|&b| b == b'/').next().unwrap_or(prog);
        let say = |out: &mut Vec<u8>, parts: &[&[u8]]| {
            out.extend_from_slice(prog);
            out.extend_from_slice(b": ");
            for p in parts {
                out.extend_from_slice(p);
            }
            out.push(b'\n');
        };
        let path_bytes = |p: &Path| p.as_os_str().as_encoded_bytes().to_vec();
        match self {
            Self::Usage => out.extend_from_slice(USAGE.as_bytes()),
            Self::IllegalOption(c) | Self::MissingArgument(c) => {
                out.extend_from_slice(base);
                out.extend_from_slice(if matches!(self, Self::IllegalOption(_)) {
                    b": illegal option -- "
                } else {
                    b": option requires an argument -- "
                });
                out.push(*c);
                out.push(b'\n');
                out.extend_from_slice(USAGE.as_bytes());
            }
            Self::BadCost => say(out, &[b"argument to -C/-r must be a positive integer"]),
            Self::ModeConflict => say(out, &[b"only one of -c -n -v -D may be specified"]),
            Self::FilenameTooLong => say(out, &[b"filename too long"]),
            Self::UserTooLong => say(out, &[b"username too long (> 255)"]),
            Self::UserColon => say(out, &[b"username contains illegal character ':'"]),
            Self::ArgPasswordTooLong => say(out, &[b"password too long (> 256)"]),
            Self::RoundsOutOfRange => say(
                out,
                &[
                    b"argument to -r must be from 1000 to 999999999 for SHA-256 and SHA-512 \
                    (Apache's htpasswd would store the unusable hash '*0')",
                ],
            ),
            Self::BadUsername(e) => say(out, &[e.to_string().as_bytes()]),
            Self::CannotReadWrite(p) => say(
                out,
                &[
                    b"cannot open file ",
                    &path_bytes(p),
                    b" for read/write access",
                ],
            ),
            Self::MustCreate(p) => say(
                out,
                &[
                    b"cannot modify file ",
                    &path_bytes(p),
                    b"; use '-c' to create it",
                ],
            ),
            Self::CannotCreate(p) => say(out, &[b"cannot create file ", &path_bytes(p)]),
            Self::PasswordTooLong => say(out, &[b"password too long (>256)"]),
            Self::StdinPasswordTooLong => say(out, &[b"password too long (>256)"]),
            Self::PasswordMismatch => say(out, &[b"password verification error"]),
            Self::PasswordNul => say(out, &[b"the password contains a NUL byte"]),
            Self::ReadPassword(e) => {
                say(
                    out,
                    &[b"cannot read the password: ", e.to_string().as_bytes()],
                );
            }
            Self::BcryptCost => say(out, &[b"Unable to encode with bcrypt: Invalid argument"]),
            Self::Random(e) => say(out, &[b"Unable to generate random bytes: ", e.as_bytes()]),
            Self::PlainUnstorable(e) => say(
                out,
                &[
                    b"cannot store this password in plain text: ",
                    e.to_string().replace("hash field", "it").as_bytes(),
                ],
            ),
            Self::RecordTooLong => say(out, &[b"resultant record too long"]),
            Self::InvalidFile {
                path,
                prefix,
                found,
            } => {
                for _ in 0..*found {
                    out.extend_from_slice(prefix.as_bytes());
                }
                say(
                    out,
                    &[
                        b"The file ",
                        &path_bytes(path),
                        b" does not appear to be a valid htpasswd file.",
                    ],
                );
            }
            Self::VerifyFailed => out.extend_from_slice(b"password verification failed\n"),
            Self::EmptyHash(user) => {
                out.extend_from_slice(b"Empty hash for user ");
                out.extend_from_slice(user);
                out.push(b'\n');
            }
            Self::UserNotFound(user) => {
                out.extend_from_slice(b"User ");
                out.extend_from_slice(user);
                out.extend_from_slice(b" not found\n");
            }
            Self::Edit(e) => say(out, &[e.to_string().as_bytes()]),
            Self::Update(p, e) => say(
                out,
                &[
                    b"unable to update file ",
                    &path_bytes(p),
                    b": ",
                    e.as_bytes(),
                ],
            ),
            Self::Read(p, e) => say(
                out,
                &[b"unable to read file ", &path_bytes(p), b": ", e.as_bytes()],
            ),
            Self::ExtensionUsage(m)
            | Self::ExtensionRead(m)
            | Self::BatchHash(m)
            | Self::KernelEnv(m) => {
                say(out, &[m.as_bytes()]);
            }
            Self::LintFindings => {}
            Self::ReadUsers(source, e) => say(
                out,
                &[
                    b"cannot read ",
                    source.as_bytes(),
                    b": ",
                    e.to_string().as_bytes(),
                ],
            ),
            Self::UsersLine {
                name,
                number,
                problem,
            } => {
                let what = match problem {
                    LineProblem::NoColon => "no ':' between user and password".to_owned(),
                    LineProblem::BadUser(e) => e.to_string(),
                    LineProblem::PasswordTooLong(max) => {
                        format!("password too long (> {max} bytes)")
                    }
                    LineProblem::PasswordNul => "the password contains a NUL byte".to_owned(),
                    LineProblem::Duplicate(first) => format!("user already given on line {first}"),
                    LineProblem::RecordTooLong => "resultant record too long".to_owned(),
                };
                say(out, &[format!("{name} line {number}: {what}").as_bytes()]);
            }
            Self::OpenSsl(text) => out.extend_from_slice(text.as_bytes()),
        }
    }
}

impl Outcome {
    /// The outcome of a run that failed: `stdout` and `stderr` as gathered so far, then the
    /// failure's message (naming the program as `prog`) and its exit code.
    pub(crate) fn failed(prog: &[u8], failure: &Failure, stdout: Vec<u8>, stderr: Vec<u8>) -> Self {
        let mut out = Self {
            stdout,
            stderr,
            code: 0,
        };
        out.fail_as(prog, failure);
        out
    }

    /// Ends this outcome with `failure`: its message after what stderr holds, and its code.
    pub(crate) fn fail_as(&mut self, prog: &[u8], failure: &Failure) {
        failure.render(prog, &mut self.stderr);
        self.code = failure.code();
    }

    /// [`Outcome::fail_as`] for the OpenSSL mode, whose messages carry their own prefix.
    pub(crate) fn set_failure(&mut self, failure: &Failure) {
        self.fail_as(b"passwd", failure);
    }

    /// The outcome of a run that succeeded.
    pub(crate) fn ok(stdout: Vec<u8>, stderr: Vec<u8>) -> Self {
        Self {
            stdout,
            stderr,
            code: Exit::Ok as u8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(failure: &Failure) -> (u8, String) {
        let mut out = Vec::new();
        failure.render(b"/usr/bin/htpasswd", &mut out);
        (failure.code(), String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn each_mode_keeps_its_codes_and_its_program_name() {
        assert_eq!(
            rendered(&Failure::MustCreate(PathBuf::from("f"))),
            (
                1,
                "/usr/bin/htpasswd: cannot modify file f; use '-c' to create it\n".to_owned()
            )
        );
        assert_eq!(
            rendered(&Failure::IllegalOption(b'x')).1.lines().next(),
            Some("htpasswd: illegal option -- x")
        );
        assert_eq!(rendered(&Failure::LintFindings), (7, String::new()));
        assert_eq!(
            rendered(&Failure::OpenSsl("passwd: x\n".to_owned())),
            (1, "passwd: x\n".to_owned())
        );
        let line = |problem| Failure::UsersLine {
            name: "users".to_owned(),
            number: 3,
            problem,
        };
        assert_eq!(
            rendered(&line(LineProblem::NoColon)),
            (
                7,
                "/usr/bin/htpasswd: users line 3: no ':' between user and password\n".to_owned()
            )
        );
        assert_eq!(rendered(&line(LineProblem::Duplicate(1))).0, 6);
        assert_eq!(rendered(&line(LineProblem::PasswordTooLong(255))).0, 5);
        assert_eq!(rendered(&line(LineProblem::PasswordNul)).0, 9);
    }
}
