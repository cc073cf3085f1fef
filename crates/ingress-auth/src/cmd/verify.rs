//! `ingress-auth verify`: a user's password checked against an auth Secret manifest.

use std::path::Path;

use htpasswd_cli_support::printable;
use htpasswd_core::htpasswd::Verdict;
use htpasswd_k8s::K8sError;
use zeroize::Zeroizing;

use super::Output;
use super::users::read_secret;
use crate::args::VerifyCmd;
use crate::error::{Error, Failure, k8s_err};
use crate::password::{self, Answer};

pub(super) fn verify(cmd: &VerifyCmd) -> Result<Output, Error> {
    if cmd.file == Path::new("-") {
        return Err(Error::input(
            "-f -: the password is read from standard input; give the Secret as a file",
        ));
    }
    let users = read_secret(&cmd.file, cmd.secret.as_deref(), cmd.max_input_size)?;
    let user = &cmd.user;
    if !users.entries.iter().any(|(u, _)| u == user.as_bytes()) {
        return Err(Error {
            failure: Failure::NoSuchUser,
            message: format!(
                "user {} not found in Secret {}",
                printable(user.as_bytes()),
                printable(users.name.as_bytes())
            ),
        });
    }
    let pw = match password::read_password_for(user)
        .map_err(|e| e.into_error("reading the password"))?
    {
        Answer::Password(pw) => pw,
        Answer::Nothing => {
            return Err(Error::input(
                "no password given: verify reads it from standard input (one line), or asks for \
                 it when standard input is a terminal",
            ));
        }
        Answer::MultiLine => return Err(Error::input("the password must be a single line")),
    };
    match users.verify(user.as_bytes(), &pw) {
        Verdict::Match => Ok(Output {
            stdout: String::new(),
            stderr: vec![Zeroizing::new(format!("Password for user {user} correct."))],
            credentials_file: None,
        }),
        Verdict::NoSuchUser => Err(Error {
            failure: Failure::NoSuchUser,
            message: format!(
                "user {} not found in Secret {}",
                printable(user.as_bytes()),
                printable(users.name.as_bytes())
            ),
        }),
        Verdict::Unusable { reason } => Err(k8s_err(K8sError::SecretData {
            what: format!("the hash of user {user:?} is malformed: {reason}"),
        })),
        _ => Err(Error {
            failure: Failure::Mismatch,
            message: "password verification failed".to_owned(),
        }),
    }
}
