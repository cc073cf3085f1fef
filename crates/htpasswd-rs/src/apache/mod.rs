//! The Apache `htpasswd` front end (the default mode): same flags, usage text, messages, stdout,
//! exit codes and limits as Debian's Apache `htpasswd` 2.4, with file edits through the
//! library's locked, crash-safe write path. Deliberate divergences are in docs/COMPATIBILITY.md.
//!
//! Messages name the program by `argv[0]`, as Apache's do (`getopt`'s two messages use its base
//! name, as `apr_getopt` does), so a copy installed as `htpasswd` prints `htpasswd: ...`.

mod args;
pub(crate) mod batch;
pub(crate) mod extensions;
pub(crate) mod usage;

use std::ffi::{OsStr, OsString};
use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;

use htpasswd_cli_support::prompt::{self, ReadError};
use htpasswd_core::crypt::bcrypt::LongPassword;
use htpasswd_core::crypt::{self, GenerateError, HashParams, Scheme};
use htpasswd_core::htpasswd::{
    Create, EditOptions, FileError, HtpasswdFile, Limits, SetOutcome, UsernameError,
    check_hash_field, edit_file, read_file,
};
use zeroize::Zeroizing;

use self::args::{Action, Alg, Request, Source};
use crate::Outcome;
use crate::failure::Failure;

const WARN_PLAIN: &str =
    "Warning: storing passwords as plain text might just not work on this platform.\n";
const WARN_COST: &str = "Warning: Ignoring -C/-r argument for this algorithm.\n";
const WARN_CRYPT: &str = "Warning: Password truncated to 8 characters by CRYPT algorithm.\n";

/// Apache's `MAX_STRING_LEN`: a record plus its newline must be shorter.
const MAX_STRING_LEN: usize = 256;
/// Longest prompted password Apache accepts (`apr_password_get` into a 257-byte buffer).
const MAX_PROMPTED: usize = 256;
/// `-i` reads at most this many bytes; reading this many means "too long" (Apache reads 256
/// bytes into a 257-byte buffer and refuses a full read).
const STDIN_LIMIT: usize = 256;

/// Prompts for a password as glibc `getpass` does (after a hidden answer, the newline the user
/// typed but did not see) and checks Apache's length limit.
fn apache_prompt(text: &str) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let answer = prompt::read_hidden(text, MAX_PROMPTED)?;
    if answer.hidden && answer.newline {
        answer.channel.say(b"\n");
    }
    if answer.line.len() > MAX_PROMPTED {
        return Err(ReadError::TooLong);
    }
    Ok(answer.line)
}

/// Output gathered so far. Stderr is written out before a prompt, so prompts and messages keep
/// Apache's order.
struct Ctx {
    prog: Vec<u8>,
    out: Vec<u8>,
    err: Vec<u8>,
}

impl Ctx {
    fn flush_err(&mut self) {
        let _ = io::stderr().lock().write_all(&self.err);
        self.err.clear();
    }
}

/// Runs the Apache mode on `args` (without `argv[0]`, which names the program in messages).
pub(crate) fn run(argv0: &OsStr, args: Vec<OsString>) -> Outcome {
    let mut ctx = Ctx {
        prog: argv0.as_encoded_bytes().to_vec(),
        out: Vec::new(),
        err: Vec::new(),
    };
    match execute(&mut ctx, args) {
        Ok(()) => Outcome::ok(ctx.out, ctx.err),
        Err(failure) => Outcome::failed(&ctx.prog, &failure, ctx.out, ctx.err),
    }
}

fn execute(ctx: &mut Ctx, args: Vec<OsString>) -> Result<(), Failure> {
    let parsed = args::parse(args);
    for _ in 0..parsed.plain_warnings {
        ctx.err.extend_from_slice(WARN_PLAIN.as_bytes());
    }
    let req = args::validate(parsed.result?)?;
    if matches!(req.action, Action::Print | Action::Set { .. }) {
        match Limits::APACHE.check_username(&req.user) {
            Ok(()) | Err(UsernameError::TooLong { .. } | UsernameError::Colon { .. }) => {}
            Err(e) => return Err(Failure::BadUsername(e)),
        }
    }
    if let Some(file) = &req.file {
        precheck(file, matches!(req.action, Action::Set { create: true }))?;
    }
    match req.action {
        Action::Print => {
            let record = make_record(ctx, &req)?;
            ctx.out.extend_from_slice(&record);
            ctx.out.extend_from_slice(b"\n\n");
            Ok(())
        }
        Action::Set { create } => {
            let record = make_record(ctx, &req)?;
            let hash = &record[req.user.len() + 1..];
            let path = file_of(&req)?;
            set(ctx, path, &req.user, hash, create)
        }
        Action::Delete => delete(ctx, file_of(&req)?, &req.user),
        Action::Verify => verify(ctx, req),
    }
}

fn file_of(req: &Request) -> Result<&Path, Failure> {
    req.file.as_deref().ok_or(Failure::Usage)
}

/// Apache's checks before any work: an existing regular file must open for reading and
/// appending; a missing one needs `-c` and a place to be created (checked without creating it,
/// where Apache leaves an empty file behind).
fn precheck(path: &Path, create: bool) -> Result<(), Failure> {
    let existing = fs::metadata(path).is_ok_and(|m| m.is_file());
    if existing {
        return match OpenOptions::new().read(true).append(true).open(path) {
            Ok(_) => Ok(()),
            Err(_) => Err(Failure::CannotReadWrite(path.to_path_buf())),
        };
    }
    if !create {
        return Err(Failure::MustCreate(path.to_path_buf()));
    }
    let cannot = || Failure::CannotCreate(path.to_path_buf());
    if fs::metadata(path).is_ok() {
        return Err(cannot()); // a directory or another non-regular file
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !fs::metadata(parent).is_ok_and(|m| m.is_dir()) {
        return Err(cannot());
    }
    rustix::fs::access(
        parent,
        rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK,
    )
    .map_err(|_| cannot())
}

/// Gets the password as the request says: the `-b` argument, all of stdin (`-i`), or a prompt.
fn get_password(ctx: &mut Ctx, req: &Request) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let pw = match (&req.password, req.source) {
        (Some(pw), _) => pw.clone(),
        (None, Source::Stdin) => prompt::read_stdin(STDIN_LIMIT).map_err(|e| match e {
            ReadError::TooLong => Failure::StdinPasswordTooLong,
            ReadError::Io(e) => Failure::ReadPassword(e),
        })?,
        (None, Source::Prompt | Source::Arg) => {
            ctx.flush_err();
            let map = |e| match e {
                ReadError::TooLong => Failure::PasswordTooLong,
                ReadError::Io(e) => Failure::ReadPassword(e),
            };
            if req.action == Action::Verify {
                apache_prompt("Enter password: ").map_err(map)?
            } else {
                let first = apache_prompt("New password: ").map_err(map)?;
                // Apache ignores errors of the second read: a failed read is an empty answer.
                let again = apache_prompt("Re-type new password: ")
                    .unwrap_or_else(|_| Zeroizing::new(Vec::new()));
                if *first != *again {
                    return Err(Failure::PasswordMismatch);
                }
                first
            }
        }
    };
    if pw.contains(&0) {
        return Err(Failure::PasswordNul);
    }
    Ok(pw)
}

/// Apache's `mkrecord`: warn about an unused `-C`/`-r`, get the password, hash it, and check
/// that `user:hash` plus its newline fits Apache's 256-byte lines. Returns `user:hash`.
fn make_record(ctx: &mut Ctx, req: &Request) -> Result<Zeroizing<Vec<u8>>, Failure> {
    if req.cost.is_some()
        && !matches!(
            req.alg,
            Alg::Bcrypt | Alg::Sha256 | Alg::Sha512 | Alg::Yescrypt
        )
    {
        ctx.err.extend_from_slice(WARN_COST.as_bytes());
    }
    let password = get_password(ctx, req)?;
    let rounds = || req.cost.and_then(|c| u32::try_from(c).ok());
    let params = match req.alg {
        Alg::Md5 => HashParams::Apr1,
        Alg::Sha1 => HashParams::Sha1,
        Alg::Crypt => HashParams::DesCrypt,
        Alg::Bcrypt => HashParams::Bcrypt {
            cost: match req.cost {
                None => crypt::bcrypt::DEFAULT_COST,
                Some(c) => u32::try_from(c).map_err(|_| Failure::BcryptCost)?,
            },
            long_passwords: LongPassword::Truncate,
        },
        Alg::Sha256 => HashParams::Sha256Crypt { rounds: rounds() },
        Alg::Sha512 => HashParams::Sha512Crypt { rounds: rounds() },
        Alg::Plain => HashParams::Plaintext,
        Alg::Yescrypt => HashParams::Yescrypt {
            cost: match req.cost {
                None => crypt::yescrypt::DEFAULT_COST,
                // Checked in `args::validate`.
                Some(c) => u32::try_from(c).unwrap_or(0),
            },
        },
        Alg::Argon2id => HashParams::Argon2id(req.argon2),
    };
    let mut record = Zeroizing::new(Vec::with_capacity(MAX_STRING_LEN));
    record.extend_from_slice(&req.user);
    record.push(b':');
    if params == HashParams::Plaintext {
        // Apache stores the bytes as given (also used to insert a ready-made hash); only bytes
        // that would end the field are refused.
        check_hash_field(&password).map_err(Failure::PlainUnstorable)?;
        record.extend_from_slice(&password);
    } else {
        let made = crypt::generate(&params, &password).map_err(|e| match e {
            GenerateError::BcryptCost { .. } => Failure::BcryptCost,
            GenerateError::Rounds { .. } => Failure::RoundsOutOfRange,
            GenerateError::Random(e) => Failure::Random(e.to_string()),
            e @ (GenerateError::YescryptCost { .. } | GenerateError::Argon2Params { .. }) => {
                Failure::ExtensionUsage(e.to_string())
            }
            other => Failure::Random(other.to_string()),
        })?;
        if made.scheme() == Scheme::DesCrypt && made.truncated_to().is_some() {
            ctx.err.extend_from_slice(WARN_CRYPT.as_bytes());
        }
        record.extend_from_slice(made.as_bytes());
    }
    if record.len() + 1 >= MAX_STRING_LEN {
        return Err(Failure::RecordTooLong);
    }
    Ok(record)
}

/// Entries of `user` before the first line that is not an entry, comment or blank (Apache stops
/// there), and whether there is such a line.
fn found_before_invalid(file: &HtpasswdFile, user: &[u8]) -> (usize, Option<usize>) {
    let invalid = file.invalid_lines().next();
    let found = file
        .entries()
        .filter(|e| e.user == user && invalid.is_none_or(|l| e.line < l))
        .count();
    (found, invalid)
}

pub(crate) fn write_failure(path: &Path, e: FileError<Failure>) -> Failure {
    match e {
        FileError::Edit(f) => f,
        FileError::Io {
            action,
            path: at,
            source,
        } => Failure::Update(
            path.to_path_buf(),
            format!("{action} {}: {source}", at.display()),
        ),
        FileError::Contended { attempts, .. } => Failure::Update(
            path.to_path_buf(),
            format!("the file was replaced by other writers {attempts} times"),
        ),
        _ => Failure::Update(path.to_path_buf(), "the edit failed".to_owned()),
    }
}

/// Adds or updates `user` (every entry, as Apache); `-c` starts from an empty file.
fn set(ctx: &mut Ctx, path: &Path, user: &[u8], hash: &[u8], create: bool) -> Result<(), Failure> {
    let options = EditOptions::default().create(if create { Create::Umask } else { Create::No });
    let done = edit_file(path, &options, |file| {
        if create {
            *file = HtpasswdFile::new();
        } else {
            refuse_invalid(file, path, user, "Updating ")?;
        }
        file.set(user, hash).map_err(Failure::Edit)
    })
    .map_err(|e| write_failure(path, e))?;
    match done.value {
        SetOutcome::Added => report_done(ctx, "Adding ", 1, user),
        SetOutcome::Updated(n) => report_done(ctx, "Updating ", n, user),
    }
    Ok(())
}

/// Refuses a file with a line Apache stops reading at; Apache has said `prefix` once for each
/// entry of `user` before it.
fn refuse_invalid(
    file: &HtpasswdFile,
    path: &Path,
    user: &[u8],
    prefix: &'static str,
) -> Result<(), Failure> {
    match found_before_invalid(file, user) {
        (found, Some(_)) => Err(Failure::InvalidFile {
            path: path.to_path_buf(),
            prefix,
            found,
        }),
        (_, None) => Ok(()),
    }
}

/// Apache's report of an edit: `verb` once per entry, then `password for user USER`.
fn report_done(ctx: &mut Ctx, verb: &str, entries: usize, user: &[u8]) {
    for _ in 0..entries {
        ctx.err.extend_from_slice(verb.as_bytes());
    }
    ctx.err.extend_from_slice(b"password for user ");
    ctx.err.extend_from_slice(user);
    ctx.err.push(b'\n');
}

/// Deletes every entry of `user`; an absent user is reported and is not an error (as Apache).
fn delete(ctx: &mut Ctx, path: &Path, user: &[u8]) -> Result<(), Failure> {
    let done = edit_file(path, &EditOptions::default(), |file| {
        refuse_invalid(file, path, user, "Deleting ")?;
        Ok(file.delete(user))
    })
    .map_err(|e| write_failure(path, e))?;
    if done.value == 0 {
        ctx.err.extend_from_slice(b"User ");
        ctx.err.extend_from_slice(user);
        ctx.err.extend_from_slice(b" not found\n");
        return Ok(());
    }
    report_done(ctx, "Deleting ", done.value, user);
    Ok(())
}

/// Whether Apache's `apr_password_validate` (on Unix) can check this scheme: its own schemes
/// and what `crypt()` does, yescrypt included (libxcrypt, as on Debian 11+, Ubuntu 20.04+,
/// Fedora).
fn apache_verifies(scheme: Scheme) -> bool {
    matches!(
        scheme,
        Scheme::Apr1
            | Scheme::Md5Crypt
            | Scheme::Bcrypt(_)
            | Scheme::Sha256Crypt
            | Scheme::Sha512Crypt
            | Scheme::Sha1
            | Scheme::DesCrypt
            | Scheme::Yescrypt
    )
}

/// Checks the password against every entry of the user in file order, as Apache does: the
/// first mismatch fails; the password is asked for at the first entry found.
fn verify(ctx: &mut Ctx, req: Request) -> Result<(), Failure> {
    let path = file_of(&req)?;
    let file = read_file(path).map_err(|e| Failure::Read(path.to_path_buf(), e.to_string()))?;
    let (_, invalid) = found_before_invalid(&file, &req.user);
    let mut password: Option<Zeroizing<Vec<u8>>> = None;
    let mut found = false;
    for entry in file.entries() {
        if invalid.is_some_and(|l| entry.line > l) {
            break;
        }
        if entry.user != req.user.as_slice() {
            continue;
        }
        found = true;
        let rest_is_empty = entry.rest.iter().all(|&b| b == b'\r');
        if entry.hash.is_empty() && rest_is_empty {
            return Err(Failure::EmptyHash(req.user.clone()));
        }
        if password.is_none() {
            password = Some(get_password(ctx, &req)?);
        }
        let pw = password.as_deref().map_or(&[][..], |p| p.as_slice());
        let ok = apache_verifies(Scheme::classify(entry.hash))
            && crypt::verify(pw, entry.hash).unwrap_or(false);
        if !ok {
            return Err(Failure::VerifyFailed);
        }
    }
    if let Some(_line) = invalid {
        return Err(Failure::InvalidFile {
            path: path.to_path_buf(),
            prefix: "",
            found: 0,
        });
    }
    if !found {
        return Err(Failure::UserNotFound(req.user));
    }
    ctx.err.extend_from_slice(b"Password for user ");
    ctx.err.extend_from_slice(&req.user);
    ctx.err.extend_from_slice(b" correct.\n");
    Ok(())
}
