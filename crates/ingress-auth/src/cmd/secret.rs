//! `ingress-auth secret`: the auth Secret. Its builders serve `generate` too.

use htpasswd_k8s::{Controller, ObjectRef};
use zeroize::Zeroizing;

use super::Output;
use crate::args::SecretCmd;
use crate::error::{Error, k8s_err};
use crate::files::write_credentials;
use crate::request::object_ref;
use crate::user_set::{Users, collect_users};

pub(super) fn secret(cmd: SecretCmd) -> Result<Output, Error> {
    let at = object_ref(&cmd.object)?;
    let controller = cmd.object.controller;
    let users = collect_users(cmd.users, controller)?;
    let secret = build_secret(controller, &at, &users)?;
    let stdout = htpasswd_k8s::write_stream(&[secret], cmd.object.output).map_err(k8s_err)?;
    finish(stdout, users)
}

/// The auth Secret holding `users`.
pub(super) fn build_secret(
    controller: Controller,
    at: &ObjectRef,
    users: &Users,
) -> Result<k8s_openapi::api::core::v1::Secret, Error> {
    htpasswd_k8s::auth_secret(controller, at, &users.set, users.secret_type).map_err(k8s_err)
}

/// The output of a command that made a Secret. The credentials file is written last, once the
/// manifests are complete, so that a failure leaves neither a file nor a manifest.
pub(super) fn finish(stdout: String, users: Users) -> Result<Output, Error> {
    let mut stderr = users.notices;
    match &users.credentials_file {
        Some(path) => {
            write_credentials(path, &users.generated)?;
            stderr.push(Zeroizing::new(format!(
                "generated passwords written to {}",
                path.display()
            )));
        }
        None => stderr.extend(users.generated),
    }
    Ok(Output {
        stdout,
        stderr,
        credentials_file: users.credentials_file,
    })
}
