//! `--batch USERS_FILE [-c] [-m|-B|-2|-5|-s] [-C cost] [-r rounds] passwordfile`: adds or
//! updates many `user:password` lines in one locked write. Every scheme is hashed on all cores
//! (apr1, the default, through the multi-buffer SIMD batch); a progress bar shows on a terminal
//! for long runs.
//!
//! The users file holds one `user:password` per line (the password is everything after the first
//! `:`, a trailing CR is removed); blank lines and lines starting with `#` are skipped; `-` reads
//! standard input. Every line is checked before anything is hashed, and nothing is written unless
//! every line is good.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use htpasswd_core::crypt::bcrypt::{self, LongPassword};
use htpasswd_core::crypt::md5_crypt::batch::Kernel;
use htpasswd_core::crypt::{GenerateError, HashParams};
use htpasswd_core::htpasswd::{
    Create, EditOptions, FileError, HtpasswdFile, Limits, SetOutcome, edit_file,
};
use zeroize::Zeroizing;

use super::Exit;
use super::args::{Alg, MAX_ARG_PASSWORD};
use crate::{Outcome, bulk};

struct BatchRequest {
    users: OsString,
    create: bool,
    alg: Alg,
    cost: Option<u32>,
    file: PathBuf,
}

/// A failure: message (without the program name) and exit code (Apache's meanings).
struct Fail(String, Exit);

fn usage(msg: &str) -> Fail {
    Fail(
        format!(
            "{msg}\nusage: htpasswd-rs --batch USERS_FILE [-c] [-m|-B|-2|-5|-s] [-C cost] [-r rounds] passwordfile"
        ),
        Exit::Syntax,
    )
}

fn parse(args: &[OsString]) -> Result<BatchRequest, Fail> {
    let mut it = args.iter();
    let users = it
        .next()
        .ok_or_else(|| usage("--batch needs a users file"))?
        .clone();
    let mut req = BatchRequest {
        users,
        create: false,
        alg: Alg::Md5,
        cost: None,
        file: PathBuf::new(),
    };
    let mut file = None;
    while let Some(arg) = it.next() {
        let bytes = arg.as_encoded_bytes();
        if bytes.len() < 2 || bytes[0] != b'-' {
            if file.replace(PathBuf::from(arg)).is_some() {
                return Err(usage("--batch takes one password file"));
            }
            continue;
        }
        let mut i = 1;
        while i < bytes.len() {
            let opt = bytes[i];
            i += 1;
            match opt {
                b'c' => req.create = true,
                b'm' => req.alg = Alg::Md5,
                b'B' => req.alg = Alg::Bcrypt,
                b'2' => req.alg = Alg::Sha256,
                b'5' => req.alg = Alg::Sha512,
                b's' => req.alg = Alg::Sha1,
                b'C' | b'r' => {
                    let value = if i < bytes.len() {
                        String::from_utf8_lossy(&bytes[i..]).into_owned()
                    } else {
                        it.next()
                            .map(|v| v.to_string_lossy().into_owned())
                            .ok_or_else(|| usage("-C/-r needs a value"))?
                    };
                    req.cost = Some(
                        value
                            .parse::<u32>()
                            .ok()
                            .filter(|&n| n > 0)
                            .ok_or_else(|| usage("argument to -C/-r must be a positive integer"))?,
                    );
                    break;
                }
                other => {
                    return Err(usage(&format!(
                        "option -{} is not available with --batch",
                        char::from(other)
                    )));
                }
            }
        }
    }
    req.file = file.ok_or_else(|| usage("--batch needs a password file"))?;
    Ok(req)
}

/// One checked `user:password` line.
struct Line<'a> {
    number: usize,
    user: &'a [u8],
    password: &'a [u8],
}

fn read_users(source: &OsString) -> Result<Zeroizing<Vec<u8>>, Fail> {
    let mut bytes = Zeroizing::new(Vec::new());
    let read = if source == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(source).and_then(|mut f| f.read_to_end(&mut bytes))
    };
    read.map_err(|e| {
        Fail(
            format!("cannot read {}: {e}", source.to_string_lossy()),
            Exit::FilePerm,
        )
    })?;
    Ok(bytes)
}

fn check_lines<'a>(name: &str, bytes: &'a [u8]) -> Result<Vec<Line<'a>>, Fail> {
    let mut lines = Vec::new();
    let mut seen: HashMap<&[u8], usize> = HashMap::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let number = i + 1;
        let text = raw.strip_suffix(b"\r").unwrap_or(raw);
        if text.is_empty() || text.first() == Some(&b'#') {
            continue;
        }
        let at = |msg: String, code| Fail(format!("{name} line {number}: {msg}"), code);
        let Some(colon) = text.iter().position(|&b| b == b':') else {
            return Err(at("no ':' between user and password".into(), Exit::Invalid));
        };
        let (user, password) = (&text[..colon], &text[colon + 1..]);
        Limits::APACHE
            .check_username(user)
            .map_err(|e| at(e.to_string(), Exit::BadUser))?;
        if password.len() > MAX_ARG_PASSWORD {
            return Err(at(
                format!("password too long (> {MAX_ARG_PASSWORD} bytes)"),
                Exit::Overflow,
            ));
        }
        if password.contains(&0) {
            return Err(at("the password contains a NUL byte".into(), Exit::General));
        }
        if let Some(first) = seen.insert(user, number) {
            return Err(at(
                format!("user already given on line {first}"),
                Exit::BadUser,
            ));
        }
        lines.push(Line {
            number,
            user,
            password,
        });
    }
    Ok(lines)
}

fn hash_all(req: &BatchRequest, lines: &[Line<'_>], kernel: Kernel) -> Result<Vec<Vec<u8>>, Fail> {
    let rounds = req.cost;
    let params = match req.alg {
        Alg::Md5 => HashParams::Apr1,
        Alg::Sha1 => HashParams::Sha1,
        Alg::Bcrypt => HashParams::Bcrypt {
            cost: req.cost.unwrap_or(bcrypt::DEFAULT_COST),
            long_passwords: LongPassword::Truncate,
        },
        Alg::Sha256 => HashParams::Sha256Crypt { rounds },
        _ => HashParams::Sha512Crypt { rounds },
    };
    let passwords: Vec<&[u8]> = lines.iter().map(|l| l.password).collect();
    // Every scheme on all cores (apr1 in SIMD lanes), fresh salts, in line order.
    let made = bulk::generate(&params, &passwords, kernel).map_err(|(_, e)| match e {
        GenerateError::Random(e) => Fail(
            format!("Unable to generate random bytes: {e}"),
            Exit::Random,
        ),
        e => Fail(e.to_string(), Exit::Syntax),
    })?;
    Ok(made.iter().map(|m| m.as_bytes().to_vec()).collect())
}

fn execute(args: &[OsString], kernel: Kernel) -> Result<String, Fail> {
    let req = parse(args)?;
    if req.cost.is_some() && matches!(req.alg, Alg::Md5 | Alg::Sha1) {
        return Err(usage("-C/-r apply to -B, -2 and -5 only"));
    }
    if !req.create && !req.file.is_file() {
        return Err(Fail(
            format!(
                "cannot modify file {}; use '-c' to create it",
                req.file.display()
            ),
            Exit::FilePerm,
        ));
    }
    let bytes = read_users(&req.users)?;
    let name = if req.users == "-" {
        "standard input".to_owned()
    } else {
        req.users.to_string_lossy().into_owned()
    };
    let lines = check_lines(&name, &bytes)?;
    let hashes = hash_all(&req, &lines, kernel)?;
    for (l, h) in lines.iter().zip(&hashes) {
        if l.user.len() + 1 + h.len() > 254 {
            return Err(Fail(
                format!("{name} line {}: resultant record too long", l.number),
                Exit::Overflow,
            ));
        }
    }
    let path: &Path = &req.file;
    let options = EditOptions::default().create(if req.create {
        Create::Umask
    } else {
        Create::No
    });
    let done = edit_file(path, &options, |file| {
        if req.create {
            *file = HtpasswdFile::new();
        }
        file.check_entries().map_err(|_| {
            Fail(
                format!(
                    "The file {} does not appear to be a valid htpasswd file.",
                    path.display()
                ),
                Exit::Invalid,
            )
        })?;
        let (mut added, mut updated) = (0usize, 0usize);
        for (l, h) in lines.iter().zip(&hashes) {
            match file
                .set(l.user, h)
                .map_err(|e| Fail(e.to_string(), Exit::General))?
            {
                SetOutcome::Added => added += 1,
                SetOutcome::Updated(_) => updated += 1,
            }
        }
        Ok((added, updated))
    })
    .map_err(|e| match e {
        FileError::Edit(f) => f,
        FileError::Io {
            action,
            path: at,
            source,
        } => Fail(
            format!(
                "unable to update file {}: {action} {}: {source}",
                path.display(),
                at.display()
            ),
            Exit::FilePerm,
        ),
        _ => Fail(
            format!("unable to update file {}", path.display()),
            Exit::FilePerm,
        ),
    })?;
    let (added, updated) = done.value;
    Ok(format!(
        "{added} added, {updated} updated in {}\n",
        path.display()
    ))
}

/// Runs `--batch` (the arguments after it), hashing md5-crypt with `kernel`.
pub(crate) fn run(args: &[OsString], kernel: Kernel) -> Outcome {
    match execute(args, kernel) {
        Ok(summary) => Outcome {
            stdout: Vec::new(),
            stderr: format!("htpasswd-rs: {summary}").into_bytes(),
            code: Exit::Ok as u8,
        },
        Err(Fail(msg, code)) => Outcome {
            stdout: Vec::new(),
            stderr: format!("htpasswd-rs: {msg}\n").into_bytes(),
            code: code as u8,
        },
    }
}
