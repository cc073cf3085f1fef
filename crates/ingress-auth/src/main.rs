//! `ingress-auth`: Kubernetes basic-auth manifests (Secret + annotated Ingress, or the
//! controller's own resources) for ingress-nginx, Traefik, Envoy Gateway, NGINX Inc and HAProxy,
//! ready for `kubectl apply -f -`.
//!
//! The binary is thin: `args` parses, `run` validates and calls `htpasswd_k8s`, and
//! `main` prints and picks the exit code (0 ok, 1 I/O, 2 bad input, 3 password mismatch, 6 no
//! such user).

// Unix only: the hidden-password prompt uses termios, credentials files get mode 0600.
#[cfg(not(unix))]
compile_error!(
    "ingress-auth supports Unix targets only (Linux, macOS, the BSDs): its password prompt uses \
     termios"
);

mod args;
mod password;
mod run;

use std::io::{self, Write as _};
use std::process::ExitCode;

use clap::Parser as _;

use crate::run::{Failure, Output};

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version land here too, with exit code 0.
            let code = e.exit_code();
            let _ = e.print();
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
    };
    if let Err(e) = htpasswd_core::crypt::md5_crypt::batch::Kernel::from_env() {
        let _ = writeln!(io::stderr().lock(), "ingress-auth: {e}");
        return ExitCode::from(2);
    }
    match run::run(cli.command) {
        Ok(output) => print(&output),
        Err(e) => {
            let _ = writeln!(io::stderr().lock(), "ingress-auth: {}", e.message);
            ExitCode::from(match e.failure {
                Failure::Io => 1,
                Failure::Input => 2,
                Failure::Mismatch => 3,
                Failure::NoSuchUser => 6,
            })
        }
    }
}

/// Prints the manifests on stdout, then notices and generated credentials on stderr. A closed
/// pipe ends quietly.
fn print(output: &Output) -> ExitCode {
    let result = io::stdout()
        .lock()
        .write_all(output.stdout.as_bytes())
        .and_then(|()| io::stdout().lock().flush());
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr().lock(), "ingress-auth: writing output: {e}");
            return ExitCode::from(1);
        }
    }
    let mut err = io::stderr().lock();
    for line in &output.stderr {
        let _ = writeln!(err, "{}", line.as_str());
    }
    ExitCode::SUCCESS
}
