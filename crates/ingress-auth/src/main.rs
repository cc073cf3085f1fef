//! `ingress-auth`: Kubernetes basic-auth manifests (Secret + annotated Ingress, or the
//! controller's own resources) for ingress-nginx, Traefik, Envoy Gateway, NGINX Inc and HAProxy,
//! ready for `kubectl apply -f -`.
//!
//! The binary is thin: `args` parses (library values through `values`), `cmd` runs one
//! subcommand per module (building requests in `request` and `user_set`, which the library
//! validates; reading and writing files in `files`), and `main` prints. Every failure is an [`error::Error`], whose exit code is chosen in one place
//! ([`error::Failure::code`]: 0 ok, 1 I/O, 2 bad input, 3 password mismatch, 6 no such user).

// Unix only: the hidden-password prompt uses termios, credentials files get mode 0600.
#[cfg(not(unix))]
compile_error!(
    "ingress-auth supports Unix targets only (Linux, macOS, the BSDs): its password prompt uses \
     termios"
);

mod args;
mod cmd;
mod error;
mod files;
#[cfg(test)]
mod generated;
mod password;
mod request;
mod serve;
mod user_set;
mod values;

use std::io::{self, Write as _};
use std::process::ExitCode;

use clap::Parser as _;

use crate::cmd::Output;
use crate::error::{Error, Failure};

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
    // HTPASSWD_MD5_KERNEL picks a slower md5-crypt kernel for bulk apr1/$1$ hashing (as in
    // htpasswd-rs; user_set.rs passes it to the library): checked first, whatever the command,
    // so that a typo is never ignored.
    if let Err(e) = htpasswd_cli_support::md5_kernel_from_env() {
        let _ = writeln!(io::stderr().lock(), "ingress-auth: {e}");
        return ExitCode::from(Failure::Input.code());
    }
    match cmd::run(cli.command).and_then(|output| print(&output)) {
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
    let failed = match result {
        Ok(()) => None,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Some(
            "writing output: the reader closed the pipe before the whole manifest was written"
                .to_owned(),
        ),
        Err(e) => Some(format!("writing output: {e}")),
    };
    if let Some(mut message) = failed {
        // The Secret never reached anyone: its passwords must not stay behind in a file.
        if let Some(path) = &output.credentials_file {
            match std::fs::remove_file(path) {
                Ok(()) => message.push_str(&format!(
                    "; removed the credentials file {} (its Secret was not written)",
                    path.display()
                )),
                Err(e) => message.push_str(&format!(
                    "; the credentials file {} belongs to a Secret that was not written and could \
                     not be removed: {e}",
                    path.display()
                )),
            }
        }
        return Err(Error::io(message));
    }
    let mut err = io::stderr().lock();
    for line in &output.stderr {
        let _ = writeln!(err, "{}", line.as_str());
    }
    Ok(())
}
