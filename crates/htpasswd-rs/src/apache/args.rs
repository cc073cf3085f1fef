//! Apache mode arguments in two stages: [`parse`] reads the flags exactly as Apache's
//! `apr_getopt` with the option string `cnmspdBbDi25C:r:v` does (combined short flags, `--` ends
//! the options, the first operand ends them too, a later flag wins), and [`validate`] turns them
//! into a typed [`Request`] with Apache's checks, in Apache's order. Neither does any work.
//!
//! Beside Apache's flags, long options that Apache refuses (`apr_getopt` reads `--yescrypt` as
//! the illegal option `-`), so no Apache command line changes meaning: `--yescrypt` (cost with
//! `-C`, 1..=11, libxcrypt's; default 5) and `--argon2id` with `--argon2-memory KIB`,
//! `--argon2-time N`, `--argon2-parallelism N` (defaults 19456, 2, 1). Any other long option is
//! refused as Apache refuses it.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt as _;
use std::path::PathBuf;

use htpasswd_core::crypt::argon2id::{self, Argon2idParams};
use htpasswd_core::crypt::yescrypt;
use zeroize::Zeroizing;

use crate::failure::Failure;

/// Longest username Apache accepts (`MAX_STRING_LEN - 1`).
pub(crate) const MAX_USER: usize = 255;
/// Longest `-b` password Apache accepts (`MAX_STRING_LEN - 1`).
pub(crate) const MAX_ARG_PASSWORD: usize = 255;
/// Longest file name Apache accepts (`APR_PATH_MAX - 1`).
const MAX_FILENAME: usize = 4095;

/// The hash algorithm (`-m`, `-s`, `-p`, `-d`, `-B`, `-2`, `-5`; `-m` is the default; the
/// extensions `--yescrypt` and `--argon2id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alg {
    Md5,
    Sha1,
    Plain,
    Crypt,
    Bcrypt,
    Sha256,
    Sha512,
    Yescrypt,
    Argon2id,
}

/// `--argon2-memory`, `--argon2-time`, `--argon2-parallelism` as given.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Argon2Opts {
    pub(crate) memory_kib: Option<u32>,
    pub(crate) time: Option<u32>,
    pub(crate) parallelism: Option<u32>,
}

impl Argon2Opts {
    fn any(self) -> bool {
        self.memory_kib.is_some() || self.time.is_some() || self.parallelism.is_some()
    }
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
    /// The argon2id options (extensions).
    pub(crate) argon2: Argon2Opts,
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

/// One long option (`--name`, `--name=value` or `--name value`): the extensions above, or
/// Apache's refusal of the option `-` for any other.
fn long_option(
    raw: &mut Raw,
    arg: &[u8],
    next: impl FnOnce() -> Option<Vec<u8>>,
) -> Result<(), Failure> {
    let (name, inline) = match arg.iter().position(|&b| b == b'=') {
        Some(i) => (&arg[..i], Some(arg[i + 1..].to_vec())),
        None => (arg, None),
    };
    let slot = match name {
        b"--yescrypt" | b"--argon2id" if inline.is_some() => {
            return Err(Failure::ExtensionUsage(format!(
                "{} takes no value",
                String::from_utf8_lossy(name)
            )));
        }
        b"--yescrypt" => {
            raw.alg = Alg::Yescrypt;
            return Ok(());
        }
        b"--argon2id" => {
            raw.alg = Alg::Argon2id;
            return Ok(());
        }
        b"--argon2-memory" => &mut raw.argon2.memory_kib,
        b"--argon2-time" => &mut raw.argon2.time,
        b"--argon2-parallelism" => &mut raw.argon2.parallelism,
        // Apache's getopt reads `--name` as the option `-`.
        _ => return Err(Failure::IllegalOption(b'-')),
    };
    let flag = String::from_utf8_lossy(name).into_owned();
    let value = inline
        .or_else(next)
        .ok_or_else(|| Failure::ExtensionUsage(format!("{flag} needs a number")))?;
    let number = core::str::from_utf8(&value)
        .ok()
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or_else(|| Failure::ExtensionUsage(format!("{flag} needs a whole number")))?;
    *slot = Some(number);
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
        argon2: Argon2Opts::default(),
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
        if bytes.starts_with(b"--") {
            let long = bytes.to_vec();
            if let Err(failure) = long_option(&mut raw, &long, || args.next().map(|a| a.into_vec()))
            {
                return Parsed {
                    plain_warnings,
                    result: Err(failure),
                };
            }
            continue;
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
    /// The argon2id parameters (used with [`Alg::Argon2id`] only).
    pub(crate) argon2: Argon2idParams,
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
    let argon2 = extension_params(raw.alg, raw.cost, raw.argon2, action)?;
    Ok(Request {
        action,
        alg: raw.alg,
        cost: raw.cost,
        argon2,
        file,
        user,
        password,
        source: raw.source,
    })
}

/// The extensions' checks (after Apache's): `-C` for `--yescrypt` in 1..=11, the argon2id
/// options only with `--argon2id` and within what the library generates.
fn extension_params(
    alg: Alg,
    cost: Option<i64>,
    opts: Argon2Opts,
    action: Action,
) -> Result<Argon2idParams, Failure> {
    if opts.any() && alg != Alg::Argon2id {
        return Err(Failure::ExtensionUsage(
            "--argon2-memory, --argon2-time and --argon2-parallelism need --argon2id".to_owned(),
        ));
    }
    let hashing = matches!(action, Action::Print | Action::Set { .. });
    if alg == Alg::Yescrypt
        && hashing
        && let Some(c) = cost
        && !(i64::from(yescrypt::MIN_COST)..=i64::from(yescrypt::MAX_COST)).contains(&c)
    {
        return Err(Failure::ExtensionUsage(format!(
            "-C for --yescrypt must be from {} to {} (libxcrypt's costs; default {})",
            yescrypt::MIN_COST,
            yescrypt::MAX_COST,
            yescrypt::DEFAULT_COST
        )));
    }
    let d = Argon2idParams::DEFAULT;
    let params = Argon2idParams {
        memory_kib: opts.memory_kib.unwrap_or(d.memory_kib),
        time: opts.time.unwrap_or(d.time),
        parallelism: opts.parallelism.unwrap_or(d.parallelism),
    };
    let ok = (1..=argon2id::MAX_PARALLELISM).contains(&params.parallelism)
        && (1..=argon2id::MAX_GENERATE_TIME).contains(&params.time)
        && (u64::from(params.parallelism) * 8..=u64::from(argon2id::MAX_GENERATE_MEMORY_KIB))
            .contains(&u64::from(params.memory_kib));
    if alg == Alg::Argon2id && hashing && !ok {
        return Err(Failure::ExtensionUsage(format!(
            "--argon2-memory must be from 8 x parallelism to {} KiB, --argon2-time from 1 to {}, \
             --argon2-parallelism from 1 to {}",
            argon2id::MAX_GENERATE_MEMORY_KIB,
            argon2id::MAX_GENERATE_TIME,
            argon2id::MAX_PARALLELISM
        )));
    }
    Ok(params)
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

    #[test]
    fn extension_long_options() {
        let raw = parse(os(&["-nb", "--yescrypt", "-C", "7", "u", "p"]))
            .result
            .ok()
            .unwrap();
        assert_eq!((raw.alg, raw.cost), (Alg::Yescrypt, Some(7)));
        let raw = parse(os(&[
            "--argon2id",
            "--argon2-memory=65536",
            "--argon2-time",
            "3",
            "--argon2-parallelism=4",
            "-nb",
            "u",
            "p",
        ]))
        .result
        .ok()
        .unwrap();
        assert_eq!(raw.alg, Alg::Argon2id);
        let req = validate(raw).ok().unwrap();
        assert_eq!(
            req.argon2,
            Argon2idParams {
                memory_kib: 65536,
                time: 3,
                parallelism: 4
            }
        );
        // A later Apache flag wins, as between Apache's own.
        let raw = parse(os(&["--yescrypt", "-B", "-nb", "u", "p"]))
            .result
            .ok()
            .unwrap();
        assert_eq!(raw.alg, Alg::Bcrypt);
    }

    #[test]
    fn bad_extension_values_are_refused_before_any_work() {
        let refused = |v: &[&str]| match parse(os(v)).result {
            Err(f) => Some(f),
            Ok(raw) => validate(raw).err(),
        };
        for bad in [
            &["--yescrypt", "-C", "12", "-nb", "u", "p"][..],
            &["--argon2id", "--argon2-memory=7", "-nb", "u", "p"],
            &["--argon2id", "--argon2-memory=1048577", "-nb", "u", "p"],
            &["--argon2id", "--argon2-time=0", "-nb", "u", "p"],
            &["--argon2id", "--argon2-time=11", "-nb", "u", "p"],
            &["--argon2id", "--argon2-parallelism=17", "-nb", "u", "p"],
            &["--argon2id", "--argon2-time=x", "-nb", "u", "p"],
            &["--argon2id", "--argon2-time"],
            &["--argon2-time=3", "-nb", "u", "p"],
            &["--yescrypt=1", "-nb", "u", "p"],
        ] {
            assert!(
                matches!(refused(bad), Some(Failure::ExtensionUsage(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            refused(&["--sha512", "-nb", "u", "p"]),
            Some(Failure::IllegalOption(b'-'))
        ));
    }
}
