//! `--batch USERS_FILE [-c] [-m|-B|-2|-5|-s] [-C cost] [-r rounds] passwordfile`: adds or
//! updates many `user:password` lines in one locked write. apr1 (the default) is hashed on all
//! cores through the multi-buffer batch; a progress bar shows on a terminal for long runs.
//!
//! The users file holds one `user:password` per line (the password is everything after the first
//! `:`, a trailing CR is removed); blank lines and lines starting with `#` are skipped; `-` reads
//! standard input. Every line is checked before anything is hashed, and nothing is written unless
//! every line is good.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use htpasswd_cli_support::{UserLine, printable, user_lines};
use htpasswd_core::crypt::bcrypt::{self, LongPassword};
use htpasswd_core::crypt::md5_crypt::batch::Kernel;
use htpasswd_core::crypt::{GenerateError, HashParams};
use htpasswd_core::htpasswd::{Create, EditOptions, HtpasswdFile, Limits, SetOutcome, edit_file};
use zeroize::Zeroizing;

use super::args::{Alg, MAX_ARG_PASSWORD, short_cluster};
use super::write_failure;
use crate::failure::{Failure, LineProblem};
use crate::{Outcome, bulk};

/// The program name of the extensions' messages.
const PROG: &[u8] = b"htpasswd-rs";

struct BatchRequest {
    users: OsString,
    create: bool,
    alg: Alg,
    cost: Option<u32>,
    file: PathBuf,
}

fn usage(msg: &str) -> Failure {
    Failure::ExtensionUsage(format!(
        "{msg}\nusage: htpasswd-rs --batch USERS_FILE [-c] [-m|-B|-2|-5|-s] [-C cost] [-r rounds] passwordfile"
    ))
}

fn parse(args: &[OsString]) -> Result<BatchRequest, Failure> {
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
        let next = || it.next().map(|v| v.as_encoded_bytes().to_vec());
        short_cluster(&bytes[1..], next, b"Cr", |opt, value| {
            match opt {
                b'c' => req.create = true,
                b'm' => req.alg = Alg::Md5,
                b'B' => req.alg = Alg::Bcrypt,
                b'2' => req.alg = Alg::Sha256,
                b'5' => req.alg = Alg::Sha512,
                b's' => req.alg = Alg::Sha1,
                b'C' | b'r' => {
                    let value = value.ok_or_else(|| usage("-C/-r needs a value"))?;
                    req.cost = Some(
                        String::from_utf8_lossy(&value)
                            .parse::<u32>()
                            .ok()
                            .filter(|&n| n > 0)
                            .ok_or_else(|| usage("argument to -C/-r must be a positive integer"))?,
                    );
                }
                other => {
                    return Err(usage(&format!(
                        "option -{} is not available with --batch",
                        char::from(other)
                    )));
                }
            }
            Ok(())
        })?;
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

fn read_users(source: &OsString) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let mut bytes = Zeroizing::new(Vec::new());
    let read = if source == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(source).and_then(|mut f| f.read_to_end(&mut bytes))
    };
    read.map_err(|e| Failure::ReadUsers(printable(source.as_encoded_bytes()), e))?;
    Ok(bytes)
}

fn check_lines<'a>(name: &str, bytes: &'a [u8]) -> Result<Vec<Line<'a>>, Failure> {
    let mut lines = Vec::new();
    let mut seen: HashMap<&[u8], usize> = HashMap::new();
    for line in user_lines(bytes) {
        let at = |number, problem| Failure::UsersLine {
            name: name.to_owned(),
            number,
            problem,
        };
        let UserLine {
            number,
            user,
            password,
            ..
        } = line.map_err(|e| at(e.number, LineProblem::NoColon))?;
        Limits::APACHE
            .check_username(user)
            .map_err(|e| at(number, LineProblem::BadUser(e)))?;
        if password.len() > MAX_ARG_PASSWORD {
            return Err(at(number, LineProblem::PasswordTooLong(MAX_ARG_PASSWORD)));
        }
        if password.contains(&0) {
            return Err(at(number, LineProblem::PasswordNul));
        }
        if let Some(first) = seen.insert(user, number) {
            return Err(at(number, LineProblem::Duplicate(first)));
        }
        lines.push(Line {
            number,
            user,
            password,
        });
    }
    Ok(lines)
}

fn hash_all(
    req: &BatchRequest,
    lines: &[Line<'_>],
    kernel: Kernel,
) -> Result<Vec<Vec<u8>>, Failure> {
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
        GenerateError::Random(e) => Failure::Random(e.to_string()),
        e => Failure::BatchHash(e.to_string()),
    })?;
    Ok(made.iter().map(|m| m.as_bytes().to_vec()).collect())
}

fn execute(args: &[OsString], kernel: Kernel) -> Result<String, Failure> {
    let req = parse(args)?;
    if req.cost.is_some() && matches!(req.alg, Alg::Md5 | Alg::Sha1) {
        return Err(usage("-C/-r apply to -B, -2 and -5 only"));
    }
    if !req.create && !req.file.is_file() {
        return Err(Failure::MustCreate(req.file.clone()));
    }
    let bytes = read_users(&req.users)?;
    let name = if req.users == "-" {
        "standard input".to_owned()
    } else {
        printable(req.users.as_encoded_bytes())
    };
    let lines = check_lines(&name, &bytes)?;
    let hashes = hash_all(&req, &lines, kernel)?;
    for (l, h) in lines.iter().zip(&hashes) {
        if l.user.len() + 1 + h.len() > 254 {
            return Err(Failure::UsersLine {
                name,
                number: l.number,
                problem: LineProblem::RecordTooLong,
            });
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
        file.check_entries().map_err(|_| Failure::InvalidFile {
            path: path.to_path_buf(),
            prefix: "",
            found: 0,
        })?;
        let (mut added, mut updated) = (0usize, 0usize);
        for (l, h) in lines.iter().zip(&hashes) {
            match file.set(l.user, h).map_err(Failure::Edit)? {
                SetOutcome::Added => added += 1,
                SetOutcome::Updated(_) => updated += 1,
            }
        }
        Ok((added, updated))
    })
    .map_err(|e| write_failure(path, e))?;
    let (added, updated) = done.value;
    Ok(format!(
        "{added} added, {updated} updated in {}\n",
        path.display()
    ))
}

/// Runs `--batch` (the arguments after it), hashing md5-crypt with `kernel`.
pub(crate) fn run(args: &[OsString], kernel: Kernel) -> Outcome {
    match execute(args, kernel) {
        Ok(summary) => Outcome::ok(Vec::new(), format!("htpasswd-rs: {summary}").into_bytes()),
        Err(failure) => Outcome::failed(PROG, &failure, Vec::new(), Vec::new()),
    }
}
