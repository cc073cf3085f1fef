//! `htpasswd-rs`: a drop-in for Apache's `htpasswd` and for `openssl passwd`.
//!
//! The binary is thin: it parses arguments into a typed request, calls `htpasswd-core`, and turns
//! the result into output text and an exit code in one place.

mod openssl;

use std::ffi::OsString;
use std::io::Write as _;
use std::process::ExitCode;

const USAGE: &str = "\
htpasswd-rs: Apache htpasswd and `openssl passwd` in one tool

Usage:
  htpasswd-rs passwd [-1 | -apr1] [-salt SALT] [-stdin | -in FILE] [password...]
      hash passwords the way `openssl passwd` does (`-1` is the default, as in OpenSSL 3)
  htpasswd-rs --help | --version

`passwd` selects the OpenSSL mode when it is the first argument and is alone or followed by an
argument starting with '-'.
";

/// What the process prints and how it exits.
pub(crate) struct Outcome {
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
    pub(crate) code: u8,
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let outcome = run(&args);
    // Broken pipes end quietly: nothing more can be said to a reader that left.
    let _ = std::io::stdout().lock().write_all(&outcome.stdout);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().lock().write_all(&outcome.stderr);
    ExitCode::from(outcome.code)
}

fn run(args: &[OsString]) -> Outcome {
    let first = args.first().and_then(|a| a.to_str());
    match first {
        Some("--help") => text(USAGE, 0),
        Some("--version") => text(&format!("htpasswd-rs {}\n", env!("CARGO_PKG_VERSION")), 0),
        Some("passwd") if openssl::selects_openssl_mode(&args[1..]) => openssl::run(&args[1..]),
        _ => Outcome {
            stdout: Vec::new(),
            stderr: format!(
                "htpasswd-rs: the Apache htpasswd mode is not available in this version yet\n\n{USAGE}"
            )
            .into_bytes(),
            code: 2,
        },
    }
}

fn text(s: &str, code: u8) -> Outcome {
    Outcome {
        stdout: s.as_bytes().to_vec(),
        stderr: Vec::new(),
        code,
    }
}
