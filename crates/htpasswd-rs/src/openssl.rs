//! The `openssl passwd` front end (`htpasswd-rs passwd ...`), for the md5-crypt schemes.

use std::ffi::{OsStr, OsString};
use std::io::{IsTerminal as _, Read as _};

use htpasswd_core::crypt::md5_crypt::MAX_ENCODED_LEN;
use htpasswd_core::crypt::md5_crypt::batch::{Md5CryptJob, par_hash_batch_with_progress};
use htpasswd_core::{Md5Variant, Salt};
use indicatif::{ProgressBar, ProgressStyle};
use zeroize::Zeroizing;

use crate::Outcome;

/// OpenSSL's `passwd` keeps at most this many bytes of a password.
const MAX_PASSWORD: usize = 256;

/// `passwd` is the OpenSSL mode when alone or followed by an option.
pub(crate) fn selects_openssl_mode(rest: &[OsString]) -> bool {
    rest.first()
        .is_none_or(|a| a.as_encoded_bytes().first() == Some(&b'-'))
}

/// Where passwords come from.
enum Source {
    Args(Vec<OsString>),
    Stdin,
    File(OsString),
}

/// A validated `passwd` request.
struct Request {
    variant: Md5Variant,
    salt: Option<Salt>,
    source: Source,
}

fn usage_error(msg: Option<String>) -> Outcome {
    let mut stderr = msg.map(|m| format!("passwd: {m}\n")).unwrap_or_default();
    stderr.push_str("passwd: Use -help for summary.\n");
    Outcome {
        stdout: Vec::new(),
        stderr: stderr.into_bytes(),
        code: 1,
    }
}

const HELP: &str = "\
Usage: passwd [options] [password]

General options:
 -help               Display this summary

Input options:
 -in infile          Read passwords from file
 -stdin              Read passwords from stdin

Output options:
 -salt val           Use provided salt

Cryptographic options:
 -1                  MD5-based password algorithm
 -apr1               MD5-based password algorithm, Apache variant

Parameters:
 password            Password text to digest
";

fn parse(args: &[OsString]) -> Result<Request, Outcome> {
    let mut variant = None;
    let mut salt = None;
    let mut stdin = false;
    let mut infile = None;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_encoded_bytes();
        if arg.first() != Some(&b'-') || arg == b"-" {
            break;
        }
        if arg == b"--" {
            i += 1;
            break;
        }
        let name = arg.strip_prefix(b"--").unwrap_or(&arg[1..]);
        match name {
            b"help" => {
                return Err(Outcome {
                    stdout: Vec::new(),
                    stderr: HELP.as_bytes().to_vec(),
                    code: 0,
                });
            }
            b"1" | b"apr1" => {
                let chosen = if name == b"1" {
                    Md5Variant::Md5Crypt
                } else {
                    Md5Variant::Apr1
                };
                if variant.is_some_and(|v| v != chosen) {
                    return Err(usage_error(None));
                }
                variant = Some(chosen);
            }
            b"stdin" => stdin = true,
            b"salt" | b"in" => {
                let Some(value) = args.get(i + 1) else {
                    return Err(usage_error(Some(format!(
                        "Option -{} needs a value",
                        String::from_utf8_lossy(name)
                    ))));
                };
                if name == b"in" {
                    infile = Some(value.clone());
                } else {
                    salt = Some(value.clone());
                }
                i += 1;
            }
            _ => {
                return Err(usage_error(Some(format!(
                    "Unknown option: {}",
                    String::from_utf8_lossy(arg)
                ))));
            }
        }
        i += 1;
    }
    let passwords = args[i..].to_vec();
    let source = match (stdin, infile, passwords.is_empty()) {
        (false, None, false) => Source::Args(passwords),
        (true, None, true) => Source::Stdin,
        (false, Some(f), true) => Source::File(f),
        (false, None, true) => {
            return Err(usage_error(Some(
                "no password given; pass it as an argument, with -stdin or with -in FILE \
                 (terminal prompting is not available in this version yet)"
                    .to_owned(),
            )));
        }
        _ => return Err(usage_error(None)),
    };
    let salt = match salt {
        None => None,
        Some(s) => Some(salt_from(&s)?),
    };
    Ok(Request {
        variant: variant.unwrap_or(Md5Variant::Md5Crypt),
        salt,
        source,
    })
}

/// OpenSSL cuts the salt to 8 bytes but keeps a `$`, making a hash no server can check: refuse.
fn salt_from(text: &OsStr) -> Result<Salt, Outcome> {
    let bytes = text.as_encoded_bytes();
    let cut = &bytes[..bytes.len().min(Salt::MAX_LEN)];
    Salt::new(cut).map_err(|e| Outcome {
        stdout: Vec::new(),
        stderr: format!("passwd: invalid -salt: {e}\n").into_bytes(),
        code: 1,
    })
}

pub(crate) fn run(args: &[OsString]) -> Outcome {
    let request = match parse(args) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let mut out = Outcome {
        stdout: Vec::new(),
        stderr: Vec::new(),
        code: 0,
    };
    let input = match &request.source {
        Source::Args(list) => {
            for pw in list {
                let pw = pw.as_encoded_bytes();
                if pw.len() > MAX_PASSWORD {
                    out.stderr
                        .extend_from_slice(b"Warning: truncating password to 256 characters\n");
                }
            }
            let passwords: Vec<&[u8]> = list
                .iter()
                .map(|pw| {
                    let pw = pw.as_encoded_bytes();
                    &pw[..pw.len().min(MAX_PASSWORD)]
                })
                .collect();
            hash_lines(&request, &passwords, &mut out);
            return out;
        }
        Source::Stdin => {
            let mut buf = Zeroizing::new(Vec::new());
            if std::io::stdin().lock().read_to_end(&mut buf).is_err() {
                out.code = 1;
                return out;
            }
            buf
        }
        Source::File(path) => match std::fs::read(path) {
            Ok(b) => Zeroizing::new(b),
            Err(e) => {
                out.stderr = format!(
                    "Can't open \"{}\" for reading, {e}\n",
                    path.to_string_lossy()
                )
                .into_bytes();
                out.code = 1;
                return out;
            }
        },
    };
    // One password per line; the newline goes, a CR stays; long lines are cut silently.
    let mut lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let lines: Vec<&[u8]> = lines
        .into_iter()
        .map(|line| &line[..line.len().min(MAX_PASSWORD)])
        .collect();
    hash_lines(&request, &lines, &mut out);
    out
}

/// Below this many passwords a progress bar would only flicker.
const PROGRESS_THRESHOLD: usize = 5_000;

/// Hashes many passwords at once (SIMD lanes on all cores), printing in input order.
fn hash_lines(request: &Request, lines: &[&[u8]], out: &mut Outcome) {
    let mut jobs = Vec::with_capacity(lines.len());
    for password in lines {
        let salt = match request.salt {
            Some(s) => s,
            None => match Salt::random() {
                Ok(s) => s,
                Err(e) => {
                    out.stderr = format!("passwd: {e}\n").into_bytes();
                    out.code = 1;
                    return;
                }
            },
        };
        jobs.push(Md5CryptJob {
            variant: request.variant,
            password,
            salt,
        });
    }
    let bar = (lines.len() >= PROGRESS_THRESHOLD && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(lines.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} hashes, {per_sec}, eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let hashes = par_hash_batch_with_progress(&jobs, &|n| {
        if let Some(bar) = &bar {
            bar.inc(n as u64);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut buf = [0u8; MAX_ENCODED_LEN];
    for hash in hashes {
        out.stdout.extend_from_slice(hash.encode_into(&mut buf));
        out.stdout.push(b'\n');
    }
}
