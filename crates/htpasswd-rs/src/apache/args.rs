//! Apache mode arguments in two stages: [`parse`] reads the flags exactly as Apache's
//! `apr_getopt` with the option string `cnmspdBbDi25C:r:v` does (combined short flags, `--` ends
//! the options, the first operand ends them too, a later flag wins), and [`validate`] turns them
//! into a typed [`Request`] with Apache's checks, in Apache's order. Neither does any work.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt as _;
use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::failure::Failure;

/// Longest username Apache accepts (`MAX_STRING_LEN - 1`).
pub(crate) const MAX_USER: usize = 255;
/// Longest `-b` password Apache accepts (`MAX_STRING_LEN - 1`).
pub(crate) const MAX_ARG_PASSWORD: usize = 255;
/// Longest file name Apache accepts (`APR_PATH_MAX - 1`).
const MAX_FILENAME: usize = 4095;

/// The hash algorithm (`-m`, `-s`, `-p`, `-d`, `-B`, `-2`, `-5`; `-m` is the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alg {
    Md5,
    Sha1,
    Plain,
    Crypt,
    Bcrypt,
    Sha256,
    Sha512,
}

/// Where the password comes from (`-b`, `-i`, or a prompt; the last of `-b`/`-i` wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Prompt,
    Arg,
    Stdin,
}

/// The flags as given, before any check.
#[derive(Debug)]
pub(crate) struct Raw {
    pub(crate) create: bool,
    pub(crate) no_file: bool,
    pub(crate) delete: bool,
    pub(crate) verify: bool,
    pub(crate) alg: Alg,
    pub(crate) source: Source,
    /// `-C` / `-r` (one value in Apache; the last one wins); `None` when not given.
    pub(crate) cost: Option<i64>,
    /// Operands after the options.
    pub(crate) operands: Vec<OsString>,
}

/// What [`parse`] produced: warnings Apache prints while it parses (one per `-p`), then the
/// flags or the failure that stopped parsing.
pub(crate) struct Parsed {
    pub(crate) plain_warnings: usize,
    pub(crate) result: Result<Raw, Failure>,
}

/// C `strtol(s, &end, 10)` with `*end == '\0'` required: leading white space, an optional sign,
/// at least one digit, nothing after. Overflow saturates as `strtol` does.
fn strtol_whole(s: &[u8]) -> Option<i64> {
    let mut i = s
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .unwrap_or(s.len());
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits = &s[i..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        n = n.saturating_mul(10).saturating_add(i64::from(d - b'0'));
    }
    Some(if negative { -n } else { n })
}

/// One cluster of short options (`cBC5` of `-cBC5`), as `apr_getopt` reads it: each byte is an
/// option, given to `each` in order; an option listed in `with_value` takes the rest of the
/// cluster as its value, or else the next argument (from `next`), and ends the cluster.
/// Shared by the Apache mode and `--batch`.
///
/// # Errors
/// The first error of `each`; `each(opt, None)` is how a missing value is reported (the
/// caller's message).
pub(crate) fn short_cluster<E>(
    cluster: &[u8],
    next: impl FnOnce() -> Option<Vec<u8>>,
    with_value: &[u8],
    mut each: impl FnMut(u8, Option<Vec<u8>>) -> Result<(), E>,
) -> Result<(), E> {
    for (i, &opt) in cluster.iter().enumerate() {
        if with_value.contains(&opt) {
            let rest = &cluster[i + 1..];
            let value = if rest.is_empty() {
                next()
            } else {
                Some(rest.to_vec())
            };
            return each(opt, value);
        }
        each(opt, None)?;
    }
    Ok(())
}

/// Stage 1: the flags, as Apache's `apr_getopt` loop reads them.
pub(crate) fn parse(args: Vec<OsString>) -> Parsed {
    let mut raw = Raw {
        create: false,
        no_file: false,
        delete: false,
        verify: false,
        alg: Alg::Md5,
        source: Source::Prompt,
        cost: None,
        operands: Vec::new(),
    };
    let mut plain_warnings = 0;
    let mut args = args.into_iter();
    let mut rest: Vec<OsString> = Vec::new();
    while let Some(arg) = args.next() {
        let bytes = arg.as_encoded_bytes();
        if bytes == b"--" {
            break;
        }
        if bytes.len() < 2 || bytes[0] != b'-' {
            rest.push(arg);
            break;
        }
        let cluster = &bytes[1..];
        let next = || args.next().map(|a| a.into_vec());
        let read = short_cluster(cluster, next, b"Cr", |opt, value| {
            match opt {
                b'c' => raw.create = true,
                b'n' => raw.no_file = true,
                b'D' => raw.delete = true,
                b'v' => raw.verify = true,
                b'b' => raw.source = Source::Arg,
                b'i' => raw.source = Source::Stdin,
                b'm' => raw.alg = Alg::Md5,
                b's' => raw.alg = Alg::Sha1,
                b'p' => {
                    raw.alg = Alg::Plain;
                    plain_warnings += 1;
                }
                b'd' => raw.alg = Alg::Crypt,
                b'B' => raw.alg = Alg::Bcrypt,
                b'2' => raw.alg = Alg::Sha256,
                b'5' => raw.alg = Alg::Sha512,
                b'C' | b'r' => {
                    let value = value.ok_or(Failure::MissingArgument(opt))?;
                    match strtol_whole(&value) {
                        Some(n) if n > 0 => raw.cost = Some(n),
                        _ => return Err(Failure::BadCost),
                    }
                }
                other => return Err(Failure::IllegalOption(other)),
            }
            Ok(())
        });
        if let Err(failure) = read {
            return Parsed {
                plain_warnings,
                result: Err(failure),
            };
        }
    }
    rest.extend(args);
    raw.operands = rest;
    Parsed {
        plain_warnings,
        result: Ok(raw),
    }
}

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// `-n`: print the record.
    Print,
    /// Add or update the user (`-c`: in a new or truncated file).
    Set { create: bool },
    /// `-D`.
    Delete,
    /// `-v`.
    Verify,
}

/// A validated request.
pub(crate) struct Request {
    pub(crate) action: Action,
    pub(crate) alg: Alg,
    pub(crate) cost: Option<i64>,
    pub(crate) file: Option<PathBuf>,
    pub(crate) user: Vec<u8>,
    /// The `-b` password, or where to get it.
    pub(crate) password: Option<Zeroizing<Vec<u8>>>,
    pub(crate) source: Source,
}

/// Stage 2: Apache's `check_args` checks, in its order, then ours (which only refuse what
/// Apache would turn into a broken file).
pub(crate) fn validate(raw: Raw) -> Result<Request, Failure> {
    let modes = [raw.create, raw.no_file, raw.verify, raw.delete]
        .iter()
        .filter(|&&m| m)
        .count();
    if modes > 1 {
        return Err(Failure::ModeConflict);
    }
    let expected = 2 - usize::from(raw.no_file) + usize::from(raw.source == Source::Arg);
    if raw.operands.len() != expected {
        return Err(Failure::Usage);
    }
    let mut operands = raw.operands.into_iter();
    let file = if raw.no_file {
        None
    } else {
        let f = operands.next().ok_or(Failure::Usage)?;
        if f.len() > MAX_FILENAME {
            return Err(Failure::FilenameTooLong);
        }
        Some(PathBuf::from(f))
    };
    let user = operands.next().ok_or(Failure::Usage)?.into_vec();
    if user.len() > MAX_USER {
        return Err(Failure::UserTooLong);
    }
    if user.contains(&b':') {
        return Err(Failure::UserColon);
    }
    let password = match raw.source {
        Source::Arg => {
            let pw = Zeroizing::new(operands.next().ok_or(Failure::Usage)?.into_vec());
            if pw.len() > MAX_ARG_PASSWORD {
                return Err(Failure::ArgPasswordTooLong);
            }
            Some(pw)
        }
        Source::Prompt | Source::Stdin => None,
    };
    let action = if raw.no_file {
        Action::Print
    } else if raw.delete {
        Action::Delete
    } else if raw.verify {
        Action::Verify
    } else {
        Action::Set { create: raw.create }
    };
    if let (Alg::Sha256 | Alg::Sha512, Some(rounds)) = (raw.alg, raw.cost)
        && matches!(action, Action::Print | Action::Set { .. })
        && !(1000..=999_999_999).contains(&rounds)
    {
        return Err(Failure::RoundsOutOfRange);
    }
    Ok(Request {
        action,
        alg: raw.alg,
        cost: raw.cost,
        file,
        user,
        password,
        source: raw.source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn strtol_accepts_what_apache_accepts() {
        assert_eq!(strtol_whole(b" +5"), Some(5));
        assert_eq!(strtol_whole(b"017"), Some(17));
        assert_eq!(strtol_whole(b"0x5"), None);
        assert_eq!(strtol_whole(b"5 "), None);
        assert_eq!(strtol_whole(b""), None);
        assert_eq!(strtol_whole(b"-3"), Some(-3));
        assert_eq!(strtol_whole(b"99999999999999999999999"), Some(i64::MAX));
    }

    #[test]
    fn combined_flags_and_attached_argument() {
        let p = parse(os(&["-nbBC6", "u", "p"]));
        let raw = p.result.ok().unwrap();
        assert!(raw.no_file);
        assert_eq!(raw.source, Source::Arg);
        assert_eq!(raw.alg, Alg::Bcrypt);
        assert_eq!(raw.cost, Some(6));
        assert_eq!(raw.operands, os(&["u", "p"]));
    }

    #[test]
    fn later_flags_win_and_operands_end_options() {
        let raw = parse(os(&["-bi", "-s", "-m", "f", "-u"]))
            .result
            .ok()
            .unwrap();
        assert_eq!(raw.source, Source::Stdin);
        assert_eq!(raw.alg, Alg::Md5);
        assert_eq!(raw.operands, os(&["f", "-u"]));
        let raw = parse(os(&["-b", "--", "-f", "u", "p"]))
            .result
            .ok()
            .unwrap();
        assert_eq!(raw.operands, os(&["-f", "u", "p"]));
        let raw = parse(os(&["-", "u"])).result.ok().unwrap();
        assert_eq!(raw.operands, os(&["-", "u"]));
    }
}
