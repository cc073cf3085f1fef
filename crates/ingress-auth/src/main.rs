//! `ingress-auth`: Kubernetes basic-auth manifests (Secret + annotated Ingress).
//!
//! The manifest builders land with the `ingress-auth` issue; this binary answers `--help` and
//! `--version` so that scripts and packaging can already rely on it.

use std::io::Write as _;
use std::process::ExitCode;

const USAGE: &str = "\
ingress-auth: basic-auth Secrets and annotated Ingresses for kubectl apply

Usage: ingress-auth [--help | --version]

The manifest commands (secret, ingress, generate, annotate, verify) are not available in this
version yet.
";

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let (text, code): (String, u8) = match args.first().and_then(|a| a.to_str()) {
        Some("--help" | "-h") => (USAGE.to_owned(), 0),
        Some("--version" | "-V") => (format!("ingress-auth {}\n", env!("CARGO_PKG_VERSION")), 0),
        None => (USAGE.to_owned(), 2),
        Some(other) => (
            format!("ingress-auth: unknown command or option '{other}'\n\n{USAGE}"),
            2,
        ),
    };
    let written = if code == 0 {
        std::io::stdout().lock().write_all(text.as_bytes())
    } else {
        std::io::stderr().lock().write_all(text.as_bytes())
    };
    match written {
        Ok(()) => ExitCode::from(code),
        // A closed pipe ends quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(code),
        Err(_) => ExitCode::FAILURE,
    }
}
