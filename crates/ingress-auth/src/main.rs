//! `ingress-auth`: Kubernetes basic-auth manifests (Secret + annotated Ingress, or the
//! controller's own resources) for ingress-nginx, Traefik, Envoy Gateway, NGINX Inc and HAProxy,
//! ready for `kubectl apply -f -`.
//!
//! The binary is thin: `args` parses, `run` validates and calls `htpasswd_k8s`, and `main`
//! prints. Every failure is an [`error::Error`], whose exit code is chosen in one place
//! ([`error::Failure::code`]: 0 ok, 1 I/O, 2 bad input, 3 password mismatch, 6 no such user).

mod args;
mod error;
#[cfg(test)]
mod generated;
mod password;
mod run;

use std::io::{self, Write as _};
use std::process::ExitCode;

use clap::Parser as _;

use crate::error::{Error, Failure};
use crate::run::Output;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version land here too: clap prints them on stdout.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(Failure::Input.code())
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    if let Err(e) = htpasswd_core::crypt::md5_crypt::batch::Kernel::from_env() {
        let _ = writeln!(io::stderr().lock(), "ingress-auth: {e}");
        return ExitCode::from(2);
    }
    match run::run(cli.command).and_then(|output| print(&output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr().lock(), "ingress-auth: {}", e.message);
            ExitCode::from(e.code())
        }
    }
}

/// Prints the manifests on stdout, then notices and generated credentials on stderr. A manifest
/// that could not be written whole (a closed pipe included: its Secret, and so any generated
/// password, never reached anyone) is an I/O failure, and the credentials are not printed.
fn print(output: &Output) -> Result<(), Error> {
    let result = io::stdout()
        .lock()
        .write_all(output.stdout.as_bytes())
        .and_then(|()| io::stdout().lock().flush());
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            return Err(Error::io(
                "writing output: the reader closed the pipe before the whole manifest was written",
            ));
        }
        Err(e) => return Err(Error::io(format!("writing output: {e}"))),
    }
    let mut err = io::stderr().lock();
    for line in &output.stderr {
        let _ = writeln!(err, "{}", line.as_str());
    }
    Ok(())
}
