//! The `openssl passwd` front end (`htpasswd-rs passwd ...`): OpenSSL 3.0's options for the
//! schemes web servers check (`-1`, `-apr1`, `-5`, `-6`), with its output, messages and exit
//! codes. Deliberate differences are listed in docs/COMPATIBILITY.md.

use std::ffi::{OsStr, OsString};
use std::io::Read as _;
use std::os::unix::ffi::OsStrExt as _;

use htpasswd_core::crypt::HashParams;
use htpasswd_core::crypt::md5_crypt::batch::Kernel;
use htpasswd_core::crypt::md5_crypt::{Md5Variant, Salt};
use htpasswd_core::crypt::sha_crypt::{MAX_ROUNDS, MIN_ROUNDS, ShaCryptHash, ShaVariant};
use zeroize::Zeroizing;

use htpasswd_cli_support::prompt;

use crate::failure::Failure;
use crate::{Outcome, bulk};

/// OpenSSL's `passwd` keeps at most this many bytes of a password.
const MAX_PASSWORD: usize = 256;

/// `passwd` is the OpenSSL mode when alone or followed by an option.
pub(crate) fn selects_openssl_mode(rest: &[OsString]) -> bool {
    rest.first()
        .is_none_or(|a| a.as_encoded_bytes().first() == Some(&b'-'))
}

/// The hash scheme (`-1` is OpenSSL 3's default).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Md5(Md5Variant),
    Sha(ShaVariant),
}

/// Where passwords come from.
enum Source {
    Args(Vec<OsString>),
    Stdin,
    File(OsString),
    Prompt,
}

/// A validated `passwd` request.
struct Request {
    mode: Mode,
    salt: Option<GivenSalt>,
    source: Source,
    noverify: bool,
    quiet: bool,
    table: bool,
    reverse: bool,
}

/// A `-salt` value, checked for the mode.
#[derive(Clone)]
enum GivenSalt {
    Md5(Salt),
    /// SHA-crypt salt text (at most 16 bytes) and rounds (`rounds=N$` prefix, clamped).
    Sha(Vec<u8>, Option<u32>),
}

/// OpenSSL 3.0's `passwd -help`, in its layout, less the options htpasswd-rs refuses
/// (`-aixmd5`, `-writerand`, the provider options) or accepts and ignores (`-rand`).
const HELP: &str = "\
Usage: passwd [options] [password]

General options:
 -help               Display this summary

Input options:
 -in infile          Read passwords from file
 -noverify           Never verify when reading password from terminal
 -stdin              Read passwords from stdin

Output options:
 -quiet              No warnings
 -table              Format output as table
 -reverse            Switch table columns

Cryptographic options:
 -salt val           Use provided salt
 -6                  SHA512-based password algorithm
 -5                  SHA256-based password algorithm
 -apr1               MD5-based password algorithm, Apache variant
 -1                  MD5-based password algorithm

Parameters:
 password            Password text to digest (optional)
";

fn fail(stderr: String) -> Outcome {
    let mut out = Outcome::ok(Vec::new(), Vec::new());
    out.set_failure(&Failure::OpenSsl(stderr));
    out
}

fn usage_error(msg: Option<String>) -> Outcome {
    let mut stderr = msg.map(|m| format!("passwd: {m}\n")).unwrap_or_default();
    stderr.push_str("passwd: Use -help for summary.\n");
    fail(stderr)
}

/// Options OpenSSL accepts that htpasswd-rs refuses, with the reason.
fn unsupported(name: &str) -> Option<&'static str> {
    match name {
        "aixmd5" => Some("no web server checks AIX MD5 hashes"),
        "writerand" => {
            Some("salts come from the operating system's CSPRNG; there is no RNG state to save")
        }
        "provider" | "provider-path" | "propquery" => {
            Some("htpasswd-rs does not load OpenSSL providers")
        }
        _ => None,
    }
}

fn parse(args: &[OsString]) -> Result<Request, Outcome> {
    let mut mode = None;
    let mut salt_text: Option<OsString> = None;
    let mut stdin = false;
    let mut infile = None;
    let mut noverify = false;
    let mut quiet = false;
    let mut table = false;
    let mut reverse = false;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_encoded_bytes();
        if arg == b"--" {
            i += 1;
            break;
        }
        if arg.first() != Some(&b'-') {
            break;
        }
        let body = arg.strip_prefix(b"--").unwrap_or(&arg[1..]);
        // `-name=value` is accepted as OpenSSL does.
        let (name, inline_value) = match body.iter().position(|&b| b == b'=') {
            Some(eq) => (&body[..eq], Some(&body[eq + 1..])),
            None => (body, None),
        };
        let name = String::from_utf8_lossy(name).into_owned();
        let takes_value = matches!(
            name.as_str(),
            "salt" | "in" | "rand" | "writerand" | "provider" | "provider-path" | "propquery"
        );
        let value = if takes_value {
            match inline_value {
                Some(v) => Some(OsStr::from_bytes(v).to_owned()),
                None => match args.get(i + 1) {
                    Some(v) => {
                        i += 1;
                        Some(v.clone())
                    }
                    None => {
                        return Err(usage_error(Some(format!("Option -{name} needs a value"))));
                    }
                },
            }
        } else {
            None
        };
        if let Some(reason) = unsupported(&name) {
            return Err(fail(format!(
                "passwd: option -{name} is not supported by htpasswd-rs: {reason}\n"
            )));
        }
        let chosen = match name.as_str() {
            "1" => Some(Mode::Md5(Md5Variant::Md5Crypt)),
            "apr1" => Some(Mode::Md5(Md5Variant::Apr1)),
            "5" => Some(Mode::Sha(ShaVariant::Sha256)),
            "6" => Some(Mode::Sha(ShaVariant::Sha512)),
            _ => None,
        };
        match name.as_str() {
            "help" | "1" | "apr1" | "5" | "6" | "stdin" | "noverify" | "quiet" | "table"
            | "reverse"
                if inline_value.is_some() =>
            {
                return Err(usage_error(Some(format!(
                    "Option -{name} does not take a value"
                ))));
            }
            "help" => {
                return Err(Outcome {
                    stdout: Vec::new(),
                    stderr: HELP.as_bytes().to_vec(),
                    code: 0,
                });
            }
            "1" | "apr1" | "5" | "6" => {
                // OpenSSL allows one mode option, even the same one twice is an error.
                if mode.is_some() {
                    return Err(usage_error(None));
                }
                mode = chosen;
            }
            "stdin" => stdin = true,
            "noverify" => noverify = true,
            "quiet" => quiet = true,
            "table" => table = true,
            "reverse" => reverse = true,
            "salt" => salt_text = value,
            "in" => infile = value,
            // Accepted and ignored: salts always come from the OS CSPRNG.
            "rand" => {}
            _ => return Err(usage_error(Some(format!("Unknown option: -{name}")))),
        }
        i += 1;
    }
    let passwords = args[i..].to_vec();
    let source = match (stdin, infile, passwords.is_empty()) {
        (false, None, false) => Source::Args(passwords),
        (true, None, true) => Source::Stdin,
        (false, Some(f), true) => Source::File(f),
        (false, None, true) => Source::Prompt,
        _ => return Err(usage_error(None)),
    };
    let mode = mode.unwrap_or(Mode::Md5(Md5Variant::Md5Crypt));
    let salt = match salt_text {
        None => None,
        Some(s) => Some(salt_for(mode, s.as_encoded_bytes())?),
    };
    Ok(Request {
        mode,
        salt,
        source,
        noverify,
        quiet,
        table,
        reverse,
    })
}

/// Checks a `-salt` value the way OpenSSL cuts it, refusing what OpenSSL would turn into a hash
/// no server can verify (a `$` in the salt) or into `<NULL>` (an empty SHA-crypt salt, a bad
/// `rounds=`).
fn salt_for(mode: Mode, text: &[u8]) -> Result<GivenSalt, Outcome> {
    let refuse = |why: String| fail(format!("passwd: invalid -salt: {why}\n"));
    match mode {
        Mode::Md5(_) => {
            let cut = &text[..text.len().min(Salt::MAX_LEN)];
            Salt::new(cut)
                .map(GivenSalt::Md5)
                .map_err(|e| refuse(e.to_string()))
        }
        Mode::Sha(_) => {
            let (rounds, rest) = match text.strip_prefix(b"rounds=") {
                Some(after) => {
                    let Some(end) = after.iter().position(|&b| b == b'$') else {
                        return Err(refuse(
                            "'rounds=N' must be followed by '$' and the salt".to_owned(),
                        ));
                    };
                    let digits = &after[..end];
                    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                        return Err(refuse("'rounds=' needs a decimal number".to_owned()));
                    }
                    // Clamped into 1000..=999999999 as OpenSSL and glibc do.
                    let n = digits.iter().fold(0u64, |acc, d| {
                        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                    });
                    let clamped = n.clamp(u64::from(MIN_ROUNDS), u64::from(MAX_ROUNDS));
                    (u32::try_from(clamped).ok(), &after[end + 1..])
                }
                None => (None, text),
            };
            let cut = &rest[..rest.len().min(16)];
            if cut.is_empty() {
                return Err(refuse(
                    "SHA-crypt needs a non-empty salt (OpenSSL would print <NULL>)".to_owned(),
                ));
            }
            if let Some(index) = cut.iter().position(|&b| b == b'$') {
                return Err(refuse(format!(
                    "salt contains '$' at byte {index}; '$' ends the salt in a stored hash"
                )));
            }
            if cut.contains(&0) {
                return Err(refuse("salt contains a NUL byte".to_owned()));
            }
            Ok(GivenSalt::Sha(cut.to_vec(), rounds))
        }
    }
}

/// Runs the `passwd` mode (the arguments after `passwd`), hashing md5-crypt with `kernel`.
pub(crate) fn run(args: &[OsString], kernel: Kernel) -> Outcome {
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
            let mut passwords = Vec::with_capacity(list.len());
            for pw in list {
                let pw = pw.as_encoded_bytes();
                if pw.len() > MAX_PASSWORD && !request.quiet {
                    out.stderr
                        .extend_from_slice(b"Warning: truncating password to 256 characters\n");
                }
                passwords.push(&pw[..pw.len().min(MAX_PASSWORD)]);
            }
            hash_all(&request, &passwords, &mut out, kernel);
            return out;
        }
        Source::Prompt => {
            let Some(password) = prompt(&request, &mut out) else {
                return out;
            };
            hash_all(&request, &[&password[..]], &mut out, kernel);
            return out;
        }
        Source::Stdin => {
            let mut buf = Zeroizing::new(Vec::new());
            if let Err(e) = std::io::stdin().lock().read_to_end(&mut buf) {
                return fail(format!("passwd: cannot read standard input: {e}\n"));
            }
            buf
        }
        Source::File(path) => match std::fs::read(path) {
            Ok(b) => Zeroizing::new(b),
            // OpenSSL adds its error stack (with process addresses) after this line.
            Err(e) => {
                return fail(format!(
                    "Can't open \"{}\" for reading, {}\n",
                    path.to_string_lossy(),
                    io_message(&e)
                ));
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
    hash_all(&request, &lines, &mut out, kernel);
    out
}

/// The C library's text for an I/O error, without Rust's " (os error N)" suffix.
fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Reads one password at the terminal as OpenSSL's UI does: "Password: ", then "Verifying -
/// Password: " unless `-salt` or `-noverify` was given, each answer followed by a newline
/// whatever the input; input that ends inside a line is no answer (exit 1); a mismatch is
/// "Verify failure", exit 1. The newline goes, a CR stays, as with `-stdin`.
fn prompt(request: &Request, out: &mut Outcome) -> Option<Zeroizing<Vec<u8>>> {
    let ask = |text: &str, out: &mut Outcome| match prompt::read_hidden(text, MAX_PASSWORD) {
        Ok(answer) => {
            answer.channel.say(b"\n");
            if answer.newline {
                Some((answer.line, answer.channel))
            } else {
                out.set_failure(&Failure::OpenSsl(String::new()));
                None
            }
        }
        Err(e) => {
            let message = format!("passwd: cannot read the password: {e}\n");
            out.set_failure(&Failure::OpenSsl(message));
            None
        }
    };
    let (mut first, channel) = ask("Password: ", out)?;
    if request.salt.is_none() && !request.noverify {
        let (again, _) = ask("Verifying - Password: ", out)?;
        if again != first {
            channel.say(b"Verify failure\n");
            out.set_failure(&Failure::OpenSsl(String::new()));
            return None;
        }
    }
    first.truncate(MAX_PASSWORD);
    Some(first)
}

/// Hashes every password on all cores (md5-crypt in SIMD lanes with `kernel`), printing in
/// input order.
fn hash_all(request: &Request, passwords: &[&[u8]], out: &mut Outcome, kernel: Kernel) {
    let hashes: Result<Vec<Vec<u8>>, String> = match (request.mode, &request.salt) {
        // One given salt: byte-exact OpenSSL output.
        (Mode::Md5(variant), Some(GivenSalt::Md5(salt))) => Ok(bulk::md5_hashes_with_salt(
            variant, passwords, *salt, kernel,
        )),
        (Mode::Sha(variant), Some(GivenSalt::Sha(salt, rounds))) => passwords
            .iter()
            .map(|password| {
                ShaCryptHash::new(variant, password, salt, *rounds)
                    .map(|h| h.to_bytes())
                    .map_err(|e| e.to_string())
            })
            .collect(),
        // Fresh salts from the OS CSPRNG.
        (mode, None) => {
            let params = match mode {
                Mode::Md5(Md5Variant::Apr1) => HashParams::Apr1,
                Mode::Md5(Md5Variant::Md5Crypt) => HashParams::Md5Crypt,
                Mode::Sha(ShaVariant::Sha256) => HashParams::Sha256Crypt { rounds: None },
                Mode::Sha(ShaVariant::Sha512) => HashParams::Sha512Crypt { rounds: None },
            };
            bulk::generate(&params, passwords, kernel)
                .map(|made| made.iter().map(|m| m.as_bytes().to_vec()).collect())
                .map_err(|(_, e)| e.to_string())
        }
        // `salt_for` checks the salt for the mode.
        (_, Some(_)) => Err("the salt does not fit the scheme".to_owned()),
    };
    let hashes = match hashes {
        Ok(h) => h,
        Err(e) => {
            out.stderr.clear();
            out.set_failure(&Failure::OpenSsl(format!("passwd: {e}\n")));
            return;
        }
    };
    for (password, hash) in passwords.iter().zip(&hashes) {
        match (request.table, request.reverse) {
            (true, false) => {
                out.stdout.extend_from_slice(password);
                out.stdout.push(b'\t');
                out.stdout.extend_from_slice(hash);
            }
            (true, true) => {
                out.stdout.extend_from_slice(hash);
                out.stdout.push(b'\t');
                out.stdout.extend_from_slice(password);
            }
            (false, _) => out.stdout.extend_from_slice(hash),
        }
        out.stdout.push(b'\n');
    }
}
