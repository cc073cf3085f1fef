//! `htpasswd-rs`: a drop-in for Apache's `htpasswd` and for `openssl passwd`.
//!
//! The binary is thin: it parses arguments into a typed request, calls `htpasswd-core`, and turns
//! the result into output text and an exit code in one place.

// Unix only: hidden-password prompts use termios, file edits `flock`, arguments are raw bytes.
#[cfg(not(unix))]
compile_error!(
    "htpasswd-rs supports Unix targets only (Linux, macOS, the BSDs): its password prompts use \
     termios, its file edits flock(2), and it reads arguments as raw bytes"
);

mod apache;
mod bulk;
mod failure;
mod openssl;

use std::ffi::{OsStr, OsString};
use std::io::Write as _;
use std::process::ExitCode;

const USAGE: &str = "\
htpasswd-rs: Apache htpasswd and `openssl passwd` in one tool

Usage:
  htpasswd-rs [-cimB25dpsDv] [-C cost] [-r rounds] passwordfile username
  htpasswd-rs -b[cmB25dpsDv] [-C cost] [-r rounds] passwordfile username password
  htpasswd-rs -n[imB25dps] [-C cost] [-r rounds] username
  htpasswd-rs -nb[mB25dps] [-C cost] [-r rounds] username password
      Apache htpasswd 2.4, flag for flag (run `htpasswd-rs` alone for Apache's flag list);
      extensions: --yescrypt [-C 1..11] (libxcrypt's $y$, nginx/Apache on Debian-like systems),
      --argon2id [--argon2-memory KIB] [--argon2-time N] [--argon2-parallelism N] (Caddy 2.11+)
  htpasswd-rs --batch USERS_FILE [-c] [-m|-B|-2|-5|-s] [-C cost] [-r rounds] passwordfile
      add or update every `user:password` line of USERS_FILE (`-` for stdin) in one locked
      write; hashed on all cores (apr1 in SIMD lanes)
  htpasswd-rs --list FILE
      one line per entry: user, scheme, line number
  htpasswd-rs --lint [--level info|warning|error] FILE
      what servers will not accept or read differently; exit 7 on findings at or above the
      level (default: warning)
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

impl Drop for Outcome {
    /// Standard output can hold passwords (`passwd -table`, plaintext records): wiped once
    /// written.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.stdout);
    }
}

fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    let argv0 = argv.next().unwrap_or_else(|| OsString::from("htpasswd-rs"));
    let outcome = run(&argv0, argv.collect());
    // Broken pipes end quietly: nothing more can be said to a reader that left.
    let _ = std::io::stdout().lock().write_all(&outcome.stdout);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().lock().write_all(&outcome.stderr);
    ExitCode::from(outcome.code)
}

fn run(argv0: &OsStr, args: Vec<OsString>) -> Outcome {
    // The md5-crypt kernel for bulk hashing: HTPASSWD_MD5_KERNEL, else the fastest this CPU has.
    let kernel = match htpasswd_cli_support::md5_kernel_from_env() {
        Ok(kernel) => kernel,
        Err(e) => {
            let failure = failure::Failure::KernelEnv(e.to_string());
            return Outcome::failed(b"htpasswd-rs", &failure, Vec::new(), Vec::new());
        }
    };
    let first = args.first().and_then(|a| a.to_str());
    match first {
        Some("--help") => text(USAGE, 0),
        Some("--version") => text(&format!("htpasswd-rs {}\n", env!("CARGO_PKG_VERSION")), 0),
        Some("passwd") if openssl::selects_openssl_mode(&args[1..]) => {
            openssl::run(&args[1..], kernel)
        }
        Some("--list") => apache::extensions::list(&args[1..]),
        Some("--lint") => apache::extensions::lint_file(&args[1..]),
        Some("--batch") => apache::batch::run(&args[1..], kernel),
        _ => apache::run(argv0, args),
    }
}

fn text(s: &str, code: u8) -> Outcome {
    Outcome {
        stdout: s.as_bytes().to_vec(),
        stderr: Vec::new(),
        code,
    }
}
