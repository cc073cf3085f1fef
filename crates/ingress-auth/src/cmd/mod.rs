//! One module per subcommand: each turns its parsed flags into library requests (through
//! `request.rs` and `user_set.rs`), calls the library, and returns what to print. Nothing is
//! printed here; `main.rs` prints and picks the exit code.
//!
//! `generate` is `secret` + `ingress` (+ a NetworkPolicy): it uses their builders
//! ([`secret::build_secret`], [`secret::finish`], [`ingress::auth_resources`]).

mod annotate;
mod auth_server;
mod generate;
mod ingress;
mod migrate;
mod secret;
mod users;
mod verify;

use serde_json::Value;
use zeroize::{Zeroize as _, Zeroizing};

pub(crate) use self::auth_server::{SECRET_SHAPE as AUTH_SERVER_SHAPE, WIRED as AUTH_SERVER_WIRED};
use crate::args::Command;
use crate::error::Error;

/// What a successful run prints.
#[derive(Debug, Default)]
pub(crate) struct Output {
    /// For standard output: the manifests.
    pub(crate) stdout: String,
    /// Lines for standard error: notices and generated credentials.
    pub(crate) stderr: Vec<Zeroizing<String>>,
    /// The credentials file written for the Secret in `stdout`: removed again when `stdout`
    /// cannot be written whole (its passwords would belong to a Secret nobody received).
    pub(crate) credentials_file: Option<std::path::PathBuf>,
}

impl Drop for Output {
    /// The manifests may hold passwords in clear (Kong's credential Secrets): wiped once printed.
    fn drop(&mut self) {
        self.stdout.zeroize();
    }
}

/// Runs one command.
pub(crate) fn run(command: Command) -> Result<Output, Error> {
    match command {
        Command::Secret(cmd) => secret::secret(cmd),
        Command::Ingress(cmd) => ingress::ingress(&cmd),
        Command::Generate(cmd) => generate::generate(*cmd),
        Command::Annotate(cmd) => annotate::annotate(&cmd),
        Command::Verify(cmd) => verify::verify(&cmd),
        Command::Users(cmd) => users::users(&cmd),
        Command::Migrate(cmd) => migrate::migrate(&cmd),
        Command::Serve(cmd) => crate::serve::serve(&cmd),
    }
}

/// Wipes every string of `docs` (and so the passwords of Kong's credential Secrets) once they
/// have been written out.
fn wipe(docs: &mut [Value]) {
    fn wipe_value(v: &mut Value) {
        match v {
            Value::String(s) => s.zeroize(),
            Value::Array(items) => items.iter_mut().for_each(wipe_value),
            Value::Object(map) => map.values_mut().for_each(wipe_value),
            _ => {}
        }
    }
    docs.iter_mut().for_each(wipe_value);
}

/// A built object as a document of the output stream.
fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::io(format!("cannot write output: {e}")))
}
